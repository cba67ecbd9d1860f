import ArgumentParser
import CapsimModel
import Foundation
import Planning
import Reporting

extension PlanRenderer.Format: ExpressibleByArgument {}

struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply the capacity formula per service and horizon: instances, HPA limits, Erlang C sizing, cost.",
        discussion: """
        required = current peak × (1 + monthly growth)^months × seasonal × feature interaction × safety.
        Ranges in the scenario (low..high) give p10/p50/p90 from seeded Monte Carlo draws.
        --verify simulates each horizon's projected traffic on the plan's fleet instead of printing the plan.
        """)

    @Argument(help: "The scenario file (YAML).")
    var file: String

    @Option(help: "Planning horizons in months, comma-separated (default: the scenario's).")
    var horizon: String?

    @Option(help: "Monte Carlo draws when inputs are ranges (default: the scenario's, 10000).")
    var draws: Int?

    @Option(name: .customLong("set"), help: "Override a scenario value, e.g. 'planning.growth={low: 4%, mid: 6%, high: 8%}' (repeatable).")
    var overrides: [String] = []

    @Option(help: "Output format: table, markdown, json or csv.")
    var format: PlanRenderer.Format = .table

    @Option(help: "Write the output to this file instead of standard output.")
    var out: String?

    @Option(help: "Also write a capacity report: FILE.html (charts) or FILE.md (Markdown).")
    var report: String?

    @OptionGroup var verification: VerifyOptions

    @OptionGroup var store: StoreOptions

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
        let (scenario, scenarioText) = try ScenarioLoader.loadWithText(path: file, overrides: overrides, for: verification.verify ? .simulation : .any)
        // One date for the plan and its verification: calendar seasons depend on it.
        let now = Date()
        let plan = Planner.plan(scenario, horizons: try horizons, draws: draws, now: now)
        if verification.verify {
            let verified = try verification.run(scenario, plan: plan, now: now, file: file)
            try emit(PlanVerificationRenderer.render(verified, as: format), to: out)
        } else {
            try emit(PlanRenderer.render(plan, as: format), to: out)
        }
        guard !store.noStore || report != nil else { return }
        let params = RunParameters(command: "plan", file: file, overrides: overrides, seed: scenario.seed, horizons: plan.totals.map(\.months), draws: plan.draws)
        if store.noStore {
            try emit(ReportWriter.format(of: report!) == .html ? HTMLReport.plan(plan, scenario: scenario, runID: nil)
                                                               : MarkdownReport.plan(plan, scenario: scenario, runID: nil), to: report)
            return
        }
        let db = try openStore(store.db)
        let id = try db.savePlan(plan, scenarioText: scenarioText, parameters: params.json(),
                                 capsimVersion: Capsim.version, createdAt: nowISO())
        Outputs.recorded(id)
        if let report {
            try emit(try ReportWriter.render(store: db, info: try RunLookup.info(db, id), format: ReportWriter.format(of: report)), to: report)
        }
    }
}
