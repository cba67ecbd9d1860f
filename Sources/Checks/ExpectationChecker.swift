import CapsimModel
import Foundation
import Simulation

/// One verdict of `capsim check`: an expectation or a baseline comparison.
public struct CheckOutcome: Hashable, Sendable, Codable {
    public let name: String
    public let passed: Bool
    /// What was observed against what was expected, in words.
    public let detail: String
    /// Why the run could not judge the row at all (its window lies outside the run), when it
    /// could not: the row fails a check, but a sweep counts it apart from the runs that broke it.
    public var notMeasured: String? = nil
    /// The value a metric row observed, in SI units (seconds, a fraction, a count), so a search
    /// can say by how much a row was broken; nil for the other kinds of row.
    public var observed: Double? = nil
    /// Why the row did not apply to this run (it names a fault the run left off), when it did
    /// not: the row then counts as passed and is reported as skipped.
    public var skipped: String? = nil
}

/// Evaluates a scenario's expectations against a simulation result.
///
/// What each metric means for a whole run (documented in docs/check.md):
/// - latency_mean / _p50 / _p90 / _p95 / _p99: the run's statistic after warm-up (time in the service);
/// - replicas, cpu_utilization, queue_length, in_flight: every sample must satisfy the bound
///   (so `at_most` is checked against the largest sample, `at_least` against the smallest);
/// - dropped, timed_out: counts over the run after warm-up; throughput: completions per second;
///   error_rate: (dropped + timed out) ÷ arrivals;
/// - cost_per_day: the platform's instance cost over the run, scaled to 24 h, in the scenario's
///   reporting currency (a bound in the other currency was converted when it was read).
///
/// A route row (`route:`) measures the route end to end — from arrival at the entry to the last
/// step's completion, what a user waits for: latency statistics over its completed requests,
/// throughput (completions per second), dropped (turned away by a full queue on the path),
/// timed_out (a queue timeout on the path, or a call whose every attempt timed out) and
/// error_rate ((dropped + timed out + answered with an error by an external dependency) ÷ arrivals).
///
/// A `network:` row (and a route row on gave_up or amplification) measures the route's users
/// as `clients:` models them: see `observeUsers`.
///
/// A row with `during:` counts only that window: requests arriving in it, completions and
/// failures in it (by when they happen), samples whose period overlaps it, alerts raised in it.
/// A window counts whether or not it falls in the warm-up.
public enum ExpectationChecker {
    public static func check(_ expectations: [Expectation], scenario: Scenario, result r: SimulationResult) -> [CheckOutcome] {
        let findings = r.findings
        return expectations.map { evaluate($0, scenario, r, findings) }
    }

    static func holds(_ v: Double, _ bound: Expectation.Bound, _ x: Double) -> Bool {
        switch bound {
        case .below: return v < x
        case .atMost: return v <= x
        case .above: return v > x
        case .atLeast: return v >= x
        case .equals: return abs(v - x) <= 1e-9 * max(1, abs(x))
        }
    }

    static func show(_ v: Double, _ m: Metric, money: Currency) -> String {
        switch m.unit {
        case .seconds: return formatDuration((v * 1e4).rounded() / 1e4)
        case .fraction: return Percent(fraction: (v * 1e4).rounded() / 1e4).description
        case .rate: return Rate(perSecond: v).description
        case .money: return String(format: "%@ %.2f", money.rawValue, v)
        case .count: return m == .amplification ? String(format: "%.3f×", v) : trim(v)
        }
    }

    /// The window a row names, as the run measured it; an outcome instead when it cannot be
    /// measured (not in the run, or outside its time).
    static func window(_ e: Expectation, _ s: Scenario, _ r: SimulationResult) -> (window: WindowSummary?, unmeasured: CheckOutcome?) {
        guard let w = e.during else { return (nil, nil) }
        if case .named(let n) = w, let skipped = skipped(e, fault: n, s) { return (nil, skipped) }
        guard let found = r.windows?.first(where: { $0.window == w.label }) else {
            let why = "the run did not measure the window \(w.label) (was the expectation added after the run?)"
            return (nil, CheckOutcome(name: e.name, passed: false, detail: why, notMeasured: why))
        }
        if found.intervals.isEmpty {
            let why = "\(w.label) falls outside the run (\(formatDuration(r.duration)) simulated)"
            return (nil, CheckOutcome(name: e.name, passed: false, detail: why, notMeasured: why))
        }
        return (found, nil)
    }

    /// A row about a what-if kept off (`enabled: false`) applies only to runs that turn it on:
    /// its outcome is "skipped" while the fault is off; nil when the row applies.
    static func skipped(_ e: Expectation, fault: String, _ s: Scenario) -> CheckOutcome? {
        guard let f = s.faults.first(where: { $0.name == fault }), !f.enabled else { return nil }
        let why = "the fault \(fault) is off in this run (--fault \(fault) turns it on)"
        return CheckOutcome(name: e.name, passed: true, detail: "skipped: " + why, skipped: why)
    }

    static func evaluate(_ e: Expectation, _ s: Scenario, _ r: SimulationResult, _ findings: [Finding]) -> CheckOutcome {
        let (win, unmeasured) = window(e, s, r)
        if let unmeasured { return unmeasured }
        switch e.kind {
        case .noAlert:
            let t = e.target ?? ""
            let alerts = r.scaling.filter { event in event.service == t && event.alert != nil && (win?.covers(event.time) ?? true) }
            if alerts.isEmpty { return CheckOutcome(name: e.name, passed: true, detail: "no alert raised") }
            return CheckOutcome(name: e.name, passed: false, detail: "\(alerts.count) alert(s); first at \(clock(alerts[0].time)): \(alerts[0].alert ?? "")")
        case .noBacklog(let lasting):
            let t = e.target ?? ""
            // A database's read replicas are part of it: "shop-db/replicas" counts for "shop-db".
            func covers(_ station: String) -> Bool { t == Expectation.everywhere || station == t || station.hasPrefix(t + "/") }
            let hits = findings.filter { f in
                guard case .backlog(let b) = f.kind, b.duration >= (lasting ?? 0) else { return false }
                return covers(f.subject)
            }
            if hits.isEmpty {
                let shorter = findings.backlogs.filter { covers($0.service) }.count
                return CheckOutcome(name: e.name, passed: true, detail: lasting != nil && shorter > 0 ? "no backlog grew that long (\(shorter) shorter stretch\(shorter == 1 ? "" : "es"): see the warnings)" : "no backlog grew")
            }
            return CheckOutcome(name: e.name, passed: false, detail: hits.map(\.message).joined(separator: "; "))
        case .survives(let fault):
            return Survival.evaluate(e, fault: fault, s, r)
        case .scalesUpWithin(let limit, let surgeName):
            let t = e.target ?? ""
            guard let surge = s.traffic?.surges.first(where: { $0.name == surgeName }) else {
                return CheckOutcome(name: e.name, passed: false, detail: "no surge \(surgeName)")
            }
            guard surge.start < r.duration else {
                let why = "the run (\(formatDuration(r.duration))) ends before \(surgeName) starts at \(formatDuration(surge.start))"
                return CheckOutcome(name: e.name, passed: false, detail: why, notMeasured: why)
            }
            if let up = r.scaling.first(where: { $0.service == t && $0.to > $0.from && $0.time >= surge.start }) {
                let after = up.time - surge.start
                return CheckOutcome(name: e.name, passed: after <= limit,
                                    detail: "first scale-up \(formatDuration(after)) after \(surgeName) began (\(up.policy): \(up.from) → \(up.to)); limit \(formatDuration(limit))")
            }
            return CheckOutcome(name: e.name, passed: false, detail: "\(t) never scaled up after \(surgeName) began at \(clock(surge.start))")
        case .metric(let m, let bound, let x):
            if let rec = e.recovery { return RecoveryCheck.evaluate(e, rec, m, bound, x, s, r) }
            if let target = e.compliance { return SampleCompliance.evaluate(e, m, bound, x, target: target, r, win) }
            let observed = e.route.map { route in
                e.network != nil || Expectation.clientMetrics.contains(m) ? observeUsers(m, route: route, network: e.network, r)
                    : observe(m, route: route, r, win)
            } ?? observe(m, bound, e.target, s, r, win)
            guard let value = observed else {
                let when = win.map { "in \($0.window)" } ?? "after warm-up"
                return CheckOutcome(name: e.name, passed: false, detail: "\(m.rawValue) was not observed (no completed requests \(when)?)")
            }
            let ok = holds(value, bound, x)
            let money = s.currency.reportIn
            return CheckOutcome(name: e.name, passed: ok, detail: "observed \(show(value, m, money: money)); expected \(bound.rawValue.replacingOccurrences(of: "_", with: " ")) \(show(x, m, money: money))",
                                observed: value)
        }
    }

    /// The run's value of `m` for the bound's direction (see the type's documentation).
    static func observe(_ m: Metric, _ bound: Expectation.Bound, _ target: String?, _ s: Scenario, _ r: SimulationResult,
                        _ win: WindowSummary? = nil) -> Double? {
        if m == .costPerDay {
            guard let cost = r.totalCost(in: s.currency.reportIn), r.duration > 0 else { return nil }
            return cost * 86_400 / r.duration
        }
        guard let svc = r.services.first(where: { $0.service == target }) else { return nil }
        let samples = r.timeline.filter { $0.service == target && (win?.overlaps(sampleAt: $0.time, period: r.samplePeriod) ?? true) }
        // Counts and latency: the window's tally, or the whole run's (after warm-up) in the same form.
        let tally = win.map { w in w.services.first { $0.name == target } }
            ?? WindowTally(name: svc.service, arrivals: svc.arrivals, completed: svc.completed, dropped: svc.dropped, timedOut: svc.timedOut,
                           latency: svc.latency)
        let upper = bound == .below || bound == .atMost || bound == .equals
        func extreme(_ f: (ServiceSample) -> Double) -> Double? {
            let v = samples.map(f)
            return upper ? v.max() : v.min()
        }
        switch m {
        case .replicas: return extreme { Double($0.replicas) }
        case .cpuUtilization: return extreme(\.cpuUtilization)
        case .queueLength: return extreme { Double($0.queueLength) }
        case .inFlight: return extreme { Double($0.inFlight) }
        default: return tally.flatMap { observe(m, $0, length: win?.length ?? r.duration - r.warmup) }
        }
    }

    /// A route's value of `m`, end to end, over the run after warm-up or within a window.
    static func observe(_ m: Metric, route: String, _ r: SimulationResult, _ win: WindowSummary?) -> Double? {
        if let win {
            guard let t = win.routes.first(where: { $0.name == route }) else { return nil }
            return observe(m, t, length: win.length)
        }
        guard let rt = r.routes.first(where: { $0.route == route }) else { return nil }
        var t = WindowTally(name: route, arrivals: rt.arrivals ?? 0, completed: rt.completed, dropped: rt.dropped ?? 0,
                            timedOut: rt.timedOut ?? 0, failed: rt.failed, errors: rt.errors, latency: rt.latency)
        t.podLost = rt.podLost
        return observe(m, t, length: r.duration - r.warmup)
    }

    /// A route's users as they see it (`clients:`), on one network or all of them, after warm-up:
    /// latency from the first send to the answer, throughput (users served per second),
    /// gave_up (the share of users whose every attempt failed), amplification (attempts that
    /// reached the platform ÷ users).
    static func observeUsers(_ m: Metric, route: String, network: String?, _ r: SimulationResult) -> Double? {
        guard let row = r.clients?.routes.first(where: { $0.route == route }) else { return nil }
        guard let x = network.map({ n in row.networks.first { $0.network == n } }) ?? row.all else { return nil }
        switch m {
        case .latencyMean: return x.latency?.mean
        case .latencyP50: return x.latency?.p50
        case .latencyP90: return x.latency?.p90
        case .latencyP95: return x.latency?.p95
        case .latencyP99: return x.latency?.p99
        case .throughput: return r.duration > r.warmup ? Double(x.succeeded) / (r.duration - r.warmup) : nil
        case .gaveUp: return x.gaveUpShare
        case .amplification: return x.amplification
        default: return nil
        }
    }

    /// A tally's value of `m` over `length` seconds (timed out includes calls whose every attempt timed out).
    static func observe(_ m: Metric, _ t: WindowTally, length: Double) -> Double? {
        let timedOut = t.timedOut + (t.failed ?? 0)
        switch m {
        case .latencyMean: return t.latency?.mean
        case .latencyP50: return t.latency?.p50
        case .latencyP90: return t.latency?.p90
        case .latencyP95: return t.latency?.p95
        case .latencyP99: return t.latency?.p99
        case .dropped: return Double(t.dropped)
        case .timedOut: return Double(timedOut)
        case .throughput: return length > 0 ? Double(t.completed) / length : nil
        case .errorRate: return t.arrivals > 0 ? Double(t.failures) / Double(t.arrivals) : 0
        default: return nil
        }
    }

    static func clock(_ t: Double) -> String { formatElapsed(t) }
}
