import Calibration
import Foundation
import GRDB
import Reporting
@testable import Store
import Testing

/// `runs calibrations` and `runs calibration ID` over a database the test writes itself (no
/// server): a calibration stored as `capsim calibrate` stores one.
@Suite("capsim runs calibrations", .serialized)
struct RunsCalibrationsCLITests {
    static func record() -> CalibrationRecord {
        let steps = [SearchStep(kind: .probe, offered: 25, served: 25, keptUp: true, p99: 0.012, errors: 0, cpuPerRequest: 0.009, cpuUtilization: 0.22),
                     SearchStep(kind: .probe, offered: 50, served: 41.5, keptUp: false, p99: 1.4, errors: 2),
                     SearchStep(kind: .held, offered: 37.5, served: 37.4, keptUp: true, p99: 0.2, errors: 0)]
        var model = RouteModel(route: "GET:/marketplace/products?q=coffee", saturation: 41.2, concurrency: 1, meanServiceTime: 0.0084, p99ServiceTime: 0.011,
                               overhead: 0.0003, usedServerTiming: true)
        model.costLaw = CostLaw.fit([CostPoint(rate: 25, cost: 0.009, weight: 75), CostPoint(rate: 50, cost: 0.0083, weight: 120)])
        func m(_ rate: Double, _ p50: Double, _ p99: Double) -> LevelMeasurement {
            LevelMeasurement(rate: rate, throughput: rate, p50: p50, p90: p50 * 2, p95: p50 * 2.5, p99: p99, p50HalfWidth: p50 * 0.03, p99HalfWidth: p99 * 0.1)
        }
        let levels = [CalibrationRecord.Level(fraction: 0.3, measured: m(12.4, 0.0086, 0.025), simulated: m(12.4, 0.0089, 0.026), serverCPU: 0.3,
                                              measuredCost: 0.0088, simulatedAtMeasuredCost: m(12.4, 0.0087, 0.0255)),
                      CalibrationRecord.Level(fraction: 0.9, measured: m(37.1, 0.048, 0.25), simulated: m(37.1, 0.041, 0.17), serverCPU: 0.91,
                                              measuredCost: 0.0083, simulatedAtMeasuredCost: m(37.1, 0.047, 0.26))]
        return CalibrationRecord(target: "http://127.0.0.1:8091", scenarioPath: "scenarios/calibrated/GET_marketplace_products-q-coffee.yaml", model: model,
                                 saturation: SaturationFinding(steps: steps, low: 37.5, high: 50, saturation: 41.2, precision: 0.05), cpuSaturation: nil, levels: levels)
    }

    static func database(_ name: String) throws -> (path: String, store: ResultsStore) {
        let path = try CLI.temp("\(name).sqlite", "")
        try FileManager.default.removeItem(atPath: path)
        return (path, try ResultsStore(path: path))
    }

    @Test("runs calibrations lists each with its target, route, saturation and bracket, levels and mean absolute error; an unfinished one says so")
    func list() throws {
        let (path, store) = try Self.database("calibrations-list")
        let empty = try CLI.run(["runs", "calibrations", "--db", path], environment: [:])
        #expect(empty.status == 0 && empty.out == "no calibrations recorded yet: run capsim calibrate\n")
        let r = Self.record()
        _ = try store.saveCalibration(r, capsimVersion: "0.1.0", createdAt: "2026-12-05T10:00:00Z", completedAt: "2026-12-05T10:09:00Z")
        let second = try store.saveCalibration(r, capsimVersion: "0.1.0", createdAt: "2026-12-05T11:00:00Z", completedAt: "2026-12-05T11:09:00Z")
        try store.dbPool.write { db in try db.execute(sql: "UPDATE calibration SET completed_at = NULL WHERE id = ?", arguments: [second]) }
        let mae = String(format: "%.1f%%", try #require(r.accuracy.meanAbsoluteError) * 100)
        let listed = try CLI.run(["runs", "calibrations", "--db", path], environment: [:])
        #expect(listed.status == 0, "\(listed.err)")
        let lines = listed.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("id  created (UTC)") && lines[0].contains("target route") && lines[0].contains("saturation (bracket)") && lines[0].hasSuffix("MAE"))
        #expect(lines[2].hasPrefix("2   2026-12-05T11:00:00Z  http://127.0.0.1:8091 GET:/marketplace/products?q=coffee  41.2/s (37.5–50.0/s)"))
        #expect(lines[2].hasSuffix("unfinished: 2 of 2 levels stored"))
        #expect(lines[3].hasPrefix("1   2026-12-05T10:00:00Z") && lines[3].contains("(37.5–50.0/s)       2  ") && lines[3].hasSuffix(" \(mae)"))
        let unfinished = try CLI.run(["runs", "calibration", "\(second)", "--db", path], environment: [:])
        #expect(unfinished.status == 2 && unfinished.err.contains("calibration 2 is unfinished"))
    }

    @Test("runs calibration ID prints the table calibrate printed and writes the report; a missing id exits 2")
    func show() throws {
        let (path, store) = try Self.database("calibrations-show")
        let r = Self.record()
        let id = try store.saveCalibration(r, capsimVersion: "0.1.0", createdAt: "2026-12-05T10:00:00Z", completedAt: "2026-12-05T10:09:00Z")
        let html = try CLI.temp("calibration.html", ""), md = try CLI.temp("calibration.md", "")
        let shown = try CLI.run(["runs", "calibration", "\(id)", "--db", path, "--report", html], environment: [:])
        #expect(shown.status == 0, "\(shown.err)")
        #expect(shown.out == CalibrationRenderer.table(r) + "\n")
        #expect(shown.out.contains("saturation 41.2 req/s") && shown.out.contains("The same levels simulated with the cost per request the server measured"))
        #expect(shown.err == "wrote \(html)\n")
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page == HTMLReport.calibration(r, id: id))
        #expect(try CLI.run(["runs", "calibration", "\(id)", "--db", path, "--report", md], environment: [:]).status == 0)
        #expect(try String(contentsOfFile: md, encoding: .utf8) == MarkdownReport.calibration(r, id: id))
        let missing = try CLI.run(["runs", "calibration", "99", "--db", path], environment: [:])
        #expect(missing.status == 2 && missing.err == "error: no calibration 99 (capsim runs calibrations lists them)\n")
    }
}
