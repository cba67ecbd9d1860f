import CapsimModel
import Foundation

// Recorded metrics for `capsim replay`: JSON Lines (one observation per line) or CSV (one
// value per row), read into the same `Observation`s the simulator hands its controllers.
// docs/replay.md describes both formats; values use capsim's units (Sources/CapsimModel/Units.swift).

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

// MARK: - reading

/// Problems, capped.
struct ProblemList {
    let file: String
    private(set) var problems: [ReplayProblem] = []
    private(set) var truncated = false

    init(file: String) { self.file = file }

    var full: Bool { truncated }

    mutating func add(_ line: Int, _ path: String, _ message: String) {
        guard problems.count < ReplayInputError.maxProblems else { truncated = true; return }
        problems.append(ReplayProblem(file: file, line: line, path: path, message: message))
    }

    /// By line; problems on one line keep the order they were found in.
    var sorted: [ReplayProblem] {
        problems.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element)
    }
}

/// An observation before the file's time origin is known.
struct RawObservation {
    var line: Int
    var timeText: String
    var form: ReplayTime.Form
    var absolute: Double
    var service: String
    var replicas: Int
    var pods: [PodSample]
    var metrics: [Metric: Double]
    var routes: [String: [Metric: Double]]
}

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

/// Reads both formats into `RawObservation`s, checking order as it goes.
struct ReplayReader {
    var problems: ProblemList
    var raw: [RawObservation] = []
    let iso = ISO8601DateFormatter()
    let isoFractional: ISO8601DateFormatter = {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f
    }()
    /// The form of the first valid `t`, and its line: every other must match.
    var firstTime: (form: ReplayTime.Form, line: Int)?
    /// Per service: the latest time seen and its line (order checks).
    var latest: [String: (time: Double, text: String, line: Int)] = [:]
    /// Asked once per service name; a message is a problem at the name's first line.
    var checkService: ((String) -> String?)?
    /// Service names already checked, and whether they passed.
    var checkedServices: [String: Bool] = [:]

    /// Checks a service name at its first appearance; false (and reported) when `checkService` rejects it.
    mutating func known(_ service: String, line: Int) -> Bool {
        if let ok = checkedServices[service] { return ok }
        let message = checkService?(service)
        if let message { problems.add(line, "service", message) }
        checkedServices[service] = message == nil
        return message == nil
    }

    init(file: String) { problems = ProblemList(file: file) }

    static let topKeys = ["t", "service", "replicas", "pods", "metrics", "routes"]
    static let podKeys = ["name", "ready", "age", "ready_for", "cpu_request", "cpu_usage"]

    /// Lines of `text`, 1-based; `\n` or `\r\n` ends a line (Swift reads `\r\n` as one Character).
    static func lines(_ text: String) -> [(Int, Substring)] {
        text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated().map { ($0 + 1, $1) }
    }

    static func skippable(_ line: Substring) -> Bool {
        let t = line.trimmingCharacters(in: .whitespaces)
        return t.isEmpty || t.hasPrefix("#")
    }

    /// Parses `t`; checks that its form matches the file's first. Reports and returns nil on a problem.
    mutating func time(_ text: String, shown: String, line: Int, path: String) -> (Double, ReplayTime.Form)? {
        guard let (v, form) = ReplayFields.time(text, iso: iso, isoFractional: isoFractional) else {
            problems.add(line, path, "\(ReplayFields.timeExpected), got \(shown)")
            return nil
        }
        if let first = firstTime, first.form != form {
            let want = first.form == .iso8601 ? "an ISO 8601 time" : "a number of seconds"
            problems.add(line, path, "expected \(want) like the first observation's (line \(first.line)), got \(shown); one file uses one form")
            return nil
        }
        if firstTime == nil { firstTime = (form, line) }
        return (v, form)
    }

    // MARK: JSON Lines

    mutating func readJSONLines(_ text: String) {
        for (n, line) in Self.lines(text) where !Self.skippable(line) {
            if problems.full { return }
            readJSONLine(line, n)
        }
    }

    mutating func readJSONLine(_ line: Substring, _ n: Int) {
        let value: JSONValue
        do {
            value = try JSONLineParser.parse(line)
        } catch {
            problems.add(n, "", "invalid JSON at column \(error.column): \(error.message)")
            return
        }
        guard case .object(let members) = value else {
            problems.add(n, "", "expected one observation as a JSON object like {\"t\": …, \"service\": …, \"replicas\": …}, got \(value.shown)")
            return
        }
        let before = problems.problems.count
        var timeText: String?, timeValue: (Double, ReplayTime.Form)?, service: String?, replicas: Int?
        var pods: [PodSample] = [], metrics: [Metric: Double] = [:], routes: [String: [Metric: Double]] = [:]
        var seen = Set<String>()
        for (key, v) in members {
            seen.insert(key)
            switch key {
            case "t":
                let text = v.scalarText ?? ""
                timeText = text
                timeValue = time(text, shown: v.shown, line: n, path: "t")
            case "service":
                if case .string(let s) = v, !s.trimmingCharacters(in: .whitespaces).isEmpty {
                    if known(s, line: n) { service = s }
                } else {
                    problems.add(n, "service", "expected the service's name as in the scenario, got \(v.shown)")
                }
            case "replicas":
                switch ReplayFields.replicas(v.scalarText ?? "", shown: v.shown) {
                case .success(let r): replicas = r
                case .failure(let m): problems.add(n, "replicas", m.text)
                }
            case "pods":
                if v.isNull { continue }
                guard case .array(let items) = v else { problems.add(n, "pods", "expected a list of pods, got \(v.shown)"); continue }
                pods = readPods(items, n)
            case "metrics":
                if v.isNull { continue }
                guard case .object(let ms) = v else {
                    problems.add(n, "metrics", "expected an object of metric values like {\"latency_p99\": \"820ms\", \"queue_length\": 40}, got \(v.shown)")
                    continue
                }
                metrics = readMetrics(ms, n, path: "metrics", latencyOnly: false)
            case "routes":
                if v.isNull { continue }
                guard case .object(let rs) = v else {
                    problems.add(n, "routes", "expected an object of route-scoped latency like {\"login\": {\"latency_p95\": \"620ms\"}}, got \(v.shown)")
                    continue
                }
                for (route, rv) in rs {
                    let path = "routes.\(route)"
                    guard case .object(let ms) = rv else {
                        problems.add(n, path, "expected an object of latency values like {\"latency_p95\": \"620ms\"}, got \(rv.shown)")
                        continue
                    }
                    let m = readMetrics(ms, n, path: path, latencyOnly: true)
                    if !m.isEmpty { routes[route] = m }
                }
            default:
                problems.add(n, "", ReplayFields.unknownKey(key, among: Self.topKeys))
            }
        }
        if !seen.contains("t") { problems.add(n, "", "missing \"t\": the observation's time (ISO 8601 or seconds)") }
        if !seen.contains("service") { problems.add(n, "", "missing \"service\": the service's name as in the scenario") }
        if !seen.contains("replicas") { problems.add(n, "", "missing \"replicas\": the current replica count (spec.replicas)") }
        // The order is checked whenever the time and service are known, even if the line has other problems.
        guard let timeText, let (absolute, form) = timeValue, let service,
              checkOrder(service: service, time: absolute, text: timeText, line: n, sameTimeIsDuplicate: true),
              problems.problems.count == before, !problems.full, let replicas else { return }
        raw.append(RawObservation(line: n, timeText: timeText, form: form, absolute: absolute, service: service, replicas: replicas,
                                  pods: pods, metrics: metrics, routes: routes))
    }

    /// Each service's observations must go forward in time. JSON Lines: a second observation
    /// of a service at the same time is a duplicate. CSV: rows at the same time join one
    /// observation, so only going back is an error.
    mutating func checkOrder(service: String, time: Double, text: String, line: Int, sameTimeIsDuplicate: Bool) -> Bool {
        if let last = latest[service] {
            if time < last.time {
                problems.add(line, "t", "\(text) is earlier than \(last.text) on line \(last.line): the observations of \(service) must be in time order")
                return false
            }
            if time == last.time && sameTimeIsDuplicate {
                problems.add(line, "t", "a second observation of \(service) at \(text) (line \(last.line) has the first)")
                return false
            }
        }
        if latest[service].map({ time > $0.time }) ?? true { latest[service] = (time, text, line) }
        return true
    }

    mutating func readMetrics(_ members: [(key: String, value: JSONValue)], _ n: Int, path: String, latencyOnly: Bool) -> [Metric: Double] {
        var out: [Metric: Double] = [:]
        for (name, v) in members {
            guard let metric = ReplayFields.serviceMetric(name) else {
                problems.add(n, path, ReplayFields.unknownMetric(name))
                continue
            }
            if latencyOnly && !metric.isLatency {
                problems.add(n, "\(path).\(name)", "only latency (latency_mean, latency_p50, latency_p90, latency_p95, latency_p99) is scoped to a route")
                continue
            }
            if v.isNull { continue }   // absent: a missing metric
            let text = v.scalarText ?? ""
            switch ReplayFields.metric(metric, text, shown: v.shown) {
            case .success(let x): out[metric] = x
            case .failure(let m): problems.add(n, "\(path).\(name)", m.text)
            }
        }
        return out
    }

    mutating func readPods(_ items: [JSONValue], _ n: Int) -> [PodSample] {
        var out: [PodSample] = []
        var names: [String: Int] = [:]
        for (i, item) in items.enumerated() {
            let path = "pods[\(i)]"
            guard case .object(let fields) = item else {
                problems.add(n, path, "expected a pod like {\"name\": \"p0\", \"ready\": true, \"age\": \"10m\", \"cpu_request\": \"250m\", \"cpu_usage\": \"310m\"}, got \(item.shown)")
                continue
            }
            var pod = PodFields()
            var ok = true
            for (key, v) in fields {
                let p = "\(path).\(key)"
                if !Self.podKeys.contains(key) { problems.add(n, path, ReplayFields.unknownKey(key, among: Self.podKeys)); ok = false; continue }
                if v.isNull && (key == "cpu_usage" || key == "ready_for") { continue }
                switch key {
                case "name":
                    if case .string(let s) = v, !s.isEmpty { pod.name = s } else { problems.add(n, p, "expected the pod's name, got \(v.shown)"); ok = false }
                case "ready":
                    if case .bool(let b) = v { pod.ready = b } else { problems.add(n, p, "expected true or false, got \(v.shown)"); ok = false }
                default:
                    ok = pod.set(key, text: v.scalarText ?? "", shown: v.shown) { problems.add(n, p, $0) } && ok
                }
            }
            let given = Set(fields.map(\.key))
            for key in ["name", "ready", "age", "cpu_request"] where !given.contains(key) {
                problems.add(n, path, "missing \"\(key)\"" + (key == "cpu_request" ? " (the pod's CPU request, like \"250m\")" : ""))
                ok = false
            }
            if let name = pod.name {
                if let first = names[name] { problems.add(n, "\(path).name", "a second pod named \(quoted(name)) (pods[\(first)] has the first)"); ok = false }
                names[name] = names[name] ?? i
            }
            if ok, let sample = pod.sample { out.append(sample) }
        }
        return out
    }

    // MARK: CSV

    static let csvColumns = ["t", "service", "metric", "value", "pod"]
    static let podMetrics = ["cpu_usage", "cpu_request", "ready", "age", "ready_for"]

    /// One CSV observation under construction: the rows sharing (service, t).
    struct Group {
        var line: Int
        var timeText: String
        var form: ReplayTime.Form
        var absolute: Double
        var service: String
        var replicas: Int?
        var metrics: [Metric: Double] = [:]
        var routes: [String: [Metric: Double]] = [:]
        /// The line of the first row of each field ("replicas", "latency_p99", "routes.login.latency_p95", "pods[p0].age").
        var rows: [String: Int] = [:]
        var podOrder: [String] = []
        var pods: [String: PodFields] = [:]
        var bad = false
    }

    /// RFC 4180 fields of one line; nil when a quoted field is not closed.
    static func csvFields(_ line: Substring) -> [String]? {
        var fields: [String] = []
        var field = ""
        var quotedField = false, inQuotes = false
        var it = Array(line)[...]
        while let c = it.popFirst() {
            if inQuotes {
                if c == "\"" {
                    if it.first == "\"" { field.append("\""); it.removeFirst() } else { inQuotes = false }
                } else {
                    field.append(c)
                }
            } else if c == "\"" && field.trimmingCharacters(in: .whitespaces).isEmpty {
                inQuotes = true; quotedField = true; field = ""
            } else if c == "," {
                fields.append(quotedField ? field : field.trimmingCharacters(in: .whitespaces))
                field = ""; quotedField = false
            } else {
                field.append(c)
            }
        }
        if inQuotes { return nil }
        fields.append(quotedField ? field : field.trimmingCharacters(in: .whitespaces))
        return fields
    }

    mutating func readCSV(_ text: String) {
        var header: [String]?
        var groups: [Group] = []
        var index: [String: [Double: Int]] = [:]
        for (n, line) in Self.lines(text) where !Self.skippable(line) {
            if problems.full { break }
            guard let fields = Self.csvFields(line) else { problems.add(n, "", "a quoted field is never closed (a value cannot span lines)"); continue }
            guard let columns = header else {
                let names = fields.map { $0.lowercased() }
                if names == Array(Self.csvColumns.prefix(4)) || names == Self.csvColumns {
                    header = names
                } else {
                    problems.add(n, "", "expected the header t,service,metric,value or t,service,metric,value,pod, got \(quoted(String(line)))")
                    return
                }
                continue
            }
            guard fields.count == columns.count || (columns.count == 5 && fields.count == 4) else {
                problems.add(n, "", "expected \(columns.count) fields (\(columns.joined(separator: ","))), got \(fields.count)")
                continue
            }
            let (tText, service, metric, value) = (fields[0], fields[1], fields[2], fields[3])
            let pod = fields.count == 5 ? fields[4] : ""
            var rowOK = true
            if service.isEmpty { problems.add(n, "service", "expected the service's name as in the scenario, got \"\""); rowOK = false }
            else if !known(service, line: n) { rowOK = false }
            if metric.isEmpty { problems.add(n, "metric", "expected a metric name, \"replicas\", or a pod field (with a pod), got \"\""); rowOK = false }
            guard let (absolute, form) = time(tText, shown: quoted(tText), line: n, path: "t"), rowOK else { continue }
            guard checkOrder(service: service, time: absolute, text: tText, line: n, sameTimeIsDuplicate: false) else { continue }
            let gi: Int
            if let i = index[service]?[absolute] {
                gi = i
            } else {
                gi = groups.count
                groups.append(Group(line: n, timeText: tText, form: form, absolute: absolute, service: service))
                index[service, default: [:]][absolute] = gi
            }
            readCSVRow(&groups[gi], n, metric: metric, value: value, pod: pod)
        }
        for g in groups { finishGroup(g) }
    }

    mutating func readCSVRow(_ g: inout Group, _ n: Int, metric: String, value: String, pod: String) {
        let shown = quoted(value)
        func claim(_ key: String, _ what: String) -> Bool {
            if let first = g.rows[key] {
                problems.add(n, key, "a second \(what) row for \(g.service) at \(g.timeText) (line \(first) has the first)")
                g.bad = true
                return false
            }
            g.rows[key] = n
            return true
        }
        func fail(_ path: String, _ message: String) { problems.add(n, path, message); g.bad = true }

        if !pod.isEmpty {
            let key = "pods[\(pod)].\(metric)"
            guard Self.podMetrics.contains(metric) else {
                let hint = ReplayFields.suggestion(metric, among: Self.podMetrics).map { "; did you mean \(quoted($0))?" }
                    ?? " (a pod row gives one of \(Self.podMetrics.joined(separator: ", ")))"
                fail("pods[\(pod)]", "unknown pod field \(quoted(metric))\(hint)")
                return
            }
            guard claim(key, "\(metric) of pod \(pod)") else { return }
            if g.pods[pod] == nil { g.podOrder.append(pod); g.pods[pod] = PodFields(name: pod, firstLine: n) }
            if metric == "ready" {
                switch ReplayFields.bool(value, shown: shown) {
                case .success(let b): g.pods[pod]!.ready = b
                case .failure(let m): fail(key, m.text)
                }
            } else if !g.pods[pod]!.set(metric, text: value, shown: shown, report: { fail(key, $0) }) {
                g.bad = true
            }
            return
        }
        if metric == "replicas" {
            guard claim("replicas", "replicas") else { return }
            switch ReplayFields.replicas(value, shown: shown) {
            case .success(let r): g.replicas = r
            case .failure(let m): fail("replicas", m.text)
            }
            return
        }
        if Self.podMetrics.contains(metric) {
            fail(metric, "\(metric) is a pod's field: give the pod's name in the pod column")
            return
        }
        var route: String?
        var name = metric
        if metric.hasPrefix("routes.") {
            let rest = metric.dropFirst("routes.".count)
            guard let dot = rest.lastIndex(of: "."), dot != rest.startIndex else {
                fail(metric, "expected routes.ROUTE.METRIC, like routes.login.latency_p95")
                return
            }
            route = String(rest[..<dot])
            name = String(rest[rest.index(after: dot)...])
        }
        guard let m = ReplayFields.serviceMetric(name) else {
            fail(route.map { "routes.\($0)" } ?? "metric", ReplayFields.unknownMetric(name))
            return
        }
        if route != nil && !m.isLatency {
            fail(metric, "only latency (latency_mean, latency_p50, latency_p90, latency_p95, latency_p99) is scoped to a route")
            return
        }
        guard claim(metric, metric) else { return }
        if value.isEmpty { return }   // an empty value: the metric is missing at this time
        switch ReplayFields.metric(m, value, shown: shown) {
        case .success(let v):
            if let route { g.routes[route, default: [:]][m] = v } else { g.metrics[m] = v }
        case .failure(let msg):
            fail(metric, msg.text)
        }
    }

    mutating func finishGroup(_ g: Group) {
        var ok = !g.bad
        if g.rows["replicas"] == nil {
            problems.add(g.line, "", "no replicas row for \(g.service) at \(g.timeText): every observation needs the current replica count")
            ok = false
        }
        var pods: [PodSample] = []
        for name in g.podOrder {
            let pod = g.pods[name]!
            let missing = ["ready", "age", "cpu_request"].filter { g.rows["pods[\(name)].\($0)"] == nil }
            if !missing.isEmpty {
                problems.add(pod.firstLine, "pods[\(name)]", "no \(orList(missing)) row for pod \(name) at \(g.timeText): a pod needs ready, age and cpu_request")
                ok = false
            }
            if let s = pod.sample { pods.append(s) }
        }
        guard ok, let replicas = g.replicas else { return }
        raw.append(RawObservation(line: g.line, timeText: g.timeText, form: g.form, absolute: g.absolute, service: g.service, replicas: replicas,
                                  pods: pods, metrics: g.metrics, routes: g.routes))
    }

    // MARK: finishing

    /// Observations with their final times: ISO 8601 times become seconds since the earliest.
    func finish() -> [ReplayObservation] {
        let origin = raw.filter { $0.form == .iso8601 }.map(\.absolute).min() ?? 0
        return raw.map { r in
            let seconds = r.form == .iso8601 ? r.absolute - origin : r.absolute
            let time = ReplayTime(text: r.timeText, form: r.form, seconds: seconds)
            return ReplayObservation(observation: Observation(time: seconds, service: r.service, replicas: r.replicas, pods: r.pods, metrics: r.metrics),
                                     routeMetrics: r.routes, time: time, line: r.line)
        }
    }
}

/// A pod's fields as they are read (either format).
struct PodFields {
    var name: String?
    var firstLine = 0
    var ready: Bool?
    var age: Double?
    var readyFor: Double?
    var cpuRequest: Double?
    var cpuUsage: Double?

    init(name: String? = nil, firstLine: Int = 0) { self.name = name; self.firstLine = firstLine }

    /// Sets `age`, `ready_for`, `cpu_request` or `cpu_usage` from text; reports and returns
    /// false on a bad value. (`name` and `ready` are set by the caller.)
    mutating func set(_ key: String, text: String, shown: String, report: (String) -> Void) -> Bool {
        switch key {
        case "age", "ready_for":
            switch ReplayFields.duration(text, shown: shown) {
            case .success(let d): if key == "age" { age = d } else { readyFor = d }
            case .failure(let m): report(m.text); return false
            }
        case "cpu_request", "cpu_usage":
            switch ReplayFields.cpu(text, shown: shown) {
            case .success(let c): if key == "cpu_request" { cpuRequest = c } else { cpuUsage = c }
            case .failure(let m): report(m.text); return false
            }
        default:
            report("unknown pod field \(quoted(key))"); return false
        }
        return true
    }

    var sample: PodSample? {
        guard let name, let ready, let age, let cpuRequest else { return nil }
        return PodSample(name: name, ready: ready, age: age, readyFor: readyFor, cpuRequest: cpuRequest, cpuUsage: cpuUsage)
    }
}
