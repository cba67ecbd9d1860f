import Foundation

/// A year's holidays and observance periods, ready to render: a Gregorian year (1 January …
/// 31 December) or an Ethiopian year (Meskerem 1 … Pagume 5 or 6).
public struct CalendarListing: Sendable {
    public enum Scope: Hashable, Sendable {
        case gregorianYear(Int)
        case ethiopianYear(Int)
    }

    public let scope: Scope
    /// First and last day of the year listed (Gregorian, inclusive).
    public let from: GregorianDate
    public let through: GregorianDate
    /// Everything overlapping the year, in date order; periods crossing its ends are whole.
    public let holidays: [Holiday]

    public init(gregorianYear year: Int, calendar: HolidayCalendar = HolidayCalendar()) {
        scope = .gregorianYear(year)
        from = GregorianDate(unchecked: year, 1, 1)
        through = GregorianDate(unchecked: year, 12, 31)
        holidays = calendar.holidays(from: from, through: through)
    }

    public init(ethiopianYear year: Int, calendar: HolidayCalendar = HolidayCalendar()) {
        scope = .ethiopianYear(year)
        from = EthiopianDate.newYear(year).gregorian
        through = EthiopianDate.lastDay(of: year).gregorian
        holidays = calendar.holidays(from: from, through: through)
    }

    /// "2025" or "2017 E.C.".
    public var title: String {
        switch scope {
        case .gregorianYear(let y): "\(y)"
        case .ethiopianYear(let y): "\(y) E.C."
        }
    }
}

/// Renders a `CalendarListing` as an aligned text table, JSON, or an iCalendar (RFC 5545) file.
public enum CalendarRenderer {
    public enum Format: String, CaseIterable, Sendable {
        case table, json, ics
    }

    public static func render(_ listing: CalendarListing, as format: Format) -> String {
        switch format {
        case .table: table(listing)
        case .json: json(listing)
        case .ics: ics(listing)
        }
    }

    // MARK: Text

    /// "Hidar 15 – Tahsas 28, 2017 E.C." or "Tahsas 29, 2017 E.C.".
    public static func ethiopianText(_ h: Holiday) -> String {
        let a = h.ethiopianStart, b = h.ethiopianEnd
        if !h.isPeriod { return a.description }
        return a.year == b.year ? "\(a.monthAndDay) – \(b.description)" : "\(a.monthAndDay), \(a.year) – \(b.description)"
    }

    /// "7 Jan 2025", "24 Feb – 19 Apr 2025" or "25 Nov 2024 – 6 Jan 2025".
    public static func gregorianText(_ h: Holiday) -> String {
        if !h.isPeriod { return h.start.short }
        let a = h.start, b = h.end
        return a.year == b.year ? "\(a.day) \(a.monthName.prefix(3)) – \(b.short)" : "\(a.short) – \(b.short)"
    }

    static func weekdayText(_ h: Holiday) -> String {
        h.isPeriod ? "\(h.start.weekday.shortName)–\(h.end.weekday.shortName)" : h.start.weekday.shortName
    }

    static func table(_ l: CalendarListing) -> String {
        let span = switch l.scope {
        case .gregorianYear: "\(l.from.ethiopian) – \(l.through.ethiopian)"
        case .ethiopianYear: "\(l.from.short) – \(l.through.short)"
        }
        var rows = [["holiday", "Ethiopian (E.C.)", "Gregorian", "day", "days", "kind", "date from", "id"]]
        for h in l.holidays {
            rows.append([h.name, ethiopianText(h), gregorianText(h), weekdayText(h), "\(h.days)", h.kind.label, h.basis.label, h.identifier])
        }
        let widths = rows[0].indices.map { i in rows.map { $0[i].count }.max()! }
        func line(_ r: [String]) -> String {
            r.enumerated().map { i, c in
                let pad = String(repeating: " ", count: widths[i] - c.count)
                return i == 4 ? pad + c : c + pad   // "days" right-aligned
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        var out = ["capsim calendar: \(l.title) (\(span)), \(l.holidays.count) holidays and observance periods", ""]
        out.append(line(rows[0]))
        out.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        out += rows.dropFirst().map(line)
        out.append("")
        out.append("Date from: fixed = a fixed Ethiopian date; computus = Orthodox Easter (Julian computus);")
        out.append("announced = the date Ethiopia observed (AnnouncedDate.ethiopia); tabular ±1 = the arithmetic")
        out.append("Islamic calendar, which the announced date (set by the crescent) can miss by a day.")
        out.append("Periods crossing the year's ends are listed whole.")
        return out.joined(separator: "\n") + "\n"
    }

    // MARK: JSON

    struct JSONDay: Encodable {
        let year: Int, month: Int, day: Int, month_name: String, text: String
        init(_ e: EthiopianDate) { year = e.year; month = e.month; day = e.day; month_name = e.monthName; text = e.description }
    }

    struct JSONHoliday: Encodable {
        let h: Holiday
        enum K: String, CodingKey {
            case id, key, name, kind, start, end, days, weekday, end_weekday, ethiopian_start, ethiopian_end, basis, note
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: K.self)
            try c.encode(h.identifier, forKey: .id)
            try c.encode(h.key, forKey: .key)
            try c.encode(h.name, forKey: .name)
            try c.encode(h.kind.rawValue, forKey: .kind)
            try c.encode(h.start.iso, forKey: .start)
            try c.encode(h.end.iso, forKey: .end)
            try c.encode(h.days, forKey: .days)
            try c.encode(h.start.weekday.shortName, forKey: .weekday)
            try c.encode(h.end.weekday.shortName, forKey: .end_weekday)
            try c.encode(JSONDay(h.ethiopianStart), forKey: .ethiopian_start)
            try c.encode(JSONDay(h.ethiopianEnd), forKey: .ethiopian_end)
            try c.encode(h.basis.rawValue, forKey: .basis)
            try c.encode(h.note, forKey: .note)
        }
    }

    struct JSONListing: Encodable {
        let calendar: String, year: Int, from: String, through: String
        let from_ethiopian: JSONDay, through_ethiopian: JSONDay
        let holidays: [JSONHoliday]
    }

    static func json(_ l: CalendarListing) -> String {
        let (calendar, year) = switch l.scope {
        case .gregorianYear(let y): ("gregorian", y)
        case .ethiopianYear(let y): ("ethiopian", y)
        }
        let doc = JSONListing(calendar: calendar, year: year, from: l.from.iso, through: l.through.iso,
                              from_ethiopian: JSONDay(l.from.ethiopian), through_ethiopian: JSONDay(l.through.ethiopian),
                              holidays: l.holidays.map(JSONHoliday.init))
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! e.encode(doc), as: UTF8.self) + "\n"
    }

    // MARK: iCalendar

    /// RFC 5545 TEXT escaping: backslash, semicolon, comma and newline.
    static func icsText(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ";", with: "\\;")
            .replacingOccurrences(of: ",", with: "\\,").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Folds a content line to at most 75 octets per physical line (RFC 5545 §3.1), never
    /// splitting a UTF-8 sequence; continuation lines start with one space.
    static func fold(_ line: String) -> [String] {
        var out: [String] = [], current = "", octets = 0
        for ch in line.unicodeScalars {
            let n = String(ch).utf8.count
            if octets + n > 75 {
                out.append(current)
                current = " "
                octets = 1
            }
            current.unicodeScalars.append(ch)
            octets += n
        }
        out.append(current)
        return out
    }

    static func ics(_ l: CalendarListing) -> String {
        var lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//capsim//EthiopianCalendar//EN",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "X-WR-CALNAME:Ethiopian holidays \(l.title)",
        ]
        // A fixed stamp keeps the file byte-identical from run to run.
        let stamp = l.from.basic + "T000000Z"
        for h in l.holidays {
            var description = "\(ethiopianText(h)) \(h.kind.label.capitalizedFirst) (\(h.basis.label))."
            if let note = h.note { description += "\n" + note }
            lines += [
                "BEGIN:VEVENT",
                "UID:\(h.key)@capsim",
                "DTSTAMP:\(stamp)",
                "DTSTART;VALUE=DATE:\(h.start.basic)",
                "DTEND;VALUE=DATE:\(h.end.adding(days: 1).basic)",
                "SUMMARY:\(icsText(h.name))",
                "DESCRIPTION:\(icsText(description))",
                "CATEGORIES:\(h.kind == .publicHoliday ? "PUBLIC HOLIDAY" : "OBSERVANCE")",
                "TRANSP:TRANSPARENT",
                "X-CAPSIM-ID:\(h.identifier)",
                "END:VEVENT",
            ]
        }
        lines.append("END:VCALENDAR")
        return lines.flatMap(fold).map { $0 + "\r\n" }.joined()
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }

    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}

extension CalendarRenderer {
    /// One day in both calendars and what falls on it (`capsim calendar --date`).
    public static func renderDay(_ date: GregorianDate, calendar: HolidayCalendar = HolidayCalendar(), as format: Format) -> String {
        let e = date.ethiopian
        let on = calendar.holidays(on: date)
        switch format {
        case .json:
            struct Doc: Encodable {
                let gregorian: String, weekday: String, ethiopian: JSONDay, ethiopian_leap_year: Bool
                let holidays: [JSONHoliday]
            }
            let doc = Doc(gregorian: date.iso, weekday: date.weekday.shortName, ethiopian: JSONDay(e),
                          ethiopian_leap_year: EthiopianDate.isLeapYear(e.year), holidays: on.map(JSONHoliday.init))
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try! enc.encode(doc), as: UTF8.self) + "\n"
        case .table, .ics:
            var out = [
                "Gregorian  \(date.weekday.shortName) \(date.short) (\(date.iso))",
                "Ethiopian  \(e) (\(e.numeric))" + (EthiopianDate.isLeapYear(e.year) ? "; \(e.year) E.C. is a leap year (Pagume has 6 days)" : ""),
            ]
            if on.isEmpty { out.append("On this day: no holiday or observance period") }
            for h in on {
                let span = h.isPeriod ? " (\(ethiopianText(h)); \(gregorianText(h)), day \(h.start.days(to: date) + 1) of \(h.days))" : ""
                out.append("On this day: \(h.name) [\(h.identifier), \(h.kind.label), \(h.basis.label)]\(span)")
            }
            return out.joined(separator: "\n") + "\n"
        }
    }
}
