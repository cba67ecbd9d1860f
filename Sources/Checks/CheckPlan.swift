import CapsimModel
import Foundation
import Simulation

/// What `capsim check` holds one scenario's run against: its expectations (the scenario's
/// `expect:` block and a checks file), a baseline with its tolerance, and a golden decisions
/// file. A value, so the verdicts for a run are one call that tests reach without a process.
public struct CheckPlan: Sendable {
    public var expectations: [Expectation]
    public var baseline: Baseline?
    /// Relative regression allowed against the baseline (0.1 = 10 %).
    public var tolerance: Double
    public var golden: GoldenDecisions?
    /// Where to write the run's baseline and its decisions as a golden file: something to do
    /// even with nothing to check (the first run of a new gate).
    public var writeBaseline: String?
    public var writeDecisions: String?

    public init(expectations: [Expectation], baseline: Baseline? = nil, tolerance: Double = 0.1, golden: GoldenDecisions? = nil,
                writeBaseline: String? = nil, writeDecisions: String? = nil) {
        self.expectations = expectations; self.baseline = baseline; self.tolerance = tolerance
        self.golden = golden; self.writeBaseline = writeBaseline; self.writeDecisions = writeDecisions
    }

    /// Why a run with nothing to check and nothing to write is refused (a CI gate that checks
    /// nothing would pass forever).
    public static let nothingToCheck = "nothing to check: add an expect: block, --expect FILE, --baseline or --decisions"

    public var checksNothing: Bool { expectations.isEmpty && baseline == nil && golden == nil && writeBaseline == nil && writeDecisions == nil }

    /// Every verdict on the run, in the order `check` lists them: the expectations, then the
    /// baseline's comparisons, then the golden decisions.
    public func outcomes(scenario: Scenario, result: SimulationResult) -> [CheckOutcome] {
        var outcomes = ExpectationChecker.check(expectations, scenario: scenario, result: result)
        if let baseline { outcomes += BaselineComparator.compare(result, with: baseline, tolerance: tolerance) }
        if let golden { outcomes.append(DecisionRecord.compare(result, golden: golden.text, file: golden.file)) }
        return outcomes
    }

    /// The files the run writes, (path, text), baseline first.
    public func files(for result: SimulationResult) -> [(path: String, text: String)] {
        [writeBaseline.map { ($0, Baseline(result).json()) }, writeDecisions.map { ($0, DecisionRecord.csv(result)) }].compactMap { $0 }
    }
}

extension CheckPlan {
    /// `--tolerance` as a fraction: "10%" → 0.1.
    public static func tolerance(parsing text: String) -> Double? { Percent(parsing: text)?.fraction }

    /// The rules on `capsim check`'s flags that the argument parser cannot express, as the
    /// message naming the flag (nil: the flags are usable). `oneScenarioOnly`: a flag that
    /// reads or writes one scenario's baseline or decisions was given.
    public static func flagProblem(tolerance: String, duration: String?, oneScenarioOnly: Bool, scenarioFiles: Int) -> String? {
        if Self.tolerance(parsing: tolerance) == nil { return "--tolerance expects a percentage like 10%, got \"\(tolerance)\"" }
        if let duration, CapsimModel.Duration(parsing: duration).map({ $0.seconds > 0 }) != true {
            return "--duration expects a positive duration like 30m, got \"\(duration)\""
        }
        if oneScenarioOnly && scenarioFiles != 1 {
            return "--baseline, --write-baseline, --decisions and --write-decisions take exactly one scenario file"
        }
        return nil
    }
}
