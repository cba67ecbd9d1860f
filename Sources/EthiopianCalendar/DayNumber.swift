/// Integer day arithmetic shared by every calendar in this module.
///
/// Dates are converted through the Julian Day Number (JDN): the count of days since
/// 1 January 4713 BC in the proleptic Julian calendar, JDN 0 being a Monday. Every calendar
/// here maps a (year, month, day) to a JDN and back with integer arithmetic only; nothing
/// depends on Foundation's `Calendar`, time zones or the host's locale.

/// Division rounding towards negative infinity (Swift's `/` truncates towards zero).
@inline(__always)
func floorDiv(_ a: Int, _ b: Int) -> Int {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

/// The remainder matching `floorDiv`: always in 0..<b for positive b.
@inline(__always)
func floorMod(_ a: Int, _ b: Int) -> Int { a - floorDiv(a, b) * b }

/// A day of the week. JDN 0 (and every multiple of 7) is a Monday.
public enum Weekday: Int, CaseIterable, Hashable, Sendable, Codable {
    case monday = 0, tuesday, wednesday, thursday, friday, saturday, sunday

    public init(julianDayNumber: Int) { self = Weekday(rawValue: floorMod(julianDayNumber, 7))! }

    /// "Mon", "Tue", …
    public var shortName: String { ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][rawValue] }
    /// "Monday", "Tuesday", …
    public var name: String { ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][rawValue] }
}

/// The proleptic Julian calendar (the Orthodox churches' calendar for the Easter computus):
/// a leap year every fourth year without exception.
public enum JulianCalendar {
    public static func isLeapYear(_ year: Int) -> Bool { floorMod(year, 4) == 0 }

    /// The JDN of a Julian-calendar date (month 1–12). No validation: callers pass real dates.
    public static func julianDayNumber(year: Int, month: Int, day: Int) -> Int {
        // Count years from March so the leap day is the last day of the counted year.
        let a = floorDiv(14 - month, 12)
        let y = year + 4800 - a
        let m = month + 12 * a - 3
        return day + floorDiv(153 * m + 2, 5) + 365 * y + floorDiv(y, 4) - 32083
    }

    /// The Julian-calendar (year, month, day) of a JDN.
    public static func date(julianDayNumber jdn: Int) -> (year: Int, month: Int, day: Int) {
        let c = jdn + 32082
        let d = floorDiv(4 * c + 3, 1461)
        let e = c - floorDiv(1461 * d, 4)
        let m = floorDiv(5 * e + 2, 153)
        let day = e - floorDiv(153 * m + 2, 5) + 1
        let month = m + 3 - 12 * floorDiv(m, 10)
        let year = d - 4800 + floorDiv(m, 10)
        return (year, month, day)
    }
}
