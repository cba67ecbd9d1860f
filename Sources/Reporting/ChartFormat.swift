import CapsimModel
import Foundation

/// Numbers for people, for the HTML and Markdown reports: grouped thousands, a few
/// significant digits, units spelled out. Locale-free (`String(format:)` with `%f` uses the
/// C locale), so the same value gives the same bytes on every machine.
enum ChartFormat {
    /// `4215178` → `4,215,178`.
    static func grouped(_ v: Int) -> String { formatGrouped(v) }

    /// A real number with grouped thousands and `digits` decimals: `12,345.6`.
    static func grouped(_ v: Double, digits: Int) -> String {
        guard v.isFinite else { return "—" }
        let s = String(format: "%.\(digits)f", abs(v))
        let parts = s.split(separator: ".", maxSplits: 1)
        let int = grouped(Int(parts[0]) ?? 0)
        let sign = v < 0 && s.contains(where: { $0 != "0" && $0 != "." }) ? "-" : ""
        return sign + int + (parts.count > 1 ? "." + parts[1] : "")
    }

    /// At most `sig` significant digits, trailing zeros dropped, grouped: `1,234`, `12.3`, `0.045`.
    static func number(_ v: Double, sig: Int = 3) -> String {
        guard v.isFinite else { return "—" }
        if v == 0 { return "0" }
        let magnitude = Int(floor(log10(abs(v))))
        let decimals = max(0, sig - 1 - magnitude)
        var s = grouped(v, digits: min(decimals, 6))
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s == "-0" ? "0" : s
    }

    /// Compact for tick labels and tight cells: `950`, `1.5k`, `12k`, `3.4M`.
    static func compact(_ v: Double) -> String {
        let a = abs(v)
        if a >= 1e9 { return number(v / 1e9) + "G" }
        if a >= 1e6 { return number(v / 1e6) + "M" }
        if a >= 1e4 { return number(v / 1e3) + "k" }
        return number(v, sig: 4)
    }

    /// A latency given in seconds: `4.6 ms`, `168 ms`, `1.88 s`; `—` when absent.
    static func latency(_ seconds: Double?) -> String {
        guard let s = seconds, s.isFinite else { return "—" }
        if s < 1 { return number(s * 1000) + " ms" }
        if s < 60 { return number(s) + " s" }
        return formatDuration(s)
    }

    /// Milliseconds as the latency charts show them.
    static func ms(_ seconds: Double) -> String { number(seconds * 1000) + " ms" }

    /// A fraction as a percentage: `0.7` → `70%`, `0.963` → `96.3%`.
    static func percent(_ fraction: Double) -> String { number(fraction * 100, sig: 3) + "%" }

    /// Money with its currency: whole units from 100 up, cents below (`ETB 1,234`, `USD 12.50`);
    /// "—" for an amount the result cannot state (no exchange rate).
    static func money(_ v: Double?, _ c: Currency) -> String { v.map { c.rawValue + " " + money($0) } ?? "—" }
    static func money(_ v: Double?) -> String { v.map(money) ?? "—" }
    /// The printf format of a run's cost in a plain table: whole birr, dollars to the cent (a
    /// birr is worth about a US cent, so both keep the same resolution, and an hour of a pod
    /// priced in cents does not print as 0).
    static func costFormat(_ c: Currency) -> String { c == .usd ? "%.2f" : "%.0f" }
    static func money(_ v: Double) -> String {
        guard v.isFinite else { return "—" }
        return abs(v) >= 100 ? grouped(v.rounded(), digits: 0) : grouped(v, digits: 2)
    }

    /// A rate in requests per second: `1,500 req/s`, `24.6k req/s`.
    static func rps(_ v: Double) -> String {
        let a = abs(v)
        return (a >= 1e6 ? compact(v) : a >= 100 ? grouped(v.rounded(), digits: 0) : number(v)) + " req/s"
    }

    /// A multiplier: `×1.59`.
    static func times(_ v: Double) -> String { "×" + number(v) }

    /// The statistic of an SLO metric: `latency_p95` → `p95`, `latency_mean` → `mean`.
    static func statistic(_ metric: String) -> String {
        metric.hasPrefix("latency_") ? String(metric.dropFirst("latency_".count)) : metric
    }

    /// A threshold in its metric's unit: `70%`, `500 ms`, `500`, `2k req/s`. (No trigger or HPA
    /// metric is money; a money threshold would be in the reporting currency, shown bare.)
    static func threshold(_ v: Double, _ m: Metric) -> String {
        switch m.unit {
        case .fraction: return percent(v)
        case .seconds: return latency(v)
        case .rate: return compact(v) + " req/s"
        case .money: return money(v)
        case .count: return compact(v)
        }
    }
}

/// Maps simulated seconds to the labels on time axes: EAT clock times when the scenario names
/// `simulation.start` (`18:15`, the first tick `18:00 EAT`), else offsets (`+05:00`).
struct ChartClock: Sendable {
    /// Seconds after midnight EAT at simulated time 0, when the run is anchored to a wall clock.
    let startOfDay: Double?
    /// Days since 1970-01-01 in EAT at simulated time 0 (for date labels on multi-day runs).
    let startDay: Int?

    init(start: String?) {
        if let start, let d = SimulationClock.date(start) {
            let eat = d.timeIntervalSince1970 + SimulationClock.eatOffset
            let day = (eat / 86_400).rounded(.down)
            startOfDay = eat - day * 86_400
            startDay = Int(day)
        } else {
            startOfDay = nil
            startDay = nil
        }
    }

    var anchored: Bool { startOfDay != nil }

    /// `18:15:30 EAT` or `+05:30`: full precision, for tooltips and tables.
    func full(_ t: Double) -> String {
        if let sod = startOfDay {
            let s = Int((sod + t).rounded())
            let tod = ((s % 86_400) + 86_400) % 86_400
            return String(format: "%02d:%02d:%02d EAT", tod / 3600, tod / 60 % 60, tod % 60) + dayNote(s)
        }
        return offset(t, seconds: true)
    }

    /// `18:15:30` or `+05:30`: for table rows under a "time (EAT)" header.
    func short(_ t: Double) -> String {
        anchored ? full(t).replacingOccurrences(of: " EAT", with: "") : full(t)
    }

    /// The header of a time column.
    var columnTitle: String { anchored ? "time (EAT)" : "time" }

    /// `18:15` or `+05:00`: for tick labels, seconds only when the tick step needs them.
    func tick(_ t: Double, step: Double) -> String {
        if let sod = startOfDay {
            let s = Int((sod + t).rounded())
            let tod = ((s % 86_400) + 86_400) % 86_400
            if step >= 86_400 || (tod == 0 && step >= 3600 && s >= 86_400) { return date(s) }
            return step < 60 ? String(format: "%02d:%02d:%02d", tod / 3600, tod / 60 % 60, tod % 60)
                             : String(format: "%02d:%02d", tod / 3600, tod / 60 % 60)
        }
        return offset(t, seconds: step < 60)
    }

    /// Title of the time axis.
    var axisTitle: String { anchored ? "time (EAT, UTC+3)" : "time since start (h:mm:ss)" }

    func offset(_ t: Double, seconds: Bool) -> String {
        let s = Int(t.rounded())
        if s >= 3600 { return String(format: "+%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) }
        return String(format: "+%02d:%02d", s / 60, s % 60)
    }

    /// ` (+1 day)` when the instant falls on a later EAT day than the start.
    func dayNote(_ eatSecondsFromStartDay: Int) -> String {
        let d = eatSecondsFromStartDay / 86_400
        return d > 0 ? " (+\(d) day\(d == 1 ? "" : "s"))" : ""
    }

    /// The start as people read it: `11 Sep 2026, 18:00 EAT`; nil when the run is not anchored.
    var startText: String? {
        guard let sod = startOfDay, let startDay else { return nil }
        let s = Int(sod.rounded())
        let time = s % 60 == 0 ? String(format: "%02d:%02d", s / 3600, s / 60 % 60) : String(format: "%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        return "\(ChartClock.civil(startDay).text) \(ChartClock.civil(startDay).year), \(time) EAT"
    }

    func date(_ eatSecondsFromStartDay: Int) -> String {
        guard let startDay else { return "" }
        return ChartClock.civil(startDay + eatSecondsFromStartDay / 86_400).text
    }

    /// `11 Sep` and the year, for a day number since 1970-01-01.
    static func civil(_ day: Int) -> (text: String, year: Int) {
        // Civil date from days since the epoch (Howard Hinnant's algorithm); no Calendar, no locale.
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return ("\(d) \(months[m - 1])", yoe + era * 400 + (m <= 2 ? 1 : 0))
    }

    /// Tick positions (simulated seconds) over `0...duration`, at round clock times when anchored.
    func ticks(duration: Double, maxTicks: Int) -> (positions: [Double], step: Double) {
        let steps: [Double] = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400,
                               172_800, 604_800]
        let span = max(duration, 1)
        let step = steps.first { span / $0 <= Double(max(maxTicks, 2)) } ?? (span / Double(maxTicks)).rounded(.up)
        let origin = startOfDay ?? 0
        // First tick: the first multiple of `step` (in EAT seconds of day when anchored) at or after 0.
        let first = ((origin / step).rounded(.up) * step) - origin
        var out: [Double] = []
        var k = 0
        while true {
            let t = first + Double(k) * step
            if t > duration + 1e-9 { break }
            out.append(t)
            k += 1
        }
        return (out, step)
    }
}

/// "Nice" linear ticks (1, 2, 2.5, 5 × 10ⁿ) covering `0...max`.
enum ChartTicks {
    /// `integer`: counts (instances, queue lengths) get whole-number steps (1, 2, 5, 10, 20, …).
    static func nice(max maxValue: Double, target: Int = 5, integer: Bool = false) -> (top: Double, step: Double) {
        let m = maxValue.isFinite && maxValue > 0 ? maxValue : 1
        let raw = m / Double(target)
        let mag = pow(10, floor(log10(raw)))
        let factors: [Double] = integer && mag < 10 ? [1, 2, 5, 10] : [1, 2, 2.5, 5, 10]
        var step = factors.map { $0 * mag }.first { $0 >= raw - 1e-12 * mag } ?? 10 * mag
        if integer { step = max(1, step.rounded(.up)) }
        let top = (m / step - 1e-9).rounded(.up) * step
        return (max(top, step), step)
    }

    /// Tick labels with just enough decimals for the step.
    static func label(_ v: Double, step: Double) -> String {
        if step >= 1e6 { return ChartFormat.number(v / 1e6, sig: 6) + (v == 0 ? "" : "M") }
        if step >= 1e3 { return ChartFormat.number(v / 1e3, sig: 6) + (v == 0 ? "" : "k") }
        let decimals = (0...6).first { k in
            let scaled = step * pow(10, Double(k))
            return abs(scaled - scaled.rounded()) < 1e-6 * max(1, scaled)
        } ?? 6
        return ChartFormat.grouped(v, digits: decimals)
    }
}
