import CapsimModel
import Foundation
import Planning
import Simulation

/// Reports that fit a pull-request comment: a verdict line first, then GitHub-flavoured tables.
public enum MarkdownReport {
    /// Scaling decisions listed before "… N more".
    static let maxDecisions = 20
    static let maxAlerts = 50

    public static func simulation(_ r: SimulationResult, scenario: Scenario, runID: Int64?) -> String {
        let clock = ChartClock(start: scenario.simulation.start)
        let findings = r.findings
        let v = SimulationVerdict(r, findings: findings)
        var out = ["**\(md(v.text))**", ""]
        if !findings.isEmpty { out += findings.map { "- ⚠️ " + md($0.message) } + [""] }
        out += ["_\(md(SimulationVerdict.headline(r, scenario: scenario, runID: runID, clock: clock)))_", ""]
        // What was injected comes before what the services did, which it explains.
        let faultRows = FaultTable.rows(r, clock: clock)
        if !faultRows.isEmpty {
            var t = TextTable(FaultTable.header)
            for row in faultRows { t.add(row.map(md)) }
            out += ["### Faults", "", md(FaultTable.intro), "", t.markdown(), ""]
        }

        out += ["### Services", "", serviceTable(r, scenario: scenario).markdown(), ""]
        let waits = WaitBreakdown.rows(r)
        if !waits.isEmpty {
            var t = TextTable(WaitBreakdown.header)
            for row in waits { t.add([md(row[0])] + row.dropFirst()) }
            out += ["### Where the time goes: waiting for a slot, and service", "", WaitBreakdown.note, "", t.markdown(), ""]
        }
        let cpu = CPUBreakdown.rows(r, scenario: scenario)
        if !cpu.isEmpty {
            var t = TextTable(CPUBreakdown.header)
            for row in cpu { t.add([md(row[0])] + row.dropFirst()) }
            out += ["### CPU against the request", "", md(CPUBreakdown.note), "", t.markdown(), ""]
        }
        if !r.routes.isEmpty {
            var t = TextTable(["route", "completed", "failed", "in flight at end", "mean", "p50", "p95", "p99", "max"])
            for x in r.routes {
                let failed = (x.failed ?? 0) + (x.dropped ?? 0) + (x.timedOut ?? 0)
                t.add([md(x.route), ChartFormat.grouped(x.completed), ChartFormat.grouped(failed), x.inFlightAtEnd.map(ChartFormat.grouped) ?? "—",
                       ChartFormat.latency(x.latency?.mean), ChartFormat.latency(x.latency?.p50),
                       ChartFormat.latency(x.latency?.p95), ChartFormat.latency(x.latency?.p99), ChartFormat.latency(x.latency?.max)])
            }
            out += ["### End to end per route", "", t.markdown(), ""]
        }
        let cached = r.services.filter { $0.cacheHitRatio != nil }
        if !cached.isEmpty || !(r.cdn ?? []).isEmpty {
            var t = TextTable(["what", "hit ratio", "still sent"])
            for x in cached { t.add([md(x.service) + " cache", String(format: "%.1f%%", (x.cacheHitRatio ?? 0) * 100), "\(ChartFormat.grouped(x.databaseQueries ?? 0)) queries"]) }
            for c in r.cdn ?? [] { t.add(["CDN " + md(c.path), String(format: "%.1f%%", c.hitRatio * 100), String(format: "%.1f req/s to %@", c.originRate, md(c.service))]) }
            out += ["### Caches and CDN", "", t.markdown(), ""]
        }

        let scheduleRows = ScheduleEffectTable.rows(r, clock: clock)
        if !scheduleRows.isEmpty {
            var t = TextTable(ScheduleEffectTable.header(r))
            for row in scheduleRows { t.add(row.map(md)) }
            out += ["### Scheduled scaling", "", ScheduleEffectTable.intro, "", t.markdown(), ""]
        }

        let decisions = r.scaling.filter { $0.alert == nil }
        out += ["### Scaling decisions (\(decisions.count == 0 ? "none" : decisions.count > maxDecisions ? "first \(maxDecisions) of \(ChartFormat.grouped(decisions.count))" : "\(decisions.count)"))", ""]
        if !decisions.isEmpty {
            var t = TextTable([clock.columnTitle, "service", "policy", "replicas", "reason"])
            for e in decisions.prefix(maxDecisions) {
                t.add([md(clock.short(e.time)), md(e.service), md(e.policy), "\(e.from) → \(e.to)", md(e.reason)])
            }
            out += [t.markdown(), ""]
            if decisions.count > maxDecisions { out += ["_… \(ChartFormat.grouped(decisions.count - maxDecisions)) more in events.csv._", ""] }
        }

        let alerts = r.scaling.filter { $0.alert != nil }
        out += ["### Alerts (\(alerts.isEmpty ? "none" : ChartFormat.grouped(alerts.count)))", ""]
        if !alerts.isEmpty {
            var t = TextTable([clock.columnTitle, "service", "policy", "alert", "reason"])
            for e in alerts.prefix(maxAlerts) {
                t.add([md(clock.short(e.time)), md(e.service), md(e.policy), md(e.alert ?? ""), md(e.reason)])
            }
            out += [t.markdown(), ""]
            if alerts.count > maxAlerts { out += ["_… \(ChartFormat.grouped(alerts.count - maxAlerts)) more in events.csv._", ""] }
        }
        return out.joined(separator: "\n")
    }

    /// The plan's Markdown is `PlanRenderer.markdown`'s (verdict first), with the run named.
    public static func plan(_ p: CapacityPlan, scenario: Scenario, runID: Int64?) -> String {
        let body = PlanRenderer.markdown(p)
        guard let runID else { return body }
        var lines = body.components(separatedBy: "\n")
        lines.insert(contentsOf: ["", "_Run #\(runID)_"], at: min(1, lines.count))
        return lines.joined(separator: "\n")
    }

    static func serviceTable(_ r: SimulationResult, scenario: Scenario) -> TextTable {
        var t = TextTable(["service", "arrivals", "completed", "dropped", "timed out", "p50", "p95", "p99", "SLO", "SLO breaches", "replicas",
                           "instance-h", r.currencies.lead.rawValue, "scale ↑/↓", "alerts"])
        for s in r.services {
            t.add([md(s.service), ChartFormat.grouped(s.arrivals), ChartFormat.grouped(s.completed), ChartFormat.grouped(s.dropped), ChartFormat.grouped(s.timedOut),
                   ChartFormat.latency(s.latency?.p50), ChartFormat.latency(s.latency?.p95), ChartFormat.latency(s.latency?.p99),
                   SimulationVerdict.slo(scenario.services[s.service]?.slo) ?? "—",
                   s.sloMetric == nil ? "—" : (s.sloBreaches > 0 ? "⚠️ \(s.sloBreaches)" : "0"),
                   "\(s.minReplicas)–\(s.maxReplicas)", ChartFormat.number(s.instanceHours), ChartFormat.money(s.cost(in: r.currencies.lead)),
                   "\(s.scaleUps)/\(s.scaleDowns)", "\(s.alerts)"])
        }
        return t
    }

    /// Text made inert for a Markdown cell: HTML-significant characters become entities and
    /// emphasis/code characters are backslash-escaped (`|` is escaped by `TextTable`).
    static func md(_ s: String) -> String {
        guard s.contains(where: { "&<>*`_[]\\".contains($0) }) else { return s }
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "*", "`", "[", "]", "\\": out += "\\" + String(c)
            case "_": out += "\\_"
            default: out.append(c)
            }
        }
        return out
    }
}

/// What a run's reader needs to know first: SLO breaches, drops, time-outs and alerts, or
/// that there were none. Shared by the Markdown and HTML reports.
struct SimulationVerdict {
    let ok: Bool
    let text: String

    /// `findings`: the run's (`r.findings`), found once by the caller, which lists them too.
    init(_ r: SimulationResult, findings: [Finding]) {
        var parts: [String] = []
        // What a reader must not miss comes first: a station that could not keep up, a route
        // that completed little of its traffic.
        let backlogs = findings.backlogs
        if !backlogs.isEmpty {
            var seen = Set<String>()
            let names = backlogs.map(\.service).filter { seen.insert($0).inserted }
            parts.append("backlog grew at \(names.joined(separator: ", "))")
        }
        for f in findings { if case .starvedRoute(let route) = f.kind { parts.append("route \(route) completed little of its traffic") } }
        for s in r.services where s.sloBreaches > 0 {
            let stat = s.sloMetric.map { ChartFormat.statistic($0) } ?? "latency"
            parts.append("\(s.service) breached its \(stat) SLO in \(ChartFormat.grouped(s.sloBreaches)) window\(s.sloBreaches == 1 ? "" : "s")")
        }
        let dropped = r.services.reduce(0) { $0 + $1.dropped }
        let timedOut = r.services.reduce(0) { $0 + $1.timedOut }
        let alerts = r.services.reduce(0) { $0 + $1.alerts }
        if dropped > 0 { parts.append("\(ChartFormat.grouped(dropped)) request\(dropped == 1 ? "" : "s") dropped") }
        if timedOut > 0 { parts.append("\(ChartFormat.grouped(timedOut)) timed out") }
        if alerts > 0 { parts.append("\(ChartFormat.grouped(alerts)) alert\(alerts == 1 ? "" : "s") raised") }
        if parts.isEmpty {
            ok = true
            text = r.services.contains(where: { $0.sloMetric != nil }) ? "✅ All SLOs met; no drops" : "✅ No drops or time-outs (no SLOs declared)"
        } else {
            ok = false
            text = "⚠️ " + parts.joined(separator: "; ")
        }
    }

    /// "p95 ≤ 1 s"
    static func slo(_ slo: SLO?) -> String? {
        slo.map { "\(ChartFormat.statistic($0.metric.rawValue)) ≤ \(ChartFormat.latency($0.threshold))" }
    }

    /// One line naming the run: scenario, run, seed, length, start, warm-up, events.
    static func headline(_ r: SimulationResult, scenario: Scenario, runID: Int64?, clock: ChartClock) -> String {
        var bits = ["capsim simulate: \(r.scenario)"]
        if let runID { bits.append("run #\(runID)") }
        bits.append("seed \(r.seed)")
        var length = "\(formatDuration(r.duration)) simulated"
        if let start = clock.startText { length += " from \(start)" }
        bits.append(length)
        if r.warmup > 0 { bits.append("\(formatDuration(r.warmup)) warm-up excluded") }
        bits.append("\(ChartFormat.grouped(Int(clamping: r.events))) events")
        return bits.joined(separator: ", ")
    }
}
