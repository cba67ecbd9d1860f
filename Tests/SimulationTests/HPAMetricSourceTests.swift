import CapsimModel
import Foundation
import Testing
@testable import Simulation

/// 392 requests/s on pods far from saturation (10 ms, 8 slots: 800/s each), 4 pods to start,
/// an HPA on throughput with the metric source and target given, max 50. 392, not 400: a
/// 15-second sample of a Poisson 400/s reads 400 ± 1.3 %, and Kubernetes' ceil takes 400.4/s at
/// 50/s per pod to 9 pods as surely as capsim does; at 392/s every sample asks for 8.
func throughputHPA(_ metric: String, startup: String = "0s") -> String {
    """
    capsim: 1
    name: per-pod
    services:
      s:
        capacity: {service_time: 10ms, concurrency: 8}
        replicas: {min: 1, max: 50, initial: 4}
        startup: \(startup)
        autoscaling:
          hpa: {metrics: [\(metric)]}
    traffic:
      entry: s
      peak: 392/s
      hop_latency: 0s
      routes:
        all: {share: 100%, path: [s]}
    simulation: {duration: 10m}
    """
}

@Suite("HPA metric sources in simulate")
struct HPAMetricSourceTests {
    func replicas(_ metric: String, startup: String = "0s") throws -> (final: Int, max: Int) {
        let (r, _) = try simulate(try load(throughputHPA(metric, startup: startup)))
        let s = r.services.first { $0.service == "s" }!
        return (r.timeline.last { $0.service == "s" }!.replicas, s.maxReplicas)
    }

    @Test("a Pods metric is the average over the ready pods: 392/s at 50/s per pod settles at 8, as Kubernetes would, not at max")
    func podsMetricSettles() throws {
        let (final, peak) = try replicas("{metric: throughput, target: 50/s}")
        #expect(final == 8)
        #expect(peak == 8)
    }

    @Test("pods that start slowly: the unready ones count at zero while they start, and the service still settles at 8")
    func podsMetricWithStartup() throws {
        let (final, peak) = try replicas("{metric: throughput, target: 50/s}", startup: "40s")
        #expect(final == 8)
        #expect(peak <= 9)
    }

    @Test("an External metric with an AverageValue target asks for ceil(total ÷ target): 392/s at 50/s is 8")
    func externalAverageValue() throws {
        let (final, _) = try replicas("{metric: throughput, target: 50/s, type: external, target_type: average_value}")
        #expect(final == 8)
    }

    @Test("an Object metric with a Value target compares the service's total with it: 392/s against 400/s keeps the 4 pods")
    func objectValueWithinTolerance() throws {
        let (final, peak) = try replicas("{metric: throughput, target: 400/s, type: object}")
        #expect(final == 4 && peak == 4)
    }

    @Test("an Object Value target multiplies the ready pods by total ÷ target each sync, so a total the pods cannot change runs to max, as upstream does")
    func objectValueRunsAway() throws {
        let (final, _) = try replicas("{metric: throughput, target: 200/s, type: object}")
        #expect(final == 50)
    }

    @Test("the metric source is checked: CPU takes no type, a pods metric takes no target_type, and an unknown type is named")
    func sourceErrors() {
        for (metric, words) in [("{metric: cpu_utilization, target: 70%, type: pods}", "cpu_utilization is a Resource metric"),
                                ("{metric: throughput, target: 50/s, target_type: value}", "a pods metric's target is always an average per pod"),
                                ("{metric: throughput, target: 50/s, type: custom}", "expected one of resource, pods, object, external")] {
            do { _ = try load(throughputHPA(metric)); Issue.record("\(metric) was accepted") } catch {
                #expect("\(error)".contains(words), "\(error)")
            }
        }
    }
}
