import CapsimModel
import EthiopianCalendar
import Foundation

/// `seasonal_factor: from_calendar`: for each service and horizon, the largest multiplier of
/// the scenario's seasons whose holidays fall between the plan's start and the horizon's end,
/// with the holiday that sets it — so a 6-month plan made in June carries Enkutatash and
/// Meskel, and one made in October carries Genna, Timkat and Fasika.
public struct CalendarSeasonal: Hashable, Sendable, Codable {
    public let factor: Double
    /// E.g. "genna 2027-01-07 (season holiday)"; nil when no season falls in the horizon.
    public let source: String?

    /// The plan's first day: `planning.start` (ISO date, EAT) or today in EAT.
    public static func start(_ s: Scenario, now: Date = Date()) -> GregorianDate {
        if let text = s.planning.start, let d = SimulationClock.date(text.count == 10 ? text + "T00:00:00+03:00" : text) {
            return EAT.gregorianDate(of: d)
        }
        return EAT.today(now: now)
    }

    public static func resolve(_ s: Scenario, service: String, months: Int, from start: GregorianDate,
                               calendar: HolidayCalendar = HolidayCalendar()) -> CalendarSeasonal {
        let end = start.adding(days: Int((Double(months) * 30.4375).rounded()))
        let occurrences = calendar.holidays(from: start, through: end)
        var best = CalendarSeasonal(factor: 1, source: nil)
        for name in s.seasons.keys.sorted() {
            let season = s.seasons[name]!
            guard season.services.isEmpty || season.services.contains(service), season.multiplier > best.factor else { continue }
            if let h = occurrences.first(where: { season.holidays.contains($0.identifier) }) {
                best = CalendarSeasonal(factor: season.multiplier, source: "\(h.identifier) \(h.start.iso) (season \(name))")
            }
        }
        return best
    }
}
