/// The holidays and observance periods capsim knows, by the identifiers scenario files use
/// (`ScenarioFormat.holidays` in CapsimModel; a test keeps the two lists equal).
public enum HolidayID: String, CaseIterable, Hashable, Sendable, Codable {
    case enkutatash, meskel, genna
    case gennaEve = "genna-eve"
    case timkat, adwa
    case labourDay = "labour-day"
    case patriotsVictory = "patriots-victory"
    case dergDownfall = "derg-downfall"
    case fasika, siklet
    case eidAlFitr = "eid-al-fitr"
    case eidAlAdha = "eid-al-adha"
    case mawlid
    case abiyTsom = "abiy-tsom"
    case ramadan
    case tsomeNebiyat = "tsome-nebiyat"
    case filseta

    public var name: String {
        switch self {
        case .enkutatash: "Enkutatash (New Year)"
        case .meskel: "Meskel (Finding of the Cross)"
        case .genna: "Genna (Christmas)"
        case .gennaEve: "Genna eve (Gahad)"
        case .timkat: "Timkat (Epiphany)"
        case .adwa: "Adwa Victory Day"
        case .labourDay: "Labour Day"
        case .patriotsVictory: "Patriots' Victory Day"
        case .dergDownfall: "Downfall of the Derg"
        case .fasika: "Fasika (Easter)"
        case .siklet: "Siklet (Good Friday)"
        case .eidAlFitr: "Eid al-Fitr"
        case .eidAlAdha: "Eid al-Adha (Arafa)"
        case .mawlid: "Mawlid (Prophet's Birthday)"
        case .abiyTsom: "Abiy Tsom (Great Lent)"
        case .ramadan: "Ramadan"
        case .tsomeNebiyat: "Tsome Nebiyat (Advent fast)"
        case .filseta: "Filseta (Assumption fast)"
        }
    }

    public var kind: HolidayKind {
        switch self {
        case .gennaEve, .abiyTsom, .ramadan, .tsomeNebiyat, .filseta: .observance
        default: .publicHoliday
        }
    }

    /// Whether the date comes from the Islamic calendar (and may move by a day when announced).
    public var isIslamic: Bool { [.eidAlFitr, .eidAlAdha, .mawlid, .ramadan].contains(self) }
}

public enum HolidayKind: String, Hashable, Sendable, Codable {
    /// A national public holiday (offices and schools closed).
    case publicHoliday = "public_holiday"
    /// Not a day off but it moves traffic: an eve, or a fasting period (a range of days).
    case observance

    public var label: String { self == .publicHoliday ? "public holiday" : "observance" }
}

/// How a date was obtained, so a reader knows how far to trust it.
public enum DateBasis: String, Hashable, Sendable, Codable {
    /// A fixed day of the Ethiopian calendar (exact).
    case ethiopianDate = "ethiopian-date"
    /// Orthodox Easter by the Julian computus (exact).
    case julianComputus = "julian-computus"
    /// The tabular Islamic calendar: an estimate, may be a day (rarely two) off the announced date.
    case tabularIslamic = "tabular-islamic"
    /// The announced date from the override table (`AnnouncedDate.ethiopia`).
    case announced

    public var label: String {
        switch self {
        case .ethiopianDate: "fixed"
        case .julianComputus: "computus"
        case .tabularIslamic: "tabular ±1"
        case .announced: "announced"
        }
    }
}

/// One occurrence of a holiday or observance period: a Gregorian day or an inclusive range.
public struct Holiday: Hashable, Sendable, CustomStringConvertible {
    public let id: HolidayID
    /// First day.
    public let start: GregorianDate
    /// Last day (inclusive); equal to `start` for a single day.
    public let end: GregorianDate
    public let basis: DateBasis
    /// Where an announced date comes from, or how a derived range was built.
    public let note: String?
    /// Unique per occurrence and stable across runs: the identifier and the Gregorian year it
    /// starts in ("genna-2025"); a second start in the same Gregorian year (an Islamic holiday,
    /// every 32–33 years) gets "-2".
    public let key: String

    public init(id: HolidayID, start: GregorianDate, end: GregorianDate? = nil, basis: DateBasis, note: String? = nil, key: String? = nil) {
        self.id = id
        self.start = start
        self.end = end ?? start
        self.basis = basis
        self.note = note
        self.key = key ?? "\(id.rawValue)-\(start.year)"
    }

    /// The scenario-format identifier ("genna").
    public var identifier: String { id.rawValue }
    public var name: String { id.name }
    public var kind: HolidayKind { id.kind }
    public var isPeriod: Bool { start != end }
    /// Days covered, counting both ends.
    public var days: Int { start.days(to: end) + 1 }
    public var ethiopianStart: EthiopianDate { start.ethiopian }
    public var ethiopianEnd: EthiopianDate { end.ethiopian }

    public func contains(_ date: GregorianDate) -> Bool { start <= date && date <= end }
    public func overlaps(from lo: GregorianDate, through hi: GregorianDate) -> Bool { start <= hi && lo <= end }

    public var description: String {
        isPeriod ? "\(identifier) \(start.iso)…\(end.iso)" : "\(identifier) \(start.iso)"
    }
}

/// Computes holidays. Fixed Ethiopian dates and the computus are exact; Islamic dates come from
/// the tabular calendar unless `announced` has the date for that Hijri year.
public struct HolidayCalendar: Sendable {
    public let announced: [AnnouncedDate]
    private let overrides: [HolidayID: [Int: AnnouncedDate]]

    public init(announced: [AnnouncedDate] = AnnouncedDate.ethiopia) {
        self.announced = announced
        var table: [HolidayID: [Int: AnnouncedDate]] = [:]
        for a in announced { table[a.holiday, default: [:]][a.hijriYear] = a }
        self.overrides = table
    }

    // MARK: Queries

    /// Every occurrence that overlaps `lo…hi` (both inclusive), in date order. A period that
    /// crosses either end (Tsome Nebiyat over New Year) is returned whole.
    public func holidays(from lo: GregorianDate, through hi: GregorianDate) -> [Holiday] {
        guard lo <= hi else { return [] }
        var all: [Holiday] = []
        for y in (lo.ethiopian.year - 1)...(hi.ethiopian.year + 1) { all += christianFixed(ethiopianYear: y) }
        for y in (lo.year - 1)...(hi.year + 1) { all += easter(year: y) }
        let h0 = IslamicCalendar.date(julianDayNumber: lo.julianDayNumber).year
        let h1 = IslamicCalendar.date(julianDayNumber: hi.julianDayNumber).year
        for h in (h0 - 1)...(h1 + 1) { all += islamic(hijriYear: h) }
        let order = Dictionary(uniqueKeysWithValues: HolidayID.allCases.enumerated().map { ($1, $0) })
        return all.filter { $0.overlaps(from: lo, through: hi) }.sorted {
            ($0.start, $0.end, order[$0.id]!) < ($1.start, $1.end, order[$1.id]!)
        }
    }

    /// The occurrences overlapping Gregorian `year` (1 January … 31 December).
    public func holidays(inGregorianYear year: Int) -> [Holiday] {
        holidays(from: GregorianDate(unchecked: year, 1, 1), through: GregorianDate(unchecked: year, 12, 31))
    }

    /// The occurrences overlapping Ethiopian `year` (Meskerem 1 … Pagume 5 or 6).
    public func holidays(inEthiopianYear year: Int) -> [Holiday] {
        holidays(from: EthiopianDate.newYear(year).gregorian, through: EthiopianDate.lastDay(of: year).gregorian)
    }

    /// What falls on one day (a holiday, or a day inside a period).
    public func holidays(on date: GregorianDate) -> [Holiday] { holidays(from: date, through: date) }

    /// The occurrences of one holiday starting in Gregorian `year` (two for an Islamic holiday
    /// in some years, e.g. Eid al-Fitr in 2000).
    public func occurrences(of id: HolidayID, inGregorianYear year: Int) -> [Holiday] {
        holidays(inGregorianYear: year).filter { $0.id == id && $0.start.year == year }
    }

    /// The first occurrence of `id` starting in Gregorian `year`.
    public func date(of id: HolidayID, inGregorianYear year: Int) -> Holiday? {
        occurrences(of: id, inGregorianYear: year).first
    }

    // MARK: Rules

    /// Genna: Tahsas 29, except Tahsas 28 in the Ethiopian year after a leap year (years ≡ 0 mod 4,
    /// whose Tahsas 29 would fall on 8 January): the Church keeps Christmas on 7 January
    /// (Julian 25 December) every year. Outside Lalibela; see docs/calendar.md for the sources.
    public static func genna(ethiopianYear y: Int) -> EthiopianDate {
        EthiopianDate(unchecked: y, EthiopianMonth.tahsas.rawValue, EthiopianDate.isLeapYear(y - 1) ? 28 : 29)
    }

    /// The fixed-date holidays and periods of Ethiopian year `y` (Meskerem 1 … Pagume).
    func christianFixed(ethiopianYear y: Int) -> [Holiday] {
        guard y >= 1 else { return [] }
        func g(_ m: EthiopianMonth, _ d: Int) -> GregorianDate { EthiopianDate(unchecked: y, m.rawValue, d).gregorian }
        let genna = HolidayCalendar.genna(ethiopianYear: y).gregorian
        return [
            Holiday(id: .enkutatash, start: g(.meskerem, 1), basis: .ethiopianDate),
            Holiday(id: .meskel, start: g(.meskerem, 17), basis: .ethiopianDate),
            Holiday(id: .tsomeNebiyat, start: g(.hidar, 15), end: genna.adding(days: -1), basis: .ethiopianDate,
                    note: "Hidar 15 to the eve of Genna"),
            Holiday(id: .gennaEve, start: genna.adding(days: -1), basis: .ethiopianDate),
            Holiday(id: .genna, start: genna, basis: .ethiopianDate),
            Holiday(id: .timkat, start: g(.tir, 11), basis: .ethiopianDate),
            Holiday(id: .adwa, start: g(.yekatit, 23), basis: .ethiopianDate),
            Holiday(id: .labourDay, start: g(.miyazya, 23), basis: .ethiopianDate),
            Holiday(id: .patriotsVictory, start: g(.miyazya, 27), basis: .ethiopianDate),
            Holiday(id: .dergDownfall, start: g(.ginbot, 20), basis: .ethiopianDate),
            Holiday(id: .filseta, start: g(.nehase, 1), end: g(.nehase, 14), basis: .ethiopianDate,
                    note: "Nehase 1–14; the feast of the Assumption is Nehase 16"),
        ]
    }

    /// Fasika, Siklet (Fasika − 2) and Abiy Tsom (the 55 days before Fasika, Monday to Saturday)
    /// in Gregorian `year`.
    func easter(year: Int) -> [Holiday] {
        let fasika = Computus.fasika(year: year)
        return [
            Holiday(id: .abiyTsom, start: fasika.adding(days: -55), end: fasika.adding(days: -1), basis: .julianComputus,
                    note: "55 days, Monday to the eve of Fasika"),
            Holiday(id: .siklet, start: fasika.adding(days: -2), basis: .julianComputus),
            Holiday(id: .fasika, start: fasika, basis: .julianComputus),
        ]
    }

    /// Ramadan, Eid al-Fitr, Eid al-Adha and Mawlid of Hijri `year`.
    func islamic(hijriYear h: Int) -> [Holiday] {
        guard h >= 1 else { return [] }
        let (fitr, fitrBasis, fitrNote) = islamicDay(.eidAlFitr, h)
        let (fast, fastBasis, fastNote) = islamicDay(.ramadan, h)
        let (adha, adhaBasis, adhaNote) = islamicDay(.eidAlAdha, h)
        let (mawlid, mawlidBasis, mawlidNote) = islamicDay(.mawlid, h)
        let rangeNote = [fastNote.map { "start: \($0)" }, fitrNote.map { "end: the eve of Eid al-Fitr, \($0)" }]
            .compactMap { $0 }.joined(separator: "; ")
        return [
            Holiday(id: .mawlid, start: mawlid, basis: mawlidBasis, note: mawlidNote, key: key(.mawlid, h, mawlid)),
            Holiday(id: .ramadan, start: fast, end: fitr.adding(days: -1), basis: fastBasis,
                    note: rangeNote.isEmpty ? "Ramadan 1 to the eve of Eid al-Fitr" : rangeNote, key: key(.ramadan, h, fast)),
            Holiday(id: .eidAlFitr, start: fitr, basis: fitrBasis, note: fitrNote, key: key(.eidAlFitr, h, fitr)),
            Holiday(id: .eidAlAdha, start: adha, basis: adhaBasis, note: adhaNote, key: key(.eidAlAdha, h, adha)),
        ]
    }

    /// The (first) day of an Islamic holiday: announced if the table has it, else tabular.
    func islamicDay(_ id: HolidayID, _ h: Int) -> (GregorianDate, DateBasis, String?) {
        if let a = overrides[id]?[h] { return (a.date, .announced, "announced \(a.date.iso) (\(h) AH): \(a.source)") }
        let (month, day): (IslamicCalendar.Month, Int) = switch id {
        case .ramadan: (.ramadan, 1)
        case .eidAlFitr: (.shawwal, 1)
        case .eidAlAdha: (.dhuAlHijjah, 10)
        case .mawlid: (.rabiAlAwwal, 12)
        default: preconditionFailure("\(id) is not an Islamic holiday")
        }
        return (IslamicCalendar.gregorian(year: h, month: month, day: day), .tabularIslamic, nil)
    }

    /// "eid-al-fitr-2000", or "eid-al-fitr-2000-2" when the previous Hijri year's occurrence also
    /// started in that Gregorian year.
    func key(_ id: HolidayID, _ h: Int, _ start: GregorianDate) -> String {
        let previous = h > 1 ? islamicDay(id, h - 1).0 : nil
        return "\(id.rawValue)-\(start.year)" + (previous?.year == start.year ? "-2" : "")
    }
}
