import CapsimModel
import Simulation

/// CPU as a cluster measures it, per service: the highest utilisation the HPA read (the mean
/// over ready pods of usage ÷ request, which passes 100 % when pods burst past their request),
/// the most a pod may use (its limit, else its node's spare CPU) against the same request, and
/// the pod time its demand spent above that (throttled). Shared by the Markdown and HTML reports.
enum CPUBreakdown {
    static let header = ["service", "peak CPU (of request)", "request", "most a pod may use", "throttled"]

    /// One row per service of the scenario that the run sampled after warm-up.
    static func rows(_ r: SimulationResult, scenario: Scenario) -> [[String]] {
        r.services.compactMap { s in
            guard let peak = s.cpuPeak, let sv = scenario.services[s.service] else { return nil }
            return [s.service, ChartFormat.percent(peak), "\(sv.resources.requests.cpu)", ceiling(sv, scenario.platform),
                    throttled(s.throttledPodSeconds ?? 0)]
        }
    }

    /// The pod's CPU ceiling ÷ its request (2 for the seed's 250m request and 500m limit).
    static func ceilingRatio(_ sv: Service, _ platform: Platform) -> Double {
        sv.resources.cpuCeiling(node: platform.nodeCPU).millicores / sv.resources.requests.cpu.millicores
    }

    /// "limit 500m = 200%", or "no limit: the node's 2000m = 800%".
    static func ceiling(_ sv: Service, _ platform: Platform) -> String {
        let share = ChartFormat.percent(ceilingRatio(sv, platform))
        if let limit = sv.resources.limits.cpu { return "limit \(limit) = \(share)" }
        return "no limit: the node's \(platform.nodeCPU) = \(share)"
    }

    /// Pod time with CPU demand above the ceiling, after warm-up: "none", or a duration.
    static func throttled(_ seconds: Double) -> String {
        seconds > 0 ? formatDuration(seconds) + " of pod time" : "none"
    }

    static let note = "Peak CPU: the highest sample after warm-up of the mean over ready pods of CPU usage ÷ CPU request, as the HPA reads it. A busy pod bursts past its request up to its limit (with no limit, up to its node's spare CPU, platform.node_cpu), so with a limit above the request a saturated pod reads above 100 % and the HPA asks for up to limit ÷ request ÷ target times the pods in one sync. Demand above that ceiling is throttled: each request's service stretches by demand ÷ ceiling."
}
