import CapsimModel
import Histogram

extension Simulator {
    /// Percentiles by HdrHistogram (3 significant digits) over the run's buckets; the mean from
    /// the exact sum of latencies.
    static func summary(_ lh: LogHistogram, _ sum: Double) -> LatencySummary? {
        guard lh.total > 0 else { return nil }
        // Tracks a day, as the run's histograms do: a bucket beyond the range would be dropped
        // and the mean (over every completion) would exceed the max.
        var h = LatencyHistogram(highestTrackableValue: 86_400_000_000, numberOfSignificantValueDigits: .three)
        lh.forEachBucket { v, c in _ = h.record(v, count: c) }
        // The max is the bucket's equivalent value (as before) but never above the exact largest.
        return LatencySummary(mean: sum / Double(lh.total), p50: Double(h.valueAtPercentile(50)) / 1e6, p90: Double(h.valueAtPercentile(90)) / 1e6, p95: Double(h.valueAtPercentile(95)) / 1e6,
                              p99: Double(h.valueAtPercentile(99)) / 1e6, max: Double(min(h.max, lh.maxValue)) / 1e6)
    }

    /// Whether a route can fail with an error answer: any step calls an external dependency,
    /// or the run fails a database over (its refused queries fail their requests with errors).
    func answersErrors(route: Int) -> Bool {
        faults.failovers.contains { $0 != nil } || routes.steps[route].joined().contains { stations[Int($0.station)].spec.kind == .dependency }
    }

    /// Closes the run's accounts (an engine error if they do not balance) and gathers the
    /// summaries, the timelines and the scaling log.
    func finish() throws -> SimulationResult {
        if !accountsOpen { openAccounts(popped: nil) }
        let census = census()
        try closeAccounts(census)
        let money = scenario.currency
        let db = databases
        let services = stations.map { st -> ServiceSummary in
            st.accountPods(now, measuring: true)
            for p in st.pods.indices {
                if let since = st.pods[p].throttledSince { st.throttledSeconds += max(0, now - max(since, options.warmup)) }
            }
            // A dependency's one "pod" stands for the partner: no instance of ours, no cost.
            let hours = st.spec.kind == .dependency ? 0 : st.podSeconds / 3600
            // Spot pod-hours at the spot price (`SpotCapacity`); the rest at the service's own.
            let spotHours = spot.share[st.index] == nil ? nil : st.spotPodSeconds / 3600
            let cost = money.split(spot.cost(st, hours: hours, spotHours: spotHours ?? 0))
            let i = st.index
            let isService = i < serviceCount
            var summary = ServiceSummary(service: st.name, arrivals: st.arrivals, completed: st.completed, dropped: st.dropped, timedOut: st.timedOut,
                                  latency: Simulator.summary(st.runLatency, st.runLatencySum), maxQueue: st.maxQueue,
                                  minReplicas: scaling.minSeen[i], maxReplicas: scaling.maxSeen[i], instanceHours: hours,
                                  costEtb: cost.etb, costUsd: cost.usd, scaleUps: scaling.scaleUps[i], scaleDowns: scaling.scaleDowns[i],
                                  alerts: scaling.alerts[i], sloBreaches: st.sloBreaches, sloMetric: st.spec.slo?.metric.rawValue,
                                  kind: st.spec.kind == .service ? nil : st.spec.kind.rawValue,
                                  cacheHitRatio: isService && st.spec.service?.cache != nil && db.cacheLookups[i] > 0 ? Double(db.cacheHits[i]) / Double(db.cacheLookups[i]) : nil,
                                  databaseQueries: isService && db.links[i] != nil ? db.cacheLookups[i] - db.cacheHits[i] : nil,
                                  inFlightAtStart: presentAtStart[i], inFlightAtEnd: census.present[i],
                                  wait: Simulator.summary(st.runWait, st.runWaitSum),
                                  serviceMean: st.completed > 0 ? st.runServiceSum / Double(st.completed) : nil,
                                  longestService: st.longestService > 0 ? st.longestService : nil,
                                  maxBlocked: st.maxBlocked, blockedAtEnd: census.blocked[i],
                                  blockedWait: Simulator.summary(st.runBlockedWait, st.runBlockedWaitSum),
                                  serviceTime: Simulator.summary(st.runService, st.runServiceSum),
                                  waitProbability: st.runStarted > 0 ? Double(st.runQueued) / Double(st.runStarted) : nil,
                                  cpuPeak: st.spec.kind == .service ? st.peakCPU : nil,
                                  throttledPodSeconds: st.spec.kind == .service ? st.throttledSeconds : nil,
                                  lost: faults.faults.isEmpty ? nil : st.lost)
            summary.spotInstanceHours = spotHours
            return summary
        }
        let routeSummaries = routes.names.enumerated().map { i, n in
            RouteSummary(route: n, completed: routes.completed[i], latency: Simulator.summary(routes.runLatency[i], routes.runSum[i]),
                         failed: routes.plain[i] ? nil : routes.failures[i].callTimeout, arrivals: routes.arrivals[i],
                         dropped: routes.failures[i].dropped, timedOut: routes.failures[i].queueTimeout,
                         errors: answersErrors(route: i) ? routes.failures[i].error : nil,
                         inFlightAtStart: routesAtStart[i], inFlightAtEnd: census.routes[i],
                         podLost: faults.faults.isEmpty ? nil : routes.failures[i].podLost,
                         retries: faults.faults.isEmpty ? nil : routes.retries[i])
        }
        var result = SimulationResult(scenario: scenario.name, seed: options.seed, duration: options.duration, warmup: options.warmup,
                                samplePeriod: options.samplePeriod, currencies: money.shown, events: kernel.processed, services: services, routes: routeSummaries,
                                timeline: metrics.timeline, routeTimeline: metrics.routeTimeline, scaling: scaling.events,
                                cdn: cdnPaths.isEmpty ? nil : cdnPaths,
                                windows: windows.names.isEmpty ? nil : windows.summaries(routeNames: routes.names, plain: routes.plain,
                                                                                          dependent: routes.names.indices.map(answersErrors),
                                                                                          stationNames: stations.map(\.name),
                                                                                          faultRun: !faults.faults.isEmpty))
        result.faults = faultSummaries()
        result.clients = clientSummary()
        return result
    }
}
