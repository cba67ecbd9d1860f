import CapsimModel
import Foundation

// `capsim replay`: a scenario's autoscaling policies run over recorded metrics — the same
// `HPAController` and `TriggerEvaluator` the simulator uses — printing every decision.
// docs/replay.md has the user's view.

/// One policy's decision at one observation, with what the output needs.
public struct ReplayedDecision: Hashable, Sendable {
    public let decision: Decision
    /// `hpa`, or `trigger[N] LABEL` (N is the row's index in the scenario), as the simulator's events.csv names them.
    public let policy: String
    /// The observation's time as the file wrote it.
    public let time: ReplayTime
    /// The observation's line in the metrics file.
    public let line: Int
}

/// Everything a replay found.
public struct ReplayResult: Sendable {
    public let scenario: String
    public let file: String
    /// The services replayed, sorted.
    public let services: [String]
    /// Observations replayed (after `--service`).
    public let observations: Int
    /// In time order; at one time, by service name; per service the HPA first, then trigger rows in scenario order.
    public let decisions: [ReplayedDecision]
    /// Not errors, but worth a line on stderr, each formatted like `metrics.jsonl: note: …`: a
    /// service without autoscaling, a trigger row whose metric no observation carries, a route
    /// the scenario does not have.
    public let notes: [String]
}

/// Runs each observed service's HPA and trigger rows over its observations, in time order.
///
/// - One `HPAController(hpa:replicas:service:)` per service with `autoscaling.hpa`, reconciled
///   at the service's first observation and then at each observation at least `hpa.syncPeriod`
///   after its previous reconcile (observations in between are not seen by the HPA).
/// - One `TriggerEvaluator(triggers:service:maxReplicas:)` per service with trigger rows,
///   evaluated at every observation (route-scoped rows read `ReplayObservation.routeMetrics`).
///   When an observation has pods but no `cpu_utilization`, the rows read the mean of
///   usage ÷ request over its ready pods with a sample (as the simulator's sampler computes it).
/// - Decisions are **not applied back**: each observation's `replicas` is the current count
///   (what the cluster really ran). The controllers keep their own memory as if each decision
///   had been carried out (the HPA's recommendations and, with `behavior`, its scale events;
///   the triggers' cooldowns).
public struct Replayer: Sendable {
    public let scenario: Scenario
    /// Only this service (`--service`); nil for every service in the file.
    public let service: String?

    public init(scenario: Scenario, service: String? = nil) {
        self.scenario = scenario
        self.service = service
    }

    /// Reads `path` (either format), reporting services that are not the scenario's together
    /// with the file's other problems. With `service` set, other services are not checked.
    public func load(path: String, format: ReplayInput.Format? = nil) throws(ReplayInputError) -> ReplayInput {
        try ReplayInput.load(path: path, format: format, checkService: unknownService)
    }

    /// `load` for text in hand; `file` names it in messages.
    public func parse(_ text: String, file: String, format: ReplayInput.Format? = nil) throws(ReplayInputError) -> ReplayInput {
        try ReplayInput.parse(text, file: file, format: format, checkService: unknownService)
    }

    /// Why `name` cannot be replayed, or nil: `"wbe" is not a service of the scenario s; did you mean "web"?`.
    /// With `service` set, only that one is checked (the others are left out of the replay).
    public func unknownService(_ name: String) -> String? {
        if let service, name != service { return nil }
        guard scenario.services[name] == nil else { return nil }
        let known = scenario.serviceNames
        let hint = ReplayFields.suggestion(name, among: known).map { "; did you mean \(quoted($0))?" } ?? " (its services: \(known.joined(separator: ", ")))"
        return "\(quoted(name)) is not a service of the scenario \(scenario.name)\(hint)"
    }

    /// Slack for float noise when comparing an observation's distance to the sync period.
    static let syncSlack = 1e-6

    public func replay(_ input: ReplayInput) throws(ReplayInputError) -> ReplayResult {
        let file = input.file
        var observations = input.observations
        if let service {
            observations = observations.filter { $0.service == service }
            if observations.isEmpty {
                let has = input.services.isEmpty ? "none" : input.services.joined(separator: ", ")
                throw ReplayInputError(problems: [ReplayProblem(file: file, line: 0, message: "no observations of \(service) (the file observes: \(has))")])
            }
        }

        // Every service must be the scenario's: one problem per unknown service, at its first line.
        var problems: [ReplayProblem] = []
        var firstLine: [String: Int] = [:]
        for o in observations where firstLine[o.service] == nil { firstLine[o.service] = o.line }
        for (name, line) in firstLine.sorted(by: { $0.value < $1.value }) {
            if let message = unknownService(name) { problems.append(ReplayProblem(file: file, line: line, path: "service", message: message)) }
        }
        if !problems.isEmpty {
            let capped = Array(problems.prefix(ReplayInputError.maxProblems))
            throw ReplayInputError(problems: capped, truncated: problems.count > capped.count)
        }

        let services = Array(firstLine.keys).sorted()
        var hpas: [String: HPAController] = [:]
        var triggers: [String: TriggerEvaluator] = [:]
        var notes: [String] = []
        for name in services {
            let s = scenario.services[name]!
            if let hpa = s.autoscaling.hpa { hpas[name] = HPAController(hpa: hpa, replicas: s.replicas, service: name) }
            if !s.autoscaling.triggers.isEmpty {
                triggers[name] = TriggerEvaluator(triggers: s.autoscaling.triggers, service: name, maxReplicas: s.replicas.max)
            }
            if s.autoscaling.hpa == nil && s.autoscaling.triggers.isEmpty {
                notes.append("\(file): note: \(name) has no HPA and no trigger rows in the scenario: nothing to replay for it")
            }
        }

        // Time order; ties by service, then by line (stable and independent of the file's layout).
        let ordered = observations.enumerated().sorted {
            ($0.element.time.seconds, $0.element.service, $0.element.line, $0.offset) < ($1.element.time.seconds, $1.element.service, $1.element.line, $1.offset)
        }.map(\.element)

        var lastSync: [String: Double] = [:]
        var decisions: [ReplayedDecision] = []
        var seen: [String: Set<String>] = [:]   // per service, the values trigger rows could read: "metric" or "route/metric"
        for r in ordered {
            let name = r.service
            let obs = Self.withDerivedCPU(r.observation)
            if var hpa = hpas[name] {
                let period = hpa.hpa.syncPeriod
                if lastSync[name].map({ obs.time - $0 >= period - Self.syncSlack }) ?? true {
                    lastSync[name] = obs.time
                    decisions.append(ReplayedDecision(decision: hpa.reconcile(obs), policy: "hpa", time: r.time, line: r.line))
                    hpas[name] = hpa
                }
            }
            if var ev = triggers[name] {
                for d in ev.evaluate(obs, routeMetrics: r.routeMetrics) {
                    guard case .trigger(let i) = d.policy else { continue }
                    decisions.append(ReplayedDecision(decision: d, policy: Self.label(ev.triggers[i], index: i), time: r.time, line: r.line))
                }
                triggers[name] = ev
                for m in obs.metrics.keys { seen[name, default: []].insert(m.rawValue) }
                for (route, ms) in r.routeMetrics { for m in ms.keys { seen[name, default: []].insert("\(route)/\(m.rawValue)") } }
            }
        }

        // Rows that could never have fired, and routes the scenario does not know.
        for name in services {
            guard let ev = triggers[name] else { continue }
            for (i, t) in ev.triggers.enumerated() {
                let key = t.route.map { "\($0)/\(t.metric.rawValue)" } ?? t.metric.rawValue
                if !(seen[name]?.contains(key) ?? false) {
                    let what = t.route.map { "\(t.metric.rawValue) on route \($0) (\"routes\": {\"\($0)\": {\"\(t.metric.rawValue)\": …}})" } ?? t.metric.rawValue
                    notes.append("\(file): note: \(name) \(Self.label(t, index: i)): no observation carries \(what), so this row cannot fire")
                }
            }
        }
        let scenarioRoutes = Set(scenario.traffic?.routes.keys.map { $0 } ?? [])
        var reported = Set<String>()
        for r in observations {
            for route in r.routeMetrics.keys.sorted() where !scenarioRoutes.contains(route) && !reported.contains("\(r.service)/\(route)") {
                reported.insert("\(r.service)/\(route)")
                notes.append("\(file):\(r.line): note: routes.\(route): the scenario has no route \(quoted(route)); no trigger row reads it")
            }
        }

        return ReplayResult(scenario: scenario.name, file: file, services: services, observations: observations.count,
                            decisions: decisions, notes: notes)
    }

    /// `trigger[N] LABEL`, as the simulator labels trigger rows.
    public static func label(_ t: Trigger, index: Int) -> String {
        "trigger[\(index)]" + (t.label.map { " " + $0 } ?? "")
    }

    /// The observation with `cpu_utilization` derived from its pods when it has pods but no
    /// such metric: the mean over ready pods with a sample of usage ÷ request.
    static func withDerivedCPU(_ o: Observation) -> Observation {
        guard o.metrics[.cpuUtilization] == nil else { return o }
        let shares = o.pods.compactMap { p -> Double? in
            guard p.ready, let u = p.cpuUsage, u.isFinite, let r = p.cpuRequest, r > 0 else { return nil }
            return u / r
        }
        guard !shares.isEmpty else { return o }
        var metrics = o.metrics
        metrics[.cpuUtilization] = shares.reduce(0, +) / Double(shares.count)
        return Observation(time: o.time, service: o.service, replicas: o.replicas, pods: o.pods, metrics: metrics)
    }
}

// MARK: - output

/// The replay's output forms: the JSON contract (for scripts and CI) and the table's cells
/// (the command aligns them).
public enum ReplayReport {
    /// One JSON object per decision. `t` is the time as the file wrote it (a string for ISO
    /// 8601, a number for seconds); `elapsed_s` is `Decision.time` (seconds since the earliest
    /// observation for ISO 8601 times); `metric_value` is in capsim's base units (CPU and error
    /// rate as fractions, latency in seconds, counts, throughput per second), null when none
    /// was read; `alert` is null unless an alert row fired.
    public struct Row: Encodable, Hashable, Sendable {
        public let t: ReplayTime
        public let elapsedS: Double
        public let service: String
        public let policy: String
        public let rule: String
        public let current: Int
        public let desired: Int
        public let metricValue: Double?
        public let reason: String
        public let alert: String?

        public init(_ d: ReplayedDecision) {
            t = d.time; elapsedS = d.decision.time; service = d.decision.service; policy = d.policy; rule = d.decision.rule
            current = d.decision.current; desired = d.decision.desired; metricValue = d.decision.metricValue
            reason = d.decision.reason; alert = d.decision.alert
        }

        enum CodingKeys: String, CodingKey {
            case t, elapsedS = "elapsed_s", service, policy, rule, current, desired, metricValue = "metric_value", reason, alert
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            switch t.form {
            case .iso8601: try c.encode(t.text, forKey: .t)
            case .seconds: try c.encode(t.seconds, forKey: .t)
            }
            try c.encode(elapsedS, forKey: .elapsedS)
            try c.encode(service, forKey: .service)
            try c.encode(policy, forKey: .policy)
            try c.encode(rule, forKey: .rule)
            try c.encode(current, forKey: .current)
            try c.encode(desired, forKey: .desired)
            try c.encode(metricValue, forKey: .metricValue)   // null when nil
            try c.encode(reason, forKey: .reason)
            try c.encode(alert, forKey: .alert)
        }
    }

    /// The decisions as a JSON array (pretty, keys sorted), ending in a newline.
    public static func json(_ r: ReplayResult) -> String {
        if r.decisions.isEmpty { return "[]\n" }
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? e.encode(r.decisions.map(Row.init))) ?? Data("[]".utf8), as: UTF8.self) + "\n"
    }

    /// The table's first line.
    public static func headline(_ r: ReplayResult) -> String {
        let changes = r.decisions.filter { $0.decision.desired != $0.decision.current }.count
        let alerts = r.decisions.filter { $0.decision.alert != nil }.count
        return "capsim replay: \(r.scenario) over \(r.file) (\(r.observations) observation\(r.observations == 1 ? "" : "s") of "
            + "\(r.services.joined(separator: ", ")); \(r.decisions.count) decision\(r.decisions.count == 1 ? "" : "s"), "
            + "\(changes) changing replicas, \(alerts) alert\(alerts == 1 ? "" : "s"))"
    }

    /// Whether the table shows an `elapsed` column (ISO 8601 times: reasons count from the first observation).
    public static func showsElapsed(_ r: ReplayResult) -> Bool { r.decisions.contains { $0.time.form == .iso8601 } }

    public static func tableHeader(elapsed: Bool) -> [String] {
        ["t"] + (elapsed ? ["elapsed"] : []) + ["service", "policy", "rule", "current", "desired", "reason"]
    }

    public static func tableRow(_ d: ReplayedDecision, elapsed: Bool) -> [String] {
        [d.time.text] + (elapsed ? [clock(d.decision.time)] : [])
            + [d.decision.service, d.policy, d.decision.rule, "\(d.decision.current)", "\(d.decision.desired)", d.decision.reason]
    }

    /// Seconds as `+m:ss` or `+h:mm:ss` (whole seconds; fractions shown to the millisecond).
    public static func clock(_ s: Double) -> String {
        let whole = Int(s.rounded(.down))
        let frac = s - Double(whole)
        let h = whole / 3600, m = (whole % 3600) / 60, sec = whole % 60
        var out = h > 0 ? "+\(h):" + String(format: "%02d:%02d", m, sec) : "+\(m):" + String(format: "%02d", sec)
        if frac > 0.0005 { out += String(format: ".%03d", min(999, Int((frac * 1000).rounded()))) }
        return out
    }
}
