import ArgumentParser
import Foundation
import Reporting
import Store

/// `capsim runs calibrations` and `runs calibration ID`: the calibrations in the results database.
extension Runs {
    struct Calibrations: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every recorded calibration, newest first.")
        @Option(help: "Results database (default: \(ResultsStore.defaultPathHelp)).") var db: String?

        func run() throws {
            let all = try openStore(db).calibrations()
            if all.isEmpty { print("no calibrations recorded yet: run capsim calibrate"); return }
            var t = TextTable(["id", "created (UTC)", "target route", "saturation (bracket)", "levels", "MAE"])
            for c in all {
                let saturation = String(format: "%.1f/s (%.1f–%.1f/s)", c.saturation, c.low, c.high)
                let mae = c.completedAt == nil ? "unfinished: \(c.stored) of \(c.levels) levels stored"
                    : c.meanAbsoluteError.map { String(format: "%.1f%%", $0 * 100) } ?? "—"
                t.add(["\(c.id)", c.createdAt, "\(c.target) \(c.route)", saturation, "\(c.levels)", mae])
            }
            print(t.render())
        }
    }

    struct CalibrationShow: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "calibration",
                                                        abstract: "A recorded calibration's table, as capsim calibrate printed it, and optionally its report.")
        @Argument(help: "The calibration's id (capsim runs calibrations).") var id: Int64
        @Option(help: "Results database (default: \(ResultsStore.defaultPathHelp)).") var db: String?
        @Option(help: "Also write its report: FILE.html (charts) or FILE.md (Markdown).") var report: String?

        func run() throws {
            let c = try CalibrationOutput.lookup(try openStore(db), id)
            if let report { try CalibrationOutput.write(c.record, id: id, to: report) }
            print(CalibrationRenderer.table(c.record))
        }
    }
}
