import CapsimModel
import Foundation

/// How many events a run will take, estimated before it starts, so a command can refuse a run
/// that would take hours (a `duration` of years, a sample period of microseconds) instead of
/// running "forever" without a word.
///
/// Expected arrivals are the entry's rate (profile, surges, seasons) integrated over the run;
/// each request then costs two events per station its route visits (arriving and done), two per database query past its service's cache and two per event-bus message it
/// publishes. Retries, timeouts and scaling add little beside these (within ~30 % on the
/// bundled scenarios); samples and controller syncs are counted as one event each.
public struct EventEstimate: Sendable {
    public let requests: Double
    public let events: Double
    /// Events per second this kind of machine runs (BENCHMARKS.md: 4–5 M/s on 2 cores), for
    /// turning the estimate into a wall time.
    public static let typicalRate = 4e6
    /// The default budget: about 80 minutes of wall time at the typical rate.
    public static let defaultBudget = 2e10

    public var wallSeconds: Double { events / Self.typicalRate }
}

extension Simulator {
    public static func estimate(scenario: Scenario, options: SimulationOptions) throws -> EventEstimate {
        try Simulator(scenario: scenario, options: options).estimate()
    }

    func estimate() -> EventEstimate {
        // The entry's rate, integrated over at most 10,000 steps (surges ramp over minutes).
        var source = traffic
        let steps = max(1, min(10_000, Int(options.duration)))
        let dt = options.duration / Double(steps)
        var requests = 0.0
        for i in 0..<steps { requests += source.currentRate((Double(i) + 0.5) * dt) * dt }
        var perRequest = 0.0, shares = 0.0
        for r in routes.names.indices {
            let share = traffic.shares[r]
            var cost = 0.0                   // the entry's arrival is its first station's visit
            for k in 0..<routes.length[r] {
                let s = Int(routes.flat[routes.start[r] + k])
                cost += 2
                if s < serviceCount {
                    if let link = databases.links[s] { cost += 2 * link.queries * (1 - link.hitRatio) }
                    for pub in eventBus.publications[s] { cost += 2 * pub.perRequest * Double(pub.groups.count) }
                }
            }
            perRequest += share * cost
            shares += share
        }
        var mean = shares > 0 ? perRequest / shares : 1
        if let c = clients?.config {
            // With clients, each attempt reaches the entry in its own event; the deadline queue's
            // one timer fires rarely while answers come back in time (measured: the estimate is
            // then within 2 %). Attempts per user from the networks' losses alone, with
            // q = 1 − (1 − loss)² per attempt: (1 − q^(k+1)) ÷ (1 − q). Retries after timeouts
            // (a slow or saturated platform) come on top: the estimate is then low, as a retry
            // storm is by nature (the bundled hour's first two minutes, before its HPAs catch up).
            var attempts = 0.0
            for n in c.networks {
                let q: Double = 1 - (1 - n.loss) * (1 - n.loss)
                let k = Double(c.retries + 1)
                let perUser: Double = q < 1 ? (1 - pow(q, k)) / (1 - q) : k
                attempts += n.share * perUser
            }
            mean = attempts * (mean + 1)
        }
        let samples = options.duration / max(options.samplePeriod, 1e-9)
        let events = requests * mean + samples * 2
        return EventEstimate(requests: requests, events: events)
    }
}
