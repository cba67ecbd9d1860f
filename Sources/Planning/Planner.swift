import CapsimModel
import Foundation

/// The seed's capacity formula (§2, "Capacity Planning Model"):
/// `future = current peak × (1 + monthly growth)^months × seasonal × feature interaction × safety`,
/// turned into instances at a target utilisation, checked against the HPA's max replicas,
/// sized again by Erlang C against the latency SLO, and priced; with `platform.zones`, also the
/// count that survives losing a zone (`ZoneSpread`).
public enum Planner {
    /// Hours in an average month (8760 / 12), for monthly cost.
    public static let hoursPerMonth = 730.0

    public static func plan(_ s: Scenario, horizons: [Int]? = nil, draws: Int? = nil, now: Date = Date()) -> CapacityPlan {
        let horizons = horizons ?? s.planning.horizons
        let names = s.serviceNames
        let services = names.map { s.services[$0]! }
        // [service][horizon] seasonal factors from the calendar, when the scenario asks for them.
        let calendar: [[CalendarSeasonal]]? = s.planning.seasonalFromCalendar ? {
            let start = CalendarSeasonal.start(s, now: now)
            return services.map { sv in horizons.map { CalendarSeasonal.resolve(s, service: sv.name, months: $0, from: start) } }
        }() : nil
        let factors = services.map { $0.factors.resolved(over: s.planning.factors) }
        let uncertain = zip(services, factors).contains { sv, f in
            sv.peak.isRange || f.growthMonthly.isRange || f.seasonal.isRange || f.featureInteraction.isRange || f.safety.isRange
        }
        let n = uncertain ? (draws ?? s.planning.draws) : 0
        // Databases are sized from the services' planned rates (the mid values) at each horizon.
        let midRows = services.enumerated().flatMap { i, sv in
            horizons.enumerated().map { h, months in planRow(s, sv, factors[i], months: months, uncertainty: nil, calendar: calendar?[i][h]) }
        }
        let databases = horizons.flatMap { DatabaseSizing.rows(s, serviceRows: midRows, months: $0, hoursPerMonth: hoursPerMonth) }
        let dbMonthly = horizons.map { m in databases.filter { $0.months == m }.reduce(0.0) { $0 + ($1.monthlyCost(in: s.currency.reportIn) ?? 0) } }
        let sims = n > 0 ? monteCarlo(s, services: services, factors: factors, horizons: horizons, draws: n, calendar: calendar, dbMonthly: dbMonthly) : nil

        var rows: [PlanRow] = []
        var warnings: [String] = []
        let zones = s.platform.zones
        if zones.count == 1 {
            warnings.append("platform.zones lists one zone (\(zones[0])): losing it loses every pod, so no instance count survives a zone's loss; list every zone the pods may run in")
        }
        for (i, sv) in services.enumerated() {
            for (h, months) in horizons.enumerated() {
                let row = planRow(s, sv, factors[i], months: months, uncertainty: sims?.rows[i][h], calendar: calendar?[i][h])
                let when = row.boundBySurge.map { "surge \($0)" } ?? "the \(s.planning.seasonLabel)"
                let limit = "\(sv.autoscaling.hpa == nil ? "max replicas" : "HPA max") is \(row.maxReplicas)"
                let zoneSafe = row.zoneHeadroom.flatMap { $0.exceedsMax ? $0.instancesRequired : nil }
                let losing = s.platform.zonesToSurvive == 1 ? "one" : "\(s.platform.zonesToSurvive)"
                if row.exceedsMax {
                    let zoned = zoneSafe.map { " (\($0) to survive losing \(losing) of its \(zones.count) zones)" } ?? ""
                    warnings.append("\(sv.name) needs \(row.instancesRequired) instances at month \(months) in \(when)\(zoned); \(limit)")
                } else if let zoneSafe {
                    warnings.append("\(sv.name) needs \(zoneSafe) instances to survive losing \(losing) of its \(zones.count) zones at month \(months) in \(when) (\(row.instancesRequired) with every zone up); \(limit)")
                }
                rows.append(row)
            }
        }
        warnings += databases.flatMap(\.findings)
        let lead = s.currency.reportIn
        let totals = horizons.enumerated().map { (h, months) -> PlanTotal in
            let rs = rows.filter { $0.months == months }
            // Every row has its amount in the reporting currency (`restated` into it is itself).
            let total = s.currency.split(rs.compactMap { $0.monthlyCost(in: lead) }.reduce(0, +) + dbMonthly[h]), db = s.currency.split(dbMonthly[h])
            return PlanTotal(months: months, instancesRequired: rs.reduce(0) { $0 + $1.instancesRequired },
                             servicesOverMax: rs.filter(\.exceedsMax).map(\.service),
                             monthlyCostEtb: total.etb, monthlyCostUsd: total.usd, databaseMonthlyCostEtb: db.etb, databaseMonthlyCostUsd: db.usd,
                             uncertainty: sims?.totals[h], zoneHeadroom: zones.isEmpty ? nil : zoneTotal(s, rs, dbMonthly: dbMonthly[h]))
        }
        // A label such as "seasonal peak" over a factor of ×1 would claim a peak that is not planned.
        let label = rows.allSatisfy({ $0.seasonalFactor == 1 }) ? "no seasonal factor" : s.planning.seasonLabel
        return CapacityPlan(scenario: s.name, seed: s.seed, draws: n, seasonLabel: label, etbPerUSD: s.currency.etbPerUSD, currencies: s.currency.shown,
                            hoursPerMonth: hoursPerMonth, rows: rows, totals: totals, warnings: warnings, databases: databases,
                            zones: zones.isEmpty ? nil : zones, zonesLost: zones.isEmpty || s.platform.zonesToSurvive == 1 ? nil : s.platform.zonesToSurvive)
    }

    /// A horizon's zone-safe fleet and its cost (with the databases, as the plan's total has
    /// them); no count when any service has none (a single zone).
    static func zoneTotal(_ s: Scenario, _ rows: [PlanRow], dbMonthly: Double) -> ZoneHeadroomTotal {
        let zoned = rows.compactMap(\.zoneHeadroom)
        let counts = zoned.compactMap(\.instancesRequired)
        let over = rows.filter { $0.zoneHeadroom?.exceedsMax == true }.map(\.service)
        guard counts.count == rows.count else {
            return ZoneHeadroomTotal(instancesRequired: nil, servicesOverMax: over, monthlyCostEtb: nil, monthlyCostUsd: nil)
        }
        let total = s.currency.split(zoned.compactMap { $0.monthlyCost(in: s.currency.reportIn) }.reduce(0, +) + dbMonthly)
        return ZoneHeadroomTotal(instancesRequired: counts.reduce(0, +), servicesOverMax: over, monthlyCostEtb: total.etb, monthlyCostUsd: total.usd)
    }

    /// The busy share at which instances are counted: the scenario's `planning.target_utilization`,
    /// else the share of a pod's capacity at which its HPA's CPU target is reached — the HPA
    /// reads CPU against the request, so a pod whose requests cost CPU above its request (up to
    /// its limit) reaches the target while less busy: target × request ÷ (CPU per request ×
    /// capacity), at most 1. With the seed's request 250m, limit 500m and a saturated pod at
    /// its limit, a 70 % target holds pods 35 % busy, and the plan counts what the HPA will run.
    static func targetUtilization(_ s: Scenario, _ sv: Service) -> Double {
        if let u = s.planning.targetUtilization { return u }
        guard let cpu = sv.autoscaling.hpa?.cpuTarget else { return Defaults.targetUtilization }
        let work = sv.cpuPerRequest * sv.capacity.rps
        guard work > 0 else { return cpu }
        return Swift.min(1, cpu * sv.resources.requests.cpu.millicores / 1000 / work)
    }

    static func instances(required: Double, capacity: Double, utilization: Double, min: Int) -> Int {
        // Clamped far above any real fleet so absurd inputs cannot overflow Int.
        Swift.max(min, Int(Swift.min(1e12, (required / (capacity * utilization) - 1e-9).rounded(.up))))
    }

    /// A service's price per instance-hour in the reporting currency; an unpriced one costs nothing.
    static func hourly(_ s: Scenario, _ sv: Service) -> Double { sv.costPerInstanceHour.map(s.currency.reported) ?? 0 }

    /// The scenario's largest surge: the seed's formula has no term for it, so the plan takes
    /// the larger of it and the seasonal factor (a flash sale bigger than the holiday peak must
    /// be planned for too) and says which one bound.
    static func largestSurge(_ s: Scenario) -> Surge? { s.traffic?.surges.max { $0.multiplier < $1.multiplier } }

    /// `traffic.multiplier` scales all traffic (a what-if: "50 % more of everything"); 1 without traffic.
    static func trafficMultiplier(_ s: Scenario) -> Double { s.traffic?.multiplier ?? 1 }

    static func planRow(_ s: Scenario, _ sv: Service, _ f: PlanningFactors, months: Int, uncertainty: RowUncertainty?, calendar: CalendarSeasonal?) -> PlanRow {
        let g = pow(1 + f.growthMonthly.mid, Double(months))
        var seasonal = calendar?.factor ?? f.seasonal.mid
        var seasonName = calendar.map { $0.source ?? "no calendar season in the horizon" } ?? s.planning.seasonLabel
        var boundBySurge: String?
        if let surge = largestSurge(s), surge.multiplier > seasonal {
            seasonName = "surge \(surge.name) (above the \(seasonName) ×\(trim(seasonal)))"
            seasonal = surge.multiplier
            boundBySurge = surge.name
        }
        var steps = [FactorStep(factor: "current peak", multiplier: 1, rps: sv.peak.mid)]
        let multiplier = trafficMultiplier(s)
        var factors = [("growth \(Percent(fraction: f.growthMonthly.mid))/month × \(months) months", g), (seasonName, seasonal),
                       ("feature interaction", f.featureInteraction.mid), ("safety", f.safety.mid)]
        if multiplier != 1 { factors.insert(("traffic multiplier", multiplier), at: 0) }
        for (name, m) in factors {
            steps.append(FactorStep(factor: name, multiplier: m, rps: steps.last!.rps * m))
        }
        let required = steps.last!.rps
        let util = targetUtilization(s, sv)
        let count = instances(required: required, capacity: sv.capacity.rps, utilization: util, min: sv.replicas.min)
        let price = hourly(s, sv)
        let perHour = s.currency.split(price), monthly = s.currency.split(Double(count) * price * hoursPerMonth)
        return PlanRow(service: sv.name, months: months, currentPeakRps: sv.peak.mid, growthMonthly: f.growthMonthly.mid, growthMultiplier: g,
                       seasonalFactor: seasonal, featureInteractionFactor: f.featureInteraction.mid, safetyFactor: f.safety.mid,
                       requiredRps: required, instanceCapacityRps: sv.capacity.rps, targetUtilization: util, instancesRequired: count,
                       minReplicas: sv.replicas.min, maxReplicas: sv.replicas.max, exceedsMax: count > sv.replicas.max, steps: steps,
                       queueing: QueueingSizer.size(sv, lambda: required, naive: count),
                       costPerInstanceHourEtb: perHour.etb, costPerInstanceHourUsd: perHour.usd, monthlyCostEtb: monthly.etb, monthlyCostUsd: monthly.usd,
                       uncertainty: uncertainty,
                       boundBySurge: boundBySurge,
                       zoneHeadroom: s.platform.zones.isEmpty ? nil
                           : ZoneHeadroom.planned(needed: count, zones: s.platform.zones.count, losing: s.platform.zonesToSurvive, maxReplicas: sv.replicas.max, hourly: price,
                                                  hoursPerMonth: hoursPerMonth, currency: s.currency))
    }

    struct Simulated { var rows: [[RowUncertainty?]]; var totals: [TotalUncertainty] }

    /// Seeded Monte Carlo over every range input. Platform-wide factors take one draw per
    /// iteration shared by all services (a boom lifts every service at once); a service's own
    /// ranges draw from its own named stream. Each input has its own stream, so adding a
    /// range elsewhere leaves these draws unchanged.
    static func monteCarlo(_ s: Scenario, services: [Service], factors: [PlanningFactors], horizons: [Int], draws: Int, calendar: [[CalendarSeasonal]]?,
                           dbMonthly: [Double]) -> Simulated {
        let p = s.planning.factors
        var platform = ["growth", "seasonal", "feature_interaction", "safety"].map { RandomStream(seed: s.seed, name: "plan/\($0)") }
        struct Own { var streams: [RandomStream]; var own: [Bool] }
        var own = services.enumerated().map { i, sv in
            Own(streams: ["peak", "growth", "seasonal", "feature_interaction", "safety"].map { RandomStream(seed: s.seed, name: "plan/\(sv.name)/\($0)") },
                own: [true, sv.factors.growthMonthly != nil, sv.factors.seasonal != nil, sv.factors.featureInteraction != nil, sv.factors.safety != nil])
        }
        let hcount = horizons.count, scount = services.count
        var rps = [[Double]](repeating: [], count: scount * hcount)
        var inst = rps, cost = rps
        var totInst = [[Double]](repeating: [], count: hcount), totCost = totInst
        let costs = services.map { hourly(s, $0) * hoursPerMonth }
        let utils = services.map { targetUtilization(s, $0) }
        // The same for every draw and service: the seasonal draw is raised to the largest surge.
        let surge = largestSurge(s)?.multiplier ?? 0, multiplier = trafficMultiplier(s)
        for k in rps.indices { rps[k].reserveCapacity(draws); inst[k].reserveCapacity(draws); cost[k].reserveCapacity(draws) }
        for _ in 0..<draws {
            let u = (0..<4).map { platform[$0].uniform() }
            let shared = [p.growthMonthly.quantile(u[0]), p.seasonal.quantile(u[1]), p.featureInteraction.quantile(u[2]), p.safety.quantile(u[3])]
            var ti = [Double](repeating: 0, count: hcount), tc = dbMonthly
            for (i, sv) in services.enumerated() {
                let v = (0..<5).map { own[i].streams[$0].uniform() }
                let f = factors[i]
                let peak = sv.peak.quantile(v[0])
                let growth = own[i].own[1] ? f.growthMonthly.quantile(v[1]) : shared[0]
                let seasonal = own[i].own[2] ? f.seasonal.quantile(v[2]) : shared[1]
                let rest = (own[i].own[3] ? f.featureInteraction.quantile(v[3]) : shared[2])
                    * (own[i].own[4] ? f.safety.quantile(v[4]) : shared[3])
                for (h, months) in horizons.enumerated() {
                    let r = peak * multiplier * pow(1 + growth, Double(months)) * max(calendar?[i][h].factor ?? seasonal, surge) * rest
                    let n = instances(required: r, capacity: sv.capacity.rps, utilization: utils[i], min: sv.replicas.min)
                    let k = i * hcount + h
                    rps[k].append(r); inst[k].append(Double(n)); cost[k].append(Double(n) * costs[i])
                    ti[h] += Double(n); tc[h] += Double(n) * costs[i]
                }
            }
            for h in 0..<hcount { totInst[h].append(ti[h]); totCost[h].append(tc[h]) }
        }
        var rows = [[RowUncertainty?]](repeating: [RowUncertainty?](repeating: nil, count: hcount), count: scount)
        for i in 0..<scount {
            for h in 0..<hcount {
                let k = i * hcount + h
                let c = s.currency.split(Percentiles(cost[k]))
                rows[i][h] = RowUncertainty(requiredRps: Percentiles(rps[k]), instancesRequired: Percentiles(inst[k]), monthlyCostEtb: c.etb, monthlyCostUsd: c.usd)
            }
        }
        let totals = (0..<hcount).map { h -> TotalUncertainty in
            let c = s.currency.split(Percentiles(totCost[h]))
            return TotalUncertainty(instancesRequired: Percentiles(totInst[h]), monthlyCostEtb: c.etb, monthlyCostUsd: c.usd)
        }
        return Simulated(rows: rows, totals: totals)
    }
}
