import Foundation

/// When a surge begins, as `traffic.surges[i].at` is written: an offset from the start of the
/// run (`20m`), or — once `simulation.start` puts the run on the wall clock — a time of day
/// (`"19:30"`: the first 19:30 EAT at or after the start) or a date and time
/// (`"2026-09-11T19:30"`, EAT unless it names an offset).
///
/// People plan a promotion for "7:30 pm", not for "1 h 30 m into the run"; and the offset form
/// silently moves when the start does. The decoder resolves every form to an offset
/// (`offset(from:)`), so the engine, the windows and the reports see one kind of start.
enum SurgeStart: Equatable {
    /// Seconds from the start of the run.
    case offset(Double)
    /// Seconds after midnight EAT.
    case timeOfDay(Double)
    case instant(Date)

    /// What the error message offers as the accepted forms.
    static let forms = "a time from the start of the run like \"20m\", or, with simulation.start, a clock time like \"19:30\" or \"2026-09-11T19:30\""

    init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let d = Duration(parsing: t) {
            self = .offset(d.seconds)
        } else if let s = Self.timeOfDay(t) {
            self = .timeOfDay(s)
        } else if t.count >= 16, t.contains("T"), let date = SimulationClock.date(t) {
            self = .instant(date)
        } else {
            return nil
        }
    }

    /// `H:MM` or `HH:MM[:SS]`, 00:00 to 23:59:59, as seconds after midnight.
    static func timeOfDay(_ t: String) -> Double? {
        let parts = t.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              parts[0].count <= 2, parts.dropFirst().allSatisfy({ $0.count == 2 }),
              let h = Int(parts[0]), let m = Int(parts[1]), let s = parts.count == 3 ? Int(parts[2]) : 0,
              h < 24, m < 60, s < 60 else { return nil }
        return Double(h * 3600 + m * 60 + s)
    }

    /// Seconds from `start` (the run's wall-clock start) to this moment: negative when it is
    /// before the start (only an `instant` can be).
    func offset(from start: Date) -> Double {
        switch self {
        case .offset(let s):
            return s
        case .timeOfDay(let s):
            var startOfDay = (start.timeIntervalSince1970 + SimulationClock.eatOffset).truncatingRemainder(dividingBy: 86_400)
            if startOfDay < 0 { startOfDay += 86_400 }
            let ahead = s - startOfDay
            return ahead >= 0 ? ahead : ahead + 86_400
        case .instant(let d):
            return d.timeIntervalSince(start)
        }
    }
}
