import Foundation
import GRDB
import ServiceLifecycle

/// Consumes `transaction.completed` rows from the outbox: cashback and a loyalty tier per creator.
///
/// Exactly once: the reward, the loyalty update and `processed_at` are written in one transaction,
/// so a crash leaves either all or none; and `rewards.payment_id` is UNIQUE, so even a row whose
/// mark was lost (redelivered) cannot pay twice.
public struct RewardsProcessor: Sendable {
    public let database: ServiceDatabase
    public let cashbackBasisPoints: Int64
    public let batchSize: Int

    public init(database: ServiceDatabase, cashbackBasisPoints: Int64 = 200, batchSize: Int = 500) {
        self.database = database
        self.cashbackBasisPoints = cashbackBasisPoints
        self.batchSize = batchSize
    }

    /// The tier for a creator's total spend (in santim).
    public static func tier(totalSpentCents: Int64) -> String {
        switch totalSpentCents {
        case ..<100_000: "bronze"        // < 1,000 ETB
        case ..<1_000_000: "silver"      // < 10,000 ETB
        case ..<5_000_000: "gold"        // < 50,000 ETB
        default: "platinum"
        }
    }

    /// Processes up to `batchSize` unprocessed rows; returns how many rewards were granted.
    @discardableResult
    public func processBatch(now: Int64) async throws -> Int {
        let rate = cashbackBasisPoints, limit = batchSize
        return try await database.writer.write { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, payment_id, creator_id, amount_cents FROM outbox
                WHERE processed_at IS NULL AND event_type = 'transaction.completed' ORDER BY id LIMIT ?
                """, arguments: [limit])
            var granted = 0
            for row in rows {
                let paymentID: Int64 = row["payment_id"], creatorID: Int64 = row["creator_id"], amount: Int64 = row["amount_cents"]
                let cashback = amount * rate / 10_000
                try db.execute(sql: """
                    INSERT INTO rewards (payment_id, creator_id, cashback_cents, created_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT(payment_id) DO NOTHING
                    """, arguments: [paymentID, creatorID, cashback, now])
                if db.changesCount == 1 {
                    granted += 1
                    try db.execute(sql: """
                        INSERT INTO loyalty (creator_id, total_spent_cents, cashback_cents, payments, tier) VALUES (?, ?, ?, 1, ?)
                        ON CONFLICT(creator_id) DO UPDATE SET total_spent_cents = total_spent_cents + excluded.total_spent_cents,
                            cashback_cents = cashback_cents + excluded.cashback_cents, payments = payments + 1
                        """, arguments: [creatorID, amount, cashback, Self.tier(totalSpentCents: amount)])
                    let total = try Int64.fetchOne(db, sql: "SELECT total_spent_cents FROM loyalty WHERE creator_id = ?", arguments: [creatorID]) ?? 0
                    try db.execute(sql: "UPDATE loyalty SET tier = ? WHERE creator_id = ?", arguments: [Self.tier(totalSpentCents: total), creatorID])
                }
                try db.execute(sql: "UPDATE outbox SET processed_at = ? WHERE id = ?", arguments: [now, row["id"] as Int64])
            }
            return granted
        }
    }

    public struct Loyalty: Codable, Sendable, Equatable {
        public let creator_id: Int64
        public let total_spent_etb: Double
        public let cashback_etb: Double
        public let payments: Int
        public let tier: String
    }

    public func loyalty(creatorID: Int64) async throws -> Loyalty {
        try await database.writer.read { db in
            if let r = try Row.fetchOne(db, sql: "SELECT total_spent_cents, cashback_cents, payments, tier FROM loyalty WHERE creator_id = ?",
                                        arguments: [creatorID]) {
                return Loyalty(creator_id: creatorID, total_spent_etb: Double(r[0] as Int64) / 100, cashback_etb: Double(r[1] as Int64) / 100,
                               payments: r[2], tier: r[3])
            }
            return Loyalty(creator_id: creatorID, total_spent_etb: 0, cashback_etb: 0, payments: 0, tier: "bronze")
        }
    }
}

/// The background worker: polls the outbox every `interval` until graceful shutdown.
struct RewardsWorker: Service {
    let processor: RewardsProcessor
    let interval: Duration
    let metrics: ServiceMetrics

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let start = ContinuousClock.now
                let granted = try await processor.processBatch(now: unixNow())
                let d = ContinuousClock.now - start
                metrics.rewardsGranted(granted, batchSeconds: Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
                if granted == processor.batchSize { continue }  // behind: go again at once
            } catch {
                metrics.rewardsFailed()
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}

func unixNow() -> Int64 { Int64(Date().timeIntervalSince1970) }
