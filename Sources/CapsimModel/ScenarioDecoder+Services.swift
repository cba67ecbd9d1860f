import Foundation
import Yams

// A service: its capacity and service time (an empirical histogram included), resources, replicas.

extension ScenarioDecoder {
    func service(_ name: String, _ node: Node, _ path: String, traffic: Traffic?, nodeCPU: CPU) -> Service? {
        guard let o = Obj(r, node, path, kind: "service", required: ["capacity", "replicas"]) else { return nil }
        _ = o.text("description")
        let capacity = o["capacity"].flatMap { self.capacity($0, o.sub("capacity")) }
            ?? Capacity(rps: 1, concurrency: 1, serviceTime: .exponential(mean: 1), rpsGiven: true)
        let resources = o["resources"].flatMap { self.resources($0, o.sub("resources")) } ?? Resources(requests: Defaults.requests, limits: Defaults.limits)
        var peak = o["peak"].flatMap { uncertain($0, o.sub("peak"), parse: { Rate(parsing: $0)?.perSecond }, what: "a rate", example: "\"2k/s\" or \"1k/s..3k/s\"") }
        let derived = peak == nil
        if peak == nil, let t = traffic {
            // In route-name order: floating-point sums depend on order, dictionaries' does not hold.
            // A call made with probability p carries p of its route's share (retries not counted).
            let visits = t.routeNames.reduce(0.0) { acc, rn in
                acc + t.routes[rn]!.share * t.routes[rn]!.steps.flatMap(\.calls).filter { $0.service == name }.reduce(0.0) { $0 + $1.probability }
            }
            if visits > 0 { peak = Uncertain(t.peak * visits) }
        }
        if peak == nil && !o.has("peak") {
            r.error(at: node.mark, o.sub("peak"), "missing: write the service's current peak like \"2k/s\", or declare traffic.routes that reach it")
        }
        let planningObj = o["planning"].flatMap { Obj(r, $0, o.sub("planning"), kind: "factors") }
        var slo: SLO?
        if let sn = o["slo"], let so = Obj(r, sn, o.sub("slo"), kind: "slo") {
            if so.keys.count != 1 { r.error(at: sn.mark, o.sub("slo"), "expected exactly one latency objective, like {latency_p99: 500ms}") }
            if let k = so.keys.first, let m = Metric(rawValue: k), let v = so.duration(k) { slo = SLO(metric: m, threshold: v) }
        }
        var queue = Defaults.queue
        if let qn = o["queue"], let q = Obj(r, qn, o.sub("queue"), kind: "queue") {
            queue = QueueSettings(discipline: q.choice("discipline", QueueDiscipline.self) ?? Defaults.queue.discipline,
                                  balancing: q.choice("balancing", LoadBalancing.self) ?? Defaults.queue.balancing,
                                  limit: q.int("limit"), timeout: q.duration("timeout"))
        }
        return Service(
            name: name,
            peak: peak ?? Uncertain(0),
            peakDerived: derived,
            capacity: capacity,
            // A saturated instance (every slot busy) uses all the CPU it may: its limit, else its
            // node's spare CPU — as a CPU-bound server does (calibrate measured one at ≈ 1 core on
            // its one core). Utilisation is reported against the request, so with the seed's
            // 250m/500m a saturated pod reads 200 %; a limit equal to the request reads 100 %.
            cpuPerRequest: o.duration("cpu_per_request") ?? (resources.cpuCeiling(node: nodeCPU).millicores / 1000 / max(capacity.rps, 1e-9)),
            resources: resources,
            replicas: o["replicas"].flatMap { replicas($0, o.sub("replicas")) } ?? Replicas(min: 1, max: 1, initial: 1),
            startupDelay: o.duration("startup") ?? Defaults.startupDelay,
            slo: slo,
            costPerInstanceHour: o.money("cost_per_instance_hour"),
            queue: queue,
            autoscaling: o["autoscaling"].flatMap { autoscaling($0, o.sub("autoscaling")) } ?? Autoscaling(hpa: nil, triggers: []),
            database: o.string("database"),
            cache: o["cache"].flatMap { Obj(r, $0, o.sub("cache"), kind: "cache", required: ["hit_ratio"]) }.map { CacheSettings(hitRatio: $0.percent("hit_ratio") ?? 0) },
            queriesPerRequest: o.number("queries_per_request") ?? Defaults.queriesPerRequest,
            publishes: o.items("publishes") { n, p in
                guard let po = Obj(r, n, p, kind: "publication", required: ["topic"]) else { return nil }
                return Publication(topic: po.string("topic") ?? "", perRequest: po.number("per_request") ?? 1)
            } ?? [],
            jobs: o.items("jobs") { n, p in
                guard let jo = Obj(r, n, p, kind: "job", required: ["every", "work"]) else { return nil }
                return PeriodicJob(every: jo.duration("every") ?? 0, work: jo.duration("work") ?? 0)
            } ?? [],
            factors: factors(planningObj, defaults: nil).withOverridesOnly(planningObj))
    }

    func capacity(_ node: Node, _ path: String) -> Capacity? {
        if case .scalar = node {
            guard let rps = parseScalar(r, node, path, "a rate, or {service_time, concurrency}", Rate.example, { Rate(parsing: $0)?.perSecond }) else { return nil }
            return Capacity(rps: rps, concurrency: 1, serviceTime: .exponential(mean: 1 / max(rps, 1e-12)), rpsGiven: true)
        }
        guard let o = Obj(r, node, path, kind: "capacity") else { return nil }
        let conc = o.int("concurrency") ?? Defaults.concurrency
        let st = o["service_time"].flatMap { serviceTime($0, o.sub("service_time")) }
        if let rps = o.rate("rps") {
            if st != nil { r.error(o.sub("rps"), "give either rps or service_time, not both: capacity is derived from service_time × concurrency") }
            return Capacity(rps: rps, concurrency: conc, serviceTime: .exponential(mean: Double(conc) / max(rps, 1e-12)), rpsGiven: true)
        }
        guard let st else {
            if !o.has("service_time") { r.error(at: node.mark, path, "expected rps or service_time") }
            return nil
        }
        return Capacity(rps: Double(conc) / max(st.mean, 1e-12), concurrency: conc, serviceTime: st, rpsGiven: false)
    }

    func serviceTime(_ node: Node, _ path: String) -> ServiceTime? {
        if case .scalar = node {
            return parseScalar(r, node, path, "a duration (exponential mean) or {distribution, ...}", Duration.example) {
                Duration(parsing: $0).map { .exponential(mean: $0.seconds) }
            }
        }
        guard let o = Obj(r, node, path, kind: "service_time", required: ["distribution"]) else { return nil }
        let kinds = ["exponential", "deterministic", "lognormal", "gamma", "erlang", "empirical"]
        guard let d = o.string("distribution") else { return nil }
        let uses: [String: [String]] = ["exponential": ["mean"], "deterministic": ["value"], "lognormal": ["mean", "p99"],
                                        "gamma": ["mean", "shape"], "erlang": ["mean", "shape"], "empirical": ["file"]]
        if let used = uses[d] {
            for k in o.keys where k != "distribution" && !used.contains(k) {
                r.error(o.sub(k), "a\(d.first.map { "aeiou".contains($0) } == true ? "n" : "") \(d) service time does not use \(k); it takes \(used.joined(separator: ", "))")
            }
        }
        func need(_ k: String) -> Double? {
            if !o.has(k) { r.error(at: node.mark, o.sub(k), "missing: a \(d) service time needs \(k)"); return nil }
            return k == "shape" || k == "scv" ? o.number(k) : o.duration(k)
        }
        switch d {
        case "exponential": return need("mean").map { .exponential(mean: $0) }
        case "deterministic": return need("value").map { .deterministic(value: $0) }
        case "lognormal":
            guard let m = need("mean"), let p = need("p99") else { return nil }
            return .lognormal(mean: m, p99: p)
        case "gamma", "erlang":
            guard let m = need("mean"), let k = need("shape") else { return nil }
            if d == "erlang" && k != k.rounded() { r.error(o.sub("shape"), "an Erlang shape is a whole number, got \(trim(k))") }
            return .gamma(mean: m, shape: k)
        case "empirical":
            guard let f = o.string("file") else { r.error(at: node.mark, o.sub("file"), "missing: an empirical service time needs file"); return nil }
            return empirical(f, o.sub("file"))
        default:
            r.error(o.sub("distribution"), "expected one of \(kinds.joined(separator: ", ")), got \"\(d)\"" + didYouMean(d, kinds))
            return nil
        }
    }

    /// A histogram file of `seconds,count` rows (a header line `seconds,count` first), found
    /// relative to the scenario file. Every bad row is reported with its line.
    func empirical(_ file: String, _ path: String) -> ServiceTime? {
        let base = URL(fileURLWithPath: r.file).deletingLastPathComponent()
        let url = file.hasPrefix("/") ? URL(fileURLWithPath: file) : base.appendingPathComponent(file)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            r.error(path, "cannot read the histogram file \(url.path)")
            return nil
        }
        var values: [Double] = [], weights: [Double] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (i, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") || (i == 0 && line.lowercased().hasPrefix("seconds")) { continue }
            let f = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard f.count == 2, let v = Duration(parsing: f[0]).map(\.seconds) ?? parseDecimal(f[0]), v >= 0,
                  let c = parseDecimal(f[1]), c >= 0 else {
                r.error(path, "\(url.lastPathComponent):\(i + 1): expected seconds,count like \"0.012,340\", got \"\(line)\"")
                continue
            }
            values.append(v); weights.append(c)
        }
        guard weights.reduce(0, +) > 0 else { r.error(path, "\(url.lastPathComponent) has no counts"); return nil }
        return .empirical(file: file, values: values, weights: weights)
    }

    /// Written resources read as Kubernetes reads them: a request left out is the seed's, but a
    /// limit left out (or no `limits` at all) is no limit. Leaving `resources` out altogether
    /// gives the seed's Deployment, limits included (`Defaults.requests`, `Defaults.limits`).
    func resources(_ node: Node, _ path: String) -> Resources? {
        guard let o = Obj(r, node, path, kind: "resources") else { return nil }
        let rq = o["requests"].flatMap { Obj(r, $0, o.sub("requests"), kind: "resource_spec") }
        let lm = o["limits"].flatMap { Obj(r, $0, o.sub("limits"), kind: "resource_spec") }
        return Resources(requests: ResourceSpec(cpu: rq?.cpu("cpu") ?? Defaults.requests.cpu, memory: rq?.memory("memory") ?? Defaults.requests.memory),
                         limits: ResourceLimits(cpu: lm?.cpu("cpu"), memory: lm?.memory("memory")))
    }

    func replicas(_ node: Node, _ path: String) -> Replicas? {
        if case .scalar = node {
            return parseScalar(r, node, path, "a whole number or {min, max}", "\"3\"") { Int($0) }.map { Replicas(min: $0, max: $0, initial: $0) }
        }
        guard let o = Obj(r, node, path, kind: "replicas", required: ["min", "max"]) else { return nil }
        let lo = o.int("min") ?? 1, hi = o.int("max") ?? lo
        return Replicas(min: lo, max: hi, initial: o.int("initial") ?? lo)
    }
}
