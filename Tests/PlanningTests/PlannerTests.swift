import CapsimModel
import Foundation
import Testing
@testable import Planning

func scenario(_ yaml: String) throws -> Scenario {
    try ScenarioLoader.parse(yaml, file: "test.yaml")
}

/// One service, 1000 req/s, 100 req/s per instance; factors filled in by each test.
func oneService(growth: String = "10%", seasonal: String = "2.0", feature: String = "1.3", safety: String = "2.5",
                extra: String = "", serviceExtra: String = "") -> String {
    """
    capsim: 1
    name: one
    currency: {etb_per_usd: 150}
    planning:
      horizons: [6, 12]
      growth: \(growth)
      seasonal_factor: \(seasonal)
      feature_interaction_factor: \(feature)
      safety_factor: \(safety)
    \(extra)
    services:
      web:
        peak: 1000/s
        capacity: 100/s
        replicas: {min: 2, max: 10}
        cost_per_instance_hour: USD 0.02
        # Limit = request: a saturated pod uses its request, so the HPA's 70 % is 70 % busy.
        resources: {requests: {cpu: 250m}, limits: {cpu: 250m}}
        autoscaling: {hpa: {metrics: [{metric: cpu_utilization, target: 70%}]}}
    \(serviceExtra)
    """
}

@Suite("The capacity formula")
struct PlannerTests {
    @Test("a pod that bursts to a limit above its request reaches its HPA's CPU target less busy, and the plan counts that")
    func burstingPodsAreCountedAtTheBusyShareOfTheTarget() throws {
        let burst = oneService().replacingOccurrences(of: "limits: {cpu: 250m}", with: "limits: {cpu: 500m}")
        let r6 = try #require(Planner.plan(try scenario(burst)).rows.first { $0.months == 6 })
        let same = try #require(Planner.plan(try scenario(oneService())).rows.first { $0.months == 6 })
        // CPU per request = 500m ÷ 100/s; 70 % of the 250m request is reached at 35 % of capacity.
        #expect(abs(r6.targetUtilization - 0.35) < 1e-12 && abs(same.targetUtilization - 0.70) < 1e-12)
        #expect(r6.instancesRequired == Int((r6.requiredRps / (100 * 0.35)).rounded(.up)))
        // planning.target_utilization is the user's busy share, taken as written.
        let stated = try #require(Planner.plan(try scenario(oneService(extra: "  target_utilization: 70%").replacingOccurrences(of: "limits: {cpu: 250m}", with: "limits: {cpu: 500m}")))
            .rows.first { $0.months == 6 })
        #expect(stated.targetUtilization == 0.7)
    }

    @Test("required load is peak × (1+g)^months × seasonal × feature × safety, by hand")
    func formulaByHand() throws {
        let plan = Planner.plan(try scenario(oneService()))
        let r6 = try #require(plan.rows.first { $0.months == 6 })
        // 1.1^6 = 1.771561; × 2 × 1.3 × 2.5 = × 6.5 → 11515.1465 req/s.
        #expect(abs(r6.growthMultiplier - 1.771561) < 1e-9)
        #expect(abs(r6.requiredRps - 11_515.1465) < 1e-6)
        // At 70 % of 100 req/s per instance: 11515.1465 / 70 = 164.5 → 165 instances.
        #expect(r6.instancesRequired == 165)
        #expect(r6.exceedsMax)
        #expect(r6.steps.map(\.rps).last == r6.requiredRps)
        #expect(r6.steps.count == 5)
        // 165 × USD 0.02 × ETB 150 × 730 h = ETB 361,350.
        #expect(abs(try #require(r6.monthlyCostEtb) - 361_350) < 1e-6)
        #expect(abs(try #require(r6.monthlyCostUsd) - 2409) < 1e-6)
        let r12 = try #require(plan.rows.first { $0.months == 12 })
        #expect(abs(r12.requiredRps - 1000 * pow(1.1, 12) * 6.5) < 1e-6)
        #expect(plan.warnings.contains("web needs 165 instances at month 6 in the seasonal peak; HPA max is 10"))
    }

    @Test("instances never fall below min replicas, and a fitting plan raises no warning")
    func minReplicasFloor() throws {
        let plan = Planner.plan(try scenario(oneService(growth: "0%", seasonal: "1", feature: "1", safety: "1")))
        // 1000 / 70 = 14.3 → 15 > max 10; with peak 100 it would be 2 (the min).
        #expect(plan.rows[0].instancesRequired == 15)
        let small = try scenario(oneService(growth: "0%", seasonal: "1", feature: "1", safety: "1").replacingOccurrences(of: "peak: 1000/s", with: "peak: 50/s"))
        let p2 = Planner.plan(small)
        #expect(p2.rows.allSatisfy { $0.instancesRequired == 2 && !$0.exceedsMax })
        #expect(p2.warnings.isEmpty)
    }

    @Test("a service's own planning factors override the platform's")
    func perServiceOverride() throws {
        let yaml = oneService().replacingOccurrences(of: "cost_per_instance_hour: USD 0.02", with: "cost_per_instance_hour: USD 0.02\n    planning: {seasonal_factor: 3.0}")
        let r = Planner.plan(try scenario(yaml)).rows[0]
        #expect(r.seasonalFactor == 3.0)
        #expect(r.safetyFactor == 2.5)
    }

    @Test("exact inputs take no draws and report no percentiles")
    func exactInputs() throws {
        let plan = Planner.plan(try scenario(oneService()))
        #expect(plan.draws == 0)
        #expect(plan.rows.allSatisfy { $0.uncertainty == nil })
    }

    /// With only the safety factor uncertain (triangular 2..3, mode 2.5), required load is
    /// base × safety, so its percentiles are base × the triangular quantiles:
    /// p10 = 2 + √0.05, p50 = 2.5, p90 = 3 − √0.05. With n = 10⁵ draws the sample quantile's
    /// standard error is √(p(1−p)/n)/f(x_p) ≈ 0.0011 at p10/p90 (density 0.894) and 0.0008 at
    /// p50 (density 2): the tolerance 0.006 on the factor is over 5 standard errors.
    @Test("ranges give p10/p50/p90 matching the triangular distribution's quantiles")
    func percentilesForRanges() throws {
        let plan = Planner.plan(try scenario(oneService(safety: "2.0..3.0")), draws: 100_000)
        #expect(plan.draws == 100_000)
        let r = try #require(plan.rows.first { $0.months == 6 })
        let base = 1000 * pow(1.1, 6) * 2 * 1.3
        let u = try #require(r.uncertainty)
        #expect(abs(u.requiredRps.p10 / base - (2 + 0.05.squareRoot())) < 0.006)
        #expect(abs(u.requiredRps.p50 / base - 2.5) < 0.006)
        #expect(abs(u.requiredRps.p90 / base - (3 - 0.05.squareRoot())) < 0.006)
        #expect(u.instancesRequired.p10 <= u.instancesRequired.p50 && u.instancesRequired.p50 <= u.instancesRequired.p90)
        let total = try #require(plan.totals.first { $0.months == 6 }?.uncertainty)
        let cost = try #require(total.monthlyCostEtb)
        #expect(cost.p90 > cost.p10)
    }

    @Test("Monte Carlo is deterministic per seed and changes with the seed")
    func determinism() throws {
        let a = Planner.plan(try scenario(oneService(growth: "{low: 4%, mid: 8%, high: 12%}")), draws: 2000)
        let b = Planner.plan(try scenario(oneService(growth: "{low: 4%, mid: 8%, high: 12%}")), draws: 2000)
        #expect(a == b)
        let c = Planner.plan(try scenario("seed: 99\n" + oneService(growth: "{low: 4%, mid: 8%, high: 12%}")), draws: 2000)
        #expect(a.rows[0].uncertainty != c.rows[0].uncertainty)
    }

    @Test("Erlang C sizing: the M/M/10 teaching case needs 10 servers for a 2 s mean response")
    func queueingSizing() throws {
        let yaml = """
        capsim: 1
        name: mmc
        services:
          counter:
            peak: 9/s
            capacity: {service_time: 1s, concurrency: 1}
            replicas: 20
            queue: {discipline: shared}
            slo: {latency_mean: 2s}
        """
        let q = try #require(Planner.plan(try scenario(yaml)).rows[0].queueing)
        // At 10 servers W = 1.6687 s ≤ 2 s; at 9 servers the queue is unstable (ρ = 1).
        #expect(q.instancesRequired == 10)
        #expect(abs((q.predictedLatencySeconds ?? 0) - 1.66871) < 1e-4)
        #expect(q.explanation.contains("needs 10 instances"))
    }

    @Test("an SLO below the service time's own percentile is reported unreachable")
    func unreachableSLO() throws {
        let yaml = """
        capsim: 1
        name: slow
        services:
          slow:
            peak: 10/s
            capacity: {service_time: 100ms, concurrency: 4}
            replicas: {min: 1, max: 50}
            slo: {latency_p99: 300ms}
        """
        // Exponential 100 ms: p99 = −ln(0.01) × 100 ms = 460.5 ms > 300 ms.
        let q = try #require(Planner.plan(try scenario(yaml)).rows[0].queueing)
        #expect(q.instancesRequired == nil)
        #expect(q.explanation.contains("No instance count meets p99 ≤ 300ms"))
    }

    @Test("per-instance queues need at least as many instances as one shared queue")
    func perInstanceQueuesCostMore() throws {
        func sized(_ discipline: String) throws -> Int? {
            try Planner.plan(try scenario("""
            capsim: 1
            name: q
            services:
              s:
                peak: 900/s
                capacity: {service_time: 20ms, concurrency: 4}
                replicas: {min: 1, max: 100}
                queue: {discipline: \(discipline)}
                slo: {latency_p99: 150ms}
            """)).rows[0].queueing?.instancesRequired
        }
        let shared = try #require(try sized("shared")), perInstance = try #require(try sized("per-instance"))
        #expect(perInstance >= shared)
        #expect(perInstance > shared)
    }

    @Test("10⁴ draws over the bundled platform produce a plan for every service and horizon")
    func bundledScenario() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let s = try ScenarioLoader.load(path: root.appendingPathComponent("scenarios/stan-store-et.yaml").path)
        let plan = Planner.plan(s)
        #expect(plan.draws == 10_000)
        #expect(plan.rows.count == s.services.count * 2)
        #expect(plan.rows.first { $0.service == "api-gateway" && $0.months == 6 }?.currentPeakRps == 10_000)
    }
}

@Suite("Per-service planning factors")
struct ServiceFactorTests {
    @Test("a factor a service leaves out is absent (nil), and resolves to the platform's; one it writes is its own")
    func absentFactorsAreNilNotASentinel() throws {
        let yaml = oneService().replacingOccurrences(of: "cost_per_instance_hour: USD 0.02\n",
                                                     with: "cost_per_instance_hour: USD 0.02\n    planning: {safety_factor: 3.0}\n")
        let s = try scenario(yaml)
        let web = try #require(s.services["web"])
        #expect(web.factors.growthMonthly == nil && web.factors.seasonal == nil && web.factors.featureInteraction == nil)
        #expect(web.factors.safety?.mid == 3.0)
        let resolved = web.factors.resolved(over: s.planning.factors)
        #expect(resolved.safety.mid == 3.0 && resolved.growthMonthly == s.planning.factors.growthMonthly)
    }
}
