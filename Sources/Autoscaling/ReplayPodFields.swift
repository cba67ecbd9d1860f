import CapsimModel

/// A pod's fields as they are read (either format), checked one by one, then made a `PodSample`.
struct PodFields {
    /// Every field a pod may carry, as both formats spell it. `metrics` (JSON Lines) and a
    /// service metric's name on a pod row (CSV) give the pod's own Pods-metric samples.
    static let keys = ["name", "ready", "age", "ready_for", "ready_since", "phase", "deleting", "cpu_request", "cpu_usage",
                       "memory_request", "memory_usage", "sample_age", "sample_window"]
    /// What a pod must have.
    static let required = ["name", "ready", "age"]
    /// Fields whose `null` (JSON) means "absent".
    static let nullable: Set<String> = ["ready_for", "ready_since", "cpu_request", "cpu_usage", "memory_request", "memory_usage",
                                        "sample_age", "sample_window"]

    var name: String?
    var firstLine = 0
    var ready: Bool?
    var age: Double?
    var readyFor: Double?
    var readySince: Double?
    var phase: PodPhase?
    var deleting: Bool?
    var cpuRequest: Double?
    var cpuUsage: Double?
    var memoryRequest: Double?
    var memoryUsage: Double?
    var sampleAge: Double?
    var sampleWindow: Double?
    var metrics: [Metric: Double] = [:]

    init(name: String? = nil, firstLine: Int = 0) { self.name = name; self.firstLine = firstLine }

    /// Sets one field (not `name`) from its text; reports and returns false on a bad value.
    mutating func set(_ key: String, text: String, shown: String, report: (String) -> Void) -> Bool {
        func take<T>(_ r: Result<T, Message>, _ apply: (T) -> Void) -> Bool {
            switch r {
            case .success(let v): apply(v); return true
            case .failure(let m): report(m.text); return false
            }
        }
        switch key {
        case "ready": return take(ReplayFields.bool(text, shown: shown)) { ready = $0 }
        case "deleting": return take(ReplayFields.bool(text, shown: shown)) { deleting = $0 }
        case "phase": return take(ReplayFields.phase(text, shown: shown)) { phase = $0 }
        case "age": return take(ReplayFields.duration(text, shown: shown)) { age = $0 }
        case "ready_for": return take(ReplayFields.duration(text, shown: shown)) { readyFor = $0 }
        case "ready_since": return take(ReplayFields.duration(text, shown: shown)) { readySince = $0 }
        case "sample_age": return take(ReplayFields.duration(text, shown: shown)) { sampleAge = $0 }
        case "sample_window": return take(ReplayFields.duration(text, shown: shown)) { sampleWindow = $0 }
        case "cpu_request": return take(ReplayFields.cpu(text, shown: shown)) { cpuRequest = $0 }
        case "cpu_usage": return take(ReplayFields.cpu(text, shown: shown)) { cpuUsage = $0 }
        case "memory_request": return take(ReplayFields.memory(text, shown: shown)) { memoryRequest = $0 }
        case "memory_usage": return take(ReplayFields.memory(text, shown: shown)) { memoryUsage = $0 }
        default: report("unknown pod field \(quoted(key))"); return false
        }
    }

    /// One of the pod's own metric samples, in the metric's unit.
    mutating func setMetric(_ metric: Metric, text: String, shown: String, report: (String) -> Void) -> Bool {
        switch ReplayFields.metric(metric, text, shown: shown) {
        case .success(let v): metrics[metric] = v; return true
        case .failure(let m): report(m.text); return false
        }
    }

    /// Problems that need two fields: a sample's timing without a sample, both readiness times.
    func conflicts() -> [(field: String, message: String)] {
        var out: [(String, String)] = []
        if readyFor != nil && readySince != nil {
            out.append(("ready_since", "give ready_since (since the Ready condition's last transition) or the older ready_for, not both"))
        }
        if let a = age, let s = readySince, s > a { out.append(("ready_since", "the Ready condition changed \(formatDuration(s)) ago, before the pod started (age \(formatDuration(a)))")) }
        return out
    }

    var sample: PodSample? {
        guard let name, let ready, let age else { return nil }
        // metrics-server's window start, relative to the pod's start: `timestamp − window`.
        let windowStart = sampleWindow.map { age - (sampleAge ?? 0) - $0 }
        var s = PodSample(name: name, ready: ready, age: age, readyFor: readyFor, cpuRequest: cpuRequest, cpuUsage: cpuUsage, metricWindow: windowStart)
        s.phase = phase ?? .running
        s.deleting = deleting ?? false
        s.readySince = readySince
        s.memoryRequest = memoryRequest
        s.memoryUsage = memoryUsage
        s.metrics = metrics
        return s
    }
}
