import ArgumentParser
import CapsimModel
import Checks
import Foundation

extension Check {
    /// The scenario's checks from the flags; a file that cannot be used is named, exit 2.
    func checkPlan(for scenario: Scenario, file: String) throws -> CheckPlan {
        var expectations = scenario.expectations
        if let expect { expectations += try ScenarioLoader.loadExpectations(path: expect, for: scenario) }
        do {
            // A number is a stored run's ID, anything else a baseline file.
            let base = try baseline.map { ref in try Int64(ref).map { try StoredRuns.baseline(id: $0, db: store.db) } ?? Baseline.read(ref) }
            let plan = CheckPlan(expectations: expectations, baseline: base, tolerance: CheckPlan.tolerance(parsing: tolerance)!,  // validate() checked it
                                 golden: try decisions.map(GoldenDecisions.read), writeBaseline: writeBaseline, writeDecisions: writeDecisions)
            if plan.checksNothing { throw CheckInputProblem(file: file, message: CheckPlan.nothingToCheck) }
            return plan
        } catch let problem as CheckInputProblem {
            printErr(problem.description)
            throw ExitCode(2)
        }
    }
}
