import Foundation
import Testing
@testable import Calibration
@testable import LoadGen
@testable import Reporting

/// Output the commands used to assemble themselves: calibrate's JSON, load's `--format`, and
/// the line every command ends with on stderr.
@Suite("Command output: calibrate JSON, load formats, the closing notice")
struct CommandOutputTests {
    @Test("calibrate --format json: the written model without its bins, the scenario's path, every comparison")
    func calibrationJSON() throws {
        let bins = [FitProfile.Bin(seconds: 0.004, count: 80), FitProfile.Bin(seconds: 0.012, count: 20)]
        let model = RouteModel(route: "GET:/a/b", saturation: 100, concurrency: 1, meanServiceTime: 0.0056, p99ServiceTime: 0.012,
                               overhead: 0.0005, shape: .empirical, bins: bins, usedServerTiming: true)
        let level = LevelMeasurement(rate: 50, throughput: 50, p50: 0.004, p90: 0.008, p95: 0.01, p99: 0.012)
        let comparison = Comparison(level: 0.5, measured: level, simulated: level)
        let outcome = CalibrationOutcome(model: model, written: model, topRate: 50, comparisons: [comparison], givenMeasuredCost: [],
                                         utilization: [nil], costs: [],
                                         saturation: SaturationFinding(steps: [], low: 96, high: 100, saturation: 98, precision: 0.05), cpuSaturation: nil)
        let files = outcome.files(in: "scenarios/calibrated")
        let text = try CalibrationReport(target: "http://127.0.0.1:8089", outcome: outcome, files: files).json()
        #expect(!text.hasSuffix("\n"))
        #expect(text.contains("\"scenario\" : \"scenarios/calibrated/GET_a_b.yaml\""), "slashes unescaped")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Set(json.keys) == ["target", "model", "scenario", "comparisons", "givenMeasuredCost", "accuracy", "meanAbsoluteError", "saturation"])
        let m = try #require(json["model"] as? [String: Any])
        #expect((m["bins"] as? [Any])?.isEmpty == true, "the histogram is in its file, not in the report")
        #expect(m["histogramFile"] as? String == "GET_a_b.histogram.csv")
        #expect((json["comparisons"] as? [Any])?.count == 1 && (json["givenMeasuredCost"] as? [Any])?.isEmpty == true)
        // Keys are sorted, so the same calibration prints the same bytes.
        let keys = text.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { String($0.split(separator: "\"")[1]) }
        #expect(keys == ["accuracy", "comparisons", "givenMeasuredCost", "meanAbsoluteError", "model", "saturation", "scenario", "target"])
    }

    @Test("load --format: the table with a replay's line above it, or the JSON")
    func loadFormats() {
        let r = loadRun()
        var plan = LoadPlan(target: URL(string: "http://127.0.0.1:8089/checkout")!, profile: .constant(perSecond: 200), duration: 10, connections: 1)
        #expect(LoadRenderer.render(r, plan: LoadPlanRecord(plan), as: .table) == LoadRenderer.table(r))
        #expect(LoadRenderer.render(r, plan: LoadPlanRecord(plan), as: .json) == LoadRenderer.json(r))
        plan = LoadPlan(target: plan.target, profile: .steps([RateStep(at: 0, perSecond: 1), RateStep(at: 1, perSecond: 2)]), duration: 2, connections: 1)
        plan.scenarioSource = ScenarioProfileSource(scenario: "mmc-teaching", file: "mmc.yaml", timeScale: 60, rateScale: 0.01, scenarioSeconds: 120, stepSeconds: 60)
        let table = LoadRenderer.render(r, plan: LoadPlanRecord(plan), as: .table)
        #expect(table == "replaying the traffic of mmc-teaching: 2m of scenario time at time scale 60, rate scale 0.01 (2 steps)\n" + LoadRenderer.table(r))
        #expect(LoadRenderer.Format.allCases.map(\.rawValue) == ["table", "json"], "the order --help lists")
    }

    @Test("the closing notice groups written files by folder and names recorded runs")
    func notice() {
        #expect(OutputNotice.line(files: [], runs: []) == nil)
        #expect(OutputNotice.line(files: ["out.json"], runs: []) == "wrote out.json")
        #expect(OutputNotice.line(files: ["reports/x/summary.json", "reports/x/timeline.csv", "r.md"], runs: [7])
                == "wrote reports/x/ (summary.json, timeline.csv), r.md; recorded as run 7 (capsim runs show 7)")
        #expect(OutputNotice.line(files: ["/tmp/a.xml"], runs: []) == "wrote /tmp/a.xml")
        #expect(OutputNotice.line(files: [], runs: [1, 2]) == "recorded as runs 1, 2")
        #expect(OutputNotice.line(files: ["scenarios/calibrated/GET_x.yaml", "scenarios/calibrated/GET_x.histogram.csv"], runs: [], calibrations: [4])
                == "wrote scenarios/calibrated/ (GET_x.yaml, GET_x.histogram.csv); recorded as calibration 4 (capsim runs calibration 4)")
    }
}
