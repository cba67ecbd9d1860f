import CapsimModel
import Foundation
import Planning

/// The plan's database sizing as rows of text, shared by the terminal table, Markdown and HTML.
enum PlanDatabaseTable {
    static let intro = "Databases at the planned queries: cores at the CPU alert, read replicas for the reads, connections for the 99.9th percentile in flight"

    static func header(_ p: CapacityPlan) -> [String] {
        ["database", "queries/s", "reads", "CPU alert", "cores needed / has", "read replicas needed / has", "connections needed / max",
         "\(p.currencies.lead.rawValue)/month"]
    }

    static func rows(_ p: CapacityPlan, months: Int) -> [[String]] {
        (p.databases ?? []).filter { $0.months == months }.map { d in
            // "needed / has", marked when it needs more than it has.
            let short = { (need: Int, has: Double) in "\(need) / \(trim(has))" + (Double(need) > has ? " !" : "") }
            return [d.database, PlanRenderer.rps(d.queriesPerSecond), Percent(fraction: d.readShare).description,
                    Percent(fraction: d.alertUtilization).description + (d.alertFromTrigger ? "" : " (default)"),
                    short(d.primaryCoresRequired, d.cpus),
                    d.readReplicas > 0 ? short(d.readReplicasRequired, Double(d.readReplicas)) : "reads on the primary",
                    d.connectionsRequired.map { short($0, Double(d.maxConnections)) } ?? "no bound / \(d.maxConnections) !",
                    PlanRenderer.money(d.monthlyCost(in: p.currencies.lead))]
        }
    }

    static func table(_ p: CapacityPlan, months: Int) -> TextTable? {
        let rs = rows(p, months: months)
        guard !rs.isEmpty else { return nil }
        var t = TextTable(header(p))
        for r in rs { t.add(r) }
        return t
    }
}

extension PlanRenderer {
    /// "surge NAME" when a surge set every service's peak factor at this horizon, else the
    /// scenario's season label: a title must name the peak that was planned.
    static func peakLabel(_ p: CapacityPlan, months: Int) -> String {
        let surges = Set(p.rows.filter { $0.months == months }.map(\.boundBySurge))
        if surges.count == 1, let only = surges.first, let name = only { return "surge \(name)" }
        return p.seasonLabel
    }
}
