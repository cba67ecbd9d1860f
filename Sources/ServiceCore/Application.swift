import Foundation
import Hummingbird
import HTTPTypes
import ServiceLifecycle
import UnixSignals

/// Everything `capsim serve` and the tests can set.
public struct ServiceConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 asks the OS for a free port (read it back in `onServerRunning`).
    public var port = 8080
    /// The SQLite file; nil keeps the database in memory.
    public var databasePath: String?
    /// Requests handled at once (the admission queue's workers).
    public var workers = 8
    /// Requests allowed to wait for a worker; past that, 503 with Retry-After.
    public var queueLimit = 64
    public var retryAfterSeconds = 1
    /// Products generated the first time a database file is opened.
    public var catalogueSize = 100_000
    /// Search-result pages kept in the in-process LRU cache (0 disables it).
    public var cacheCapacity = 1_024
    /// PBKDF2-HMAC-SHA256 iterations for the seeded creators' passwords.
    public var pbkdf2Iterations = 10_000
    public var tokenSecret: [UInt8] = (0..<32).map { _ in UInt8.random(in: 0...255) }
    public var tokenTTLSeconds = 3_600
    /// Cashback in basis points of the payment (200 = 2 %).
    public var cashbackBasisPoints: Int64 = 200
    public var runRewardsWorker = true
    public var rewardsInterval: Duration = .milliseconds(200)
    /// Outbox rows per rewards transaction: the writer is held for the whole batch.
    public var rewardsBatchSize = 500
    /// Called once the catalogue exists, with how long generating it took (nil: it already existed).
    public var onSeeded: (@Sendable (ServiceDatabase.SeedReport) -> Void)?
    /// Called with the bound port once the server listens.
    public var onServerRunning: (@Sendable (Int) async -> Void)?

    public init() {}
}

/// Builds the service: opens and seeds the database, then wires the routes, the admission queue,
/// metrics and the rewards worker into one Hummingbird application.
public func buildApplication(_ config: ServiceConfiguration) async throws -> some ApplicationProtocol {
    let database = try ServiceDatabase(path: config.databasePath, pbkdf2Iterations: config.pbkdf2Iterations)
    let report = try database.seed(products: config.catalogueSize)
    config.onSeeded?(report)

    let state = ServiceState(
        database: database,
        signer: TokenSigner(secret: config.tokenSecret, ttlSeconds: config.tokenTTLSeconds),
        admission: AdmissionController(workers: config.workers, queueLimit: config.queueLimit),
        cache: config.cacheCapacity > 0 ? LRUCache<String>(capacity: config.cacheCapacity) : nil,
        metrics: ServiceMetrics(rewardsInterval: config.runRewardsWorker
                                    ? Double(config.rewardsInterval.components.seconds) + Double(config.rewardsInterval.components.attoseconds) / 1e18 : 0),
        rewards: RewardsProcessor(database: database, cashbackBasisPoints: config.cashbackBasisPoints, batchSize: config.rewardsBatchSize),
        retryAfter: config.retryAfterSeconds)

    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: MetricsMiddleware(metrics: state.metrics))
    router.get("/healthz") { _, _ in json(.ok, #"{"status":"ok"}"#) }
    router.get("/readyz") { _, _ in
        let ready = (try? await database.writer.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
        let queue = state.admission.snapshot.queued
        if ready && queue < state.admission.queueLimit { return json(.ok, #"{"status":"ready"}"#) }
        return json(.serviceUnavailable, #"{"status":"not ready"}"#)
    }
    router.get("/metrics") { _, _ in
        let lag = try? database.outboxLag()
        let text = state.metrics.render(admission: state.admission, cache: state.cache?.stats, outboxLag: lag)
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    let api = router.group().add(middleware: AdmissionMiddleware(state: state))
    api.post("/auth/token") { request, _ in try await state.issueToken(request) }
    api.get("/marketplace/products") { request, _ in try await state.search(request) }
    api.post("/payments") { request, _ in try await state.pay(request) }
    api.get("/rewards/me") { request, _ in try await state.loyalty(request) }

    var services: [any Service] = []
    if config.runRewardsWorker {
        services.append(RewardsWorker(processor: state.rewards, interval: config.rewardsInterval, metrics: state.metrics))
    }
    let onRunning = config.onServerRunning
    return Application(
        router: router,
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "capsim"),
        services: services,
        // A TCP listener always has a port; were there none, nothing is reported and `start`
        // times out with its message rather than announcing a made-up port.
        onServerRunning: { channel in if let port = channel.localAddress?.port { await onRunning?(port) } })
}

// MARK: Handlers

struct ServiceState: Sendable {
    let database: ServiceDatabase
    let signer: TokenSigner
    let admission: AdmissionController
    let cache: LRUCache<String>?
    let metrics: ServiceMetrics
    let rewards: RewardsProcessor
    let retryAfter: Int

    static let maxBody = 16 * 1024

    struct Credentials: Decodable { let creator: String?; let password: String? }
    struct PaymentRequest: Decodable { let amount: Double?; let currency: String?; let product_id: Int64? }

    func body<T: Decodable>(_ request: Request, as type: T.Type) async throws -> T {
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: Self.maxBody) } catch {
            throw APIError(.contentTooLarge, "request body larger than \(Self.maxBody) bytes")
        }
        do { return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView)) } catch {
            throw APIError(.badRequest, "body must be a JSON object")
        }
    }

    func issueToken(_ request: Request) async throws -> Response {
        let c = try await body(request, as: Credentials.self)
        guard let handle = c.creator, !handle.isEmpty, handle.count <= 64 else { throw APIError(.badRequest, "creator: expected a handle") }
        guard let password = c.password, !password.isEmpty, password.count <= 256 else { throw APIError(.badRequest, "password: expected a string") }
        guard let id = try await database.authenticate(handle: handle, password: password) else {
            throw APIError(.unauthorized, "unknown creator or wrong password")
        }
        let (token, expiry) = signer.issue(creatorID: id, now: unixNow())
        return json(.ok, #"{"token":"\#(token)","token_type":"Bearer","creator_id":\#(id),"expires_at":\#(expiry)}"#)
    }

    func search(_ request: Request) async throws -> Response {
        let q = request.uri.queryParameters.get("q") ?? ""
        guard q.count <= 200 else { throw APIError(.badRequest, "q: at most 200 characters") }
        var page = 1
        if let text = request.uri.queryParameters.get("page") {
            guard let p = Int(text), (1...500).contains(p) else { throw APIError(.badRequest, "page: expected an integer from 1 to 500") }
            page = p
        }
        let key = "\(ServiceDatabase.ftsQuery(q) ?? "")|\(page)"
        if let cached = cache?.get(key) { return json(.ok, cached, headers: [HTTPField.Name("X-Cache")!: "hit"]) }
        let result = try await database.search(q, page: page)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(result), as: UTF8.self)
        cache?.put(key, text)
        return json(.ok, text, headers: [HTTPField.Name("X-Cache")!: cache == nil ? "off" : "miss"])
    }

    func authorize(_ request: Request) throws -> Int64 {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw APIError(.unauthorized, "missing Bearer token")
        }
        do { return try signer.verify(String(header.dropFirst(7)), now: unixNow()).creatorID } catch {
            throw APIError(.unauthorized, error == .expired ? "token expired" : "invalid token")
        }
    }

    static let idempotencyHeader = HTTPField.Name("Idempotency-Key")!

    func pay(_ request: Request) async throws -> Response {
        let creator = try authorize(request)
        let p = try await body(request, as: PaymentRequest.self)
        guard let amount = p.amount else { throw APIError(.badRequest, "amount: required") }
        guard amount.isFinite, amount > 0 else { throw APIError(.badRequest, "amount: must be greater than 0") }
        guard amount <= 1_000_000 else { throw APIError(.badRequest, "amount: at most 1,000,000 ETB") }
        let cents = Int64((amount * 100).rounded())
        guard cents >= 1 else { throw APIError(.badRequest, "amount: at least 0.01 ETB") }
        guard p.currency == "ETB" else { throw APIError(.badRequest, "currency: only ETB is accepted") }
        guard let product = p.product_id, product > 0 else { throw APIError(.badRequest, "product_id: expected a positive integer") }
        let key = request.headers[Self.idempotencyHeader]
        if let key, key.isEmpty || key.count > 128 { throw APIError(.badRequest, "Idempotency-Key: 1 to 128 characters") }
        let outcome = try await database.pay(creatorID: creator, productID: product, amountCents: cents, currency: "ETB",
                                             idempotencyKey: key, now: unixNow())
        var headers: HTTPFields = [:]
        if outcome.replayed { headers[HTTPField.Name("Idempotent-Replayed")!] = "true" }
        return json(HTTPResponse.Status(code: outcome.status), outcome.body, headers: headers)
    }

    func loyalty(_ request: Request) async throws -> Response {
        let creator = try authorize(request)
        let l = try await rewards.loyalty(creatorID: creator)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return json(.ok, String(decoding: try encoder.encode(l), as: UTF8.self))
    }
}

/// A client error answered as `{"error": "..."}`.
struct APIError: Error, HTTPResponseError {
    let status: HTTPResponse.Status
    let message: String
    init(_ status: HTTPResponse.Status, _ message: String) { self.status = status; self.message = message }
    var headers: HTTPFields { [.contentType: "application/json"] }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        json(status, errorBody(message))
    }
}

func errorBody(_ message: String) -> String {
    let data = (try? JSONEncoder().encode(["error": message])) ?? Data(#"{"error":"error"}"#.utf8)
    return String(decoding: data, as: UTF8.self)
}

func json(_ status: HTTPResponse.Status, _ body: String, headers: HTTPFields = [:]) -> Response {
    var h = headers
    h[.contentType] = "application/json"
    return Response(status: status, headers: h, body: .init(byteBuffer: ByteBuffer(string: body)))
}

// MARK: Middleware

struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServiceMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let route = ServiceMetrics.route(method: request.method.rawValue, path: request.uri.path)
        let start = ContinuousClock.now
        metrics.begin()
        func seconds() -> Double {
            let d = ContinuousClock.now - start
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        do {
            let response = try await next(request, context)
            metrics.end(route: route, status: response.status.code, seconds: seconds())
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.end(route: route, status: status, seconds: seconds())
            throw error
        }
    }
}

let serverTimingHeader = HTTPField.Name("Server-Timing")!

/// Holds a worker slot for the request, or sheds it with 503 and Retry-After.
///
/// Every admitted response carries `Server-Timing: queue;dur=W, app;dur=S` (milliseconds, the
/// W3C header): W is the wait for a worker slot, S the time holding it. A client sees its round
/// trip; these two split it into the server's queueing, the server's work and everything else
/// (network, parsing, the client itself), which is what `capsim calibrate` needs to fit a
/// station's service time without the client's own overhead in it.
struct AdmissionMiddleware<Context: RequestContext>: RouterMiddleware {
    let state: ServiceState

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let arrived = ContinuousClock.now
        guard await state.admission.acquire() else {
            return json(.serviceUnavailable, errorBody("overloaded: try again later"),
                        headers: [.retryAfter: String(state.retryAfter)])
        }
        defer { state.admission.release() }
        let admitted = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as APIError {
            response = json(error.status, errorBody(error.message))
        }
        let done = ContinuousClock.now
        response.headers[serverTimingHeader] = "queue;dur=\(milliseconds(admitted - arrived)), app;dur=\(milliseconds(done - admitted))"
        return response
    }

    /// Milliseconds with microsecond resolution, as Server-Timing's `dur` expects.
    func milliseconds(_ d: Swift.Duration) -> String {
        let us = d.components.seconds * 1_000_000 + d.components.attoseconds / 1_000_000_000_000
        return String(format: "%.3f", Double(us) / 1000)
    }
}

// MARK: Running in process

/// Runs an application in a `ServiceGroup` in this process (tests; `capsim serve` uses the
/// same path), with the bound port known before `start` returns.
public final class RunningService: Sendable {
    public let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        self.port = port
        self.group = group
        self.task = task
    }

    public struct StartFailure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Builds and starts the service (`handlingSignals`: SIGTERM/SIGINT shut it down gracefully). Throws if it stops before listening (a failed bind) or does
    /// not listen within `timeout`, so a caller never waits forever.
    public static func start(_ configuration: ServiceConfiguration, timeout: Duration = .seconds(120),
                             handlingSignals: Bool = false) async throws -> RunningService {
        let promise = PortPromise()
        var config = configuration
        let userCallback = configuration.onServerRunning
        config.onServerRunning = { port in
            promise.fulfill(.success(port))
            await userCallback?(port)
        }
        let app = try await buildApplication(config)
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: handlingSignals ? [.sigterm, .sigint] : [], logger: app.logger)
        let task = Task {
            do {
                try await group.run()
                promise.fulfill(.failure(StartFailure(description: "the server stopped before it listened")))
            } catch {
                promise.fulfill(.failure(error))
                throw error
            }
        }
        let timer = Task {
            try await Task.sleep(for: timeout)
            promise.fulfill(.failure(StartFailure(description: "the server did not listen within \(timeout)")))
        }
        defer { timer.cancel() }
        do {
            let port = try await promise.value
            return RunningService(port: port, group: group, task: task)
        } catch {
            await group.triggerGracefulShutdown()
            _ = await task.result
            throw error
        }
    }

    /// Waits until the service stops (a signal, or `shutdown()` from elsewhere).
    public func wait() async throws { try await task.value }

    public func shutdown() async throws {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }
}

/// A one-shot value that a waiter can await, fulfilled at most once (later calls are ignored).
final class PortPromise: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<Int, any Error>?
    private var waiter: CheckedContinuation<Int, any Error>?

    func fulfill(_ r: Result<Int, any Error>) {
        let w: CheckedContinuation<Int, any Error>? = lock.withLock {
            guard result == nil else { return nil }
            result = r
            defer { waiter = nil }
            return waiter
        }
        w?.resume(with: r)
    }

    var value: Int {
        get async throws {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Int, any Error>) in
                let ready: Result<Int, any Error>? = lock.withLock {
                    if let result { return result }
                    waiter = c
                    return nil
                }
                if let ready { c.resume(with: ready) }
            }
        }
    }
}
