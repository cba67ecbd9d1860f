import ArgumentParser
import CapsimModel
import Checks
import Foundation
import Reporting
import Simulation

/// `simulate --replications N`: N independent seeds, every headline metric as mean ± 95 % CI,
/// and how often each expectation held. Replication 1 is the run `simulate` gives without the
/// flag (the scenario's own seed): its files and its stored run are written as usual.
struct ReplicatedRun {
    let scenario: Scenario
    let options: SimulationOptions
    let count: Int
    let jobs: Int

    struct Digest: Sendable {
        let metrics: ReplicationMetrics
        let outcomes: [CheckOutcome]
        /// Replication 0's whole result; nil for the others, whose timelines are dropped.
        let first: SimulationResult?
    }

    func run(file: String) throws -> (first: SimulationResult, summary: ReplicationSummary, odds: [(name: String, held: Proportion)]) {
        let scenario = self.scenario, count = self.count
        let tty = isatty(2) == 1
        var progress: (@Sendable (Int) -> Void)?
        if tty {
            progress = { n in FileHandle.standardError.write(Data("\rreplications: \(n) of \(count) done ".utf8)) }
        }
        let digests: [Digest]
        do {
            digests = try Replications.run(scenario: scenario, options: options, count: count, jobs: jobs, progress: progress) { i, r in
                Digest(metrics: ReplicationMetrics(r), outcomes: ExpectationChecker.check(scenario.expectations, scenario: scenario, result: r),
                       first: i == 0 ? r : nil)
            }
        } catch let e as SimulationError {
            printErr(e.message(file: file))
            throw ExitCode(e.exitCode)
        }
        if tty { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        let odds = ExpectationOdds.tally(digests.map(\.outcomes)).map { (name: $0.name, held: $0.held) }
        return (digests[0].first!, ReplicationSummary(digests.map(\.metrics)), odds)
    }
}
