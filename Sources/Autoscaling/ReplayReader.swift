import CapsimModel
import Foundation

// The reader's state and what both formats share: capped problems, times, order checks, pods, finishing.

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
