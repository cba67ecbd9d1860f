import ArgumentParser
import Foundation
import CapsimModel
import ServiceCore

/// `capsim serve`: the thin real service (Hummingbird over SQLite) with the seed platform's hot
/// paths — auth, marketplace search, payments with an outbox, the rewards worker — behind a
/// bounded admission queue, for load tests and calibration.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the service core: auth, marketplace search, payments and rewards over SQLite.",
        discussion: """
            Endpoints: POST /auth/token, GET /marketplace/products?q=&page=, POST /payments, GET /rewards/me,
            GET /metrics, /healthz, /readyz. Seeded creators: abebe, tigist, selam, dawit (password: HANDLE-pass).
            The catalogue is generated once per database file. SIGINT/SIGTERM shut down gracefully.
            """)

    @Option(help: "Address to bind.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port).") var port = 8080
    @Option(help: "SQLite database (default: reports/serve.sqlite; \":memory:\" keeps it in memory).") var db = "reports/serve.sqlite"
    @Option(help: "Requests handled at once.") var workers = 8
    @Option(help: "Requests allowed to wait for a worker before 503.") var queue = 64
    @Option(help: "Products to generate in a new database.") var products = 100_000
    @Option(help: "Search pages kept in the LRU cache (0: off).") var cache = 1_024
    @Option(help: "PBKDF2-HMAC-SHA256 iterations for seeded passwords.") var iterations = 10_000
    @Option(help: "How often the rewards worker polls the outbox (0s: no worker; payments then stay in the outbox).") var rewardsInterval = "200ms"
    @Option(help: "Outbox rows the rewards worker handles per transaction (it holds SQLite's one writer meanwhile).") var rewardsBatch = 500

    func validate() throws {
        if !(0...65_535).contains(port) { throw ValidationError("--port expects 0 to 65535") }
        if workers < 1 { throw ValidationError("--workers expects a positive count") }
        if queue < 0 { throw ValidationError("--queue expects a count of 0 or more") }
        if products < 1 { throw ValidationError("--products expects a positive count") }
        if cache < 0 { throw ValidationError("--cache expects a count of 0 or more") }
        if iterations < 1_000 { throw ValidationError("--iterations expects at least 1000") }
        guard let interval = CapsimModel.Duration(parsing: rewardsInterval)?.seconds, interval >= 0 else {
            throw ValidationError("--rewards-interval expects a duration like 200ms (0s: no worker)")
        }
        if rewardsBatch < 1 { throw ValidationError("--rewards-batch expects a positive count") }
    }

    func run() throws {
        var config = ServiceConfiguration()
        config.host = host
        config.port = port
        if db != ":memory:" {
            let dir = URL(fileURLWithPath: db).deletingLastPathComponent()
            try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            config.databasePath = db
        }
        config.workers = workers
        config.queueLimit = queue
        config.catalogueSize = products
        config.cacheCapacity = cache
        config.pbkdf2Iterations = iterations
        let interval = CapsimModel.Duration(parsing: rewardsInterval)?.seconds ?? 0.2
        config.runRewardsWorker = interval > 0
        config.rewardsInterval = .microseconds(Int64((interval * 1e6).rounded()))
        config.rewardsBatchSize = rewardsBatch
        if let secret = ProcessInfo.processInfo.environment["CAPSIM_TOKEN_SECRET"], !secret.isEmpty {
            config.tokenSecret = Array(secret.utf8)
        }
        let store = db
        config.onSeeded = { report in
            if let seconds = report.generationSeconds {
                printErr("serve: generated \(report.products) products in \(String(format: "%.2f", seconds)) s into \(store)")
            } else {
                printErr("serve: catalogue of \(report.products) products already in \(store)")
            }
        }
        let (host, workers, queue, iterations) = (self.host, self.workers, self.queue, self.iterations)
        config.onServerRunning = { port in
            printErr("serve: listening on http://\(host):\(port) (workers \(workers), queue \(queue), PBKDF2 \(iterations) iterations)")
        }

        do { try RunningService.runBlocking(config) } catch {
            printErr("error: serve: \(error)")
            throw ExitCode(1)
        }
    }
}
