import Foundation
import Yams

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
        let plat = Platform(dailyActiveUsers: platform?.count("dau"), peak: platform?.rate("peak"))
        let traffic = o["traffic"].flatMap { self.traffic($0, platformPeak: plat.peak) }
        var services: [String: Service] = [:]
        for (name, node, path) in o.named("services") ?? [] {
            if let s = service(name, node, path, traffic: traffic) { services[name] = s }
        }
        var databases: [String: Database] = [:]
        for (name, node, path) in o.named("databases") ?? [] {
            if let d = database(name, node, path) { databases[name] = d }
        }
        var seasons: [String: Season] = [:]
        for (name, node, path) in o.named("seasons") ?? [] {
            guard let s = Obj(r, node, path, kind: "season", required: ["holidays", "multiplier"]) else { continue }
            seasons[name] = Season(name: name, holidays: stringList(s, "holidays"), multiplier: s.number("multiplier") ?? 1,
                                   services: stringList(s, "services"), shift: s.duration("shift") ?? 0)
        }
        let currency = o["currency"].flatMap { Obj(r, $0, "currency", kind: "currency") }
        let etbPerUSD = currency?.number("etb_per_usd") ?? 0
        return Scenario(
            version: version ?? ScenarioFormat.version,
            name: o["name"].flatMap { scalarText(r, $0, o.sub("name"), what: "the scenario's name") } ?? "",
            description: o.string("description") ?? "",
            seed: o.parse("seed", "a non-negative whole number", "\"42\"") { UInt64($0) } ?? Defaults.seed,
            platform: plat,
            currency: CurrencySettings(etbPerUSD: etbPerUSD,
                                       reportIn: currency?.choice("report_in", Currency.self) ?? Defaults.reportIn),
            planning: planning(o["planning"]),
            services: services,
            traffic: traffic,
            eventBus: o["event_bus"].flatMap(eventBus),
            databases: databases,
            cdn: o["cdn"].flatMap(cdn),
            seasons: seasons,
            simulation: simulation(o["simulation"]),
            expectations: o.items("expect") { expectation($0, $1, etbPerUSD: etbPerUSD) } ?? [])
    }

    // MARK: planning

    func planning(_ node: Node?) -> PlanningSettings {
        let o = node.flatMap { Obj(r, $0, "planning", kind: "planning") }
        var horizons = Defaults.horizons
        if let items = o?.items("horizons", { n, p in parseScalar(r, n, p, "a number of months", "\"12\"", parseWhole) }) {
            horizons = items
        }
        // `seasonal_factor: from_calendar` is resolved per horizon by the planner.
        let fromCalendar = o.flatMap { o in o["seasonal_factor"].flatMap { n -> Bool? in
            if case .scalar(let s) = n, s.string == "from_calendar" { return true }
            return nil
        } } ?? false
        return PlanningSettings(
            horizons: horizons,
            factors: fromCalendar ? factorsWithoutSeasonal(o) : factors(o, defaults: nil),
            draws: o?.int("draws") ?? Defaults.draws,
            targetUtilization: o?.percent("target_utilization"),
            seasonLabel: o?.string("season_label") ?? (fromCalendar ? "calendar season" : Defaults.seasonLabel),
            seasonalFromCalendar: fromCalendar,
            start: o?.string("start"))
    }

    func factorsWithoutSeasonal(_ o: Obj?) -> PlanningFactors {
        PlanningFactors(
            growthMonthly: o.flatMap { uncertain($0, "growth", percent: true) } ?? Uncertain(Defaults.growth),
            seasonal: Uncertain(Defaults.factor),
            featureInteraction: o.flatMap { uncertain($0, "feature_interaction_factor", percent: false) } ?? Uncertain(Defaults.factor),
            safety: o.flatMap { uncertain($0, "safety_factor", percent: false) } ?? Uncertain(Defaults.factor))
    }

    /// The four formula factors; `defaults` are the platform's, for per-service overrides.
    func factors(_ o: Obj?, defaults: PlanningFactors?) -> PlanningFactors {
        PlanningFactors(
            growthMonthly: o.flatMap { uncertain($0, "growth", percent: true) } ?? defaults?.growthMonthly ?? Uncertain(Defaults.growth),
            seasonal: o.flatMap { uncertain($0, "seasonal_factor", percent: false) } ?? defaults?.seasonal ?? Uncertain(Defaults.factor),
            featureInteraction: o.flatMap { uncertain($0, "feature_interaction_factor", percent: false) } ?? defaults?.featureInteraction ?? Uncertain(Defaults.factor),
            safety: o.flatMap { uncertain($0, "safety_factor", percent: false) } ?? defaults?.safety ?? Uncertain(Defaults.factor))
    }

    /// A value, `low..high`, or `{low, mid, high}`; percentages when `percent`, plain numbers otherwise.
    func uncertain(_ o: Obj, _ key: String, percent: Bool) -> Uncertain? {
        guard let node = o[key] else { return nil }
        return uncertain(node, o.sub(key), parse: percent ? { Percent(parsing: $0)?.fraction } : parseDecimal,
                         what: percent ? "a percentage" : "a number", example: percent ? "\"8%\" or \"4%..12%\"" : "\"2.5\" or \"2.0..3.0\"")
    }

    func uncertain(_ node: Node, _ path: String, parse: (String) -> Double?, what: String, example: String) -> Uncertain? {
        if case .mapping = node {
            guard let m = Obj(r, node, path, kind: "range", required: ["low", "high"]) else { return nil }
            let lo = m.parse("low", what, example, parse), hi = m.parse("high", what, example, parse)
            guard let lo, let hi else { return nil }
            let mid = m.parse("mid", what, example, parse) ?? (lo + hi) / 2
            return Uncertain(low: lo, mid: mid, high: hi)
        }
        return parseScalar(r, node, path, what, example) { t -> Uncertain? in
            let parts = t.components(separatedBy: "..")
            if parts.count == 1 { return parse(t).map { Uncertain($0) } }
            guard parts.count == 2, let lo = parse(parts[0]), let hi = parse(parts[1]) else { return nil }
            return Uncertain(low: lo, mid: (lo + hi) / 2, high: hi)
        }
    }

    // MARK: services

    func service(_ name: String, _ node: Node, _ path: String, traffic: Traffic?) -> Service? {
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
            // A saturated instance (every slot busy) uses exactly its CPU request, so the HPA's
            // 70 % CPU target and the planner's 70 % utilisation mean the same thing.
            cpuPerRequest: o.duration("cpu_per_request") ?? (resources.requests.cpu.millicores / 1000 / max(capacity.rps, 1e-9)),
            resources: resources,
            replicas: o["replicas"].flatMap { replicas($0, o.sub("replicas")) } ?? Replicas(min: 1, max: 1, initial: 1),
            startupDelay: o.duration("startup") ?? Defaults.startupDelay,
            slo: slo,
            costPerInstanceHour: o.money("cost_per_instance_hour") ?? Money(0, .usd),
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

    func resources(_ node: Node, _ path: String) -> Resources? {
        guard let o = Obj(r, node, path, kind: "resources") else { return nil }
        func spec(_ key: String, _ def: ResourceSpec) -> ResourceSpec {
            guard let n = o[key], let s = Obj(r, n, o.sub(key), kind: "resource_spec") else { return def }
            return ResourceSpec(cpu: s.cpu("cpu") ?? def.cpu, memory: s.memory("memory") ?? def.memory)
        }
        return Resources(requests: spec("requests", Defaults.requests), limits: spec("limits", Defaults.limits))
    }

    func replicas(_ node: Node, _ path: String) -> Replicas? {
        if case .scalar = node {
            return parseScalar(r, node, path, "a whole number or {min, max}", "\"3\"") { Int($0) }.map { Replicas(min: $0, max: $0, initial: $0) }
        }
        guard let o = Obj(r, node, path, kind: "replicas", required: ["min", "max"]) else { return nil }
        let lo = o.int("min") ?? 1, hi = o.int("max") ?? lo
        return Replicas(min: lo, max: hi, initial: o.int("initial") ?? lo)
    }

    // MARK: autoscaling

    func autoscaling(_ node: Node, _ path: String) -> Autoscaling? {
        guard let o = Obj(r, node, path, kind: "autoscaling") else { return nil }
        return Autoscaling(hpa: o["hpa"].flatMap { hpa($0, o.sub("hpa")) }, triggers: triggers(o, owner: .service))
    }

    func triggers(_ o: Obj, owner: Metric.Owner) -> [Trigger] {
        o.items("triggers") { trigger($0, $1, owner: owner) } ?? []
    }

    /// One trigger row. Every field is read even when an earlier one is wrong, so all of a
    /// row's problems are reported together.
    func trigger(_ node: Node, _ path: String, owner: Metric.Owner) -> Trigger? {
        guard let o = Obj(r, node, path, kind: "trigger", required: ["metric"]) else { return nil }
        var metric: Metric?
        if let text = o.text("metric") {
            metric = Metric(rawValue: text)
            if metric == nil {
                let offered = Metric.triggerable(on: owner).map(\.rawValue)
                r.error(at: o["metric"]?.mark, o.sub("metric"), "expected one of \(offered.joined(separator: ", ")), got \"\(text)\"" + didYouMean(text, offered))
            }
        }
        var cmp: Comparison?
        switch (o.has("above"), o.has("below")) {
        case (true, false): cmp = .above
        case (false, true): cmp = .below
        default:
            // A misspelt "abvoe" was already reported with its suggestion.
            if o.typoTargets.isDisjoint(with: ["above", "below"]) { r.error(at: node.mark, path, "expected exactly one of above or below") }
        }
        let threshold = metric.flatMap { m in cmp.flatMap { value(o, $0.rawValue, for: m) } }
        let sustained = o.duration("for")
        let cooldown = o.duration("cooldown")
        let actions = ["add", "add_queue_workers", "alert"].filter(o.has)
        var action: TriggerAction?
        if actions.isEmpty && !o.typoTargets.isDisjoint(with: ["add", "add_queue_workers", "alert"]) {
            // the action's key was misspelt and reported
        } else if actions.count != 1 {
            r.error(at: node.mark, path, actions.isEmpty ? "missing an action: add, add_queue_workers or alert" : "expected one action, got \(actions.joined(separator: " and "))")
        } else {
            switch actions[0] {
            case "add": action = o.int("add").map { .addInstances($0) }
            case "add_queue_workers": action = o.int("add_queue_workers").map { .addQueueWorkers($0) }
            default: action = o.string("alert").map { .alert($0) }
            }
        }
        if o.has("for") && sustained == nil || o.has("cooldown") && cooldown == nil { return nil }
        guard let metric, let cmp, let threshold, let action else { return nil }
        return Trigger(metric: metric, comparison: cmp, threshold: threshold, sustained: sustained ?? 0, action: action,
                       cooldown: cooldown ?? Defaults.triggerCooldown, route: o.string("route"), label: o.string("label"))
    }

    /// A threshold or target in the metric's own unit: `70%`, `500ms`, `5000`, `2k/s`, or money
    /// (`ETB 100`, `USD 1`), which is held in birr.
    func value(_ o: Obj, _ key: String, for metric: Metric, etbPerUSD: Double = 0) -> Double? {
        switch metric.unit {
        case .fraction: return o.percent(key)
        case .seconds: return o.duration(key)
        case .count: return o.count(key)
        case .rate: return o.rate(key)
        case .money:
            guard let m = o.money(key) else { return nil }
            if m.currency == .usd && etbPerUSD <= 0 {
                r.error(o.sub(key), "a USD amount needs currency.etb_per_usd to compare with costs in birr")
                return nil
            }
            return m.amount(in: .etb, etbPerUSD: etbPerUSD)
        }
    }

    func hpa(_ node: Node, _ path: String) -> HPA? {
        guard let o = Obj(r, node, path, kind: "hpa") else { return nil }
        var metrics = Defaults.hpaMetrics
        if let items = o.items("metrics", { n, p -> HPAMetric? in
                guard let m = Obj(r, n, p, kind: "hpa_metric", required: ["metric", "target"]),
                      let metric = m.choice("metric", Metric.self), let t = value(m, "target", for: metric) else { return nil }
                return HPAMetric(metric: metric, target: t)
            }) {
            metrics = items
        }
        var behavior = HPABehavior.kubernetesDefault
        if let bn = o["behavior"], let b = Obj(r, bn, o.sub("behavior"), kind: "behavior") {
            behavior = HPABehavior(scaleUp: rules(b, "scale_up", HPABehavior.kubernetesDefault.scaleUp),
                                   scaleDown: rules(b, "scale_down", HPABehavior.kubernetesDefault.scaleDown), explicit: true)
        }
        return HPA(metrics: metrics, syncPeriod: o.duration("sync_period") ?? Defaults.hpaSyncPeriod,
                   tolerance: o.percent("tolerance") ?? Defaults.hpaTolerance, behavior: behavior,
                   cpuInitializationPeriod: o.duration("cpu_initialization_period") ?? Defaults.cpuInitializationPeriod,
                   initialReadinessDelay: o.duration("initial_readiness_delay") ?? Defaults.initialReadinessDelay)
    }

    /// One direction's rules; absent fields take that direction's upstream default.
    func rules(_ b: Obj, _ key: String, _ def: HPAScalingRules) -> HPAScalingRules {
        guard let n = b[key], let o = Obj(r, n, b.sub(key), kind: "scaling_rules") else { return def }
        var policies = def.policies
        if let items = o.items("policies", { n, p -> HPAPolicy? in
                guard let po = Obj(r, n, p, kind: "hpa_policy", required: ["type", "value", "period"]),
                      let t = po.choice("type", HPAPolicyType.self) else { return nil }
                let v = t == .pods ? po.int("value").map(Double.init) : po.percent("value")
                guard let v, let period = po.duration("period") else { return nil }
                return HPAPolicy(type: t, value: v, period: period)
            }) {
            policies = items
        }
        return HPAScalingRules(stabilizationWindow: o.duration("stabilization_window") ?? def.stabilizationWindow,
                               selectPolicy: o.choice("select_policy", SelectPolicy.self) ?? def.selectPolicy, policies: policies)
    }

    // MARK: traffic

    func traffic(_ node: Node, platformPeak: Double?) -> Traffic? {
        guard let o = Obj(r, node, "traffic", kind: "traffic", required: ["entry", "routes"]) else { return nil }
        let peak = o.rate("peak") ?? platformPeak
        if peak == nil && !o.has("peak") { r.error(at: node.mark, "traffic.peak", "missing: give traffic.peak or platform.peak, like \"10k/s\"") }
        var routes: [String: Route] = [:]
        for (name, n, p) in o.named("routes") ?? [] {
            guard let ro = Obj(r, n, p, kind: "route", required: ["share", "path"]) else { continue }
            let steps = ro.items("path") { n, p in routeStep(n, p) } ?? []
            routes[name] = Route(name: name, share: ro.percent("share") ?? 0, path: steps.flatMap { $0.calls.map(\.service) }, steps: steps)
        }
        return Traffic(entry: o.string("entry") ?? "", peak: peak ?? 0, profile: profile(o),
                       surges: o.items("surges") { n, p in
                           guard let s = Obj(r, n, p, kind: "surge", required: ["at", "duration", "multiplier"]) else { return nil }
                           return Surge(name: s.string("name") ?? "surge-\((o.list("surges") ?? []).firstIndex { $0.1 == p }.map { $0 + 1 } ?? 0)", start: s.duration("at") ?? 0, duration: s.duration("duration") ?? 0,
                                        multiplier: s.number("multiplier") ?? 1, ramp: s.duration("ramp") ?? Defaults.surgeRamp)
                       } ?? [],
                       multiplier: o.number("multiplier") ?? Defaults.trafficMultiplier, routes: routes,
                       hopLatency: o.duration("hop_latency") ?? Defaults.hopLatency)
    }

    /// A path item: a service name (a plain call), `{service, probability, timeout, retries,
    /// backoff, pool}`, or `{fanout: [call, call, …]}`.
    func routeStep(_ n: Node, _ p: String) -> RouteStep? {
        if case .mapping = n, let o = Obj(r, n, p, kind: n.mapping?.keys.contains("fanout") == true ? "fanout" : "call") {
            if o.has("fanout") {
                let calls = o.items("fanout") { call($0, $1) } ?? []
                if calls.count < 2 { r.error(o.sub("fanout"), "a fan-out calls at least two services in parallel") }
                return .fanout(calls)
            }
            return call(n, p).map { .call($0) }
        }
        return call(n, p).map { .call($0) }
    }

    func call(_ n: Node, _ p: String) -> Call? {
        if case .scalar = n { return scalarText(r, n, p, what: "a service name").map(Call.plain) }
        guard let o = Obj(r, n, p, kind: "call", required: ["service"]) else { return nil }
        guard let svc = o.string("service") else { return nil }
        return Call(service: svc, probability: o.percent("probability") ?? 1, timeout: o.duration("timeout"), retries: o.int("retries") ?? 0,
                    backoff: o.duration("backoff") ?? Defaults.retryBackoff, pool: o.int("pool"))
    }

    func profile(_ o: Obj) -> TrafficProfile {
        guard let n = o["profile"] else { return .constant }
        let kinds = ["constant", "diurnal", "points"]
        if case .scalar(let s) = n {
            if s.string == "constant" { return .constant }
            r.error(at: n.mark, o.sub("profile"), "expected \"constant\" or a mapping with kind diurnal or points, got \"\(s.string)\"" + didYouMean(s.string, kinds))
            return .constant
        }
        guard let p = Obj(r, n, o.sub("profile"), kind: "profile", required: ["kind"]), let kind = p.string("kind") else { return .constant }
        switch kind {
        case "constant": return .constant
        case "diurnal":
            guard let values = p.items("hourly", { parseScalar(r, $0, $1, "a number", "\"0.8\"", parseDecimal) }) else {
                r.error(at: n.mark, p.sub("hourly"), "missing: 24 hourly multipliers, hour 0 = midnight EAT"); return .constant
            }
            let written = p.list("hourly")?.count ?? 0
            if written != 24 { r.error(p.sub("hourly"), "expected 24 hourly multipliers, got \(written)") }
            return .diurnal(values)
        case "points":
            guard let points = p.items("points", { n, path -> ProfilePoint? in
                guard let po = Obj(r, n, path, kind: "profile_point", required: ["at", "multiplier"]) else { return nil }
                let at = po.duration("at"), m = po.number("multiplier")
                guard let at, let m else { return nil }
                return ProfilePoint(at: at, multiplier: m)
            }) else { r.error(at: n.mark, p.sub("points"), "missing: a list of {at, multiplier}"); return .constant }
            return .points(points)
        default:
            r.error(p.sub("kind"), "expected one of \(kinds.joined(separator: ", ")), got \"\(kind)\"" + didYouMean(kind, kinds))
            return .constant
        }
    }

    // MARK: event bus, databases, CDN

    func eventBus(_ node: Node) -> EventBus? {
        guard let o = Obj(r, node, "event_bus", kind: "event_bus", required: ["topics"]) else { return nil }
        var topics: [String: Topic] = [:]
        for (name, n, p) in o.named("topics") ?? [] {
            guard let t = Obj(r, n, p, kind: "topic", required: ["partitions"]) else { continue }
            topics[name] = Topic(name: name, partitions: t.int("partitions") ?? 1)
        }
        var groups: [String: ConsumerGroup] = [:]
        for (name, n, p) in o.named("consumer_groups") ?? [] {
            guard let g = Obj(r, n, p, kind: "consumer_group", required: ["service", "topic", "workers", "service_time"]) else { continue }
            let lag = g["lag_scaler"].flatMap { Obj(r, $0, g.sub("lag_scaler"), kind: "lag_scaler", required: ["lag_threshold"]) }.map {
                LagScaler(lagThreshold: $0.count("lag_threshold") ?? 1, activationLag: $0.count("activation_lag") ?? Defaults.lagActivation,
                          allowIdleConsumers: $0.bool("allow_idle_consumers") ?? false)
            }
            groups[name] = ConsumerGroup(name: name, service: g.string("service") ?? "", topic: g.string("topic") ?? "",
                                         workers: g["workers"].flatMap { replicas($0, g.sub("workers")) } ?? Replicas(min: 1, max: 1, initial: 1),
                                         serviceTime: g["service_time"].flatMap { serviceTime($0, g.sub("service_time")) } ?? .exponential(mean: 0.01),
                                         triggers: triggers(g, owner: .consumerGroup), lagScaler: lag)
        }
        return EventBus(kind: o.string("kind") ?? Defaults.eventBusKind, topics: topics, consumerGroups: groups)
    }

    func database(_ name: String, _ node: Node, _ path: String) -> Database? {
        guard let o = Obj(r, node, path, kind: "database", required: ["owner"]) else { return nil }
        return Database(name: name, owner: o.string("owner") ?? "", engine: o.string("engine") ?? Defaults.databaseEngine,
                        cpus: o.number("cpus") ?? Defaults.databaseCPUs,
                        maxConnections: o.int("max_connections") ?? Defaults.databaseMaxConnections,
                        queryTime: o["query_time"].flatMap { serviceTime($0, o.sub("query_time")) } ?? Defaults.databaseQueryTime,
                        readReplicas: o.int("read_replicas") ?? 0, replicationLag: o.duration("replication_lag") ?? 0,
                        readRatio: o.percent("read_ratio") ?? Defaults.readRatio, keySkew: o.number("key_skew") ?? 0,
                        keys: o.int("keys") ?? Defaults.databaseKeys,
                        costPerHour: o.money("cost_per_hour"), triggers: triggers(o, owner: .database))
    }

    func cdn(_ node: Node) -> CDN? {
        guard case .mapping(let m) = node else { r.error(at: node.mark, "cdn", "expected a mapping of groups to path lists, got \(shown(node))"); return nil }
        var groups: [String: [CDNPath]] = [:]
        for (k, v) in m {
            guard case .scalar(let ks) = k else { continue }
            let gp = join("cdn", ks.string)
            r.record(gp, v)
            guard case .sequence(let items) = v else { r.error(at: v.mark, gp, "expected a list of paths, got \(shown(v))"); continue }
            var paths: [CDNPath] = [], kept: [Int] = []
            for (i, n) in items.enumerated() {
                let p = "\(gp)[\(i)]"
                r.record(p, n)
                guard let o = Obj(r, n, p, kind: "cdn_path", required: ["path", "ttl"]) else { continue }
                paths.append(CDNPath(path: o.string("path") ?? "", ttl: o.duration("ttl") ?? 0, compression: o.bool("compression") ?? false,
                                     service: o.string("service"), hitRatio: o.percent("hit_ratio"), rate: o.rate("rate"), objects: o.count("objects")))
                kept.append(i)
            }
            r.keep(gp, kept)
            groups[ks.string] = paths
        }
        return CDN(paths: groups)
    }

    func simulation(_ node: Node?) -> SimulationSettings {
        let o = node.flatMap { Obj(r, $0, "simulation", kind: "simulation") }
        return SimulationSettings(duration: o?.duration("duration") ?? Defaults.simulationDuration, warmup: o?.duration("warmup") ?? 0,
                                  samplePeriod: o?.duration("sample_period") ?? Defaults.samplePeriod, start: o?.string("start"))
    }

    func expectation(_ node: Node, _ path: String, etbPerUSD: Double) -> Expectation? {
        guard let o = Obj(r, node, path, kind: "expectation") else { return nil }
        let name = o.string("name")
        let target = o.string("service")
        let forms = ["no_alert", "no_backlog", "scales_up_within", "metric"].filter(o.has)
        if forms.count > 1 {
            r.error(at: node.mark, path, "expected one kind of expectation, got \(forms.joined(separator: " and "))")
            return nil
        }
        if o.has("no_alert") {
            for extra in ["service", "below", "at_most", "above", "at_least", "equals", "after"] where o.has(extra) {
                r.error(o.sub(extra), "no_alert takes only the name of what must not alert")
            }
        }
        if let t = o.string("no_alert") {
            return Expectation(name: name ?? "no alert on \(t)", target: t, kind: .noAlert)
        }
        if o.has("no_backlog") {
            for extra in ["service", "metric", "below", "at_most", "above", "at_least", "equals", "after"] where o.has(extra) {
                r.error(o.sub(extra), "no_backlog takes the name of what must not build a backlog (or all) and, optionally, for: how long a backlog may grow")
            }
        }
        if let t = o.string("no_backlog") {
            let lasting = o.has("for") ? o.duration("for") : nil
            if o.has("for") && lasting == nil { return nil }
            let what = t == Expectation.everywhere ? "anywhere" : "at \(t)"
            return Expectation(name: name ?? "no backlog \(what)" + (lasting.map { " growing for \(formatDuration($0)) or more" } ?? ""), target: t,
                               kind: .noBacklog(lasting: lasting))
        }
        if o.has("for") { r.error(o.sub("for"), "for belongs to no_backlog (how long a backlog may grow)") }
        if o.has("scales_up_within") {
            guard let d = o.duration("scales_up_within") else { return nil }
            guard let surge = o.string("after") else { r.error(at: node.mark, o.sub("after"), "missing: the surge the scale-up must follow"); return nil }
            if target == nil { r.error(at: node.mark, o.sub("service"), "missing: the service that must scale up") }
            return Expectation(name: name ?? "\(target ?? "?") scales up within \(formatDuration(d)) of \(surge)", target: target, kind: .scalesUpWithin(seconds: d, surge: surge))
        }
        guard let metric = o.choice("metric", Metric.self) else {
            if !o.has("metric") { r.error(at: node.mark, path, "expected metric with a bound (below, at_most, above, at_least, equals), no_alert, no_backlog, or scales_up_within") }
            return nil
        }
        let bounds = ["below", "at_most", "above", "at_least", "equals"].filter(o.has)
        guard bounds.count == 1, let bound = Expectation.Bound(rawValue: bounds[0]) else {
            r.error(at: node.mark, path, "expected exactly one bound: below, at_most, above, at_least or equals")
            return nil
        }
        guard let v = value(o, bounds[0], for: metric, etbPerUSD: etbPerUSD) else { return nil }
        return Expectation(name: name ?? "\(target.map { $0 + " " } ?? "")\(metric.rawValue) \(bounds[0].replacingOccurrences(of: "_", with: " ")) \(o.text(bounds[0]) ?? "")",
                           target: target, kind: .metric(metric, bound, v))
    }

    func stringList(_ o: Obj, _ key: String) -> [String] {
        o.items(key) { scalarText(r, $0, $1) } ?? []
    }
}

extension PlanningFactors {
    /// A service's factors: its own where it wrote them, the platform's otherwise.
    public func resolved(over platform: PlanningFactors) -> PlanningFactors {
        func pick(_ a: Uncertain, _ b: Uncertain) -> Uncertain { a.mid.isNaN ? b : a }
        return PlanningFactors(growthMonthly: pick(growthMonthly, platform.growthMonthly), seasonal: pick(seasonal, platform.seasonal),
                               featureInteraction: pick(featureInteraction, platform.featureInteraction), safety: pick(safety, platform.safety))
    }

    /// Per-service factors: only the keys the service wrote; the rest are marked absent with
    /// NaN so the planner can fall back to the platform's value (see `resolved(over:)`).
    func withOverridesOnly(_ o: Obj?) -> PlanningFactors {
        let absent = Uncertain(.nan)
        return PlanningFactors(growthMonthly: o?.has("growth") == true ? growthMonthly : absent,
                               seasonal: o?.has("seasonal_factor") == true ? seasonal : absent,
                               featureInteraction: o?.has("feature_interaction_factor") == true ? featureInteraction : absent,
                               safety: o?.has("safety_factor") == true ? safety : absent)
    }
}
