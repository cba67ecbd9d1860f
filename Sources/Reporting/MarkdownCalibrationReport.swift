import Calibration
import CapsimModel

extension MarkdownReport {
    /// A calibration for a pull-request comment: the verdict line, the fit, the saturation
    /// search, the cost law and the accuracy table with the mean absolute error.
    public static func calibration(_ r: CalibrationRecord, id: Int64?) -> String {
        let m = r.model, f = r.saturation, a = r.accuracy
        let ms = HTMLCalibrationReport.ms, signed = HTMLCalibrationReport.signed
        var out = ["**\(md(CalibrationVerdict(r).text))**", ""]
        out += ["_\(md("capsim calibrate: \(r.target) \(m.route)" + (id.map { ", calibration #\($0)" } ?? "") + ", calibrated scenario \(r.scenarioPath)"))_", ""]
        out.append(md("Saturation \(ChartFormat.rps(f.saturation)): kept up at \(ChartFormat.rps(f.low)), not at \(ChartFormat.rps(f.high))"
                      + (r.cpuSaturation.map { "; the server's CPU says \(ChartFormat.rps($0))" } ?? "")
                      + ". Fit: \(m.concurrency) slot\(m.concurrency == 1 ? "" : "s"), mean service \(ms(m.meanServiceTime)), overhead \(ms(m.overhead))."))
        if let law = m.costLaw {
            out.append(md("Cost per request: \(ms(law.cost(at: law.minRate))) at \(ChartFormat.rps(law.minRate)), \(ms(law.cost(at: law.maxRate))) at \(ChartFormat.rps(law.maxRate)) — a line through the server's CPU over \(law.points.count) runs."))
        }
        out.append("")
        var search = TextTable(["#", "kind", "offered", "scheduled", "served", "kept up", "p99", "errors", "CPU per request"])
        for (i, s) in f.steps.enumerated() {
            search.add(["\(i + 1)", s.kind.rawValue, ChartFormat.rps(s.offered), ChartFormat.rps(s.scheduled), ChartFormat.rps(s.served), s.keptUp ? "yes" : "no", ChartFormat.latency(s.p99),
                        ChartFormat.grouped(s.errors), s.cpuPerRequest.map(ms) ?? "—"])
        }
        out += ["### Saturation search", "", search.markdown(), ""]
        var t = TextTable(["level", "req/s"] + AccuracyMetric.allCases.flatMap { ["\($0.rawValue) measured", "simulated", "error", "noise"] } + ["targets"])
        for (l, row) in zip(r.levels, a.rows) {
            var cells = [Percent(fraction: l.fraction).description, ChartFormat.number(l.measured.rate, sig: 4)]
            for metric in AccuracyMetric.allCases {
                let (measured, simulated) = HTMLCalibrationReport.values(metric, l)
                cells += [measured, simulated, row.errors[metric].map(signed) ?? "—", row.noise[metric].map { "±" + ChartFormat.percent($0) } ?? "—"]
            }
            t.add(cells + [AccuracyTable.meetsTargets(row) ? "met" : "missed"])
        }
        out += ["### Accuracy", "", r.levels.isEmpty ? "No levels were measured." : t.markdown(), ""]
        if let all = a.meanAbsoluteError {
            out.append("Mean absolute error: " + AccuracyMetric.allCases.compactMap { x in a.meanAbsoluteError(x).map { "\(x.rawValue) \(HTMLCalibrationReport.percent($0))" } }.joined(separator: ", ")
                       + "; \(HTMLCalibrationReport.percent(all)) over every metric and level. Error: (simulated − measured) ÷ measured; noise: the measurement's 95 % half-width.")
            out.append("")
        }
        return out.joined(separator: "\n")
    }
}
