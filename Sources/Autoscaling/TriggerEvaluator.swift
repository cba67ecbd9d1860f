import CapsimModel

/// The seed's scaling-trigger rows for one entity (a service, a consumer group or a database):
/// "metric above/below threshold for a duration → action". This is not a Kubernetes
/// controller; it is the seed's own rule table, evaluated as a Prometheus-style `for:` alert.
///
/// Semantics, per trigger row, at each call (one metrics sample, e.g. every 15 s):
/// - **Value.** The metric is read from `obs.metrics[trigger.metric]`, or — for a row with a
///   `route` — from `routeMetrics[route][trigger.metric]` (the caller keys route-scoped values
///   by the route's name as written in the scenario). CPU is a fraction (0.73), latency in
///   seconds, counts as counts.
/// - **Breach.** The condition is `Comparison.holds` (strictly above / strictly below).
/// - **Run.** A run of breaching samples starts at the time of its first breaching sample. A
///   sample that does not breach ends the run. A sample where the metric is **missing** (absent,
///   or not a finite number) also ends the run: the condition is not known to hold, so the
///   conservative reading is that it did not.
/// - **Firing.** The row fires at the first sample where `time − runStart ≥ sustained`. With
///   15 s samples and `for: 5m`, a run breaching from t = 0 fires at t = 300 (not at 285);
///   `sustained == 0` fires at the first breaching sample. (A 1 µs slack absorbs float error in
///   sample times.)
/// - **Cooldown.** After firing, the row is silent for `cooldown` seconds — the interval
///   `[fireTime, fireTime + cooldown)` — and reports nothing (not even "cooldown", to keep
///   noise out). The run restarts from scratch at the first breaching sample at or after the
///   cooldown's end, so a still-breaching row fires again `sustained` seconds later.
/// - **Max replicas.** An `add`/`add_queue_workers` row whose entity already runs at least
///   `maxReplicas` does not fire (no cooldown starts); it reports rule "max-replicas" with
///   `desired == current` once per breaching run, and stays armed: if the count drops below the
///   max while the run goes on, it fires at the next sample.
/// - **Decisions.** Only rows that fire or report at this sample produce a `Decision`, with
///   `policy: .trigger(index)` (the row's index in the scenario list):
///   - `add N` → rule "fired", `desired = min(maxReplicas, current + N)`;
///   - `add_queue_workers N` → the same, where the caller passes workers as `obs.replicas` and
///     the group's max workers as `maxReplicas`, and reads `desired` as workers;
///   - `alert` → rule "alert", `desired == current`, `alert` set to the row's text.
///   `metricValue` is the value read; `current` is `obs.replicas`.
public struct TriggerEvaluator: Sendable {
    public let triggers: [Trigger]
    /// The entity's name, used as `Decision.service`.
    public let service: String
    public let maxReplicas: Int

    struct RowState: Hashable, Sendable {
        /// Time of the first breaching sample of the current run; nil when not breaching.
        var runStart: Double?
        /// No firing before this time.
        var cooldownUntil = -Double.infinity
        /// "max-replicas" already reported in the current run.
        var maxReported = false
    }

    private var states: [RowState]

    /// Slack for float noise in sample times (15 × 20 computed as 299.99999999).
    static let timeSlack = 1e-6

    public init(triggers: [Trigger], service: String, maxReplicas: Int) {
        self.triggers = triggers
        self.service = service
        self.maxReplicas = maxReplicas
        self.states = Array(repeating: RowState(), count: triggers.count)
    }

    /// Evaluates every row at `obs.time`; returns one decision per row that fired or reported
    /// (see the type's documentation), in row order.
    public mutating func evaluate(_ obs: Observation, routeMetrics: [String: [Metric: Double]] = [:]) -> [Decision] {
        var out: [Decision] = []
        let now = obs.time
        for (index, trigger) in triggers.enumerated() {
            var state = states[index]
            defer { states[index] = state }
            // Silent during cooldown; the run restarts after it.
            if now < state.cooldownUntil - Self.timeSlack {
                state.runStart = nil
                state.maxReported = false
                continue
            }
            let raw = trigger.route.map { routeMetrics[$0]?[trigger.metric] } ?? obs.metrics[trigger.metric]
            guard let value = raw, value.isFinite, trigger.comparison.holds(value, trigger.threshold) else {
                state.runStart = nil
                state.maxReported = false
                continue
            }
            let start = state.runStart ?? now
            state.runStart = start
            guard now - start >= trigger.sustained - Self.timeSlack else { continue }

            let current = obs.replicas
            let condition = describe(trigger, value: value, since: start, now: now)
            func decision(_ rule: String, _ desired: Int, _ reason: String, alert: String? = nil) -> Decision {
                Decision(time: now, service: service, policy: .trigger(index), rule: rule, current: current, desired: desired,
                         metricValue: value, reason: reason, alert: alert)
            }
            switch trigger.action {
            case .addInstances(let n), .addQueueWorkers(let n):
                let unit: String
                if case .addQueueWorkers = trigger.action { unit = "workers" } else { unit = "replicas" }
                if current >= maxReplicas {
                    if !state.maxReported {
                        state.maxReported = true
                        out.append(decision("max-replicas", current, "\(condition); already at max \(unit) \(maxReplicas) (\(current)): cannot add \(n)"))
                    }
                    continue
                }
                let desired = min(maxReplicas, current + n)
                let clamp = desired < current + n ? ", clamped to max \(unit) \(maxReplicas)" : ""
                out.append(decision("fired", desired, "\(condition) → add \(n) \(unit): \(current) → \(desired)\(clamp)"))
            case .alert(let text):
                out.append(decision("alert", current, "\(condition) → alert: \(text)", alert: text))
            }
            state.runStart = nil
            state.maxReported = false
            state.cooldownUntil = now + trigger.cooldown
        }
        return out
    }

    /// "CPU Utilization: cpu_utilization 74% above 70% for 5m (since t=0s)".
    private func describe(_ t: Trigger, value: Double, since start: Double, now: Double) -> String {
        let name = t.label.map { "\($0): " } ?? ""
        let route = t.route.map { " on route \($0)" } ?? ""
        let held = now - start
        let duration = held > 0 ? " for \(formatDuration(held)) (since t=\(formatDuration(start)))" : ""
        return "\(name)\(t.metric.rawValue)\(route) \(formatValue(value, of: t.metric)) \(t.comparison.rawValue) \(formatValue(t.threshold, of: t.metric))\(duration)"
    }
}
