import CapsimModel

/// A setting `optimize` may move: a scenario path (as `--set` takes it) and its values, listed
/// from the cheapest to the safest. The search assumes that order: a safer value never breaks
/// an SLO the cheaper one kept, and never costs less.
public struct Knob: Hashable, Sendable {
    public let path: String
    public let values: [String]

    public init(path: String, values: [String]) { self.path = path; self.values = values }

    /// `PATH=LOW..HIGH` (whole numbers, ascending) or `PATH=V1,V2,…` (cheapest first).
    public static func parse(_ flag: String) -> Result<Knob, SweepFlagError> {
        guard let eq = flag.firstIndex(of: "="), eq != flag.startIndex else {
            return .failure(SweepFlagError("--knob expects PATH=LOW..HIGH or PATH=V1,V2,… (cheapest first), got \"\(flag)\""))
        }
        let path = String(flag[..<eq]), spec = String(flag[flag.index(after: eq)...])
        if let dots = spec.range(of: "..") {
            guard let lo = Int(spec[..<dots.lowerBound]), let hi = Int(spec[dots.upperBound...]), lo <= hi, hi - lo < 10_000 else {
                return .failure(SweepFlagError("--knob \(path): a range is two whole numbers LOW..HIGH with LOW ≤ HIGH, like 2..12, got \"\(spec)\""))
            }
            return check(Knob(path: path, values: (lo...hi).map(String.init)))
        }
        switch SweepAxis.parse(flag: flag) {
        case .success(let a): return check(Knob(path: path, values: a.values.map(\.text)))
        case .failure(let e): return .failure(SweepFlagError(e.description.replacingOccurrences(of: "--vary", with: "--knob")))
        }
    }

    /// Keys that change what the platform runs (and so what it costs); a knob elsewhere (a
    /// traffic rate, a price, an SLO) cannot be traded against cost.
    static let capacityKeys = ["replicas", "autoscaling", "concurrency", "read_replicas", "workers", "cpus", "max_connections", "partitions", "resources"]

    static func check(_ k: Knob) -> Result<Knob, SweepFlagError> {
        let keys = k.path.split(separator: ".").map { String($0.split(separator: "[")[0]) }
        let owner = ["services", "databases"].contains(keys.first ?? "") || k.path.hasPrefix("event_bus.consumer_groups.")
        guard owner, keys.dropFirst(2).contains(where: capacityKeys.contains) else {
            return .failure(SweepFlagError("--knob \(k.path) cannot move cost: optimize moves capacity — a service's replicas, autoscaling or concurrency, "
                                           + "a database's cpus, read_replicas or max_connections, a consumer group's workers"))
        }
        return .success(k)
    }

    /// The knobs `--service NAME` means: its HPA max (from its initial count to twice its max) and its
    /// first HPA metric's CPU target (90 % down to 50 %) with an HPA; its replica count without.
    public static func defaults(for name: String, in s: Scenario) -> [Knob]? {
        guard let sv = s.services[name] else { return nil }
        let r = sv.replicas
        guard let hpa = sv.autoscaling.hpa else {
            return [Knob(path: "services.\(name).replicas", values: (1...max(2, 2 * r.max)).map(String.init))]
        }
        let low = max(1, r.min, r.initial)
        var knobs = [Knob(path: "services.\(name).replicas.max", values: (low...max(low + 1, 2 * r.max)).map(String.init))]
        if hpa.metrics.first?.metric == .cpuUtilization {
            knobs.append(Knob(path: "services.\(name).autoscaling.hpa.metrics[0].target", values: ["90%", "80%", "70%", "60%", "50%"]))
        }
        return knobs
    }
}
