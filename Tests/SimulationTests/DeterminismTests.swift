import CapsimModel
import Foundation
import Reporting
import Testing
@testable import Simulation

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Suite("Determinism and common random numbers")
struct DeterminismTests {
    @Test("the same scenario and seed give byte-identical outputs")
    func sameSeedSameBytes() throws {
        let s = try ScenarioLoader.load(path: root.appendingPathComponent("scenarios/teaching/holiday-surge.yaml").path)
        let (a, _) = try simulate(s, duration: 900)
        let (b, _) = try simulate(s, duration: 900)
        #expect(a == b)
        #expect(SimulationRenderer.summaryJSON(a) == SimulationRenderer.summaryJSON(b))
        #expect(SimulationRenderer.timelineCSV(a) == SimulationRenderer.timelineCSV(b))
        #expect(SimulationRenderer.eventsCSV(a) == SimulationRenderer.eventsCSV(b))
        let (c, _) = try simulate(s, seed: 999, duration: 900)
        #expect(a.services != c.services)
    }

    /// Named streams: making payments slower must not change a single draw elsewhere, so the
    /// gateway (upstream, with its own streams) and the route mix are identical to the bit.
    @Test("changing one service leaves every other service's draws unchanged")
    func commonRandomNumbers() throws {
        let yaml = """
        capsim: 1
        name: crn
        services:
          gw: {capacity: {service_time: 2ms, concurrency: 4}, replicas: 2, startup: 0s}
          pay: {capacity: {service_time: 20ms, concurrency: 4}, replicas: 3, startup: 0s}
          shop: {capacity: {service_time: 10ms, concurrency: 4}, replicas: 2, startup: 0s}
        traffic:
          entry: gw
          peak: 200/s
          routes:
            p: {share: 30%, path: [gw, pay]}
            s: {share: 70%, path: [gw, shop]}
        """
        let base = try load(yaml)
        let slower = try load(yaml, overrides: ["services.pay.capacity.service_time=30ms"])
        let (a, _) = try simulate(base, duration: 600)
        let (b, _) = try simulate(slower, duration: 600)
        let gwA = try #require(a.services.first { $0.service == "gw" }), gwB = try #require(b.services.first { $0.service == "gw" })
        let shopA = try #require(a.services.first { $0.service == "shop" }), shopB = try #require(b.services.first { $0.service == "shop" })
        #expect(gwA == gwB)
        #expect(shopA == shopB)
        let payA = try #require(a.services.first { $0.service == "pay" }), payB = try #require(b.services.first { $0.service == "pay" })
        #expect(payA.arrivals == payB.arrivals)
        #expect((payB.latency?.mean ?? 0) > (payA.latency?.mean ?? 0))
    }
}
