import CapsimModel
import Foundation
import Testing
@testable import Checks
@testable import Simulation

func run(_ yaml: String, overrides: [String] = [], duration: Double = 600) throws -> (Scenario, SimulationResult) {
    let s = try ScenarioLoader.parse(yaml, file: "t.yaml", overrides: overrides)
    var o = SimulationOptions(scenario: s)
    o.duration = duration
    return (s, try Simulator(scenario: s, options: o).run())
}

let surge = """
capsim: 1
name: surge
services:
  web:
    capacity: {service_time: 20ms, concurrency: 4}
    replicas: {min: 2, max: 6}
    startup: 20s
    slo: {latency_p99: 500ms}
    autoscaling:
      hpa: {metrics: [{metric: cpu_utilization, target: 70%}]}
traffic:
  entry: web
  peak: 200/s
  surges: [{name: spike, at: 3m, duration: 4m, multiplier: 2.5}]
  routes:
    all: {share: 100%, path: [web]}
expect:
  - {service: web, scales_up_within: 2m, after: spike}
  - {service: web, metric: replicas, at_most: 6}
  - {service: web, metric: latency_p99, below: 1ms}
  - {service: web, metric: dropped, equals: 0}
  - {no_alert: web}
"""

@Suite("check: expectations, baselines, JUnit")
struct ChecksTests {
    @Test("expectations pass and fail on what the run did, with the observed value")
    func expectations() throws {
        let (s, r) = try run(surge)
        let out = ExpectationChecker.check(s.expectations, scenario: s, result: r)
        #expect(out.map(\.passed) == [true, true, false, true, true])
        #expect(out[2].detail.hasPrefix("observed "))
        #expect(out[2].detail.hasSuffix("expected below 1ms"))
        #expect(out[0].detail.contains("after spike began"))
    }

    @Test("a scale-up that never comes fails the timing expectation")
    func neverScales() throws {
        let (s, r) = try run(surge, overrides: ["services.web.replicas.max=2"])
        let out = ExpectationChecker.check(s.expectations, scenario: s, result: r)
        #expect(out[0].passed == false)
        #expect(out[0].detail == "web never scaled up after spike began at 03:00")
    }

    @Test("a run compared with its own baseline passes every comparison")
    func sameBaseline() throws {
        let (_, r) = try run(surge)
        let b = try Baseline.decode(Data(Baseline(r).json().utf8))
        #expect(b == Baseline(r))
        let out = BaselineComparator.compare(r, with: b, tolerance: 0.1)
        #expect(out.allSatisfy { $0.passed })
        #expect(out.last?.detail.hasSuffix("identical") == true)
    }

    /// A trigger regression: a lower HPA target changes when and how far it scales; the
    /// comparison names the first decision that differs.
    @Test("a changed scaling policy fails the baseline at the first differing decision")
    func triggerRegression() throws {
        let (_, before) = try run(surge)
        let (_, after) = try run(surge, overrides: ["services.web.autoscaling.hpa.metrics[0].target=50%"])
        let out = BaselineComparator.compare(after, with: Baseline(before), tolerance: 0.1)
        let decisions = try #require(out.last)
        #expect(decisions.name == "scaling decisions match the baseline")
        #expect(!decisions.passed)
        #expect(decisions.detail.hasPrefix("decision 1 differs: baseline "))
    }

    @Test("a slower service regresses its latency beyond the tolerance")
    func latencyRegression() throws {
        // Steady load (no surge), so latency is the service's own, not a backlog's.
        let (_, before) = try run(surge, overrides: ["traffic.surges[0].multiplier=1"])
        let (_, after) = try run(surge, overrides: ["traffic.surges[0].multiplier=1", "services.web.capacity.service_time=30ms"])
        let out = BaselineComparator.compare(after, with: Baseline(before), tolerance: 0.1)
        let p99 = try #require(out.first { $0.name == "web latency p99 within 10% of baseline" })
        #expect(!p99.passed)
    }

    @Test("a baseline from another seed is refused, not compared")
    func incomparable() throws {
        let (_, r) = try run(surge)
        let s = try ScenarioLoader.parse(surge, file: "t.yaml")
        var o = SimulationOptions(scenario: s)
        o.duration = 600
        o.seed = 77
        let other = try Simulator(scenario: s, options: o).run()
        let out = BaselineComparator.compare(other, with: Baseline(r), tolerance: 0.1)
        #expect(out.count == 1 && !out[0].passed)
    }

    @Test("JUnit XML counts tests and failures and escapes text")
    func junit() {
        let xml = JUnit.xml([JUnit.Suite(name: "a&b.yaml", outcomes: [
            CheckOutcome(name: "p99 < 1s", passed: false, detail: "observed 2s \"slow\""),
            CheckOutcome(name: "ok", passed: true, detail: "fine"),
        ], seconds: 1.5)])
        #expect(xml.contains("<testsuites name=\"capsim check\" tests=\"2\" failures=\"1\">"))
        #expect(xml.contains("name=\"a&amp;b.yaml\""))
        #expect(xml.contains("<failure message=\"observed 2s &quot;slow&quot;\">"))
        #expect(xml.contains("name=\"p99 &lt; 1s\""))
        let parser = XMLParser(data: Data(xml.utf8))
        #expect(parser.parse())
    }
}

#if canImport(FoundationXML)
import FoundationXML
#endif
