import Calibration
import GRDB

/// One `calibration_level` row: a level's measurement and simulation as columns (the offered
/// rate once: the simulation runs at the rate the level measured), the signed errors beside
/// them, and the level simulated with the server's measured cost as JSON.
enum CalibrationLevelRow {
    /// A measurement's columns after its prefix (`measured_`, `simulated_`), in binding order.
    static let measurement = ["p50", "p90", "p95", "p99", "throughput", "p50_half_width", "p90_half_width", "p99_half_width", "throughput_half_width"]
    static let errors: [(column: String, metric: AccuracyMetric)] = [("error_p50", .p50), ("error_p90", .p90), ("error_p99", .p99), ("error_throughput", .throughput)]

    static let columns = ["level", "offered_rate"] + measurement.map { "measured_" + $0 } + measurement.map { "simulated_" + $0 }
        + errors.map(\.column) + ["server_cpu", "measured_cost", "simulated_at_measured_cost_json"]

    static let insert = "INSERT INTO calibration_level (calibration_id, seq, \(columns.joined(separator: ", "))) VALUES (?, ?\(String(repeating: ", ?", count: columns.count)))"

    /// The level's values in `columns` order.
    static func values(_ l: CalibrationRecord.Level) throws -> [(any DatabaseValueConvertible)?] {
        func m(_ x: LevelMeasurement) -> [(any DatabaseValueConvertible)?] {
            [x.p50, x.p90, x.p95, x.p99, x.throughput, x.p50HalfWidth, x.p90HalfWidth, x.p99HalfWidth, x.throughputHalfWidth]
        }
        let row = AccuracyTable([l.comparison]).rows[0]
        let atCost = try l.simulatedAtMeasuredCost.map { try ResultsStore.encode($0) }
        return [l.fraction, l.measured.rate] + m(l.measured) + m(l.simulated) + errors.map { row.errors[$0.metric] } + [l.serverCPU, l.measuredCost, atCost]
    }

    /// The level a row holds; `decode` reads the JSON column.
    static func level(_ r: Row, decode: (String) throws -> LevelMeasurement) throws -> CalibrationRecord.Level {
        let rate: Double = r["offered_rate"]
        func m(_ prefix: String) -> LevelMeasurement {
            LevelMeasurement(rate: rate, throughput: r[prefix + "throughput"], p50: r[prefix + "p50"], p90: r[prefix + "p90"], p95: r[prefix + "p95"],
                             p99: r[prefix + "p99"], p50HalfWidth: r[prefix + "p50_half_width"], p90HalfWidth: r[prefix + "p90_half_width"],
                             p99HalfWidth: r[prefix + "p99_half_width"], throughputHalfWidth: r[prefix + "throughput_half_width"])
        }
        return CalibrationRecord.Level(fraction: r["level"], measured: m("measured_"), simulated: m("simulated_"), serverCPU: r["server_cpu"],
                                       measuredCost: r["measured_cost"], simulatedAtMeasuredCost: try (r["simulated_at_measured_cost_json"] as String?).map(decode))
    }
}
