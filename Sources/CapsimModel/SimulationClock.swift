import Foundation

/// Wall-clock anchoring of simulated time. Ethiopia keeps East Africa Time (UTC+3) all year.
public enum SimulationClock {
    public static let eatOffset = 3 * 3600.0

    /// The instant `simulation.start` names; a time with no zone is taken as EAT.
    public static func date(_ text: String) -> Date? {
        var t = text
        let tail = t.dropFirst(10)
        if !t.hasSuffix("Z") && !tail.contains("+") && !tail.contains("-") { t += "+03:00" }
        return ISO8601DateFormatter().date(from: t)
    }

    /// Seconds after midnight EAT at that instant.
    public static func secondsAfterMidnightEAT(_ text: String) -> Double? {
        date(text).map { ($0.timeIntervalSince1970 + eatOffset).truncatingRemainder(dividingBy: 86_400) }
    }
}
