import CapsimModel
import Foundation
import Simulation

/// One service's section: its facts, its run figures and six charts with its scaling
/// decisions and trigger rows drawn on them.
extension HTMLSimulationReport {
    /// The trigger a `policy` like "trigger[2] Label" names.
    func trigger(_ e: ScalingEvent, _ sv: Service?) -> Trigger? {
        guard let sv, e.policy.hasPrefix("trigger["), let close = e.policy.firstIndex(of: "]"),
              let i = Int(e.policy[e.policy.index(e.policy.startIndex, offsetBy: 8)..<close]), sv.autoscaling.triggers.indices.contains(i) else { return nil }
        return sv.autoscaling.triggers[i]
    }

    func triggerText(_ t: Trigger, _ i: Int) -> String {
        var s = "trigger[\(i)]" + (t.label.map { " " + $0 } ?? "") + ": \(t.metric.rawValue)"
        if let route = t.route { s += " on route \(route)" }
        s += " \(t.comparison == .above ? ">" : "<") \(ChartFormat.threshold(t.threshold, t.metric))"
        if t.sustained > 0 { s += " for \(formatDuration(t.sustained))" }
        switch t.action {
        case .addInstances(let k): s += " → add \(k)"
        case .addQueueWorkers(let k): s += " → add \(k) queue workers"
        case .alert(let text): s += " → alert \u{201C}\(text)\u{201D}"
        }
        return s
    }

    /// A reference line for each trigger row on `metric`.
    func triggerLines(_ sv: Service?, _ metrics: Set<Metric>, scale: Double = 1) -> [SVGChart.ReferenceLine] {
        guard let sv else { return [] }
        return sv.autoscaling.triggers.enumerated().compactMap { i, t in
            guard metrics.contains(t.metric) else { return nil }
            var label = (t.label ?? "trigger[\(i)]") + " \(t.comparison == .above ? ">" : "<") \(ChartFormat.threshold(t.threshold, t.metric))"
            if metrics.count > 1 { label += " (\(ChartFormat.statistic(t.metric.rawValue))\(t.route.map { ", " + $0 } ?? ""))" }
            else if let route = t.route { label += " (\(route))" }
            return .init(value: t.threshold * scale, label: label, color: ChartPalette.trigger, dash: "3 3")
        }
    }

    func eventTitle(_ e: ScalingEvent) -> String {
        var s = "\(clock.full(e.time)) · \(e.service) · \(e.policy)"
        s += e.alert != nil ? " · alert: \(e.alert!)" : ": \(e.from) → \(e.to) replicas"
        s += "\n" + e.reason
        if !e.rule.isEmpty && !e.reason.contains(e.rule) { s += "\nrule: " + e.rule }
        return s
    }

    func facts(_ sv: Service?) -> String {
        guard let sv else { return "" }
        var f: [String] = []
        if let slo = SimulationVerdict.slo(sv.slo) { f.append("SLO <b>\(esc(slo))</b>") }
        f.append("replicas <b>\(sv.replicas.min)–\(sv.replicas.max)</b> (start \(sv.replicas.initial))")
        if let hpa = sv.autoscaling.hpa {
            let m = hpa.metrics.map { "\(ChartFormat.statistic($0.metric.rawValue).replacingOccurrences(of: "_", with: " ")) \($0.metric == .cpuUtilization ? ChartFormat.percent($0.target) : ChartFormat.threshold($0.target, $0.metric))" }
            f.append("HPA at <b>\(esc(m.joined(separator: ", ")))</b>")
        }
        for (i, t) in sv.autoscaling.triggers.enumerated() { f.append(esc(triggerText(t, i))) }
        f.append("capacity <b>\(esc(ChartFormat.rps(sv.capacity.rps)))</b> per instance (\(sv.capacity.concurrency) slot\(sv.capacity.concurrency == 1 ? "" : "s"))")
        f.append("startup \(esc(formatDuration(sv.startupDelay)))")
        if let limit = sv.queue.limit { f.append("queue limit \(ChartFormat.grouped(limit))") }
        if let timeout = sv.queue.timeout { f.append("time-out \(esc(formatDuration(timeout)))") }
        let rate = costRate(sv.name)
        if rate > 0 { f.append("\(esc(ChartFormat.money(rate, result.currencies.lead))) per instance-hour") }
        return f.joined(separator: " · ")
    }

    func serviceSection(_ s: ServiceSummary, index: Int) -> String {
        let sv = scenario.services[s.service]
        let xs = samples[s.service] ?? []
        let evs = events[s.service] ?? []
        let id = "s\(index)"
        var tag = ""
        if s.sloBreaches > 0 { tag += "<span class=\"tag bad\">\(s.sloBreaches) SLO breach window\(s.sloBreaches == 1 ? "" : "s")</span>" }
        else if s.sloMetric != nil { tag += "<span class=\"tag ok\">SLO met</span>" }
        if s.dropped + s.timedOut > 0 { tag += "<span class=\"tag bad\">\(ChartFormat.grouped(s.dropped + s.timedOut)) lost</span>" }
        var o = "<section class=\"svc\" id=\"\(id)\"><h3>\(esc(s.service))\(tag)</h3>"
        o += "<p class=\"facts\">\(facts(sv))</p>"
        o += "<p class=\"facts\">run: p50 <b>\(esc(ChartFormat.latency(s.latency?.p50)))</b> · p95 <b>\(esc(ChartFormat.latency(s.latency?.p95)))</b> · p99 <b>\(esc(ChartFormat.latency(s.latency?.p99)))</b>"
        o += " · max queue\(sv?.queue.discipline == .perInstance ? " at one pod" : "") <b>\(ChartFormat.grouped(s.maxQueue))</b> · replicas <b>\(s.minReplicas)–\(s.maxReplicas)</b> · \(esc(ChartFormat.number(s.instanceHours, sig: 4))) instance-h · <b>\(esc(ChartFormat.money(s.cost(in: result.currencies.lead), result.currencies.lead)))</b>"
        if let peak = s.cpuPeak, let sv {
            o += " · peak CPU <b>\(ChartFormat.percent(peak))</b> of request (\(esc(CPUBreakdown.ceiling(sv, scenario.platform)))) · throttled \(esc(CPUBreakdown.throttled(s.throttledPodSeconds ?? 0)))"
        }
        o += "</p>"
        o += "<div class=\"grid2\">"
        for c in [instancesChart(id, s, sv, xs, evs), latencyChart(id, sv, xs, evs), queueChart(id, sv, xs, evs), cpuChart(id, sv, xs, evs),
                  rateChart(id, sv, xs, evs), costChart(id, s, sv, xs)] {
            o += "<figure>\(c.render())</figure>"
        }
        return o + "</div></section>"
    }

    func instancesChart(_ id: String, _ s: ServiceSummary, _ sv: Service?, _ xs: [ServiceSample], _ evs: [ScalingEvent]) -> SVGChart {
        var c = chart("\(id)-inst", "Instances", y: "instances (pods)")
        c.series = [
            .init(name: "starting (shaded)", color: ChartPalette.starting, style: .stepBand,
                  points: xs.map { ChartPoint(x: $0.time, y: Double($0.ready + $0.starting), base: Double($0.ready)) }, fillOpacity: 0.45),
            .init(name: "replicas", color: ChartPalette.replicas, style: .step, points: xs.map { ChartPoint(x: $0.time, y: Double($0.replicas)) }, width: 2.2),
            .init(name: "ready", color: ChartPalette.ready, style: .step, points: xs.map { ChartPoint(x: $0.time, y: Double($0.ready)) }, dashed: true, width: 1.6),
        ]
        if let sv {
            c.references.append(.init(value: Double(sv.replicas.max), label: "max \(sv.replicas.max)", color: ChartPalette.limit))
            if sv.replicas.min != sv.replicas.max {
                c.references.append(.init(value: Double(sv.replicas.min), label: "min \(sv.replicas.min)", color: ChartPalette.limit, dash: "2 3"))
            }
        }
        var kinds: [SVGChart.Marker.Shape] = []
        for e in evs {
            let shape: SVGChart.Marker.Shape = e.alert != nil ? .diamond : (e.to > e.from ? .up : (e.to < e.from ? .down : .circle))
            let color = e.alert != nil ? ChartPalette.alert : (e.to > e.from ? ChartPalette.scaleUp : (e.to < e.from ? ChartPalette.scaleDown : ChartPalette.limit))
            c.markers.append(.init(x: e.time, y: Double(e.alert != nil ? e.from : e.to), shape: shape, color: color, title: eventTitle(e)))
            if !kinds.contains(shape) { kinds.append(shape) }
        }
        let legend: [(SVGChart.Marker.Shape, String, String)] = [(.up, ChartPalette.scaleUp, "scale up"), (.down, ChartPalette.scaleDown, "scale down"),
                                                                (.diamond, ChartPalette.alert, "alert"), (.circle, ChartPalette.limit, "no change")]
        c.markerLegend = legend.filter { kinds.contains($0.0) }
        c.minTop = 1
        c.integerY = true
        return c
    }

    func latencyChart(_ id: String, _ sv: Service?, _ xs: [ServiceSample], _ evs: [ScalingEvent]) -> SVGChart {
        var c = chart("\(id)-lat", "Latency in the service (ms)", y: "latency (ms)")
        func ms(_ v: Double?) -> Double? { v.map { $0 * 1000 } }
        c.series = [.init(name: "p50", color: ChartPalette.p50, style: .line, points: xs.map { ChartPoint(x: $0.time, y: ms($0.latencyP50)) }, width: 1.6)]
        if sv?.slo?.metric == .latencyP95 {
            c.series.append(.init(name: "p95", color: ChartPalette.p95, style: .line, points: xs.map { ChartPoint(x: $0.time, y: ms($0.latencyP95)) }, width: 1.4))
        } else if sv?.slo?.metric == .latencyMean {
            c.series.append(.init(name: "mean", color: ChartPalette.mean, style: .line, points: xs.map { ChartPoint(x: $0.time, y: ms($0.latencyMean)) }, width: 1.4))
        }
        c.series.append(.init(name: "p99", color: ChartPalette.p99, style: .line, points: xs.map { ChartPoint(x: $0.time, y: ms($0.latencyP99)) }, width: 1.6))
        if let slo = sv?.slo {
            c.references.append(.init(value: slo.threshold * 1000, label: "SLO \(ChartFormat.statistic(slo.metric.rawValue)) \(ChartFormat.ms(slo.threshold))", color: ChartPalette.slo))
        }
        c.references += triggerLines(sv, [.latencyMean, .latencyP50, .latencyP90, .latencyP95, .latencyP99], scale: 1000)
        c.emptyNote = "no completions"
        return c
    }

    /// Markers where a trigger row on one of `metrics` fired, at the value it saw.
    func triggerMarkers(_ sv: Service?, _ evs: [ScalingEvent], _ metrics: Set<Metric>, scale: Double = 1) -> [SVGChart.Marker] {
        evs.compactMap { e in
            guard let t = trigger(e, sv), metrics.contains(t.metric), let v = e.metricValue else { return nil }
            return .init(x: e.time, y: v * scale, shape: e.alert != nil ? .diamond : .up, color: e.alert != nil ? ChartPalette.alert : ChartPalette.scaleUp, title: eventTitle(e))
        }
    }

    func queueChart(_ id: String, _ sv: Service?, _ xs: [ServiceSample], _ evs: [ScalingEvent]) -> SVGChart {
        var c = chart("\(id)-queue", "Queue length", y: "requests waiting")
        let peak = xs.map(\.queueLength).max() ?? 0
        let limit = sv?.queue.limit
        let perPod = sv?.queue.discipline == .perInstance
        // A shared queue's limit is drawn when the queue came near it; a per-pod limit cannot be
        // drawn against the total, so it is named in the legend.
        let drawLimit = !perPod && (limit.map { peak * 3 >= $0 || xs.contains { $0.dropped > 0 } } ?? false)
        var name = perPod ? "waiting, all pods" : "queue length"
        if let limit, !drawLimit { name += " (limit \(ChartFormat.grouped(limit))\(perPod ? " per pod" : ""))" }
        c.series = [.init(name: name, color: ChartPalette.queue, style: .area, points: xs.map { ChartPoint(x: $0.time, y: Double($0.queueLength)) }, width: 1.6)]
        c.references = triggerLines(sv, [.queueLength])
        if let limit, drawLimit { c.references.append(.init(value: Double(limit), label: "queue limit \(ChartFormat.grouped(limit)) (drops beyond)", color: ChartPalette.limit)) }
        c.integerY = true
        c.markers = triggerMarkers(sv, evs, [.queueLength])
        if !c.markers.isEmpty { c.markerLegend = [(.up, ChartPalette.scaleUp, "trigger fired")] }
        c.minTop = 1
        return c
    }

    func cpuChart(_ id: String, _ sv: Service?, _ xs: [ServiceSample], _ evs: [ScalingEvent]) -> SVGChart {
        var c = chart("\(id)-cpu", "CPU utilisation (% of request)", y: "CPU (%)")
        c.series = [.init(name: "CPU, mean of ready pods", color: ChartPalette.cpu, style: .line, points: xs.map { ChartPoint(x: $0.time, y: $0.cpuUtilization * 100) }, width: 1.6)]
        if let target = sv?.autoscaling.hpa?.cpuTarget {
            c.references.append(.init(value: target * 100, label: "HPA target \(ChartFormat.percent(target))", color: ChartPalette.target))
        }
        if let sv {
            let ceiling = CPUBreakdown.ceilingRatio(sv, scenario.platform)
            c.references.append(.init(value: ceiling * 100, label: (sv.resources.limits.cpu == nil ? "node's spare CPU " : "limit ") + ChartFormat.percent(ceiling),
                                      color: ChartPalette.limit, dash: "2 3"))
        }
        c.references += triggerLines(sv, [.cpuUtilization], scale: 100)
        c.markers = triggerMarkers(sv, evs, [.cpuUtilization], scale: 100)
        if !c.markers.isEmpty { c.markerLegend = [(.up, ChartPalette.scaleUp, "trigger fired")] }
        c.minTop = 100
        c.yLabel = { v, step in ChartTicks.label(v, step: step) + "%" }
        return c
    }

    func rateChart(_ id: String, _ sv: Service?, _ xs: [ServiceSample], _ evs: [ScalingEvent]) -> SVGChart {
        var c = chart("\(id)-rate", "Arrival rate vs throughput (req/s)", y: "requests per second")
        c.series = [
            .init(name: "arrivals", color: ChartPalette.arrivals, style: .line, points: xs.map { ChartPoint(x: $0.time, y: $0.arrivalRate) }, width: 3.2),
            .init(name: "throughput (completed)", color: ChartPalette.throughput, style: .line, points: xs.map { ChartPoint(x: $0.time, y: $0.throughput) }, width: 1.4),
        ]
        if xs.contains(where: { $0.dropped + $0.timedOut > 0 }) {
            c.series.append(.init(name: "dropped + timed out", color: ChartPalette.drops, style: .area,
                                  points: xs.map { ChartPoint(x: $0.time, y: Double($0.dropped + $0.timedOut) / result.samplePeriod) }, width: 1.2, fillOpacity: 0.25))
        }
        c.references += triggerLines(sv, [.throughput])
        return c
    }

    func costChart(_ id: String, _ s: ServiceSummary, _ sv: Service?, _ xs: [ServiceSample]) -> SVGChart {
        let rate = costRate(s.service), lead = result.currencies.lead
        var c = chart("\(id)-cost", "Cost, cumulative (\(lead.rawValue))", y: lead.rawValue)
        c.series = [.init(name: "\(ChartFormat.money(s.cost(in: lead), lead)) for the run at \(ChartFormat.money(rate, lead))/instance-hour", color: ChartPalette.cost, style: .area,
                          points: cumulativeCost(xs, rate: rate), width: 2, fillOpacity: 0.14)]
        if rate == 0 { c.emptyNote = "no cost_per_instance_hour" }
        c.yLabel = { v, step in ChartTicks.label(v, step: step) }
        return c
    }
}
