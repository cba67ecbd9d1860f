import CapsimModel
import Foundation
import Planning

/// Renders a `CapacityPlan` as a terminal table, Markdown, JSON or CSV. A plan whose scenario
/// lists zones shows each zone-safe count beside the instances; one without shows exactly what
/// it showed before zones were planned.
public enum PlanRenderer {
    public enum Format: String, CaseIterable, Sendable { case table, markdown, json, csv }

    public static func render(_ p: CapacityPlan, as format: Format) -> String {
        switch format {
        case .table: return table(p)
        case .markdown: return markdown(p)
        case .json: return json(p)
        case .csv: return csv(p)
        }
    }

    static func money(_ v: Double) -> String {
        let n = NumberFormatter()
        n.numberStyle = .decimal
        n.maximumFractionDigits = 0
        n.locale = Locale(identifier: "en_US_POSIX")
        n.usesGroupingSeparator = true
        n.groupingSeparator = ","
        n.groupingSize = 3
        return n.string(from: NSNumber(value: v.rounded())) ?? String(Int(v))
    }

    static func rps(_ v: Double) -> String { formatCount((v * 10).rounded() / 10) + "/s" }
    static func x(_ v: Double) -> String { "×" + String(format: "%.3g", v) }
    static func range(_ p: Percentiles?, _ f: (Double) -> String) -> String {
        guard let p else { return "—" }
        return "\(f(p.p10)) / \(f(p.p50)) / \(f(p.p90))"
    }
    static func count(_ v: Double) -> String { String(Int(v.rounded())) }
    /// An amount in a currency the plan shows; "—" for one it cannot state (a plan saved with
    /// both currencies shown but one amount missing never happens, but a table must not crash).
    static func money(_ v: Double?) -> String { v.map(money) ?? "—" }

    static func serviceTable(_ p: CapacityPlan, months: Int, markdown: Bool) -> TextTable {
        let uncertain = p.draws > 0, lead = p.currencies.lead, zoned = p.zones != nil
        let over = markdown ? " ⚠" : " !"
        var t = TextTable(["service", "peak", "growth", "season", "feature", "safety", "required", "per instance", "util", "instances"] + (zoned ? ["zone-safe"] : [])
                          + ["max", "Erlang C", "\(lead.rawValue)/month"] + (zoned ? ["zone-safe \(lead.rawValue)/month"] : [])
                          + (uncertain ? ["instances p10/p50/p90"] : []))
        for r in p.rows where r.months == months {
            let flag = r.exceedsMax ? over : ""
            let zone = r.zoneHeadroom
            t.add([r.service, rps(r.currentPeakRps), x(r.growthMultiplier), x(r.seasonalFactor), x(r.featureInteractionFactor), x(r.safetyFactor),
                   rps(r.requiredRps), rps(r.instanceCapacityRps), Percent(fraction: r.targetUtilization).description, "\(r.instancesRequired)\(flag)"]
                  + (zoned ? [zone.map { zoneSafe($0, over: over) } ?? "—"] : [])
                  + ["\(r.maxReplicas)", r.queueing.map { $0.instancesRequired.map(String.init) ?? "unmet" } ?? "—", money(r.monthlyCost(in: lead))]
                  + (zoned ? [money(zone?.monthlyCost(in: lead))] : [])
                  + (uncertain ? [range(r.uncertainty?.instancesRequired, count)] : []))
        }
        return t
    }

    /// A zone-safe count as the tables show it, flagged like the instances when above the max;
    /// "impossible" where no count survives (a single zone).
    static func zoneSafe(_ z: ZoneHeadroom, over: String) -> String {
        z.instancesRequired.map { "\($0)\(z.exceedsMax ? over : "")" } ?? "impossible"
    }

    static func totalsTable(_ p: CapacityPlan) -> TextTable {
        let uncertain = p.draws > 0, lead = p.currencies.lead, zoned = p.zones != nil
        let services = Set(p.rows.map(\.service)).count
        func overMax(_ names: [String]) -> String { names.isEmpty ? "none" : "\(names.count) of \(services)" }
        var t = TextTable(["months", "instances"] + (zoned ? ["zone-safe"] : []) + ["over max"] + (zoned ? ["zone-safe over max"] : [])
                          + p.currencies.all.map { "\($0.rawValue)/month" } + (zoned ? ["zone-safe \(lead.rawValue)/month"] : []) + ["of which databases (\(lead.rawValue))"]
                          + (uncertain ? ["instances p10/p50/p90", "\(lead.rawValue)/month p10/p50/p90"] : []))
        for tot in p.totals {
            let zone = tot.zoneHeadroom
            t.add(["\(tot.months)", "\(tot.instancesRequired)"] + (zoned ? [zone.map { $0.instancesRequired.map(String.init) ?? "impossible" } ?? "—"] : [])
                  + [overMax(tot.servicesOverMax)] + (zoned ? [zone.flatMap { $0.instancesRequired == nil ? nil : overMax($0.servicesOverMax) } ?? "—"] : [])
                  + p.currencies.all.map { money(tot.monthlyCost(in: $0)) } + (zoned ? [money(zone?.monthlyCost(in: lead))] : [])
                  + [money(tot.databaseMonthlyCost(in: lead))]
                  + (uncertain ? [range(tot.uncertainty?.instancesRequired, count), range(tot.uncertainty?.monthlyCost(in: lead), money)] : []))
        }
        return t
    }

    /// What the zone-safe column means, for a plan whose scenario lists zones.
    static func zoneNote(_ p: CapacityPlan) -> String? {
        guard let zones = p.zones else { return nil }
        guard zones.count > 1 else {
            return "zone-safe: platform.zones lists one zone (\(zones[0])); losing it loses every pod, so no instance count survives it (impossible)"
        }
        guard p.zonesToSurvive > 1 else {
            return "zone-safe = the fewest instances M with M − ⌈M ÷ \(zones.count)⌉ ≥ instances: spread over \(zones.joined(separator: ", ")) (maxSkew 1), "
                + "losing the most-loaded zone still leaves the formula's count"
        }
        let k = p.zonesToSurvive
        return "zone-safe = the fewest instances M that, spread over \(zones.joined(separator: ", ")) (maxSkew 1), still leave the formula's count "
            + "after losing the \(k) most-loaded zones at once (platform.survives: N+\(k) zones): M − (\(k)·⌊M ÷ \(zones.count)⌋ + min(\(k), M mod \(zones.count))) ≥ instances"
    }

    static func header(_ p: CapacityPlan) -> String {
        let draws = p.draws > 0 ? "\(p.draws) Monte Carlo draws, seed \(p.seed)" : "exact inputs"
        let rate = p.etbPerUSD.map { "ETB \(trim($0)) = USD 1" } ?? "money in \(p.currencies.lead.rawValue)"
        return "capsim plan: \(p.scenario) (\(draws); \(rate))"
    }

    static func explanations(_ p: CapacityPlan, months: Int) -> [String] {
        p.rows.filter { $0.months == months }.compactMap { r in r.queueing.map { "\(r.service): \($0.explanation)" } }
    }

    /// What set each row's peak when it was not the seasonal factor, and the traffic
    /// multiplier when the scenario has one: the seed's formula has neither term.
    static func peakNotes(_ p: CapacityPlan, months: Int) -> [String] {
        let rows = p.rows.filter { $0.months == months }
        var notes: [String] = []
        if let m = rows.first?.steps.first(where: { $0.factor == "traffic multiplier" })?.multiplier {
            notes.append("traffic.multiplier ×\(trim(m)) scales every current peak")
        }
        let bySurge = Dictionary(grouping: rows.filter { $0.boundBySurge != nil }, by: { $0.boundBySurge! })
        for (surge, rs) in bySurge.sorted(by: { $0.key < $1.key }) {
            notes.append("season = surge \(surge) ×\(trim(rs[0].seasonalFactor)), larger than the seasonal factor, for \(rs.count == rows.count ? "every service" : rs.map(\.service).joined(separator: ", "))")
        }
        return notes
    }

    public static func table(_ p: CapacityPlan) -> String {
        var out = [header(p)] + (zoneNote(p).map { ["  " + $0] } ?? []) + [""]
        for months in p.totals.map(\.months) {
            out.append("Month \(months) (\(peakLabel(p, months: months))): required = peak × growth × season × feature × safety; instances at util, the busy share where each HPA reads its CPU target (CPU against the request: a pod that bursts to its limit reaches it less busy)")
            out += peakNotes(p, months: months).map { "  " + $0 }
            out.append(serviceTable(p, months: months, markdown: false).render())
            out.append("")
            let queueing = explanations(p, months: months)
            if !queueing.isEmpty {
                out.append("Queueing (Erlang C against each latency SLO):")
                out += queueing.map { "  " + $0 }
                out.append("")
            }
            if let db = PlanDatabaseTable.table(p, months: months) {
                out += [PlanDatabaseTable.intro + " (! = more than it has):", db.render(), ""]
            }
        }
        out.append("Totals per month (instances provisioned for the peak all month; databases as sized above):")
        out.append(totalsTable(p).render())
        if !p.warnings.isEmpty {
            out.append("")
            out += p.warnings.map { "warning: " + $0 }
        }
        return out.joined(separator: "\n") + "\n"
    }

    public static func markdown(_ p: CapacityPlan) -> String {
        let last = p.totals.last
        let over = last?.servicesOverMax ?? []
        let verdict = over.isEmpty
            ? "**✅ Every service fits its HPA max through month \(last?.months ?? 0).**"
            : "**⚠️ \(over.count) of \(Set(p.rows.map(\.service)).count) services exceed their HPA max by month \(last?.months ?? 0): \(over.joined(separator: ", ")).**"
        var out = [verdict + zoneVerdict(p), "", "_\(header(p))_", ""] + (zoneNote(p).map { ["_\($0)._", ""] } ?? [])
        for months in p.totals.map(\.months) {
            out += ["### Month \(months) — \(peakLabel(p, months: months))", "", serviceTable(p, months: months, markdown: true).markdown(), ""]
            let queueing = explanations(p, months: months)
            if !queueing.isEmpty { out += queueing.map { "- " + $0 } + [""] }
            if let db = PlanDatabaseTable.table(p, months: months) { out += ["_\(PlanDatabaseTable.intro) (! = more than it has)._", "", db.markdown(), ""] }
        }
        out += ["### Totals per month", "", totalsTable(p).markdown(), ""]
        if !p.warnings.isEmpty { out += p.warnings.map { "- ⚠️ " + $0 } + [""] }
        return out.joined(separator: "\n")
    }

    /// A second sentence for the verdict, on its line (the HTML report takes the line), when the
    /// last horizon's zone-safe counts do not all fit their max; nothing for a plan without zones.
    static func zoneVerdict(_ p: CapacityPlan) -> String {
        guard let last = p.totals.last, let zone = last.zoneHeadroom, !zone.servicesOverMax.isEmpty else { return "" }
        let services = Set(p.rows.map(\.service)).count
        return " **⚠️ To survive losing \(p.zoneLossWords), \(zone.servicesOverMax.count) of \(services) need more than their max by month \(last.months): \(zone.servicesOverMax.joined(separator: ", ")).**"
    }

    public static func json(_ p: CapacityPlan) -> String {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? e.encode(p)) ?? Data(), as: UTF8.self) + "\n"
    }

    /// The CSV's columns: money in the currencies the plan shows (`monthly_cost_etb`, then
    /// `monthly_cost_usd` when both are shown; the percentiles in the reporting currency). A plan
    /// with zones adds the zone headroom at the end, so every other column keeps its place.
    public static func csvColumns(_ shown: ShownCurrencies, zones: Bool = false) -> [String] {
        let lead = shown.lead.rawValue.lowercased()
        return ["service", "months", "current_peak_rps", "growth_monthly", "growth_multiplier", "seasonal_factor", "feature_interaction_factor",
                "safety_factor", "required_rps", "instance_capacity_rps", "target_utilization", "instances_required", "min_replicas",
                "max_replicas", "exceeds_max", "queueing_instances_required", "slo_metric", "slo_seconds"]
            + shown.all.map { "monthly_cost_\($0.rawValue.lowercased())" }
            + ["required_rps_p10", "required_rps_p50", "required_rps_p90", "instances_p10", "instances_p50",
               "instances_p90", "monthly_cost_\(lead)_p10", "monthly_cost_\(lead)_p50", "monthly_cost_\(lead)_p90"]
            + (zones ? ["zones", "zone_safe_instances_required", "zone_safe_exceeds_max"] + shown.all.map { "zone_safe_monthly_cost_\($0.rawValue.lowercased())" } : [])
    }

    public static func csv(_ p: CapacityPlan) -> String {
        func n(_ v: Double?) -> String { v.map { String(format: "%.6g", $0) } ?? "" }
        let lead = p.currencies.lead
        var lines = [csvLine(csvColumns(p.currencies, zones: p.zones != nil))]
        for r in p.rows {
            let u = r.uncertainty, cost = u?.monthlyCost(in: lead)
            // An empty zone_safe_instances_required with zones: no count survives (a single zone).
            let zone = p.zones == nil ? [] : r.zoneHeadroom.map { z in
                ["\(z.zones)", z.instancesRequired.map(String.init) ?? "", "\(z.exceedsMax)"]
                    + p.currencies.all.map { c in z.monthlyCost(in: c).map { String(format: "%.2f", $0) } ?? "" }
            } ?? Array(repeating: "", count: 3 + p.currencies.all.count)
            lines.append(csvLine([r.service, "\(r.months)", n(r.currentPeakRps), n(r.growthMonthly), n(r.growthMultiplier), n(r.seasonalFactor),
                                  n(r.featureInteractionFactor), n(r.safetyFactor), n(r.requiredRps), n(r.instanceCapacityRps), n(r.targetUtilization),
                                  "\(r.instancesRequired)", "\(r.minReplicas)", "\(r.maxReplicas)", "\(r.exceedsMax)",
                                  r.queueing?.instancesRequired.map(String.init) ?? "", r.queueing?.sloMetric ?? "", n(r.queueing?.sloSeconds)]
                                 + p.currencies.all.map { c in r.monthlyCost(in: c).map { String(format: "%.2f", $0) } ?? "" }
                                 + [n(u?.requiredRps.p10), n(u?.requiredRps.p50), n(u?.requiredRps.p90),
                                    n(u?.instancesRequired.p10), n(u?.instancesRequired.p50), n(u?.instancesRequired.p90),
                                    n(cost?.p10), n(cost?.p50), n(cost?.p90)] + zone))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
