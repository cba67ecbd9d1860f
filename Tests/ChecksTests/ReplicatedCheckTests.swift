import CapsimModel
import Testing
@testable import Checks

/// `check --replications`: a row's verdict is the share of replications in which it held,
/// against its `holds_in`.
@Suite("Checks over replications")
struct ReplicatedCheckTests {
    static func row(_ holdsIn: Double?) -> CapsimModel.Expectation {
        var e = CapsimModel.Expectation(name: "all latency_p99 below 1s", target: nil, kind: .metric(.latencyP99, .below, 1), route: "all")
        e.holdsIn = holdsIn
        return e
    }

    static func runs(held: Int, of n: Int) -> [[CheckOutcome]] {
        (0..<n).map { i in [CheckOutcome(name: "all latency_p99 below 1s", passed: i < held, detail: "observed \(i)")] }
    }

    @Test("without holds_in a row must hold in every replication; with it, in at least that share")
    func shares() {
        #expect(ExpectationOdds.verdicts([Self.row(nil)], runs: Self.runs(held: 10, of: 10))[0].passed)
        #expect(!ExpectationOdds.verdicts([Self.row(nil)], runs: Self.runs(held: 9, of: 10))[0].passed)
        #expect(ExpectationOdds.verdicts([Self.row(0.9)], runs: Self.runs(held: 9, of: 10))[0].passed)
        #expect(!ExpectationOdds.verdicts([Self.row(0.95)], runs: Self.runs(held: 9, of: 10))[0].passed)
    }

    @Test("the verdict says how often it held, the Wilson interval, what it needed, and replication 1's observation")
    func detail() {
        let v = ExpectationOdds.verdicts([Self.row(0.9)], runs: Self.runs(held: 9, of: 10))[0]
        #expect(v.name == "all latency_p99 below 1s in ≥ 90% of replications")
        #expect(v.detail == "held in 9 of 10 replications (90%; 95 % interval 60%–98%); needs at least 90%; replication 1: observed 0")
    }

    @Test("holds_in is read as a share and must be above 0 % and at most 100 %")
    func decoding() throws {
        func yaml(_ h: String) -> String {
            """
            capsim: 1
            name: h
            services:
              s: {capacity: {service_time: 10ms, concurrency: 1}, replicas: 1}
            traffic: {entry: s, peak: 10/s, routes: {all: {share: 100%, path: [s]}}}
            expect:
              - {route: all, metric: latency_p99, below: 1s, holds_in: \(h)}
            """
        }
        #expect(try ScenarioLoader.parse(yaml("95%"), file: "h.yaml").expectations[0].holdsIn == 0.95)
        #expect(throws: (any Error).self) { try ScenarioLoader.parse(yaml("0%"), file: "h.yaml") }
        #expect(throws: (any Error).self) { try ScenarioLoader.parse(yaml("120%"), file: "h.yaml") }
    }
}
