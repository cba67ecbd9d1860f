import CapsimModel
import Foundation
import GRDB
import Planning
@testable import Simulation
@testable import Store

/// The package root, found from this file's path (Tests/StoreTests/Support.swift).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A fresh folder for one test's database, removed by the caller's `defer`.
func temporaryFolder(_ name: String = #function) throws -> URL {
    let safe = name.filter { $0.isLetter || $0.isNumber }
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-store-\(ProcessInfo.processInfo.processIdentifier)-\(safe)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A bundled scenario file's text and its parsed value.
func bundledScenario(_ relativePath: String) throws -> (text: String, scenario: Scenario) {
    let url = packageRoot.appendingPathComponent(relativePath)
    let text = try String(contentsOf: url, encoding: .utf8)
    return (text, try ScenarioLoader.parse(text, file: relativePath))
}

/// A real simulation: the teaching scenario's holiday surge (two services, an HPA, a queue
/// trigger), long enough to scale, so every part of the result is non-trivial.
func realSimulation(duration: Double = 1800) throws -> (text: String, result: SimulationResult) {
    let (text, scenario) = try bundledScenario("scenarios/teaching/holiday-surge.yaml")
    var options = SimulationOptions(scenario: scenario)
    options.duration = duration
    options.warmup = 0
    return (text, try Simulator(scenario: scenario, options: options).run())
}

/// A real plan with Monte Carlo percentiles and Erlang C sizing (the bundled seed platform).
func realPlan(draws: Int = 500) throws -> (text: String, plan: CapacityPlan) {
    let (text, scenario) = try bundledScenario("scenarios/stan-store-et.yaml")
    return (text, Planner.plan(scenario, horizons: [6, 12], draws: draws))
}

/// A simulation result with `samples` timeline rows built directly (the memberwise
/// initialisers, via `@testable`), with awkward doubles (thirds, tiny and huge values,
/// infinities, integral values) and every optional both set and nil. Summaries come from
/// `base`, a real run, so this file doesn't restate their fields.
func syntheticResult(samples: Int, base: SimulationResult, seed: UInt64 = 42) -> SimulationResult {
    let services = ["api-gateway", "auth-service", "payments-service", "marketplace-service", "rewards-service", "analytics-service"]
    var state = seed | 1
    func next() -> Double {  // xorshift64*: deterministic, no Foundation randomness
        state ^= state >> 12; state ^= state << 25; state ^= state >> 27
        return Double((state &* 2685821657736338717) >> 11) / Double(1 << 53)
    }
    let awkward: [Double] = [0.1, 1.0 / 3, .pi, 1e-300, 1.7976931348623157e308, Double.leastNonzeroMagnitude, 2.0, 0, .infinity, 123_456_789.000_000_1]
    var timeline: [ServiceSample] = []
    timeline.reserveCapacity(samples)
    for i in 0..<samples {
        let t = Double(i / services.count) * 15 + 15
        let hasLatency = i % 7 != 3
        timeline.append(ServiceSample(time: t, service: services[i % services.count], replicas: 2 + i % 9, ready: 2 + i % 7, starting: i % 3,
                                      cpuUtilization: i % 11 == 0 ? awkward[i % awkward.count] : next() * 1.4,
                                      inFlight: i % 500, queueLength: i % 97, arrivalRate: next() * 1e4, throughput: next() * 1e4,
                                      latencyMean: hasLatency ? next() : nil, latencyP50: hasLatency ? next() : nil,
                                      latencyP95: hasLatency ? (i % 13 == 0 ? .infinity : next()) : nil,
                                      latencyP99: hasLatency ? awkward[(i + 3) % awkward.count] : nil,
                                      dropped: i % 5, timedOut: i % 4))
    }
    let routeTimeline = (0..<max(1, samples / 3)).map { i in
        RouteSample(time: Double(i) * 15, route: i % 2 == 0 ? "pay" : "browse", completed: i * 3, latencyP50: i % 5 == 0 ? nil : next(),
                    latencyP99: i % 6 == 0 ? nil : next() * 3)
    }
    let scaling = (0..<max(1, samples / 50)).map { i in
        ScalingEvent(time: Double(i) * 30, service: services[i % services.count], policy: i % 3 == 0 ? "hpa" : "trigger[\(i % 2)] Payment Queue",
                     rule: "rule \(i) with \"quotes\", commas and ünïcode", metricValue: i % 4 == 0 ? nil : next() * 100, window: i % 3 == 0 ? nil : 300,
                     from: i % 10, to: i % 10 + 1, reason: "reason \(i)", alert: i % 5 == 0 ? "page on-call ⚠︎" : nil)
    }
    return SimulationResult(scenario: base.scenario, seed: seed, duration: Double(samples / services.count) * 15, warmup: 60, samplePeriod: 15,
                            currencies: ShownCurrencies(lead: .usd, other: .etb),
                            events: UInt64.max - 7, services: base.services, routes: base.routes, timeline: timeline,
                            routeTimeline: routeTimeline, scaling: scaling)
}

/// Writes a simulation run with plain SQL, as a v1 or v2 capsim would have (the columns of the
/// frozen v1 schema, in order), so upgrade tests don't depend on today's `saveSimulation`.
func insertSimulationByHand(_ db: GRDB.Database, id: Int64, text: String, sim: SimulationResult, summary: String = "made by hand") throws {
    try db.execute(sql: """
        INSERT INTO run (id, kind, scenario_name, scenario_hash, scenario_text, seed, parameters, capsim_version, created_at, summary)
        VALUES (?, 'simulate', ?, ?, ?, ?, '{}', '0.1.0', ?, ?)
        """, arguments: [id, sim.scenario, SHA256.hex(text), text, Int64(bitPattern: sim.seed), createdAt, summary])
    try db.execute(sql: """
        INSERT INTO simulation_result VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """, arguments: [id, sim.duration, sim.warmup, sim.samplePeriod, Int64(bitPattern: sim.events), try ResultsStore.encode(sim.services),
                         try ResultsStore.encode(sim.routes), sim.timeline.count, sim.routeTimeline.count, sim.scaling.count])
    for (i, s) in sim.timeline.enumerated() {
        try db.execute(sql: "INSERT INTO service_sample VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", arguments: [
            id, i, s.time, s.service, s.replicas, s.ready, s.starting, s.cpuUtilization, s.inFlight, s.queueLength, s.arrivalRate, s.throughput,
            s.latencyMean, s.latencyP50, s.latencyP95, s.latencyP99, s.dropped, s.timedOut])
    }
    for (i, r) in sim.routeTimeline.enumerated() {
        try db.execute(sql: "INSERT INTO route_sample VALUES (?, ?, ?, ?, ?, ?, ?)",
                       arguments: [id, i, r.time, r.route, r.completed, r.latencyP50, r.latencyP99])
    }
    for (i, e) in sim.scaling.enumerated() {
        try db.execute(sql: "INSERT INTO scaling_event VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       arguments: [id, i, e.time, e.service, e.policy, e.rule, e.metricValue, e.window, e.from, e.to, e.reason, e.alert])
    }
}
