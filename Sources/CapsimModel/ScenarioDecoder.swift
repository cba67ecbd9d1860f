import Foundation
import Yams

// The top level: what a scenario is made of. Each section's decoding is in ScenarioDecoder+<section>.swift.

/// Decodes a scenario's node tree into model values, expanding shorthands as it goes
/// (`service_time: 20ms` → exponential; `replicas: 3` → min = max = initial = 3;
/// `safety_factor: 2.0..3.0` → a range) and filling absent keys from `Defaults`.
/// Cross-references and contradictions are checked afterwards by `ScenarioValidator`.
struct ScenarioDecoder {
    let r: YAMLReader

    func scenario(_ root: Node) -> Scenario? {
        guard let o = Obj(r, root, "", kind: "scenario", required: ["capsim", "name", "services"]) else { return nil }
        let version = o.int("capsim")
        if let v = version, v != ScenarioFormat.version {
            r.error(o.sub("capsim"), "unsupported format version \(v); this capsim reads version \(ScenarioFormat.version)")
        }
        let platform = o["platform"].flatMap { Obj(r, $0, "platform", kind: "platform") }
        var plat = Platform(dailyActiveUsers: platform?.count("dau"), peak: platform?.rate("peak"),
                            nodeCPU: platform?.cpu("node_cpu") ?? Defaults.nodeCPU)
        if let platform {
            plat.zones = stringList(platform, "zones")
            plat.survivesZones = platform["survives"].flatMap { Obj(r, $0, "platform.survives", kind: "survives", required: ["zones"]) }?.int("zones")
        }
        // Before traffic: a surge written as a clock time is placed from simulation.start.
        let simulation = simulation(o["simulation"])
        let traffic = o["traffic"].flatMap { self.traffic($0, platformPeak: plat.peak, run: simulation) }
        var services: [String: Service] = [:]
        for (name, node, path) in o.named("services") ?? [] {
            if let s = service(name, node, path, traffic: traffic, nodeCPU: plat.nodeCPU) { services[name] = s }
        }
        var databases: [String: Database] = [:]
        for (name, node, path) in o.named("databases") ?? [] {
            if let d = database(name, node, path) { databases[name] = d }
        }
        var dependencies: [String: Dependency] = [:]
        for (name, node, path) in o.named("dependencies") ?? [] {
            guard let d = Obj(r, node, path, kind: "dependency", required: ["latency"]) else { continue }
            guard let latency = d["latency"].flatMap({ serviceTime($0, d.sub("latency")) }) else { continue }
            dependencies[name] = Dependency(name: name, latency: latency, errorRate: d.percent("error_rate") ?? 0, concurrency: d.int("concurrency"))
        }
        var seasons: [String: Season] = [:]
        for (name, node, path) in o.named("seasons") ?? [] {
            guard let s = Obj(r, node, path, kind: "season", required: ["holidays", "multiplier"]) else { continue }
            seasons[name] = Season(name: name, holidays: stringList(s, "holidays"), multiplier: s.number("multiplier") ?? 1,
                                   services: stringList(s, "services"), shift: s.duration("shift") ?? 0)
        }
        let faults = faults(o) { services[$0]?.startupDelay ?? Defaults.startupDelay }
        let money = currency(o["currency"], services: services, databases: databases, faults: faults)
        var scenario = Scenario(
            version: version ?? ScenarioFormat.version,
            name: o["name"].flatMap { scalarText(r, $0, o.sub("name"), what: "the scenario's name") } ?? "",
            description: o.string("description") ?? "",
            seed: o.parse("seed", "a non-negative whole number", "\"42\"") { UInt64($0) } ?? Defaults.seed,
            platform: plat,
            currency: money,
            planning: planning(o["planning"]),
            services: services,
            traffic: traffic,
            eventBus: o["event_bus"].flatMap(eventBus),
            databases: databases,
            cdn: o["cdn"].flatMap(cdn),
            seasons: seasons,
            simulation: simulation,
            expectations: o.items("expect") { expectation($0, $1, currency: money) } ?? [],
            dependencies: dependencies,
            sweep: o["sweep"].flatMap(sweep))
        scenario.faults = faults
        scenario.clients = o["clients"].flatMap(clients)
        return scenario
    }

    func simulation(_ node: Node?) -> SimulationSettings {
        let o = node.flatMap { Obj(r, $0, "simulation", kind: "simulation") }
        return SimulationSettings(duration: o?.duration("duration") ?? Defaults.simulationDuration, warmup: o?.duration("warmup") ?? 0,
                                  samplePeriod: o?.duration("sample_period") ?? Defaults.samplePeriod, start: o?.string("start"),
                                  replications: o?.int("replications") ?? 1)
    }

    func stringList(_ o: Obj, _ key: String) -> [String] {
        o.items(key) { scalarText(r, $0, $1) } ?? []
    }
}
