import ArgumentParser
import CapsimModel
import Planning
import Reporting

extension PlanRenderer.Format: ExpressibleByArgument {}

struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply the capacity formula per service and horizon: instances, HPA limits, Erlang C sizing, cost.",
        discussion: """
        required = current peak × (1 + monthly growth)^months × seasonal × feature interaction × safety.
        Ranges in the scenario (low..high) give p10/p50/p90 from seeded Monte Carlo draws.
        """)

    @Argument(help: "The scenario file (YAML).")
    var file: String

    @Option(help: "Planning horizons in months, comma-separated (default: the scenario's).")
    var horizon: String?

    @Option(help: "Monte Carlo draws when inputs are ranges (default: the scenario's, 10000).")
    var draws: Int?

    @Option(help: "Output format: table, markdown, json or csv.")
    var format: PlanRenderer.Format = .table

    @Option(help: "Write the output to this file instead of standard output.")
    var out: String?

    var horizons: [Int]? {
        get throws {
            guard let horizon else { return nil }
            let parts = horizon.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 120 }) else {
                throw ValidationError("--horizon expects months from 1 to 120, comma-separated, like 6,12; got \"\(horizon)\"")
            }
            return parts.map { $0! }
        }
    }

    func validate() throws {
        _ = try horizons
        if let draws, draws < 1 || draws > 10_000_000 { throw ValidationError("--draws expects 1 to 10000000, got \(draws)") }
    }

    func run() throws {
        let scenario = try ScenarioLoader.load(path: file)
        let plan = Planner.plan(scenario, horizons: try horizons, draws: draws)
        try emit(PlanRenderer.render(plan, as: format), to: out)
    }
}
