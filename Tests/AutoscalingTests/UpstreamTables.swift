import Foundation
@testable import Autoscaling
@testable import CapsimModel

// The loader for Tests/Fixtures/hpa-upstream/*.json: upstream's own test tables
// (kubernetes/kubernetes replica_calculator_test.go and horizontal_test.go, kedacore/keda's Kafka
// scaler tests), each row written as a one-service scenario plus `capsim replay` observations.
// docs/hpa-reference.md "Upstream's tables" lists what was ported and what could not be.

/// A JSON value as the corpus holds it; re-emitted as JSON text (the HPA block inside the scenario's
/// YAML, each observation as one JSON Lines record), so the corpus reaches capsim through the same
/// readers `capsim replay` uses.
indirect enum CorpusJSON: Decodable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([CorpusJSON])
    case object([String: CorpusJSON])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([CorpusJSON].self) { self = .array(a) }
        else { self = .object(try c.decode([String: CorpusJSON].self)) }
    }

    /// Compact JSON text, keys sorted (stable across runs).
    var text: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : "\(d)"
        case .string(let s): return Self.quote(s)
        case .array(let a): return "[" + a.map(\.text).joined(separator: ", ") + "]"
        case .object(let o): return "{" + o.keys.sorted().map { Self.quote($0) + ": " + o[$0]!.text }.joined(separator: ", ") + "}"
        }
    }

    subscript(key: String) -> CorpusJSON? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    var int: Int? { if case .int(let i) = self { return i }; return nil }
    var string: String? { if case .string(let s) = self { return s }; return nil }
    var array: [CorpusJSON]? { if case .array(let a) = self { return a }; return nil }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}

/// One row of an upstream table.
struct UpstreamCase: Sendable {
    let name: String
    let upstream: String
    /// The scenario's `autoscaling.hpa` block, as JSON (which is YAML flow syntax).
    let hpa: CorpusJSON
    let min: Int, max: Int, initial: Int
    /// JSON Lines observation records of service `svc`.
    let observations: [CorpusJSON]
    /// The desired count at the last observation's HPA decision; nil when only `rule` is checked.
    let desired: Int?
    /// The decision's rule (`no-metrics` for an upstream case that expects an error); nil when not checked.
    let rule: String?
    let note: String?

    /// The case as its upstream test's name and file, for failure messages.
    var title: String { "\(name) [\(upstream)]" }

    /// The one-service scenario, as YAML text for the loader `capsim replay --scenario` uses.
    var scenarioYAML: String {
        """
        capsim: 1
        name: upstream-table
        services:
          svc:
            peak: 1000/s
            capacity: 100/s
            replicas: {min: \(min), max: \(max), initial: \(initial)}
            autoscaling:
              hpa: \(hpa.text)
        """
    }

    /// The observations as a JSON Lines recording.
    var recording: String { observations.map(\.text).joined(separator: "\n") + "\n" }
}

enum UpstreamTables {
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    static func directory() -> URL {
        repositoryRoot.appendingPathComponent("Tests/Fixtures/hpa-upstream")
    }

    /// Reads one corpus file (a JSON array of cases).
    static func load(_ file: String) throws -> [UpstreamCase] {
        let data = try Data(contentsOf: directory().appendingPathComponent(file))
        let rows = try JSONDecoder().decode([CorpusJSON].self, from: data)
        return try rows.enumerated().map { i, row in
            func need<T>(_ v: T?, _ what: String) throws -> T {
                guard let v else { throw Malformed(description: "\(file) case \(i): missing or mistyped \(what)") }
                return v
            }
            let name = try need(row["name"]?.string, "name")
            let replicas = try need(row["replicas"], "replicas")
            let expect = try need(row["expect"], "expect")
            let desired = expect["desired"]?.int, rule = expect["rule"]?.string
            if desired == nil && rule == nil { throw Malformed(description: "\(file) case \(name): expect needs desired or rule") }
            let observations = try need(row["observations"]?.array, "observations")
            if observations.isEmpty { throw Malformed(description: "\(file) case \(name): no observations") }
            return UpstreamCase(name: name, upstream: try need(row["upstream"]?.string, "upstream"), hpa: try need(row["hpa"], "hpa"),
                                min: try need(replicas["min"]?.int, "replicas.min"), max: try need(replicas["max"]?.int, "replicas.max"),
                                initial: try need(replicas["initial"]?.int, "replicas.initial"),
                                observations: observations, desired: desired, rule: rule, note: row["note"]?.string)
        }
    }

    /// Runs one case through `Replayer` exactly as `capsim replay` does (scenario text → loader,
    /// recording → `Replayer.parse`, then `Replayer.replay`) and returns nil when the last HPA
    /// decision matches, else why not.
    static func mismatch(_ c: UpstreamCase) -> String? {
        let scenario: Scenario
        do {
            scenario = try ScenarioLoader.parse(c.scenarioYAML, file: "upstream-case.yaml")
        } catch {
            return "the scenario does not load: \(error.description.replacingOccurrences(of: "\n", with: "; "))"
        }
        let replayer = Replayer(scenario: scenario, service: "svc")
        let result: ReplayResult
        do {
            result = try replayer.replay(replayer.parse(c.recording, file: "upstream-case.jsonl"))
        } catch {
            return "the observations do not parse: " + error.problems.map(\.description).joined(separator: "; ")
        }
        let hpa = result.decisions.filter { $0.policy == "hpa" }
        guard let last = hpa.last else { return "no HPA decision at all" }
        if last.line != c.observations.count {
            return "the last observation (line \(c.observations.count)) was not reconciled (the last decision is at line \(last.line))"
        }
        let d = last.decision
        var wrong: [String] = []
        if let desired = c.desired, d.desired != desired { wrong.append("desired \(desired)") }
        if let rule = c.rule, d.rule != rule { wrong.append("rule \(rule)") }
        if wrong.isEmpty { return nil }
        return "upstream expects \(wrong.joined(separator: " and ")); capsim decided \(d.current) → \(d.desired) (rule \(d.rule): \(d.reason))"
    }
}
