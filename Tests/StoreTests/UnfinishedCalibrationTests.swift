import Calibration
import Foundation
import GRDB
@testable import Store
import Testing

@Suite("results store: unfinished calibrations")
struct UnfinishedCalibrationTests {
    /// A writer that dies mid-save: another connection opens the save's transaction, writes the
    /// calibration's row and two of its three levels as `saveCalibration` does, and closes
    /// without committing — what SQLite recovers from a SIGKILLed process (the WAL frames of an
    /// uncommitted transaction are ignored). Readers never see it, during or after.
    @Test("a calibration whose writer dies before it commits is not listed, and the next one is stored whole")
    func uncommittedIsNotListed() throws {
        let dir = try temporaryFolder(); defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("runs.sqlite").path
        let store = try ResultsStore(path: path)
        let record = calibrationRecord()
        var config = Configuration()
        config.allowsUnsafeTransactions = true
        var writer: DatabaseQueue? = try DatabaseQueue(path: path, configuration: config)
        try writer?.inDatabase { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            let id = try ResultsStore.insertCalibration(db, record, model: try ResultsStore.encode(record.model), steps: try ResultsStore.encode(record.saturation.steps),
                                                        capsimVersion: "0.1.0", createdAt: createdAt)
            let insert = try db.makeStatement(sql: CalibrationLevelRow.insert)
            for (seq, level) in record.levels.prefix(2).enumerated() {
                let key: [(any DatabaseValueConvertible)?] = [id, seq]
                try insert.execute(arguments: StatementArguments(key + (try CalibrationLevelRow.values(level))))
            }
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM calibration_level") == 2, "the dying writer sees its own rows")
        }
        #expect(try store.calibrations().isEmpty, "a transaction in progress is invisible")
        writer = nil  // the connection closes with the transaction open: rolled back, as after a kill
        #expect(try store.calibrations().isEmpty)
        #expect(try store.calibration(1) == nil)
        #expect(try store.check().isEmpty)
        let id = try store.saveCalibration(record, capsimVersion: "0.1.0", createdAt: createdAt, completedAt: createdAt)
        #expect(try store.calibration(id)?.record == record)
        #expect(try store.calibrations().map(\.stored) == [3])
    }

    /// The last statement of a save sets `completed_at`, so a row without it — which only a
    /// writer outside `saveCalibration`'s transaction could leave — is never taken for finished.
    @Test("a calibration row without completed_at is listed as unfinished with the levels it has")
    func rowWithoutCompletionIsUnfinished() throws {
        let dir = try temporaryFolder(); defer { try? FileManager.default.removeItem(at: dir) }
        let store = try ResultsStore(path: dir.appendingPathComponent("runs.sqlite").path)
        let id = try store.saveCalibration(calibrationRecord(), capsimVersion: "0.1.0", createdAt: createdAt, completedAt: createdAt)
        try store.dbPool.write { db in
            try db.execute(sql: "UPDATE calibration SET completed_at = NULL WHERE id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM calibration_level WHERE calibration_id = ? AND seq = 2", arguments: [id])
        }
        let info = try #require(try store.calibrations().first)
        #expect(info.completedAt == nil && info.stored == 2 && info.levels == 3)
        #expect(try store.calibration(id)?.info.completedAt == nil)
        #expect(try store.check().isEmpty, "unfinished is a state, not damage")
        // A finished calibration missing a level is damage.
        try store.dbPool.write { db in try db.execute(sql: "UPDATE calibration SET completed_at = ? WHERE id = ?", arguments: [createdAt, id]) }
        #expect(try store.check() == ["calibration \(id): 2 of 3 levels stored"])
        #expect(throws: StoreError.calibration(id: id, problem: "is incomplete: 2 of 3 levels stored")) { try store.calibration(id) }
    }
}
