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
    @Option(help: "Also write each run's files here, as simulate does (summary.json, timeline.csv, routes.csv, events.csv), to debug a failed gate; one folder per scenario when there are several.")
    var out: String?
    @Option(help: "Simulated time, like 30m (default: each scenario's simulation.duration).")
    var duration: String?
    @Option(help: "Seed (default: each scenario's seed).")
    var seed: UInt64?
    @Option(name: .customLong("set"), help: "Override a scenario value for a what-if, as in simulate (repeatable).")
    var overrides: [String] = []
    @Option(name: .customLong("fault"), help: "Inject a failure, like zone-loss:zone-a@30m+10m or pod-crash:payments-service=2@20m, or turn on a fault the scenario names (repeatable; see docs/faults.md).")
    var faults: [String] = []
    /// `--set` and `--fault` as the loader applies them (and the results store keeps them).
    var allOverrides: [String] { overrides + faults.map(FaultFlag.override) }
    @Option(help: "A golden decisions file (from --write-decisions): the run's scaling decisions must match it line for line (one scenario only).")
    var decisions: String?
    @Option(help: "Write this run's scaling decisions here as a golden file (one scenario only).")
    var writeDecisions: String?

    @Option(help: "Run N independent seeds (default: the scenario's simulation.replications, else 1; 1 with --decisions); an expectation passes when it holds in the share its holds_in asks (every replication by default).")
    var replications: Int?
    @Option(help: "Replications run at once (default: every core); the verdicts do not depend on it.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Run even when the estimated events exceed the budget (about 80 minutes of this kind of machine).")
    var force = false

    @OptionGroup var store: StoreOptions

    func validate() throws {
        let oneScenarioOnly = baseline != nil || writeBaseline != nil || decisions != nil || writeDecisions != nil
        if let problem = CheckPlan.flagProblem(tolerance: tolerance, duration: duration, oneScenarioOnly: oneScenarioOnly, scenarioFiles: files.count) { throw ValidationError(problem) }
        if let replications, replications < 1 || replications > 10_000 { throw ValidationError("--replications expects 1 to 10000 runs, got \(replications)") }
        if let replications, replications > 1 && (decisions != nil || writeDecisions != nil) {
            throw ValidationError("--decisions and --write-decisions compare one run's decisions: use them without --replications")
        }
        if let replications, replications > 1, let baseline, Int64(baseline) != nil {
            throw ValidationError("--baseline with --replications takes a file written by --write-baseline with --replications, not a stored run")
        }
        if jobs < 1 { throw ValidationError("--jobs expects at least 1, got \(jobs)") }
    }

    func run() throws {
        var suites: [JUnit.Suite] = []
        var failed = false
        // Opened once, before any simulating: a bad --db should not cost a run.
        let db = store.noStore ? nil : try openStore(store.db)
        for file in files {
            let (scenario, scenarioText) = try ScenarioLoader.loadWithText(path: file, overrides: allOverrides, for: .simulation)
            // The flag, else the scenario's simulation.replications; golden decisions compare one run.
            let replications = self.replications ?? (decisions == nil && writeDecisions == nil ? scenario.simulation.replications : 1)
            if replications > 1, let baseline, Int64(baseline) != nil {
                printErr("\(file): error: simulation.replications is \(replications): --baseline takes a file written by --write-baseline with replications, not a stored run")
                throw ExitCode(2)
            }
            let plan = try checkPlan(for: scenario, file: file, replicated: replications > 1)
            let options = SimulationOptions(scenario: scenario, duration: duration, seed: seed)
            try checkEventBudget(scenario, options, file: file, runs: replications, force: force)
            let started = Date()
            // The windows of --expect rows are measured too: the run sees every expectation.
            let checked = scenario.with(expectations: plan.expectations)
            let result: SimulationResult, outcomes: [CheckOutcome]
            if replications > 1 {
                let r = try ReplicatedRun(scenario: checked, options: options, count: replications, jobs: jobs)
                    .check(expectations: plan.expectations, file: file)
                result = r.first
                outcomes = r.outcomes + (try replicatedBaseline(file: file)?.compare(r.baseline) ?? [])
                if let writeBaseline { try emit(r.baseline.json(), to: writeBaseline) }
            } else {
                result = try simulate(checked, options, file: file)
                outcomes = plan.outcomes(scenario: scenario, result: result)
            }
            if replications == 1 { for (path, text) in plan.files(for: result) { try emit(text, to: path) } }
            if let out { try writeRunFiles(result, to: files.count == 1 ? out : out + "/" + ((file as NSString).lastPathComponent as NSString).deletingPathExtension) }
            if let db { Outputs.recorded(try saveSimulation(result, in: db, command: "check", file: file, overrides: allOverrides, options: options, scenarioText: scenarioText)) }
            suites.append(JUnit.Suite(name: file, outcomes: outcomes, seconds: Date().timeIntervalSince(started)))
            failed = failed || outcomes.contains { !$0.passed }
            if replications > 1 { print("\(file): \(replications) replications; replication 1 is the scenario's own seed") }
            print(CheckSummary.text(file: file, scenario: scenario.name, seed: options.seed, duration: options.duration,
                                    outcomes: outcomes, findings: result.findings), terminator: "")
        }
        if let junit { try emit(JUnit.xml(suites), to: junit) }
        if failed { throw ExitCode(1) }
    }
}
