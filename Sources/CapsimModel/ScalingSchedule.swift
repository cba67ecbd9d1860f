/// Scheduled scaling: a desired replica count in force during known windows, fed to the HPA as
/// one more metric proposal (the highest proposal wins), the way KEDA's cron scaler does. The
/// HPA's behavior (rate limits, the scale-down stabilization window) still applies, so a
/// window that opens late still ramps, and the fleet comes down gently after it closes.
public struct ScalingSchedule: Hashable, Sendable, Codable {
    /// When the rule is in force.
    public enum When: Hashable, Sendable, Codable {
        /// KEDA's cron trigger: in force from a `start` firing until the next `end` firing, in
        /// the given IANA time zone.
        case cron(start: CronExpression, end: CronExpression, timeZone: String)
        /// From `lead` before an occasion begins until it ends (capsim's own: no cluster scaler
        /// knows the Ethiopian calendar or the scenario's surges).
        case before(Occasion, lead: Double)
    }

    /// What a `before` rule anticipates.
    public enum Occasion: Hashable, Sendable, Codable {
        /// A named surge of `traffic.surges`.
        case surge(String)
        /// The days of a named season of `seasons:`.
        case season(String)
        /// One holiday of the calendar, by identifier (`genna`, `meskel`…).
        case holiday(String)
        /// Every holiday of the calendar.
        case everyHoliday

        public var description: String {
            switch self {
            case .surge(let n): return "surge \(n)"
            case .season(let n): return "season \(n)"
            case .holiday(let n): return "holiday \(n)"
            case .everyHoliday: return "each holiday"
            }
        }
    }

    /// The rule's name in events and reports: given, else derived from the rule.
    public let name: String
    public let when: When
    /// The replica count the rule asks for while in force (KEDA's `desiredReplicas`).
    public let replicas: Int

    public init(name: String, when: When, replicas: Int) {
        self.name = name; self.when = when; self.replicas = replicas
    }
}

/// A five-field cron expression (minute hour day-of-month month day-of-week), the "Linux format"
/// KEDA accepts: `*`, lists, ranges and steps, month and weekday names, Sunday as 0 or 7. As in
/// cron, when both day fields are restricted a day matches if either does.
public struct CronExpression: Hashable, Sendable, Codable, CustomStringConvertible {
    public let text: String
    let minutes: UInt64, hours: UInt64, days: UInt64, months: UInt64, weekdays: UInt64
    let anyDay: Bool, anyWeekday: Bool

    public var description: String { text }

    /// Parses `text`; on failure returns what was wrong, for a located error.
    public static func parse(_ text: String) -> Result<CronExpression, CronError> {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            return .failure(CronError(message: "expected five fields (minute hour day-of-month month day-of-week), got \(fields.count)"))
        }
        let specs: [(String, ClosedRange<Int>, [String])] = [
            ("minute", 0...59, []), ("hour", 0...23, []), ("day of month", 1...31, []),
            ("month", 1...12, ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]),
            ("day of week", 0...7, ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]),
        ]
        var sets: [UInt64] = []
        for (field, (what, range, names)) in zip(fields, specs) {
            switch bits(field, range, names: names) {
            case .success(let b): sets.append(b)
            case .failure(let e): return .failure(CronError(message: "\(what) \"\(field)\": \(e.message)"))
            }
        }
        // Sunday is 0 or 7.
        let weekdays = sets[4] & (1 << 7) != 0 ? (sets[4] | 1) & ~(1 << 7) : sets[4]
        return .success(CronExpression(text: text, minutes: sets[0], hours: sets[1], days: sets[2], months: sets[3], weekdays: weekdays,
                                       anyDay: fields[2] == "*", anyWeekday: fields[4] == "*"))
    }

    /// Whether the expression fires at this local minute (`weekday` 0 = Sunday).
    public func matches(minute: Int, hour: Int, day: Int, month: Int, weekday: Int) -> Bool {
        minutes & (1 << minute) != 0 && hours & (1 << hour) != 0 && months & (1 << month) != 0 && matchesDay(day, weekday)
    }

    /// Whether the expression can fire at all on this local day.
    public func matchesDay(_ day: Int, month: Int, weekday: Int) -> Bool { months & (1 << month) != 0 && matchesDay(day, weekday) }

    func matchesDay(_ day: Int, _ weekday: Int) -> Bool {
        let d = days & (1 << day) != 0, w = weekdays & (1 << weekday) != 0
        if anyDay || anyWeekday { return d && w }
        return d || w
    }

    /// The (hour, minute) pairs of a day on which the expression fires, in order.
    public var timesOfDay: [(hour: Int, minute: Int)] {
        (0..<24).filter { hours & (1 << $0) != 0 }.flatMap { h in (0..<60).filter { minutes & (1 << $0) != 0 }.map { (h, $0) } }
    }

    static func bits(_ field: String, _ range: ClosedRange<Int>, names: [String]) -> Result<UInt64, CronError> {
        var out: UInt64 = 0
        for part in field.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { return .failure(CronError(message: "more than one \"/\" in \"\(part)\"")) }
            var step = 1
            if pieces.count == 2 {
                guard let s = Int(pieces[1]), s >= 1 else { return .failure(CronError(message: "expected a step of 1 or more after \"/\", got \"\(pieces[1])\"")) }
                step = s
            }
            var lo = range.lowerBound, hi = range.upperBound
            let base = pieces[0]
            if base != "*" {
                let ends = base.split(separator: "-", omittingEmptySubsequences: false)
                guard ends.count <= 2, let a = value(ends[0], names: names, range: range) else {
                    return .failure(CronError(message: "expected *, a number from \(range.lowerBound) to \(range.upperBound)\(names.isEmpty ? "" : " or a name like \(names[1])"), a range or a list"))
                }
                lo = a
                if ends.count == 2 {
                    guard let b = value(ends[1], names: names, range: range), b >= a else {
                        return .failure(CronError(message: "expected a range low-high within \(range.lowerBound)-\(range.upperBound), got \"\(base)\""))
                    }
                    hi = b
                } else if pieces.count == 1 {
                    hi = a
                }
            }
            for v in stride(from: lo, through: hi, by: step) { out |= 1 << v }
        }
        return .success(out)
    }

    static func value(_ text: Substring, names: [String], range: ClosedRange<Int>) -> Int? {
        if let i = names.firstIndex(of: text.lowercased()) { return i + (range.lowerBound == 1 ? 1 : 0) }
        guard let v = Int(text), range.contains(v) else { return nil }
        return v
    }
}

public struct CronError: Error, Hashable, Sendable { public let message: String }
