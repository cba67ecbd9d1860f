import ArgumentParser
import CapsimModel
import Checks
import Foundation

extension Check {
    /// The scenario's checks from the flags; a file that cannot be used is named, exit 2. With
    /// replications the baseline flags are the replicated kind, read by `replicatedBaseline`.
    func checkPlan(for scenario: Scenario, file: String, replicated: Bool) throws -> CheckPlan {
        var expectations = scenario.expectations
        if let expect { expectations += try ScenarioLoader.loadExpectations(path: expect, for: scenario) }
        do {
            // A number is a stored run's ID, anything else a baseline file.
            let base = replicated ? nil : try baseline.map { ref in try Int64(ref).map { try StoredRuns.baseline(id: $0, db: store.db) } ?? Baseline.read(ref) }
            let plan = CheckPlan(expectations: expectations, baseline: base, tolerance: CheckPlan.tolerance(parsing: tolerance)!,  // validate() checked it
                                 golden: try decisions.map(GoldenDecisions.read), writeBaseline: replicated ? nil : writeBaseline, writeDecisions: writeDecisions)
            if plan.checksNothing && !(replicated && (baseline != nil || writeBaseline != nil)) {
                throw CheckInputProblem(file: file, message: CheckPlan.nothingToCheck)
            }
            return plan
        } catch let problem as CheckInputProblem {
            printErr(problem.description)
            throw ExitCode(2)
        }
    }

    /// `--baseline FILE` with `--replications`: a file `--write-baseline` wrote with replications.
    func replicatedBaseline(file: String) throws -> ReplicatedBaseline? {
        guard let baseline else { return nil }
        guard let data = FileManager.default.contents(atPath: baseline) else {
            printErr("\(baseline): error: cannot read the baseline file")
            throw ExitCode(2)
        }
        guard let b = ReplicatedBaseline.read(String(decoding: data, as: UTF8.self)) else {
            printErr("\(baseline): error: not a baseline of replications (write one with check --replications N --write-baseline FILE; a one-run baseline is compared without --replications)")
            throw ExitCode(2)
        }
        return b
    }
}
