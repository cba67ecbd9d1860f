import CapsimModel
import Foundation
import Planning
import Simulation

/// The scenario as it would stand at a horizon: its traffic grown by the formula without the
/// safety factor, on the fleet the plan provisions.
public enum HorizonScenario {
    /// - traffic × `factor` (growth × seasonal × feature interaction); the profile, surges and
    ///   CDN misses scale with it, so a surge lands on the grown traffic as it would.
    /// - each autoscaled service's max raised to the plan's instances when they are more (min
    ///   unchanged); a service that does not autoscale runs the plan's count, fixed.
    /// - each database at the plan's cores, read replicas and the connections it says it needs.
    /// - each autoscaled service starts with the replicas its opening traffic needs at the
    ///   plan's utilisation, as an HPA that tracked the growing traffic would hold them — not
    ///   today's fleet under tomorrow's traffic (a cold start the horizon would not see), nor
    ///   today's count grown (a min-bound count would swell into instances no one asked for).
    /// Consumer groups keep their bounds (the plan does not size them); their initial workers
    /// grow with the traffic.
    public static func make(_ s: Scenario, plan: CapacityPlan, months: Int, factor: Double) -> Scenario {
        let rows = Dictionary(plan.rows.filter { $0.months == months }.map { ($0.service, $0) }, uniquingKeysWith: { a, _ in a })
        let dbRows = Dictionary((plan.databases ?? []).filter { $0.months == months }.map { ($0.database, $0) }, uniquingKeysWith: { a, _ in a })
        let opening = openingShare(s) * (s.traffic?.multiplier ?? 1) * factor
        let services = s.services.mapValues { sv -> Service in
            guard let row = rows[sv.name] else { return sv }
            let r = sv.replicas
            guard autoscales(sv) else {
                return sv.with(replicas: Replicas(min: row.instancesRequired, max: row.instancesRequired, initial: row.instancesRequired))
            }
            let max = Swift.max(r.max, row.instancesRequired), perInstance = row.instanceCapacityRps * row.targetUtilization
            let needed = perInstance > 0 ? Swift.min(Double(max), (sv.peak.mid * opening / perInstance - 1e-9).rounded(.up)) : Double(r.initial)
            return sv.with(replicas: Replicas(min: r.min, max: max, initial: Swift.max(r.min, Int(needed))))
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

    /// The entry's rate at the run's start over its peak: the profile, and any surge, at t = 0.
    static func openingShare(_ s: Scenario) -> Double {
        guard let t = s.traffic else { return 1 }
        let arrivals = ArrivalProcess(traffic: t, duration: s.simulation.duration,
                                      startOfDay: s.simulation.start.flatMap(SimulationClock.secondsAfterMidnightEAT) ?? 0)
        return arrivals.base > 0 ? arrivals.rate(0) / arrivals.base : 1
    }

    static func grown(_ n: Int, by factor: Double, within bounds: ClosedRange<Int>) -> Int {
        // Clamped before the conversion so an absurd factor cannot overflow Int.
        let x = Swift.min(Double(bounds.upperBound), (Double(n) * factor - 1e-9).rounded(.up))
        return Swift.max(bounds.lowerBound, Int(x))
    }
}
