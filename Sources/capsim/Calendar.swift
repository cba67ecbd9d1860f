import ArgumentParser
import EthiopianCalendar

extension CalendarRenderer.Format: ExpressibleByArgument {}

struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "List a year's Ethiopian holidays and observance periods, in both calendars.",
        discussion: """
        YEAR is Gregorian (default: the current year in Addis Ababa, EAT), or Ethiopian with --ethiopian. Each holiday and observance period is shown in both calendars, in date order; periods crossing the year's ends are listed whole.

        Fixed holidays come from their Ethiopian dates; Fasika, Siklet and Abiy Tsom from the Julian (Orthodox) computus; the Islamic holidays from the date Ethiopia announced where the table has it, else from the tabular Islamic calendar, which can be a day off.

        --date converts one day instead and shows what falls on it: YYYY-MM-DD, Gregorian, or Ethiopian with --ethiopian (month 1–13, Pagume = 13).
        """)

    @Argument(help: "The year: Gregorian, or Ethiopian with --ethiopian (default: this year in EAT).")
    var year: Int?

    @Flag(help: "Read YEAR (or --date) in the Ethiopian calendar (E.C.).")
    var ethiopian = false

    @Option(help: "Output format: table, json or ics (iCalendar, RFC 5545).")
    var format: CalendarRenderer.Format = .table

    @Option(help: "Convert one day (YYYY-MM-DD) and show what falls on it, instead of listing a year.")
    var date: String?

    @Option(help: "Write the output to this file instead of standard output.")
    var out: String?

    static let gregorianYears = 1583...9999
    static let ethiopianYears = 1576...9992

    /// The day given with --date, in the Gregorian calendar.
    var day: GregorianDate? {
        get throws {
            guard let date else { return nil }
            do {
                return ethiopian ? try EthiopianDate(parsing: date).gregorian : try GregorianDate(parsing: date)
            } catch {
                throw ValidationError("--date: \(error.description)")
            }
        }
    }

    func validate() throws {
        if date != nil {
            if year != nil { throw ValidationError("give a YEAR or --date, not both") }
            if format == .ics { throw ValidationError("--date prints a table or json; --format ics lists a year") }
            _ = try day
        }
        if let year {
            let range = ethiopian ? Self.ethiopianYears : Self.gregorianYears
            guard range.contains(year) else {
                throw ValidationError("YEAR must be \(range.lowerBound)–\(range.upperBound) \(ethiopian ? "E.C." : "(Gregorian)"), got \(year)")
            }
        }
    }

    func run() throws {
        if let day = try day {
            try emit(CalendarRenderer.renderDay(day, as: format), to: out)
            return
        }
        let listing = ethiopian
            ? CalendarListing(ethiopianYear: year ?? EAT.todayEthiopian().year)
            : CalendarListing(gregorianYear: year ?? EAT.today().year)
        try emit(CalendarRenderer.render(listing, as: format), to: out)
    }
}
