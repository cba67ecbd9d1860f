import CapsimModel
import Simulation

/// `plan --verify`: each horizon's projected traffic, without the safety factor, replayed by
/// the simulator on the fleet the plan provisions, with replications.
///
/// This is the JSON contract of `capsim plan --verify --format json` (snake_case keys). Add
/// fields, never rename or remove them.
public struct PlanVerification: Hashable, Sendable, Codable {
    public let scenario: String
    /// The replications' seeds: the same at every horizon (common random numbers), so two
    /// horizons differ by their traffic and fleet, not by their luck.
    public let seeds: [UInt64]
    public let durationSeconds: Double
    /// Left out of every statistic below, as in `simulate`.
    public let warmupSeconds: Double
    /// The currency costs are in: the scenario's reporting currency.
    public let currency: Currency
    /// What holds for every horizon: how the copies were provisioned, calendar seasons in the run.
    public let notes: [String]
    public let horizons: [HorizonVerification]
}

public struct HorizonVerification: Hashable, Sendable, Codable {
    public let months: Int
    public let services: [ServiceVerification]
    /// What the plan does not size but the runs found, and what the copy changed besides the
    /// services (databases, consumer groups), in words.
    public let notes: [String]
}

/// One service at one horizon: the plan's numbers beside what the simulated autoscaler did.
public struct ServiceVerification: Hashable, Sendable, Codable {
    public let service: String
    public let months: Int
    /// growth × seasonal × feature interaction: what the service's run multiplied the
    /// scenario's traffic by (its surges ride on top, as written).
    public let trafficMultiplier: Double
    public let growthMultiplier: Double
    /// Before the plan raises it to the largest surge (see `Planner.seasonalFactor`).
    public let seasonalFactor: Double
    public let featureInteractionFactor: Double
    public let safetyFactor: Double
    /// The surge the plan raised its season to, when one did; the copy replays it as written.
    public let boundBySurge: String?
    /// The plan's required rate: the projection with the safety factor.
    public let plannedRps: Double
    public let planInstances: Int
    /// The service's min replicas: the plan never counts fewer, the copy keeps it.
    public let minReplicas: Int
    /// The scenario's max, and the max in the verification run (raised to the plan's count).
    public let scenarioMaxReplicas: Int
    public let verifiedMaxReplicas: Int
    /// False for a service with no HPA and no scale-up trigger: it runs the plan's count, fixed.
    public let autoscaled: Bool
    /// nil for a service without an SLO.
    public let slo: SLOVerification?
    /// The most replicas after warm-up, per replication.
    public let peakReplicas: Estimate
    /// Replications in which the autoscaler scaled to at least the plan's count (a plan at the
    /// min is not reached by a fleet that never left it).
    public let reachedPlan: Proportion
    /// Requests a full queue dropped or a queue timeout turned away after warm-up, per
    /// replication: the run's latency statistic counts only those served.
    public let turnedAway: Estimate
    /// The same as a share of the service's arrivals; nil when nothing arrived.
    public let turnedAwayShare: Estimate?
    /// The busiest sample's arrivals per second after warm-up, per replication.
    public let peakArrivalRps: Estimate
    /// Peak arrivals ÷ (plan's instances × per-instance capacity): how busy the plan's fleet
    /// would be at the simulated peak, against the `targetUtilization` it was counted at; nil
    /// when the plan gives no instances.
    public let utilizationAtPlan: Estimate?
    public let targetUtilization: Double
    /// Plan's instances ÷ peak replicas: above 1, instances the autoscaler never needed.
    public let replicaHeadroom: Estimate
    /// Planned rate ÷ peak arrivals: what the safety factor really left over the simulated
    /// peak; nil when nothing arrived.
    public let safetyLeft: Estimate?
    /// The simulated fleet's cost per hour after warm-up, and the plan's fleet's (its instances
    /// all hour); nil when the scenario cannot state them in `currency`.
    public let costPerHour: Estimate?
    public let planCostPerHour: Double?
    public let verdict: Verdict
    /// The verdict in words: where the formula and the simulation agree or part.
    public let explanation: String
}
