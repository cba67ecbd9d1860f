import Autoscaling
import CapsimModel

/// What the run measured every sample period: one row per station and per route, and each
/// station's latest metrics, which the HPA reads at its next sync.
struct Metrics {
    var timeline: [ServiceSample] = []
    var routeTimeline: [RouteSample] = []
    /// Per station, the metrics of the last sample.
    var last: [Int: [Metric: Double]] = [:]

    /// Mean (exact), p50, p90, p95 and p99 of a window, in seconds.
    static func stats(_ h: LogHistogram, sum: Double, count: Int) -> (mean: Double, p50: Double, p90: Double, p95: Double, p99: Double)? {
        guard count > 0 else { return nil }
        let v = h.values(atPercentiles: [50, 90, 95, 99]).map { Double($0) / 1e6 }
        return (sum / Double(count), v[0], v[1], v[2], v[3])
    }
}

extension Simulator {
    func scheduleFirstSample() { kernel.schedule(.sample, at: options.samplePeriod) }

    /// Closes a sample window: each station's row and metrics (its SLO checked, its triggers
    /// evaluated), each route's row, and the windows reset.
    func sample() {
        let period = options.samplePeriod
        for st in stations {
            var usageSum = 0.0, readyPods = 0
            for p in st.pods.indices where st.pods[p].state == .ready || st.pods[p].state == .draining {
                let span = min(period, now - st.pods[p].readyAt)
                // Usage is counted as each request starts, so a window can hold a little of the
                // next one's work; a pod never uses more than its ceiling, and never reads more.
                let usage = span > 0 ? min(st.pods[p].cpuWindow / span, st.limitCores) * 1000 : 0
                st.pods[p].lastUsage = usage
                st.pods[p].cpuWindow = 0
                if st.pods[p].state == .ready { usageSum += usage / (st.requestCores * 1000); readyPods += 1 }
            }
            let cpu = readyPods > 0 ? usageSum / Double(readyPods) : 0
            if now > options.warmup, cpu > st.peakCPU { st.peakCPU = cpu }
            let lat = Metrics.stats(st.wLatency, sum: st.wLatencySum, count: st.wCompleted)
            let queueLength = st.queueLength
            let row = ServiceSample(time: now, service: st.name, replicas: st.replicas, ready: st.readyCount, starting: st.startingCount,
                                    cpuUtilization: cpu, inFlight: st.busySlots + queueLength, queueLength: queueLength,
                                    arrivalRate: Double(st.wArrivals) / period, throughput: Double(st.wCompleted) / period,
                                    latencyMean: lat?.mean, latencyP50: lat?.p50, latencyP95: lat?.p95, latencyP99: lat?.p99,
                                    dropped: st.wDropped, timedOut: st.wTimedOut, blocked: st.blocked,
                                    waitMean: st.wStarted > 0 ? st.wWaitSum / Double(st.wStarted) : nil,
                                    blockedWaitMean: st.wUnblocked > 0 ? st.wBlockedWaitSum / Double(st.wUnblocked) : nil)
            metrics.timeline.append(row)
            var m: [Metric: Double] = [.cpuUtilization: cpu, .queueLength: Double(queueLength), .inFlight: Double(row.inFlight),
                                       .throughput: row.throughput,
                                       .errorRate: st.wArrivals > 0 ? Double(st.wDropped + st.wTimedOut) / Double(st.wArrivals) : 0]
            if let lat { m[.latencyMean] = lat.mean; m[.latencyP50] = lat.p50; m[.latencyP90] = lat.p90; m[.latencyP95] = lat.p95; m[.latencyP99] = lat.p99 }
            switch st.spec.kind {
            case .consumerGroup: m[.consumerLag] = Double(queueLength)
            case .databasePrimary, .databaseReplicas:
                m[.connectionsInUse] = Double(row.inFlight)
                if let db = scenario.databases[st.name.replacingOccurrences(of: "/replicas", with: "")] { m[.replicationLag] = db.replicationLag }
            case .service, .dependency: break
            }
            metrics.last[st.index] = m
            if measuring, let slo = st.spec.slo, let v = m[slo.metric], v > slo.threshold { st.sloBreaches += 1 }
            var routeMetrics: [String: [Metric: Double]] = [:]
            for (ri, name) in scaling.routeScoped[st.index] ?? [:] {
                let h = st.routeWindows[ri]!
                if h.total > 0 {
                    let v = h.values(atPercentiles: [50, 90, 95, 99]).map { Double($0) / 1e6 }
                    routeMetrics[name] = [.latencyP50: v[0], .latencyP90: v[1], .latencyP95: v[2], .latencyP99: v[3]]
                    st.routeWindows[ri]!.reset()
                }
            }
            evaluateTriggers(st, m, routeMetrics: routeMetrics)
            if st.wCompleted > 0 { st.wLatency.reset() }
            st.wArrivals = 0; st.wCompleted = 0; st.wDropped = 0; st.wTimedOut = 0; st.wLatencySum = 0
            st.wWaitSum = 0; st.wStarted = 0; st.wBlockedWaitSum = 0; st.wUnblocked = 0
        }
        routes.sample(at: now, into: &metrics.routeTimeline)
        if now + period <= options.duration + 1e-9 { kernel.schedule(.sample, at: now + period) }
    }
}
