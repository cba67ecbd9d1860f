import CapsimModel
import Foundation
import Planning

/// The scenario as it would stand at a horizon: its traffic grown by the formula without the
/// safety factor, on the fleet the plan provisions.
public enum HorizonScenario {
    /// - traffic × `factor` (growth × seasonal × feature interaction); the profile, surges and
    ///   CDN misses scale with it, so a surge lands on the grown traffic as it would.
    /// - each autoscaled service's max raised to the plan's instances when they are more (min
    ///   unchanged); a service that does not autoscale runs the plan's count, fixed.
    /// - each database at the plan's cores, read replicas and the connections it says it needs.
    /// - initial replicas and workers × `factor` (within their bounds): the run starts with the
    ///   fleet that carried the run's first minutes when the traffic was smaller, grown with it,
    ///   not with today's fleet under tomorrow's traffic — a cold start the horizon would not see.
    /// Consumer groups keep their bounds: the plan does not size them.
    public static func make(_ s: Scenario, plan: CapacityPlan, months: Int, factor: Double) -> Scenario {
        let rows = Dictionary(plan.rows.filter { $0.months == months }.map { ($0.service, $0) }, uniquingKeysWith: { a, _ in a })
        let dbRows = Dictionary((plan.databases ?? []).filter { $0.months == months }.map { ($0.database, $0) }, uniquingKeysWith: { a, _ in a })
        let services = s.services.mapValues { sv -> Service in
            guard let row = rows[sv.name] else { return sv }
            let r = sv.replicas
            guard autoscales(sv) else {
                return sv.with(replicas: Replicas(min: row.instancesRequired, max: row.instancesRequired, initial: row.instancesRequired))
            }
            let max = Swift.max(r.max, row.instancesRequired)
            return sv.with(replicas: Replicas(min: r.min, max: max, initial: grown(r.initial, by: factor, within: r.min...max)))
        }
        let databases = s.databases.mapValues { db -> Database in
            guard let row = dbRows[db.name] else { return db }
            return db.with(cpus: row.plannedCores, readReplicas: row.plannedReadReplicas,
                           maxConnections: Swift.max(db.maxConnections, row.connectionsRequired ?? db.maxConnections))
        }
        let bus = s.eventBus?.with { g in
            Replicas(min: g.workers.min, max: g.workers.max, initial: grown(g.workers.initial, by: factor, within: g.workers.min...g.workers.max))
        }
        return s.with(traffic: s.traffic?.scaled(by: factor), services: services, databases: databases, eventBus: bus)
    }

    /// Whether anything can change the service's replicas: an HPA or a trigger that adds instances.
    public static func autoscales(_ sv: Service) -> Bool {
        sv.autoscaling.hpa != nil || sv.autoscaling.triggers.contains { if case .addInstances = $0.action { return true }; return false }
    }

    static func grown(_ n: Int, by factor: Double, within bounds: ClosedRange<Int>) -> Int {
        // Clamped before the conversion so an absurd factor cannot overflow Int.
        let x = Swift.min(Double(bounds.upperBound), (Double(n) * factor - 1e-9).rounded(.up))
        return Swift.max(bounds.lowerBound, Int(x))
    }
}
