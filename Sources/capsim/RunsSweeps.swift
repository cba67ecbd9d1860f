import ArgumentParser
import Foundation
import Reporting
import Simulation
import Store

/// `capsim runs sweeps`, `runs sweep ID` and `runs merge`: the sweeps in the results database.
extension Runs {
    struct Sweeps: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every recorded sweep (and shard of one), newest first.")
        @Option(help: "Results database (default: \(ResultsStore.defaultPathHelp)).") var db: String?

        func run() throws {
            let sweeps = try openStore(db).sweeps()
            if sweeps.isEmpty { print("no sweeps recorded yet: run capsim sweep"); return }
            var t = TextTable(["id", "scenario", "points", "replications", "shard", "created (UTC)", "state"])
            for s in sweeps {
                let state = s.completedAt != nil ? "complete" : "unfinished: \(s.stored) of \(s.expected) replications (killed, or still running)"
                t.add(["\(s.id)", s.scenarioName, "\(s.points)", "\(s.replications)", s.shard.map { "\($0.index) of \($0.count)" } ?? "—", s.createdAt, state])
            }
            print(t.render())
        }
    }

    struct SweepShow: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "sweep", abstract: "A recorded sweep's table, and its sweep.csv, sweep.json and sweep.html again.")
        @Argument(help: "The sweep's id (capsim runs sweeps).") var id: Int64
        @Option(help: "Results database (default: \(ResultsStore.defaultPathHelp)).") var db: String?
        @Option(help: "A metric to show, as SUBJECT METRIC (repeatable).") var metric: [String] = []
        @Option(help: "What to print: table, json or csv.") var format: SimulationRenderer.Format = .table
        @Option(help: "Folder for the files (default: reports/<scenario name>/sweep).") var out: String?

        func run() throws {
            guard let s = try openStore(db).sweep(id) else { printErr("error: no sweep \(id) (capsim runs sweeps lists them)"); throw ExitCode(2) }
            guard s.info.completedAt != nil, s.info.shard == nil else {
                printErr("error: sweep \(id) is \(s.info.shard.map { "shard \($0.index) of \($0.count)" } ?? "unfinished") (\(s.info.stored) of \(s.info.expected) replications): "
                         + (s.info.shard != nil ? "merge its shards with capsim runs merge" : "its summary would be partial"))
                throw ExitCode(2)
            }
            try SweepOutput(summary: SweepSummary(s.definition, rows: s.replications), metricFlags: metric, format: format,
                            dir: out ?? "reports/\(s.definition.scenario)/sweep", id: id).write()
        }
    }

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge the shard databases of one sweep (capsim sweep --shard) into one sweep in the results database.",
            discussion: "Refuses a missing shard, a shard present twice, an unfinished shard, or shards of different sweeps: a partial sweep's summary would look whole.")
        @Argument(help: "The shard databases (shard-I-of-N.sqlite).") var files: [String]
        @Option(help: "Results database to merge into (default: \(ResultsStore.defaultPathHelp)).") var db: String?
        @Option(help: "Folder for sweep.csv, sweep.json and sweep.html (default: reports/<scenario name>/sweep).") var out: String?
        @Option(help: "What to print: table, json or csv.") var format: SimulationRenderer.Format = .table

        func validate() throws { if files.isEmpty { throw ValidationError("give the shard databases to merge, like shard-*-of-4.sqlite") } }

        func run() throws {
            var shards: [(path: String, store: ResultsStore)] = []
            for f in files {
                guard FileManager.default.fileExists(atPath: f) else { printErr("error: \(f): no such file"); throw ExitCode(2) }
                shards.append((f, try openStore(f)))
            }
            let merged: (definition: SweepDefinition, scenarioText: String, replications: [SweepReplication])
            do { merged = try ShardMerge.gather(shards) } catch let e as ShardMerge.Failure {
                printErr("error: \(e.description)")
                throw ExitCode(2)
            }
            let id = try openStore(db).saveSweep(merged.definition, scenarioText: merged.scenarioText, replications: merged.replications,
                                                 capsimVersion: Capsim.version, createdAt: nowISO())
            Outputs.recorded(sweep: id)
            try SweepOutput(summary: SweepSummary(merged.definition, rows: merged.replications), metricFlags: [], format: format,
                            dir: out ?? "reports/\(merged.definition.scenario)/sweep", id: id).write()
        }
    }
}
