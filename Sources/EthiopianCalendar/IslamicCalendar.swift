/// The tabular (arithmetic) Islamic calendar, civil epoch.
///
/// Twelve months alternating 30 and 29 days (Muharram 30, Safar 29, …), Dhu al-Hijjah 30 in
/// leap years; leap years are years 2, 5, 7, 10, 13, 16, 18, 21, 24, 26 and 29 of each 30-year
/// cycle; 1 Muharram 1 AH = JDN 1948440 (Friday 16 July 622, Julian). This is an estimate of
/// the religious calendar, which starts each month when the new crescent is sighted: announced
/// dates differ from it by a day or two. `AnnouncedDate` holds the corrections.
public enum IslamicCalendar {
    public static let epoch = 1948440

    /// Month numbers of the months this module uses.
    public enum Month: Int, Sendable {
        case muharram = 1, safar, rabiAlAwwal, rabiAlThani, jumadaAlUla, jumadaAlAkhirah, rajab, shaban,
             ramadan, shawwal, dhuAlQadah, dhuAlHijjah
    }

    static let leapYearsInCycle: Set<Int> = [2, 5, 7, 10, 13, 16, 18, 21, 24, 26, 29]

    public static func isLeapYear(_ year: Int) -> Bool {
        leapYearsInCycle.contains(floorMod(year - 1, 30) + 1)
    }

    public static func daysInMonth(_ month: Int, year: Int) -> Int {
        month == 12 ? (isLeapYear(year) ? 30 : 29) : (month % 2 == 1 ? 30 : 29)
    }

    /// JDN of `day` of `month` in Hijri `year` (no validation).
    public static func julianDayNumber(year: Int, month: Int, day: Int) -> Int {
        // Days before the year: 354 a year plus one per leap year before it, ⌊(11·year + 3) / 30⌋;
        // days before the month: ⌈29.5 · (month − 1)⌉.
        epoch - 1 + 354 * (year - 1) + floorDiv(11 * year + 3, 30) + (59 * (month - 1) + 1) / 2 + day
    }

    /// Hijri (year, month, day) of a JDN.
    public static func date(julianDayNumber jdn: Int) -> (year: Int, month: Int, day: Int) {
        var year = floorDiv(30 * (jdn - epoch) + 10646, 10631)
        while julianDayNumber(year: year, month: 1, day: 1) > jdn { year -= 1 }
        while julianDayNumber(year: year + 1, month: 1, day: 1) <= jdn { year += 1 }
        var month = 12
        while julianDayNumber(year: year, month: month, day: 1) > jdn { month -= 1 }
        return (year, month, jdn - julianDayNumber(year: year, month: month, day: 1) + 1)
    }

    /// The Gregorian date of a tabular Hijri date.
    public static func gregorian(year: Int, month: Month, day: Int) -> GregorianDate {
        GregorianDate(julianDayNumber: julianDayNumber(year: year, month: month.rawValue, day: day))
    }
}
