import Foundation
import Testing
@testable import Autoscaling
@testable import CapsimModel

// Builders shared by the Autoscaling tests. Vectors (V…) and rules (R…) refer to
// docs/hpa-reference.md.

/// A pod past the CPU initialization period, ready for a long time, request 1000m.
func pod(_ name: String, usage: Double?, request: Double = 1000, ready: Bool = true, age: Double = 3600,
         readyFor: Double? = 3500, metricWindow: Double? = nil, phase: PodPhase = .running, readySince: Double? = nil) -> PodSample {
    var p = PodSample(name: name, ready: ready, age: age, readyFor: readyFor, cpuRequest: request, cpuUsage: usage, metricWindow: metricWindow)
    p.phase = phase
    p.readySince = readySince
    return p
}

/// `n` identical ready pods.
func pods(_ n: Int, usage: Double, request: Double = 1000) -> [PodSample] {
    (0..<n).map { pod("p\($0)", usage: usage, request: request) }
}

/// `n` ready pods sharing `total` millicores of usage (whole millicores, remainder on the first pods).
func podsSharing(_ total: Int, over n: Int, request: Double = 1000) -> [PodSample] {
    (0..<n).map { i in pod("p\(i)", usage: Double(total / n + (i < total % n ? 1 : 0)), request: request) }
}

func rules(window: Double, select: SelectPolicy = .max, _ policies: [HPAPolicy]) -> HPAScalingRules {
    HPAScalingRules(stabilizationWindow: window, selectPolicy: select, policies: policies)
}

func podsPolicy(_ value: Int, per period: Double) -> HPAPolicy { HPAPolicy(type: .pods, value: Double(value), period: period) }
func percentPolicy(_ fraction: Double, per period: Double) -> HPAPolicy { HPAPolicy(type: .percent, value: fraction, period: period) }

/// The autoscaling/v2 default behavior written out explicitly (R4.7).
let defaultBehavior = HPABehavior(scaleUp: HPABehavior.kubernetesDefault.scaleUp,
                                  scaleDown: HPABehavior.kubernetesDefault.scaleDown, explicit: true)
/// No `behavior` block: the legacy path.
let noBehavior = HPABehavior.kubernetesDefault

func makeHPA(cpu target: Double? = 0.5, others: [HPAMetric] = [], tolerance: Double = 0.1,
             behavior: HPABehavior = noBehavior, cpuInit: Double = 300, readinessDelay: Double = 30) -> HPA {
    let cpu = target.map { [HPAMetric(metric: .cpuUtilization, target: $0)] } ?? []
    return HPA(metrics: cpu + others, syncPeriod: 15, tolerance: tolerance, behavior: behavior,
               cpuInitializationPeriod: cpuInit, initialReadinessDelay: readinessDelay)
}

func makeController(_ hpa: HPA, min: Int = 1, max: Int = 100, initial: Int = 1) -> HPAController {
    HPAController(hpa: hpa, replicas: Replicas(min: min, max: max, initial: initial), service: "web")
}

func obs(_ t: Double, _ replicas: Int, _ pods: [PodSample] = [], metrics: [Metric: Double] = [:]) -> Observation {
    Observation(time: t, service: "web", replicas: replicas, pods: pods, metrics: metrics)
}

/// Runs the controller every 15 s over `times`, applying each decision as the caller does;
/// `load(n)` gives the pods for `n` replicas. Returns the decisions in order.
func drive(_ c: inout HPAController, from start: Int, times: StrideThrough<Double>,
           load: (Int) -> [PodSample]) -> [Decision] {
    var replicas = start
    var out: [Decision] = []
    for t in times {
        let d = c.reconcile(obs(t, replicas, load(replicas)))
        out.append(d)
        replicas = d.desired
    }
    return out
}

/// The decision at time `t` among `ds`.
func at(_ t: Double, _ ds: [Decision]) -> Decision? { ds.first { $0.time == t } }

/// A calculator with upstream defaults (tolerance 0.1, cpuInit 5 min, readiness delay 30 s).
func calculator(tolerance: Double = 0.1, cpuInit: Double = 300, readinessDelay: Double = 30) -> ReplicaCalculator {
    ReplicaCalculator(tolerances: Tolerances(tolerance), cpuInitializationPeriod: cpuInit, initialReadinessDelay: readinessDelay)
}

/// The repository root (for the bundled scenarios).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func bundledScenario(_ relative: String) throws -> Scenario {
    try ScenarioLoader.load(path: repositoryRoot.appendingPathComponent(relative).path)
}
