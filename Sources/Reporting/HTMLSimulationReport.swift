import CapsimModel
import Foundation
import Simulation

/// The HTML report of one simulation run: verdict, the faults injected (if any), headline
/// figures, platform overview charts, the per-service and per-route tables, six charts per
/// service, and the scaling event log.
struct HTMLSimulationReport {
    let result: SimulationResult
    let scenario: Scenario
    let runID: Int64?
    let clock: ChartClock
    /// Each service's samples, in time order.
    let samples: [String: [ServiceSample]]
    let events: [String: [ScalingEvent]]
    /// Most events listed in the log table; the rest are in events.csv.
    static let maxEventRows = 1000

    init(result: SimulationResult, scenario: Scenario, runID: Int64?) {
        self.result = result
        self.scenario = scenario
        self.runID = runID
        clock = ChartClock(start: scenario.simulation.start)
        var s: [String: [ServiceSample]] = [:]
        for x in result.timeline { s[x.service, default: []].append(x) }
        samples = s
        var e: [String: [ScalingEvent]] = [:]
        for x in result.scaling { e[x.service, default: []].append(x) }
        events = e
    }

    var esc: (String) -> String { HTMLEscape.text }

    /// Service sections in the result's order, those needing attention (SLO breaches, drops,
    /// time-outs, alerts) first.
    var sectionOrder: [Int] {
        let indices = Array(result.services.indices)
        func attention(_ s: ServiceSummary) -> Bool { s.sloBreaches + s.dropped + s.timedOut + s.alerts > 0 }
        return indices.filter { attention(result.services[$0]) } + indices.filter { !attention(result.services[$0]) }
    }

    func render() -> String {
        var b = header()
        let findings = result.findings
        let v = SimulationVerdict(result, findings: findings)
        b += HTMLPage.verdict(ok: v.ok, v.text, details: findings.map(\.message))
        b += faultSection()
        b += cards()
        var toc = ["<a href=\"#overview\">Overview</a>", "<a href=\"#services\">Services</a>"]
        if !result.routes.isEmpty { toc.append("<a href=\"#routes\">Routes</a>") }
        if result.services.contains(where: { $0.cacheHitRatio != nil }) || !(result.cdn ?? []).isEmpty { toc.append("<a href=\"#offload\">Caches and CDN</a>") }
        if !(result.scheduleEffects ?? []).isEmpty { toc.append("<a href=\"#schedule\">Scheduled scaling</a>") }
        toc += sectionOrder.map { "<a href=\"#s\($0)\">\(esc(result.services[$0].service))</a>" }
        toc.append("<a href=\"#events\">Scaling events</a>")
        b += "<nav class=\"toc\">" + toc.joined(separator: " ") + "</nav>"
        b += "<h2 id=\"overview\">Overview</h2><div class=\"grid2\">" + overviewCharts().map { "<figure>\($0)</figure>" }.joined() + "</div>"
        b += "<h2 id=\"services\">Services</h2>" + serviceTable().render()
        let waits = WaitBreakdown.rows(result)
        if !waits.isEmpty {
            var t = HTMLTable(WaitBreakdown.header, numeric: Set(1..<WaitBreakdown.header.count), caption: WaitBreakdown.note)
            for row in waits { t.add(row) }
            b += "<h2 id=\"waits\">Where the time goes</h2>" + t.render()
        }
        let cpu = CPUBreakdown.rows(result, scenario: scenario)
        if !cpu.isEmpty {
            var t = HTMLTable(CPUBreakdown.header, numeric: [1], caption: CPUBreakdown.note)
            for row in cpu { t.add(row) }
            b += "<h2 id=\"cpu\">CPU against the request</h2>" + t.render()
        }
        if !result.routes.isEmpty { b += "<h2 id=\"routes\">End to end per route</h2>" + routeTable().render() }
        b += offloadSection()
        b += scheduleSection()
        for i in sectionOrder { b += serviceSection(result.services[i], index: i) }
        b += eventLog()
        b += notes()
        return HTMLPage.wrap(title: "capsim report: \(result.scenario)" + (runID.map { " (run #\($0))" } ?? ""), body: b)
    }

    /// What each schedule rule cost and saved against the run without schedules.
    func scheduleSection() -> String {
        let rows = ScheduleEffectTable.rows(result, clock: clock)
        guard !rows.isEmpty else { return "" }
        var t = HTMLTable(ScheduleEffectTable.header(result), numeric: [2, 3, 5, 6, 7, 8])
        for row in rows { t.add(row) }
        return "<h2 id=\"schedule\">Scheduled scaling</h2><p>" + esc(ScheduleEffectTable.intro.replacingOccurrences(of: "`", with: "")) + "</p>" + t.render()
    }

    /// What caches and the CDN keep off the databases and origins: hit ratios and the
    /// requests that still go through.
    func offloadSection() -> String {
        let cached = result.services.filter { $0.cacheHitRatio != nil }
        let cdn = result.cdn ?? []
        guard !cached.isEmpty || !cdn.isEmpty else { return "" }
        var b = "<h2 id=\"offload\">Caches and CDN</h2>"
        if !cached.isEmpty {
            var t = HTMLTable(["service", "cache hit ratio", "lookups", "queries sent to the database"], numeric: [1, 2, 3], caption: "Redis: lookups answered by the cache never reach the database")
            for x in cached {
                let sent = x.databaseQueries ?? 0, ratio = x.cacheHitRatio ?? 0
                let lookups = ratio < 1 ? Int((Double(sent) / (1 - ratio)).rounded()) : sent
                t.add([x.service, String(format: "%.1f %%", ratio * 100), ChartFormat.grouped(lookups), ChartFormat.grouped(sent)])
            }
            b += t.render()
        }
        if !cdn.isEmpty {
            var t = HTMLTable(["path", "origin", "TTL", "edge req/s", "hit ratio", "origin req/s", "kept off the origin req/s"], numeric: [3, 4, 5, 6],
                              caption: "CDN: misses reach the origin (simulated as the cdn routes); hit ratios derived from the TTL are marked")
            for c in cdn {
                t.add([c.path, c.service, formatDuration(c.ttl), String(format: "%.0f", c.edgeRate),
                       String(format: "%.1f %%", c.hitRatio * 100) + (c.derived ? " (TTL)" : ""), String(format: "%.1f", c.originRate),
                       String(format: "%.1f", c.edgeRate - c.originRate)])
            }
            b += t.render()
        }
        return b
    }

    // MARK: header and figures

    func header() -> String {
        var meta: [String] = []
        if let runID { meta.append("run <b>#\(runID)</b>") }
        meta.append("seed <b>\(result.seed)</b>")
        meta.append("<b>\(esc(formatDuration(result.duration)))</b> simulated")
        if let start = clock.startText { meta.append("from <b>\(esc(start))</b>") }
        if result.warmup > 0 { meta.append("warm-up <b>\(esc(formatDuration(result.warmup)))</b> excluded") }
        meta.append("sampled every <b>\(esc(formatDuration(result.samplePeriod)))</b>")
        meta.append("<b>\(ChartFormat.grouped(Int(clamping: result.events)))</b> events")
        var o = "<header class=\"top\"><div><h1>\(esc(result.scenario)) <small>simulation report</small></h1>"
        if !scenario.description.isEmpty { o += "<p class=\"sub\">\(esc(scenario.description))</p>" }
        let lines = stride(from: 0, to: meta.count, by: 3).map { meta[$0..<min($0 + 3, meta.count)].joined(separator: " · ") }
        o += "</div><div class=\"meta\">" + lines.joined(separator: "<br>") + "</div></header>"
        return o
    }

    func cards() -> String {
        let r = result
        let completed = r.routes.reduce(0) { $0 + $1.completed }
        let dropped = r.services.reduce(0) { $0 + $1.dropped }
        let timedOut = r.services.reduce(0) { $0 + $1.timedOut }
        let breaches = r.services.reduce(0) { $0 + $1.sloBreaches }
        let breaching = r.services.filter { $0.sloBreaches > 0 }.count
        let hours = r.services.reduce(0) { $0 + $1.instanceHours }
        let lead = r.currencies.lead
        let ups = r.services.reduce(0) { $0 + $1.scaleUps }, downs = r.services.reduce(0) { $0 + $1.scaleDowns }
        let alerts = r.services.reduce(0) { $0 + $1.alerts }
        let totals = fleetTotals()
        let peak = totals.map(\.1).max() ?? 0
        var o = "<div class=\"cards\">"
        o += HTMLPage.card("Completed", ChartFormat.grouped(completed), note: "requests end to end, after warm-up")
        o += HTMLPage.card("Dropped", ChartFormat.grouped(dropped), note: "queue limit reached", tone: dropped > 0 ? "crit" : nil)
        o += HTMLPage.card("Timed out", ChartFormat.grouped(timedOut), note: "past the queue time-out", tone: timedOut > 0 ? "crit" : nil)
        o += HTMLPage.card("SLO breaches", ChartFormat.grouped(breaches), note: breaches > 0 ? "windows, in \(breaching) service\(breaching == 1 ? "" : "s")" : "windows over objective", tone: breaches > 0 ? "warn" : nil)
        o += HTMLPage.card("Peak instances", ChartFormat.grouped(peak), note: "all services at once")
        o += HTMLPage.card("Instance-hours", ChartFormat.number(hours, sig: 4), note: "after warm-up")
        // The other currency, when shown, with the rate that converted it.
        let beside = r.currencies.other.map { c in
            ChartFormat.money(r.totalCost(in: c), c) + (scenario.currency.etbPerUSD.map { " (ETB \(ChartFormat.number($0)) = USD 1)" } ?? "")
        }
        o += HTMLPage.card("Cost", ChartFormat.money(r.totalCost(in: lead), lead), note: beside ?? "instances, after warm-up")
        o += HTMLPage.card("Scaling", ChartFormat.grouped(ups + downs), note: "decisions: \(ups) up, \(downs) down")
        o += HTMLPage.card("Alerts", ChartFormat.grouped(alerts), note: "raised by trigger rows", tone: alerts > 0 ? "warn" : nil)
        return o + "</div>"
    }

    /// (time, replicas of all services) per sample time, in time order.
    func fleetTotals() -> [(Double, Int)] {
        var out: [(Double, Int)] = []
        for s in result.timeline {
            if let last = out.last, last.0 == s.time { out[out.count - 1].1 += s.replicas } else { out.append((s.time, s.replicas)) }
        }
        return out
    }

    // MARK: tables

    func serviceTable() -> HTMLTable {
        var t = HTMLTable(["service", "arrivals", "completed", "dropped", "timed out", "p50", "p95", "p99", "SLO", "breaches", "max queue",
                           "replicas", "instance-h", "cost (\(result.currencies.lead.rawValue))", "scale ↑/↓", "alerts"], numeric: Set([1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15]))
        func count(_ v: Int, bad: Bool = false) -> HTMLTable.Cell { HTMLTable.text(ChartFormat.grouped(v), v == 0 ? "zero" : (bad ? "bad" : nil)) }
        for s in result.services {
            let slo = scenario.services[s.service]?.slo
            func lat(_ v: Double?, _ m: Metric) -> HTMLTable.Cell {
                let over = slo?.metric == m && (v ?? 0) > (slo?.threshold ?? .infinity)
                return HTMLTable.text(ChartFormat.latency(v), over ? "bad" : nil)
            }
            t.add([HTMLTable.markup("<b>\(esc(s.service))</b>"), count(s.arrivals), count(s.completed), count(s.dropped, bad: true), count(s.timedOut, bad: true),
                   lat(s.latency?.p50, .latencyP50), lat(s.latency?.p95, .latencyP95), lat(s.latency?.p99, .latencyP99),
                   HTMLTable.text(SimulationVerdict.slo(slo) ?? "—"),
                   s.sloMetric == nil ? HTMLTable.text("—", "zero") : count(s.sloBreaches, bad: true),
                   HTMLTable.text(ChartFormat.grouped(s.maxQueue)), HTMLTable.text("\(s.minReplicas)–\(s.maxReplicas)"),
                   HTMLTable.text(ChartFormat.number(s.instanceHours, sig: 4)), HTMLTable.text(ChartFormat.money(s.cost(in: result.currencies.lead))),
                   HTMLTable.text("\(s.scaleUps) / \(s.scaleDowns)"), count(s.alerts, bad: true)])
        }
        let tot = result.services
        t.add([HTMLTable.markup("<b>all services</b>"), HTMLTable.text(""), HTMLTable.text(""),
               count(tot.reduce(0) { $0 + $1.dropped }, bad: true), count(tot.reduce(0) { $0 + $1.timedOut }, bad: true),
               HTMLTable.text(""), HTMLTable.text(""), HTMLTable.text(""), HTMLTable.text(""),
               count(tot.reduce(0) { $0 + $1.sloBreaches }, bad: true), HTMLTable.text(""), HTMLTable.text(""),
               HTMLTable.text(ChartFormat.number(tot.reduce(0) { $0 + $1.instanceHours }, sig: 4)), HTMLTable.text(ChartFormat.money(result.totalCost(in: result.currencies.lead))),
               HTMLTable.text("\(tot.reduce(0) { $0 + $1.scaleUps }) / \(tot.reduce(0) { $0 + $1.scaleDowns })"), count(tot.reduce(0) { $0 + $1.alerts }, bad: true)])
        return t
    }

    func routeTable() -> HTMLTable {
        var t = HTMLTable(["route", "path", "completed", "mean", "p50", "p95", "p99", "max"], numeric: [2, 3, 4, 5, 6, 7])
        for x in result.routes {
            let path = scenario.traffic?.routes[x.route]?.path.joined(separator: " → ") ?? ""
            t.add([HTMLTable.markup("<b>\(esc(x.route))</b>"), HTMLTable.text(path, "reason"), HTMLTable.text(ChartFormat.grouped(x.completed)),
                   HTMLTable.text(ChartFormat.latency(x.latency?.mean)), HTMLTable.text(ChartFormat.latency(x.latency?.p50)),
                   HTMLTable.text(ChartFormat.latency(x.latency?.p95)), HTMLTable.text(ChartFormat.latency(x.latency?.p99)),
                   HTMLTable.text(ChartFormat.latency(x.latency?.max))])
        }
        return t
    }

    // MARK: event log and notes

    func eventLog() -> String {
        let all = result.scaling
        var o = "<h2 id=\"events\">Scaling decisions and alerts</h2>"
        if all.isEmpty { return o + "<p class=\"note\">No scaling decisions or alerts in this run.</p>" }
        o += "<p class=\"note\">\(ChartFormat.grouped(all.count)) event\(all.count == 1 ? "" : "s")"
        if all.count > HTMLSimulationReport.maxEventRows { o += "; the first \(ChartFormat.grouped(HTMLSimulationReport.maxEventRows)) are listed, all are in events.csv" }
        o += ". Hover a marker on a service's instances chart for the same detail.</p>"
        var t = HTMLTable([clock.columnTitle, "service", "policy", "change", "metric", "reason"], numeric: [])
        t.cls = "data events"
        for e in all.prefix(HTMLSimulationReport.maxEventRows) {
            let change: HTMLTable.Cell
            if let alert = e.alert { change = HTMLTable.text("alert: " + alert, "bad") }
            else if e.to > e.from { change = HTMLTable.markup("<span style=\"color:\(ChartPalette.scaleUp)\">▲</span> \(e.from) → \(e.to)") }
            else if e.to < e.from { change = HTMLTable.markup("<span style=\"color:\(ChartPalette.scaleDown)\">▼</span> \(e.from) → \(e.to)") }
            else { change = HTMLTable.text("\(e.from) (held)") }
            let metric = e.metricValue.map { v -> String in
                let sv = scenario.services[e.service]
                if let t = trigger(e, sv) { return ChartFormat.threshold(v, t.metric) }
                if e.policy == "hpa", let m = sv?.autoscaling.hpa?.metrics, m.count == 1 { return ChartFormat.threshold(v, m[0].metric) }
                return ChartFormat.number(v)
            } ?? ""
            t.add([HTMLTable.text(clock.short(e.time)), HTMLTable.text(e.service), HTMLTable.text(e.policy), change, HTMLTable.text(metric),
                   HTMLTable.text(e.reason, "reason")])
        }
        return o + t.render()
    }

    func notes() -> String {
        let p = formatDuration(result.samplePeriod)
        let items = [
            clock.anchored ? "Times are East Africa Time (EAT, UTC+3), from the scenario's simulation.start." : "Times are offsets from the start of the run (the scenario names no simulation.start).",
            "Every chart point is one \(p) sample window. Latency is time in the service (queue + service) of the requests completed in the window; an SLO breach is a window, after warm-up, whose SLO statistic exceeded the objective.",
            "Replicas are the pods the Deployment asks for; ready pods take traffic; starting pods (shaded) are scheduled but not yet ready. Markers show each scaling decision and alert; hover for the policy or trigger row that fired and its reason.",
            "CPU is the mean over ready pods of usage ÷ CPU request, as the HPA reads it: a busy pod bursts past 100% up to its limit (the dashed line; with no limit, its node's spare CPU), and demand above that is throttled.",
            "Max queue is the longest queue at one pod for per-instance queues (the queue chart shows all pods' waiting requests together, which is what a queue_length trigger reads).",
            "Cost counts pod time after warm-up at the service's price per instance-hour; the charts integrate the \(p) samples, the tables use exact pod time.",
            "Series longer than 1,000 points are thinned for drawing, keeping each stretch's minimum and maximum so no spike is hidden.",
        ]
        return "<h2>How to read this report</h2><ul class=\"expl note\">" + items.map { "<li>\(esc($0))</li>" }.joined() + "</ul>"
    }
}
