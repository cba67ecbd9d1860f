import Foundation
import Testing
@testable import Autoscaling
@testable import CapsimModel

// Builders shared by the `capsim replay` tests (ReplayerTests, ReplayInputTests).

/// A small scenario: `services` is the YAML of the `services:` mapping, indented by two spaces.
func replayScenario(_ services: String) throws -> Scenario {
    try ScenarioLoader.parse("""
    capsim: 1
    name: replay-test
    services:
    \(services)
    """, file: "replay-test.yaml")
}

/// One service `web` (100/s per pod, replicas 1–20) with the given `autoscaling:` block body.
func webScenario(_ autoscaling: String, min: Int = 1, max: Int = 20) throws -> Scenario {
    try replayScenario("""
      web:
        peak: 1000/s
        capacity: 100/s
        replicas: {min: \(min), max: \(max)}
        autoscaling:
    \(autoscaling.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n"))
    """)
}

/// Parses `text` as `file` (checking its services against the scenario) and replays it over `scenario`.
func replay(_ scenario: Scenario, _ text: String, file: String = "metrics.jsonl", service: String? = nil) throws(ReplayInputError) -> ReplayResult {
    let replayer = Replayer(scenario: scenario, service: service)
    return try replayer.replay(replayer.parse(text, file: file))
}

/// The problems a bad file produces, as printed (`file:line: error: …`); empty when it parses.
func problems(_ text: String, file: String = "metrics.jsonl") -> [String] {
    do {
        _ = try ReplayInput.parse(text, file: file)
        return []
    } catch {
        return error.problems.map(\.description)
    }
}

/// A JSON Lines observation of `web` at `t` seconds with service-level metrics (JSON values as written).
func webLine(_ t: Double, replicas: Int, _ metrics: [String: String] = [:], service: String = "web") -> String {
    let m = metrics.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ")
    return "{\"t\": \(trim(t)), \"service\": \"\(service)\", \"replicas\": \(replicas), \"metrics\": {\(m)}}"
}

/// A pod as a JSON object.
func podJSON(_ name: String, ready: Bool = true, age: String = "1h", readyFor: String? = nil, request: String = "1000m", usage: String?,
             phase: String? = nil) -> String {
    var fields = ["\"name\": \"\(name)\"", "\"ready\": \(ready)", "\"age\": \"\(age)\""]
    if let phase { fields.append("\"phase\": \"\(phase)\"") }
    if let readyFor { fields.append("\"ready_for\": \"\(readyFor)\"") }
    fields.append("\"cpu_request\": \"\(request)\"")
    if let usage { fields.append("\"cpu_usage\": \"\(usage)\"") }
    return "{" + fields.joined(separator: ", ") + "}"
}

/// A JSON Lines observation with pods.
func podsLine(_ t: Double, replicas: Int, _ pods: [String], service: String = "web") -> String {
    "{\"t\": \(trim(t)), \"service\": \"\(service)\", \"replicas\": \(replicas), \"pods\": [\(pods.joined(separator: ", "))]}"
}

/// Decisions of one policy ("hpa", or a prefix such as "trigger[0]").
func decisions(_ r: ReplayResult, _ policy: String) -> [ReplayedDecision] {
    r.decisions.filter { $0.policy == policy || $0.policy.hasPrefix(policy + " ") }
}

/// A file under Tests/Fixtures/replay/.
func replayFixture(_ name: String) throws -> (path: String, text: String) {
    let path = repositoryRoot.appendingPathComponent("Tests/Fixtures/replay/\(name)").path
    return (path, try String(contentsOfFile: path, encoding: .utf8))
}
