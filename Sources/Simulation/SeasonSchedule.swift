import CapsimModel
import EthiopianCalendar
import Foundation

/// When the scenario's calendar seasons are in force during a run, in simulated seconds.
///
/// A season names holidays and observance periods (`genna-eve`, `ramadan`, …); each occurrence
/// overlapping the run covers whole EAT civil days, from 00:00 EAT on its first day to 00:00 on
/// the day after its last. While a season is in force its multiplier scales the routes that
/// pass through its services (all routes when it names none), and its `shift` delays the
/// diurnal curve (Ramadan's evening peak after iftar).
public struct SeasonSchedule: Sendable {
    public struct Window: Hashable, Sendable {
        public let season: String
        public let holiday: String
        public let start: Double
        public let end: Double
        public let multiplier: Double
        public let shift: Double
        /// Route indices the multiplier applies to.
        public let routes: [Int]
    }

    public let windows: [Window]
    public var isEmpty: Bool { windows.isEmpty }

    public init(scenario s: Scenario, routeNames: [String], duration: Double, calendar: HolidayCalendar = HolidayCalendar()) {
        self.init(scenario: s, routes: routeNames.compactMap { s.traffic?.routes[$0] }, duration: duration, calendar: calendar)
    }

    /// `routes` in the simulator's order (the scenario's, then CDN origin routes).
    public init(scenario s: Scenario, routes allRoutes: [Route], duration: Double, calendar: HolidayCalendar = HolidayCalendar()) {
        guard !s.seasons.isEmpty, let startText = s.simulation.start, let start = SimulationClock.date(startText) else { windows = []; return }
        let first = EAT.gregorianDate(of: start), last = EAT.gregorianDate(of: start.addingTimeInterval(duration))
        var out: [Window] = []
        let occurrences = calendar.holidays(from: first, through: last)
        for name in s.seasons.keys.sorted() {
            let season = s.seasons[name]!
            let routes = allRoutes.enumerated().filter { _, r in
                season.services.isEmpty || r.path.contains { season.services.contains($0) }
            }.map(\.offset)
            for h in occurrences where season.holidays.contains(h.identifier) {
                let t0 = EAT.startOfDay(h.start).timeIntervalSince(start)
                let t1 = EAT.startOfDay(h.end.adding(days: 1)).timeIntervalSince(start)
                guard t1 > 0, t0 < duration else { continue }
                out.append(Window(season: name, holiday: h.identifier, start: max(0, t0), end: min(duration, t1),
                                  multiplier: season.multiplier, shift: season.shift, routes: routes))
            }
        }
        windows = out.sorted { ($0.start, $0.season) < ($1.start, $1.season) }
    }

    /// Per-route multipliers at t (product of the seasons in force), written into `into`.
    /// Public so `capsim load --scenario` replays the simulator's own traffic curve.
    @inline(__always)
    public func multipliers(at t: Double, into m: inout [Double]) {
        for i in m.indices { m[i] = 1 }
        for w in windows where t >= w.start && t < w.end { for r in w.routes { m[r] *= w.multiplier } }
    }

    /// The diurnal shift in force at t (the largest, if seasons overlap).
    @inline(__always)
    public func shift(at t: Double) -> Double {
        var s = 0.0
        for w in windows where t >= w.start && t < w.end && w.shift > s { s = w.shift }
        return s
    }

    /// Times inside (t0, t1) where any season starts or ends.
    func boundaries(_ t0: Double, _ t1: Double) -> [Double] {
        windows.flatMap { [$0.start, $0.end] }.filter { $0 > t0 && $0 < t1 }
    }
}
