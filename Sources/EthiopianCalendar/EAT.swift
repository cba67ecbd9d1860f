import Foundation

/// East Africa Time, UTC+3 all year (Ethiopia keeps no daylight saving time).
///
/// Dates here are civil dates that change at midnight EAT. (The traditional Ethiopian day and
/// clock start at sunrise, about 06:00 EAT; public holidays follow the civil date.)
public enum EAT {
    public static let utcOffsetSeconds = 3 * 3600
    /// JDN of 1 January 1970, the Unix epoch's date.
    static let unixEpochJDN = 2440588

    /// The Gregorian date in EAT of an instant given as seconds since 1970-01-01T00:00:00Z.
    public static func gregorianDate(unixSeconds: Double) -> GregorianDate {
        let local = Int((unixSeconds + Double(utcOffsetSeconds)).rounded(.down))
        return GregorianDate(julianDayNumber: unixEpochJDN + floorDiv(local, 86_400))
    }

    /// The Gregorian date in EAT of an instant.
    public static func gregorianDate(of instant: Date) -> GregorianDate {
        gregorianDate(unixSeconds: instant.timeIntervalSince1970)
    }

    /// The Ethiopian date in EAT of an instant.
    public static func ethiopianDate(of instant: Date) -> EthiopianDate { gregorianDate(of: instant).ethiopian }

    /// Today in Addis Ababa, Gregorian.
    public static func today(now: Date = Date()) -> GregorianDate { gregorianDate(of: now) }

    /// Today in Addis Ababa, Ethiopian.
    public static func todayEthiopian(now: Date = Date()) -> EthiopianDate { ethiopianDate(of: now) }

    /// Midnight EAT at the start of `date`, as an instant (21:00 UTC the day before).
    public static func startOfDay(_ date: GregorianDate) -> Date {
        let days = date.julianDayNumber - unixEpochJDN
        return Date(timeIntervalSince1970: Double(days * 86_400 - utcOffsetSeconds))
    }
}
