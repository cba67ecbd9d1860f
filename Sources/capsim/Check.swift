import ArgumentParser
import CapsimModel
import Checks
import Foundation
import Simulation

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate each scenario and check its expectations (and a baseline): a CI gate.",
        discussion: """
        Expectations come from the scenario's expect: block and from --expect FILE. With \
        --baseline, metrics must not regress beyond --tolerance and the scaling decisions must \
        match one for one. With --decisions, the scaling decisions must match a golden file \
        line for line. Findings (a station whose backlog grew, a route that completed little of \
        its traffic) are printed as warnings; expect: {no_backlog: NAME|all} makes a backlog fail. \
        Each run is recorded in the results store unless --no-store. Exit 0 when everything \
        passes, 1 when a check fails, 2 on bad input, 3 on an engine error.
        """)

    @Argument(help: "Scenario files (YAML).")
    var files: [String]

    @Option(help: "A checks file: capsim: 1 and an expect: list, validated against each scenario.")
    var expect: String?

    @Option(help: "A baseline JSON (from --write-baseline) or a stored run ID to compare with (one scenario only).")
    var baseline: String?

    @Option(help: "Write this run's baseline JSON here (one scenario only).")
    var writeBaseline: String?

    @Option(help: "Relative regression allowed against the baseline, like 10%.")
    var tolerance: String = "10%"

    @Option(help: "Write JUnit XML here for CI systems.")
    var junit: String?

    @Option(help: "Simulated time, like 30m (default: each scenario's simulation.duration).")
    var duration: String?

    @Option(help: "Seed (default: each scenario's seed).")
    var seed: UInt64?

    @Option(name: .customLong("set"), help: "Override a scenario value for a what-if, as in simulate (repeatable).")
    var overrides: [String] = []

    @Option(help: "A golden decisions file (from --write-decisions): the run's scaling decisions must match it line for line (one scenario only).")
    var decisions: String?

    @Option(help: "Write this run's scaling decisions here as a golden file (one scenario only).")
    var writeDecisions: String?

    @OptionGroup var store: StoreOptions

    func validate() throws {
        if Percent(parsing: tolerance) == nil { throw ValidationError("--tolerance expects a percentage like 10%, got \"\(tolerance)\"") }
        if let duration, Duration(parsing: duration).map({ $0.seconds > 0 }) != true {
            throw ValidationError("--duration expects a positive duration like 30m, got \"\(duration)\"")
        }
        if (baseline != nil || writeBaseline != nil || decisions != nil || writeDecisions != nil) && files.count != 1 {
            throw ValidationError("--baseline, --write-baseline, --decisions and --write-decisions take exactly one scenario file")
        }
    }

    func run() throws {
        var suites: [JUnit.Suite] = []
        var failed = false
        // Opened once, before any simulating: a bad --db should not cost a run.
        let db = store.noStore ? nil : try openStore(store.db)
        for file in files {
            let (scenario, scenarioText) = try ScenarioLoader.loadWithText(path: file, overrides: overrides)
            var expectations = scenario.expectations
            if let expect { expectations += try ScenarioLoader.loadExpectations(path: expect, for: scenario) }
            let base = try baseline.map(loadBaseline)
            if expectations.isEmpty && base == nil && writeBaseline == nil && decisions == nil && writeDecisions == nil {
                printErr("\(file): error: nothing to check: add an expect: block, --expect FILE, --baseline or --decisions")
                throw ExitCode(2)
            }
            let golden = try decisions.map { path -> String in
                guard let text = FileManager.default.contents(atPath: path).map({ String(decoding: $0, as: UTF8.self) }) else {
                    printErr("\(path): error: cannot read the decisions file (write one with --write-decisions)")
                    throw ExitCode(2)
                }
                return text
            }
            let options = SimulationOptions(scenario: scenario, duration: duration, seed: seed)
            let started = Date()
            let result: SimulationResult
            // The windows of --expect rows are measured too: the run sees every expectation.
            do { result = try Simulator(scenario: scenario.with(expectations: expectations), options: options).run() } catch let e as SimulationError {
                printErr(e.message(file: file))
                throw ExitCode(e.exitCode)
            }
            var outcomes = ExpectationChecker.check(expectations, scenario: scenario, result: result)
            if let base { outcomes += BaselineComparator.compare(result, with: base, tolerance: Percent(parsing: tolerance)!.fraction) }
            if let golden, let decisions { outcomes.append(DecisionRecord.compare(result, golden: golden, file: decisions)) }
            if let writeBaseline { try emit(Baseline(result).json(), to: writeBaseline) }
            if let writeDecisions { try emit(DecisionRecord.csv(result), to: writeDecisions) }
            if let db {
                let params = RunParameters(command: "check", file: file, overrides: overrides, seed: options.seed, duration: options.duration, warmup: options.warmup)
                Outputs.recorded(try db.saveSimulation(result, scenarioText: scenarioText, parameters: params.json(),
                                                       capsimVersion: Capsim.version, createdAt: nowISO()))
            }
            let seconds = Date().timeIntervalSince(started)
            suites.append(JUnit.Suite(name: file, outcomes: outcomes, seconds: seconds))
            let bad = outcomes.filter { !$0.passed }
            failed = failed || !bad.isEmpty
            print("\(file): \(bad.isEmpty ? "PASS" : "FAIL") — \(outcomes.count - bad.count) of \(outcomes.count) checks passed (\(scenario.name), seed \(options.seed), \(formatDuration(options.duration)) simulated)")
            for o in outcomes { print("  \(o.passed ? "✔" : "✘") \(o.name): \(o.detail)") }
            // Findings an expectation already judged are not repeated as warnings.
            let judged = Set(outcomes.filter { !$0.passed }.map(\.detail))
            for f in result.findings where !judged.contains(where: { $0.contains(f.message) }) { print("  ! warning: \(f.message)") }
        }
        if let junit { try emit(JUnit.xml(suites), to: junit) }
        if failed { throw ExitCode(1) }
    }

    func loadBaseline(_ ref: String) throws -> Baseline {
        if let id = Int64(ref) { return try StoredRuns.baseline(id: id, db: store.db) }
        guard let data = FileManager.default.contents(atPath: ref) else {
            printErr("\(ref): error: cannot read the baseline file")
            throw ExitCode(2)
        }
        do { return try Baseline.decode(data) } catch {
            printErr("\(ref): error: not a capsim baseline (write one with --write-baseline): \(error)")
            throw ExitCode(2)
        }
    }
}
