import Yams

// `currency:` — the exchange rate, the reporting currency and whether to show both.

extension ScenarioDecoder {
    /// The currency settings, after services, databases and faults (whose prices — a spot
    /// fault's `spot_price` too — settle the default
    /// reporting currency): `report_in` when written, else the one currency the prices are
    /// written in, else `Defaults.reportIn`. Whether a rate is needed is the validator's
    /// question (`ScenarioValidator.money`).
    func currency(_ node: Node?, services: [String: Service], databases: [String: Database], faults: [Fault]) -> CurrencySettings {
        let o = node.flatMap { Obj(r, $0, "currency", kind: "currency") }
        let written = Set(services.values.compactMap { $0.costPerInstanceHour?.currency } + databases.values.compactMap { $0.costPerHour?.currency }
                          + faults.compactMap(\.spotPrice).map(\.currency))
        return CurrencySettings(etbPerUSD: o?.number("etb_per_usd"),
                                reportIn: o?.choice("report_in", Currency.self) ?? (written.count == 1 ? written.first : nil) ?? Defaults.reportIn,
                                showBoth: o?.bool("show_both") ?? Defaults.showBoth)
    }
}
