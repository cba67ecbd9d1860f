import ArgumentParser
import CapsimModel
import Decisions
import Foundation
import Reporting
import Simulation

/// `capsim optimize`: the cheapest knob setting whose SLOs hold with the asked confidence.
/// The search is `Decisions.Optimizer`; this file reads flags and prints.
struct Optimize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find the cheapest setting of capacity knobs (replicas, HPA target, concurrency, read replicas, workers…) whose SLOs hold with a given confidence.",
        discussion: """
        Each knob's values are listed cheapest first (a range LOW..HIGH counts up). Candidates race: one stops at \
        the first replication that rules it out. The last knob is bisected for each setting of the others. \
        Exit 0 with a winner, 1 when no setting within the values holds.
        """)

    enum Objective: String, ExpressibleByArgument { case cost }
    enum Constraint: String, ExpressibleByArgument { case slos }

    @Argument(help: "The scenario file (YAML).")
    var file: String

    @Option(help: "What to minimise: cost (the platform's instance cost per run, in the scenario's reporting currency).")
    var minimize: Objective = .cost

    @Option(help: "What must hold: slos (the scenario's expect: rows and each service's slo:).")
    var subjectTo: Constraint = .slos

    @Option(help: "A knob: PATH=LOW..HIGH or PATH=V1,V2,… cheapest first, like services.payments-service.replicas.max=2..12 (repeatable).")
    var knob: [String] = []

    @Option(help: "Search this service's HPA max and CPU target (or its replicas without an HPA) when no --knob is given.")
    var service: String?

    @Option(help: "Share of replications each row must hold in, like 95% (a row's own holds_in wins).")
    var confidence: String = "95%"

    @Option(help: "Replications per candidate (at most: a failing one stops early).")
    var replications: Int = 5

    @Option(help: "Simulated time per replication, like 15m (default: the scenario's simulation.duration).")
    var duration: String?

    @Option(help: "Base seed (default: the scenario's); every candidate runs the same replication seeds.")
    var seed: UInt64?

    @Option(name: .customLong("set"), help: "Override a scenario value for every candidate (repeatable).")
    var overrides: [String] = []

    @Option(help: "Replications run at once (default: every core); the result does not depend on it.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        if let duration, Duration(parsing: duration).map({ $0.seconds > 0 }) != true { throw ValidationError("--duration expects a positive duration like \"15m\", got \"\(duration)\"") }
        if replications < 1 || replications > 1000 { throw ValidationError("--replications expects 1 to 1000 per candidate, got \(replications)") }
        guard let c = Percent(parsing: confidence)?.fraction, c > 0, c <= 1 else { throw ValidationError("--confidence expects a share above 0 % and at most 100 %, like 95%, got \"\(confidence)\"") }
        if jobs < 1 { throw ValidationError("--jobs expects at least 1, got \(jobs)") }
        if knob.isEmpty && service == nil { throw ValidationError("name what to search: --knob PATH=LOW..HIGH (repeatable) or --service NAME") }
    }

    func run() throws {
        let (scenario, text) = try ScenarioLoader.loadWithText(path: file, overrides: overrides, for: .simulation)
        let knobs = try self.knobs(scenario)
        let optimizer = try Optimizer(text: text, file: file, overrides: overrides, knobs: knobs, constraints: Optimizer.sloConstraints(scenario),
                                      confidence: Percent(parsing: confidence)!.fraction, replications: replications,
                                      duration: duration.flatMap { Duration(parsing: $0)?.seconds }, seed: seed, currency: scenario.currency.reportIn)
        if optimizer.constraints.isEmpty { throw ValidationError("\(file) has no expect: rows and no service slo: — nothing for the cheapest setting to hold") }
        let line = ProgressLine(noun: "candidates")
        let result: OptimizeResult
        do {
            // A search has no known end: say how far it has got, not a share of a total.
            result = try optimizer.run(jobs: jobs) { p in line.show("\(p.candidates) run with \(p.replications) simulations") }
        } catch let e as SimulationError {
            printErr(e.message(file: file))
            throw ExitCode(e.exitCode)
        }
        line.finish()
        let o = SimulationOptions(scenario: scenario, duration: duration, seed: seed)
        print(OptimizeRenderer.table(result, scenario: scenario.name, duration: o.duration, seed: o.seed), terminator: "")
        if result.winner == nil { throw ExitCode(1) }
    }

    func knobs(_ s: Scenario) throws -> [Knob] {
        if knob.isEmpty {
            guard let service, let k = Knob.defaults(for: service, in: s) else {
                throw ValidationError("--service \(service ?? ""): no such service; the scenario has \(s.serviceNames.joined(separator: ", "))")
            }
            return k
        }
        var out: [Knob] = []
        for flag in knob {
            switch Knob.parse(flag) {
            case .success(let k):
                if out.contains(where: { $0.path == k.path }) { throw ValidationError("--knob \(k.path) is given twice") }
                out.append(k)
            case .failure(let e): throw ValidationError(e.description)
            }
        }
        return out
    }
}
