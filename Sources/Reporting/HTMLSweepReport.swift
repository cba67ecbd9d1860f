import CapsimModel
import Simulation

/// A sweep as one self-contained page: what was swept, the table of the chosen metrics with
/// their confidence intervals, a chart per metric against the first swept path (a series per
/// combination of the others, CI band drawn), and the expectations that did not always hold.
public enum HTMLSweepReport {
    static let palette = ["#1d4ed8", "#b45309", "#047857", "#7c3aed", "#be123c", "#0e7490", "#4d7c0f", "#a16207"]

    public static func page(_ s: SweepSummary, metrics: [SweepRenderer.Metric], sweepID: Int64?) -> String {
        let d = s.definition
        var b = "<h1>Sweep of \(HTMLEscape.text(d.scenario))\(sweepID.map { " <small>(sweep #\($0))</small>" } ?? "")</h1>"
        b += "<p>\(d.points.count) point\(d.points.count == 1 ? "" : "s") × \(d.replications) replications of \(HTMLEscape.text(formatDuration(d.duration))) simulated, seed \(d.seed). "
        b += "Every point runs the same replication seeds (common random numbers), so differences between points are the swept values', not the seeds'. "
        b += "Figures are means with their 95 % confidence interval (Student t over the point's replications).</p>"
        var header = d.paths + metrics.map(\.label)
        header.append("expectations held")
        var t = HTMLTable(header, numeric: Set(d.paths.count..<(d.paths.count + metrics.count)))
        for p in s.points {
            t.add(p.values + metrics.map { m in
                guard let e = estimate(p, m) else { return "—" }
                return ReplicationRenderer.value(e.mean, m.metric) + (e.halfWidth.map { " ± " + ReplicationRenderer.value($0, m.metric) } ?? "")
            } + [SweepRenderer.held(p)])
        }
        b += "<h2>Results</h2>" + t.render()
        b += "<h2>Against \(HTMLEscape.text(d.paths[0]))</h2>"
        for (k, m) in metrics.enumerated() { b += "<figure>" + chart(s, m, index: k) + "</figure>" }
        let misses = s.points.flatMap { p in p.expectations.filter { $0.held.successes < $0.held.n }.map { (p, $0) } }
        if !misses.isEmpty {
            var m = HTMLTable(d.paths + ["expectation", "held in", "95 % interval"])
            for (p, e) in misses {
                let (lo, hi) = e.held.interval
                m.add(p.values + [e.name, "\(e.held.successes) of \(e.held.n)", "\(ReplicationRenderer.pct(lo))–\(ReplicationRenderer.pct(hi))"])
            }
            b += "<h2>Expectations that did not hold in every replication</h2>" + m.render()
        }
        return HTMLPage.wrap(title: "capsim sweep: \(d.scenario)", body: b)
    }

    static func estimate(_ p: SweepSummary.Point, _ m: SweepRenderer.Metric) -> Estimate? {
        p.metrics.rows.first { $0.subject == m.subject && $0.metric == m.metric }?.estimate
    }

    static func chart(_ s: SweepSummary, _ m: SweepRenderer.Metric, index: Int) -> String {
        let d = s.definition
        let xs = uniqueInOrder(d.points.map { $0[0] })
        let rest = uniqueInOrder(d.points.map { Array($0.dropFirst()) })
        let scale = m.metric.hasPrefix("latency") ? 1000.0 : (m.metric == "error_rate" ? 100 : 1)
        let unit = m.metric.hasPrefix("latency") ? " (ms)" : (m.metric == "error_rate" ? " (%)" : "")
        let series = rest.enumerated().map { k, others in
            SVGSweepChart.Series(name: zip(d.paths.dropFirst(), others).map { "\(SweepRenderer.shortPath($0))=\($1)" }.joined(separator: " "),
                                 color: palette[k % palette.count],
                                 points: xs.map { x in
                                     guard let p = s.points.first(where: { $0.values == [x] + others }), let e = estimate(p, m) else { return nil }
                                     return (e.mean * scale, (e.low ?? e.mean) * scale, (e.high ?? e.mean) * scale)
                                 })
        }
        return SVGSweepChart(id: "m\(index)", title: m.label, xTitle: d.paths[0], yTitle: m.metric + unit, xValues: xs, series: series).render()
    }

    static func uniqueInOrder<T: Hashable>(_ xs: [T]) -> [T] {
        var seen = Set<T>()
        return xs.filter { seen.insert($0).inserted }
    }
}
