/// A day in the proleptic Gregorian calendar, without time or time zone.
///
/// Comparable, hashable and cheap: conversion to and from the Ethiopian calendar goes through
/// `julianDayNumber`. Construct with `init(year:month:day:)`, which rejects impossible dates
/// (30 February) with an `EthiopianCalendarError`.
public struct GregorianDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    /// 1 (January) … 12 (December).
    public let month: Int
    public let day: Int

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July",
                             "August", "September", "October", "November", "December"]

    /// A validated date: the month must be 1–12 and the day must exist in that month.
    public init(year: Int, month: Int, day: Int) throws(EthiopianCalendarError) {
        guard (1...12).contains(month) else { throw .gregorianMonthOutOfRange(month) }
        let length = GregorianDate.daysInMonth(month, year: year)
        guard day >= 1 else { throw .dayBelowOne(day) }
        guard day <= length else { throw .gregorianDayOutOfRange(year: year, month: month, day: day) }
        self.init(unchecked: year, month, day)
    }

    init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The Gregorian date of a Julian Day Number.
    public init(julianDayNumber jdn: Int) {
        let a = jdn + 32044
        let b = floorDiv(4 * a + 3, 146097)
        let c = a - floorDiv(146097 * b, 4)
        let d = floorDiv(4 * c + 3, 1461)
        let e = c - floorDiv(1461 * d, 4)
        let m = floorDiv(5 * e + 2, 153)
        self.init(unchecked: 100 * b + d - 4800 + floorDiv(m, 10),
                  m + 3 - 12 * floorDiv(m, 10),
                  e - floorDiv(153 * m + 2, 5) + 1)
    }

    /// The Gregorian date of an Ethiopian date (the same day).
    public init(_ ethiopian: EthiopianDate) { self.init(julianDayNumber: ethiopian.julianDayNumber) }

    /// Days since 1 January 4713 BC (Julian); consecutive days differ by one.
    public var julianDayNumber: Int {
        let a = floorDiv(14 - month, 12)
        let y = year + 4800 - a
        let m = month + 12 * a - 3
        return day + floorDiv(153 * m + 2, 5) + 365 * y + floorDiv(y, 4) - floorDiv(y, 100) + floorDiv(y, 400) - 32045
    }

    public var weekday: Weekday { Weekday(julianDayNumber: julianDayNumber) }
    /// The same day in the Ethiopian calendar.
    public var ethiopian: EthiopianDate { EthiopianDate(julianDayNumber: julianDayNumber) }
    public var monthName: String { GregorianDate.monthNames[month - 1] }

    /// This date moved by `days` (negative goes back).
    public func adding(days: Int) -> GregorianDate { GregorianDate(julianDayNumber: julianDayNumber + days) }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(to other: GregorianDate) -> Int { other.julianDayNumber - julianDayNumber }

    public static func isLeapYear(_ year: Int) -> Bool {
        floorMod(year, 4) == 0 && (floorMod(year, 100) != 0 || floorMod(year, 400) == 0)
    }

    public static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// ISO 8601 calendar date: "2025-01-07".
    public var iso: String { "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))" }
    /// RFC 5545 DATE value: "20250107".
    public var basic: String { "\(pad(year, 4))\(pad(month, 2))\(pad(day, 2))" }
    /// "7 Jan 2025".
    public var short: String { "\(day) \(monthName.prefix(3)) \(year)" }
    public var description: String { iso }

    public static func < (l: GregorianDate, r: GregorianDate) -> Bool {
        (l.year, l.month, l.day) < (r.year, r.month, r.day)
    }

    /// Parses "YYYY-MM-DD", validating the date.
    public init(parsing text: String) throws(EthiopianCalendarError) {
        guard let (y, m, d) = parseTriple(text) else { throw .malformedDate(text, ethiopian: false) }
        try self.init(year: y, month: m, day: d)
    }
}

func pad(_ n: Int, _ width: Int) -> String {
    let s = String(abs(n))
    return (n < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - s.count)) + s
}

/// "2017-13-06" → (2017, 13, 6); nil unless three dash-separated unsigned integers.
func parseTriple(_ text: String) -> (Int, Int, Int)? {
    let parts = text.trimmingWhitespace().split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.count <= 6 && $0.allSatisfy(\.isASCIIDigit) }) else { return nil }
    return (Int(parts[0])!, Int(parts[1])!, Int(parts[2])!)
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s = s.dropFirst() }
        while s.last?.isWhitespace == true { s = s.dropLast() }
        return String(s)
    }
}
