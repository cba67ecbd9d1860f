import ArgumentParser
import Reporting
import Simulation

/// A finished sweep's files (sweep.csv, sweep.json, sweep.html in `dir`) and what it prints.
struct SweepOutput {
    let summary: SweepSummary
    let metricFlags: [String]
    let format: SimulationRenderer.Format
    let dir: String
    let id: Int64?

    func write() throws {
        let asked = metricFlags.compactMap(SweepRenderer.Metric.init(parsing:))
        let unknown = SweepRenderer.unknown(asked, in: summary)
        if !unknown.isEmpty {
            let subjects = Set(summary.points.first?.metrics.rows.map(\.subject) ?? []).sorted()
            printErr("error: --metric: the sweep has no \(unknown.map { "\"\($0.subject) \($0.metric)\"" }.joined(separator: ", ")); "
                     + "subjects are \(subjects.joined(separator: ", ")); metrics are the columns of sweep.csv")
            throw ExitCode(2)
        }
        let metrics = asked.isEmpty ? SweepRenderer.defaultMetrics(summary) : asked
        try emit(SweepRenderer.csv(summary), to: dir + "/sweep.csv")
        try emit(SweepRenderer.json(summary), to: dir + "/sweep.json")
        try emit(HTMLSweepReport.page(summary, metrics: metrics, sweepID: id), to: dir + "/sweep.html")
        switch format {
        case .table: print(SweepRenderer.table(summary, metrics: metrics), terminator: "")
        case .json: print(SweepRenderer.json(summary), terminator: "")
        case .csv: print(SweepRenderer.csv(summary), terminator: "")
        }
    }
}
