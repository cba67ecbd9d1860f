import ArgumentParser
import Calibration
import Reporting
import Store

/// What `calibrate` and `runs calibration` do with a calibration once they have it: record it
/// (when a store is open), and write its report.
enum CalibrationOutput {
    /// Stores the record and writes its report (when asked), from the stored copy so the report
    /// is the stored calibration's, or from the record in hand without a store.
    static func record(_ r: CalibrationRecord, in db: ResultsStore?, startedAt: String, report: String?) throws {
        guard let db else {
            if let report { try write(r, id: nil, to: report) }
            return
        }
        let id = try db.saveCalibration(r, capsimVersion: Capsim.version, createdAt: startedAt, completedAt: nowISO())
        Outputs.recorded(calibration: id)
        if let report { try write(try lookup(db, id).record, id: id, to: report) }
    }

    /// The report as HTML, or as Markdown for a `.md` or `.markdown` file.
    static func write(_ r: CalibrationRecord, id: Int64?, to path: String) throws {
        let text = ReportWriter.format(of: path) == .markdown ? MarkdownReport.calibration(r, id: id) : HTMLReport.calibration(r, id: id)
        try emit(text, to: path)
    }

    /// A finished stored calibration; exit 2 with a message for a missing, unfinished or
    /// unreadable one.
    static func lookup(_ db: ResultsStore, _ id: Int64) throws -> StoredCalibration {
        let found: StoredCalibration?
        do { found = try db.calibration(id) } catch let e as StoreError { printErr("error: \(e)"); throw ExitCode(2) }
        guard let c = found else { printErr("error: no calibration \(id) (capsim runs calibrations lists them)"); throw ExitCode(2) }
        guard c.info.completedAt != nil else {
            printErr("error: calibration \(id) is unfinished (\(c.info.stored) of \(c.info.levels) levels stored): its writer stopped before marking it complete")
            throw ExitCode(2)
        }
        return c
    }
}
