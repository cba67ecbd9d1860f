import Calibration
import CapsimModel
import Foundation

extension HTMLReport {
    /// A calibration as one self-contained page: the verdict against the targets, the fitted
    /// model, the saturation search run by run, the cost per request against the rate (chart),
    /// measured against simulated latency per level (chart, with the measured 95 % intervals),
    /// the accuracy table with signed errors, noise and the mean absolute error.
    public static func calibration(_ r: CalibrationRecord, id: Int64?) -> String {
        HTMLCalibrationReport(record: r, id: id).render()
    }
}

/// The HTML report of one calibration; its tables are in `HTMLCalibrationReport+Tables.swift`.
struct HTMLCalibrationReport {
    let record: CalibrationRecord
    let id: Int64?

    var esc: (String) -> String { HTMLEscape.text }

    func render() -> String {
        let r = record, m = r.model, f = r.saturation
        var b = "<header class=\"top\"><div><h1>\(esc(m.route)) <small>calibration\(id.map { " #\($0)" } ?? "")</small></h1>"
        b += "<p class=\"sub\">\(esc("\(r.target): the simulator's one-station model of the route, fitted to measurements and checked against them"))</p></div>"
        b += "<div class=\"meta\">calibrated scenario <b>\(esc(r.scenarioPath))</b></div></header>"
        let v = CalibrationVerdict(r)
        b += HTMLPage.verdict(ok: v.ok, v.text)
        b += "<div class=\"cards\">"
        b += HTMLPage.card("Saturation", ChartFormat.rps(f.saturation), note: "kept up at \(ChartFormat.number(f.low, sig: 4)), not at \(ChartFormat.number(f.high, sig: 4))")
        if let cpu = r.cpuSaturation {
            let gap = (f.saturation - cpu) / cpu
            b += HTMLPage.card("CPU says", ChartFormat.rps(cpu), note: String(format: "%+.1f %% from the search", gap * 100), tone: abs(gap) > 0.10 ? "warn" : nil)
        }
        b += HTMLPage.card("Slots", "\(m.concurrency)", note: "Little's law at saturation")
        b += HTMLPage.card("Mean service", ChartFormat.ms(m.meanServiceTime), note: m.usedServerTiming ? "the server's handler time and CPU" : "the round trip (no Server-Timing)")
        b += HTMLPage.card("Overhead", ChartFormat.ms(m.overhead), note: "outside the station")
        if let mae = r.accuracy.meanAbsoluteError { b += HTMLPage.card("Mean abs. error", Self.percent(mae), note: "every metric and level") }
        b += "</div>"

        b += "<h2 id=\"search\">Saturation search</h2>"
        let held = f.steps.filter { $0.kind == .held }.count
        b += "<p>\(esc(String(format: "Doubling probes, then held runs (the first 5 %% above what the failing probe served) and bisection, in the rates asked for: it kept up at %@ and not at %@, a bracket %@ wide (target %@), after %d probe%@ and %d held run%@. Saturation is %@: what the overloaded held runs served while the load was on.", ChartFormat.rps(f.low), ChartFormat.rps(f.high), f.low > 0 ? ChartFormat.percent(f.width) : "unbounded", ChartFormat.percent(f.precision), f.steps.count - held, f.steps.count - held == 1 ? "" : "s", held, held == 1 ? "" : "s", ChartFormat.rps(f.saturation))))</p>"
        if let cpu = r.cpuSaturation {
            b += "<p>\(esc("Cross-check: the cores the server kept busy when overloaded over its CPU per request at the fitting run say \(ChartFormat.rps(cpu))."))</p>"
        }
        b += searchTable().render()

        b += "<h2 id=\"cost\">Cost per request</h2>"
        if let law = m.costLaw {
            b += "<figure>\(CalibrationCharts.costLaw(law, saturation: f.saturation).render())</figure>"
            b += "<p>\(esc("A weighted least-squares line through the server's CPU per request over \(law.points.count) runs: \(ChartFormat.number(law.cost(at: law.minRate) * 1000, sig: 4)) ms at \(ChartFormat.rps(law.minRate)), \(ChartFormat.number(law.cost(at: law.maxRate) * 1000, sig: 4)) ms at \(ChartFormat.rps(law.maxRate)). It sets the model's mean service time at each load; outside these rates the model holds the line's end values."))</p>"
        } else {
            b += "<p>\(esc("No cost law: the server's CPU per request was measured at fewer than two rates. " + (m.fitRate.map { "The mean service time is \(ChartFormat.ms(m.meanServiceTime)) at \(ChartFormat.rps($0)) and \(ChartFormat.ms(m.meanServiceTime(at: m.saturation))) at saturation, linear in between." } ?? "The mean service time does not depend on the load in this fit.")))</p>"
        }

        b += "<h2 id=\"accuracy\">Accuracy</h2>"
        if r.levels.isEmpty {
            b += "<p>No levels were measured.</p>"
        } else {
            b += "<figure>\(CalibrationCharts.latency(r.levels).render())</figure>"
            b += accuracyTable().render() + maeTable().render()
        }
        if let given = givenTable() {
            b += "<h3>The same levels simulated with the cost the server measured at each</h3>"
            b += "<p class=\"note\">The queueing alone, apart from how well the fit forecast the capacity.</p>" + given.render()
        }
        b += notes()
        return HTMLPage.wrap(title: "capsim calibrate: \(m.route)" + (id.map { " (calibration #\($0))" } ?? ""), body: b)
    }

    func notes() -> String {
        let items = [
            "Error: (simulated − measured) ÷ measured, signed: a negative error is a model faster than the service. Targets: p50 within 10 %, p99 within 20 %.",
            "Noise: the measured value's 95 % half-width (batch means over 10 slices of the level's run) as a fraction of it; an error inside it cannot be told from the measurement's noise.",
            "Mean absolute error: the mean of the errors' sizes over the levels, per metric and over every metric and level together.",
            "Latency is measured from the intended send (open loop, Poisson arrivals); each level is simulated at the rate it actually scheduled, over several seeds.",
        ]
        return "<h2>How to read this report</h2><ul class=\"expl note\">" + items.map { "<li>\(esc($0))</li>" }.joined() + "</ul>"
    }
}

/// What a calibration's reader needs first: whether the targets held at every level, and the
/// mean absolute error. Shared by the HTML and Markdown reports.
struct CalibrationVerdict {
    let ok: Bool
    let text: String

    init(_ r: CalibrationRecord) {
        let a = r.accuracy
        let mae = a.meanAbsoluteError.map { "; mean absolute error \(HTMLCalibrationReport.percent($0))" } ?? ""
        let missed = a.rows.filter { !AccuracyTable.meetsTargets($0) }
        ok = !a.rows.isEmpty && missed.isEmpty
        if a.rows.isEmpty {
            text = "⚠️ No levels were compared"
        } else if missed.isEmpty {
            text = "✅ Targets met at every level (p50 within 10 %, p99 within 20 %)" + mae
        } else {
            text = "⚠️ Targets missed at " + missed.map { Percent(fraction: $0.level).description }.joined(separator: ", ")
                + " (\(missed.count) of \(a.rows.count) levels; p50 within 10 %, p99 within 20 %)" + mae
        }
    }
}
