import Foundation
import Yams

// `planning:` and the formula factors a service may override; values and ranges (`Uncertain`).

extension ScenarioDecoder {
    func planning(_ node: Node?) -> PlanningSettings {
        let o = node.flatMap { Obj(r, $0, "planning", kind: "planning") }
        var horizons = Defaults.horizons
        if let items = o?.items("horizons", { n, p in parseScalar(r, n, p, "a number of months", "\"12\"", parseWhole) }) {
            horizons = items
        }
        // `seasonal_factor: from_calendar` is resolved per horizon by the planner.
        let fromCalendar = o.flatMap { o in o["seasonal_factor"].flatMap { n -> Bool? in
            if case .scalar(let s) = n, s.string == "from_calendar" { return true }
            return nil
        } } ?? false
        return PlanningSettings(
            horizons: horizons,
            factors: fromCalendar ? factorsWithoutSeasonal(o) : factors(o, defaults: nil),
            draws: o?.int("draws") ?? Defaults.draws,
            targetUtilization: o?.percent("target_utilization"),
            seasonLabel: o?.string("season_label") ?? (fromCalendar ? "calendar season" : Defaults.seasonLabel),
            seasonalFromCalendar: fromCalendar,
            start: o?.string("start"))
    }

    func factorsWithoutSeasonal(_ o: Obj?) -> PlanningFactors {
        PlanningFactors(
            growthMonthly: o.flatMap { uncertain($0, "growth", percent: true) } ?? Uncertain(Defaults.growth),
            seasonal: Uncertain(Defaults.factor),
            featureInteraction: o.flatMap { uncertain($0, "feature_interaction_factor", percent: false) } ?? Uncertain(Defaults.factor),
            safety: o.flatMap { uncertain($0, "safety_factor", percent: false) } ?? Uncertain(Defaults.factor))
    }

    /// The four formula factors; `defaults` are the platform's, for per-service overrides.
    func factors(_ o: Obj?, defaults: PlanningFactors?) -> PlanningFactors {
        PlanningFactors(
            growthMonthly: o.flatMap { uncertain($0, "growth", percent: true) } ?? defaults?.growthMonthly ?? Uncertain(Defaults.growth),
            seasonal: o.flatMap { uncertain($0, "seasonal_factor", percent: false) } ?? defaults?.seasonal ?? Uncertain(Defaults.factor),
            featureInteraction: o.flatMap { uncertain($0, "feature_interaction_factor", percent: false) } ?? defaults?.featureInteraction ?? Uncertain(Defaults.factor),
            safety: o.flatMap { uncertain($0, "safety_factor", percent: false) } ?? defaults?.safety ?? Uncertain(Defaults.factor))
    }

    /// A value, `low..high`, or `{low, mid, high}`; percentages when `percent`, plain numbers otherwise.
    func uncertain(_ o: Obj, _ key: String, percent: Bool) -> Uncertain? {
        guard let node = o[key] else { return nil }
        return uncertain(node, o.sub(key), parse: percent ? { Percent(parsing: $0)?.fraction } : parseDecimal,
                         what: percent ? "a percentage" : "a number", example: percent ? "\"8%\" or \"4%..12%\"" : "\"2.5\" or \"2.0..3.0\"")
    }

    func uncertain(_ node: Node, _ path: String, parse: (String) -> Double?, what: String, example: String) -> Uncertain? {
        if case .mapping = node {
            guard let m = Obj(r, node, path, kind: "range", required: ["low", "high"]) else { return nil }
            let lo = m.parse("low", what, example, parse), hi = m.parse("high", what, example, parse)
            guard let lo, let hi else { return nil }
            let mid = m.parse("mid", what, example, parse) ?? (lo + hi) / 2
            return Uncertain(low: lo, mid: mid, high: hi)
        }
        return parseScalar(r, node, path, what, example) { t -> Uncertain? in
            let parts = t.components(separatedBy: "..")
            if parts.count == 1 { return parse(t).map { Uncertain($0) } }
            guard parts.count == 2, let lo = parse(parts[0]), let hi = parse(parts[1]) else { return nil }
            return Uncertain(low: lo, mid: (lo + hi) / 2, high: hi)
        }
    }
}

extension PlanningFactors {
    /// Per-service factors: only the keys the service wrote (nil: the platform's value applies,
    /// see `ServiceFactors.resolved(over:)`).
    func withOverridesOnly(_ o: Obj?) -> ServiceFactors {
        ServiceFactors(growthMonthly: o?.has("growth") == true ? growthMonthly : nil,
                       seasonal: o?.has("seasonal_factor") == true ? seasonal : nil,
                       featureInteraction: o?.has("feature_interaction_factor") == true ? featureInteraction : nil,
                       safety: o?.has("safety_factor") == true ? safety : nil)
    }
}
