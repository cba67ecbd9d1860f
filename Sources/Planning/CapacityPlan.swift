import CapsimModel

/// The result of `plan`: one row per service and horizon, and totals per horizon.
///
/// This is the JSON contract scripts and CI read (`capsim plan --format json`); property
/// names become snake_case keys (`current_peak_rps`, `instances_required`, …). Add fields,
/// never rename or remove them.
public struct CapacityPlan: Hashable, Sendable, Codable {
    public let scenario: String
    public let seed: UInt64
    /// Monte Carlo draws behind the percentiles; 0 when every input is exact.
    public let draws: Int
    public let seasonLabel: String
    /// Birr per US dollar; nil when the scenario gives no rate (its money is in one currency).
    public let etbPerUSD: Double?
    /// The currencies the plan is shown in, the reporting currency first.
    public let currencies: ShownCurrencies
    public let hoursPerMonth: Double
    public let rows: [PlanRow]
    public let totals: [PlanTotal]
    /// Services whose required instances exceed their max replicas (or whose zone-safe count
    /// does), a single zone that no count survives, and databases whose cores, replicas or
    /// connections fall short, in words.
    public let warnings: [String]
    /// Each database at each horizon, sized at the planned load (nil in plans stored before).
    public var databases: [DatabasePlanRow]? = nil
    /// The zones pods spread over (`platform.zones`); nil when the scenario lists none, and then
    /// no row or total has a `zoneHeadroom`.
    public var zones: [String]? = nil
    /// `platform.survives.zones` when above one (N+k zones); nil: one zone (N+1), or no zones.
    public var zonesLost: Int? = nil

    /// The zones the zone-safe counts survive losing at once.
    public var zonesToSurvive: Int { zonesLost ?? 1 }
    /// "a zone" or "2 zones at once", for sentences about the zone-safe counts.
    public var zoneLossWords: String { zonesToSurvive == 1 ? "a zone" : "\(zonesToSurvive) zones at once" }
}

/// One multiplicative step of the seed's formula and the load after it.
public struct FactorStep: Hashable, Sendable, Codable {
    public let factor: String
    public let multiplier: Double
    public let rps: Double
}

/// Instances needed to meet the latency SLO by Erlang C, beside the utilisation rule.
public struct QueueingSizing: Hashable, Sendable, Codable {
    public let sloMetric: String
    public let sloSeconds: Double
    /// nil when no instance count meets the SLO (service time alone exceeds it).
    public let instancesRequired: Int?
    /// The SLO statistic predicted at `instancesRequired` (or at the naive count when unreachable).
    public let predictedLatencySeconds: Double?
    public let utilization: Double?
    /// The statistic predicted at the naive (utilisation-rule) count.
    public let latencyAtNaiveCountSeconds: Double?
    public let explanation: String
}

/// Money in each currency is nil when the plan has no exchange rate and its money is in the
/// other one (here and in `PlanRow`, `PlanTotal`, `TotalUncertainty`); `monthlyCost(in:)` picks one.
public struct RowUncertainty: Hashable, Sendable, Codable {
    public let requiredRps: Percentiles
    public let instancesRequired: Percentiles
    public let monthlyCostEtb: Percentiles?
    public let monthlyCostUsd: Percentiles?
}

public struct PlanRow: Hashable, Sendable, Codable {
    public let service: String
    public let months: Int
    public let currentPeakRps: Double
    public let growthMonthly: Double
    public let growthMultiplier: Double
    /// The peak factor applied: the seasonal factor, or the scenario's largest surge when that
    /// is larger (`boundBySurge` names it).
    public let seasonalFactor: Double
    public let featureInteractionFactor: Double
    public let safetyFactor: Double
    public let requiredRps: Double
    public let instanceCapacityRps: Double
    public let targetUtilization: Double
    public let instancesRequired: Int
    public let minReplicas: Int
    public let maxReplicas: Int
    public let exceedsMax: Bool
    public let steps: [FactorStep]
    public let queueing: QueueingSizing?
    public let costPerInstanceHourEtb: Double?
    public let costPerInstanceHourUsd: Double?
    public let monthlyCostEtb: Double?
    public let monthlyCostUsd: Double?
    /// Percentiles over the Monte Carlo draws; nil when every input of this row is exact.
    public let uncertainty: RowUncertainty?
    /// The surge that set the peak factor, when it was larger than the seasonal factor.
    public var boundBySurge: String? = nil
    /// The instances that survive losing a zone; nil when the scenario lists no zones.
    public var zoneHeadroom: ZoneHeadroom? = nil
}

/// N+1 zone headroom beside the formula's count (`ZoneSpread` has the arithmetic): the fewest
/// instances M that, spread over the zones with maxSkew 1, still leave the formula's count N
/// after the most-loaded zone is lost — the smallest M with M − ⌈M ÷ zones⌉ ≥ N.
public struct ZoneHeadroom: Hashable, Sendable, Codable {
    /// How many zones the pods spread over (`platform.zones`).
    public let zones: Int
    /// The zone-safe count; nil when no count survives: one zone takes every pod with it.
    public let instancesRequired: Int?
    /// ⌈M ÷ zones⌉: the instances in the most-loaded zone at the zone-safe count, lost with it.
    public let instancesInLargestZone: Int?
    /// The zone-safe count is above the service's max replicas (false when there is no count).
    public let exceedsMax: Bool
    /// The zone-safe fleet all month, priced like the row's; nil with no count.
    public let monthlyCostEtb: Double?
    public let monthlyCostUsd: Double?
    /// In words: what the most-loaded zone holds and what its loss leaves, or why no count survives.
    public let explanation: String
    /// The zones lost at once (`platform.survives.zones`) when more than one; nil: one (N+1),
    /// and `instancesInLargestZone` is then the pods in the `zonesLost` most-loaded zones.
    public var zonesLost: Int? = nil
}

public struct PlanTotal: Hashable, Sendable, Codable {
    public let months: Int
    public let instancesRequired: Int
    public let servicesOverMax: [String]
    public let monthlyCostEtb: Double?
    public let monthlyCostUsd: Double?
    /// The databases as planned: primaries scaled to the cores they need, plus read replicas.
    public let databaseMonthlyCostEtb: Double?
    public let databaseMonthlyCostUsd: Double?
    public let uncertainty: TotalUncertainty?
    /// The services' zone-safe counts summed; nil when the scenario lists no zones.
    public var zoneHeadroom: ZoneHeadroomTotal? = nil
}

/// A horizon's zone-safe fleet: every service at its zone-safe count.
public struct ZoneHeadroomTotal: Hashable, Sendable, Codable {
    /// nil when no count survives a zone's loss (a single zone).
    public let instancesRequired: Int?
    /// Services whose zone-safe count is above their max replicas.
    public let servicesOverMax: [String]
    /// The zone-safe fleets plus the databases as sized (they are managed, and sized from the
    /// load, which losing a zone does not change); nil with no count.
    public let monthlyCostEtb: Double?
    public let monthlyCostUsd: Double?
}

public struct TotalUncertainty: Hashable, Sendable, Codable {
    public let instancesRequired: Percentiles
    public let monthlyCostEtb: Percentiles?
    public let monthlyCostUsd: Percentiles?
}

extension CapacityPlan {
    /// Reads plans saved before currencies were recorded too: those wrote `etbPerUSD: 0` for
    /// "no rate" (now absent) and always showed birr with dollars beside (`currencies`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        scenario = try c.decode(String.self, forKey: .scenario)
        seed = try c.decode(UInt64.self, forKey: .seed)
        draws = try c.decode(Int.self, forKey: .draws)
        seasonLabel = try c.decode(String.self, forKey: .seasonLabel)
        let rate = try c.decodeIfPresent(Double.self, forKey: .etbPerUSD)
        etbPerUSD = rate == 0 ? nil : rate
        currencies = try c.decodeIfPresent(ShownCurrencies.self, forKey: .currencies)
            ?? (etbPerUSD == nil ? ShownCurrencies(lead: .etb, other: nil) : .beforeRecorded)
        hoursPerMonth = try c.decode(Double.self, forKey: .hoursPerMonth)
        rows = try c.decode([PlanRow].self, forKey: .rows)
        totals = try c.decode([PlanTotal].self, forKey: .totals)
        warnings = try c.decode([String].self, forKey: .warnings)
        databases = try c.decodeIfPresent([DatabasePlanRow].self, forKey: .databases)
        zones = try c.decodeIfPresent([String].self, forKey: .zones)
        zonesLost = try c.decodeIfPresent(Int.self, forKey: .zonesLost)
    }
}
