import CapsimModel
import Foundation
import LoadGen
import Testing
@testable import Calibration

/// `capsim calibrate`'s flags become settings in the library, so every rule is reachable here
/// without a server; and the files it writes are named and filled here too.
@Suite("Calibration settings from flags, and the calibrated files")
struct SettingsFromFlagsTests {
    /// The command's defaults, with `edit` applied.
    func parse(_ edit: (inout [String: String]) -> Void = { _ in }, headers: [String] = [], body: String? = nil,
               replications: Int = 5) throws(CalibrationFailure) -> CalibrationSettings {
        var f = ["target": "http://127.0.0.1:8089", "route": "GET:/marketplace/products?q=coffee", "levels": "30%,60%,90%",
                 "fitLevel": "50%", "duration": "20s", "probe": "3s"]
        edit(&f)
        return try CalibrationSettings.parsing(target: f["target"]!, route: f["route"]!, body: body, headers: headers, levels: f["levels"]!,
                                               fitLevel: f["fitLevel"]!, duration: f["duration"]!, probe: f["probe"]!, connections: 64,
                                               fit: .empirical, replications: replications, seed: 1)
    }

    /// The usage message for these flags, or nil when they make settings.
    func problem(_ edit: (inout [String: String]) -> Void = { _ in }, headers: [String] = [], replications: Int = 5) -> String? {
        do { _ = try parse(edit, headers: headers, replications: replications); return nil } catch {
            guard case .usage(let message) = error else { return "not a usage failure: \(error)" }
            return message
        }
    }

    @Test("the defaults make the documented settings")
    func defaults() throws {
        let s = try parse()
        #expect(s.url.absoluteString == "http://127.0.0.1:8089")
        #expect(s.routeKey == "GET:/marketplace/products?q=coffee")
        #expect(s.fractions == [0.3, 0.6, 0.9])
        #expect(s.fitFraction == 0.5)
        #expect(s.levelSeconds == 20 && s.probeSeconds == 3)
        #expect(s.mix.count == 1 && s.mix[0].method == "GET" && s.mix[0].body == nil)
        #expect(s.headers.isEmpty && s.connections == 64 && s.replications == 5 && s.seed == 1 && s.fit == .empirical)
    }

    @Test("a bare path is a GET; a body and headers reach the one mix entry and every request")
    func routeBodyHeaders() throws {
        #expect(try parse { $0["route"] = "/healthz" }.routeKey == "GET:/healthz")
        let s = try parse({ $0["route"] = "POST:/payments" }, headers: ["Authorization: Bearer T", "X-Trace:  on "], body: "{\"amount\":120}")
        #expect(s.routeKey == "POST:/payments")
        #expect(s.mix.count == 1 && s.mix[0].method == "POST" && s.mix[0].path == "/payments" && s.mix[0].body == "{\"amount\":120}")
        #expect(s.headers.map(\.name) == ["Authorization", "X-Trace"] && s.headers.map(\.value) == ["Bearer T", "on"])
    }

    @Test("each bad flag is named with what was expected")
    func problems() {
        #expect(problem { $0["target"] = "nope" } == "--target \"nope\": expected a URL like http://127.0.0.1:8080")
        #expect(problem { $0["duration"] = "0s" } == "--duration \"0s\": expected a duration like 20s")
        #expect(problem { $0["probe"] = "soon" } == "--probe \"soon\": expected a duration like 3s")
        #expect(problem(replications: 0) == "--replications expects at least 1")
        #expect(problem { $0["fitLevel"] = "100%" } == "--fit-level \"100%\": expected a percentage below 100%, like 50%")
        #expect(problem { $0["levels"] = "30%,abc" } == "--levels \"30%,abc\": expected percentages below 100%, like 30%,50%,70%,80%,90%")
        #expect(problem { $0["levels"] = "30%,100%" } == "--levels \"30%,100%\": expected percentages below 100%, like 30%,50%,70%,80%,90%")
        #expect(problem { $0["route"] = "FOO" } == "--route \"FOO\": mix entry \"GET:FOO=100%\": the path must start with / and hold no spaces")
        #expect(problem(headers: ["nocolon"]) == "--header \"nocolon\": expected NAME: VALUE, e.g. 'Authorization: Bearer TOKEN'")
    }

    @Test("with several bad flags, the first in the documented order is named")
    func order() {
        #expect(problem({ $0["target"] = "nope"; $0["duration"] = "0s" }, headers: ["bad"])?.hasPrefix("--target") == true)
        #expect(problem({ $0["probe"] = "x"; $0["levels"] = "abc" }, replications: 0)?.hasPrefix("--probe") == true)
        #expect(problem({ $0["levels"] = "abc"; $0["route"] = "FOO" }, replications: 0)?.hasPrefix("--replications") == true)
    }

    func outcome(_ model: RouteModel) -> CalibrationOutcome {
        CalibrationOutcome(model: model, written: model.at(rate: 90), topRate: 90, comparisons: [], givenMeasuredCost: [], utilization: [], costs: [],
                           saturation: SaturationFinding(steps: [], low: 95, high: 100, saturation: 98, precision: 0.05), cpuSaturation: nil)
    }

    @Test("an empirical fit writes its histogram first, and the scenario names it by file name alone")
    func empiricalFiles() throws {
        let bins = [FitProfile.Bin(seconds: 0.004, count: 80), FitProfile.Bin(seconds: 0.012, count: 20)]
        let model = RouteModel(route: "GET:/marketplace/products?q=coffee", saturation: 100, concurrency: 1, meanServiceTime: 0.0056,
                               p99ServiceTime: 0.012, overhead: 0.0005, shape: .empirical, bins: bins, usedServerTiming: true)
        let written = outcome(model).files(in: "out/cal")
        #expect(written.files.map(\.path) == ["out/cal/GET_marketplace_products-q-coffee.histogram.csv", "out/cal/GET_marketplace_products-q-coffee.yaml"])
        #expect(written.scenarioPath == "out/cal/GET_marketplace_products-q-coffee.yaml")
        #expect(written.files[0].text == "seconds,count\n0.0040000,80\n0.0120000,20\n")
        #expect(written.model.histogramFile == "GET_marketplace_products-q-coffee.histogram.csv")
        #expect(written.files[1].text.contains("service_time: {distribution: empirical, file: \"GET_marketplace_products-q-coffee.histogram.csv\"}"))
        #expect(written.files[1].text.contains("peak: 90.000/s") && written.files[1].text.hasSuffix("\n"))
        // The file is a scenario capsim reads (the histogram beside it).
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-calfiles-\(UUID().uuidString)").path
        for f in outcome(model).files(in: dir).files {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try f.text.write(toFile: f.path, atomically: true, encoding: .utf8)
        }
        #expect(try ScenarioLoader.load(path: dir + "/GET_marketplace_products-q-coffee.yaml").services.count == 2)
    }

    @Test("a lognormal fit writes the scenario alone")
    func lognormalFiles() {
        let model = RouteModel(route: "GET:/healthz", saturation: 500, concurrency: 2, meanServiceTime: 0.002, p99ServiceTime: 0.006)
        let written = outcome(model).files(in: "cal")
        #expect(written.files.map(\.path) == ["cal/GET_healthz.yaml"])
        #expect(written.model.histogramFile == nil)
        #expect(written.files[0].text.contains("{distribution: lognormal, mean: 0.0020000s, p99: 0.0060000s}"))
    }
}
