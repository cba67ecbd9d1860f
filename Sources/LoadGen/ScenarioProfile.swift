import CapsimModel
import Foundation
import Simulation

/// Where a stepped rate profile came from when `capsim load --scenario` derived it from a
/// scenario's traffic: stored with the run so a report can say what shape was replayed.
public struct ScenarioProfileSource: Hashable, Sendable, Codable {
    /// The scenario's `name:`.
    public var scenario: String
    /// The scenario file as given on the command line.
    public var file: String
    /// Scenario seconds per load-run second: 60 plays a scenario hour in a minute.
    public var timeScale: Double
    /// Multiplies every rate: 0.01 replays a 10k/s platform's shape at 100/s.
    public var rateScale: Double
    /// Scenario seconds the run covers (the run lasts this ÷ `timeScale`).
    public var scenarioSeconds: Double
    /// Scenario seconds per step of the profile.
    public var stepSeconds: Double

    public init(scenario: String, file: String, timeScale: Double, rateScale: Double, scenarioSeconds: Double, stepSeconds: Double) {
        self.scenario = scenario
        self.file = file
        self.timeScale = timeScale
        self.rateScale = rateScale
        self.scenarioSeconds = scenarioSeconds
        self.stepSeconds = stepSeconds
    }
}

/// A scenario's traffic as a load profile: the entry's arrival rate over scenario time,
/// exactly as the simulator computes it, sampled into steps, compressed in time and scaled.
public enum ScenarioProfile {
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// Most steps a derived profile may have (a week at one per minute is 10,080).
    public static let maxSteps = 100_000

    /// The entry's arrival rate at scenario time t: `ArrivalProcess.rate` — the peak × the
    /// traffic multiplier × the profile (constant, diurnal in EAT from `simulation.start`, or
    /// points) × every surge — with the calendar seasons the simulator applies (each route's
    /// season multiplier weighted by its share, the diurnal curve shifted while a season with
    /// a `shift` is in force). The simulator also adds the CDN's origin misses to its arrival
    /// stream; they go to the origin services, not through the entry, so they are left out.
    public struct EntryRate: Sendable {
        let arrivals: ArrivalProcess
        let seasons: SeasonSchedule
        let shares: [Double]

        public init(scenario: Scenario, duration: Double) throws {
            guard let traffic = scenario.traffic else {
                throw Failure(description: "scenario \(scenario.name) has no traffic: section to replay")
            }
            var startOfDay = 0.0
            if let start = scenario.simulation.start {
                guard let s = SimulationClock.secondsAfterMidnightEAT(start) else {
                    throw Failure(description: "simulation.start: expected an ISO 8601 time like \"2026-09-11T18:00:00+03:00\", got \"\(start)\"")
                }
                startOfDay = s
            }
            arrivals = ArrivalProcess(traffic: traffic, duration: duration, startOfDay: startOfDay, scale: 1)
            seasons = SeasonSchedule(scenario: scenario, routeNames: traffic.routeNames, duration: duration)
            shares = traffic.routeNames.map { traffic.routes[$0]!.share }
        }

        /// Requests per second at the entry at `t` scenario seconds from the start.
        public func rate(at t: Double) -> Double {
            if seasons.isEmpty { return arrivals.rate(t) }
            var m = shares.map { _ in 1.0 }
            seasons.multipliers(at: t, into: &m)
            var w = 0.0
            for i in shares.indices { w += shares[i] * m[i] }
            return arrivals.rate(t, shift: seasons.shift(at: t)) * w
        }
    }

    /// The steps of a scenario's traffic: step k covers scenario time [k·step, (k+1)·step)
    /// (the last may be shorter), starts at k·step ÷ `timeScale` seconds into the load run and
    /// asks for the entry rate at the middle of its span × `rateScale` — the midpoint keeps
    /// the request count of each linear stretch of the curve exact.
    public static func derive(_ scenario: Scenario, file: String, scenarioSeconds: Double, timeScale: Double = 1, rateScale: Double = 1,
                              stepSeconds: Double = 60) throws -> (profile: RateProfile, source: ScenarioProfileSource) {
        guard timeScale > 0, timeScale.isFinite else { throw Failure(description: "--time-scale must be a positive number, got \(trimNumber(timeScale))") }
        guard rateScale > 0, rateScale.isFinite else { throw Failure(description: "--rate-scale must be a positive number, got \(trimNumber(rateScale))") }
        guard scenarioSeconds > 0, scenarioSeconds.isFinite else { throw Failure(description: "the scenario time to replay must be positive") }
        guard stepSeconds > 0, stepSeconds.isFinite else { throw Failure(description: "the step must be positive") }
        let count = Int((scenarioSeconds / stepSeconds).rounded(.up))
        guard count <= maxSteps else {
            throw Failure(description: "\(formatDuration(scenarioSeconds)) of scenario time is \(count) one-minute steps, more than \(maxSteps): replay a shorter span")
        }
        let entry = try EntryRate(scenario: scenario, duration: scenarioSeconds)
        var steps: [RateStep] = []
        steps.reserveCapacity(count)
        for k in 0..<count {
            let t0 = Double(k) * stepSeconds, t1 = min(scenarioSeconds, t0 + stepSeconds)
            steps.append(RateStep(at: t0 / timeScale, perSecond: entry.rate(at: (t0 + t1) / 2) * rateScale))
        }
        let source = ScenarioProfileSource(scenario: scenario.name, file: file, timeScale: timeScale, rateScale: rateScale,
                                           scenarioSeconds: scenarioSeconds, stepSeconds: stepSeconds)
        return (.steps(steps), source)
    }
}
