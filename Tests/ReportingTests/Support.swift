import CapsimModel
import Foundation
import Planning
import Simulation
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Repository root (this file is Tests/ReportingTests/Support.swift).
let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func load(_ yaml: String, overrides: [String] = []) throws -> Scenario {
    try ScenarioLoader.parse(yaml, file: "test.yaml", overrides: overrides)
}

func loadFile(_ relative: String, overrides: [String] = []) throws -> Scenario {
    let text = try String(contentsOf: repoRoot.appendingPathComponent(relative), encoding: .utf8)
    return try ScenarioLoader.parse(text, file: relative, overrides: overrides)
}

func simulate(_ s: Scenario, seed: UInt64? = nil, duration: Double? = nil, warmup: Double? = nil) throws -> SimulationResult {
    var o = SimulationOptions(scenario: s)
    if let seed { o.seed = seed }
    if let duration { o.duration = duration }
    if let warmup { o.warmup = warmup }
    return try Simulator(scenario: s, options: o).run()
}

/// A small two-service platform: a gateway in front of `payments`, whose queue trigger
/// (> `threshold`) and HPA (70 % CPU) scale it; `peak` decides whether it struggles.
func twoServices(name: String = "report-test", payments: String = "payments-service", peak: String = "300/s", replicas: String = "{min: 1, max: 4, initial: 1}",
                 slo: String = "{latency_p95: 500ms}", label: String = "Payment Processing Queue", threshold: Int = 500, start: String? = "2026-09-11T18:00:00+03:00",
                 duration: String = "10m", limit: String = "", description: String = "A small platform for report tests.") -> String {
    """
    capsim: 1
    name: \(yamlQuoted(name))
    description: \(yamlQuoted(description))
    seed: 7
    currency: {etb_per_usd: 155}
    planning:
      horizons: [3]
      growth: 5%
      seasonal_factor: 2.0
      feature_interaction_factor: 1.3
      safety_factor: 2.0..3.0
      draws: 200
    traffic:
      entry: api-gateway
      peak: \(peak)
      surges:
        - {name: evening, at: 3m, duration: 4m, ramp: 30s, multiplier: 2.0}
      routes:
        pay: {share: 100%, path: [api-gateway, \(yamlQuoted(payments))]}
    services:
      api-gateway:
        capacity: {service_time: 2ms, concurrency: 8}
        replicas: {min: 1, max: 4, initial: 1}
        startup: 10s
        cost_per_instance_hour: ETB 1.86
        autoscaling:
          hpa: {metrics: [{metric: cpu_utilization, target: 70%}]}
      \(yamlQuoted(payments)):
        capacity: {service_time: 20ms, concurrency: 4}
        replicas: \(replicas)
        startup: 20s
        slo: \(slo)
        queue: {discipline: per-instance, balancing: least-outstanding\(limit)}
        cost_per_instance_hour: USD 0.012
        autoscaling:
          hpa: {metrics: [{metric: cpu_utilization, target: 70%}]}
          triggers:
            - {label: \(yamlQuoted(label)), metric: queue_length, above: \(threshold), add: 2}
    simulation:
      duration: \(duration)
      warmup: 1m
      sample_period: 15s
    \(start.map { "  start: \"\($0)\"" } ?? "")
    """
}

/// A YAML single-quoted scalar (a quote inside is doubled).
func yamlQuoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }

/// Every chart (`<svg …>…</svg>`) in a page, in order; `icons: true` lists the inline icons
/// (`<svg class="icon"`) instead.
func svgElements(_ html: String, icons: Bool = false) -> [String] {
    var out: [String] = []
    var rest = html[...]
    while let open = rest.range(of: "<svg "), let close = rest[open.lowerBound...].range(of: "</svg>") {
        let svg = String(rest[open.lowerBound..<close.upperBound])
        if svg.hasPrefix("<svg class=\"icon\"") == icons { out.append(svg) }
        rest = rest[close.upperBound...]
    }
    return out
}

/// Parses XML; returns the parser's error, or nil when well-formed. Collects every text node.
final class XMLCheck: NSObject, XMLParserDelegate {
    var text = ""
    var elements: [String] = []
    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        elements.append(elementName)
    }

    static func parse(_ xml: String) -> (error: String?, check: XMLCheck) {
        let p = XMLParser(data: Data(xml.utf8))
        let d = XMLCheck()
        p.delegate = d
        let ok = p.parse()
        return (ok ? nil : (p.parserError.map { "\($0)" } ?? "unknown error") + " at line \(p.lineNumber) column \(p.columnNumber)", d)
    }
}

/// Records an issue for each part missing from `text` (without dumping a whole page into the log).
func expectContains(_ text: String, _ parts: String..., sourceLocation: SourceLocation = #_sourceLocation) {
    for p in parts where !text.contains(p) { Issue.record("missing: \(p)", sourceLocation: sourceLocation) }
}

/// Records an issue for each part present in `text`.
func expectLacks(_ text: String, _ parts: String..., sourceLocation: SourceLocation = #_sourceLocation) {
    for p in parts where text.contains(p) { Issue.record("unexpectedly present: \(p)", sourceLocation: sourceLocation) }
}
