/// How a scenario's money is added up and shown.
///
/// Every amount is kept in the reporting currency (`reportIn`): prices in the other currency
/// are converted with the exchange rate as they are used. A scenario needs the rate only where
/// two currencies meet — prices in both, prices in one and `report_in` or `show_both` asking
/// for the other, an expectation's amount in the other — and the validator asks for it there;
/// a scenario priced in one currency runs without one and shows only that currency.
public struct CurrencySettings: Hashable, Sendable, Codable {
    /// How many birr one US dollar buys; nil when the scenario gives none.
    public let etbPerUSD: Double?
    /// The currency outputs state money in: `currency.report_in`, else the currency the prices
    /// are written in, else (prices in both, or none) `Defaults.reportIn`.
    public let reportIn: Currency
    /// Outputs also state the other currency beside `reportIn` (`currency.show_both`).
    public let showBoth: Bool

    public init(etbPerUSD: Double?, reportIn: Currency, showBoth: Bool) {
        self.etbPerUSD = etbPerUSD; self.reportIn = reportIn; self.showBoth = showBoth
    }

    /// The currencies a result of this scenario is shown in.
    public var shown: ShownCurrencies { ShownCurrencies(lead: reportIn, other: showBoth ? reportIn.other : nil) }

    /// `m` in `target`; nil when that takes a conversion and there is no rate.
    public func amount(_ m: Money, in target: Currency) -> Double? {
        if m.currency == target { return m.amount }
        return etbPerUSD.map { m.amount(in: target, etbPerUSD: $0) }
    }

    /// `m` in the reporting currency. The validator asks for a rate wherever a price is in the
    /// other currency, so a loaded scenario always has an answer for its own prices.
    public func reported(_ m: Money) -> Double {
        guard let v = amount(m, in: reportIn) else {
            preconditionFailure("\(m) in a scenario reporting in \(reportIn.rawValue) without an exchange rate: validation lets no such price through")
        }
        return v
    }

    /// An amount in the reporting currency, stated in `target`: itself, or converted with the
    /// rate; nil for the other currency when there is no rate.
    public func restated(_ amount: Double, in target: Currency) -> Double? {
        if target == reportIn { return amount }
        guard let rate = etbPerUSD else { return nil }
        return reportIn == .etb ? amount / rate : amount * rate
    }

    /// An amount in the reporting currency as results store it: in birr and in dollars, each
    /// nil when it would take a rate the scenario does not give.
    public func split(_ amount: Double) -> (etb: Double?, usd: Double?) { (restated(amount, in: .etb), restated(amount, in: .usd)) }
}

/// The currencies a result's money is shown in: the reporting currency, and the other one
/// beside it when the scenario asks for both (`currency.show_both`). Carried by plans and
/// simulation results so a stored run renders as it did, whatever its scenario says today.
public struct ShownCurrencies: Hashable, Sendable, Codable {
    public let lead: Currency
    public let other: Currency?

    public init(lead: Currency, other: Currency?) { self.lead = lead; self.other = other }

    /// `lead`, then `other` when shown.
    public var all: [Currency] { [lead] + (other.map { [$0] } ?? []) }

    /// What results saved before currencies were recorded showed: birr, with dollars beside.
    public static let beforeRecorded = ShownCurrencies(lead: .etb, other: .usd)
}
