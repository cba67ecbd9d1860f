import CapsimModel
import Foundation
import Histogram
import LoadGen

/// Text, JSON and CSV of a `capsim load` run: what the command prints, what `runs show` and
/// `runs export` re-render from the store, byte for byte the same.
public enum LoadRenderer {
    public enum Format: String, CaseIterable, Sendable { case table, json }

    /// What `capsim load --format` prints for a run of `plan`.
    public static func render(_ r: LoadResult, plan: LoadPlanRecord, as format: Format) -> String {
        switch format {
        case .table: return table(r, plan: plan)
        case .json: return json(r)
        }
    }

    /// The table `capsim load` prints.
    public static func table(_ r: LoadResult) -> String {
        let ms = LoadFormat.ms, rate = LoadFormat.rate
        var out: [String] = []
        out.append("\(r.target): \(rate(r.requestedRate)) for \(formatDuration(r.duration)) over \(r.connections) connection\(r.connections == 1 ? "" : "s") (open loop, seed \(r.seed))")
        out.append("scheduled \(r.scheduled), sent \(r.sent), completed \(r.completed), achieved \(rate(r.achievedRate)) over \(String(format: "%.2fs", r.elapsed))"
                   + (r.connectionsOpened > r.connections ? ", \(r.connectionsOpened) connections opened" : ""))
        let pct = r.sent > 0 ? String(format: " (%.1f%%)", 100 * Double(r.lateSends) / Double(r.sent)) : ""
        out.append("late sends (> \(formatDuration(r.lateThreshold)) after the intended time): \(r.lateSends)\(pct), max lag \(ms(r.maxSendLag))")
        out.append("")
        var t = TextTable(["latency", "p50", "p90", "p95", "p99", "p99.9", "max", "mean"])
        for (name, s) in latencyRows(r) {
            t.add([name, ms(s.p50), ms(s.p90), ms(s.p95), ms(s.p99), ms(s.p999), ms(s.max), ms(s.mean)])
        }
        out.append(t.render())
        out.append("")
        var routes = TextTable(["route", "sent", "completed", "statuses"])
        for route in r.routes {
            routes.add([route.route, String(route.sent), String(route.completed), statuses(route.statuses)])
        }
        out.append(routes.render())
        out.append("")
        out.append(r.errors.isEmpty ? "errors: none" : "errors: " + statuses(r.errors))
        return out.joined(separator: "\n") + "\n"
    }

    /// The table `capsim load` prints for a run of `plan`: a scenario replay's line above it.
    public static func table(_ r: LoadResult, plan: LoadPlanRecord) -> String {
        (replayLine(plan).map { $0 + "\n" } ?? "") + table(r)
    }

    /// `replaying the traffic of stan-store-et: 1h of scenario time at time scale 120, rate scale 0.01 (60 steps)`:
    /// the line `capsim load --scenario` prints above its table; nil for any other plan.
    public static func replayLine(_ plan: LoadPlanRecord) -> String? {
        guard let source = plan.scenario, case .steps(let steps) = plan.profile else { return nil }
        return "replaying " + LoadVerdict.scenarioLine(source) + " (\(steps.count) step\(steps.count == 1 ? "" : "s"))"
    }

    /// The latency rows of the table: from the intended send, the service time, and the
    /// server's own queue and handler times when its responses carried `Server-Timing`.
    static func latencyRows(_ r: LoadResult) -> [(String, LatencySummary)] {
        var rows = [("from intended send", r.latency), ("service time (from actual send)", r.serviceTime)]
        if let server = r.serverTime {
            rows.append(("server: waiting for a worker", server.queue))
            rows.append(("server: holding a worker", server.app))
        }
        return rows
    }

    /// `200 ×1990, 503 ×10`, by code.
    static func statuses(_ counts: [String: Int]) -> String {
        counts.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
    }

    /// The result as `capsim load --format json` prints it: pretty, sorted keys, one trailing
    /// newline; the raw histograms are not part of it.
    public static func json(_ r: LoadResult) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "+inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: (try? e.encode(r)) ?? Data("{}".utf8), as: UTF8.self) + "\n"
    }

    /// Percentiles the CSV lists when the raw histograms are kept (100 = the maximum).
    static let csvPercentiles: [Double] = [50, 75, 90, 95, 99, 99.9, 99.99, 100]

    /// Latency percentiles as CSV, in milliseconds: `percentile,from_intended_send_ms,service_time_ms`.
    /// From the raw histograms when the result has them (p50 to p99.99 and the maximum), else
    /// the summary's p50, p90, p95, p99, p99.9 and maximum.
    public static func percentilesCSV(_ r: LoadResult) -> String {
        var out = ["percentile,from_intended_send_ms,service_time_ms"]
        if let a = r.latencyHistogram, let b = r.serviceTimeHistogram {
            func at(_ h: Histogram<UInt64>, _ p: Double) -> String {
                h.totalCount == 0 ? "" : "\(Double(p == 100 ? h.max : h.valueAtPercentile(p)) / 1000)"
            }
            for p in csvPercentiles { out.append("\(trimPercent(p)),\(at(a, p)),\(at(b, p))") }
        } else {
            let rows: [(Double, KeyPath<LatencySummary, Double>)] = [(50, \.p50), (90, \.p90), (95, \.p95), (99, \.p99), (99.9, \.p999), (100, \.max)]
            for (p, k) in rows { out.append("\(trimPercent(p)),\(r.latency[keyPath: k]),\(r.serviceTime[keyPath: k])") }
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func trimPercent(_ p: Double) -> String { p == p.rounded() ? String(Int(p)) : "\(p)" }
}

/// Whether a load run kept up, in one line: the verdict of the HTML and Markdown reports.
struct LoadVerdict {
    let ok: Bool
    let text: String

    /// Kept up when every scheduled request was answered without an error, the achieved rate
    /// is within 5 % of the requested one and at most 1 % of the sends were late.
    init(_ r: LoadResult) {
        var problems: [String] = []
        let errors = r.errorCount
        if errors > 0 {
            problems.append("\(ChartFormat.grouped(errors)) error\(errors == 1 ? "" : "s") in \(ChartFormat.grouped(r.scheduled)) requests (\(ChartFormat.percent(Double(errors) / Double(max(r.scheduled, 1)))))")
        }
        if r.requestedRate > 0 && r.achievedRate < 0.95 * r.requestedRate {
            problems.append("achieved \(LoadFormat.rate(r.achievedRate)) of \(LoadFormat.rate(r.requestedRate)) requested")
        }
        if r.sent > 0 && Double(r.lateSends) > 0.01 * Double(r.sent) {
            problems.append("\(ChartFormat.percent(Double(r.lateSends) / Double(r.sent))) of sends late (the generator — its connections or its CPU — not the server set the pace)")
        }
        let tail = "p99 \(LoadFormat.ms(r.latency.p99)) from the intended send (\(LoadFormat.ms(r.serviceTime.p99)) service time)"
        ok = problems.isEmpty
        text = ok ? "✅ Kept up: \(LoadFormat.rate(r.achievedRate)) of \(LoadFormat.rate(r.requestedRate)) requested, no errors; \(tail)"
                  : "⚠️ Fell short: " + problems.joined(separator: "; ") + "; \(tail)"
    }

    /// `run #4 · http://…: 500.0/s for 10s over 10 connections (open loop, seed 1)`, and the
    /// scenario replayed, if any.
    static func headline(_ r: LoadResult, plan: LoadPlanRecord?, runID: Int64?) -> String {
        var s = (runID.map { "run #\($0) · " } ?? "") + "\(r.target): \(LoadFormat.rate(r.requestedRate)) for \(formatDuration(r.duration)) over \(r.connections) connection\(r.connections == 1 ? "" : "s") (open loop, seed \(r.seed))"
        if let src = plan?.scenario { s += "; " + scenarioLine(src) }
        return s
    }

    /// `the traffic of stan-store-et: 24h of scenario time at time scale 60, rate scale 0.01`
    static func scenarioLine(_ s: ScenarioProfileSource) -> String {
        "the traffic of \(s.scenario): \(formatDuration(s.scenarioSeconds)) of scenario time at time scale \(ChartFormat.number(s.timeScale, sig: 6)), rate scale \(ChartFormat.number(s.rateScale, sig: 6))"
    }
}

extension RunComparison {
    /// Two load runs side by side: latency percentiles from the intended send and service
    /// times, A → B with the change, then the rates, counts and per-route outcomes.
    public static func loads(_ a: LoadResult, _ b: LoadResult, labels: (String, String)) -> String {
        let ms = LoadFormat.ms
        func pair(_ u: Double, _ v: Double, _ f: (Double) -> String) -> String { "\(f(u)) → \(f(v)) (\(pct(u, v)))" }
        let server = a.serverTime.flatMap { x in b.serverTime.map { (x, $0) } }
        var t = TextTable(["latency", "from intended send", "service time (from actual send)"]
                          + (server == nil ? [] : ["server: waiting for a worker", "server: holding a worker"]))
        let rows: [(String, KeyPath<LatencySummary, Double>)] = [("p50", \.p50), ("p90", \.p90), ("p95", \.p95), ("p99", \.p99), ("p99.9", \.p999),
                                                                  ("max", \.max), ("mean", \.mean)]
        for (name, k) in rows {
            var row = [name, pair(a.latency[keyPath: k], b.latency[keyPath: k], ms), pair(a.serviceTime[keyPath: k], b.serviceTime[keyPath: k], ms)]
            if let (x, y) = server { row += [pair(x.queue[keyPath: k], y.queue[keyPath: k], ms), pair(x.app[keyPath: k], y.app[keyPath: k], ms)] }
            t.add(row)
        }
        var c = TextTable(["measure", "A → B"])
        c.add(["requested rate", pair(a.requestedRate, b.requestedRate, LoadFormat.rate)])
        c.add(["achieved rate", pair(a.achievedRate, b.achievedRate, LoadFormat.rate)])
        c.add(["completed", "\(a.completed) → \(b.completed)"])
        c.add(["errors", "\(a.errorCount) → \(b.errorCount)"])
        c.add(["late sends", "\(a.lateSends) → \(b.lateSends)"])
        c.add(["max send lag", "\(ms(a.maxSendLag)) → \(ms(b.maxSendLag))"])
        var r = TextTable(["route", "sent", "completed", "statuses"])
        let names = a.routes.map(\.route) + b.routes.map(\.route).filter { n in !a.routes.contains { $0.route == n } }
        for n in names {
            let x = a.routes.first { $0.route == n }, y = b.routes.first { $0.route == n }
            r.add([n, "\(x.map { String($0.sent) } ?? "—") → \(y.map { String($0.sent) } ?? "—")",
                   "\(x.map { String($0.completed) } ?? "—") → \(y.map { String($0.completed) } ?? "—")",
                   "\(x.map { LoadRenderer.statuses($0.statuses) } ?? "—") → \(y.map { LoadRenderer.statuses($0.statuses) } ?? "—")"])
        }
        func describe(_ x: LoadResult) -> String {
            "\(x.target), \(LoadFormat.rate(x.requestedRate)) for \(formatDuration(x.duration)) over \(x.connections) connection\(x.connections == 1 ? "" : "s"), seed \(x.seed)"
        }
        var out = ["A = \(labels.0): \(describe(a))", "B = \(labels.1): \(describe(b))", "", t.render(), "", c.render(), "", r.render()]
        var differ: [String] = []
        if a.target != b.target { differ.append("target") }
        if a.requestedRate != b.requestedRate || a.duration != b.duration { differ.append("rate or duration") }
        if a.connections != b.connections { differ.append("connections") }
        if !differ.isEmpty {
            out += ["", "note: the runs differ in \(differ.joined(separator: ", ")), so differences include the change of plan, not only of the service"]
        }
        return out.joined(separator: "\n") + "\n"
    }
}
