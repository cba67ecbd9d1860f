import CapsimModel
import Decisions
import Foundation
import Simulation
import Testing

/// 80/s on 50 ms single-slot pods: 4 Erlangs, so 4 pods or fewer never keep up, 5 run at
/// ρ 0.8 (p99 ≈ 300 ms) and 6 at ρ 0.67 (p99 ≈ 245 ms): a 280 ms p99 row needs 6.
let optimizeScenario = sweepScenario.replacingOccurrences(of: "below: 400ms", with: "below: 280ms")

func optimizer(_ knobs: [String], replications: Int = 3, text: String = optimizeScenario) throws -> Optimizer {
    let s = try ScenarioLoader.parse(text, file: "o.yaml")
    return try Optimizer(text: text, file: "o.yaml", overrides: [], knobs: knobs.map { try! Knob.parse($0).get() }, constraints: Optimizer.sloConstraints(s),
                         confidence: 0.95, replications: replications, duration: nil, seed: nil, currency: s.currency.reportIn)
}

@Suite("optimize")
struct OptimizerTests {
    @Test("a knob is a whole-number range counting up or a list cheapest first; one that cannot move cost is refused by name")
    func knobParsing() throws {
        #expect(try Knob.parse("services.api.replicas=2..5").get().values == ["2", "3", "4", "5"])
        #expect(try Knob.parse("services.api.autoscaling.hpa.metrics[0].target=90%,70%").get().values == ["90%", "70%"])
        for (flag, words) in [("traffic.peak=1..3", "cannot move cost"), ("services.api.cost_per_instance_hour=USD 1,USD 2", "cannot move cost"),
                              ("services.api.replicas=5..2", "LOW ≤ HIGH"), ("services.api.replicas", "expects PATH=")] {
            guard case .failure(let e) = Knob.parse(flag) else { Issue.record("\(flag) accepted"); continue }
            #expect(e.description.contains(words), "\(e.description)")
        }
    }

    @Test("the cheapest pod count that keeps p99 under 280 ms at 4 Erlangs is 6, found by bisection without running every count")
    func cheapestPodCount() throws {
        let r = try optimizer(["services.api.replicas=1..12"]).run(jobs: 2)
        #expect(r.winner?.values == ["6"])
        #expect(r.evaluated.count < 12)
        // Every cheaper candidate run broke the p99 row, and says by how much.
        #expect(!r.cheaperRejected.isEmpty)
        for c in r.cheaperRejected {
            #expect(Int(c.values[0])! < 6)
            #expect(c.broken.map(\.row.name) == ["api latency_p99 below 280ms"])
            #expect((c.broken[0].excess ?? 0) > 0)
        }
    }

    @Test("racing: a candidate that breaks a row in its first replication stops there; one that holds runs every replication")
    func racingStopsEarly() throws {
        let r = try optimizer(["services.api.replicas=4..7"], replications: 4).run(jobs: 1)
        for c in r.evaluated { #expect(c.replications == (c.feasible ? 4 : 1), "\(c.values)") }
    }

    @Test("--jobs changes the wall time, never the result")
    func jobsDoNotChangeTheResult() throws {
        let one = try optimizer(["services.api.replicas=3..8"]).run(jobs: 1)
        let two = try optimizer(["services.api.replicas=3..8"]).run(jobs: 2)
        #expect(one == two)
    }

    @Test("two knobs: the second is bisected for each setting of the first, and a setting safer than a known failure is never run")
    func twoKnobsStaircase() throws {
        let r = try optimizer(["services.api.replicas=4..8", "services.api.capacity.concurrency=1,2"]).run(jobs: 2)
        // 4 pods × 2 slots: 8 slots at 4 Erlangs (ρ 0.5) keeps p99 near the service time's own,
        // for less than the 6 single-slot pods the first knob alone would need.
        #expect(r.winner?.values == ["4", "2"])
        #expect(r.evaluated.first { $0.values == ["4", "1"] }?.feasible == false)
        #expect(r.evaluated.count < r.gridSize)
        #expect(Set(r.evaluated.map(\.values)).count == r.evaluated.count)
    }

    @Test("no setting holds: no winner, and every candidate run is listed with what it broke")
    func nothingHolds() throws {
        let r = try optimizer(["services.api.replicas=1..4"]).run(jobs: 2)
        #expect(r.winner == nil)
        #expect(r.evaluated.count == 1 && r.evaluated[0].values == ["4"])
        #expect(r.cheaperRejected.count == 1)
    }

    @Test("--subject-to slos: a service's slo: becomes a row unless an expect: row already says it")
    func sloRows() throws {
        let text = optimizeScenario.replacingOccurrences(of: "    cost_per_instance_hour: USD 0.05", with: "    cost_per_instance_hour: USD 0.05\n    slo: {latency_p95: 200ms}")
        let rows = Optimizer.sloConstraints(try ScenarioLoader.parse(text, file: "o.yaml"))
        #expect(rows.map(\.name) == ["api latency_p99 below 280ms", "api slo latency_p95 below 200ms"])
    }
}

@Suite("optimize's winner")
struct OptimizeWinnerTests {
    @Test("between equal costs the winner is the setting listed cheaper, not the one whose text sorts first")
    func tieGoesToTheCheaperListed() throws {
        // A CPU target that never bites (no HPA pressure at this load) leaves every cost equal.
        let text = optimizeScenario.replacingOccurrences(of: "    replicas: 5", with: "    replicas: {min: 6, max: 6, initial: 6}\n    autoscaling:\n      hpa: {metrics: [{metric: cpu_utilization, target: 70%}]}")
        let r = try optimizer(["services.api.autoscaling.hpa.metrics[0].target=90%,70%,50%"], text: text).run(jobs: 2)
        #expect(Set(r.evaluated.compactMap { $0.cost?.mean }).count == 1)
        #expect(r.winner?.values == ["90%"])
    }
}
