import ArgumentParser
import CapsimModel
import Foundation
import Reporting
import Simulation

extension SimulationRenderer.Format: ExpressibleByArgument {}

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the discrete-event simulation: traffic, service queues, scaling triggers and the HPA.",
        discussion: """
        Writes summary.json, timeline.csv (every sample of every service), routes.csv (end-to-end \
        latency per route per sample) and events.csv (every scaling decision and alert) to --out, \
        and prints a summary. The same scenario and seed give byte-identical files.
        """)

    @Argument(help: "The scenario file (YAML).")
    var file: String

    @Option(help: "Simulated time, like 1h or 30m (default: the scenario's simulation.duration).")
    var duration: String?

    @Option(help: "Seed for every random stream (default: the scenario's seed).")
    var seed: UInt64?

    @Option(name: .customLong("set"), help: "Override a scenario value, e.g. services.payments-service.replicas.max=20 (repeatable).")
    var overrides: [String] = []
    @Option(name: .customLong("fault"), help: "Inject a failure, like zone-loss:zone-a@30m+10m or pod-crash:payments-service=2@20m, or turn on a fault the scenario names (repeatable; see docs/faults.md).")
    var faults: [String] = []
    /// `--set` and `--fault` as the loader applies them (and the results store keeps them).
    var allOverrides: [String] { overrides + faults.map(FaultFlag.override) }

    @Option(help: "What to print: table, json (summary.json) or csv (timeline.csv).")
    var format: SimulationRenderer.Format = .table

    @Option(help: "Folder for the output files (default: reports/<scenario name>).")
    var out: String?

    @Option(help: "Also write a capacity report: FILE.html (charts) or FILE.md (Markdown).")
    var report: String?

    @Flag(help: "Skip the second run, without the scenario's autoscaling.schedule rules, that shows what they cost and saved.")
    var noScheduleComparison = false

    @Option(help: "Run N independent seeds (default: the scenario's simulation.replications, else 1; the first is the scenario's own) and report each metric as mean ± 95 % CI and how often each expectation held; writes replications.csv beside the run files.")
    var replications: Int?

    @Option(help: "Replications run at once (default: every core); the results do not depend on it.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Run even when the estimated events exceed the budget (about 80 minutes of this kind of machine).")
    var force = false

    @OptionGroup var store: StoreOptions

    func validate() throws {
        if let duration, Duration(parsing: duration).map({ $0.seconds > 0 }) != true {
            throw ValidationError("--duration expects a positive duration like \"1h\" or \"30m\", got \"\(duration)\"")
        }
        if let replications, replications < 1 || replications > 10_000 { throw ValidationError("--replications expects 1 to 10000 runs, got \(replications)") }
        if jobs < 1 { throw ValidationError("--jobs expects at least 1, got \(jobs)") }
    }

    func run() throws {
        let (scenario, scenarioText) = try ScenarioLoader.loadWithText(path: file, overrides: allOverrides, for: .simulation)
        var options = SimulationOptions(scenario: scenario, duration: duration, seed: seed)
        try checkEventBudget(scenario, options, file: file, runs: self.replications ?? scenario.simulation.replications, force: force)
        let started = Date()
        if isatty(2) == 1 {
            let total = options.duration
            options.progress = { simulated, events in
                let wall = Date().timeIntervalSince(started)
                guard wall > 1, simulated > 0 else { return }
                // Time left at the pace so far (simulated seconds per wall second).
                let eta = formatDuration(((total - simulated) * wall / simulated).rounded())
                let line = String(format: "\rsimulated %@ of %@, %.1fM events/s, about %@ left ", formatDuration(simulated.rounded()), formatDuration(total),
                                  Double(events) / wall / 1e6, eta)
                FileHandle.standardError.write(Data(line.utf8))
            }
        }
        let dir = out ?? "reports/\(scenario.name)"
        var replicated: (summary: ReplicationSummary, odds: [(name: String, held: Proportion)])?
        let result: SimulationResult
        // The flag, else the scenario's simulation.replications.
        let replications = self.replications ?? scenario.simulation.replications
        if replications > 1 {
            let r = try ReplicatedRun(scenario: scenario, options: options, count: replications, jobs: jobs).run(file: file)
            result = r.first
            replicated = (r.summary, r.odds)
        } else {
            result = try simulate(scenario, options, file: file, compareSchedules: !noScheduleComparison)
        }
        if options.progress != nil, Date().timeIntervalSince(started) > 1 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        try writeRunFiles(result, to: dir)
        if let replicated { try emit(ReplicationRenderer.csv(replicated.summary), to: dir + "/replications.csv") }
        try ReportWriter.record(
            in: store.noStore ? nil : try openStore(store.db),
            save: { try saveSimulation(result, in: $0, command: "simulate", file: file, overrides: allOverrides, options: options, scenarioText: scenarioText) },
            report: report,
            unstored: { $0 == .html ? HTMLReport.simulation(result, scenario: scenario, runID: nil) : MarkdownReport.simulation(result, scenario: scenario, runID: nil) })
        switch format {
        case .table:
            if replicated != nil { print("Replication 1 of \(replications), the scenario's own seed:") }
            print(SimulationRenderer.table(result), terminator: "")
            if let replicated { print(ReplicationRenderer.table(replicated.summary, odds: replicated.odds), terminator: "") }
        case .json: print(SimulationRenderer.summaryJSON(result), terminator: "")
        case .csv: print(SimulationRenderer.timelineCSV(result), terminator: "")
        }
    }
}

extension SimulationOptions {
    /// The scenario's run settings with the command line's `--duration` and `--seed` applied;
    /// a warm-up as long as the shortened run is dropped rather than leaving nothing measured.
    init(scenario: Scenario, duration: String?, seed: UInt64?) {
        self.init(scenario: scenario)
        if let duration, let d = Duration(parsing: duration) {
            self.duration = d.seconds
            if warmup >= d.seconds { warmup = 0 }
        }
        if let seed { self.seed = seed }
    }
}
