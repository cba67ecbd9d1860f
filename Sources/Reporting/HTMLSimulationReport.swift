import CapsimModel
import Foundation
import Simulation

/// The HTML report of one simulation run: verdict, headline figures, platform overview charts,
/// the per-service and per-route tables, six charts per service, and the scaling event log.
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

    // MARK: charts

    /// The warm-up and the scenario's surges, shaded on every time chart.
    var bands: [SVGChart.Band] {
        var out: [SVGChart.Band] = []
        if result.warmup > 0 { out.append(.init(from: 0, to: result.warmup, label: "warm-up", color: ChartPalette.warmup, opacity: 0.16)) }
        for s in scenario.traffic?.surges ?? [] {
            out.append(.init(from: s.start, to: s.start + s.duration, label: "surge \(s.name) ×\(ChartFormat.number(s.multiplier))", color: ChartPalette.surge, opacity: 0.12))
        }
        return out
    }

    func chart(_ id: String, _ title: String, y: String) -> SVGChart {
        var c = SVGChart(id: id, title: title, yTitle: y, clock: clock, xMax: result.duration, bands: bands)
        c.scaleFrom = result.warmup
        return c
    }

    func overviewCharts() -> [String] {
        var out: [String] = []
        var inst = chart("ov-inst", "Instances by service", y: "instances")
        for (i, s) in result.services.enumerated() {
            let pts = (samples[s.service] ?? []).map { ChartPoint(x: $0.time, y: Double($0.replicas)) }
            inst.series.append(.init(name: s.service, color: ChartPalette.nth(i), style: .step, points: pts, width: 1.8))
        }
        inst.minTop = 1
        inst.integerY = true
        out.append(inst.render())

        var traffic = chart("ov-traffic", "Platform traffic (req/s)", y: "requests per second")
        if let entry = scenario.traffic?.entry, let es = samples[entry] {
            traffic.series.append(.init(name: "arrivals at \(entry)", color: ChartPalette.arrivals, style: .line, points: es.map { ChartPoint(x: $0.time, y: $0.arrivalRate) }, width: 3.2))
        }
        var done: [(Double, Int)] = []
        for s in result.routeTimeline {
            if let last = done.last, last.0 == s.time { done[done.count - 1].1 += s.completed } else { done.append((s.time, s.completed)) }
        }
        if !done.isEmpty {
            traffic.series.append(.init(name: "completed end to end", color: ChartPalette.throughput, style: .line,
                                        points: done.map { ChartPoint(x: $0.0, y: Double($0.1) / result.samplePeriod) }, width: 1.6))
        }
        var lost: [(Double, Int)] = []
        for s in result.timeline {
            if let last = lost.last, last.0 == s.time { lost[lost.count - 1].1 += s.dropped + s.timedOut } else { lost.append((s.time, s.dropped + s.timedOut)) }
        }
        if lost.contains(where: { $0.1 > 0 }) {
            traffic.series.append(.init(name: "dropped + timed out", color: ChartPalette.drops, style: .line,
                                        points: lost.map { ChartPoint(x: $0.0, y: Double($0.1) / result.samplePeriod) }, width: 1.4))
        }
        traffic.yLabel = { v, s in ChartTicks.label(v, step: s) }
        out.append(traffic.render())

        var routes = chart("ov-routes", "End-to-end p99 by route (ms)", y: "p99 latency (ms)")
        let names = result.routes.map(\.route)
        var byRoute: [String: [ChartPoint]] = [:]
        for s in result.routeTimeline { byRoute[s.route, default: []].append(ChartPoint(x: s.time, y: s.latencyP99.map { $0 * 1000 })) }
        for (i, name) in names.enumerated() {
            routes.series.append(.init(name: name, color: ChartPalette.nth(i), style: .line, points: byRoute[name] ?? [], width: 1.4))
        }
        routes.emptyNote = "no routes"
        out.append(routes.render())

        let lead = result.currencies.lead
        var cost = chart("ov-cost", "Cumulative cost, all services (\(lead.rawValue))", y: lead.rawValue)
        let totals = fleetCost()
        cost.series.append(.init(name: "all services: \(ChartFormat.money(result.totalCost(in: lead), lead))", color: ChartPalette.cost, style: .area,
                                 points: totals, width: 2, fillOpacity: 0.14))
        out.append(cost.render())
        return out
    }

    /// The price per instance-hour of a station — a service, a database pool or a consumer
    /// group — in the run's reporting currency: a service's own price when the scenario can
    /// state it in that currency, else taken from the run's own summary, so the charts and
    /// the table always agree. 0 for a station that costs nothing.
    func costRate(_ service: String) -> Double {
        let lead = result.currencies.lead
        if let sv = scenario.services[service] {
            guard let price = sv.costPerInstanceHour else { return 0 }
            if let v = scenario.currency.amount(price, in: lead) { return v }
        }
        guard let x = result.services.first(where: { $0.service == service }), x.instanceHours > 0, let cost = x.cost(in: lead) else { return 0 }
        return cost / x.instanceHours
    }

    /// Cumulative cost after warm-up: each sample's replicas × price × the part of its window after warm-up.
    func cumulativeCost(_ xs: [ServiceSample], rate: Double) -> [ChartPoint] {
        var total = 0.0, prev = 0.0
        var out: [ChartPoint] = []
        out.reserveCapacity(xs.count)
        for s in xs {
            let from = max(prev, result.warmup)
            if s.time > from { total += Double(s.replicas) * rate * (s.time - from) / 3600 }
            prev = s.time
            out.append(ChartPoint(x: s.time, y: total))
        }
        return out
    }

    func fleetCost() -> [ChartPoint] {
        var sum: [ChartPoint] = []
        for s in result.services {
            let c = cumulativeCost(samples[s.service] ?? [], rate: costRate(s.service))
            if sum.isEmpty { sum = c; continue }
            for i in 0..<min(sum.count, c.count) { sum[i].y = (sum[i].y ?? 0) + (c[i].y ?? 0) }
        }
        return sum
    }

    // MARK: one service

    /// The trigger a `policy` like "trigger[2] Label" names.
    func trigger(_ e: ScalingEvent, _ sv: Service?) -> Trigger? {
        guard let sv, e.policy.hasPrefix("trigger["), let close = e.policy.firstIndex(of: "]"),
              let i = Int(e.policy[e.policy.index(e.policy.startIndex, offsetBy: 8)..<close]), sv.autoscaling.triggers.indices.contains(i) else { return nil }
        return sv.autoscaling.triggers[i]
    }

    func triggerText(_ t: Trigger, _ i: Int) -> String {
        var s = "trigger[\(i)]" + (t.label.map { " " + $0 } ?? "") + ": \(t.metric.rawValue)"
        if let route = t.route { s += " on route \(route)" }
        s += " \(t.comparison == .above ? ">" : "<") \(ChartFormat.threshold(t.threshold, t.metric))"
        if t.sustained > 0 { s += " for \(formatDuration(t.sustained))" }
        switch t.action {
        case .addInstances(let k): s += " → add \(k)"
        case .addQueueWorkers(let k): s += " → add \(k) queue workers"
        case .alert(let text): s += " → alert \u{201C}\(text)\u{201D}"
        }
        return s
    }

    /// A reference line for each trigger row on `metric`.
    func triggerLines(_ sv: Service?, _ metrics: Set<Metric>, scale: Double = 1) -> [SVGChart.ReferenceLine] {
        guard let sv else { return [] }
        return sv.autoscaling.triggers.enumerated().compactMap { i, t in
            guard metrics.contains(t.metric) else { return nil }
            var label = (t.label ?? "trigger[\(i)]") + " \(t.comparison == .above ? ">" : "<") \(ChartFormat.threshold(t.threshold, t.metric))"
            if metrics.count > 1 { label += " (\(ChartFormat.statistic(t.metric.rawValue))\(t.route.map { ", " + $0 } ?? ""))" }
            else if let route = t.route { label += " (\(route))" }
            return .init(value: t.threshold * scale, label: label, color: ChartPalette.trigger, dash: "3 3")
        }
    }

    func eventTitle(_ e: ScalingEvent) -> String {
        var s = "\(clock.full(e.time)) · \(e.service) · \(e.policy)"
        s += e.alert != nil ? " · alert: \(e.alert!)" : ": \(e.from) → \(e.to) replicas"
        s += "\n" + e.reason
        if !e.rule.isEmpty && !e.reason.contains(e.rule) { s += "\nrule: " + e.rule }
        return s
    }

    func facts(_ sv: Service?) -> String {
        guard let sv else { return "" }
        var f: [String] = []
        if let slo = SimulationVerdict.slo(sv.slo) { f.append("SLO <b>\(esc(slo))</b>") }
        f.append("replicas <b>\(sv.replicas.min)–\(sv.replicas.max)</b> (start \(sv.replicas.initial))")
        if let hpa = sv.autoscaling.hpa {
            let m = hpa.metrics.map { "\(ChartFormat.statistic($0.metric.rawValue).replacingOccurrences(of: "_", with: " ")) \($0.metric == .cpuUtilization ? ChartFormat.percent($0.target) : ChartFormat.threshold($0.target, $0.metric))" }
            f.append("HPA at <b>\(esc(m.joined(separator: ", ")))</b>")
        }
        for (i, t) in sv.autoscaling.triggers.enumerated() { f.append(esc(triggerText(t, i))) }
        f.append("capacity <b>\(esc(ChartFormat.rps(sv.capacity.rps)))</b> per instance (\(sv.capacity.concurrency) slot\(sv.capacity.concurrency == 1 ? "" : "s"))")
        f.append("startup \(esc(formatDuration(sv.startupDelay)))")
        if let limit = sv.queue.limit { f.append("queue limit \(ChartFormat.grouped(limit))") }
        if let timeout = sv.queue.timeout { f.append("time-out \(esc(formatDuration(timeout)))") }
        let rate = costRate(sv.name)
        if rate > 0 { f.append("\(esc(ChartFormat.money(rate, result.currencies.lead))) per instance-hour") }
        return f.joined(separator: " · ")
    }

    func serviceSection(_ s: ServiceSummary, index: Int) -> String {
        let sv = scenario.services[s.service]
        let xs = samples[s.service] ?? []
        let evs = events[s.service] ?? []
        let id = "s\(index)"
        var tag = ""
        if s.sloBreaches > 0 { tag += "<span class=\"tag bad\">\(s.sloBreaches) SLO breach window\(s.sloBreaches == 1 ? "" : "s")</span>" }
        else if s.sloMetric != nil { tag += "<span class=\"tag ok\">SLO met</span>" }
        if s.dropped + s.timedOut > 0 { tag += "<span class=\"tag bad\">\(ChartFormat.grouped(s.dropped + s.timedOut)) lost</span>" }
        var o = "<section class=\"svc\" id=\"\(id)\"><h3>\(esc(s.service))\(tag)</h3>"
        o += "<p class=\"facts\">\(facts(sv))</p>"
        o += "<p class=\"facts\">run: p50 <b>\(esc(ChartFormat.latency(s.latency?.p50)))</b> · p95 <b>\(esc(ChartFormat.latency(s.latency?.p95)))</b> · p99 <b>\(esc(ChartFormat.latency(s.latency?.p99)))</b>"
        o += " · max queue\(sv?.queue.discipline == .perInstance ? " at one pod" : "") <b>\(ChartFormat.grouped(s.maxQueue))</b> · replicas <b>\(s.minReplicas)–\(s.maxReplicas)</b> · \(esc(ChartFormat.number(s.instanceHours, sig: 4))) instance-h · <b>\(esc(ChartFormat.money(s.cost(in: result.currencies.lead), result.currencies.lead)))</b>"
        if let peak = s.cpuPeak, let sv {
            o += " · peak CPU <b>\(ChartFormat.percent(peak))</b> of request (\(esc(CPUBreakdown.ceiling(sv, scenario.platform)))) · throttled \(esc(CPUBreakdown.throttled(s.throttledPodSeconds ?? 0)))"
        }
        o += "</p>"
        o += "<div class=\"grid2\">"
        for c in [instancesChart(id, s, sv, xs, evs), latencyChart(id, sv, xs, evs), queueChart(id, sv, xs, evs), cpuChart(id, sv, xs, evs),
                  rateChart(id, sv, xs, evs), costChart(id, s, sv, xs)] {
            o += "<figure>\(c.render())</figure>"
        }
        return o + "</div></section>"
    }

    func instancesChart(_ id: String, _ s: ServiceSummary, _ sv: Service?, _ xs: [ServiceSample], _ evs: [ScalingEvent]) -> SVGChart {
        var c = chart("\(id)-inst", "Instances", y: "instances (pods)")
        c.series = [
            .init(name: "starting (shaded)", color: ChartPalette.starting, style: .stepBand,
                  points: xs.map { ChartPoint(x: $0.time, y: Double($0.ready + $0.starting), base: Double($0.ready)) }, fillOpacity: 0.45),
            .init(name: "replicas", color: ChartPalette.replicas, style: .step, points: xs.map { ChartPoint(x: $0.time, y: Double($0.replicas)) }, width: 2.2),
            .init(name: "ready", color: ChartPalette.ready, style: .step, points: xs.map { ChartPoint(x: $0.time, y: Double($0.ready)) }, dashed: true, width: 1.6),
        ]
        if let sv {
            c.references.append(.init(value: Double(sv.replicas.max), label: "max \(sv.replicas.max)", color: ChartPalette.limit))
            if sv.replicas.min != sv.replicas.max {
                c.references.append(.init(value: Double(sv.replicas.min), label: "min \(sv.replicas.min)", color: ChartPalette.limit, dash: "2 3"))
            }
        }
        var kinds: [SVGChart.Marker.Shape] = []
        for e in evs {
            let shape: SVGChart.Marker.Shape = e.alert != nil ? .diamond : (e.to > e.from ? .up : (e.to < e.from ? .down : .circle))
            let color = e.alert != nil ? ChartPalette.alert : (e.to > e.from ? ChartPalette.scaleUp : (e.to < e.from ? ChartPalette.scaleDown : ChartPalette.limit))
            c.markers.append(.init(x: e.time, y: Double(e.alert != nil ? e.from : e.to), shape: shape, color: color, title: eventTitle(e)))
            if !kinds.contains(shape) { kinds.append(shape) }
        }
        let legend: [(SVGChart.Marker.Shape, String, String)] = [(.up, ChartPalette.scaleUp, "scale up"), (.down, ChartPalette.scaleDown, "scale down"),
                                                                (.diamond, ChartPalette.alert, "alert"), (.circle, ChartPalette.limit, "no change")]
        c.markerLegend = legend.filter { kinds.contains($0.0) }
        c.minTop = 1
        c.integerY = true
        return c
    }

    func latencyChart(_ id: String, _ sv: Service?, _ xs: [ServiceSample], _ evs: [ScalingEvent]) -> SVGChart {
        var c = chart("\(id)-lat", "Latency in the service (ms)", y: "latency (ms)")
        func ms(_ v: Double?) -> Double? { v.map { $0 * 1000 } }
        c.series = [.init(name: "p50", color: ChartPalette.p50, style: .line, points: xs.map { ChartPoint(x: $0.time, y: ms($0.latencyP50)) }, width: 1.6)]
        if sv?.slo?.metric == .latencyP95 {
            c.series.append(.init(name: "p95", color: ChartPalette.p95, style: .line, points: xs.map { ChartPoint(x: $0.time, y: ms($0.latencyP95)) }, width: 1.4))
        } else if sv?.slo?.metric == .latencyMean {
            c.series.append(.init(name: "mean", color: ChartPalette.mean, style: .line, points: xs.map { ChartPoint(x: $0.time, y: ms($0.latencyMean)) }, width: 1.4))
        }
        c.series.append(.init(name: "p99", color: ChartPalette.p99, style: .line, points: xs.map { ChartPoint(x: $0.time, y: ms($0.latencyP99)) }, width: 1.6))
        if let slo = sv?.slo {
            c.references.append(.init(value: slo.threshold * 1000, label: "SLO \(ChartFormat.statistic(slo.metric.rawValue)) \(ChartFormat.ms(slo.threshold))", color: ChartPalette.slo))
        }
        c.references += triggerLines(sv, [.latencyMean, .latencyP50, .latencyP90, .latencyP95, .latencyP99], scale: 1000)
        c.emptyNote = "no completions"
        return c
    }

    /// Markers where a trigger row on one of `metrics` fired, at the value it saw.
    func triggerMarkers(_ sv: Service?, _ evs: [ScalingEvent], _ metrics: Set<Metric>, scale: Double = 1) -> [SVGChart.Marker] {
        evs.compactMap { e in
            guard let t = trigger(e, sv), metrics.contains(t.metric), let v = e.metricValue else { return nil }
            return .init(x: e.time, y: v * scale, shape: e.alert != nil ? .diamond : .up, color: e.alert != nil ? ChartPalette.alert : ChartPalette.scaleUp, title: eventTitle(e))
        }
    }

    func queueChart(_ id: String, _ sv: Service?, _ xs: [ServiceSample], _ evs: [ScalingEvent]) -> SVGChart {
        var c = chart("\(id)-queue", "Queue length", y: "requests waiting")
        let peak = xs.map(\.queueLength).max() ?? 0
        let limit = sv?.queue.limit
        let perPod = sv?.queue.discipline == .perInstance
        // A shared queue's limit is drawn when the queue came near it; a per-pod limit cannot be
        // drawn against the total, so it is named in the legend.
        let drawLimit = !perPod && (limit.map { peak * 3 >= $0 || xs.contains { $0.dropped > 0 } } ?? false)
        var name = perPod ? "waiting, all pods" : "queue length"
        if let limit, !drawLimit { name += " (limit \(ChartFormat.grouped(limit))\(perPod ? " per pod" : ""))" }
        c.series = [.init(name: name, color: ChartPalette.queue, style: .area, points: xs.map { ChartPoint(x: $0.time, y: Double($0.queueLength)) }, width: 1.6)]
        c.references = triggerLines(sv, [.queueLength])
        if let limit, drawLimit { c.references.append(.init(value: Double(limit), label: "queue limit \(ChartFormat.grouped(limit)) (drops beyond)", color: ChartPalette.limit)) }
        c.integerY = true
        c.markers = triggerMarkers(sv, evs, [.queueLength])
        if !c.markers.isEmpty { c.markerLegend = [(.up, ChartPalette.scaleUp, "trigger fired")] }
        c.minTop = 1
        return c
    }

    func cpuChart(_ id: String, _ sv: Service?, _ xs: [ServiceSample], _ evs: [ScalingEvent]) -> SVGChart {
        var c = chart("\(id)-cpu", "CPU utilisation (% of request)", y: "CPU (%)")
        c.series = [.init(name: "CPU, mean of ready pods", color: ChartPalette.cpu, style: .line, points: xs.map { ChartPoint(x: $0.time, y: $0.cpuUtilization * 100) }, width: 1.6)]
        if let target = sv?.autoscaling.hpa?.cpuTarget {
            c.references.append(.init(value: target * 100, label: "HPA target \(ChartFormat.percent(target))", color: ChartPalette.target))
        }
        if let sv {
            let ceiling = CPUBreakdown.ceilingRatio(sv, scenario.platform)
            c.references.append(.init(value: ceiling * 100, label: (sv.resources.limits.cpu == nil ? "node's spare CPU " : "limit ") + ChartFormat.percent(ceiling),
                                      color: ChartPalette.limit, dash: "2 3"))
        }
        c.references += triggerLines(sv, [.cpuUtilization], scale: 100)
        c.markers = triggerMarkers(sv, evs, [.cpuUtilization], scale: 100)
        if !c.markers.isEmpty { c.markerLegend = [(.up, ChartPalette.scaleUp, "trigger fired")] }
        c.minTop = 100
        c.yLabel = { v, step in ChartTicks.label(v, step: step) + "%" }
        return c
    }

    func rateChart(_ id: String, _ sv: Service?, _ xs: [ServiceSample], _ evs: [ScalingEvent]) -> SVGChart {
        var c = chart("\(id)-rate", "Arrival rate vs throughput (req/s)", y: "requests per second")
        c.series = [
            .init(name: "arrivals", color: ChartPalette.arrivals, style: .line, points: xs.map { ChartPoint(x: $0.time, y: $0.arrivalRate) }, width: 3.2),
            .init(name: "throughput (completed)", color: ChartPalette.throughput, style: .line, points: xs.map { ChartPoint(x: $0.time, y: $0.throughput) }, width: 1.4),
        ]
        if xs.contains(where: { $0.dropped + $0.timedOut > 0 }) {
            c.series.append(.init(name: "dropped + timed out", color: ChartPalette.drops, style: .area,
                                  points: xs.map { ChartPoint(x: $0.time, y: Double($0.dropped + $0.timedOut) / result.samplePeriod) }, width: 1.2, fillOpacity: 0.25))
        }
        c.references += triggerLines(sv, [.throughput])
        return c
    }

    func costChart(_ id: String, _ s: ServiceSummary, _ sv: Service?, _ xs: [ServiceSample]) -> SVGChart {
        let rate = costRate(s.service), lead = result.currencies.lead
        var c = chart("\(id)-cost", "Cost, cumulative (\(lead.rawValue))", y: lead.rawValue)
        c.series = [.init(name: "\(ChartFormat.money(s.cost(in: lead), lead)) for the run at \(ChartFormat.money(rate, lead))/instance-hour", color: ChartPalette.cost, style: .area,
                          points: cumulativeCost(xs, rate: rate), width: 2, fillOpacity: 0.14)]
        if rate == 0 { c.emptyNote = "no cost_per_instance_hour" }
        c.yLabel = { v, step in ChartTicks.label(v, step: step) }
        return c
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
