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

    /// The pods in the `lost` most-loaded of `zones` zones when `pods` spread with maxSkew 1:
    /// of q = ⌊pods ÷ zones⌋ and r = pods mod zones, r zones hold q + 1 and the rest q, so the
    /// `lost` largest hold lost × q + min(lost, r).
    public static func largestZones(_ lost: Int, pods: Int, zones: Int) -> Int {
        precondition(pods >= 0 && zones >= 1 && lost >= 0 && lost <= zones, "\(lost) of \(zones) zones, \(pods) pods")
        return lost * (pods / zones) + min(lost, pods % zones)
    }

    /// The smallest count that still leaves `needed` after losing its `lost` most-loaded zones.
    ///
    /// nil when no count does: losing every zone takes every pod. What is left, pods − the lost
    /// zones' share, never falls as pods grow (one more pod adds at most one to the lost zones),
    /// so a bisection between `needed` and needed × zones ÷ (zones − lost) + zones finds it.
    public static func zoneSafeCount(needed: Int, zones: Int, losing lost: Int) -> Int? {
        precondition(needed >= 0 && zones >= 1 && lost >= 1, "\(needed) instances over \(zones) zones, losing \(lost)")
        if needed == 0 { return 0 }
        guard lost < zones else { return nil }
        if lost == 1 { return zoneSafeCount(needed: needed, zones: zones) }
        var lo = needed, hi = needed + (needed * lost + zones - lost - 1) / (zones - lost) + zones
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            if mid - largestZones(lost, pods: mid, zones: zones) >= needed { hi = mid } else { lo = mid + 1 }
        }
        return lo
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
    static func planned(needed: Int, zones: Int, losing k: Int, maxReplicas: Int, hourly: Double, hoursPerMonth: Double, currency: CurrencySettings) -> ZoneHeadroom {
        guard let m = ZoneSpread.zoneSafeCount(needed: needed, zones: zones, losing: k) else {
            var x = ZoneHeadroom(zones: zones, instancesRequired: nil, instancesInLargestZone: nil, exceedsMax: false, monthlyCostEtb: nil, monthlyCostUsd: nil,
                                 explanation: "a single zone cannot survive its own loss: it takes all \(needed) instances with it, so no count is zone-safe")
            if k > 1 { x.zonesLost = k }
            return x
        }
        let lost = ZoneSpread.largestZones(k, pods: m, zones: zones)
        let monthly = currency.split(Double(m) * hourly * hoursPerMonth)
        let which = k == 1 ? "the most-loaded holds \(lost) of \(m); losing it" : "the \(k) most-loaded hold \(lost) of \(m); losing them"
        let why = needed == 0
            ? "no instances needed, so none to lose"
            : "over \(zones) zones (maxSkew 1) \(which) leaves \(m - lost), the formula's count"
        var x = ZoneHeadroom(zones: zones, instancesRequired: m, instancesInLargestZone: lost, exceedsMax: m > maxReplicas,
                             monthlyCostEtb: monthly.etb, monthlyCostUsd: monthly.usd, explanation: why)
        // Written only beyond the default of one, so plans of scenarios that name no N+k read as before.
        if k > 1 { x.zonesLost = k }
        return x
    }
}
