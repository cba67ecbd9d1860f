import CapsimModel
import Foundation
import Planning
import Reporting
import Simulation
import Testing
@testable import PlanVerification

/// `plan --verify`: the horizon copy's traffic and fleet, and verdicts that follow from the runs.
@Suite("Plan verified by simulation")
struct PlanVerificationTests {
    /// One service: 80 req/s per pod (4 slots × 50 ms exponential), an HPA at 70 % CPU, 100 req/s
    /// today. Month 6 projects 100 × 1.05⁶ × 1.5 × 1.2 = 241.2 req/s before the safety factor.
    /// Its CPU limit is its request, so the HPA's 70 % is the planner's 70 % busy.
    static func yaml(safety: String = "3", target: String = "", slo: String = "latency_p99: 1s", surge: String = "") -> String {
        """
        capsim: 1
        name: verify-test
        seed: 5
        planning:
          horizons: [6]
          growth: 5%
          seasonal_factor: 1.5
          feature_interaction_factor: 1.2
          safety_factor: \(safety)
        \(target)
        traffic:
          entry: s
          peak: 100/s
          hop_latency: 0s
          \(surge)
          routes:
            all: {share: 100%, path: [s]}
        services:
          s:
            capacity: {service_time: {distribution: exponential, mean: 50ms}, concurrency: 4}
            resources: {requests: {cpu: 250m}, limits: {cpu: 250m}}
            replicas: {min: 2, max: 4, initial: 2}
            startup: 10s
            slo: {\(slo)}
            cost_per_instance_hour: USD 0.10
            autoscaling:
              hpa: {metrics: [{metric: cpu_utilization, target: 70%}]}
        simulation: {duration: 10m, warmup: 2m}
        """
    }

    static func verify(_ yaml: String, replications: Int = 3, jobs: Int = 2) throws -> (CapacityPlan, PlanVerification) {
        let s = try ScenarioLoader.parse(yaml, file: "test.yaml", overrides: [])
        let plan = Planner.plan(s)
        return (plan, try PlanVerifier.verify(s, plan: plan, options: SimulationOptions(scenario: s), replications: replications, jobs: jobs))
    }

    @Test("the horizon copy's rate is peak × growth^months × seasonal × feature, without safety; max raised to the plan, min kept, initial for the opening rate")
    func copyScalesTrafficWithoutSafety() throws {
        let s = try ScenarioLoader.parse(Self.yaml(), file: "test.yaml", overrides: [])
        let plan = Planner.plan(s)
        let runs = PlanVerifier.runs(s, plan: plan, now: Date())
        #expect(runs.count == 1)
        let copy = try #require(runs.first?.scenario)
        let traffic = try #require(copy.traffic)
        let expected = 100 * pow(1.05, 6) * 1.5 * 1.2
        #expect(abs(traffic.peak * traffic.multiplier - expected) < 1e-9 * expected)
        let row = try #require(plan.rows.first)
        #expect(abs(row.requiredRps - expected * 3) < 1e-9 * expected, "the plan's own rate carries the safety factor")
        let sv = try #require(copy.services["s"])
        #expect(sv.replicas.max == row.instancesRequired && row.instancesRequired > 4)
        #expect(sv.replicas.min == 2 && sv.replicas.initial == 5, "241 req/s at the start ÷ 56 req/s per pod at 70 %, rounded up")
        let quiet = try ScenarioLoader.parse(Self.yaml(), file: "test.yaml", overrides: ["traffic.profile={kind: points, points: [{at: 0m, multiplier: 0.5}, {at: 5m, multiplier: 1}]}"])
        let opening = try #require(PlanVerifier.runs(quiet, plan: Planner.plan(quiet), now: Date()).first?.scenario.services["s"])
        #expect(opening.replicas.initial == 3, "half the rate at the start: 120.6 ÷ 56")
    }

    @Test("a season the plan raised to a larger surge is not multiplied twice: the copy scales by the seasonal factor and replays the surge")
    func surgeIsNotCountedTwice() throws {
        let surge = "surges: [{name: flash, at: 4m, duration: 2m, ramp: 0s, multiplier: 3}]"
        let s = try ScenarioLoader.parse(Self.yaml(surge: surge), file: "test.yaml", overrides: [])
        let plan = Planner.plan(s)
        let row = try #require(plan.rows.first)
        #expect(row.boundBySurge == "flash" && row.seasonalFactor == 3)
        let copy = try #require(PlanVerifier.runs(s, plan: plan, now: Date()).first?.scenario.traffic)
        #expect(abs(copy.multiplier - pow(1.05, 6) * 1.5 * 1.2) < 1e-12)
        #expect(copy.surges == s.traffic?.surges)
    }

    @Test("services whose own factors differ are judged in runs of their own multiplier; a fixed service runs the plan's count; databases get the plan's cores")
    func perServiceRunsAndProvisioning() throws {
        let s = try ScenarioLoader.parse("""
            capsim: 1
            name: two-rates
            planning: {horizons: [6], growth: 5%, safety_factor: 2}
            traffic:
              entry: a
              peak: 100/s
              hop_latency: 0s
              routes:
                all: {share: 100%, path: [a, b]}
            services:
              a:
                capacity: {service_time: 10ms, concurrency: 1}
                replicas: {min: 1, max: 2, initial: 1}
                database: a-db
                queries_per_request: 4
                autoscaling: {hpa: {metrics: [{metric: cpu_utilization, target: 70%}]}}
              b:
                planning: {growth: 10%}
                capacity: {service_time: 10ms, concurrency: 1}
                replicas: 1
            databases:
              a-db: {owner: a, cpus: 1, query_time: 5ms}
            simulation: {duration: 5m}
            """, file: "test.yaml", overrides: [])
        let plan = Planner.plan(s)
        let runs = PlanVerifier.runs(s, plan: plan, now: Date())
        #expect(runs.map(\.services) == [["a"], ["b"]])
        #expect(abs(runs[0].factor - pow(1.05, 6)) < 1e-12 && abs(runs[1].factor - pow(1.1, 6)) < 1e-12)
        let b = try #require(plan.rows.first { $0.service == "b" })
        #expect(runs[1].scenario.services["b"]?.replicas == Replicas(min: b.instancesRequired, max: b.instancesRequired, initial: b.instancesRequired))
        let db = try #require(plan.databases?.first)
        #expect(db.plannedCores > 1 && runs[0].scenario.databases["a-db"]?.cpus == db.plannedCores)
        let v = try PlanVerifier.verify(s, plan: plan, options: SimulationOptions(scenario: s), replications: 2, jobs: 2)
        #expect(v.horizons.count == 1 && v.horizons[0].services.map(\.service) == ["a", "b"])
        #expect(v.horizons[0].services[1].trafficMultiplier == runs[1].factor && !v.horizons[0].services[1].autoscaled)
    }

    @Test("an ample plan: the SLO holds in every replication, the plan's count is well above the autoscaler's peak")
    func amplePlanHolds() throws {
        let (plan, v) = try Self.verify(Self.yaml())
        let row = try #require(v.horizons.first?.services.first)
        let slo = try #require(row.slo)
        #expect(slo.held.successes == 3 && slo.held.n == 3)
        #expect(row.planInstances == plan.rows[0].instancesRequired)
        #expect(row.replicaHeadroom.mean > 1.5 && row.reachedPlan.successes == 0)
        #expect(try #require(row.safetyLeft).mean > 1.5)
        #expect(row.verdict == .planGenerous)
        #expect(row.explanation.contains("SLO held in every replication"))
    }

    @Test("a plan with no margin under a surge on top of the season: the SLO fails and the autoscaler used all the plan gives")
    func tightPlanFails() throws {
        // Safety ×1 at 100 % utilisation sizes for 241 req/s; a ×1.5 surge for most of the run
        // brings 362 req/s to a fleet that serves at most 320.
        let surge = "surges: [{name: rush, at: 3m, duration: 7m, ramp: 0s, multiplier: 1.5}]"
        let (_, v) = try Self.verify(Self.yaml(safety: "1", target: "  target_utilization: 100%", surge: surge))
        let row = try #require(v.horizons.first?.services.first)
        #expect(row.planInstances == 4)
        #expect(row.slo?.held.successes == 0)
        #expect(row.reachedPlan.successes == 3)
        #expect(row.verdict == .sloFails)
        #expect(row.explanation.contains("used all 4 instances the plan gives: the formula's count is too few"))
        #expect(try #require(row.utilizationAtPlan).mean > 1)
    }

    @Test("an SLO below the service time itself fails whatever the count: the words say the count is not the cause")
    func sloFailsNotTheCount() throws {
        // p99 of an exponential 50 ms service time alone is 230 ms.
        let (_, v) = try Self.verify(Self.yaml(slo: "latency_p99: 150ms"))
        let row = try #require(v.horizons.first?.services.first)
        #expect(row.verdict == .sloFails)
        #expect(row.explanation.contains("a larger count would not help"))
    }

    @Test("the verification does not depend on how many replications run at once")
    func jobsDoNotMatter() throws {
        let one = try Self.verify(Self.yaml(), jobs: 1).1, two = try Self.verify(Self.yaml(), jobs: 2).1
        #expect(one == two)
        #expect(PlanVerificationRenderer.render(one, as: .table) == PlanVerificationRenderer.render(two, as: .table))
    }

    @Test("verdicts, most pressing first: a failed SLO, then requests turned away, then the plan's count reached, then spare capacity from ×1.5")
    func verdictOrder() throws {
        func judge(held: Int, turnedAway: Double = 0, peak: Double, plan: Int = 10, util: Double = 0.5) throws -> Judgement {
            let slo = SLOVerification(metric: .latencyP99, objectiveSeconds: 1, value: Estimate([0.5]), held: Proportion(successes: held, n: 2), samplesWithin: nil)
            return Judgement(planInstances: plan, minReplicas: 2, autoscaled: true, slo: slo, peakReplicas: try #require(Estimate([peak, peak])),
                             turnedAway: try #require(Estimate([0, turnedAway])), turnedAwayShare: Estimate([0, turnedAway / 1000]), reachedPlan: Proportion(successes: peak >= Double(plan) && peak > 2 ? 2 : 0, n: 2),
                             replicaHeadroom: try #require(Estimate([Double(plan) / peak, Double(plan) / peak])), safetyFactor: 2,
                             safetyLeft: Estimate([1.2, 1.2]), peakArrivalRps: try #require(Estimate([100, 100])), utilizationAtPlan: Estimate([util, util]),
                             targetUtilization: 0.7)
        }
        #expect(try judge(held: 0, turnedAway: 5, peak: 10).verdict == .sloFails)
        #expect(try judge(held: 1, peak: 4).verdict == .sloAtRisk)
        #expect(try judge(held: 2, turnedAway: 5, peak: 10).verdict == .turnsAway)
        #expect(try judge(held: 2, peak: 10).verdict == .planReached)
        #expect(try judge(held: 2, peak: 12, util: 0.9).explanation.contains("went up to 12 replicas, beyond the plan's 10: the formula under-counts"))
        #expect(try judge(held: 2, peak: 12).explanation.contains("though the plan's count would have run at 50% at the peak: the autoscaler overshoots"))
        #expect(try judge(held: 2, peak: 2, plan: 2).explanation.contains("never left the service's min of 2, which is the plan's count too"))
        #expect(try judge(held: 2, peak: 6.6).verdict == .planGenerous)
        #expect(try judge(held: 2, peak: 6.7).verdict == .agrees)
    }

    @Test("a scenario without traffic is refused as bad input, naming what is missing")
    func noTrafficIsBadInput() throws {
        let s = try ScenarioLoader.parse("""
            capsim: 1
            name: no-traffic
            services:
              s: {peak: 10/s, capacity: {service_time: 10ms, concurrency: 1}, replicas: 1}
            """, file: "test.yaml", overrides: [])
        let e = #expect(throws: SimulationError.self) {
            try PlanVerifier.verify(s, plan: Planner.plan(s), options: SimulationOptions(scenario: s), replications: 2, jobs: 1)
        }
        #expect(e?.kind == .badInput)
        #expect(e?.description.contains("no traffic block") == true)
    }
}
