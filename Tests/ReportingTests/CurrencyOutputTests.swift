import CapsimModel
import Checks
import Foundation
import Planning
@testable import Reporting
import Simulation
import Testing

/// Money in the currencies a scenario uses: one priced in a single currency needs no exchange
/// rate and shows only that currency; `report_in` sets the currency of every table; and
/// `show_both` puts the other beside it. (Where a rate is missing, the invalid corpus has the
/// errors: prices-in-two-currencies-without-rate.yaml and its neighbours.)
@Suite("Money in one currency, or both when asked")
struct CurrencyOutputTests {
    /// A web service with a database, priced in `service` and `database`, 4 instances at the peak.
    static func shop(currency: String = "", service: String = "USD 0.05", database: String = "USD 0.20", expect: String = "") -> String {
        """
        capsim: 1
        name: shop
        seed: 3
        \(currency)
        planning: {horizons: [6], safety_factor: 1.5..2.5, draws: 50}
        traffic:
          entry: web
          peak: 200/s
          routes:
            home: {share: 100%, path: [web]}
        services:
          web:
            capacity: {service_time: 10ms, concurrency: 4}
            replicas: {min: 2, max: 6, initial: 2}
            cost_per_instance_hour: \(service)
            database: web-db
            queries_per_request: 1
            autoscaling:
              hpa: {metrics: [{metric: cpu_utilization, target: 70%}]}
        databases:
          web-db: {owner: web, cost_per_hour: \(database)}
        simulation: {duration: 3m, sample_period: 15s}
        \(expect)
        """
    }

    /// Every text a plan of `s` is shown as: table, Markdown, JSON, CSV, HTML and the Markdown report.
    static func planOutputs(_ s: Scenario) -> [String: String] {
        let p = Planner.plan(s)
        var out = Dictionary(uniqueKeysWithValues: PlanRenderer.Format.allCases.map { ($0.rawValue, PlanRenderer.render(p, as: $0)) })
        out["html"] = HTMLReport.plan(p, scenario: s, runID: nil)
        out["markdown report"] = MarkdownReport.plan(p, scenario: s, runID: nil)
        return out
    }

    /// Every text a simulation of `s` is shown as: the table, summary.json, the HTML and Markdown reports.
    static func simulationOutputs(_ s: Scenario) throws -> [String: String] {
        let r = try simulate(s)
        return ["table": SimulationRenderer.table(r), "json": SimulationRenderer.summaryJSON(r),
                "html": HTMLReport.simulation(r, scenario: s, runID: nil), "markdown": MarkdownReport.simulation(r, scenario: s, runID: nil)]
    }

    /// Whether `text` names `c` as money: `ETB`, or the JSON/CSV keys' `_etb`.
    static func mentions(_ text: String, _ c: Currency) -> Bool {
        text.contains(c.rawValue) || text.contains("_" + c.rawValue.lowercased())
    }

    @Test("a scenario priced only in USD loads without an exchange rate and reports in USD alone")
    func usdOnlyLoads() throws {
        let s = try load(Self.shop())
        #expect(s.currency.etbPerUSD == nil)
        #expect(s.currency.reportIn == .usd)
        #expect(s.currency.shown.all == [.usd])
    }

    @Test("plan of a USD-only scenario: every format states money in USD and none mentions ETB")
    func usdOnlyPlanHasNoBirr() throws {
        let s = try load(Self.shop())
        for (format, text) in Self.planOutputs(s) {
            #expect(Self.mentions(text, .usd), "\(format) shows no USD")
            #expect(!Self.mentions(text, .etb), "\(format) mentions ETB")
        }
        let p = Planner.plan(s)
        let row = try #require(p.rows.first)
        #expect(row.monthlyCostEtb == nil, "no rate: no birr amount")
        // The price as written, per instance-hour and month: no conversion on the way.
        #expect(row.costPerInstanceHourUsd == 0.05)
        #expect(abs(try #require(row.monthlyCostUsd) - Double(row.instancesRequired) * 0.05 * 730) < 1e-9)
        #expect(p.totals.first?.databaseMonthlyCostUsd == 0.20 * 730)
        #expect(PlanRenderer.table(p).contains("money in USD"))
    }

    @Test("simulate of a USD-only scenario: table, summary.json and reports state cost in USD alone")
    func usdOnlySimulationHasNoBirr() throws {
        let s = try load(Self.shop())
        for (format, text) in try Self.simulationOutputs(s) {
            #expect(Self.mentions(text, .usd), "\(format) shows no USD")
            #expect(!Self.mentions(text, .etb), "\(format) mentions ETB")
        }
    }

    @Test("a scenario priced only in ETB shows only ETB, in plan and simulate")
    func etbOnly() throws {
        let s = try load(Self.shop(service: "ETB 7.50", database: "ETB 30"))
        #expect(s.currency.etbPerUSD == nil && s.currency.reportIn == .etb)
        let outputs = Self.planOutputs(s).merging(try Self.simulationOutputs(s).map { ("simulate " + $0.key, $0.value) }) { a, _ in a }
        for (format, text) in outputs {
            #expect(Self.mentions(text, .etb), "\(format) shows no ETB")
            #expect(!Self.mentions(text, .usd), "\(format) mentions USD")
        }
    }

    @Test("report_in: USD with birr prices and a rate: every table states money in USD, with no birr column")
    func reportInHonoured() throws {
        let s = try load(Self.shop(currency: "currency: {etb_per_usd: 150, report_in: USD}", service: "ETB 7.50", database: "ETB 30"))
        let p = Planner.plan(s)
        let row = try #require(p.rows.first)
        // ETB 7.50 ÷ 150 = USD 0.05 per instance-hour.
        #expect(abs(try #require(row.monthlyCostUsd) - Double(row.instancesRequired) * 0.05 * 730) < 1e-9)
        let table = PlanRenderer.table(p)
        #expect(table.contains("USD/month") && !table.contains("ETB/month") && !table.contains("(ETB)"))
        #expect(!PlanRenderer.csv(p).contains("_etb"))
        let r = try simulate(s)
        let sim = SimulationRenderer.table(r)
        let header = try #require(sim.split(separator: "\n").first { $0.hasPrefix("service ") })
        #expect(header.contains(" USD ") && !header.contains("ETB"))
        #expect(!MarkdownReport.simulation(r, scenario: s, runID: nil).contains("| ETB |"))
        // JSON keeps both amounts: with a rate, each is known.
        #expect(row.monthlyCostEtb != nil && r.services.allSatisfy { $0.costEtb != nil && $0.costUsd != nil })
    }

    @Test("show_both: the other currency appears beside the reporting one in the plan's totals, CSV and HTML")
    func showBoth() throws {
        let s = try load(Self.shop(currency: "currency: {etb_per_usd: 150, show_both: true}"))
        #expect(s.currency.shown == ShownCurrencies(lead: .usd, other: .etb))
        let p = Planner.plan(s)
        let totals = try #require(PlanRenderer.table(p).split(separator: "\n").first { $0.hasPrefix("months ") })
        #expect(totals.contains("USD/month  ETB/month"))
        #expect(PlanRenderer.csv(p).hasPrefix(PlanRenderer.csvColumns(p.currencies).joined(separator: ",")))
        #expect(PlanRenderer.csvColumns(p.currencies).contains("monthly_cost_etb"))
        let html = HTMLReport.plan(p, scenario: s, runID: nil)
        #expect(html.contains("In birr") && html.contains("ETB/month"))
        let tot = try #require(p.totals.first)
        #expect(abs(try #require(tot.monthlyCostEtb) - (try #require(tot.monthlyCostUsd)) * 150) < 1e-6)
    }

    @Test("runs compare states cost in a currency both runs have: a dollar-only run against one in birr with a rate compares in dollars")
    func compareAcrossCurrencies() throws {
        let usd = try load(Self.shop())
        let birr = try load(Self.shop(currency: "currency: {etb_per_usd: 150, report_in: ETB}"))
        let a = try simulate(usd), b = try simulate(birr)
        let sims = RunComparison.simulations(a, b, labels: ("run 1", "run 2"))
        #expect(sims.contains("cost USD") && !sims.contains("cost ETB"))
        #expect(!sims.contains("—"), "both runs state dollars: no amount is missing")
        let plans = RunComparison.plans(Planner.plan(birr), Planner.plan(usd), labels: ("run 3", "run 4"))
        #expect(plans.contains("USD/month") && !plans.contains("ETB/month"), "run 4 cannot state birr, run 3 can state dollars")
    }

    @Test("cost_per_day bounds in the scenario's currency are checked without a rate, and shown in it")
    func costPerDayInUSD() throws {
        let s = try load(Self.shop(expect: "expect:\n  - {metric: cost_per_day, at_most: USD 100}\n  - {metric: cost_per_day, at_least: USD 100}"))
        let outcomes = ExpectationChecker.check(s.expectations, scenario: s, result: try simulate(s))
        #expect(outcomes.map(\.passed) == [true, false])
        #expect(outcomes.allSatisfy { $0.detail.contains("USD") && !$0.detail.contains("ETB") })
    }

    @Test("a bound in the other currency is converted with the rate into the currency costs are counted in")
    func costPerDayConverted() throws {
        let s = try load(Self.shop(currency: "currency: {etb_per_usd: 150}", expect: "expect:\n  - {metric: cost_per_day, at_most: ETB 1500}"))
        guard case .metric(_, _, let bound) = try #require(s.expectations.first).kind else { Issue.record("not a metric row"); return }
        #expect(bound == 10, "ETB 1500 at 150 birr per dollar is USD 10")
    }
}
