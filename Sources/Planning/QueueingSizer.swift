import CapsimModel
import Foundation

/// Sizes a service by its latency SLO with Erlang C, next to the utilisation rule.
///
/// Each instance offers k = `concurrency` servers. With a shared queue, n instances form one
/// M/M/(n·k) queue. With a queue per instance, each instance is its own M/M/k queue fed a
/// 1/n share of the traffic (Poisson splitting, exact for random balancing and conservative
/// for round-robin and least-outstanding, which smooth arrivals); this is how Kubernetes
/// pods behind a Service queue, and it needs more instances than a shared pool.
/// Non-exponential service times scale the waiting time by (1 + SCV)/2 (Allen–Cunneen with
/// Poisson arrivals; exact for M/M/c). A percentile objective is checked as
/// wait quantile + service-time quantile, which is conservative (the sum of quantiles bounds
/// the quantile of the sum from above for these distributions), so the count errs on the side
/// of one instance too many, not one too few.
public enum QueueingSizer {
    public static func percentile(of m: Metric) -> Double? {
        switch m {
        case .latencyP50: return 0.5
        case .latencyP90: return 0.9
        case .latencyP95: return 0.95
        case .latencyP99: return 0.99
        default: return nil
        }
    }

    /// The SLO statistic predicted with `instances` instances at arrival rate `lambda`.
    public static func latency(_ sv: Service, _ slo: SLO, lambda: Double, instances: Int) -> Double {
        let st = sv.capacity.serviceTime
        let shared = sv.queue.discipline == .shared
        let q = ErlangC(lambda: shared ? lambda : lambda / Double(instances), mu: 1 / st.mean,
                        servers: shared ? instances * sv.capacity.concurrency : sv.capacity.concurrency)
        guard q.isStable else { return .infinity }
        let scale = (1 + st.scv) / 2
        if let p = percentile(of: slo.metric) { return q.waitQuantile(p) * scale + st.quantile(p) }
        return q.meanWait * scale + st.mean
    }

    public static func size(_ sv: Service, lambda: Double, naive: Int) -> QueueingSizing? {
        guard let slo = sv.slo else { return nil }
        let st = sv.capacity.serviceTime
        let stat = slo.metric.rawValue.replacingOccurrences(of: "latency_", with: "")
        let floor = percentile(of: slo.metric).map { st.quantile($0) } ?? st.mean
        let atNaive = latency(sv, slo, lambda: lambda, instances: naive)
        let show = { (x: Double) in x.isFinite ? formatDuration(x.roundedTo3()) : "unbounded (queue unstable)" }
        let model = sv.queue.discipline == .shared ? "one shared queue" : "a queue per instance"
        let implied = sv.capacity.rpsGiven ? " (service time implied by capacity.rps: exponential, \(sv.capacity.concurrency) slot\(sv.capacity.concurrency == 1 ? "" : "s"))" : ""
        if floor >= slo.threshold {
            return QueueingSizing(sloMetric: slo.metric.rawValue, sloSeconds: slo.threshold, instancesRequired: nil, predictedLatencySeconds: nil,
                                  utilization: nil, latencyAtNaiveCountSeconds: atNaive.isFinite ? atNaive : nil,
                                  explanation: "No instance count meets \(stat) ≤ \(formatDuration(slo.threshold)): the service time's own \(stat) is \(show(floor))\(implied). Make the service faster or relax the SLO.")
        }
        let servers = sv.capacity.concurrency
        var n = max(1, Int((lambda * st.mean / Double(servers)).rounded(.down)))
        while latency(sv, slo, lambda: lambda, instances: n) > slo.threshold && n < 10_000_000 { n += 1 }
        let at = latency(sv, slo, lambda: lambda, instances: n)
        let util = lambda * st.mean / Double(n * servers)
        let u = Percent(fraction: (util * 1000).rounded() / 1000)
        let text: String
        if n == naive {
            text = "Erlang C (\(model)) agrees with the utilisation rule: \(n) instances keep \(stat) at \(show(at)) (SLO \(formatDuration(slo.threshold))) at \(u) busy\(implied)."
        } else if n < naive {
            text = "Erlang C (\(model)) needs \(n) instances: at \(u) busy \(stat) is \(show(at)), within the \(formatDuration(slo.threshold)) SLO. The utilisation rule's \(naive) leaves \(naive - n) instance\(naive - n == 1 ? "" : "s") of headroom beyond what the SLO needs\(implied)."
        } else {
            text = "Erlang C (\(model)) needs \(n) instances, \(n - naive) more than the utilisation rule's \(naive): at \(naive) instances \(stat) would be \(show(atNaive)) against the \(formatDuration(slo.threshold)) SLO, because queueing delay grows steeply as utilisation nears 100 %\(implied)."
        }
        return QueueingSizing(sloMetric: slo.metric.rawValue, sloSeconds: slo.threshold, instancesRequired: n, predictedLatencySeconds: at,
                              utilization: util, latencyAtNaiveCountSeconds: atNaive.isFinite ? atNaive : nil, explanation: text)
    }
}

extension Double {
    func roundedTo3() -> Double {
        guard self != 0, isFinite else { return self }
        let digits = 3 - Int(log10(abs(self)).rounded(.up))
        let scale = pow(10, Double(digits))
        return (self * scale).rounded() / scale
    }
}
