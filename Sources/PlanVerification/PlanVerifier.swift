import CapsimModel
import Foundation
import Planning
import Simulation

/// Runs `plan --verify`: the bridge from the formula engine to the simulator.
public enum PlanVerifier {
    /// One scaled copy of the scenario: a horizon at one traffic multiplier, and the services
    /// judged in it (those whose own factors give that multiplier; usually every service).
    struct Run {
        let months: Int
        let factor: Double
        let services: [String]
        /// Each judged service's seasonal factor (see `seasonal(_:_:now:)`).
        let seasonal: [String: Double]
        let scenario: Scenario
    }

    /// Verifies every horizon of `plan` (made from `s`) with `replications` runs of each
    /// horizon's copy, `jobs` at a time; the result does not depend on `jobs`. `now` must be
    /// the date the plan was made with, for calendar seasons. `progress` hears (runs done, runs
    /// in all). Throws `SimulationError` for a scenario it cannot simulate.
    public static func verify(_ s: Scenario, plan: CapacityPlan, options: SimulationOptions, replications: Int, jobs: Int, now: Date = Date(),
                              progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> PlanVerification {
        guard s.traffic != nil else {
            throw SimulationError(description: "plan --verify simulates the scenario's traffic, and it has no traffic block: add traffic.entry, traffic.peak and traffic.routes, or plan without --verify")
        }
        let runs = self.runs(s, plan: plan, now: now)
        let total = runs.count * replications
        var horizons: [HorizonVerification] = []
        var done = 0
        for months in plan.totals.map(\.months) {
            var services: [ServiceVerification] = [], notes: [String] = []
            for run in runs where run.months == months {
                let offset = done, copy = run.scenario
                var heard: (@Sendable (Int) -> Void)?
                if let progress { heard = { n in progress(offset + n, total) } }
                let digests = try Replications.run(scenario: copy, options: options, count: replications, jobs: jobs, progress: heard) { _, r in
                    RunDigest(r, scenario: copy)
                }
                done += replications
                services += run.services.map { name in
                    ServiceRows.make(name, plan: plan, run: run, original: s, digests: digests)
                }
                notes += HorizonNotes.backlogs(digests, factor: run.factor, several: runs.filter { $0.months == months }.count > 1)
            }
            services.sort { $0.service < $1.service }
            horizons.append(HorizonVerification(months: months, services: services, notes: notes))
        }
        return PlanVerification(scenario: s.name, seeds: (0..<replications).map { Replications.seed($0, of: options.seed) },
                                durationSeconds: options.duration, warmupSeconds: options.warmup, currency: s.currency.reportIn,
                                notes: HorizonNotes.general(s, plan: plan, duration: options.duration), horizons: horizons)
    }

    /// Each horizon's copies: services grouped by their traffic multiplier, in name order.
    static func runs(_ s: Scenario, plan: CapacityPlan, now: Date) -> [Run] {
        plan.totals.map(\.months).flatMap { months -> [Run] in
            var groups: [(factor: Double, services: [String])] = []
            var seasonals: [String: Double] = [:]
            for row in plan.rows where row.months == months {
                seasonals[row.service] = seasonal(s, row, now: now)
                let f = row.growthMultiplier * seasonals[row.service]! * row.featureInteractionFactor
                if let i = groups.firstIndex(where: { $0.factor == f }) { groups[i].services.append(row.service) } else { groups.append((f, [row.service])) }
            }
            return groups.map { g in
                Run(months: months, factor: g.factor, services: g.services, seasonal: seasonals.filter { g.services.contains($0.key) },
                    scenario: HorizonScenario.make(s, plan: plan, months: months, factor: g.factor))
            }
        }
    }

    /// A plan row's seasonal factor without the surge the plan may have raised it to: the copy
    /// replays that surge itself. Its traffic multiplier is growth × this × feature interaction.
    static func seasonal(_ s: Scenario, _ row: PlanRow, now: Date) -> Double {
        row.boundBySurge == nil ? row.seasonalFactor : Planner.seasonalFactor(s, service: row.service, months: row.months, now: now)
    }
}
