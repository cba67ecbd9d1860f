import CapsimModel
import Foundation
import LoadGen

extension HTMLReport {
    /// A `capsim load` run: verdict, headline figures, latency percentiles from the intended
    /// send against service times, the requested rate over the run (for a profile), and the
    /// statuses per route. `plan` is what was asked (the run's stored parameters), when known.
    public static func load(_ r: LoadResult, plan: LoadPlanRecord?, runID: Int64?) -> String {
        HTMLLoadReport(result: r, plan: plan, runID: runID).render()
    }
}

extension MarkdownReport {
    /// A `capsim load` run for a pull-request comment: the verdict line, the run, then tables.
    public static func load(_ r: LoadResult, plan: LoadPlanRecord?, runID: Int64?) -> String {
        let v = LoadVerdict(r)
        var out = ["**\(md(v.text))**", "", "_\(md(LoadVerdict.headline(r, plan: plan, runID: runID)))_", ""]
        out.append("Scheduled \(ChartFormat.grouped(r.scheduled)), sent \(ChartFormat.grouped(r.sent)), completed \(ChartFormat.grouped(r.completed)); "
                   + "achieved \(LoadFormat.rate(r.achievedRate)) over \(String(format: "%.2f", r.elapsed)) s; "
                   + "\(ChartFormat.grouped(r.lateSends)) late sends (more than \(formatDuration(r.lateThreshold)) after the intended time), max lag \(LoadFormat.ms(r.maxSendLag)).")
        out.append("")
        var t = TextTable(["latency", "p50", "p90", "p95", "p99", "p99.9", "max", "mean"])
        for (name, s) in LoadRenderer.latencyRows(r) {
            t.add([name] + [s.p50, s.p90, s.p95, s.p99, s.p999, s.max, s.mean].map(LoadFormat.ms))
        }
        out += ["### Latency", "", t.markdown(), ""]
        var routes = TextTable(["route", "sent", "completed", "statuses"])
        for x in r.routes { routes.add([md(x.route), ChartFormat.grouped(x.sent), ChartFormat.grouped(x.completed), LoadRenderer.statuses(x.statuses)]) }
        out += ["### Routes", "", routes.markdown(), ""]
        out += ["### Errors", "", r.errors.isEmpty ? "None." : md(LoadRenderer.statuses(r.errors)), ""]
        return out.joined(separator: "\n")
    }
}

/// The HTML report of one load run.
struct HTMLLoadReport {
    let result: LoadResult
    let plan: LoadPlanRecord?
    let runID: Int64?

    var esc: (String) -> String { HTMLEscape.text }

    /// Percentiles charted and tabled, with their `LatencySummary` fields.
    static var percentiles: [(String, KeyPath<LatencySummary, Double>)] {
        [("p50", \.p50), ("p90", \.p90), ("p95", \.p95), ("p99", \.p99), ("p99.9", \.p999), ("max", \.max)]
    }
    static let intendedColor = ChartPalette.p99
    static let serviceColor = ChartPalette.p50

    func render() -> String {
        let r = result
        var b = header()
        let v = LoadVerdict(r)
        b += HTMLPage.verdict(ok: v.ok, v.text)
        b += cards()
        b += "<h2 id=\"latency\">Latency</h2>"
        b += "<div class=\"grid2\"><figure>\(latencyChart().render())</figure><figure>\(statusChart().render())</figure></div>"
        b += latencyTable().render()
        if let chart = profileChart() {
            b += "<h2 id=\"profile\">Requested rate</h2><figure>\(chart.render())</figure>"
            if let src = plan?.scenario {
                b += "<p class=\"note\">\(esc("Replays " + LoadVerdict.scenarioLine(src) + ": the entry's arrival rate as the simulator computes it, one step per \(formatDuration(src.stepSeconds)) of scenario time, each step the rate at the middle of its span."))</p>"
            }
        }
        b += "<h2 id=\"routes\">Routes</h2>" + routeTable().render()
        b += "<h2 id=\"errors\">Errors</h2>"
        b += r.errors.isEmpty ? "<p>None.</p>" : errorTable().render()
        b += notes()
        return HTMLPage.wrap(title: "capsim load: \(r.target)" + (runID.map { " (run #\($0))" } ?? ""), body: b)
    }

    func header() -> String {
        let r = result
        var meta: [String] = []
        if let runID { meta.append("run <b>#\(runID)</b>") }
        meta.append("seed <b>\(r.seed)</b>")
        meta.append("<b>\(r.connections)</b> connection\(r.connections == 1 ? "" : "s")")
        meta.append("late after <b>\(esc(formatDuration(r.lateThreshold)))</b>")
        var o = "<header class=\"top\"><div><h1>\(esc(r.target)) <small>load run</small></h1>"
        var sub = "Open loop: \(LoadFormat.rate(r.requestedRate)) for \(formatDuration(r.duration))"
        if case .steps(let steps)? = plan?.profile { sub += " on average, following a profile of \(steps.count) step\(steps.count == 1 ? "" : "s")" }
        if let mix = plan?.mix, mix.count > 1 { sub += "; mix " + mix.map(\.description).joined(separator: ", ") }
        o += "<p class=\"sub\">\(esc(sub))</p>"
        if let src = plan?.scenario { o += "<p class=\"sub\">\(esc("Replays " + LoadVerdict.scenarioLine(src)))</p>" }
        return o + "</div><div class=\"meta\">" + meta.joined(separator: " · ") + "</div></header>"
    }

    func cards() -> String {
        let r = result
        var o = "<div class=\"cards\">"
        o += HTMLPage.card("Requested", ChartFormat.rps(r.requestedRate), note: "\(ChartFormat.grouped(r.scheduled)) requests scheduled")
        o += HTMLPage.card("Achieved", ChartFormat.rps(r.achievedRate), note: "over \(String(format: "%.2f", r.elapsed)) s",
                           tone: r.achievedRate < 0.95 * r.requestedRate ? "warn" : nil)
        o += HTMLPage.card("p50", LoadFormat.ms(r.latency.p50), note: "from the intended send")
        o += HTMLPage.card("p99", LoadFormat.ms(r.latency.p99), note: "service time \(LoadFormat.ms(r.serviceTime.p99))")
        o += HTMLPage.card("Errors", ChartFormat.grouped(r.errorCount), note: "of \(ChartFormat.grouped(r.scheduled))", tone: r.errorCount > 0 ? "crit" : nil)
        let latePct = r.sent > 0 ? Double(r.lateSends) / Double(r.sent) : 0
        o += HTMLPage.card("Late sends", ChartFormat.grouped(r.lateSends), note: "\(ChartFormat.percent(latePct)); max lag \(LoadFormat.ms(r.maxSendLag))",
                           tone: latePct > 0.01 ? "warn" : nil)
        return o + "</div>"
    }

    /// One row per percentile: the bar is the latency from the intended send, the diamond the
    /// service time from the actual send. The gap between them is time spent waiting for a
    /// connection: what a closed-loop tool leaves out.
    func latencyChart() -> SVGBarChart {
        let r = result
        let bars = Self.percentiles.map { name, k in
            SVGBarChart.Bar(label: name, to: r.latency[keyPath: k], color: Self.intendedColor, valueLabel: LoadFormat.ms(r.latency[keyPath: k]),
                            title: "\(name) from the intended send: \(LoadFormat.ms(r.latency[keyPath: k]))",
                            marks: [SVGBarChart.Mark(value: r.serviceTime[keyPath: k], shape: .diamond, color: Self.serviceColor,
                                                     title: "\(name) service time (from the actual send): \(LoadFormat.ms(r.serviceTime[keyPath: k]))")])
        }
        return SVGBarChart(id: "latency", title: "Latency percentiles", xTitle: "latency (ms)", bars: bars,
                           legend: [(.box, Self.intendedColor, "from the intended send (open loop)"), (.diamond, Self.serviceColor, "service time (from the actual send)")],
                           xLabel: { v, step in ChartTicks.label(v, step: step) })
    }

    /// One row per route and response: a status code, or a failure with no response.
    func statusChart() -> SVGBarChart {
        var bars: [SVGBarChart.Bar] = []
        for route in result.routes {
            for (code, n) in route.statuses.sorted(by: { $0.key < $1.key }) {
                bars.append(SVGBarChart.Bar(label: "\(route.route) \(code)", to: Double(n), color: Self.statusColor(code),
                                            valueLabel: ChartFormat.grouped(n), title: "\(route.route): \(ChartFormat.grouped(n)) × \(code)"))
            }
            let unanswered = route.sent - route.completed
            if unanswered > 0 {
                bars.append(SVGBarChart.Bar(label: "\(route.route) no response", to: Double(unanswered), color: ChartPalette.alert,
                                            valueLabel: ChartFormat.grouped(unanswered), title: "\(route.route): \(ChartFormat.grouped(unanswered)) sent without a response"))
            }
        }
        return SVGBarChart(id: "statuses", title: "Responses per route", xTitle: "requests", bars: bars,
                           legend: [(.box, Self.statusColor("200"), "2xx"), (.box, Self.statusColor("300"), "3xx"), (.box, Self.statusColor("400"), "4xx"),
                                    (.box, Self.statusColor("500"), "5xx, or no response")])
    }

    static func statusColor(_ code: String) -> String {
        switch code.first {
        case "2": return ChartPalette.throughput
        case "3": return ChartPalette.cpu
        case "4": return ChartPalette.p95
        default: return ChartPalette.alert
        }
    }

    /// The rate the schedule asked for over the run, for a stepped profile; nil for a constant rate.
    func profileChart() -> SVGChart? {
        guard case .steps(let steps)? = plan?.profile, !steps.isEmpty else { return nil }
        let duration = plan?.duration ?? result.duration
        var points = steps.filter { $0.at < duration }.map { ChartPoint(x: $0.at, y: $0.perSecond) }
        if let last = points.last { points.append(ChartPoint(x: duration, y: last.y)) }
        var chart = SVGChart(id: "profile", title: "Requested rate over the run", yTitle: "requests per second", clock: ChartClock(start: nil), xMax: duration)
        chart.series = [SVGChart.Series(name: "requested (intended sends)", color: ChartPalette.arrivals, style: .stepArea, points: points)]
        chart.references = [SVGChart.ReferenceLine(value: result.achievedRate, label: "achieved on average \(LoadFormat.rate(result.achievedRate))", color: ChartPalette.throughput)]
        chart.width = 1240
        return chart
    }

    func latencyTable() -> HTMLTable {
        var t = HTMLTable(["latency"] + Self.percentiles.map(\.0) + ["mean"], numeric: Set(1...7))
        for (name, s) in LoadRenderer.latencyRows(result) {
            t.add([name] + Self.percentiles.map { LoadFormat.ms(s[keyPath: $0.1]) } + [LoadFormat.ms(s.mean)])
        }
        return t
    }

    func routeTable() -> HTMLTable {
        var t = HTMLTable(["route", "share", "sent", "completed", "statuses"], numeric: [1, 2, 3])
        for x in result.routes {
            let share = plan?.mix.first { $0.route == x.route }.map { ChartFormat.percent($0.share) } ?? "—"
            t.add([x.route, share, ChartFormat.grouped(x.sent), ChartFormat.grouped(x.completed), LoadRenderer.statuses(x.statuses)])
        }
        return t
    }

    func errorTable() -> HTMLTable {
        var t = HTMLTable(["error", "count", "meaning"], numeric: [1])
        for (k, n) in result.errors.sorted(by: { $0.key < $1.key }) {
            let meaning: String
            switch k {
            case "connection": meaning = "the connection was lost with a request in flight"
            case "connect": meaning = "a reconnect failed"
            case "timeout": meaning = "no response by the end of the drain time"
            case "unsent": meaning = "still waiting for a connection when the run ended"
            default: meaning = "HTTP status \(k)"
            }
            t.add([k, ChartFormat.grouped(n), meaning])
        }
        return t
    }

    func notes() -> String {
        let items = [
            "Open loop, as wrk2 works: request i is due at its intended time whatever the responses do, and goes out on the first free keep-alive connection (one request in flight on each).",
            "Latency from the intended send counts the time a request waited for a connection, so a stall shows in every request queued behind it (no coordinated omission). The service time, from the actual send, is what a closed-loop tool reports; the gap between the two is the queueing the client saw.",
            "Percentiles come from HdrHistograms with 3 significant digits in microseconds; the store keeps both histograms, so other percentiles can be recomputed (capsim runs export ID --format csv).",
            "A send later than the late threshold after its intended time counts as late: then the generator (too few connections, or a busy CPU), not the server, set the pace, and the latencies understate what the requested rate would cause.",
        ]
        return "<h2>How to read this report</h2><ul class=\"expl note\">" + items.map { "<li>\(esc($0))</li>" }.joined() + "</ul>"
    }
}
