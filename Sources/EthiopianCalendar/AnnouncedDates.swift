/// An Islamic holiday's date as announced in Ethiopia, replacing the tabular estimate for one
/// Hijri year.
///
/// The Ethiopian Islamic Affairs Supreme Council announces Ramadan and the Eids after the new
/// crescent is (or is not) sighted, so the real date can be a day off the arithmetic calendar.
/// Keyed by Hijri year, not Gregorian year: an Islamic holiday can fall twice in one Gregorian
/// year.
public struct AnnouncedDate: Hashable, Sendable {
    /// `.eidAlFitr`, `.eidAlAdha`, `.mawlid`, or `.ramadan` (its first day of fasting).
    public let holiday: HolidayID
    public let hijriYear: Int
    public let date: GregorianDate
    /// Who reported the date, so the entry can be checked.
    public let source: String

    public init(_ holiday: HolidayID, hijriYear: Int, _ date: GregorianDate, source: String) {
        precondition(holiday.isIslamic, "only Islamic holidays have announced dates")
        self.holiday = holiday
        self.hijriYear = hijriYear
        self.date = date
        self.source = source
    }

    /// The dates Ethiopia observed, from Ethiopian news reports of the day.
    ///
    /// EDIT HERE when the Supreme Council announces a date (or to correct one): add a line with
    /// the Hijri year, the Gregorian date and where it was reported. A test checks every entry is
    /// within two days of the tabular estimate (catching a wrong month or year) and that no
    /// holiday and year appears twice. Entries not listed fall back to the tabular calendar.
    public static let ethiopia: [AnnouncedDate] = [
        // Eid al-Fitr (Shawwal 1)
        .init(.eidAlFitr, hijriYear: 1440, d(2019, 6, 4), source: "mereja.com: the 1440th Eid al-Fitr took place in Ethiopia on June 4, 2019"),
        .init(.eidAlFitr, hijriYear: 1441, d(2020, 5, 24), source: "ENA, Addis Ababa May 24/2020: Ethiopian Muslims are celebrating the 1441st Eid al-Fitr"),
        .init(.eidAlFitr, hijriYear: 1442, d(2021, 5, 13), source: "ENA, Addis Ababa May 13/2021: celebrated today the 1442nd Eid Al-Fitr"),
        .init(.eidAlFitr, hijriYear: 1443, d(2022, 5, 2), source: "ENA, Addis Ababa May 2/2022: celebrated today the 1443rd Eid Al-Fitr"),
        .init(.eidAlFitr, hijriYear: 1445, d(2024, 4, 10), source: "given as Ethiopia's official date; not confirmed from a news report of the day (the tabular date agrees)"),
        .init(.eidAlFitr, hijriYear: 1446, d(2025, 3, 30), source: "Fana (FMC), Addis Ababa March 29, 2025: Eid al-Fitr will be celebrated tomorrow; ENA: celebrated today, March 30, 2025"),
        // Eid al-Adha (Dhu al-Hijjah 10)
        .init(.eidAlAdha, hijriYear: 1442, d(2021, 7, 20), source: "ENA, Addis Ababa July 20/2021: celebrating the 1442nd Eid-al-Adha today"),
        .init(.eidAlAdha, hijriYear: 1443, d(2022, 7, 9), source: "ENA, July 09, 2022: celebrating the 1443rd Eid al-Adha"),
        .init(.eidAlAdha, hijriYear: 1444, d(2023, 6, 28), source: "Fana (FBC), Addis Ababa June 28, 2023: celebrating Eid al-Adha 1444 H"),
        .init(.eidAlAdha, hijriYear: 1446, d(2025, 6, 6), source: "listholidays.com, Ethiopia public holidays: June 6, 2025 (Friday); a holiday listing, not a news report"),
        // Mawlid (Rabi' al-awwal 12)
        .init(.mawlid, hijriYear: 1437, d(2015, 12, 23), source: "Fana (FBC), Addis Ababa December 23, 2015: observed today the 1490th Mawlid"),
        .init(.mawlid, hijriYear: 1440, d(2018, 11, 20), source: "ENA via arif7.com, November 20, 2018: celebrated the 1493rd Mawlid today"),
        .init(.mawlid, hijriYear: 1441, d(2019, 11, 9), source: "ENA, November 9/2019: Ethiopian Muslims on Saturday marked the birth of Prophet Muhammad"),
        .init(.mawlid, hijriYear: 1442, d(2020, 10, 29), source: "ENA, Addis Ababa October 29/2020: celebrated 1495th Mawlid"),
        .init(.mawlid, hijriYear: 1443, d(2021, 10, 18), source: "Walta, Addis Ababa October 18, 2021: celebrated 1496th Mawlid today"),
        .init(.mawlid, hijriYear: 1444, d(2022, 10, 8), source: "Walta, Addis Ababa October 8/2022: celebrated 1497th Mawlid today"),
        .init(.mawlid, hijriYear: 1445, d(2023, 9, 27), source: "ENA and Fana, Addis Ababa September 27, 2023: celebrating the 1498th Mawlid"),
    ]
}

private func d(_ y: Int, _ m: Int, _ day: Int) -> GregorianDate { GregorianDate(unchecked: y, m, day) }
