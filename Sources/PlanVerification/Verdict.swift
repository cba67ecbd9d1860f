import CapsimModel
import Simulation

/// The service's latency SLO, judged both ways (docs/check.md, "What an SLO holds means").
public struct SLOVerification: Hashable, Sendable, Codable {
    public let metric: Metric
    public let objectiveSeconds: Double
    /// The run's statistic over every request after warm-up; nil when no replication
    /// completed a request there.
    public let value: Estimate?
    /// Replications whose run statistic kept the objective: the rule `held` counts.
    public let held: Proportion
    /// The share of samples whose own statistic kept it (the error-budget view), per replication.
    public let samplesWithin: Estimate?
}

/// Where the formula and the simulation stand, most pressing first.
public enum Verdict: String, Hashable, Sendable, Codable {
    /// The SLO failed in every replication.
    case sloFails = "slo_fails"
    /// The SLO failed in some replications.
    case sloAtRisk = "slo_at_risk"
    /// The SLO held (or there is none), but requests were dropped or timed out in a queue: the
    /// latency of those served hides the ones that were not.
    case turnsAway = "turns_away"
    /// The autoscaler used all the plan's instances (or more): the simulation wanted at least
    /// what the formula gave.
    case planReached = "plan_reached"
    /// The plan's count is well above the autoscaler's peak: spare capacity the run never used.
    case planGenerous = "plan_generous"
    case agrees
}
