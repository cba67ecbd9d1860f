import CapsimModel
import Foundation

// Recorded metrics for `capsim replay`: JSON Lines (one observation per line) or CSV (one
// value per row), read into the same `Observation`s the simulator hands its controllers.
// docs/replay.md describes both formats; values use capsim's units (Sources/CapsimModel/Units.swift).
// Reading is in ReplayReader.swift (+JSONLines, +CSV); the value parsers in ReplayFields.swift.

/// One problem in a metrics file, printed like a compiler error:
/// `metrics.jsonl:14: error: pods[1].cpu_usage: expected a CPU quantity like "250m", got "lots"`.
public struct ReplayProblem: Hashable, Sendable, CustomStringConvertible {
    public let file: String
    /// 1-based line; 0 for a problem with the file as a whole.
    public let line: Int
    /// Where in the line: `pods[1].cpu_usage`, `metrics`, `routes.login.latency_p95`; may be empty.
    public let path: String
    public let message: String

    public init(file: String, line: Int, path: String = "", message: String) {
        self.file = file; self.line = line; self.path = path; self.message = message
    }

    public var description: String {
        (line > 0 ? "\(file):\(line): error: " : "\(file): error: ") + (path.isEmpty ? message : "\(path): \(message)")
    }
}

/// Every problem found in a metrics file (or in its fit to the scenario), in line order, up to
/// `maxProblems`.
public struct ReplayInputError: Error, Sendable, CustomStringConvertible {
    public static let maxProblems = 50
    public let problems: [ReplayProblem]
    /// More problems were found than `maxProblems`; reading stopped there.
    public let truncated: Bool

    public init(problems: [ReplayProblem], truncated: Bool = false) {
        self.problems = problems; self.truncated = truncated
    }

    public var description: String {
        var lines = problems.map(\.description)
        if truncated, let file = problems.first?.file {
            lines.append("\(file): error: too many problems; stopped after the first \(Self.maxProblems)")
        }
        return lines.joined(separator: "\n")
    }
}

/// An observation's time as the file wrote it.
public struct ReplayTime: Hashable, Sendable {
    public enum Form: String, Hashable, Sendable {
        /// `2026-09-11T10:00:00Z` (EAT, +03:00, when no offset is written).
        case iso8601
        /// A number of seconds, used as is.
        case seconds
    }
    /// As written (the output repeats it).
    public let text: String
    public let form: Form
    /// `Observation.time`: seconds since the earliest observation in the file for ISO 8601
    /// times, the number itself for seconds.
    public let seconds: Double
}

/// One recorded observation of one service.
public struct ReplayObservation: Hashable, Sendable {
    /// What the service's controllers are given (`time` is `self.time.seconds`).
    public let observation: Observation
    /// Route-scoped latency for trigger rows with a `route`, by route name.
    public let routeMetrics: [String: [Metric: Double]]
    public let time: ReplayTime
    /// The line it was read from (CSV: the first row of its group).
    public let line: Int

    public init(observation: Observation, routeMetrics: [String: [Metric: Double]] = [:], time: ReplayTime, line: Int) {
        self.observation = observation; self.routeMetrics = routeMetrics; self.time = time; self.line = line
    }

    public var service: String { observation.service }
}

/// A parsed metrics file.
public struct ReplayInput: Sendable {
    public enum Format: String, Hashable, Sendable, CaseIterable {
        case jsonLines = "jsonl"
        case csv
    }

    public let file: String
    public let format: Format
    /// In file order (CSV: in the order of each observation's first row).
    public let observations: [ReplayObservation]

    public init(file: String, format: Format, observations: [ReplayObservation]) {
        self.file = file; self.format = format; self.observations = observations
    }

    /// The services observed, sorted.
    public var services: [String] { Array(Set(observations.map(\.service))).sorted() }

    /// The metrics a service's observation may carry (the metrics a service trigger may watch).
    public static let serviceMetrics = Metric.triggerable(on: .service)

    /// `.csv` → CSV; `.jsonl`, `.ndjson`, `.json` → JSON Lines; otherwise the first line that is
    /// neither blank nor a `#` comment decides: `{` starts JSON Lines, anything else is CSV.
    public static func detectFormat(path: String, text: String) -> Format {
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") { return .csv }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") || lower.hasSuffix(".json") { return .jsonLines }
        for (_, line) in ReplayReader.lines(text) {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty || t.hasPrefix("#") { continue }
            return t.hasPrefix("{") ? .jsonLines : .csv
        }
        return .jsonLines
    }

    /// Reads and parses `path`; the format comes from `format` or `detectFormat`. `checkService`
    /// (see `parse`) lets a caller report unknown services together with the file's other problems.
    public static func load(path: String, format: Format? = nil, checkService: ((String) -> String?)? = nil) throws(ReplayInputError) -> ReplayInput {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ReplayInputError(problems: [ReplayProblem(file: path, line: 0, message: "cannot read the file: \((error as NSError).localizedDescription)")])
        }
        return try parse(text, file: path, format: format, checkService: checkService)
    }

    /// Parses a metrics file's text; `file` names it in messages. Every problem is collected
    /// (up to `ReplayInputError.maxProblems`) and thrown together, in line order.
    /// `checkService` is asked once per service name, at its first line; a message it returns
    /// is a problem there (`Replayer.parse`/`load` pass "not a service of the scenario").
    public static func parse(_ text: String, file: String, format: Format? = nil,
                             checkService: ((String) -> String?)? = nil) throws(ReplayInputError) -> ReplayInput {
        let text = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text   // a byte-order mark from a spreadsheet export
        let format = format ?? detectFormat(path: file, text: text)
        var reader = ReplayReader(file: file)
        reader.checkService = checkService
        switch format {
        case .jsonLines: reader.readJSONLines(text)
        case .csv: reader.readCSV(text)
        }
        let observations = reader.finish()
        if !reader.problems.problems.isEmpty {
            throw ReplayInputError(problems: reader.problems.sorted, truncated: reader.problems.truncated)
        }
        if observations.isEmpty {
            throw ReplayInputError(problems: [ReplayProblem(file: file, line: 0, message: format == .csv
                ? "no observations: expected a header t,service,metric,value[,pod] and rows of values"
                : "no observations: expected one JSON object per line, like {\"t\": \"2026-09-11T10:00:00Z\", \"service\": \"web\", \"replicas\": 3, \"metrics\": {\"cpu_utilization\": \"74%\"}}")])
        }
        return ReplayInput(file: file, format: format, observations: observations)
    }
}
