import CapsimModel
import LoadGen
import Planning
import Simulation

/// The one-line `summary` of a run, written when it is saved so `runs list` need not read
/// results. Simulation summaries state the stored row counts ("1,440 samples"), so a listing
/// shows at a glance how big a run is.
enum RunSummary {
    /// `horizons 6, 12 months; month 12: 552 instances, ETB 975,806/month, 6 of 6 services over max`
    static func plan(_ plan: CapacityPlan) -> String {
        let horizons = plan.totals.map { String($0.months) }.joined(separator: ", ")
        var text = "horizons \(horizons) months"
        if let last = plan.totals.max(by: { $0.months < $1.months }) {
            let services = Set(plan.rows.map(\.service)).count
            let lead = plan.currencies.lead
            text += "; month \(last.months): \(grouped(last.instancesRequired)) instances"
                + (last.monthlyCost(in: lead).map { ", \(lead.rawValue) \(grouped(Int($0.rounded())))/month" } ?? "")
            if !last.servicesOverMax.isEmpty { text += ", \(last.servicesOverMax.count) of \(services) services over max" }
        }
        if plan.draws > 0 { text += "; \(grouped(plan.draws)) draws" }
        return text
    }

    /// `1h simulated, 11.2M events; 1,440 samples, 1,680 route samples, 12 scaling events; 3 SLO breaches`
    static func simulation(_ result: SimulationResult) -> String {
        let breaches = result.services.reduce(0) { $0 + $1.sloBreaches }
        return "\(formatDuration(result.duration)) simulated, \(formatCount(Double(result.events))) events; "
            + "\(grouped(result.timeline.count)) samples, \(grouped(result.routeTimeline.count)) route samples, "
            + "\(grouped(result.scaling.count)) scaling events; \(grouped(breaches)) SLO breaches"
    }

    /// `1000.0/s for 10s → 998.7/s, p99 3.21ms, 0 errors`
    static func load(_ result: LoadResult) -> String { LoadFormat.summary(result) }

    /// `1234567` → `1,234,567`.
    static func grouped(_ n: Int) -> String { formatGrouped(n) }
}
