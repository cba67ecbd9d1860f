import CapsimModel

/// N+1 zone headroom: how many instances a service needs so that losing the zone that holds
/// the most of them still leaves the capacity formula's count.
///
/// Pods spread over the zones one at a time to the zone with the fewest (Kubernetes'
/// topologySpreadConstraints, maxSkew 1, as the simulator places them), so of M pods over Z
/// zones the most-loaded zone holds ⌈M ÷ Z⌉ and its loss leaves M − ⌈M ÷ Z⌉. The zone-safe count
/// is the smallest M with M − ⌈M ÷ Z⌉ ≥ N. As M − ⌈M ÷ Z⌉ = ⌊M(Z − 1) ÷ Z⌋ and N is whole, that
/// is M ≥ N·Z ÷ (Z − 1), so M = N + ⌈N ÷ (Z − 1)⌉ (written so, it cannot overflow where N·Z could).
/// At that M the loss leaves exactly N: one pod fewer leaves at most one fewer, which is short.
public enum ZoneSpread {
    /// The pods in the most-loaded of `zones` zones when `pods` spread with maxSkew 1: ⌈pods ÷ zones⌉.
    public static func largestZone(pods: Int, zones: Int) -> Int {
        precondition(pods >= 0 && zones >= 1, "pods \(pods) over \(zones) zones")
        return (pods + zones - 1) / zones
    }

    /// The smallest count whose loss of its most-loaded zone leaves at least `needed`.
    ///
    /// nil when no count does: a single zone takes every pod with it. Needing none, none is
    /// zone-safe whatever the zones (0 − 0 ≥ 0).
    public static func zoneSafeCount(needed: Int, zones: Int) -> Int? {
        precondition(needed >= 0 && zones >= 1, "\(needed) instances over \(zones) zones")
        if needed == 0 { return 0 }
        guard zones > 1 else { return nil }
        return needed + (needed + zones - 2) / (zones - 1)
    }
}

extension ZoneHeadroom {
    /// A row's zone headroom: `needed` is the formula's count, `hourly` the price per
    /// instance-hour in the reporting currency.
    static func planned(needed: Int, zones: Int, maxReplicas: Int, hourly: Double, hoursPerMonth: Double, currency: CurrencySettings) -> ZoneHeadroom {
        guard let m = ZoneSpread.zoneSafeCount(needed: needed, zones: zones) else {
            return ZoneHeadroom(zones: zones, instancesRequired: nil, instancesInLargestZone: nil, exceedsMax: false, monthlyCostEtb: nil, monthlyCostUsd: nil,
                                explanation: "a single zone cannot survive its own loss: it takes all \(needed) instances with it, so no count is zone-safe")
        }
        let lost = ZoneSpread.largestZone(pods: m, zones: zones)
        let monthly = currency.split(Double(m) * hourly * hoursPerMonth)
        let why = needed == 0
            ? "no instances needed, so none to lose"
            : "over \(zones) zones (maxSkew 1) the most-loaded holds \(lost) of \(m); losing it leaves \(m - lost), the formula's count"
        return ZoneHeadroom(zones: zones, instancesRequired: m, instancesInLargestZone: lost, exceedsMax: m > maxReplicas,
                            monthlyCostEtb: monthly.etb, monthlyCostUsd: monthly.usd, explanation: why)
    }
}
