/// The months of the Ethiopian (Ge'ez) calendar, in English transliteration.
/// Twelve months of 30 days and Pagume of 5 days (6 in a leap year).
public enum EthiopianMonth: Int, CaseIterable, Hashable, Sendable, Codable {
    case meskerem = 1, tikimt, hidar, tahsas, tir, yekatit, megabit, miyazya, ginbot, sene, hamle, nehase, pagume

    public var name: String {
        ["Meskerem", "Tikimt", "Hidar", "Tahsas", "Tir", "Yekatit", "Megabit", "Miyazya", "Ginbot",
         "Sene", "Hamle", "Nehase", "Pagume"][rawValue - 1]
    }
}

/// Why a date was rejected. `description` is the message shown to the user.
public enum EthiopianCalendarError: Error, Hashable, Sendable, CustomStringConvertible {
    /// An Ethiopian month outside 1–13.
    case monthOutOfRange(Int)
    /// A day past the end of an Ethiopian month (Pagume 6 in a common year, Tir 31).
    case dayOutOfRange(year: Int, month: EthiopianMonth, day: Int)
    /// Day 0 or negative, in either calendar.
    case dayBelowOne(Int)
    /// An Ethiopian year before 1 (the Amete Mihret era starts at year 1).
    case yearOutOfRange(Int)
    /// A Gregorian month outside 1–12.
    case gregorianMonthOutOfRange(Int)
    /// A day past the end of a Gregorian month (29 February 2025).
    case gregorianDayOutOfRange(year: Int, month: Int, day: Int)
    /// Text that is not YEAR-MONTH-DAY.
    case malformedDate(String, ethiopian: Bool)

    public var description: String {
        switch self {
        case .monthOutOfRange(let m):
            return "month must be 1–13 (Meskerem … Pagume), got \(m)"
        case .dayOutOfRange(let y, .pagume, let d):
            return "Pagume has \(EthiopianDate.daysInMonth(.pagume, year: y)) days in \(y) E.C., got \(d)"
        case .dayOutOfRange(_, let m, let d):
            return "\(m.name) has 30 days, got \(d)"
        case .dayBelowOne(let d):
            return "day must be at least 1, got \(d)"
        case .yearOutOfRange(let y):
            return "year must be 1 E.C. or later, got \(y)"
        case .gregorianMonthOutOfRange(let m):
            return "month must be 1–12 (January … December), got \(m)"
        case .gregorianDayOutOfRange(let y, let m, let d):
            let name = GregorianDate.monthNames[m - 1]
            return m == 2 ? "February has \(GregorianDate.daysInMonth(2, year: y)) days in \(y), got \(d)"
                          : "\(name) has \(GregorianDate.daysInMonth(m, year: y)) days, got \(d)"
        case .malformedDate(let text, let ethiopian):
            return ethiopian
                ? "expected an Ethiopian date as YEAR-MONTH-DAY, like 2017-04-29 (Tahsas 29, 2017 E.C.), got \"\(text)\""
                : "expected a Gregorian date as YEAR-MONTH-DAY, like 2025-01-07, got \"\(text)\""
        }
    }
}

/// A day in the Ethiopian calendar (Amete Mihret era, "E.C.").
///
/// The calendar: twelve months of 30 days, then Pagume of 5 days, or 6 when the year is a
/// leap year (year % 4 == 3, every fourth year without exception, as in the Julian calendar).
/// Meskerem 1 falls on 11 September (Gregorian, 1900–2099), or on 12 September after a
/// Pagume 6, i.e. in the Gregorian year before a leap year (2023, 2027, …, and 2099, because
/// Pagume 6 follows the Julian rule and 2100 is no Gregorian leap year).
/// Epoch: Meskerem 1, 1 E.C. = JDN 1724221 (29 August AD 8, Julian).
public struct EthiopianDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    /// 1 (Meskerem) … 13 (Pagume).
    public let month: Int
    public let day: Int

    /// JDN of Meskerem 1, 1 E.C.
    public static let epoch = 1724221

    /// A validated date; throws e.g. "Pagume has 6 days in 2015 E.C., got 7" or
    /// "month must be 1–13 (Meskerem … Pagume), got 14".
    public init(year: Int, month: Int, day: Int) throws(EthiopianCalendarError) {
        guard year >= 1 else { throw .yearOutOfRange(year) }
        guard let m = EthiopianMonth(rawValue: month) else { throw .monthOutOfRange(month) }
        guard day >= 1 else { throw .dayBelowOne(day) }
        guard day <= EthiopianDate.daysInMonth(m, year: year) else { throw .dayOutOfRange(year: year, month: m, day: day) }
        self.init(unchecked: year, month, day)
    }

    public init(year: Int, month: EthiopianMonth, day: Int) throws(EthiopianCalendarError) {
        try self.init(year: year, month: month.rawValue, day: day)
    }

    init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The Ethiopian date of a Julian Day Number.
    public init(julianDayNumber jdn: Int) {
        let year = floorDiv(4 * (jdn - EthiopianDate.epoch) + 1463, 1461)
        let dayOfYear = jdn - EthiopianDate.firstDay(of: year)   // 0-based
        self.init(unchecked: year, dayOfYear / 30 + 1, dayOfYear % 30 + 1)
    }

    /// The Ethiopian date of a Gregorian date (the same day).
    public init(_ gregorian: GregorianDate) { self.init(julianDayNumber: gregorian.julianDayNumber) }

    /// JDN of Meskerem 1 of `year`.
    static func firstDay(of year: Int) -> Int { epoch + 365 * (year - 1) + floorDiv(year, 4) }

    public var julianDayNumber: Int { EthiopianDate.firstDay(of: year) + 30 * (month - 1) + day - 1 }

    public var gregorian: GregorianDate { GregorianDate(julianDayNumber: julianDayNumber) }
    public var weekday: Weekday { Weekday(julianDayNumber: julianDayNumber) }
    public var monthValue: EthiopianMonth { EthiopianMonth(rawValue: month)! }
    public var monthName: String { monthValue.name }

    public func adding(days: Int) -> EthiopianDate { EthiopianDate(julianDayNumber: julianDayNumber + days) }

    /// Pagume has 6 days in these years (2015, 2019, 2023 E.C., …).
    public static func isLeapYear(_ year: Int) -> Bool { floorMod(year, 4) == 3 }

    public static func daysInMonth(_ month: EthiopianMonth, year: Int) -> Int {
        month == .pagume ? (isLeapYear(year) ? 6 : 5) : 30
    }

    public static func daysInYear(_ year: Int) -> Int { isLeapYear(year) ? 366 : 365 }

    /// Meskerem 1 of `year`.
    public static func newYear(_ year: Int) -> EthiopianDate { EthiopianDate(unchecked: year, 1, 1) }
    /// The last day of `year` (Pagume 5 or 6).
    public static func lastDay(of year: Int) -> EthiopianDate { EthiopianDate(unchecked: year, 13, isLeapYear(year) ? 6 : 5) }

    /// "Tahsas 29, 2017 E.C."
    public var description: String { "\(monthName) \(day), \(year) E.C." }
    /// "Tahsas 29" (no year).
    public var monthAndDay: String { "\(monthName) \(day)" }
    /// "2017-04-29": year, month number and day, for machines.
    public var numeric: String { "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))" }

    public static func < (l: EthiopianDate, r: EthiopianDate) -> Bool {
        (l.year, l.month, l.day) < (r.year, r.month, r.day)
    }

    /// Parses "YEAR-MONTH-DAY" with a month number 1–13, validating the date.
    public init(parsing text: String) throws(EthiopianCalendarError) {
        guard let (y, m, d) = parseTriple(text) else { throw .malformedDate(text, ethiopian: true) }
        try self.init(year: y, month: m, day: d)
    }
}
