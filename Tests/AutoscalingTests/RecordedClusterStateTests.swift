import Testing
@testable import Autoscaling
@testable import CapsimModel

/// Everything a real cluster's recording can hold reaches the HPA through `replay`: pod phases
/// and deletion, the Ready condition's transition time, a sample's timestamp and window, memory,
/// per-pod Pods-metric samples, per-direction tolerance and scaling from zero.
@Suite struct RecordedClusterStateTests {
    @Test func aJSONLinesPodCarriesPhaseDeletionTransitionSampleTimingMemoryAndOwnMetrics() throws {
        let line = """
        {"t": 0, "service": "web", "replicas": 2, "pods": [{"name": "p0", "ready": false, "age": "10m", "phase": "Pending", "deleting": true, "ready_since": "2m", "cpu_request": "250m", "cpu_usage": "300m", "sample_age": "15s", "sample_window": "30s", "memory_request": "512Mi", "memory_usage": "256Mi", "metrics": {"queue_length": 12}}, {"name": "p1", "ready": true, "age": "1h"}]}
        """
        let pods = try ReplayInput.parse(line, file: "m.jsonl").observations[0].observation.pods
        let p0 = pods[0]
        #expect(p0.phase == .pending && p0.deleting && p0.readySince == 120)
        #expect(abs((p0.metricWindow ?? 0) - (600 - 15 - 30)) < 1e-9)   // the window starts at timestamp − window, from the pod's start
        #expect(p0.memoryRequest == 512 * 1024 * 1024 && p0.memoryUsage == 256 * 1024 * 1024)
        #expect(p0.metrics == [.queueLength: 12])
        // Every new field is optional: a pod needs only name, ready and age.
        #expect(pods[1].phase == .running && !pods[1].deleting && pods[1].cpuRequest == nil && pods[1].metrics.isEmpty)
    }

    @Test func csvPodRowsCarryTheSameFieldsAndPerPodMetricSamples() throws {
        let text = """
        t,service,metric,value,pod
        0,web,replicas,1
        0,web,ready,true,p0
        0,web,age,10m,p0
        0,web,phase,Running,p0
        0,web,deleting,false,p0
        0,web,ready_since,9m,p0
        0,web,memory_request,1Gi,p0
        0,web,memory_usage,800Mi,p0
        0,web,queue_length,7,p0
        0,web,in_flight,,p0
        """
        let p = try ReplayInput.parse(text, file: "m.csv").observations[0].observation.pods[0]
        #expect(p.phase == .running && !p.deleting && p.readySince == 540)
        #expect(p.memoryRequest == 1024 * 1024 * 1024 && p.memoryUsage == 800 * 1024 * 1024)
        #expect(p.metrics == [.queueLength: 7])   // an empty value is an absent sample
    }

    @Test func badNewPodFieldsAreLocatedErrors() {
        let line = """
        {"t": 0, "service": "web", "replicas": 1, "pods": [{"name": "p0", "ready": true, "age": "1m", "phase": "Runing", "deleting": "no", "ready_since": "2m", "ready_for": "30s", "memory_usage": "lots", "metrics": {"queue_lenght": 3}}]}
        """
        #expect(problems(line) == [
            "metrics.jsonl:1: error: pods[0].phase: expected a pod phase (Pending, Running, Succeeded or Failed), got \"Runing\"",
            "metrics.jsonl:1: error: pods[0].deleting: expected true or false, got \"no\"",
            "metrics.jsonl:1: error: pods[0].memory_usage: expected a memory quantity like \"512Mi\", got \"lots\"",
            "metrics.jsonl:1: error: pods[0].metrics: unknown metric \"queue_lenght\"; did you mean \"queue_length\"?",
            "metrics.jsonl:1: error: pods[0].ready_since: give ready_since (since the Ready condition's last transition) or the older ready_for, not both",
            "metrics.jsonl:1: error: pods[0].ready_since: the Ready condition changed 2m ago, before the pod started (age 1m)",
        ])
    }

    @Test func aRunningNotReadyPodWithoutASampleIsMissingSoTheScaleDownIsHeld() throws {
        // Upstream groupPods: only Pending pods are unready; a Running pod without a sample is
        // missing and counts at 100 % on a scale-down: (10 + 100 + 100) / 300 = 70 % vs 50 %
        // reverses the direction → keep 3. Read as unready, the scale-down went 3 → 1.
        let s = try webScenario("hpa: {metrics: [{metric: cpu_utilization, target: 50%}], behavior: {scale_down: {stabilization_window: 0s}}}")
        let held = [podJSON("a", usage: "100m"), podJSON("b", ready: false, usage: nil), podJSON("c", ready: false, usage: nil)]
        let d = try #require(decisions(try replay(s, podsLine(0, replicas: 3, held)), "hpa").first).decision
        #expect(d.desired == 3 && d.rule == "steady")
        let pending = [podJSON("a", usage: "100m"), podJSON("b", ready: false, usage: nil, phase: "Pending"), podJSON("c", ready: false, usage: nil, phase: "Pending")]
        let e = try #require(decisions(try replay(s, podsLine(0, replicas: 3, pending)), "hpa").first).decision
        #expect(e.desired == 1)
    }

    @Test func memoryUtilizationIsAResourceMetricOverTheRecordedPods() throws {
        let s = try webScenario("hpa: {metrics: [{metric: memory_utilization, target: 60%}], behavior: {scale_down: {stabilization_window: 0s}}}")
        let pods = (0..<4).map { "{\"name\": \"p\($0)\", \"ready\": true, \"age\": \"1h\", \"memory_request\": \"1Gi\", \"memory_usage\": \"921Mi\"}" }
        let d = try #require(decisions(try replay(s, podsLine(0, replicas: 4, pods)), "hpa").first).decision
        // 921Mi of 1Gi is 89 % (truncated) → ratio 1.48 → ceil(5.93) = 6.
        #expect(d.desired == 6 && d.reason.hasPrefix("memory 89% of request vs target 60%"))
        // Without memory figures the metric is invalid, not zero.
        let none = try #require(decisions(try replay(s, podsLine(0, replicas: 4, [podJSON("p0", usage: "100m")])), "hpa").first).decision
        #expect(none.rule == "no-metrics" && none.reason.contains("missing request for memory in pod p0"))
    }

    @Test func perDirectionToleranceWidensOnlyItsDirection() throws {
        let s = try webScenario("""
        hpa:
          metrics: [{metric: cpu_utilization, target: 50%}]
          behavior: {scale_up: {tolerance: 30%}, scale_down: {stabilization_window: 0s, tolerance: 5%}}
        """)
        // Ratio 1.2: within the scale-up tolerance 30 % → keep.
        let up = try #require(decisions(try replay(s, webLine(0, replicas: 10, ["cpu_utilization": "\"60%\""])), "hpa").first).decision
        #expect(up.rule == "tolerance" && up.desired == 10)
        // Ratio 0.90: outside the scale-down tolerance 5 % (the default 10 % would keep 10) → ceil(9.0) = 9.
        let down = try #require(decisions(try replay(s, webLine(0, replicas: 10, ["cpu_utilization": "\"45%\""])), "hpa").first).decision
        #expect(down.desired == 9 && down.reason.contains("ratio 0.90"))
    }

    @Test func anExternalMetricScalesFromZeroAndBackWithMinReplicasZero() throws {
        let s = try webScenario("""
        hpa:
          metrics: [{metric: queue_length, type: external, target_type: average_value, target: 100}]
          behavior: {scale_down: {stabilization_window: 0s}}
        """, min: 0)
        let text = [webLine(0, replicas: 0, ["queue_length": "350"]), webLine(15, replicas: 4, ["queue_length": "0"])].joined(separator: "\n")
        let hpa = decisions(try replay(s, text), "hpa").map(\.decision)
        #expect(hpa.map(\.desired) == [4, 0])   // ceil(350 / 100) = 4 from zero; an empty queue → 0
    }

    @Test func minReplicasZeroNeedsAnObjectOrExternalMetric() {
        #expect(throws: (any Error).self) { try webScenario("hpa: {metrics: [{metric: cpu_utilization, target: 50%}]}", min: 0) }
    }
}
