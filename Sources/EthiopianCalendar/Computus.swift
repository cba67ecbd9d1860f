/// Orthodox (Julian) Easter, as the Ethiopian Orthodox Tewahedo Church keeps Fasika.
///
/// Meeus's Julian algorithm (J. Meeus, *Astronomical Algorithms*, 1991, ch. 8): with
/// a = Y mod 4, b = Y mod 7, c = Y mod 19, d = (19c + 15) mod 30, e = (2a + 4b − d + 34) mod 7,
/// Easter is day ((d + e + 114) mod 31) + 1 of month ⌊(d + e + 114) / 31⌋ in the Julian
/// calendar. The Julian date is then turned into a Gregorian one through the JDN.
public enum Computus {
    /// Julian-calendar (month, day) of Easter Sunday in `year`.
    public static func julianEaster(year: Int) -> (month: Int, day: Int) {
        let a = floorMod(year, 4), b = floorMod(year, 7), c = floorMod(year, 19)
        let d = (19 * c + 15) % 30
        let e = (2 * a + 4 * b - d + 34) % 7
        return ((d + e + 114) / 31, (d + e + 114) % 31 + 1)
    }

    /// Fasika (Orthodox Easter Sunday) in Gregorian `year`, e.g. 20 April 2025.
    public static func fasika(year: Int) -> GregorianDate {
        let (m, d) = julianEaster(year: year)
        return GregorianDate(julianDayNumber: JulianCalendar.julianDayNumber(year: year, month: m, day: d))
    }
}
