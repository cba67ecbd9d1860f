import CapsimModel
import Foundation

// Parsers and messages shared by the JSON Lines and CSV readers.

/// Field parsers shared by both formats, so JSON Lines and CSV accept exactly the same values.
/// Each takes the value's text and how to quote it in a message, and returns the value or the
/// message (without the path).
enum ReplayFields {
    static let timeExpected = "expected an ISO 8601 time like \"2026-09-11T10:00:00Z\" or a number of seconds"

    /// A plain decimal (no hex, no `nan`/`inf`).
    static func decimal(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty, t.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }), let v = Double(t), v.isFinite else { return nil }
        return v
    }

    static func time(_ text: String, iso: ISO8601DateFormatter, isoFractional: ISO8601DateFormatter) -> (Double, ReplayTime.Form)? {
        if let v = decimal(text) { return (v, .seconds) }
        var t = text.trimmingCharacters(in: .whitespaces)
        guard t.count >= 10, t.first?.isNumber == true else { return nil }
        // As `simulation.start`: a time without a zone is East Africa Time.
        let tail = t.dropFirst(10)
        if !t.hasSuffix("Z") && !tail.contains("+") && !tail.contains("-") { t += "+03:00" }
        if let d = iso.date(from: t) ?? isoFractional.date(from: t) { return (d.timeIntervalSince1970, .iso8601) }
        return nil
    }

    static func replicas(_ text: String, shown: String) -> Result<Int, Message> {
        if let v = decimal(text), v >= 0, v == v.rounded(), v < 1e6 { return .success(Int(v)) }
        return .failure(Message("expected a whole number of replicas like 3, got \(shown)"))
    }

    /// A metric value in the metric's unit (`Metric.unit`): CPU and error rate as percentages,
    /// latency as durations, counts as numbers (with k/M/G), throughput as a rate.
    static func metric(_ metric: Metric, _ text: String, shown: String) -> Result<Double, Message> {
        let value: Double?
        let expected: String
        switch metric.unit {
        case .fraction:
            value = Percent(parsing: text)?.fraction
            expected = "a percentage like \"70%\""
        case .seconds:
            value = Duration(parsing: text)?.seconds
            expected = "a duration like \"820ms\""
        case .count:
            value = parseCount(text)
            expected = "a number like 40 or \"5.2k\""
        case .rate:
            value = Rate(parsing: text)?.perSecond
            expected = "a rate like \"1.5k/s\""
        case .money:
            value = nil
            expected = "a service metric"
        }
        guard let v = value, v.isFinite, v >= 0 else { return .failure(Message("expected \(expected), got \(shown)")) }
        return .success(v)
    }

    static func cpu(_ text: String, shown: String) -> Result<Double, Message> {
        guard let c = CPU(parsing: text), c.millicores.isFinite else { return .failure(Message("expected a CPU quantity like \"250m\", got \(shown)")) }
        return .success(c.millicores)
    }

    static func memory(_ text: String, shown: String) -> Result<Double, Message> {
        guard let m = Memory(parsing: text), m.bytes.isFinite else { return .failure(Message("expected a memory quantity like \"512Mi\", got \(shown)")) }
        return .success(m.bytes)
    }

    /// A pod phase as Kubernetes writes it (`Running`); lower case is accepted too.
    static func phase(_ text: String, shown: String) -> Result<PodPhase, Message> {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let p = PodPhase.allCases.first(where: { $0.rawValue == t || $0.rawValue.lowercased() == t }) { return .success(p) }
        return .failure(Message("expected a pod phase (\(orList(PodPhase.allCases.map(\.rawValue)))), got \(shown)"))
    }

    static func duration(_ text: String, shown: String) -> Result<Double, Message> {
        guard let d = Duration(parsing: text) else { return .failure(Message("expected a duration like \"10m\", got \(shown)")) }
        return .success(d.seconds)
    }

    static func bool(_ text: String, shown: String) -> Result<Bool, Message> {
        switch text.trimmingCharacters(in: .whitespaces) {
        case "true": return .success(true)
        case "false": return .success(false)
        default: return .failure(Message("expected true or false, got \(shown)"))
        }
    }

    /// `unknown metric "x"; did you mean "y"?` or the list of metrics.
    static func unknownMetric(_ name: String) -> String {
        let names = ReplayInput.serviceMetrics.map(\.rawValue)
        if let s = suggestion(name, among: names) { return "unknown metric \(quoted(name)); did you mean \(quoted(s))?" }
        return "unknown metric \(quoted(name)); a service's metrics are \(names.joined(separator: ", "))"
    }

    static func unknownKey(_ name: String, among keys: [String]) -> String {
        if let s = suggestion(name, among: keys) { return "unknown key \(quoted(name)); did you mean \(quoted(s))?" }
        return "unknown key \(quoted(name)) (expected \(keys.joined(separator: ", ")))"
    }

    static func suggestion(_ name: String, among candidates: [String]) -> String? {
        let best = candidates.map { ($0, editDistance($0, name)) }.min { $0.1 < $1.1 }
        guard let (s, d) = best, d <= max(1, min(3, name.count / 3)) else { return nil }
        return s
    }

    /// Edit distance counting a swap of neighbours as one edit ("wbe" → "web"), for "did you mean".
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var before = [Int](repeating: 0, count: b.count + 1), prev = Array(0...b.count), cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] { cur[j] = min(cur[j], before[j - 2] + 1) }
            }
            (before, prev, cur) = (prev, cur, before)
        }
        return prev[b.count]
    }

    /// A metric name as written, if it is one a service may carry.
    static func serviceMetric(_ name: String) -> Metric? {
        Metric(rawValue: name).flatMap { ReplayInput.serviceMetrics.contains($0) ? $0 : nil }
    }
}

/// "a", "a or b", "a, b or c".
func orList(_ items: [String]) -> String {
    items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " or " + items.last!
}

/// A parse failure's message (a `Result` needs an `Error`).
struct Message: Error { let text: String; init(_ text: String) { self.text = text } }
