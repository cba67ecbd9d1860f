import Foundation
import Testing
@testable import EthiopianCalendar

func g(_ y: Int, _ m: Int, _ d: Int) -> GregorianDate { try! GregorianDate(year: y, month: m, day: d) }
func e(_ y: Int, _ m: Int, _ d: Int) -> EthiopianDate { try! EthiopianDate(year: y, month: m, day: d) }

let first = g(1900, 1, 1).julianDayNumber
let last = g(2100, 12, 31).julianDayNumber

@Suite("Ethiopian ⇄ Gregorian conversion")
struct ConversionTests {
    @Test("every day 1900-01-01 … 2100-12-31 round-trips Gregorian → Ethiopian → Gregorian, one valid Ethiopian day after another")
    func roundTripEveryDay() throws {
        var previous: EthiopianDate?
        for jdn in first...last {
            let greg = GregorianDate(julianDayNumber: jdn)
            #expect(greg.julianDayNumber == jdn)
            let validGreg = try GregorianDate(year: greg.year, month: greg.month, day: greg.day)
            let eth = EthiopianDate(validGreg)
            let valid = try EthiopianDate(year: eth.year, month: eth.month, day: eth.day)   // throws if impossible
            #expect(GregorianDate(valid) == validGreg)
            if let p = previous {
                let expected = p.day < EthiopianDate.daysInMonth(p.monthValue, year: p.year)
                    ? (p.year, p.month, p.day + 1) : p.month < 13 ? (p.year, p.month + 1, 1) : (p.year + 1, 1, 1)
                #expect((eth.year, eth.month, eth.day) == expected)
            }
            previous = eth
        }
    }

    /// An implementation independent of this module's: ICU's `ethiopic` calendar through Foundation.
    @Test("agrees with ICU's Amete Mihret calendar (Foundation) on every day 1900–2100")
    func agreesWithICU() {
        var icu = Calendar(identifier: .ethiopicAmeteMihret)
        icu.timeZone = TimeZone(identifier: "UTC")!
        var mismatches: [String] = []
        for jdn in first...last {
            let noon = Date(timeIntervalSince1970: Double(jdn - 2_440_588) * 86_400 + 43_200)
            let c = icu.dateComponents([.year, .month, .day], from: noon)
            let mine = EthiopianDate(julianDayNumber: jdn)
            if (c.year, c.month, c.day) != (mine.year, mine.month, mine.day) { mismatches.append("\(jdn): \(mine)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test("Meskerem 1, 2017 E.C. is Wednesday 11 September 2024")
    func newYear2017() {
        #expect(e(2017, 1, 1).gregorian == g(2024, 9, 11))
        #expect(g(2024, 9, 11).ethiopian == e(2017, 1, 1))
        #expect(e(2017, 1, 1).weekday == .wednesday)
        #expect(e(2017, 1, 1).description == "Meskerem 1, 2017 E.C.")
    }

    /// After a Pagume 6 the new year starts a day late; Pagume 6 comes in the Gregorian year
    /// before a Gregorian leap year. Wikipedia (Ethiopian calendar, "New Year's Day"): 1998 E.C.
    /// began on 11 September 2005, 1996 and 1992 on 12 September 2003 and 1999.
    /// 2099 is the exception to "the year before a Gregorian leap year": Pagume 6 follows the
    /// Julian rule, so Meskerem 1, 2092 is 12 September 2099 although 2100 is no leap year.
    @Test("Meskerem 1 is 12 September in the Gregorian year before a leap year (2023: Meskerem 1, 2016; and 2099), else 11 September")
    func newYearSeptember11Or12() {
        #expect(e(2016, 1, 1).gregorian == g(2023, 9, 12))
        #expect(e(1998, 1, 1).gregorian == g(2005, 9, 11))
        #expect(e(1996, 1, 1).gregorian == g(2003, 9, 12))
        #expect(e(1992, 1, 1).gregorian == g(1999, 9, 12))
        #expect(e(2092, 1, 1).gregorian == g(2099, 9, 12))
        for year in 1900...2099 {
            let expected = (year + 1) % 4 == 0 ? 12 : 11
            #expect(EthiopianDate.newYear(year - 7).gregorian == g(year, 9, expected), "Gregorian \(year)")
        }
    }

    @Test("Pagume 6 exists only in leap years (year % 4 == 3): Pagume 6, 2015 E.C. is 11 September 2023")
    func pagumeSix() throws {
        #expect(e(2015, 13, 6).gregorian == g(2023, 9, 11))
        #expect(EthiopianDate.isLeapYear(2015) && !EthiopianDate.isLeapYear(2016) && EthiopianDate.isLeapYear(2019))
        for year in 1890...2100 {
            let leap = year % 4 == 3
            #expect(EthiopianDate.daysInMonth(.pagume, year: year) == (leap ? 6 : 5))
            #expect(EthiopianDate.daysInYear(year) == (leap ? 366 : 365))
            #expect(((try? EthiopianDate(year: year, month: 13, day: 6)) != nil) == leap, "\(year) E.C.")
            #expect(EthiopianDate.lastDay(of: year).adding(days: 1) == EthiopianDate.newYear(year + 1))
        }
    }

    @Test("impossible dates give exact, readable errors")
    func errors() {
        func message(_ body: () throws -> Void) -> String? {
            do { try body(); return nil } catch { return (error as? EthiopianCalendarError)?.description ?? "not an EthiopianCalendarError: \(error)" }
        }
        #expect(message { _ = try EthiopianDate(year: 2015, month: 13, day: 7) } == "Pagume has 6 days in 2015 E.C., got 7")
        #expect(message { _ = try EthiopianDate(year: 2016, month: 13, day: 6) } == "Pagume has 5 days in 2016 E.C., got 6")
        #expect(message { _ = try EthiopianDate(year: 2017, month: 14, day: 1) } == "month must be 1–13 (Meskerem … Pagume), got 14")
        #expect(message { _ = try EthiopianDate(year: 2017, month: 0, day: 1) } == "month must be 1–13 (Meskerem … Pagume), got 0")
        #expect(message { _ = try EthiopianDate(year: 2017, month: 5, day: 31) } == "Tir has 30 days, got 31")
        #expect(message { _ = try EthiopianDate(year: 2017, month: 1, day: 0) } == "day must be at least 1, got 0")
        #expect(message { _ = try EthiopianDate(year: 0, month: 1, day: 1) } == "year must be 1 E.C. or later, got 0")
        #expect(message { _ = try EthiopianDate(parsing: "2015-13-07") } == "Pagume has 6 days in 2015 E.C., got 7")
        #expect(message { _ = try EthiopianDate(parsing: "Tahsas 29") }
                == "expected an Ethiopian date as YEAR-MONTH-DAY, like 2017-04-29 (Tahsas 29, 2017 E.C.), got \"Tahsas 29\"")
        #expect(message { _ = try GregorianDate(year: 2025, month: 2, day: 29) } == "February has 28 days in 2025, got 29")
        #expect(message { _ = try GregorianDate(year: 2025, month: 4, day: 31) } == "April has 30 days, got 31")
        #expect(message { _ = try GregorianDate(year: 2025, month: 13, day: 1) } == "month must be 1–12 (January … December), got 13")
        #expect(message { _ = try GregorianDate(parsing: "2024-02-29") } == nil)
        #expect(try! EthiopianDate(parsing: "2017-04-29") == e(2017, 4, 29))
    }

    @Test("the day-number core matches published anchors: JDN 2451545 = Sat 1 Jan 2000, 2440588 = 1 Jan 1970, 1724221 = Meskerem 1, 1 E.C. = 29 Aug AD 8 (Julian)")
    func anchors() {
        #expect(g(2000, 1, 1).julianDayNumber == 2_451_545)
        #expect(g(2000, 1, 1).weekday == .saturday)
        #expect(g(1970, 1, 1).julianDayNumber == 2_440_588)
        #expect(e(1, 1, 1).julianDayNumber == 1_724_221)
        #expect(JulianCalendar.date(julianDayNumber: 1_724_221) == (8, 8, 29))
        for jdn in stride(from: first, through: last, by: 1) where jdn % 97 == 0 {
            let (y, m, d) = JulianCalendar.date(julianDayNumber: jdn)
            #expect(JulianCalendar.julianDayNumber(year: y, month: m, day: d) == jdn)
        }
    }

    @Test("Julian 25 December is Gregorian 7 January (the next year) from 1901 to 2099")
    func julianChristmas() {
        for year in 1900...2098 {
            #expect(GregorianDate(julianDayNumber: JulianCalendar.julianDayNumber(year: year, month: 12, day: 25)) == g(year + 1, 1, 7))
        }
    }

    @Test("formats: ISO, RFC 5545 basic, short, numeric Ethiopian")
    func formats() {
        #expect(g(2025, 1, 7).iso == "2025-01-07")
        #expect(g(2025, 1, 7).basic == "20250107")
        #expect(g(2025, 1, 7).short == "7 Jan 2025")
        #expect(e(2017, 13, 5).numeric == "2017-13-05")
        #expect(EthiopianMonth.allCases.map(\.name) == ["Meskerem", "Tikimt", "Hidar", "Tahsas", "Tir", "Yekatit", "Megabit",
                                                         "Miyazya", "Ginbot", "Sene", "Hamle", "Nehase", "Pagume"])
    }
}

@Suite("East Africa Time")
struct EATTests {
    @Test("midnight EAT (21:00 UTC) starts the new Ethiopian day: 2024-09-10T21:00Z is Meskerem 1, 2017")
    func midnight() {
        let t = Date(timeIntervalSince1970: 1_726_002_000)   // 2024-09-10T21:00:00Z
        #expect(EAT.ethiopianDate(of: t) == e(2017, 1, 1))
        #expect(EAT.ethiopianDate(of: t.addingTimeInterval(-1)) == e(2016, 13, 5))
        #expect(EAT.gregorianDate(of: t) == g(2024, 9, 11))
        #expect(EAT.startOfDay(g(2024, 9, 11)) == t)
        #expect(EAT.today(now: t) == g(2024, 9, 11))
        #expect(EAT.todayEthiopian(now: t.addingTimeInterval(-1)) == e(2016, 13, 5))
    }

    @Test("instants before 1970 land on the right EAT day")
    func beforeEpoch() {
        #expect(EAT.gregorianDate(unixSeconds: -1) == g(1970, 1, 1))               // 02:59:59 EAT
        #expect(EAT.gregorianDate(unixSeconds: -3 * 3600 - 1) == g(1969, 12, 31))  // 23:59:59 EAT
    }
}
