import CapsimModel
import Foundation

/// One observation of a tracked metric (seed §2, "Growth Metrics Tracking"): MAU, DAU, peak
/// concurrent users, TPS by payment option, per-service RPS …
public struct HistoryPoint: Hashable, Sendable, Codable {
    /// Days since 1970-01-01 (UTC), from the CSV's ISO date.
    public let day: Int
    public let metric: String
    public let value: Double
    /// The service (or payment option) the value belongs to; empty for platform-wide metrics.
    public let service: String

    public init(day: Int, metric: String, value: Double, service: String) {
        self.day = day; self.metric = metric; self.value = value; self.service = service
    }
}

/// Parses history CSV: a header `date,metric,value[,service]`, then one row per observation.
/// Every bad row is reported with its line number; nothing is skipped silently.
public enum HistoryCSV {
    public struct Problem: Error, Hashable, Sendable, CustomStringConvertible {
        public let file: String
        public let line: Int
        public let message: String
        public var description: String { "\(file):\(line): error: \(message)" }
    }

    public static func parse(_ text: String, file: String) -> (points: [HistoryPoint], problems: [Problem]) {
        var points: [HistoryPoint] = [], problems: [Problem] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        guard let header = lines.first?.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }),
              header.count >= 3, Array(header.prefix(3)) == ["date", "metric", "value"], header.count <= 4, header.count == 3 || header[3] == "service" else {
            return ([], [Problem(file: file, line: 1, message: "expected the header date,metric,value[,service], got \"\(lines.first ?? "")\"")])
        }
        for (i, raw) in lines.enumerated().dropFirst() {
            let n = i + 1
            if raw.trimmingCharacters(in: .whitespaces).isEmpty || raw.hasPrefix("#") { continue }
            let f = raw.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard f.count == header.count || (header.count == 4 && f.count == 3) else {
                problems.append(Problem(file: file, line: n, message: "expected \(header.count) fields (\(header.joined(separator: ","))), got \(f.count): \"\(raw)\""))
                continue
            }
            guard let day = day(f[0]) else {
                problems.append(Problem(file: file, line: n, message: "date: expected an ISO date like 2025-01-31, got \"\(f[0])\""))
                continue
            }
            guard !f[1].isEmpty else { problems.append(Problem(file: file, line: n, message: "metric: missing name")); continue }
            guard let v = parseCount(f[2]) else {
                problems.append(Problem(file: file, line: n, message: "value: expected a number like 1200 or 1.2k, got \"\(f[2])\""))
                continue
            }
            guard v > 0 else {
                problems.append(Problem(file: file, line: n, message: "value: growth is fitted on logarithms, so values must be positive, got \(trim(v))"))
                continue
            }
            points.append(HistoryPoint(day: day, metric: f[1], value: v, service: f.count > 3 ? f[3] : ""))
        }
        return (points, problems)
    }

    /// Days since 1970-01-01 for `YYYY-MM-DD` (proleptic Gregorian), rejecting impossible dates.
    public static func day(_ s: String) -> Int? {
        let p = s.split(separator: "-")
        guard p.count == 3, p[0].count == 4, let y = Int(p[0]), let m = Int(p[1]), let d = Int(p[2]), (1...12).contains(m) else { return nil }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...days[m - 1]).contains(d) else { return nil }
        // Days from civil (Howard Hinnant's algorithm).
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
