import Foundation
import GRDB

/// A creator who can sign in; every other catalogue creator owns products but has no password.
public struct SeedCreator: Sendable {
    public let handle: String
    public let password: String
}

/// The service's SQLite database: schema, the seeded creators and catalogue, and the hot-path queries.
/// Every statement is parameterised; every multi-row change is one transaction.
public final class ServiceDatabase: Sendable {
    public let writer: any DatabaseWriter
    public let pbkdf2Iterations: Int

    /// Demo credentials, seeded deterministically (docs/serve-load-calibrate.md): password = handle + "-pass".
    public static let seedCreators: [SeedCreator] = ["abebe", "tigist", "selam", "dawit"].map { SeedCreator(handle: $0, password: "\($0)-pass") }
    public static let creatorCount = 2_000

    /// Opens (creating if needed) the database at `path`, or an in-memory one when `path` is nil.
    public init(path: String?, pbkdf2Iterations: Int = 10_000) throws {
        var config = Configuration()
        config.busyMode = .timeout(10)
        if let path {
            writer = try DatabasePool(path: path, configuration: config)
        } else {
            writer = try DatabaseQueue(configuration: config)
        }
        self.pbkdf2Iterations = pbkdf2Iterations
        try migrator.migrate(writer)
    }

    var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE creators (
                    id INTEGER PRIMARY KEY, handle TEXT NOT NULL UNIQUE, name TEXT NOT NULL, city TEXT NOT NULL,
                    salt BLOB, password_hash BLOB, iterations INTEGER);
                CREATE TABLE products (
                    id INTEGER PRIMARY KEY, creator_id INTEGER NOT NULL REFERENCES creators(id), name TEXT NOT NULL,
                    category TEXT NOT NULL, city TEXT NOT NULL, price_cents INTEGER NOT NULL, description TEXT NOT NULL);
                CREATE VIRTUAL TABLE products_fts USING fts5(
                    name, category, city, description, content='products', content_rowid='id');
                CREATE TABLE orders (
                    id INTEGER PRIMARY KEY, creator_id INTEGER NOT NULL REFERENCES creators(id),
                    product_id INTEGER NOT NULL REFERENCES products(id), amount_cents INTEGER NOT NULL,
                    currency TEXT NOT NULL, created_at INTEGER NOT NULL);
                CREATE TABLE payments (
                    id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL UNIQUE REFERENCES orders(id),
                    amount_cents INTEGER NOT NULL, currency TEXT NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL);
                CREATE TABLE outbox (
                    id INTEGER PRIMARY KEY, event_type TEXT NOT NULL, payment_id INTEGER NOT NULL, creator_id INTEGER NOT NULL,
                    amount_cents INTEGER NOT NULL, payload TEXT NOT NULL, created_at INTEGER NOT NULL, processed_at INTEGER);
                CREATE INDEX outbox_unprocessed ON outbox(id) WHERE processed_at IS NULL;
                CREATE TABLE idempotency_keys (
                    creator_id INTEGER NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
                    status INTEGER NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL,
                    PRIMARY KEY (creator_id, key));
                CREATE TABLE rewards (
                    id INTEGER PRIMARY KEY, payment_id INTEGER NOT NULL UNIQUE REFERENCES payments(id),
                    creator_id INTEGER NOT NULL, cashback_cents INTEGER NOT NULL, created_at INTEGER NOT NULL);
                CREATE TABLE loyalty (
                    creator_id INTEGER PRIMARY KEY, total_spent_cents INTEGER NOT NULL, cashback_cents INTEGER NOT NULL,
                    payments INTEGER NOT NULL, tier TEXT NOT NULL);
                """)
        }
        return m
    }

    // MARK: Seeding

    /// What `seed` did: how many products exist and how long generating them took (nil when the
    /// file already held its catalogue).
    public struct SeedReport: Sendable {
        public let products: Int
        public let generationSeconds: Double?
    }

    /// Seeds the creators and generates `products` rows once per database file (recorded in `meta`).
    public func seed(products: Int) throws -> SeedReport {
        let existing = try writer.read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'catalogue_size'") }
        if let existing, let n = Int(existing) { return SeedReport(products: n, generationSeconds: nil) }
        let credentials = Self.seedCreators.map { c -> (String, [UInt8], [UInt8]) in
            let salt = Array(Crypto.sha256(Array("capsim-salt:\(c.handle)".utf8)).prefix(16))
            return (c.handle, salt, Crypto.pbkdf2SHA256(password: Array(c.password.utf8), salt: salt, iterations: pbkdf2Iterations))
        }
        let start = DispatchTime.now().uptimeNanoseconds
        try writer.write { db in
            let insertCreator = try db.makeStatement(sql: "INSERT INTO creators (id, handle, name, city) VALUES (?, ?, ?, ?)")
            for id in 1...Int64(Self.creatorCount) {
                let c = Catalogue.creator(id)
                try insertCreator.execute(arguments: [id, c.handle, c.name, c.city])
            }
            for (handle, salt, hash) in credentials {
                try db.execute(sql: "UPDATE creators SET salt = ?, password_hash = ?, iterations = ? WHERE handle = ?",
                               arguments: [Data(salt), Data(hash), pbkdf2Iterations, handle])
            }
            let insert = try db.makeStatement(sql: """
                INSERT INTO products (id, creator_id, name, category, city, price_cents, description) VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            var random = Catalogue.Random(seed: 0x5354_414e_5354_4f52)  // "STANSTOR"
            if products > 0 {
                for id in 1...Int64(products) {
                    let p = Catalogue.product(id, creatorCount: Self.creatorCount, random: &random)
                    insert.setUncheckedArguments([p.id, p.creatorID, p.name, p.category, p.city, p.priceCents, p.description])
                    try insert.execute()
                }
            }
            try db.execute(sql: "INSERT INTO products_fts(products_fts) VALUES ('rebuild')")
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('catalogue_size', ?)", arguments: [String(products)])
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return SeedReport(products: products, generationSeconds: seconds)
    }

    // MARK: Auth

    /// The creator's id when `password` matches (PBKDF2-HMAC-SHA256 with the stored salt and work factor).
    public func authenticate(handle: String, password: String) async throws -> Int64? {
        let stored: (id: Int64, salt: Data?, hash: Data?, iterations: Int?)? = try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT id, salt, password_hash, iterations FROM creators WHERE handle = ?", arguments: [handle])
                .map { ($0["id"], $0["salt"], $0["password_hash"], $0["iterations"]) }
        }
        guard let stored, let saltData = stored.salt, let hashData = stored.hash, let iterations = stored.iterations else {
            // Spend the same work for unknown users so timing does not reveal which handles exist.
            _ = Crypto.pbkdf2SHA256(password: Array(password.utf8), salt: [0], iterations: pbkdf2Iterations)
            return nil
        }
        let salt = Array(saltData), expected = Array(hashData)
        let derived = Crypto.pbkdf2SHA256(password: Array(password.utf8), salt: salt, iterations: iterations)
        return Crypto.constantTimeEqual(derived, expected) ? stored.id : nil
    }

    // MARK: Search

    public struct ProductHit: Codable, Sendable, Equatable {
        public let id: Int64
        public let name: String
        public let category: String
        public let city: String
        public let price_etb: Double
        public let creator: String
    }

    public struct SearchPage: Codable, Sendable {
        public let query: String
        public let page: Int
        public let page_size: Int
        public let total: Int
        public let results: [ProductHit]
    }

    public static let pageSize = 20

    /// Turns free text into an FTS5 query of quoted terms (implicit AND, the last one a prefix), so
    /// user input can never be FTS syntax. Nil when nothing searchable remains.
    public static func ftsQuery(_ text: String) -> String? {
        let terms = text.lowercased().split { !($0.isLetter || $0.isNumber) }.prefix(8).map(String.init)
        guard !terms.isEmpty else { return nil }
        return terms.enumerated().map { i, t in "\"\(t)\"" + (i == terms.count - 1 ? "*" : "") }.joined(separator: " ")
    }

    public func search(_ text: String, page: Int) async throws -> SearchPage {
        let offset = (page - 1) * Self.pageSize
        let match = Self.ftsQuery(text)
        return try await writer.read { db in
            let select = "SELECT p.id, p.name, p.category, p.city, p.price_cents, c.handle FROM products p JOIN creators c ON c.id = p.creator_id"
            let rows: [Row]
            let total: Int
            if let match {
                total = try Int.fetchOne(db, sql: "SELECT count(*) FROM products_fts WHERE products_fts MATCH ?", arguments: [match]) ?? 0
                rows = try Row.fetchAll(db, sql: """
                    \(select) JOIN (SELECT rowid, rank FROM products_fts WHERE products_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?) f
                    ON f.rowid = p.id ORDER BY f.rank
                    """, arguments: [match, Self.pageSize, offset])
            } else {
                total = try Int.fetchOne(db, sql: "SELECT count(*) FROM products") ?? 0
                rows = try Row.fetchAll(db, sql: "\(select) ORDER BY p.id LIMIT ? OFFSET ?", arguments: [Self.pageSize, offset])
            }
            let hits = rows.map { r in
                ProductHit(id: r[0], name: r[1], category: r[2], city: r[3], price_etb: Double(r[4] as Int64) / 100, creator: r[5])
            }
            return SearchPage(query: text, page: page, page_size: Self.pageSize, total: total, results: hits)
        }
    }

    // MARK: Payments

    public struct PaymentOutcome: Sendable {
        public let status: Int
        public let body: String
        public let replayed: Bool
    }

    /// Writes order, payment and a `transaction.completed` outbox row in one transaction. With an
    /// idempotency key, the stored response is returned for a repeat (and 409 when the same key
    /// comes with a different request).
    public func pay(creatorID: Int64, productID: Int64, amountCents: Int64, currency: String,
                    idempotencyKey: String?, now: Int64) async throws -> PaymentOutcome {
        let requestHash = Crypto.hex(Crypto.sha256(Array("\(productID)|\(amountCents)|\(currency)".utf8)))
        return try await writer.write { db in
            if let key = idempotencyKey, let row = try Row.fetchOne(db, sql: """
                SELECT request_hash, status, body FROM idempotency_keys WHERE creator_id = ? AND key = ?
                """, arguments: [creatorID, key]) {
                let hash: String = row["request_hash"]
                if hash != requestHash {
                    return PaymentOutcome(status: 409, body: #"{"error":"Idempotency-Key was already used with a different request"}"#, replayed: false)
                }
                return PaymentOutcome(status: row["status"], body: row["body"], replayed: true)
            }
            let status: Int
            let body: String
            if try Int.fetchOne(db, sql: "SELECT 1 FROM products WHERE id = ?", arguments: [productID]) == nil {
                status = 404
                body = #"{"error":"no product with id \#(productID)"}"#
            } else {
                try db.execute(sql: "INSERT INTO orders (creator_id, product_id, amount_cents, currency, created_at) VALUES (?, ?, ?, ?, ?)",
                               arguments: [creatorID, productID, amountCents, currency, now])
                let orderID = db.lastInsertedRowID
                try db.execute(sql: "INSERT INTO payments (order_id, amount_cents, currency, status, created_at) VALUES (?, ?, ?, 'completed', ?)",
                               arguments: [orderID, amountCents, currency, now])
                let paymentID = db.lastInsertedRowID
                let amount = Self.etb(amountCents)
                let payload = #"{"payment_id":\#(paymentID),"order_id":\#(orderID),"creator_id":\#(creatorID),"product_id":\#(productID),"amount":\#(amount),"currency":"ETB"}"#
                try db.execute(sql: """
                    INSERT INTO outbox (event_type, payment_id, creator_id, amount_cents, payload, created_at)
                    VALUES ('transaction.completed', ?, ?, ?, ?, ?)
                    """, arguments: [paymentID, creatorID, amountCents, payload, now])
                status = 201
                body = #"{"payment_id":\#(paymentID),"order_id":\#(orderID),"status":"completed","amount":\#(amount),"currency":"ETB"}"#
            }
            if let key = idempotencyKey {
                try db.execute(sql: """
                    INSERT INTO idempotency_keys (creator_id, key, request_hash, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [creatorID, key, requestHash, status, body, now])
            }
            return PaymentOutcome(status: status, body: body, replayed: false)
        }
    }

    static func etb(_ cents: Int64) -> String {
        let whole = cents / 100, frac = cents % 100
        return "\(whole).\(frac < 10 ? "0" : "")\(frac)"
    }

    // MARK: Counts

    public func count(_ table: String) throws -> Int {
        precondition(["orders", "payments", "outbox", "rewards", "idempotency_keys", "products", "loyalty"].contains(table))
        return try writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 }
    }

    /// Unprocessed outbox rows (the rewards worker's lag).
    public func outboxLag() throws -> Int {
        try writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE processed_at IS NULL") ?? 0 }
    }
}
