import CapsimModel
import Foundation
import PlanVerification
import Simulation

extension PlanVerificationRenderer {
    /// The whole verification with snake_case keys (`PlanVerification` documents each field).
    public static func json(_ v: PlanVerification) -> String {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? e.encode(v)) ?? Data(), as: UTF8.self) + "\n"
    }

    /// One line per service and horizon: the means, the 95 % half-widths of the main estimates,
    /// and the verdict; money in the scenario's reporting currency (SI units otherwise).
    public static func csv(_ v: PlanVerification) -> String {
        let money = v.currency.rawValue.lowercased()
        var lines = [csvLine(["service", "months", "traffic_multiplier", "planned_rps", "plan_instances", "verified_max_replicas", "autoscaled",
                              "slo_metric", "slo_objective_seconds", "slo_mean", "slo_ci_half_width", "slo_held", "replications",
                              "samples_within_mean", "peak_replicas_mean", "peak_replicas_ci_half_width", "peak_replicas_max", "reached_plan", "turned_away_mean",
                              "replica_headroom_mean", "utilization_at_plan_mean", "safety_left_mean",
                              "cost_per_hour_\(money)_mean", "cost_per_hour_\(money)_ci_half_width", "plan_cost_per_hour_\(money)", "verdict"])]
        func f(_ x: Double?) -> String { x.map { String(format: "%.6g", $0) } ?? "" }
        for h in v.horizons {
            for s in h.services {
                lines.append(csvLine([s.service, "\(s.months)", f(s.trafficMultiplier), f(s.plannedRps), "\(s.planInstances)", "\(s.verifiedMaxReplicas)",
                                      "\(s.autoscaled)", s.slo?.metric.rawValue ?? "", f(s.slo?.objectiveSeconds), f(s.slo?.value?.mean),
                                      f(s.slo?.value?.halfWidth), s.slo.map { "\($0.held.successes)" } ?? "", "\(s.peakReplicas.n)",
                                      f(s.slo?.samplesWithin?.mean), f(s.peakReplicas.mean), f(s.peakReplicas.halfWidth), f(s.peakReplicas.max),
                                      "\(s.reachedPlan.successes)", f(s.turnedAway.mean), f(s.replicaHeadroom.mean), f(s.utilizationAtPlan?.mean), f(s.safetyLeft?.mean),
                                      f(s.costPerHour?.mean), f(s.costPerHour?.halfWidth), f(s.planCostPerHour), s.verdict.rawValue]))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
