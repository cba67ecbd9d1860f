import CapsimModel

/// What one scheduled-scaling rule cost and saved: the run with its schedules set against the
/// same scenario and seed without them (the counterfactual, `scheduledScaling = false`). The
/// arrivals are the same draws in both runs (streams are named per entity), so the difference
/// is the schedule's, not the dice's.
public struct ScheduleEffect: Hashable, Sendable, Codable {
    /// Counts or amounts with the schedules and without them.
    public struct Pair: Hashable, Sendable, Codable {
        public let with: Double
        public let without: Double
        public var difference: Double { with - without }
    }

    /// One route in the rule's window: its p99 (nil with no completions) and the requests that
    /// failed for good (dropped, timed out, failed calls, dependency errors).
    public struct RouteEffect: Hashable, Sendable, Codable {
        public let route: String
        public let p99With: Double?
        public let p99Without: Double?
        public let failed: Pair
    }

    public let service: String
    public let rule: String
    public let replicas: Int
    /// When the rule was in force, as [from, to] pairs of simulated seconds.
    public let intervals: [[Double]]
    /// The service's instance-hours and cost over the whole run (every rule of the service
    /// shares these: the counterfactual drops all of them at once).
    public let instanceHours: Pair
    /// In the run's reporting currency (`SimulationResult.currencies.lead`).
    public let cost: Pair
    /// Every route, measured inside the rule's windows.
    public let routes: [RouteEffect]

    /// One effect per rule that has a window in both runs.
    public static func compare(with a: SimulationResult, without b: SimulationResult, schedules: ScheduleWindows) -> [ScheduleEffect] {
        schedules.rules.compactMap { rule in
            guard let wa = a.windows?.first(where: { $0.window == rule.window }), let wb = b.windows?.first(where: { $0.window == rule.window }),
                  let sa = a.services.first(where: { $0.service == rule.service }), let sb = b.services.first(where: { $0.service == rule.service })
            else { return nil }
            let routes = wa.routes.compactMap { ra -> RouteEffect? in
                guard let rb = wb.routes.first(where: { $0.name == ra.name }) else { return nil }
                return RouteEffect(route: ra.name, p99With: ra.latency?.p99, p99Without: rb.latency?.p99,
                                   failed: Pair(with: Double(ra.failures), without: Double(rb.failures)))
            }
            return ScheduleEffect(service: rule.service, rule: rule.rule.name, replicas: rule.rule.replicas, intervals: wa.intervals,
                                  instanceHours: Pair(with: sa.instanceHours, without: sb.instanceHours),
                                  cost: Pair(with: sa.cost(in: a.currencies.lead) ?? 0, without: sb.cost(in: b.currencies.lead) ?? 0),
                                  routes: routes)
        }
    }
}

extension WindowTally {
    /// Requests that failed for good in the window, whatever the cause.
    /// Offered load ÷ original requests: (arrivals + retries) ÷ arrivals; nil without arrivals
    /// or outside a run with faults (which count retries).
    public var amplification: Double? {
        guard let retries, arrivals > 0 else { return nil }
        return Double(arrivals + retries) / Double(arrivals)
    }

    public var failures: Int { dropped + timedOut + (failed ?? 0) + (errors ?? 0) + (podLost ?? 0) }
}

extension Simulator {
    /// Runs the scenario; when it has `autoscaling.schedule` rules and `compare` is on, runs it
    /// again without them (same seed) and attaches what each rule cost and saved. The second
    /// run doubles the time: `simulate --no-schedule-comparison` skips it.
    public static func run(scenario: Scenario, options: SimulationOptions, compareSchedules compare: Bool) throws -> SimulationResult {
        let sim = try Simulator(scenario: scenario, options: options)
        var result = try sim.run()
        guard compare, options.scheduledScaling, !sim.schedules.isEmpty else { return result }
        var plain = options
        plain.scheduledScaling = false
        plain.progress = nil
        let without = try Simulator(scenario: scenario, options: plain).run()
        result.scheduleEffects = ScheduleEffect.compare(with: result, without: without, schedules: sim.schedules)
        return result
    }
}
