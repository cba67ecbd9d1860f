import CapsimModel
import Foundation
import Testing
@testable import Simulation

/// The simulator wired to the shared autoscaling policies.
@Suite("Autoscaling inside the simulator")
struct AutoscalingIntegrationTests {
    /// An overloaded service (offered 3× its capacity) holds CPU near 100 %: the seed's
    /// "CPU > 70 % for 5 min → add 2" fires 300 s after the first breaching sample (15 s),
    /// i.e. at 315 s, and not before.
    @Test("a sustained CPU trigger adds 2 instances after exactly 5 minutes")
    func cpuTrigger() throws {
        let s = try load(singleStation(rate: "300/s", serviceTime: "10ms", concurrency: 1, replicas: 1,
                                       extra: """
                                           autoscaling:
                                             triggers: [{metric: cpu_utilization, above: 70%, for: 5m, add: 2, cooldown: 10m}]
                                       """.replacingOccurrences(of: "        ", with: ""),
                                       duration: "10m").replacingOccurrences(of: "replicas: 1\n", with: "replicas: {min: 1, max: 10}\n"))
        let (r, _) = try simulate(s)
        let fired = r.scaling.filter { $0.policy.hasPrefix("trigger[0]") && $0.to > $0.from }
        #expect(fired.count == 1)
        #expect(fired.first?.time == 315)
        #expect(fired.first?.from == 1 && fired.first?.to == 3)
        #expect(r.timeline.first { $0.time == 330 }?.replicas == 3)
        #expect(r.timeline.first { $0.time == 300 }?.replicas == 1)
    }

    @Test("an alert-only trigger raises alerts and scales nothing")
    func alertOnly() throws {
        let s = try load(singleStation(rate: "300/s", serviceTime: "10ms", concurrency: 1, replicas: 1,
                                       extra: "    autoscaling: {triggers: [{metric: cpu_utilization, above: 80%, for: 1m, alert: investigate / vertical scale, cooldown: 2m}]}",
                                       duration: "10m"))
        let (r, _) = try simulate(s)
        #expect(r.services[0].alerts >= 2)
        #expect(r.scaling.allSatisfy { $0.from == $0.to && $0.alert == "investigate / vertical scale" })
        #expect(r.timeline.allSatisfy { $0.replicas == 1 })
    }

    @Test("the HPA scales a service up under a surge, within max, and new pods wait for start-up")
    func hpaSurge() throws {
        let s = try ScenarioLoader.load(path: root.appendingPathComponent("scenarios/teaching/holiday-surge.yaml").path)
        let (r, _) = try simulate(s)
        let pay = r.timeline.filter { $0.service == "payments-service" }
        let before = pay.filter { $0.time < 20 * 60 }.map(\.replicas).max() ?? 0
        let during = pay.filter { $0.time >= 20 * 60 && $0.time < 50 * 60 }.map(\.replicas).max() ?? 0
        #expect(during > before)
        #expect(pay.allSatisfy { $0.replicas <= 10 })
        #expect(pay.contains { $0.starting > 0 })
        #expect(r.scaling.contains { $0.service == "payments-service" && $0.policy == "hpa" && $0.to > $0.from })
    }
}
