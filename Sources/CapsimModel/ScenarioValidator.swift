/// Cross-checks a decoded scenario: names that must resolve, ranges that must be ordered,
/// numbers that must be sane. Reports through the reader so every problem carries the
/// location of the value at fault.
struct ScenarioValidator {
    let r: YAMLReader
    let s: Scenario

    func run() {
        planning()
        for name in s.serviceNames { service(s.services[name]!, "services.\(name)") }
        // Only when `services` was written: a missing or misspelt key was reported by the decoder.
        if s.services.isEmpty && r.isRecorded("services") { r.error("services", "expected at least one service") }
        traffic()
        eventBus()
        databases()
        cdn()
        seasons()
        simulation()
        expectations()
        dependencies()
        faults()
        clients()
        money()
        limits()
    }

    func check(_ ok: Bool, _ path: String, _ message: @autoclosure () -> String) {
        if !ok { r.error(path, message()) }
    }

    func known(_ name: String, in names: [String], what: String, _ path: String) {
        if !names.contains(name) {
            let list = names.isEmpty ? "none are declared" : "declared: \(names.joined(separator: ", "))"
            r.error(path, "\"\(name)\" is not a declared \(what) (\(list))" + didYouMean(name, names))
        }
    }

    // MARK: planning

    func planning() {
        check(!s.name.trimmingCharacters(in: .whitespaces).isEmpty, "name", "expected the scenario's name, got an empty value")
        let p = s.planning
        for (i, h) in p.horizons.enumerated() { check(h >= 1 && h <= 120, r.item("planning.horizons", i), "expected months from 1 to 120, got \(h)") }
        check(p.draws >= 1 && p.draws <= 10_000_000, "planning.draws", "expected 1 to 10000000 draws, got \(p.draws)")
        if let start = p.start, SimulationClock.date(start.count == 10 ? start + "T00:00:00+03:00" : start) == nil {
            r.error("planning.start", "expected an ISO date like \"2026-09-11\", got \"\(start)\"")
        }
        if p.seasonalFromCalendar && s.seasons.isEmpty {
            r.error("planning.seasonal_factor", "from_calendar needs seasons: declare which holidays multiply traffic, e.g. seasons: {holiday: {holidays: [genna], multiplier: 2.0}}")
        }
        check(s.platform.nodeCPU.millicores > 0, "platform.node_cpu", "expected a positive CPU quantity like \"2\" or \"1500m\", got \(s.platform.nodeCPU)")
        if let t = p.targetUtilization { check(t > 0 && t <= 1, "planning.target_utilization", "expected a utilisation in (0%, 100%], got \(Percent(fraction: t))") }
        factors(p.factors, "planning")
    }

    func factors(_ f: PlanningFactors, _ base: String) {
        factors(ServiceFactors(growthMonthly: f.growthMonthly, seasonal: f.seasonal, featureInteraction: f.featureInteraction, safety: f.safety), base)
    }

    /// A service's own factors; the ones it left to the platform are not its to check.
    func factors(_ f: ServiceFactors, _ base: String) {
        if let u = f.growthMonthly { range(u, join(base, "growth"), lo: -0.5, hi: 1.0, what: "a monthly growth between -50% and 100%", percent: true) }
        if let u = f.seasonal { range(u, join(base, "seasonal_factor"), lo: 0.1, hi: 10, what: "a seasonal factor between 0.1 and 10", percent: false) }
        if let u = f.featureInteraction { range(u, join(base, "feature_interaction_factor"), lo: 0.5, hi: 5, what: "a feature-interaction factor between 0.5 and 5", percent: false) }
        if let u = f.safety { range(u, join(base, "safety_factor"), lo: 1, hi: 5, what: "a safety factor between 1.0 and 5.0 (typically 2.0–3.0)", percent: false) }
    }

    func range(_ u: Uncertain, _ path: String, lo: Double, hi: Double, what: String, percent: Bool) {
        let show: (Double) -> String = { percent ? Percent(fraction: $0).description : trim($0) }
        if !ordered(u, path, show) { return }
        if u.low < lo || u.high > hi { r.error(path, "expected \(what), got \(written(u, show))") }
    }

    /// The range as the user wrote it: one value, `low..high`, or all three when mid was given.
    func written(_ u: Uncertain, _ show: (Double) -> String) -> String {
        if !u.isRange { return show(u.mid) }
        if u.mid == (u.low + u.high) / 2 { return "\(show(u.low))..\(show(u.high))" }
        return "low \(show(u.low)), mid \(show(u.mid)), high \(show(u.high))"
    }

    func ordered(_ u: Uncertain, _ path: String, _ show: (Double) -> String) -> Bool {
        if u.low > u.high { r.error(path, "expected low ≤ high, got \(written(u, show))"); return false }
        if u.mid < u.low || u.mid > u.high { r.error(path, "expected low ≤ mid ≤ high, got \(written(u, show))"); return false }
        return true
    }

    // MARK: services

    func service(_ sv: Service, _ base: String) {
        let rate: (Double) -> String = { Rate(perSecond: $0).description }
        if ordered(sv.peak, join(base, "peak"), rate) {
            check(sv.peak.low >= 0, join(base, "peak"), "expected a non-negative rate, got \(written(sv.peak, rate))")
            check(sv.peak.high <= 1e9, join(base, "peak"), "expected a rate up to 1G/s, got \(written(sv.peak, rate))")
        }
        let c = sv.capacity
        if c.concurrency < 1 {
            r.error(join(base, "capacity.concurrency"), "expected at least 1 concurrent slot, got \(c.concurrency)")
        } else {
            check(c.rps > 0, join(base, "capacity"), "expected a positive capacity, got \(Rate(perSecond: c.rps))")
        }
        serviceTime(c.serviceTime, join(base, "capacity.service_time"))
        check(sv.cpuPerRequest > 0, join(base, "cpu_per_request"), "expected a positive CPU time per request like \"2ms\"")
        let rq = sv.resources.requests, lm = sv.resources.limits
        check(rq.cpu.millicores > 0, join(base, "resources.requests.cpu"), "expected a positive CPU request, got \(rq.cpu)")
        if let cpu = lm.cpu {
            check(rq.cpu <= cpu, join(base, "resources.limits.cpu"), "limit \(cpu) is below the request \(rq.cpu)")
        } else {
            check(rq.cpu <= s.platform.nodeCPU, join(base, "resources.requests.cpu"),
                  "with no CPU limit the pod bursts to platform.node_cpu (\(s.platform.nodeCPU)), which is below its request \(rq.cpu)")
        }
        if let memory = lm.memory {
            check(rq.memory <= memory, join(base, "resources.limits.memory"), "limit \(memory) is below the request \(rq.memory)")
        }
        replicas(sv.replicas, join(base, "replicas"))
        check(sv.startupDelay <= 3600, join(base, "startup"), "expected a start-up delay under 1h, got \(formatDuration(sv.startupDelay))")
        if let slo = sv.slo {
            check(slo.threshold > 0, join(base, "slo.\(slo.metric.rawValue)"), "expected a positive latency objective")
        }
        if let c = sv.costPerInstanceHour { check(c.amount >= 0, join(base, "cost_per_instance_hour"), "expected a non-negative cost, got \(c)") }
        if let l = sv.queue.limit { check(l >= 0, join(base, "queue.limit"), "expected a non-negative queue limit, got \(l)") }
        if let t = sv.queue.timeout { check(t > 0, join(base, "queue.timeout"), "expected a positive timeout") }
        for (i, job) in sv.jobs.enumerated() {
            check(job.every > 0, join(base, "jobs[\(i)].every"), "expected a positive period like \"200ms\"")
            check(job.work > 0, join(base, "jobs[\(i)].work"), "expected a positive amount of work like \"10ms\"")
            if job.every > 0 && job.work > 0 {
                check(job.work < job.every, join(base, "jobs[\(i)].work"),
                      "\(formatDuration(job.work)) of work every \(formatDuration(job.every)) never lets the slot go: expected less work than the period")
            }
        }
        if let db = sv.database { known(db, in: s.databaseNames, what: "database", join(base, "database")) }
        if let cache = sv.cache { check(cache.hitRatio >= 0 && cache.hitRatio <= 1, join(base, "cache.hit_ratio"), "expected a hit ratio from 0% to 100%, got \(Percent(fraction: cache.hitRatio))") }
        check(sv.queriesPerRequest >= 0, join(base, "queries_per_request"), "expected a non-negative number of queries")
        if sv.queriesPerRequest > 0 && sv.database == nil {
            r.error(join(base, "queries_per_request"), "the service makes database queries but names no database")
        }
        for (i, pub) in sv.publishes.enumerated() {
            known(pub.topic, in: s.eventBus?.topicNames ?? [], what: "topic", join(r.item("\(base).publishes", i), "topic"))
            check(pub.perRequest >= 0, join(r.item("\(base).publishes", i), "per_request"), "expected a non-negative number of messages per request")
        }
        factors(sv.factors, join(base, "planning"))
        let a = sv.autoscaling
        if let hpa = a.hpa { self.hpa(hpa, join(base, "autoscaling.hpa"), replicas: sv.replicas) }
        for (i, t) in a.triggers.enumerated() {
            trigger(t, r.item("\(base).autoscaling.triggers", i), owner: .service, serviceName: sv.name, maxReplicas: sv.replicas.max)
        }
        schedule(sv, join(base, "autoscaling.schedule"))
    }

    func replicas(_ rp: Replicas, _ path: String) {
        check(rp.min >= 0, join(path, "min"), "expected a non-negative minimum, got \(rp.min)")
        check(rp.max >= 1, join(path, "max"), "expected a maximum of at least 1, got \(rp.max)")
        check(rp.min <= rp.max, join(path, "min"), "min \(rp.min) is greater than max \(rp.max)")
        check(rp.min > rp.max || (rp.initial >= rp.min && rp.initial <= rp.max), join(path, "initial"), "initial \(rp.initial) is outside min..max (\(rp.min)..\(rp.max))")
    }

    func serviceTime(_ st: ServiceTime, _ path: String) {
        check(st.mean > 0 || { if case .deterministic = st { return st.mean >= 0 }; return false }(), path, "expected a positive mean service time")
        switch st {
        case .lognormal(let m, let p99):
            if p99 <= m {
                r.error(join(path, "p99"), "a lognormal p99 must exceed its mean (\(formatDuration(m))), got \(formatDuration(p99))")
            } else if log(p99 / m) > 2.3263478740408408 * 2.3263478740408408 / 2 {
                r.error(join(path, "p99"), "no lognormal has mean \(formatDuration(m)) and p99 \(formatDuration(p99)): p99/mean may be at most \(trim(exp(2.3263478740408408 * 2.3263478740408408 / 2)))")
            }
        case .gamma(_, let k):
            check(k > 0, join(path, "shape"), "expected a positive shape, got \(trim(k))")
        case .empirical:
            check(st.mean > 0, join(path, "file"), "expected a histogram with a positive mean")
        default: break
        }
    }

    func hpa(_ h: HPA, _ path: String, replicas: Replicas) {
        check(h.syncPeriod > 0, join(path, "sync_period"), "expected a positive sync period")
        check(h.tolerance >= 0 && h.tolerance < 1, join(path, "tolerance"), "expected a tolerance of at least 0% and below 100%, got \(Percent(fraction: h.tolerance))")
        check(replicas.min >= 1 || h.canScaleFromZero, "\(path.replacingOccurrences(of: ".autoscaling.hpa", with: "")).replicas.min",
              "an HPA needs min replicas ≥ 1 unless one of its metrics is of type object or external (only those are read with no pod running), got \(replicas.min)")
        let allowed: [Metric] = [.cpuUtilization, .memoryUtilization, .latencyMean, .latencyP50, .latencyP90, .latencyP95, .latencyP99, .queueLength, .inFlight, .throughput]
        for (i, m) in h.metrics.enumerated() {
            let p = r.item("\(path).metrics", i)
            if !allowed.contains(m.metric) {
                r.error(join(p, "metric"), "an HPA cannot scale a service on \(m.metric.rawValue); expected one of \(allowed.map(\.rawValue).joined(separator: ", "))")
            }
            check(m.target > 0, join(p, "target"), "expected a positive target")
        }
        for (dir, rules) in [("scale_up", h.behavior.scaleUp), ("scale_down", h.behavior.scaleDown)] {
            let p = "\(path).behavior.\(dir)"
            check(rules.stabilizationWindow >= 0 && rules.stabilizationWindow <= 3600, join(p, "stabilization_window"), "expected 0s to 1h (the API's limit), got \(formatDuration(rules.stabilizationWindow))")
            // The API asks only ≥ 0: a 200 % scale-down tolerance is how a team says "never on this metric's noise".
            if let t = rules.tolerance { check(t >= 0, join(p, "tolerance"), "expected a tolerance of at least 0%, got \(Percent(fraction: t))") }
            if rules.policies.isEmpty && rules.selectPolicy != .disabled {
                r.error(join(p, "policies"), "expected at least one policy unless select_policy is disabled")
            }
            for (i, pol) in rules.policies.enumerated() {
                check(pol.value > 0, join(r.item("\(p).policies", i), "value"), "expected a positive value")
                check(pol.period > 0 && pol.period <= 1800, join(r.item("\(p).policies", i), "period"), "expected a period from 1s to 30m (the API's limit), got \(formatDuration(pol.period))")
            }
        }
    }

    func trigger(_ t: Trigger, _ path: String, owner: Metric.Owner, serviceName: String?, maxReplicas: Int) {
        let offered = Metric.triggerable(on: owner)
        if !offered.contains(t.metric) {
            let who = owner == .service ? "a service" : owner == .database ? "a database" : "a consumer group"
            r.error(join(path, "metric"), "\(who) has no metric \(t.metric.rawValue); expected one of \(offered.map(\.rawValue).joined(separator: ", "))")
        }
        check(t.threshold >= 0, join(path, t.comparison.rawValue), "expected a non-negative threshold")
        check(t.sustained >= 0, join(path, "for"), "expected a non-negative duration")
        switch t.action {
        case .addInstances(let n):
            check(n >= 1, join(path, "add"), "expected to add at least 1 instance, got \(n)")
            if owner == .database { r.error(join(path, "add"), "a database trigger can only alert (e.g. alert: investigate / vertical scale): capsim does not scale databases, they are resized by hand") }
            if owner == .consumerGroup { r.error(join(path, "add"), "a consumer group adds queue workers: write add_queue_workers") }
        case .addQueueWorkers(let n):
            check(n >= 1, join(path, "add_queue_workers"), "expected to add at least 1 worker, got \(n)")
            if owner != .consumerGroup { r.error(join(path, "add_queue_workers"), "only an event_bus consumer group has queue workers; a service trigger adds instances with add") }
        case .alert(let text):
            check(!text.isEmpty, join(path, "alert"), "expected the alert's text")
        }
        if let route = t.route {
            if !t.metric.isLatency { r.error(join(path, "route"), "only a latency metric can be scoped to a route") }
            let routes = s.traffic?.routeNames ?? []
            known(route, in: routes, what: "route", join(path, "route"))
            if let rt = s.traffic?.routes[route], let svc = serviceName, !rt.path.contains(svc) {
                r.error(join(path, "route"), "route \"\(route)\" does not pass through \(svc) (its path: \(rt.path.joined(separator: " → ")))")
            }
        }
    }

    // MARK: traffic and the rest of the platform

    func traffic() {
        guard let t = s.traffic else { return }
        known(t.entry, in: s.serviceNames, what: "service", "traffic.entry")
        check(t.peak >= 0 && t.peak <= 1e9, "traffic.peak", "expected a rate from 0 to 1G/s, got \(Rate(perSecond: t.peak))")
        check(t.multiplier >= 0, "traffic.multiplier", "expected a non-negative multiplier, got \(trim(t.multiplier))")
        check(t.hopLatency >= 0, "traffic.hop_latency", "expected a non-negative latency")
        if t.routes.isEmpty { r.error("traffic.routes", "expected at least one route") }
        var total = 0.0
        for name in t.routeNames {
            let rt = t.routes[name]!, p = "traffic.routes.\(name)"
            total += rt.share
            check(rt.share > 0 && rt.share <= 1, join(p, "share"), "expected a share in (0%, 100%], got \(Percent(fraction: rt.share))")
            if rt.steps.isEmpty { r.error(join(p, "path"), "expected at least one service") }
            for (i, step) in rt.steps.enumerated() {
                let sp = r.item("\(p).path", i)
                switch step {
                case .call(let c): call(c, sp, plainPath: sp)
                case .fanout(let cs):
                    if i == 0 { r.error(sp, "a route starts with its entry service, not a fan-out") }
                    for (k, c) in cs.enumerated() { let cp = r.item("\(sp).fanout", k); call(c, cp, plainPath: cp) }
                }
            }
            if case .call(let first)? = rt.steps.first {
                if first.service != t.entry, s.services[first.service] != nil, s.services[t.entry] != nil {
                    r.error("\(p).path[0]", "a route starts at the entry service \(t.entry), got \(first.service)")
                }
                if first.probability != 1 || first.timeout != nil || first.pool != nil {
                    r.error("\(p).path[0]", "the entry is where requests arrive, not a call: write it as a plain name")
                }
            }
        }
        if !t.routes.isEmpty && abs(total - 1) > 0.001 {
            r.error("traffic.routes", "route shares add up to \(Percent(fraction: total)), expected 100%")
        }
        switch t.profile {
        case .diurnal(let v):
            for (i, x) in v.enumerated() where x < 0 { r.error(r.item("traffic.profile.hourly", i), "expected a non-negative multiplier, got \(trim(x))") }
        case .points(let pts):
            for (i, pt) in pts.enumerated() {
                check(pt.multiplier >= 0, join(r.item("traffic.profile.points", i), "multiplier"), "expected a non-negative multiplier")
                if i > 0 && pt.at <= pts[i - 1].at { r.error(join(r.item("traffic.profile.points", i), "at"), "points must be in increasing time order") }
            }
        case .constant: break
        }
        var names: Set<String> = []
        for (i, sg) in t.surges.enumerated() {
            let p = r.item("traffic.surges", i)
            if !names.insert(sg.name).inserted { r.error(join(p, "name"), "duplicate surge name \"\(sg.name)\"") }
            check(sg.multiplier >= 0, join(p, "multiplier"), "expected a non-negative multiplier")
            check(sg.duration > 0, join(p, "duration"), "expected a positive duration")
            check(2 * sg.ramp <= sg.duration, join(p, "ramp"), "ramp up and down (\(formatDuration(2 * sg.ramp))) exceed the surge's duration \(formatDuration(sg.duration))")
        }
    }

    /// A call's service and policy. A plain name keeps its error on the item itself (as before).
    func call(_ c: Call, _ path: String, plainPath: String) {
        let base = r.isRecorded(join(path, "service")) ? join(path, "service") : plainPath
        known(c.service, in: s.calleeNames, what: "service or dependency", base)
        check(c.probability > 0 && c.probability <= 1, join(path, "probability"), "expected a probability in (0%, 100%], got \(Percent(fraction: c.probability))")
        if let t = c.timeout { check(t > 0, join(path, "timeout"), "expected a positive timeout") }
        check(c.retries >= 0 && c.retries <= 10, join(path, "retries"), "expected 0 to 10 retries, got \(c.retries)")
        if c.retries > 0 && c.timeout == nil { r.error(join(path, "retries"), "retries need a timeout: a call is retried when an attempt times out") }
        check(c.backoff >= 0, join(path, "backoff"), "expected a non-negative backoff")
        if let n = c.pool { check(n >= 1, join(path, "pool"), "expected at least 1 connection, got \(n)") }
    }

    func eventBus() {
        guard let b = s.eventBus else { return }
        for name in b.topicNames {
            check(b.topics[name]!.partitions >= 1, "event_bus.topics.\(name).partitions", "expected at least 1 partition")
        }
        for name in b.consumerGroupNames {
            let g = b.consumerGroups[name]!, p = "event_bus.consumer_groups.\(name)"
            // Services, databases and consumer groups are all stations of the run, found by name.
            if s.serviceNames.contains(name) || s.databaseNames.contains(name) {
                r.error(p, "\"\(name)\" is already a \(s.serviceNames.contains(name) ? "service" : "database"): a consumer group needs a name of its own (e.g. \"\(name)-consumers\")")
            }
            known(g.service, in: s.serviceNames, what: "service", join(p, "service"))
            known(g.topic, in: b.topicNames, what: "topic", join(p, "topic"))
            replicas(g.workers, join(p, "workers"))
            serviceTime(g.serviceTime, join(p, "service_time"))
            if let ls = g.lagScaler {
                check(ls.lagThreshold > 0, join(p, "lag_scaler.lag_threshold"), "expected a positive lag threshold")
                check(ls.activationLag >= 0, join(p, "lag_scaler.activation_lag"), "expected a non-negative activation lag")
            }
            for (i, t) in g.triggers.enumerated() { trigger(t, r.item("\(p).triggers", i), owner: .consumerGroup, serviceName: nil, maxReplicas: g.workers.max) }
        }
    }

    func databases() {
        for name in s.databaseNames {
            let d = s.databases[name]!, p = "databases.\(name)"
            if s.serviceNames.contains(name) { r.error(p, "\"\(name)\" is already a service: a database needs a name of its own (e.g. \"\(name)-db\")") }
            known(d.owner, in: s.serviceNames, what: "service", join(p, "owner"))
            check(d.cpus > 0, join(p, "cpus"), "expected a positive number of vCPUs")
            check(d.maxConnections >= 1, join(p, "max_connections"), "expected at least 1 connection")
            check(d.readReplicas >= 0, join(p, "read_replicas"), "expected a non-negative number of replicas")
            check(d.readRatio >= 0 && d.readRatio <= 1, join(p, "read_ratio"), "expected a ratio from 0% to 100%")
            check(d.keySkew >= 0 && d.keySkew <= 10, join(p, "key_skew"), "expected a Zipf exponent from 0 to 10, got \(trim(d.keySkew))")
            check(d.keys >= 1 && d.keys <= 100_000_000, join(p, "keys"), "expected 1 to 100M keys, got \(d.keys)")
            if let c = d.costPerHour { check(c.amount >= 0, join(p, "cost_per_hour"), "expected a non-negative cost, got \(c)") }
            serviceTime(d.queryTime, join(p, "query_time"))
            for (i, t) in d.triggers.enumerated() { trigger(t, r.item("\(p).triggers", i), owner: .database, serviceName: nil, maxReplicas: 0) }
        }
    }

    func cdn() {
        guard let c = s.cdn else { return }
        // A path is its own route ("cdn /path") and its own row: one row per path, in all groups.
        var first: [String: String] = [:]
        for g in c.groupNames {
            for (i, path) in c.paths[g]!.enumerated() {
                let p = r.item("cdn.\(g)", i)
                if let earlier = first[path.path] {
                    r.error(join(p, "path"), "\"\(path.path)\" is already listed at \(earlier): list each path once")
                } else {
                    first[path.path] = p
                }
                check(path.path.hasPrefix("/"), join(p, "path"), "expected a URL path starting with /, got \"\(path.path)\"")
                check(path.ttl > 0, join(p, "ttl"), "expected a positive TTL")
                if let svc = path.service { known(svc, in: s.serviceNames, what: "service", join(p, "service")) }
                if let h = path.hitRatio { check(h >= 0 && h <= 1, join(p, "hit_ratio"), "expected a hit ratio from 0% to 100%, got \(Percent(fraction: h))") }
                if let o = path.objects { check(o >= 1, join(p, "objects"), "expected at least 1 object, got \(trim(o))") }
                if let rate = path.rate {
                    check(rate >= 0, join(p, "rate"), "expected a non-negative rate")
                    if path.service == nil { r.error(join(p, "rate"), "a simulated CDN path needs the origin service its misses go to") }
                    if path.hitRatio == nil && path.objects == nil {
                        r.error(join(p, "rate"), "give hit_ratio, or objects (distinct objects under the path) to derive it from the TTL")
                    }
                }
            }
        }
    }

    func seasons() {
        for name in s.seasons.keys.sorted() {
            let se = s.seasons[name]!, p = "seasons.\(name)"
            for (i, h) in se.holidays.enumerated() { known(h, in: ScenarioFormat.holidays, what: "holiday or observance", r.item("\(p).holidays", i)) }
            for (i, svc) in se.services.enumerated() { known(svc, in: s.serviceNames, what: "service", r.item("\(p).services", i)) }
            check(se.multiplier > 0 && se.multiplier <= 20, join(p, "multiplier"), "expected a multiplier in (0, 20], got \(trim(se.multiplier))")
            check(se.shift >= 0 && se.shift < 86_400, join(p, "shift"), "expected a shift from 0s to under 24h, got \(formatDuration(se.shift))")
        }
    }

    func simulation() {
        let m = s.simulation
        check(m.duration > 0, "simulation.duration", "expected a positive duration")
        check(m.replications >= 1 && m.replications <= 10_000, "simulation.replications", "expected 1 to 10000 runs, got \(m.replications)")
        check(m.warmup < m.duration, "simulation.warmup", "warm-up \(formatDuration(m.warmup)) is not shorter than the run \(formatDuration(m.duration))")
        check(m.samplePeriod > 0 && m.samplePeriod <= m.duration, "simulation.sample_period", "expected a period in (0, duration]")
        if let start = m.start, SimulationClock.secondsAfterMidnightEAT(start) == nil {
            r.error("simulation.start", "expected an ISO 8601 time like \"2026-09-11T18:00:00+03:00\" (EAT when no offset is given), got \"\(start)\"")
        }
        if case .diurnal = s.traffic?.profile, m.start == nil {
            r.error("traffic.profile", "a diurnal profile needs simulation.start, to know the time of day the run begins (e.g. \"2026-09-11T18:00:00+03:00\")")
        }
    }

    func expectations() {
        let entities = s.serviceNames + s.databaseNames + (s.eventBus?.consumerGroupNames ?? [])
        for (i, e) in s.expectations.enumerated() {
            let p = r.item("expect", i)
            window(e.during, join(p, "during"))
            recovery(e, p)
            switch e.kind {
            case .noAlert:
                known(e.target ?? "", in: entities, what: "service, database or consumer group", join(p, "no_alert"))
            case .noBacklog(let lasting):
                if let lasting { check(lasting > 0, join(p, "for"), "expected a positive duration") }
                if e.target != Expectation.everywhere {
                    known(e.target ?? "", in: entities, what: "service, database or consumer group (or all)", join(p, "no_backlog"))
                }
            case .survives(let fault):
                known(fault, in: s.faults.map(\.name), what: "fault", join(p, "survives"))
                if !s.services.values.contains(where: { $0.slo != nil }) { r.error(join(p, "survives"), "no service has an slo: for survives to hold") }
            case .scalesUpWithin(_, let surge):
                if let t = e.target { known(t, in: s.serviceNames, what: "service", join(p, "service")) }
                known(surge, in: s.traffic?.surges.map(\.name) ?? [], what: "surge", join(p, "after"))
            case .metric(let m, _, _):
                if let route = e.route {
                    known(route, in: s.traffic?.routeNames ?? [], what: "route", join(p, "route"))
                    if let network = e.network {
                        if let c = s.clients {
                            known(network, in: c.networkNames, what: "network of clients.networks", join(p, "network"))
                        } else {
                            r.error(join(p, "network"), "a network row measures the users of a clients.networks class: the scenario has no clients: section")
                        }
                        if !Expectation.networkMetrics.contains(m) {
                            r.error(join(p, "metric"), "a network row measures \(Expectation.networkMetrics.map(\.rawValue).joined(separator: ", ")), got \(m.rawValue)")
                        }
                    } else if !Expectation.routeMetrics.contains(m) {
                        r.error(join(p, "metric"), "a route row measures \(Expectation.routeMetrics.map(\.rawValue).joined(separator: ", ")), got \(m.rawValue)")
                    } else if Expectation.clientMetrics.contains(m) && s.clients == nil {
                        r.error(join(p, "metric"), "\(m.rawValue) counts the users' attempts: it needs a clients: section")
                    }
                    if Expectation.clientMetrics.contains(m) && e.during != nil {
                        r.error(join(p, "during"), "\(m.rawValue) is measured over the whole run (after warm-up); remove during")
                    }
                } else if Expectation.clientMetrics.contains(m) {
                    r.error(join(p, "metric"), "\(m.rawValue) is measured per route (and network): add route")
                } else if m == .costPerDay {
                    if e.target != nil { r.error(join(p, "service"), "cost_per_day is a platform metric; remove service") }
                    if e.during != nil { r.error(join(p, "during"), "cost_per_day is a whole-run metric; remove during") }
                } else if let t = e.target {
                    known(t, in: s.serviceNames, what: "service", join(p, "service"))
                } else {
                    r.error(join(p, "service"), "missing: the service whose \(m.rawValue) is measured")
                }
            }
        }
    }

    /// A row's window must name a surge or a season of the scenario, or be an interval of
    /// simulated time.
    /// A recovery row's fault must be one of the scenario's.
    func recovery(_ e: Expectation, _ path: String) {
        guard let rec = e.recovery else { return }
        known(rec.fault, in: s.faults.map(\.name), what: "fault", join(path, "after"))
        check(rec.within >= 0, join(path, "recovers_within"), "expected a duration of zero or more, got \(formatDuration(rec.within))")
    }

    func window(_ w: Expectation.Window?, _ path: String) {
        switch w {
        case nil: return
        case .named(let n):
            let surges = s.traffic?.surges.map(\.name) ?? []
            known(n, in: surges + s.seasons.keys.sorted() + s.faults.map(\.name), what: "surge, season or fault", path)
            if s.seasons[n] != nil && s.simulation.start == nil {
                r.error(path, "the season \(n) falls on calendar days: set simulation.start so capsim knows when the run is")
            }
        case .interval(let from, let to):
            check(from >= 0, join(path, "from"), "expected a time from the start of the run, got a negative one")
            check(to > from, join(path, "to"), "expected the end after from (\(formatDuration(from))), got \(formatDuration(to))")
        }
    }

    /// Dependencies: a name of their own, an error rate below 100 %, a positive limit.
    func dependencies() {
        let taken = Set(s.serviceNames + s.databaseNames + (s.eventBus?.consumerGroupNames ?? []))
        for name in s.dependencyNames {
            let d = s.dependencies[name]!, p = "dependencies.\(name)"
            if taken.contains(name) { r.error(p, "\"\(name)\" is already a service, database or consumer group: a dependency needs a name of its own") }
            check(d.errorRate >= 0 && d.errorRate < 1, join(p, "error_rate"), "expected an error rate from 0% to below 100%, got \(Percent(fraction: d.errorRate))")
            if let n = d.concurrency { check(n >= 1, join(p, "concurrency"), "expected at least 1 call in flight, got \(n)") }
            // A partner's latency is a service time like any other (found by the mutation fuzzer:
            // an impossible lognormal gave NaN service times and an engine error).
            serviceTime(d.latency, join(p, "latency"))
        }
    }

    /// `clients:`: traffic to apply to, a positive timeout, a sane number of retries, an
    /// ordered backoff, and networks whose shares sum to 100 % with losses below 100 %.
    func clients() {
        guard let c = s.clients else { return }
        if s.traffic == nil { r.error("clients", "clients apply to traffic.routes: the scenario has no traffic block") }
        check(c.timeout > 0, "clients.timeout", "expected a positive timeout, got \(formatDuration(c.timeout))")
        check(c.retries >= 0 && c.retries <= 20, "clients.retries", "expected 0 to 20 retries (attempts after the first), got \(c.retries)")
        check(c.backoff.base >= 0, "clients.backoff.base", "expected a non-negative duration, got \(formatDuration(c.backoff.base))")
        check(c.backoff.max >= c.backoff.base, "clients.backoff.max", "expected a cap of at least the base (\(formatDuration(c.backoff.base))), got \(formatDuration(c.backoff.max))")
        if c.networks.isEmpty && r.isRecorded("clients.networks") { r.error("clients.networks", "expected at least one network class, like urban-4g: {share: 100%, rtt: 80ms}") }
        var total = 0.0
        for n in c.networks {
            let p = "clients.networks.\(n.name)"
            check(n.share > 0 && n.share <= 1, join(p, "share"), "expected a share above 0% and at most 100%, got \(Percent(fraction: n.share))")
            check(n.loss >= 0 && n.loss < 1, join(p, "loss"), "expected a loss probability from 0% to below 100%, got \(Percent(fraction: n.loss))")
            serviceTime(n.rtt, join(p, "rtt"))
            total += n.share
        }
        if !c.networks.isEmpty && abs(total - 1) > 1e-6 {
            r.error("clients.networks", "the networks' shares sum to \(Percent(fraction: total)); they must sum to 100% (\(c.networks.map { "\($0.name) \(Percent(fraction: $0.share))" }.joined(separator: " + ")))")
        }
    }

    /// The exchange rate is needed only where two currencies meet: a price in the currency
    /// other than the reporting one (prices in both; or `report_in` naming the other), or
    /// `show_both`. Each such price is reported at its own line, naming both currencies.
    /// (An expectation's amount is converted, and checked, as it is decoded.)
    func money() {
        let c = s.currency
        if let rate = c.etbPerUSD {
            check(rate > 0, "currency.etb_per_usd", "expected a positive exchange rate (birr per US dollar), like \"155\", got \(trim(rate))")
            return
        }
        let prices = s.serviceNames.compactMap { n in s.services[n]!.costPerInstanceHour.map { ("services.\(n).cost_per_instance_hour", $0) } }
            + s.databaseNames.compactMap { n in s.databases[n]!.costPerHour.map { ("databases.\(n).cost_per_hour", $0) } }
            + s.faults.indices.compactMap { i in s.faults[i].spotPrice.map { (join(r.item("faults", i), "spot_price"), $0) } }
        let lead = c.reportIn, other = lead.other
        let rate = "currency.etb_per_usd (birr per US dollar), like \"155\""
        // Without report_in the reporting currency is the prices' own, so a price in the other
        // currency means the prices are in both, and one in the reporting currency exists.
        let why = r.isRecorded("currency.report_in") ? "currency.report_in is \(lead.rawValue)"
            : prices.first { $0.1.currency == lead }.map { "\($0.0) is in \(lead.rawValue)" } ?? "the scenario reports in \(lead.rawValue)"
        for (path, price) in prices where price.currency == other {
            r.error(path, "a price in \(other.rawValue) while \(why): converting between \(other.rawValue) and \(lead.rawValue) needs \(rate)")
        }
        if c.showBoth {
            r.error("currency.show_both", "showing \(other.rawValue) beside \(lead.rawValue) needs \(rate)")
        }
    }
}

import Foundation
