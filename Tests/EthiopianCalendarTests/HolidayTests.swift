import Foundation
import Testing
@testable import EthiopianCalendar

let calendar = HolidayCalendar()

func on(_ id: HolidayID, _ year: Int) -> Holiday { calendar.date(of: id, inGregorianYear: year)! }

@Suite("Holidays")
struct HolidayTests {
    // MARK: Fasika and the computus

    @Test("Fasika: 20 April 2025, 5 May 2024, 16 April 2023 and other published Orthodox Easter dates")
    func fasikaKnownDates() {
        let known = [(2018, 4, 8), (2019, 4, 28), (2020, 4, 19), (2021, 5, 2), (2022, 4, 24), (2023, 4, 16),
                     (2024, 5, 5), (2025, 4, 20), (2026, 4, 12)]
        for (y, m, d) in known { #expect(Computus.fasika(year: y) == g(y, m, d), "\(y)") }
        #expect(on(.fasika, 2025).start == g(2025, 4, 20))
        #expect(on(.fasika, 2025).ethiopianStart == e(2017, 8, 12))   // Miyazya 12, 2017
    }

    /// The Explanatory Supplement to the Astronomical Almanac (3rd ed., ch. 15) gives a different
    /// formula for Julian Easter; the two must agree, and Easter is always a Sunday.
    @Test("Meeus's Julian algorithm agrees with the Explanatory Supplement's formula 1900–2100; Fasika is a Sunday, 4 April … 8 May")
    func computusCrossCheck() {
        for y in 1900...2100 {
            let a = 22 + ((225 - 11 * (y % 19)) % 30)
            let gg = a + ((56 + 6 * y - y / 4 - a) % 7)
            let supplement = (3 + gg / 32, 1 + ((gg - 1) % 31))
            #expect(Computus.julianEaster(year: y) == supplement, "\(y)")
            let f = Computus.fasika(year: y)
            #expect(f.weekday == .sunday)
            if y < 2100 { #expect(g(y, 4, 4) <= f && f <= g(y, 5, 8), "\(y): \(f)") }
        }
    }

    @Test("Siklet is the Friday before Fasika; Abiy Tsom is the 55 days from a Monday to the Saturday before")
    func sikletAndAbiyTsom() {
        for y in 1900...2100 {
            let f = Computus.fasika(year: y)
            let s = on(.siklet, y), lent = on(.abiyTsom, y)
            #expect(s.start == f.adding(days: -2) && s.start.weekday == .friday)
            #expect(lent.days == 55 && lent.start.weekday == .monday && lent.end == f.adding(days: -1) && lent.end.weekday == .saturday)
        }
        #expect(on(.siklet, 2025).start == g(2025, 4, 18))
        #expect(on(.abiyTsom, 2025).start == g(2025, 2, 24))
    }

    // MARK: Fixed Ethiopian dates

    /// Bradt Ethiopia update, "Festival dates 2019/2020" (2019-04-15): "Genna is normally celebrated
    /// on 29 Tahsas …, but it falls a day earlier on leap years, i.e. 28 Tahsas, so the Gregorian
    /// equivalent is always the same"; Borkena (2014-01-06): "January 7 … Thahisas 29, 28 when it
    /// is a Leap Year".
    @Test("Genna: 7 January 2025 = Tahsas 29, 2017; 7 January 2024 = Tahsas 28, 2016 (after Pagume 6); 7 January every year 1901–2099")
    func genna() {
        #expect(on(.genna, 2025).start == g(2025, 1, 7))
        #expect(on(.genna, 2025).ethiopianStart == e(2017, 4, 29))
        #expect(on(.genna, 2025).start.weekday == .tuesday)
        #expect(on(.genna, 2024).start == g(2024, 1, 7))
        #expect(on(.genna, 2024).ethiopianStart == e(2016, 4, 28))
        #expect(on(.genna, 2020).ethiopianStart == e(2012, 4, 28))
        for y in 1901...2099 {
            #expect(on(.genna, y).start == g(y, 1, 7), "\(y)")
            #expect(on(.gennaEve, y).start == g(y, 1, 6), "\(y)")
        }
    }

    /// "Timkat … takes place on the 19th January (or the 20th in a leap year)" (taracelebrations.org,
    /// visionsofethiopiatours.com): Tir 11 every year, so after a Pagume 6 it is 20 January.
    @Test("Timkat is Tir 11: 19 January 2025, 20 January 2024 (after Pagume 6, Gregorian leap year)")
    func timkat() {
        #expect(on(.timkat, 2025).start == g(2025, 1, 19))
        #expect(on(.timkat, 2025).ethiopianStart == e(2017, 5, 11))
        #expect(on(.timkat, 2024).start == g(2024, 1, 20))
        #expect(on(.timkat, 2024).ethiopianStart == e(2016, 5, 11))
        for y in 1901...2099 { #expect(on(.timkat, y).start == g(y, 1, GregorianDate.isLeapYear(y) ? 20 : 19), "\(y)") }
    }

    /// Bradt (2019-04-15): "Meskel 2019 will be on 28 September instead of 27 September".
    @Test("Meskel is Meskerem 17: 27 September 2024, 28 September 2023 and 2019 (after Pagume 6)")
    func meskel() {
        #expect(on(.meskel, 2024).start == g(2024, 9, 27))
        #expect(on(.meskel, 2023).start == g(2023, 9, 28))
        #expect(on(.meskel, 2019).start == g(2019, 9, 28))
        #expect(on(.meskel, 2024).ethiopianStart == e(2017, 1, 17))
        #expect(on(.enkutatash, 2023).start == g(2023, 9, 12))
    }

    @Test("Adwa (Yekatit 23), Labour Day (Miyazya 23), Patriots' Victory (Miyazya 27) and Derg Downfall (Ginbot 20) are 2 Mar, 1 May, 5 May, 28 May every year 1901–2099")
    func civicHolidays() {
        for y in 1901...2099 {
            #expect(on(.adwa, y).start == g(y, 3, 2), "\(y)")
            #expect(on(.labourDay, y).start == g(y, 5, 1), "\(y)")
            #expect(on(.patriotsVictory, y).start == g(y, 5, 5), "\(y)")
            #expect(on(.dergDownfall, y).start == g(y, 5, 28), "\(y)")
        }
        #expect(on(.adwa, 2025).ethiopianStart == e(2017, 6, 23))
        #expect(on(.dergDownfall, 2025).ethiopianStart == e(2017, 9, 20))
    }

    @Test("Tsome Nebiyat runs Hidar 15 to the eve of Genna (crossing New Year); Filseta is Nehase 1–14 (7–20 August)")
    func christianFasts() {
        let advent = calendar.holidays(inGregorianYear: 2025).first { $0.id == .tsomeNebiyat }!
        #expect(advent.start == g(2024, 11, 24) && advent.end == g(2025, 1, 6))
        #expect(advent.ethiopianStart == e(2017, 3, 15) && advent.ethiopianEnd == e(2017, 4, 28))
        #expect(advent.key == "tsome-nebiyat-2024")
        #expect(calendar.holidays(inGregorianYear: 2024).contains(advent))   // the same occurrence, listed in both years
        let leapAdvent = on(.tsomeNebiyat, 2023)   // 2016 E.C.: Genna is Tahsas 28
        #expect(leapAdvent.ethiopianStart == e(2016, 3, 15) && leapAdvent.ethiopianEnd == e(2016, 4, 27) && leapAdvent.end == g(2024, 1, 6))
        let filseta = on(.filseta, 2025)
        #expect(filseta.start == g(2025, 8, 7) && filseta.end == g(2025, 8, 20) && filseta.days == 14)
    }

    // MARK: Islamic holidays

    @Test("Eid al-Fitr 2025 is 30 March (announced; the tabular estimate is 31 March)")
    func eidAlFitr2025() {
        let fitr = on(.eidAlFitr, 2025)
        #expect(fitr.start == g(2025, 3, 30))
        #expect(fitr.basis == .announced)
        #expect(HolidayCalendar(announced: []).date(of: .eidAlFitr, inGregorianYear: 2025)!.start == g(2025, 3, 31))
        #expect(on(.eidAlFitr, 2024).start == g(2024, 4, 10))
    }

    @Test("Ramadan 2025 starts 1 March (±1 day) and ends on the eve of Eid al-Fitr")
    func ramadan2025() {
        let r = on(.ramadan, 2025)
        #expect(abs(r.start.days(to: g(2025, 3, 1))) <= 1)
        #expect(r.end == on(.eidAlFitr, 2025).start.adding(days: -1))
        #expect((29...30).contains(r.days))
        for y in 1950...2100 {   // tabular Ramadan is always 30 days; with announced Eids 29 or 30
            for r in calendar.occurrences(of: .ramadan, inGregorianYear: y) { #expect((29...30).contains(r.days), "\(r)") }
        }
    }

    @Test("an Islamic holiday can fall twice in one Gregorian year: both are listed, with distinct keys")
    func twiceInAYear() {
        let fitr2000 = calendar.occurrences(of: .eidAlFitr, inGregorianYear: 2000)
        #expect(fitr2000.map(\.start) == [g(2000, 1, 8), g(2000, 12, 28)])   // tabular; announced 8 Jan and 27 Dec in much of the world
        #expect(fitr2000.map(\.key) == ["eid-al-fitr-2000", "eid-al-fitr-2000-2"])
        let fitr2033 = calendar.occurrences(of: .eidAlFitr, inGregorianYear: 2033)
        #expect(fitr2033.count == 2 && fitr2033[1].key == "eid-al-fitr-2033-2")
        #expect(calendar.occurrences(of: .mawlid, inGregorianYear: 2015).map(\.start) == [g(2015, 1, 3), g(2015, 12, 23)])
        let listing = CalendarListing(gregorianYear: 2033)
        #expect(listing.holidays.filter { $0.id == .eidAlFitr }.count == 2)
    }

    @Test("the tabular Islamic calendar: 1 Muharram 1 AH = JDN 1948440; 11 leap years in 30; agrees with ICU's islamic-civil every day 1900–2100")
    func tabularIslamic() {
        #expect(IslamicCalendar.julianDayNumber(year: 1, month: 1, day: 1) == 1_948_440)
        #expect((1...30).filter(IslamicCalendar.isLeapYear) == [2, 5, 7, 10, 13, 16, 18, 21, 24, 26, 29])
        var icu = Calendar(identifier: .islamicCivil)
        icu.timeZone = TimeZone(identifier: "UTC")!
        var mismatches: [Int] = []
        for jdn in first...last {
            let (y, m, d) = IslamicCalendar.date(julianDayNumber: jdn)
            #expect(IslamicCalendar.julianDayNumber(year: y, month: m, day: d) == jdn)
            let c = icu.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(jdn - 2_440_588) * 86_400 + 43_200))
            if (c.year, c.month, c.day) != (y, m, d) { mismatches.append(jdn) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test("the announced-date table: Islamic holidays only, one entry per holiday and Hijri year, each within 2 days of the tabular date")
    func announcedTable() {
        var seen = Set<String>()
        let tabular = HolidayCalendar(announced: [])
        for a in AnnouncedDate.ethiopia {
            #expect(a.holiday.isIslamic)
            #expect(seen.insert("\(a.holiday.rawValue)/\(a.hijriYear)").inserted, "duplicate \(a.holiday) \(a.hijriYear)")
            let estimate = tabular.islamicDay(a.holiday, a.hijriYear).0
            #expect(abs(estimate.days(to: a.date)) <= 2, "\(a.holiday) \(a.hijriYear): \(a.date) vs tabular \(estimate)")
            #expect(!a.source.isEmpty)
        }
    }

    // MARK: The set of holidays

    /// The scenario format's list lives in CapsimModel, which this target must not depend on:
    /// read it from the source file instead.
    @Test("the identifiers are exactly ScenarioFormat.holidays, in the same order")
    func identifiersMatchScenarioFormat() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let source = try String(contentsOf: root.appendingPathComponent("Sources/CapsimModel/Format.swift"), encoding: .utf8)
        let block = try #require(source.range(of: "public static let holidays = [").map { source[$0.upperBound...] }?.split(separator: "]").first)
        let names = block.split(separator: "\"").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
        #expect(names == HolidayID.allCases.map(\.rawValue))
    }

    @Test("a Gregorian year lists every identifier, in date order, with unique keys")
    func year2025() {
        let list = calendar.holidays(inGregorianYear: 2025)
        #expect(Set(list.map(\.id)) == Set(HolidayID.allCases))
        #expect(list == list.sorted { ($0.start, $0.end) < ($1.start, $1.end) })
        #expect(Set(list.map(\.key)).count == list.count)
        #expect(list.allSatisfy { $0.overlaps(from: g(2025, 1, 1), through: g(2025, 12, 31)) })
        #expect(list.filter { $0.kind == .publicHoliday }.count == 13)
    }

    @Test("an Ethiopian year runs Meskerem 1 … Pagume: 2017 E.C. is 11 Sep 2024 … 10 Sep 2025, Enkutatash first")
    func ethiopianYear() {
        let l = CalendarListing(ethiopianYear: 2017)
        #expect(l.from == g(2024, 9, 11) && l.through == g(2025, 9, 10))
        #expect(l.holidays.first?.id == .enkutatash && l.holidays.first?.start == g(2024, 9, 11))
        #expect(l.holidays.contains { $0.id == .filseta && $0.start == g(2025, 8, 7) })
        #expect(!l.holidays.contains { $0.id == .enkutatash && $0.start == g(2025, 9, 11) })
        #expect(calendar.holidays(on: g(2025, 1, 7)).map(\.id) == [.genna])
        #expect(calendar.holidays(on: g(2025, 3, 10)).map(\.id) == [.abiyTsom, .ramadan])
    }
}
