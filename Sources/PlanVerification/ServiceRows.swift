import CapsimModel
import Planning
import Simulation

/// One service's row of a verification: the plan's numbers and the replications' estimates.
enum ServiceRows {
    static func make(_ name: String, plan: CapacityPlan, run: PlanVerifier.Run, original s: Scenario, digests: [RunDigest]) -> ServiceVerification {
        let row = plan.rows.first { $0.service == name && $0.months == run.months }!
        let sv = s.services[name]!
        let runs = digests.compactMap { $0.services[name] }
        func estimate(_ f: (RunDigest.Service) -> Double) -> Estimate { Estimate(runs.map(f))! }
        let n = row.instancesRequired, min = sv.replicas.min
        let capacity = Double(n) * row.instanceCapacityRps
        let slo = sv.slo.map { o in
            SLOVerification(metric: o.metric, objectiveSeconds: o.threshold, value: Estimate(runs.compactMap(\.sloValue)),
                            held: Proportion(successes: runs.filter { ($0.sloValue ?? .infinity) <= o.threshold }.count, n: runs.count),
                            samplesWithin: Estimate(runs.compactMap(\.samplesWithin)))
        }
        // Reaching the plan means scaling to it: a plan at the service's min is "reached" by a
        // fleet that never moved.
        let reached = runs.filter { $0.peakReplicas >= n && $0.peakReplicas > min }.count
        let judged = Judgement(
            planInstances: n, minReplicas: min, autoscaled: HorizonScenario.autoscales(sv), slo: slo,
            peakReplicas: estimate { Double($0.peakReplicas) }, turnedAway: estimate { Double($0.turnedAway) },
            turnedAwayShare: Estimate(runs.filter { $0.arrivals > 0 }.map { Double($0.turnedAway) / Double($0.arrivals) }),
            reachedPlan: Proportion(successes: reached, n: runs.count),
            replicaHeadroom: estimate { Double(n) / Double(Swift.max(1, $0.peakReplicas)) }, safetyFactor: row.safetyFactor,
            safetyLeft: Estimate(runs.filter { $0.peakArrivalRps > 0 }.map { row.requiredRps / $0.peakArrivalRps }),
            peakArrivalRps: estimate(\.peakArrivalRps),
            utilizationAtPlan: capacity > 0 ? estimate { $0.peakArrivalRps / capacity } : nil, targetUtilization: row.targetUtilization)
        return ServiceVerification(
            service: name, months: run.months, trafficMultiplier: run.factor, growthMultiplier: row.growthMultiplier,
            seasonalFactor: run.seasonal[name]!, featureInteractionFactor: row.featureInteractionFactor, safetyFactor: row.safetyFactor,
            boundBySurge: row.boundBySurge, plannedRps: row.requiredRps, planInstances: n, minReplicas: min,
            scenarioMaxReplicas: sv.replicas.max, verifiedMaxReplicas: run.scenario.services[name]!.replicas.max, autoscaled: judged.autoscaled,
            slo: slo, peakReplicas: judged.peakReplicas, reachedPlan: judged.reachedPlan, turnedAway: judged.turnedAway,
            turnedAwayShare: judged.turnedAwayShare, peakArrivalRps: judged.peakArrivalRps, utilizationAtPlan: judged.utilizationAtPlan,
            targetUtilization: row.targetUtilization, replicaHeadroom: judged.replicaHeadroom, safetyLeft: judged.safetyLeft,
            costPerHour: Estimate(runs.compactMap(\.costPerHour)),
            planCostPerHour: row.monthlyCost(in: s.currency.reportIn).map { $0 / plan.hoursPerMonth },
            verdict: judged.verdict, explanation: judged.explanation)
    }
}
