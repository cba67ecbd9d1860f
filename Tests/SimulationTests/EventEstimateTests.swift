import CapsimModel
import Foundation
import Testing
@testable import Simulation

@Suite("Event estimate")
struct EventEstimateTests {
    /// The estimate gates runs against a budget. Where the platform keeps up, every request
    /// walks its whole route, so the estimate is within 10 % of the events taken (measured:
    /// 0.97–1.02 on these, the two with client networks included); where it collapses (the
    /// saturated database's queries pile up unserved) it is an upper bound.
    @Test("the estimate is within 10 % of the events a run takes, and above them when the platform collapses", arguments: [
        ("scenarios/teaching/mmc.yaml", 600.0), ("scenarios/teaching/holiday-surge.yaml", 600.0),
        ("scenarios/teaching/saturated-database.yaml", 600.0), ("scenarios/examples/ticketing.yaml", 600.0),
        ("scenarios/stan-store-et.yaml", 120.0), ("scenarios/what-if/rural-retry-storm.yaml", 600.0),
    ])
    func estimateIsTheRightOrder(file: String, seconds: Double) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        // The platform's first two minutes start below what the evening needs, and its users'
        // 15 s timeouts then retry (a storm the estimate does not foresee): without client
        // retries it keeps up, and the estimate's client events (an arrival and a deadline per
        // attempt) are what is checked.
        let overrides = file.contains("stan-store") ? ["clients.retries=0"] : file.contains("retry-storm") ? ["faults[0].enabled=false"] : []
        let s = try ScenarioLoader.load(path: root.appendingPathComponent(file).path, overrides: overrides)
        var o = SimulationOptions(scenario: s)
        o.duration = seconds; o.warmup = 0
        let estimate = try Simulator.estimate(scenario: s, options: o)
        let actual = Double(try Simulator(scenario: s, options: o).run().events)
        let ratio = estimate.events / actual
        if file.contains("saturated") {
            #expect(ratio >= 1, "\(file): estimated \(estimate.events), took \(actual)")
        } else {
            #expect(abs(ratio - 1) < 0.1, "\(file): estimated \(estimate.events), took \(actual)")
        }
    }
}

@Suite("Event budget")
struct EventBudgetTests {
    @Test("a run of years is estimated far over the budget, in a few milliseconds")
    func yearsAreOverBudget() throws {
        let s = try load(singleStation(rate: "1000/s", serviceTime: "10ms", concurrency: 20))
        var o = SimulationOptions(scenario: s)
        o.duration = 300 * 86_400
        let start = Date()
        let e = try Simulator.estimate(scenario: s, options: o)
        #expect(e.events > EventEstimate.defaultBudget)
        #expect(abs(e.requests - 1000 * o.duration) / (1000 * o.duration) < 1e-9)
        #expect(Date().timeIntervalSince(start) < 2)
    }
}
