import ArgumentParser
import CapsimModel
import Foundation
import LoadGen
import Reporting
import Store

struct Report: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable { case html, markdown }

    static let configuration = CommandConfiguration(
        abstract: "A capacity report of a recorded run: one self-contained HTML file with charts, or Markdown for a pull request.")

    @Argument(help: "Run ID (see capsim runs list).")
    var id: Int64

    @Option(help: "html or markdown (default: from --out's extension, else html).")
    var format: Format?

    @Option(help: "Write to this file (default: reports/run-ID.html or .md).")
    var out: String?

    @Option(help: "Results database (default: \(ResultsStore.defaultPathHelp)).")
    var db: String?

    func run() throws {
        let store = try openStore(db)
        let info = try RunLookup.info(store, id)
        let fmt = format ?? (out.map { $0.hasSuffix(".md") || $0.hasSuffix(".markdown") } == true ? .markdown : .html)
        let path = out ?? "reports/run-\(id).\(fmt == .html ? "html" : "md")"
        try emit(try ReportWriter.render(store: store, info: info, format: fmt), to: path)
    }
}

/// Renders a stored run as a report; shared by `report` and the `--report` flags.
enum ReportWriter {
    static func render(store: ResultsStore, info: RunInfo, format: Report.Format) throws -> String {
        switch (info.kind, format) {
        case (.plan, .html): return HTMLReport.plan(try RunLookup.plan(store, info.id), scenario: try storedScenario(store, info), runID: info.id)
        case (.plan, .markdown): return MarkdownReport.plan(try RunLookup.plan(store, info.id), scenario: try storedScenario(store, info), runID: info.id)
        case (.simulate, .html): return HTMLReport.simulation(try RunLookup.simulation(store, info.id), scenario: try storedScenario(store, info), runID: info.id)
        case (.simulate, .markdown): return MarkdownReport.simulation(try RunLookup.simulation(store, info.id), scenario: try storedScenario(store, info), runID: info.id)
        // A load run has no scenario file to rebuild: its parameters are the plan it sent.
        case (.load, .html): return HTMLReport.load(try RunLookup.load(store, info.id), plan: LoadPlanRecord.decode(info.parameters), runID: info.id)
        case (.load, .markdown): return MarkdownReport.load(try RunLookup.load(store, info.id), plan: LoadPlanRecord.decode(info.parameters), runID: info.id)
        }
    }

    /// The format a `--report FILE` asks for, by its extension.
    /// Records a run (when a store is open) and writes its report to `report` (when asked):
    /// from the store, so the report is the stored run's, or, with no store, from the result in
    /// hand via `unstored`. Returns what to tell the user: "; recorded as run N; report FILE".
    static func record(in db: ResultsStore?, save: (ResultsStore) throws -> Int64, report: String?,
                       unstored: (Report.Format) -> String) throws {
        if let db {
            let id = try save(db)
            Outputs.recorded(id)
            if let report { try emit(try render(store: db, info: try RunLookup.info(db, id), format: format(of: report)), to: report) }
        } else if let report {
            try emit(unstored(format(of: report)), to: report)
        }
    }

    static func format(of path: String) -> Report.Format {
        path.hasSuffix(".md") || path.hasSuffix(".markdown") ? .markdown : .html
    }
}
