import ArgumentParser
import CapsimModel
import Checks
import Foundation
import Simulation

extension ReplicatedRun {
    /// `check --replications N`: every expectation evaluated on each replication; a row passes
    /// when the share that held reaches its `holds_in` (every one by default). Replication 1's
    /// result is returned for its files, its stored run and its findings.
    func check(expectations: [Expectation], file: String) throws -> (first: SimulationResult, outcomes: [CheckOutcome], baseline: ReplicatedBaseline) {
        let scenario = self.scenario
        struct Digest: Sendable { let outcomes: [CheckOutcome]; let metrics: ReplicationMetrics; let first: SimulationResult? }
        let digests: [Digest]
        do {
            digests = try Replications.run(scenario: scenario, options: options, count: count, jobs: jobs) { i, r in
                Digest(outcomes: ExpectationChecker.check(expectations, scenario: scenario, result: r), metrics: ReplicationMetrics(r), first: i == 0 ? r : nil)
            }
        } catch let e as SimulationError {
            printErr(e.message(file: file))
            throw ExitCode(e.exitCode)
        }
        return (digests[0].first!, ExpectationOdds.verdicts(expectations, runs: digests.map(\.outcomes)),
                ReplicatedBaseline(scenario: scenario.name, runs: digests.map(\.metrics)))
    }
}
