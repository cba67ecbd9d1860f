import Testing
@testable import CapsimModel

/// The five-field cron syntax KEDA's cron scaler accepts, as capsim reads it.
@Suite("Cron expressions")
struct CronExpressionTests {
    func cron(_ text: String) throws -> CronExpression { try CronExpression.parse(text).get() }

    @Test("lists, ranges, steps and names select the minutes, hours and days they say")
    func fields() throws {
        let c = try cron("0,30 9-17/4 * jan-mar mon-fri")
        #expect(c.timesOfDay.map { "\($0.hour):\($0.minute)" } == ["9:0", "9:30", "13:0", "13:30", "17:0", "17:30"])
        #expect(c.matches(minute: 30, hour: 13, day: 7, month: 2, weekday: 3))
        #expect(!c.matches(minute: 30, hour: 13, day: 7, month: 4, weekday: 3))   // April
        #expect(!c.matches(minute: 30, hour: 13, day: 7, month: 2, weekday: 0))   // Sunday
        #expect(!c.matches(minute: 15, hour: 13, day: 7, month: 2, weekday: 3))
        #expect(try cron("*/20 * * * *").timesOfDay.prefix(4).map(\.minute) == [0, 20, 40, 0])
    }

    @Test("Sunday is both 0 and 7")
    func sunday() throws {
        #expect(try cron("0 0 * * 7").matchesDay(4, month: 1, weekday: 0))
        #expect(try cron("0 0 * * 0").matchesDay(4, month: 1, weekday: 0))
        #expect(!(try cron("0 0 * * 7").matchesDay(5, month: 1, weekday: 1)))
    }

    @Test("with both day fields restricted a day matches either; with one a star, both must")
    func dayFields() throws {
        let either = try cron("0 0 1 * mon")
        #expect(either.matchesDay(1, month: 5, weekday: 4))    // the 1st, a Thursday
        #expect(either.matchesDay(12, month: 5, weekday: 1))   // a Monday
        #expect(!either.matchesDay(12, month: 5, weekday: 2))
        let monthDay = try cron("0 0 1 * *")
        #expect(monthDay.matchesDay(1, month: 5, weekday: 4))
        #expect(!monthDay.matchesDay(12, month: 5, weekday: 1))
    }

    @Test("a wrong field says which field and what it takes")
    func errors() {
        func message(_ t: String) -> String? {
            if case .failure(let e) = CronExpression.parse(t) { return e.message }
            return nil
        }
        #expect(message("0 18 * *") == "expected five fields (minute hour day-of-month month day-of-week), got 4")
        #expect(message("60 18 * * *")?.hasPrefix("minute \"60\": expected *, a number from 0 to 59") == true)
        #expect(message("0 18 * * fri-mon")?.hasPrefix("day of week \"fri-mon\": expected a range low-high") == true)
        #expect(message("0 18/0 * * *") == "hour \"18/0\": expected a step of 1 or more after \"/\", got \"0\"")
        #expect(message("0 18 * * *") == nil)
    }
}
