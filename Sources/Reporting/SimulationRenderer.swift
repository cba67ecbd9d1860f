import CapsimModel
import Foundation
import Simulation

/// Renders a `SimulationResult`: the terminal table, `summary.json`, `timeline.csv`,
/// `routes.csv` and `events.csv`. Every number is formatted with a fixed precision so the
/// same run gives the same bytes.
public enum SimulationRenderer {
    public enum Format: String, CaseIterable, Sendable { case table, json, csv }

    static func f(_ v: Double?, _ digits: Int = 6) -> String {
        guard let v else { return "" }
        return String(format: "%.\(digits)f", v)
    }

    static func ms(_ v: Double?) -> String {
        guard let v else { return "—" }
        return v < 1 ? String(format: "%.1fms", v * 1000) : String(format: "%.2fs", v)
    }

    /// summary.json: everything but the timeline and the event log (those are CSV files).
    public static func summaryJSON(_ r: SimulationResult) -> String {
        struct Summary: Encodable {
            let scenario: String; let seed: UInt64; let duration: Double; let warmup: Double; let samplePeriod: Double
            let events: UInt64; let services: [ServiceSummary]; let routes: [RouteSummary]; let scalingDecisions: Int
            let backlogs: [Backlog]; let warnings: [String]; let windows: [WindowSummary]?
            let scheduleEffects: [ScheduleEffect]?; let faults: [FaultSummary]?; let clients: ClientsSummary?
        }
        let findings = r.findings
        let s = Summary(scenario: r.scenario, seed: r.seed, duration: r.duration, warmup: r.warmup, samplePeriod: r.samplePeriod,
                        events: r.events, services: r.services, routes: r.routes, scalingDecisions: r.scaling.count,
                        backlogs: findings.backlogs, warnings: findings.map(\.message), windows: r.windows, scheduleEffects: r.scheduleEffects,
                        faults: r.faults, clients: r.clients)
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? e.encode(s)) ?? Data(), as: UTF8.self) + "\n"
    }

    public static let timelineColumns = ["time_s", "service", "replicas", "ready", "starting", "cpu_utilization", "in_flight", "queue_length",
                                         "arrival_rate", "throughput", "latency_mean_s", "latency_p50_s", "latency_p95_s", "latency_p99_s",
                                         "dropped", "timed_out", "blocked", "wait_mean_s", "blocked_wait_mean_s"]

    /// Built into one string (not an array of lines joined), so a months-long run's timeline
    /// costs its own size once, not twice.
    public static func timelineCSV(_ r: SimulationResult) -> String {
        var out = csvLine(timelineColumns) + "\n"
        out.reserveCapacity(r.timeline.count * 110)
        for s in r.timeline {
            out += csvLine([f(s.time, 3), s.service, "\(s.replicas)", "\(s.ready)", "\(s.starting)", f(s.cpuUtilization, 4), "\(s.inFlight)",
                            "\(s.queueLength)", f(s.arrivalRate, 3), f(s.throughput, 3), f(s.latencyMean), f(s.latencyP50), f(s.latencyP95),
                            f(s.latencyP99), "\(s.dropped)", "\(s.timedOut)", s.blocked.map { "\($0)" } ?? "", f(s.waitMean), f(s.blockedWaitMean)])
            out += "\n"
        }
        return out
    }

    public static func routesCSV(_ r: SimulationResult) -> String {
        var out = csvLine(["time_s", "route", "completed", "latency_p50_s", "latency_p99_s", "in_flight"]) + "\n"
        out.reserveCapacity(r.routeTimeline.count * 55)
        for s in r.routeTimeline {
            out += csvLine([f(s.time, 3), s.route, "\(s.completed)", f(s.latencyP50), f(s.latencyP99), s.inFlight.map { "\($0)" } ?? ""]) + "\n"
        }
        return out
    }

    public static let eventColumns = ["time_s", "service", "policy", "rule", "metric_value", "window_s", "from", "to", "reason", "alert"]

    public static func eventsCSV(_ r: SimulationResult) -> String {
        var out = [csvLine(eventColumns)]
        var rows = r.scaling.map { e in
            (e.time, csvLine([f(e.time, 3), e.service, e.policy, e.rule, f(e.metricValue), f(e.window, 0), "\(e.from)", "\(e.to)", e.reason, e.alert ?? ""]))
        }
        // Each fault's window opens and closes among the decisions it provokes (after those of
        // the same instant, which the engine handled first); from/to stay empty: no replicas change.
        for x in r.faults ?? [] {
            rows.append((x.start, csvLine([f(x.start, 3), x.target, "fault", x.name, "", f(x.end - x.start, 0), "", "", "\(x.kind) begins: \(x.effect)", ""])))
            rows.append((x.end, csvLine([f(x.end, 3), x.target, "fault", x.name, "", f(x.end - x.start, 0), "", "",
                                         "\(x.kind) ends: \(x.podsLost) \(podsLostWord(x)), \(x.requestsLost) requests and messages cut off with them", ""])))
        }
        if r.faults != nil { rows = rows.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map(\.element) }
        out += rows.map(\.1)
        return out.joined(separator: "\n") + "\n"
    }

    public static func table(_ r: SimulationResult) -> String {
        var t = TextTable(["service", "arrivals", "completed", "dropped", "timed out", "left", "mean", "p50", "p95", "p99", "wait p99", "max queue",
                           "replicas", "instance-h", r.currencies.lead.rawValue, "scale ↑/↓", "alerts", "SLO breaches"])
        for s in r.services {
            t.add([s.service, "\(s.arrivals)", "\(s.completed)", "\(s.dropped)", "\(s.timedOut)", "\(s.backlogAtEnd)", ms(s.latency?.mean), ms(s.latency?.p50),
                   ms(s.latency?.p95), ms(s.latency?.p99), ms(s.wait?.p99), "\(s.maxQueue)", "\(s.minReplicas)–\(s.maxReplicas)", String(format: "%.2f", s.instanceHours),
                   s.cost(in: r.currencies.lead).map { String(format: ChartFormat.costFormat(r.currencies.lead), $0) } ?? "—", "\(s.scaleUps)/\(s.scaleDowns)", "\(s.alerts)",
                   s.sloMetric.map { "\(s.sloBreaches) (\($0.replacingOccurrences(of: "latency_", with: "")))" } ?? "—"])
        }
        var rt = TextTable(["route", "arrivals", "completed", "failed", "in flight", "mean", "p50", "p95", "p99", "max"])
        for x in r.routes {
            let failed = x.failedForGood
            rt.add([x.route, x.arrivals.map { "\($0)" } ?? "—", "\(x.completed)", "\(failed)", x.inFlightAtEnd.map { "\($0)" } ?? "—",
                    ms(x.latency?.mean), ms(x.latency?.p50), ms(x.latency?.p95), ms(x.latency?.p99), ms(x.latency?.max)])
        }
        let head = "capsim simulate: \(r.scenario) (seed \(r.seed), \(formatDuration(r.duration)) simulated, \(formatDuration(r.warmup)) warm-up excluded, \(r.events) events)"
        var out = [head] + verdictLines(r) + ["", t.render(),
                   "  arrivals and completed count after warm-up (completed also counts requests in flight when it ended); left: still queued, in service or",
                   "  waiting outside (for a connection, a row lock, a pool) when the run ended; wait p99: time queued before a slot; max queue: the longest single queue",
                   "", "End to end per route (failed: every retry timed out or was answered with an error, turned away by a full queue, or timed out in one; in flight: not finished when the run ended):",
                   rt.render()]
        out += clientLines(r)
        out += faultLines(r)
        let faulted = r.faults != nil
        for w in r.windows ?? [] where !w.intervals.isEmpty {
            var wt = TextTable(["route", "arrivals", "completed", "failed", "mean", "p50", "p95", "p99", "max"]
                               + (faulted ? ["lost with pod", "retries", "offered ÷ original"] : []))
            for x in w.routes where x.arrivals > 0 || x.completed > 0 {
                wt.add([x.name, "\(x.arrivals)", "\(x.completed)", "\(x.failures)", ms(x.latency?.mean), ms(x.latency?.p50),
                        ms(x.latency?.p95), ms(x.latency?.p99), ms(x.latency?.max)]
                       + (faulted ? ["\(x.podLost ?? 0)", "\(x.retries ?? 0)", x.amplification.map { String(format: "%.2f×", $0) } ?? "—"] : []))
            }
            let span = w.intervals.map { "\(formatElapsed($0[0]))–\(formatElapsed($0[1]))" }.joined(separator: ", ")
            out += ["", "End to end during \(w.window) (\(span) into the run; arrivals, completions and failures in the window):", wt.render()]
        }
        out += scheduleLines(r)
        let outside = r.services.filter { ($0.maxBlocked ?? 0) > 0 }
        if !outside.isEmpty {
            out += ["", "Waiting outside a station (for a database connection, a hot row's lock, or a caller's connection pool):"]
            for s in outside {
                let w = s.blockedWait.map { "; waited p50 \(ms($0.p50)), p99 \(ms($0.p99))" } ?? ""
                out.append("  \(s.service): up to \(s.maxBlocked ?? 0) at once, \(s.blockedAtEnd ?? 0) at the end\(w)")
            }
        }
        let cached = r.services.filter { $0.cacheHitRatio != nil }
        if !cached.isEmpty {
            out += ["", "Caches: " + cached.map { "\($0.service) \(String(format: "%.1f%%", ($0.cacheHitRatio ?? 0) * 100)) hits, \($0.databaseQueries ?? 0) queries sent" }.joined(separator: "; ")]
        }
        let failed = r.routes.filter { ($0.failed ?? 0) > 0 }
        if !failed.isEmpty {
            out += ["", "Failed after every retry: " + failed.map { "\($0.route) \($0.failed!)" }.joined(separator: ", ")]
        }
        if let cdn = r.cdn, !cdn.isEmpty {
            var ct = TextTable(["CDN path", "origin", "TTL", "edge req/s", "hit ratio", "origin req/s", "kept off the origin (req/s)"])
            for c in cdn {
                ct.add([c.path, c.service, formatDuration(c.ttl), String(format: "%.0f", c.edgeRate),
                        String(format: "%.1f%%", c.hitRatio * 100) + (c.derived ? " (from TTL)" : ""), String(format: "%.1f", c.originRate),
                        String(format: "%.1f", c.edgeRate - c.originRate)])
            }
            out += ["", "CDN offload (origin misses are simulated as the \"cdn …\" routes):", ct.render()]
        }
        // Every recorded decision, the ones that could not act included (a trigger at max replicas).
        let changes = r.scaling
        if !changes.isEmpty {
            out += ["", "Scaling decisions and alerts (\(changes.count); all in events.csv):"]
            for e in changes.prefix(12) {
                // A schedule's window opening or closing changes nothing by itself: no "n → n".
                let change = e.rule.hasPrefix("window-") ? "\(e.rule) at \(e.from) replicas" : "\(e.from) → \(e.to)"
                out.append("  \(clock(e.time))  \(e.service)  \(e.policy): \(change)  \(e.reason)")
            }
            if changes.count > 12 { out.append("  … \(changes.count - 12) more") }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// The verdict, first: every finding as a warning line, or one line saying there are none.
    public static func verdictLines(_ r: SimulationResult) -> [String] {
        let findings = r.findings
        // A run with faults says what they cost first: requests failed for good, all causes.
        let failed = r.routes.reduce(0) { $0 + $1.failedForGood }, arrived = r.routes.reduce(0) { $0 + ($1.arrivals ?? 0) }
        let faultLine = r.faults == nil || failed == 0 ? [] : ["faults: \(failed) of \(arrived) requests failed for good (\(String(format: "%.2f", Double(failed) / Double(max(1, arrived)) * 100)) %); see each fault's window below"]
        if findings.isEmpty { return faultLine + ["verdict: no station's backlog grew" + (faultLine.isEmpty ? " and every route completed its traffic" : "")] }
        return faultLine + findings.map { "warning: " + $0.message }
    }

    /// `clients:`: each route end to end as its users see it, per network class (round trips,
    /// losses, timeouts and retries included), and how much more the platform was offered.
    static func clientLines(_ r: SimulationResult) -> [String] {
        guard let c = r.clients else { return [] }
        var t = TextTable(["route", "network", "users", "succeeded", "gave up", "in flight", "attempts", "offered ÷ original", "mean", "p50", "p95", "p99"])
        for route in c.routes {
            for x in (c.networks.count > 1 ? [route.all] : []) + route.networks {
                t.add([x.network == nil ? route.route : "", x.network ?? "all", "\(x.users)", "\(x.succeeded)",
                       x.gaveUpShare.map { "\(x.gaveUp) (\(String(format: "%.2f", $0 * 100)) %)" } ?? "\(x.gaveUp)", "\(x.inFlightAtEnd)", "\(x.attempts)",
                       x.amplification.map { String(format: "%.2f×", $0) } ?? "—", ms(x.latency?.mean), ms(x.latency?.p50), ms(x.latency?.p95), ms(x.latency?.p99)])
            }
        }
        let jitter = c.jitter == "none" ? "no jitter" : "\(c.jitter) jitter"
        return ["", "End to end as users see it, per network class (from the first send to the answer: round trips, losses and retries included; client timeout \(formatDuration(c.timeout)), \(c.retries) \(c.retries == 1 ? "retry" : "retries"), backoff \(formatDuration(c.backoffBase))…\(formatDuration(c.backoffMax)) with \(jitter)):",
                t.render(),
                "  users: requests users sent after warm-up; gave up: every attempt lost, timed out or failed; attempts: sent, retries included;",
                "  offered ÷ original: attempts that reached the platform ÷ users (the route table above counts those attempts as its arrivals)"]
    }

    /// mm:ss or h:mm:ss of simulated time.
    public static func clock(_ t: Double) -> String { formatElapsed(t) }

    /// The faults injected into the run, each with its window and what it took.
    static func faultLines(_ r: SimulationResult) -> [String] {
        guard let faults = r.faults, !faults.isEmpty else { return [] }
        var out = ["", "Faults injected (each window's end-to-end table follows; offered ÷ original = (arrivals + retries) ÷ arrivals):"]
        let lead = r.currencies.lead
        for x in faults {
            // Work cut off counts attempts and messages: a call may retry one, a group redelivers
            // a message, so it can exceed the requests that failed for good (lost with pod).
            let podFault = x.podsLost > 0 || ["pod-crash", "zone-loss", "spot-preemption", "database-failover"].contains(x.kind)
            var line = "  \(x.name)  \(formatElapsed(x.start))–\(formatElapsed(x.end))  \(x.kind) of \(x.target): \(x.effect)"
                + (podFault ? "; \(x.podsLost) \(podsLostWord(x)), \(x.requestsLost) requests and messages cut off with them (retried or redelivered where they can be)" : "")
            if let hours = x.spotInstanceHours {
                let saved = lead == .etb ? x.spotSavingEtb : x.spotSavingUsd
                line += String(format: "; %.2f instance-h on spot", hours)
                    + (saved.map { "; \(lead.rawValue) " + String(format: ChartFormat.costFormat(lead), $0) + " less than on demand" } ?? "")
            }
            if let failover = failoverText(x) { line += "; " + failover }
            out.append(line)
        }
        return out
    }

    /// A database failover's own figures, in words; nil for other faults.
    static func failoverText(_ x: FaultSummary) -> String? {
        guard let refused = x.queriesRefused else { return nil }
        var parts = ["\(ChartFormat.grouped(refused)) queries refused while the primary was down"]
        if let w = x.writesAtRisk { parts.append("\(ChartFormat.grouped(w)) writes within the replication lag before it failed, not on the promoted replica") }
        if let s = x.staleReads { parts.append("\(ChartFormat.grouped(s)) reads served stale by the replicas") }
        if let n = x.replicasAfter { parts.append("\(n) read replica\(n == 1 ? "" : "s") left after the promotion" + (n == 0 ? " (reads go to the primary)" : "")) }
        else { parts.append("no replica to promote: the primary came back") }
        return parts.joined(separator: "; ")
    }

    /// What a fault's pod count counts: a spot fault's pods are preempted (with notice), the
    /// others' killed.
    static func podsLostWord(_ x: FaultSummary) -> String {
        switch x.kind {
        case "spot-preemption": return "pods preempted"
        case "database-failover": return x.podsLost == 1 ? "primary lost" : "primaries lost"
        default: return "pods lost"
        }
    }
}
