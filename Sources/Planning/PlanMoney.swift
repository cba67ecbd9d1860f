import CapsimModel

// A plan's money by currency: each amount is stored once per currency (the JSON contract's
// `monthly_cost_etb`, `monthly_cost_usd`, …), and renderers ask for the currency they show.

extension PlanRow {
    public func monthlyCost(in c: Currency) -> Double? { c == .etb ? monthlyCostEtb : monthlyCostUsd }
    public func costPerInstanceHour(in c: Currency) -> Double? { c == .etb ? costPerInstanceHourEtb : costPerInstanceHourUsd }
}

extension PlanTotal {
    public func monthlyCost(in c: Currency) -> Double? { c == .etb ? monthlyCostEtb : monthlyCostUsd }
    public func databaseMonthlyCost(in c: Currency) -> Double? { c == .etb ? databaseMonthlyCostEtb : databaseMonthlyCostUsd }
}

extension ZoneHeadroom {
    public func monthlyCost(in c: Currency) -> Double? { c == .etb ? monthlyCostEtb : monthlyCostUsd }
}

extension ZoneHeadroomTotal {
    public func monthlyCost(in c: Currency) -> Double? { c == .etb ? monthlyCostEtb : monthlyCostUsd }
}

extension RowUncertainty {
    public func monthlyCost(in c: Currency) -> Percentiles? { c == .etb ? monthlyCostEtb : monthlyCostUsd }
}

extension TotalUncertainty {
    public func monthlyCost(in c: Currency) -> Percentiles? { c == .etb ? monthlyCostEtb : monthlyCostUsd }
}

extension CurrencySettings {
    /// Percentiles in the reporting currency, in birr and in dollars (see `split(_:)` for one amount).
    func split(_ p: Percentiles) -> (etb: Percentiles?, usd: Percentiles?) {
        func one(_ c: Currency) -> Percentiles? {
            guard let p10 = restated(p.p10, in: c), let p50 = restated(p.p50, in: c), let p90 = restated(p.p90, in: c) else { return nil }
            return Percentiles(p10: p10, p50: p50, p90: p90)
        }
        return (one(.etb), one(.usd))
    }
}
