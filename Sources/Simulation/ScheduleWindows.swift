import CapsimModel
import EthiopianCalendar
import Foundation

/// When each scheduled-scaling rule is in force during a run, in simulated seconds, resolved
/// once before the run: the hot path never evaluates a cron expression.
public struct ScheduleWindows: Sendable {
    public struct Rule: Sendable {
        public let service: String
        public let station: Int
        public let rule: ScalingSchedule
        /// Stretches in force, sorted, disjoint, clipped to the run.
        public let intervals: [(from: Double, to: Double)]
        /// The window's name in `windows` and reports.
        public var window: String { "\(service) schedule \(rule.name)" }

        public func inForce(at t: Double) -> Bool { intervals.contains { t >= $0.from && t < $0.to } }
    }

    public let rules: [Rule]
    public var isEmpty: Bool { rules.isEmpty }

    /// `stations` are the simulator's services in order (index = station).
    public init(scenario s: Scenario, duration: Double, calendar: HolidayCalendar = HolidayCalendar()) {
        let start = s.simulation.start.flatMap(SimulationClock.date)
        var out: [Rule] = []
        for (i, name) in s.serviceNames.enumerated() {
            for rule in s.services[name]!.autoscaling.schedule {
                let spans: [(from: Double, to: Double)]
                switch rule.when {
                case .cron(let a, let b, let zone):
                    spans = start.map { Self.cronWindows(start: a, end: b, zone: zone, from: $0, duration: duration) } ?? []
                case .before(let occasion, let lead):
                    spans = Self.occasionSpans(occasion, scenario: s, start: start, duration: duration, lead: lead, calendar: calendar)
                        .map { ($0.from - lead, $0.to) }
                }
                out.append(Rule(service: name, station: i, rule: rule, intervals: Self.merged(spans, duration)))
            }
        }
        rules = out
    }

    /// The occasion's own stretches (before the lead is applied), in run seconds.
    static func occasionSpans(_ o: ScalingSchedule.Occasion, scenario s: Scenario, start: Date?, duration: Double, lead: Double,
                              calendar: HolidayCalendar) -> [(from: Double, to: Double)] {
        if case .surge(let n) = o {
            return (s.traffic?.surges ?? []).filter { $0.name == n }.map { ($0.start, $0.start + $0.duration) }
        }
        guard let start else { return [] }
        let wanted: (String) -> Bool
        switch o {
        case .surge: return []
        case .season(let n): let hs = s.seasons[n]?.holidays ?? []; wanted = { hs.contains($0) }
        case .holiday(let id): wanted = { $0 == id }
        case .everyHoliday: wanted = { _ in true }
        }
        // Holidays that begin up to `lead` after the run's end still open a window inside it.
        let first = EAT.gregorianDate(of: start), last = EAT.gregorianDate(of: start.addingTimeInterval(duration + lead))
        return calendar.holidays(from: first, through: last).filter { wanted($0.identifier) }.map {
            (EAT.startOfDay($0.start).timeIntervalSince(start), EAT.startOfDay($0.end.adding(days: 1)).timeIntervalSince(start))
        }
    }

    /// KEDA's cron scaler: at time t the rule is active unless the start's next firing comes
    /// before the end's (`nextStart < nextEnd` → inactive), firings taken strictly after t. So
    /// a window opens at a start firing and closes at the next end firing, and a run that
    /// begins inside a window begins with it open.
    static func cronWindows(start a: CronExpression, end b: CronExpression, zone: String, from t0: Date, duration: Double) -> [(from: Double, to: Double)] {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: zone) ?? TimeZone(secondsFromGMT: 3 * 3600)!
        var starts: [Double] = [], ends: [Double] = []
        var day = cal.startOfDay(for: t0)
        // Firings up to the end of the run and then until each expression has fired once more
        // (at most a leap cycle ahead: "29 Feb" fires every fourth year).
        let horizon = duration + 4 * 366 * 86_400
        while true {
            let t = day.timeIntervalSince(t0)
            if t > duration && (starts.last ?? -1) > duration && (ends.last ?? -1) > duration { break }
            if t > horizon { break }
            let c = cal.dateComponents([.year, .month, .day, .weekday], from: day)
            for (expr, list) in [(a, 0), (b, 1)] where expr.matchesDay(c.day!, month: c.month!, weekday: c.weekday! - 1) {
                for hm in expr.timesOfDay {
                    guard let d = cal.date(from: DateComponents(year: c.year, month: c.month, day: c.day, hour: hm.hour, minute: hm.minute)) else { continue }
                    let f = d.timeIntervalSince(t0)
                    if list == 0 { starts.append(f) } else { ends.append(f) }
                }
            }
            day = cal.date(byAdding: .day, value: 1, to: day)!
        }
        func next(_ fires: [Double], after t: Double) -> Double { fires.first { $0 > t } ?? .infinity }
        func active(_ t: Double) -> Bool { !(next(starts, after: t) < next(ends, after: t)) }
        let points = ([0] + starts + ends).filter { $0 >= 0 && $0 < duration }.sorted()
        var spans: [(from: Double, to: Double)] = []
        for (k, p) in points.enumerated() where active(p) {
            spans.append((p, k + 1 < points.count ? points[k + 1] : duration))
        }
        return spans
    }

    /// Clipped to [0, duration], sorted, overlapping or touching stretches joined.
    static func merged(_ spans: [(from: Double, to: Double)], _ duration: Double) -> [(from: Double, to: Double)] {
        var out: [(from: Double, to: Double)] = []
        for s in spans.map({ (max(0, $0.from), min(duration, $0.to)) }).filter({ $0.0 < $0.1 }).sorted(by: { $0.0 < $1.0 }) {
            if let last = out.last, s.0 <= last.to { out[out.count - 1].to = max(last.to, s.1) } else { out.append((s.0, s.1)) }
        }
        return out
    }
}
