import Simulation

/// "Where does the latency come from": per station, how often a request had to queue for a
/// slot, the wait, and the time holding the slot, each as mean and percentiles. Shared by the
/// Markdown and HTML reports.
enum WaitBreakdown {
    static let header = ["station", "P(wait)", "wait mean", "wait p50", "wait p95", "wait p99", "service mean", "service p50", "service p95", "service p99"]

    /// One row per station that served a request after warm-up.
    static func rows(_ r: SimulationResult) -> [[String]] {
        r.services.compactMap { s in
            guard let p = s.waitProbability else { return nil }
            let w = s.wait, t = s.serviceTime
            return [s.service, ChartFormat.percent(p), ChartFormat.latency(w?.mean), ChartFormat.latency(w?.p50), ChartFormat.latency(w?.p95),
                    ChartFormat.latency(w?.p99), ChartFormat.latency(t?.mean), ChartFormat.latency(t?.p50), ChartFormat.latency(t?.p95), ChartFormat.latency(t?.p99)]
        }
    }

    static let note = "P(wait): the share of requests that queued for a slot (Erlang C's probability of waiting for an M/M/c station). The wait is the time in the queue before a slot; the service, the time holding it (stretched by CPU throttling). Requests waiting outside a station — for a database connection, a row lock or a caller's pool — are counted apart."
}
