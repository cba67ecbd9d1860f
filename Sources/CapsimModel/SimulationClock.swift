import Foundation

/// Wall-clock anchoring of simulated time. Ethiopia keeps East Africa Time (UTC+3) all year.
public enum SimulationClock {
    public static let eatOffset = 3 * 3600.0

    /// The instant `simulation.start` (or a surge's date-and-time `at`) names: an ISO 8601 date
    /// and time, seconds optional (`2026-09-11T18:00`); a time with no zone is taken as EAT.
    public static func date(_ text: String) -> Date? {
        var t = text
        let tail = t.dropFirst(10)
        if !t.hasSuffix("Z") && !tail.contains("+") && !tail.contains("-") { t += "+03:00" }
        return ISO8601DateFormatter().date(from: withSeconds(t))
    }

    /// `…T19:30+03:00` → `…T19:30:00+03:00`: ISO8601DateFormatter insists on seconds, people don't.
    static func withSeconds(_ t: String) -> String {
        guard let tee = t.firstIndex(of: "T") else { return t }
        let zone = t.hasSuffix("Z") ? t.index(before: t.endIndex) : (t[tee...].lastIndex { $0 == "+" || $0 == "-" } ?? t.endIndex)
        let clock = t[t.index(after: tee)..<zone]
        guard clock.count == 5, clock.filter({ $0 == ":" }).count == 1 else { return t }
        return String(t[..<zone]) + ":00" + t[zone...]
    }

    /// Seconds after midnight EAT at that instant.
    public static func secondsAfterMidnightEAT(_ text: String) -> Double? {
        date(text).map { ($0.timeIntervalSince1970 + eatOffset).truncatingRemainder(dividingBy: 86_400) }
    }
}
