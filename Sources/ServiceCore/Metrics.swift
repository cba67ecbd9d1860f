import Foundation

/// Prometheus-style metrics kept in process: a request-duration histogram per route, request
/// counts by status, in-flight, and counters for the cache, shedding and the rewards worker.
public final class ServiceMetrics: @unchecked Sendable {
    public static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    public static let routes = ["POST /auth/token", "GET /marketplace/products", "POST /payments", "GET /rewards/me",
                                "GET /metrics", "GET /healthz", "GET /readyz"]

    private struct Histogram {
        var counts = [Int](repeating: 0, count: ServiceMetrics.buckets.count)
        var count = 0
        var sum = 0.0
    }

    private let lock = NSLock()
    private var histograms: [String: Histogram] = [:]
    private var statuses: [String: Int] = [:]  // "route|status"
    private var inFlight = 0
    private var granted = 0, rewardErrors = 0
    private var batches = 0, batchTime = 0.0, batchMax = 0.0

    /// The rewards worker's polling period in seconds (0: no worker), for `/metrics`.
    let rewardsInterval: Double

    public init(rewardsInterval: Double = 0) { self.rewardsInterval = rewardsInterval }

    /// The route label for a request: a known route, or "other" (so labels stay bounded).
    public static func route(method: String, path: String) -> String {
        let key = "\(method) \(path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path)"
        return routes.contains(key) ? key : "other"
    }

    func begin() { lock.withLock { inFlight += 1 } }

    func end(route: String, status: Int, seconds: Double) {
        lock.withLock {
            inFlight -= 1
            var h = histograms[route] ?? Histogram()
            for (i, b) in Self.buckets.enumerated() where seconds <= b { h.counts[i] += 1 }
            h.count += 1
            h.sum += seconds
            histograms[route] = h
            statuses["\(route)|\(status)", default: 0] += 1
        }
    }

    /// A rewards batch: its rows and how long it held the database's one writer. A batch grows
    /// with the payment rate (rate × interval rows), and payments wait behind it.
    func rewardsGranted(_ n: Int, batchSeconds: Double = 0) {
        lock.withLock {
            granted += n
            if n > 0 { batches += 1; batchTime += batchSeconds; batchMax = max(batchMax, batchSeconds) }
        }
    }
    func rewardsFailed() { lock.withLock { rewardErrors += 1 } }

    /// The text exposition format (version 0.0.4).
    func render(admission: AdmissionController, cache: (hits: Int, misses: Int, size: Int)?, outboxLag: Int?) -> String {
        let (hs, st, flight, g, re) = lock.withLock { (histograms, statuses, inFlight, granted, rewardErrors) }
        let (nb, tb, mb) = lock.withLock { (batches, batchTime, batchMax) }
        var out = ""
        out += "# HELP http_request_duration_seconds Request duration by route.\n# TYPE http_request_duration_seconds histogram\n"
        for route in hs.keys.sorted() {
            let h = hs[route]!
            let label = #"route="\#(route)""#
            for (i, b) in Self.buckets.enumerated() {
                out += "http_request_duration_seconds_bucket{\(label),le=\"\(Self.format(b))\"} \(h.counts[i])\n"
            }
            out += "http_request_duration_seconds_bucket{\(label),le=\"+Inf\"} \(h.count)\n"
            out += "http_request_duration_seconds_sum{\(label)} \(h.sum)\n"
            out += "http_request_duration_seconds_count{\(label)} \(h.count)\n"
        }
        out += "# HELP http_requests_total Requests by route and status.\n# TYPE http_requests_total counter\n"
        for key in st.keys.sorted() {
            let parts = key.split(separator: "|")
            out += "http_requests_total{route=\"\(parts[0])\",status=\"\(parts[1])\"} \(st[key]!)\n"
        }
        let a = admission.snapshot
        enum Kind: String { case gauge, counter }
        /// One unlabelled sample with its HELP and TYPE lines.
        func sample(_ name: String, _ kind: Kind, _ help: String, _ value: some CustomStringConvertible) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(kind.rawValue)\n\(name) \(value)\n"
        }
        sample("http_requests_in_flight", .gauge, "Requests being handled now.", flight)
        sample("admission_workers", .gauge, "Worker slots.", admission.workers)
        sample("admission_running", .gauge, "Requests holding a worker slot.", a.running)
        sample("admission_queue_depth", .gauge, "Requests waiting for a worker slot.", a.queued)
        sample("admission_queue_limit", .gauge, "Most requests allowed to wait.", admission.queueLimit)
        sample("admission_rejected_total", .counter, "Requests shed with 503.", a.rejected)
        if let cache {
            sample("search_cache_hits_total", .counter, "Search cache hits.", cache.hits)
            sample("search_cache_misses_total", .counter, "Search cache misses.", cache.misses)
            sample("search_cache_entries", .gauge, "Entries in the search cache.", cache.size)
        }
        if let outboxLag {
            sample("outbox_lag", .gauge, "Unprocessed outbox rows.", outboxLag)
        }
        sample("process_cpu_seconds_total", .counter, "User and system CPU time of this process.", Self.processCPUSeconds())
        sample("rewards_granted_total", .counter, "Rewards granted by the worker.", g)
        sample("rewards_interval_seconds", .gauge, "How often the rewards worker polls the outbox (0: no worker).", rewardsInterval)
        sample("rewards_batches_total", .counter, "Rewards batches that granted at least one reward.", nb)
        sample("rewards_batch_seconds_total", .counter, "Time those batches held the database writer.", tb)
        sample("rewards_batch_seconds_max", .gauge, "The longest batch.", mb)
        sample("rewards_errors_total", .counter, "Failed worker batches.", re)
        return out
    }

    /// CPU time (user + system) this process has used, from getrusage: with the request count
    /// it gives the service demand per request (the utilization law, D = U / X), which
    /// `capsim calibrate` reads to see how busy the server really was at each load.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    static func format(_ b: Double) -> String {
        b == b.rounded() ? String(Int(b)) : String(b)
    }
}
