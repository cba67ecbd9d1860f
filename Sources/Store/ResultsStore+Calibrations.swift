import Calibration
import Foundation
import GRDB

extension ResultsStore {
    /// Stores a calibration in one transaction — its row with `completed_at` NULL, its levels,
    /// then `completed_at` — and returns its id. `createdAt` is when it started measuring,
    /// `completedAt` when it finished.
    public func saveCalibration(_ r: CalibrationRecord, capsimVersion: String, createdAt: String, completedAt: String) throws -> Int64 {
        let model = try Self.encode(r.model), steps = try Self.encode(r.saturation.steps)
        let levels = try r.levels.map { try CalibrationLevelRow.values($0) }
        return try dbPool.write { db in
            let id = try Self.insertCalibration(db, r, model: model, steps: steps, capsimVersion: capsimVersion, createdAt: createdAt)
            let insert = try db.makeStatement(sql: CalibrationLevelRow.insert)
            for (seq, values) in levels.enumerated() {
                let key: [(any DatabaseValueConvertible)?] = [id, seq]
                try insert.execute(arguments: StatementArguments(key + values))
            }
            try db.execute(sql: "UPDATE calibration SET completed_at = ? WHERE id = ?", arguments: [completedAt, id])
            return id
        }
    }

    /// The calibration's row, unfinished (`completed_at` NULL); internal for the kill test.
    static func insertCalibration(_ db: Database, _ r: CalibrationRecord, model: String, steps: String, capsimVersion: String, createdAt: String) throws -> Int64 {
        let a = r.accuracy, s = r.saturation
        try db.execute(sql: """
            INSERT INTO calibration (target, route, scenario_path, saturation, bracket_low, bracket_high, precision, cpu_saturation, levels,
                                     mae, mae_p50, mae_p90, mae_p99, mae_throughput, model_json, steps_json, capsim_version, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [r.target, r.model.route, r.scenarioPath, s.saturation, s.low, s.high, s.precision, r.cpuSaturation, r.levels.count,
                             a.meanAbsoluteError, a.meanAbsoluteError(.p50), a.meanAbsoluteError(.p90), a.meanAbsoluteError(.p99),
                             a.meanAbsoluteError(.throughput), model, steps, capsimVersion, createdAt])
        return db.lastInsertedRowID
    }

    /// Every calibration, newest first, finished or not.
    public func calibrations() throws -> [CalibrationInfo] {
        try dbPool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.calibrationColumns) FROM calibration ORDER BY id DESC").map(Self.calibrationInfo)
        }
    }

    /// A calibration with its levels in order; nil when there is none. An unfinished one comes
    /// back with the levels it has (its `info.completedAt` is nil); a finished one whose levels
    /// disagree with its count, or whose JSON no longer decodes, throws `StoreError.calibration`.
    public func calibration(_ id: Int64) throws -> StoredCalibration? {
        try dbPool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.calibrationColumns), scenario_path, precision, cpu_saturation, model_json, steps_json FROM calibration WHERE id = ?",
                                             arguments: [id]) else { return nil }
            let info = try Self.calibrationInfo(row)
            if info.completedAt != nil && info.stored != info.levels {
                throw StoreError.calibration(id: id, problem: "is incomplete: \(info.stored) of \(info.levels) levels stored")
            }
            func decode<T: Decodable>(_ t: T.Type, _ json: String) throws -> T {
                let decoder = JSONDecoder()
                decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "+inf", negativeInfinity: "-inf", nan: "nan")
                do { return try decoder.decode(t, from: Data(json.utf8)) } catch {
                    throw StoreError.calibration(id: id, problem: "(saved by capsim \(info.capsimVersion)) can no longer be read by this version: \(error)")
                }
            }
            let levels = try Row.fetchAll(db, sql: "SELECT * FROM calibration_level WHERE calibration_id = ? ORDER BY seq", arguments: [id])
                .map { try CalibrationLevelRow.level($0, decode: { try decode(LevelMeasurement.self, $0) }) }
            let finding = SaturationFinding(steps: try decode([SearchStep].self, row["steps_json"]), low: info.low, high: info.high,
                                            saturation: info.saturation, precision: row["precision"])
            let record = CalibrationRecord(target: info.target, scenarioPath: row["scenario_path"], model: try decode(RouteModel.self, row["model_json"]),
                                           saturation: finding, cpuSaturation: row["cpu_saturation"], levels: levels)
            return StoredCalibration(info: info, record: record)
        }
    }

    static let calibrationColumns = """
        id, target, route, saturation, bracket_low, bracket_high, levels, mae, capsim_version, created_at, completed_at,
        (SELECT count(*) FROM calibration_level WHERE calibration_id = calibration.id) AS stored
        """

    static func calibrationInfo(_ r: Row) throws -> CalibrationInfo {
        CalibrationInfo(id: r["id"], target: r["target"], route: r["route"], saturation: r["saturation"], low: r["bracket_low"], high: r["bracket_high"],
                        levels: r["levels"], stored: r["stored"], meanAbsoluteError: r["mae"], capsimVersion: r["capsim_version"],
                        createdAt: r["created_at"], completedAt: r["completed_at"])
    }
}
