import Autoscaling
import CapsimModel

/// Autoscaling in the run: each service's HPA and lag scaler (the same controllers `replay`
/// drives), the seed's triggers evaluated on every sample, and what they did — the scaling
/// event log, scale-ups and -downs, alerts, and the fewest and most replicas seen.
struct Scaling {
    var hpas: [Int: HPAController] = [:]
    var lagScalers: [Int: LagScalerPolicy] = [:]
    var triggers: [Int: TriggerEvaluator] = [:]
    /// Per station, route index → route name, for route-scoped triggers.
    var routeScoped: [Int: [Int: String]] = [:]
    var events: [ScalingEvent] = []
    var scaleUps: [Int]
    var scaleDowns: [Int]
    var alerts: [Int]
    var minSeen: [Int]
    var maxSeen: [Int]

    /// Also gives each station a latency window per route its triggers watch.
    init(stations: [Station], routeNames: [String]) {
        scaleUps = stations.map { _ in 0 }
        scaleDowns = scaleUps
        alerts = scaleUps
        minSeen = stations.map { $0.spec.replicas.initial }
        maxSeen = minSeen
        for st in stations {
            let sp = st.spec
            if let h = sp.hpa { hpas[st.index] = HPAController(hpa: h, replicas: sp.replicas, service: sp.name) }
            if let l = sp.lagScaler { lagScalers[st.index] = LagScalerPolicy(config: l, workers: sp.replicas, partitions: sp.parallelCap ?? 1, service: sp.name) }
            guard !sp.triggers.isEmpty else { continue }
            triggers[st.index] = TriggerEvaluator(triggers: sp.triggers, service: sp.name, maxReplicas: sp.replicas.max)
            for t in sp.triggers {
                if let r = t.route, let ri = routeNames.firstIndex(of: r) {
                    routeScoped[st.index, default: [:]][ri] = r
                    st.routeWindows[ri] = windowHistogram()
                }
            }
        }
    }

    /// Stations with a controller that syncs on a period (an HPA or a lag scaler).
    var controlled: [Int] { Set(hpas.keys).union(lagScalers.keys).sorted() }
}

extension Simulator {
    func scheduleControllers() {
        for i in scaling.controlled {
            kernel.schedule(.controllerSync, at: stations[i].spec.hpa?.syncPeriod ?? Defaults.hpaSyncPeriod, Int32(i))
        }
    }

    /// Sets a service's replica count: new pods start (ready after the start-up delay);
    /// removed pods are the unready first, then the newest, and drain their work first.
    func scale(_ s: Int, to target: Int) {
        let st = stations[s]
        let current = st.replicas
        guard target != current else { return }
        if target > current {
            for _ in current..<target { startPod(st) }
            scaling.scaleUps[s] += 1
        } else {
            var remove = current - target
            for state in [PodState.starting, .ready] {
                for p in st.pods.indices.reversed() where remove > 0 && st.pods[p].state == state {
                    st.pods[p].state = .draining
                    remove -= 1
                }
            }
            scaling.scaleDowns[s] += 1
        }
        st.rebuildRoutable()
        st.accountPods(now, measuring: measuring)
        for p in st.pods.indices where st.pods[p].state == .draining { pull(st, pod: p) }
        if st.replicas < scaling.minSeen[s] { scaling.minSeen[s] = st.replicas }
        if st.replicas > scaling.maxSeen[s] { scaling.maxSeen[s] = st.replicas }
    }

    func record(_ d: Decision, window: Double?, label: String, to: Int) {
        scaling.events.append(ScalingEvent(time: now, service: d.service, policy: label, rule: d.rule, metricValue: d.metricValue, window: window,
                                           from: d.current, to: to, reason: d.reason, alert: d.alert))
    }

    func controllerSync(_ s: Int) {
        let st = stations[s]
        if var ls = scaling.lagScalers[s] {
            let obs = Observation(time: now, service: st.name, replicas: st.replicas, metrics: [.consumerLag: Double(st.queueLength)])
            let d = ls.evaluate(obs)
            scaling.lagScalers[s] = ls
            if d.desired != d.current { record(d, window: nil, label: "lag-scaler", to: d.desired); scale(s, to: d.desired) }
            kernel.schedule(.controllerSync, at: now + Defaults.hpaSyncPeriod, Int32(s))
            return
        }
        guard var hpa = scaling.hpas[s] else { return }
        let pods = st.pods.enumerated().compactMap { i, p -> PodSample? in
            guard p.isReplica else { return nil }
            // A starting pod is Pending: its start-up delay stands for scheduling, the image
            // pull and the boot, and it reports no metrics until it is ready.
            var sample = PodSample(name: "\(st.name)-\(i)", ready: p.state == .ready, age: now - p.started,
                                   readyFor: p.state == .ready ? now - p.readyAt : nil, cpuRequest: st.requestCores * 1000, cpuUsage: p.lastUsage)
            if p.state == .starting { sample.phase = .pending }
            return sample
        }
        let obs = Observation(time: now, service: st.name, replicas: st.replicas, pods: pods, metrics: hpaMetrics(st),
                              scheduled: scheduledMinimum(s))
        let d = hpa.reconcile(obs)
        scaling.hpas[s] = hpa
        // Only changes go to the event log: a hold ("stabilized", "tolerance") every 15 s per
        // service would bury them; `replay` prints every decision when the holds matter.
        if d.desired != d.current { record(d, window: nil, label: "hpa", to: d.desired) }
        if d.desired != obs.replicas { scale(s, to: d.desired) }
        kernel.schedule(.controllerSync, at: now + st.spec.hpa!.syncPeriod, Int32(s))
    }

    /// The last sample's metrics as the HPA's metric sources report them. The sample holds the
    /// service's totals (requests per second, queued, in flight); a Pods metric is the average
    /// over the pods that have a sample — the ready ones, which serve — as the custom metrics
    /// API gives it per pod and the controller averages. Object and External metrics stay the
    /// service's one value; latencies are already per-request figures and are not divided.
    func hpaMetrics(_ st: Station) -> [Metric: Double] {
        var m = metrics.last[st.index] ?? [:]
        let ready = st.pods.reduce(0) { $0 + ($1.state == .ready ? 1 : 0) }
        for spec in st.spec.hpa?.metrics ?? [] where spec.source == .pods && [.throughput, .queueLength, .inFlight].contains(spec.metric) {
            m[spec.metric] = ready > 0 ? m[spec.metric].map { $0 / Double(ready) } : nil
        }
        return m
    }

    /// The seed's triggers on one station's sample: each decision is logged; an add-instances
    /// or add-queue-workers action scales, an alert is counted.
    func evaluateTriggers(_ st: Station, _ m: [Metric: Double], routeMetrics: [String: [Metric: Double]]) {
        guard var ev = scaling.triggers[st.index] else { return }
        let obs = Observation(time: now, service: st.name, replicas: st.replicas, metrics: m)
        for d in ev.evaluate(obs, routeMetrics: routeMetrics) {
            guard case .trigger(let i) = d.policy else { continue }
            let t = st.spec.triggers[i]
            let label = "trigger[\(i)]" + (t.label.map { " " + $0 } ?? "")
            if d.alert != nil { scaling.alerts[st.index] += 1 }
            record(d, window: t.sustained, label: label, to: d.desired)
            if d.desired != obs.replicas {
                switch t.action {
                case .addInstances, .addQueueWorkers: scale(st.index, to: d.desired)
                case .alert: break
                }
            }
        }
        scaling.triggers[st.index] = ev
    }
}
