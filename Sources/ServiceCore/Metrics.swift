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
        out += "# HELP http_requests_in_flight Requests being handled now.\n# TYPE http_requests_in_flight gauge\nhttp_requests_in_flight \(flight)\n"
        out += "# HELP admission_workers Worker slots.\n# TYPE admission_workers gauge\nadmission_workers \(admission.workers)\n"
        out += "# HELP admission_running Requests holding a worker slot.\n# TYPE admission_running gauge\nadmission_running \(a.running)\n"
        out += "# HELP admission_queue_depth Requests waiting for a worker slot.\n# TYPE admission_queue_depth gauge\nadmission_queue_depth \(a.queued)\n"
        out += "# HELP admission_queue_limit Most requests allowed to wait.\n# TYPE admission_queue_limit gauge\nadmission_queue_limit \(admission.queueLimit)\n"
        out += "# HELP admission_rejected_total Requests shed with 503.\n# TYPE admission_rejected_total counter\nadmission_rejected_total \(a.rejected)\n"
        if let cache {
            out += "# HELP search_cache_hits_total Search cache hits.\n# TYPE search_cache_hits_total counter\nsearch_cache_hits_total \(cache.hits)\n"
            out += "# HELP search_cache_misses_total Search cache misses.\n# TYPE search_cache_misses_total counter\nsearch_cache_misses_total \(cache.misses)\n"
            out += "# HELP search_cache_entries Entries in the search cache.\n# TYPE search_cache_entries gauge\nsearch_cache_entries \(cache.size)\n"
        }
        if let outboxLag {
            out += "# HELP outbox_lag Unprocessed outbox rows.\n# TYPE outbox_lag gauge\noutbox_lag \(outboxLag)\n"
        }
        out += "# HELP process_cpu_seconds_total User and system CPU time of this process.\n# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total \(Self.processCPUSeconds())\n"
        out += "# HELP rewards_granted_total Rewards granted by the worker.\n# TYPE rewards_granted_total counter\nrewards_granted_total \(g)\n"
        out += "# HELP rewards_interval_seconds How often the rewards worker polls the outbox (0: no worker).\n# TYPE rewards_interval_seconds gauge\nrewards_interval_seconds \(rewardsInterval)\n"
        out += "# HELP rewards_batches_total Rewards batches that granted at least one reward.\n# TYPE rewards_batches_total counter\nrewards_batches_total \(nb)\n"
        out += "# HELP rewards_batch_seconds_total Time those batches held the database writer.\n# TYPE rewards_batch_seconds_total counter\nrewards_batch_seconds_total \(tb)\n"
        out += "# HELP rewards_batch_seconds_max The longest batch.\n# TYPE rewards_batch_seconds_max gauge\nrewards_batch_seconds_max \(mb)\n"
        out += "# HELP rewards_errors_total Failed worker batches.\n# TYPE rewards_errors_total counter\nrewards_errors_total \(re)\n"
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
