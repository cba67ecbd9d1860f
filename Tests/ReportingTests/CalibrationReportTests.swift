import Calibration
import Foundation
@testable import Reporting
import Testing

/// A calibration as stored: a search of three runs, a cost law, two levels (the second missing
/// p99's target and without the server's CPU). `target` lets a test put hostile text in.
func sampleCalibration(target: String = "http://127.0.0.1:8091", costLaw: Bool = true, levels: Int = 2) -> CalibrationRecord {
    let steps = [SearchStep(kind: .probe, offered: 25, served: 25, keptUp: true, p99: 0.012, errors: 0, cpuPerRequest: 0.009, cpuUtilization: 0.22),
                 SearchStep(kind: .probe, offered: 50, served: 41.5, keptUp: false, p99: 1.4, errors: 2, cpuPerRequest: 0.0083, cpuUtilization: 0.98),
                 SearchStep(kind: .held, offered: 37.5, scheduled: 37.9, served: 37.4, keptUp: true, p99: 0.2, errors: 0)]
    var model = RouteModel(route: "GET:/marketplace/products?q=coffee", saturation: 41.2, concurrency: 1, meanServiceTime: 0.0084, p99ServiceTime: 0.011,
                           overhead: 0.0003, usedServerTiming: true)
    if costLaw {
        model.costLaw = CostLaw.fit([CostPoint(rate: 25, cost: 0.009, weight: 75), CostPoint(rate: 50, cost: 0.0083, weight: 120), CostPoint(rate: 37.5, cost: 0.0086, weight: 110)])
    }
    func m(_ rate: Double, _ p50: Double, _ p99: Double, hw: Bool) -> LevelMeasurement {
        LevelMeasurement(rate: rate, throughput: rate, p50: p50, p90: p50 * 2, p95: p50 * 2.5, p99: p99,
                         p50HalfWidth: hw ? p50 * 0.03 : nil, p90HalfWidth: nil, p99HalfWidth: hw ? p99 * 0.1 : nil, throughputHalfWidth: hw ? 0.3 : nil)
    }
    let all = [CalibrationRecord.Level(fraction: 0.3, measured: m(12.4, 0.0086, 0.025, hw: true), simulated: m(12.4, 0.0089, 0.026, hw: false), serverCPU: 0.3),
               CalibrationRecord.Level(fraction: 0.9, measured: m(37.1, 0.048, 0.25, hw: true), simulated: m(37.2, 0.041, 0.17, hw: false))]
    return CalibrationRecord(target: target, scenarioPath: "scenarios/calibrated/GET_marketplace_products-q-coffee.yaml", model: model,
                             saturation: SaturationFinding(steps: steps, low: 37.5, high: 50, saturation: 41.2, precision: 0.05),
                             cpuSaturation: 118, levels: Array(all.prefix(levels)))
}

@Suite struct CalibrationReportTests {
    @Test("the HTML report has the search, the accuracy table, the cost and latency charts as well-formed SVG, and an inline verdict icon")
    func htmlHasTablesAndCharts() throws {
        let html = HTMLReport.calibration(sampleCalibration(), id: 7)
        let charts = svgElements(html)
        #expect(charts.count == 2)
        for svg in charts + svgElements(html, icons: true) {
            let (error, check) = XMLCheck.parse(svg)
            #expect(error == nil, "\(error ?? "") in \(svg.prefix(200))")
            #expect(check.elements.first == "svg")
        }
        #expect(svgElements(html, icons: true).count == 1, "the verdict's icon is inline SVG, not an emoji")
        expectLacks(html, "✅", "⚠️")
        expectContains(html, "calibration #7", "Targets missed at 90%", "Saturation search", ">probe<", ">held<", "41.2 req/s", "Cost per request against the rate",
                       "Measured and simulated latency against load", "p50 measured", "noise", "mean absolute error", "-14.6%", "+3.5%", "missed",
                       "measured p99", "simulated p99", ">fitted line<")
        // Error bars: one per measured point with an interval (two levels × p50 and p99).
        #expect(html.components(separatedBy: "<path d=\"M").count - 1 >= 4)
    }

    @Test("the HTML report fetches nothing and escapes what it shows")
    func selfContainedAndEscaped() {
        let html = HTMLReport.calibration(sampleCalibration(target: "http://x/<script>alert(1)</script>"), id: nil)
        let stripped = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "").replacingOccurrences(of: "http://x/&lt;script&gt;", with: "")
        expectLacks(stripped, "http://", "https://", "<script", "<link", "<img", "@import", "src=", "url(")
        expectContains(html, "<style>", "&lt;script&gt;alert(1)&lt;/script&gt;")
        #expect(html.hasPrefix("<!DOCTYPE html>"))
    }

    @Test("the report is deterministic, and says so when there is no cost law or no level")
    func deterministicAndSparse() {
        #expect(HTMLReport.calibration(sampleCalibration(), id: 3) == HTMLReport.calibration(sampleCalibration(), id: 3))
        let sparse = HTMLReport.calibration(sampleCalibration(costLaw: false, levels: 0), id: 3)
        expectContains(sparse, "No cost law", "No levels were measured.", "No levels were compared")
        #expect(svgElements(sparse).isEmpty)
        let met = HTMLReport.calibration(sampleCalibration(levels: 1), id: 3)
        expectContains(met, "Targets met at every level")
    }

    @Test("the Markdown report leads with the verdict and has the search and accuracy tables")
    func markdown() {
        let md = MarkdownReport.calibration(sampleCalibration(), id: 7)
        #expect(md.hasPrefix("**⚠️ Targets missed at 90% (1 of 2 levels; p50 within 10 %, p99 within 20 %); mean absolute error"))
        expectContains(md, "### Saturation search", "| 3 | held | 37.5 req/s | 37.9 req/s | 37.4 req/s |", "### Accuracy", "| level | req/s | p50 measured |", "Mean absolute error: p50 ")
    }

    @Test("the table of a record is the table calibrate printed before it was stored")
    func tableOfARecord() {
        let r = sampleCalibration()
        #expect(CalibrationRenderer.table(r) == CalibrationRenderer.table(model: r.model, target: r.target, scenarioPath: r.scenarioPath, comparisons: r.comparisons,
                                                                           utilization: [0.3, nil], saturation: r.saturation, cpuSaturation: 118))
    }
}
