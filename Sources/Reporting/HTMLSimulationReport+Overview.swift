import CapsimModel
import Foundation
import Simulation

/// The platform-wide charts at the top of the report, the time bands every chart shades, and
/// the cost arithmetic the charts share with the service sections.
extension HTMLSimulationReport {
    /// The warm-up, the scenario's surges and the run's faults, shaded on every time chart.
    var bands: [SVGChart.Band] {
        var out: [SVGChart.Band] = []
        if result.warmup > 0 { out.append(.init(from: 0, to: result.warmup, label: "warm-up", color: ChartPalette.warmup, opacity: 0.16)) }
        for s in scenario.traffic?.surges ?? [] {
            out.append(.init(from: s.start, to: s.start + s.duration, label: "surge \(s.name) ×\(ChartFormat.number(s.multiplier))", color: ChartPalette.surge, opacity: 0.12))
        }
        return out + faultBands
    }

    func chart(_ id: String, _ title: String, y: String) -> SVGChart {
        var c = SVGChart(id: id, title: title, yTitle: y, clock: clock, xMax: result.duration, bands: bands)
        c.scaleFrom = result.warmup
        return c
    }

    func overviewCharts() -> [String] {
        var out: [String] = []
        var inst = chart("ov-inst", "Instances by service", y: "instances")
        for (i, s) in result.services.enumerated() {
            let pts = (samples[s.service] ?? []).map { ChartPoint(x: $0.time, y: Double($0.replicas)) }
            inst.series.append(.init(name: s.service, color: ChartPalette.nth(i), style: .step, points: pts, width: 1.8))
        }
        inst.minTop = 1
        inst.integerY = true
        out.append(inst.render())

        var traffic = chart("ov-traffic", "Platform traffic (req/s)", y: "requests per second")
        if let entry = scenario.traffic?.entry, let es = samples[entry] {
            traffic.series.append(.init(name: "arrivals at \(entry)", color: ChartPalette.arrivals, style: .line, points: es.map { ChartPoint(x: $0.time, y: $0.arrivalRate) }, width: 3.2))
        }
        var done: [(Double, Int)] = []
        for s in result.routeTimeline {
            if let last = done.last, last.0 == s.time { done[done.count - 1].1 += s.completed } else { done.append((s.time, s.completed)) }
        }
        if !done.isEmpty {
            traffic.series.append(.init(name: "completed end to end", color: ChartPalette.throughput, style: .line,
                                        points: done.map { ChartPoint(x: $0.0, y: Double($0.1) / result.samplePeriod) }, width: 1.6))
        }
        var lost: [(Double, Int)] = []
        for s in result.timeline {
            if let last = lost.last, last.0 == s.time { lost[lost.count - 1].1 += s.dropped + s.timedOut } else { lost.append((s.time, s.dropped + s.timedOut)) }
        }
        if lost.contains(where: { $0.1 > 0 }) {
            traffic.series.append(.init(name: "dropped + timed out", color: ChartPalette.drops, style: .line,
                                        points: lost.map { ChartPoint(x: $0.0, y: Double($0.1) / result.samplePeriod) }, width: 1.4))
        }
        traffic.yLabel = { v, s in ChartTicks.label(v, step: s) }
        out.append(traffic.render())

        var routes = chart("ov-routes", "End-to-end p99 by route (ms)", y: "p99 latency (ms)")
        let names = result.routes.map(\.route)
        var byRoute: [String: [ChartPoint]] = [:]
        for s in result.routeTimeline { byRoute[s.route, default: []].append(ChartPoint(x: s.time, y: s.latencyP99.map { $0 * 1000 })) }
        for (i, name) in names.enumerated() {
            routes.series.append(.init(name: name, color: ChartPalette.nth(i), style: .line, points: byRoute[name] ?? [], width: 1.4))
        }
        routes.emptyNote = "no routes"
        out.append(routes.render())

        let lead = result.currencies.lead
        var cost = chart("ov-cost", "Cumulative cost, all services (\(lead.rawValue))", y: lead.rawValue)
        let totals = fleetCost()
        cost.series.append(.init(name: "all services: \(ChartFormat.money(result.totalCost(in: lead), lead))", color: ChartPalette.cost, style: .area,
                                 points: totals, width: 2, fillOpacity: 0.14))
        out.append(cost.render())
        return out
    }

    /// The price per instance-hour of a station — a service, a database pool or a consumer
    /// group — in the run's reporting currency: a service's own price when the scenario can
    /// state it in that currency, else taken from the run's own summary, so the charts and
    /// the table always agree. 0 for a station that costs nothing.
    func costRate(_ service: String) -> Double {
        let lead = result.currencies.lead
        if let sv = scenario.services[service] {
            guard let price = sv.costPerInstanceHour else { return 0 }
            if let v = scenario.currency.amount(price, in: lead) { return v }
        }
        guard let x = result.services.first(where: { $0.service == service }), x.instanceHours > 0, let cost = x.cost(in: lead) else { return 0 }
        return cost / x.instanceHours
    }

    /// Cumulative cost after warm-up: each sample's replicas × price × the part of its window after warm-up.
    func cumulativeCost(_ xs: [ServiceSample], rate: Double) -> [ChartPoint] {
        var total = 0.0, prev = 0.0
        var out: [ChartPoint] = []
        out.reserveCapacity(xs.count)
        for s in xs {
            let from = max(prev, result.warmup)
            if s.time > from { total += Double(s.replicas) * rate * (s.time - from) / 3600 }
            prev = s.time
            out.append(ChartPoint(x: s.time, y: total))
        }
        return out
    }

    func fleetCost() -> [ChartPoint] {
        var sum: [ChartPoint] = []
        for s in result.services {
            let c = cumulativeCost(samples[s.service] ?? [], rate: costRate(s.service))
            if sum.isEmpty { sum = c; continue }
            for i in 0..<min(sum.count, c.count) { sum[i].y = (sum[i].y ?? 0) + (c[i].y ?? 0) }
        }
        return sum
    }
}
