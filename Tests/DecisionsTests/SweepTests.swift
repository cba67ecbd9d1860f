import CapsimModel
import Decisions
import Foundation
import Simulation
import Store
import Testing

/// A one-service scenario small enough to sweep in a test: 80/s on 50 ms single-slot pods.
let sweepScenario = """
    capsim: 1
    name: sweep-test
    seed: 3
    traffic:
      entry: api
      peak: 80/s
      routes:
        r: {share: 100%, path: [api]}
    services:
      api:
        capacity: {service_time: 50ms, concurrency: 1}
        replicas: 5
        cost_per_instance_hour: USD 0.05
    simulation: {duration: 4m}
    expect:
      - {service: api, metric: latency_p99, below: 400ms}
    """

func sweepRunner(_ axes: [String], replications: Int = 3, text: String = sweepScenario) throws -> SweepRunner {
    let spec = SweepSpec(axes: axes.map { try! SweepAxis.parse(flag: $0).get() })
    let scenarios = try SweepPoints.load(text: text, file: "sweep-test.yaml", overrides: [], spec: spec)
    return SweepRunner(overrides: [], spec: spec, scenarios: scenarios, scenarioText: text, replications: replications, duration: nil, seed: nil)
}

func temporaryStore(_ name: String) throws -> ResultsStore {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-decisions-\(ProcessInfo.processInfo.processIdentifier)")
    let path = dir.appendingPathComponent(name + ".sqlite").path
    for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) }
    return try ResultsStore(path: path)
}

@Suite("sweeps")
struct SweepTests {
    @Test("the grid crosses the axes, the last varying fastest, and each point is the --set overrides of its values")
    func gridOrder() throws {
        let spec = SweepSpec(axes: [try SweepAxis.parse(flag: "a.b=1,2").get(), try SweepAxis.parse(flag: "c=x,y,z").get()])
        #expect(spec.points == [["1", "x"], ["1", "y"], ["1", "z"], ["2", "x"], ["2", "y"], ["2", "z"]])
        #expect(spec.overrides(["2", "y"]) == ["a.b=2", "c=y"])
    }

    @Test("--vary splits at top-level commas only, so a value may be a YAML mapping or list")
    func varyKeepsFlowValues() throws {
        let a = try SweepAxis.parse(flag: "planning.growth={low: 4%, high: 8%},{low: 6%, high: 10%},[1, 2]").get()
        #expect(a.values.map(\.text) == ["{low: 4%, high: 8%}", "{low: 6%, high: 10%}", "[1, 2]"])
    }

    @Test("--vary refuses a missing '=', an empty list, an empty value and a value listed twice, each in words")
    func varyRefusesBadLists() {
        for (flag, words) in [("nope", "expects path=value1"), ("a.b=", "is empty"), ("a.b=1,,2", "value 2 is empty"), ("a.b=1,2,1", "listed twice")] {
            guard case .failure(let e) = SweepAxis.parse(flag: flag) else { Issue.record("\(flag) was accepted"); continue }
            #expect(e.description.contains(words), "\(e.description)")
        }
    }

    @Test("a sweep: section's bad value is located at the value, an unknown path once at its key, with the key path named")
    func sectionErrorsAreLocated() throws {
        let text = sweepScenario + "\nsweep:\n  vary:\n    services.api.replicas: [5, banana]\n    services.nope.x: [1, 2]\n"
        let s = try ScenarioLoader.parse(text, file: "s.yaml")
        #expect(s.sweep?.axes.map(\.path) == ["services.api.replicas", "services.nope.x"])
        do {
            _ = try SweepPoints.load(text: text, file: "s.yaml", overrides: [], spec: s.sweep!)
            Issue.record("the bad sweep loaded")
        } catch {
            let lines = error.diagnostics.map(\.description)
            #expect(lines.count == 2, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("s.yaml:19:32: error: sweep.vary.services.api.replicas: with the value banana:") }, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("s.yaml:20:5: error: sweep.vary.services.nope.x: no such place") }, "\(lines)")
        }
    }

    @Test("an empty vary list, and replications out of range, are located errors in the sweep: section")
    func sectionShapeErrors() {
        let text = sweepScenario + "\nsweep:\n  replications: 0\n  vary:\n    services.api.replicas: []\n"
        #expect(throws: ScenarioErrors.self) { try ScenarioLoader.parse(text, file: "s.yaml") }
        do { _ = try ScenarioLoader.parse(text, file: "s.yaml") } catch {
            let lines = error.diagnostics.map(\.description)
            #expect(lines.contains { $0.contains("s.yaml:18:17: error: sweep.replications: expected 1 to 10000") }, "\(lines)")
            #expect(lines.contains { $0.contains("sweep.vary.services.api.replicas: the list of values is empty") }, "\(lines)")
        }
    }

    @Test("common random numbers: a knob that changes only the price leaves every latency identical and doubles the cost")
    func commonRandomNumbers() throws {
        let (_, rows) = try sweepRunner(["services.api.cost_per_instance_hour=USD 0.05,USD 0.10"]).run(jobs: 2, store: nil, capsimVersion: "t", now: { "t" })
        #expect(rows.count == 6)
        for rep in 0..<3 {
            let a = rows.first { $0.point == 0 && $0.replication == rep }!, b = rows.first { $0.point == 1 && $0.replication == rep }!
            #expect(a.metrics.seed == b.metrics.seed)
            for (x, y) in zip(a.metrics.rows, b.metrics.rows) {
                if x.metric.hasPrefix("cost_") { #expect(abs((y.value ?? 0) - 2 * (x.value ?? 0)) < 1e-9, "\(x.subject) \(x.metric)") } else { #expect(x == y) }
            }
        }
        #expect(Set(rows.map(\.metrics.seed)).count == 3)
    }

    @Test("more replicas at the same load: p99 falls at every replication seed, and the summary's CI is Student t over the point's replications")
    func summaryPerPoint() throws {
        let runner = try sweepRunner(["services.api.replicas=5,7"], replications: 4)
        let (_, rows) = try runner.run(jobs: 2, store: nil, capsimVersion: "t", now: { "t" })
        let p99 = { (p: Int, r: Int) in rows.first { $0.point == p && $0.replication == r }!.metrics.rows.first { $0.subject == "service api" && $0.metric == "latency_p99" }!.value! }
        for r in 0..<4 { #expect(p99(1, r) < p99(0, r)) }
        let summary = SweepSummary(runner.definition, rows: rows)
        let e = summary.points[0].metrics.rows.first { $0.subject == "service api" && $0.metric == "latency_p99" }!.estimate!
        #expect(e == Estimate((0..<4).map { p99(0, $0) }))
        #expect(summary.points.map(\.values) == [["5"], ["7"]])
    }

    @Test("--jobs changes the wall time, never a byte: 1 and 2 workers give equal replications")
    func jobsDoNotChangeResults() throws {
        let runner = try sweepRunner(["services.api.replicas=5,6"], replications: 2)
        let one = try runner.run(jobs: 1, store: nil, capsimVersion: "t", now: { "t" }).replications
        let two = try runner.run(jobs: 2, store: nil, capsimVersion: "t", now: { "t" }).replications
        #expect(one == two)
    }

    @Test("a window the run never reaches is counted as not judged, apart from the runs that broke the row")
    func unjudgedRows() throws {
        let text = sweepScenario.replacingOccurrences(of: "  routes:", with: "  surges:\n    - {name: late, at: 30m, duration: 5m, multiplier: 2}\n  routes:")
            + "\n  - {route: r, metric: latency_p99, below: 1s, during: late}\n"
        let runner = try sweepRunner(["services.api.replicas=5"], replications: 2, text: text)
        let (_, rows) = try runner.run(jobs: 1, store: nil, capsimVersion: "t", now: { "t" })
        #expect(rows.allSatisfy { $0.expectations.map(\.verdict) == [.held, .notMeasured] })
        let tally = SweepSummary(runner.definition, rows: rows).points[0].expectations[1]
        #expect(tally.held.n == 0 && tally.notMeasured == 2)
    }
}
