import Foundation
import Yams

// `expect:` — what a run must show: no alert, no backlog, a scale-up after a surge, a metric's bound.

extension ScenarioDecoder {
    /// One `expect:` row; an amount of money is converted to `currency`'s reporting currency,
    /// the one the run's costs are counted in.
    func expectation(_ node: Node, _ path: String, currency: CurrencySettings) -> Expectation? {
        guard let o = Obj(r, node, path, kind: "expectation") else { return nil }
        let holdsIn = o.percent("holds_in")
        if let h = holdsIn, !(h > 0 && h <= 1) {
            r.error(at: o["holds_in"]?.mark, o.sub("holds_in"), "expected a share of replications above 0% and at most 100%, got \(Percent(fraction: h))")
        }
        let compliance = o.percent("compliance")
        if let c = compliance, !(c > 0 && c <= 1) {
            r.error(at: o["compliance"]?.mark, o.sub("compliance"), "expected a share of samples above 0% and at most 100%, got \(Percent(fraction: c))")
        }
        guard var e = expectationRow(o, node, path, currency: currency) else { return nil }
        e.holdsIn = holdsIn
        if let network = o.string("network") {
            guard e.route != nil else { r.error(o.sub("network"), "network narrows a route row: add route (the users' route) beside it"); return nil }
            for clash in ["compliance", "recovers_within", "during"] where o.has(clash) {
                r.error(o.sub(clash), "a network row is judged over the run's users of that network; remove \(clash)")
            }
            e.network = network
            if o.string("name") == nil { e = e.renamed(e.name.replacingOccurrences(of: "\(e.route!) ", with: "\(e.route!) on \(network) ", options: .anchored)) }
        }
        if let compliance {
            // Samples carry a route's p50 and p99, a service's mean, p50, p95 and p99.
            let perSample: [Metric] = e.route != nil ? [.latencyP50, .latencyP99] : [.latencyMean, .latencyP50, .latencyP95, .latencyP99]
            guard case .metric(let m, _, _) = e.kind, perSample.contains(m) else {
                r.error(at: o["compliance"]?.mark, o.sub("compliance"),
                        "compliance judges a latency over the 15 s samples: expected metric \(perSample.map(\.rawValue).joined(separator: " or ")) on a \(e.route != nil ? "route" : "service") row")
                return nil
            }
            e.compliance = compliance
        }
        if o.has("recovers_within") {
            guard let within = o.duration("recovers_within") else { return nil }
            // Samples carry a route's p50 and p99, a service's mean, p50, p95 and p99 (as for compliance).
            let perSample: [Metric] = e.route != nil ? [.latencyP50, .latencyP99] : [.latencyMean, .latencyP50, .latencyP95, .latencyP99]
            guard case .metric(let m, _, _) = e.kind, perSample.contains(m) else {
                r.error(o.sub("recovers_within"), "recovers_within judges a latency over the samples after a fault: expected metric \(perSample.map(\.rawValue).joined(separator: " or ")) on a \(e.route != nil ? "route" : "service") row")
                return nil
            }
            guard let fault = o.string("after") else { r.error(at: node.mark, o.sub("after"), "missing: the fault whose end starts the clock, like after: zone-a-at-peak"); return nil }
            for clash in ["during", "compliance"] where o.has(clash) { r.error(o.sub(clash), "recovers_within judges the samples after the fault; remove \(clash)") }
            e.recovery = Expectation.Recovery(within: within, fault: fault)
            if o.string("name") == nil { e = e.renamed(e.name + " within \(formatDuration(within)) after \(fault)") }
        } else if case .metric = e.kind, o.has("after") {
            r.error(o.sub("after"), "after belongs to scales_up_within (a surge) or recovers_within (a fault)")
        }
        return e
    }

    func expectationRow(_ o: Obj, _ node: Node, _ path: String, currency: CurrencySettings) -> Expectation? {
        let name = o.string("name")
        let target = o.string("service")
        let route = o.string("route")
        let during = o.has("during") ? window(o["during"]!, o.sub("during")) : nil
        if o.has("during") && during == nil { return nil }
        if route != nil && o.has("service") { r.error(o.sub("route"), "a row measures a service or a route, not both") }
        let suffix = during.map { " during \($0.label)" } ?? ""
        let forms = ["no_alert", "no_backlog", "scales_up_within", "survives", "metric"].filter(o.has)
        if forms.count > 1 {
            r.error(at: node.mark, path, "expected one kind of expectation, got \(forms.joined(separator: " and "))")
            return nil
        }
        if route != nil && forms.contains(where: { $0 != "metric" }) {
            r.error(o.sub("route"), "a route row takes a metric with a bound (end-to-end latency, throughput, error_rate, dropped or timed_out)")
            return nil
        }
        if during != nil && (o.has("no_backlog") || o.has("scales_up_within")) {
            r.error(o.sub("during"), "during limits metric and no_alert rows (no_backlog has for:, scales_up_within has after:)")
            return nil
        }
        if o.has("no_alert") {
            for extra in ["service", "below", "at_most", "above", "at_least", "equals", "after"] where o.has(extra) {
                r.error(o.sub(extra), "no_alert takes only the name of what must not alert")
            }
        }
        if let t = o.string("no_alert") {
            return Expectation(name: name ?? "no alert on \(t)\(suffix)", target: t, kind: .noAlert, during: during)
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
        if let fault = o.string("survives") {
            for extra in ["service", "route", "below", "at_most", "above", "at_least", "equals", "after", "during"] where o.has(extra) {
                r.error(o.sub(extra), "survives takes only the fault whose window every service's slo: must hold through")
            }
            return Expectation(name: name ?? "every SLO holds through \(fault)", target: nil, kind: .survives(fault: fault))
        }
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
        guard let v = value(o, bounds[0], for: metric, currency: currency) else { return nil }
        let subject = (route ?? target).map { $0 + " " } ?? ""
        return Expectation(name: name ?? "\(subject)\(metric.rawValue) \(bounds[0].replacingOccurrences(of: "_", with: " ")) \(o.text(bounds[0]) ?? "")\(suffix)",
                           target: target, kind: .metric(metric, bound, v), route: route, during: during)
    }

    /// `during: evening-promo` (a surge or season, resolved by the validator) or
    /// `during: {from: 10m, to: 30m}` (simulated time from the start of the run).
    func window(_ node: Node, _ path: String) -> Expectation.Window? {
        if case .mapping = node {
            guard let o = Obj(r, node, path, kind: "window", required: ["from", "to"]),
                  let from = o.duration("from"), let to = o.duration("to") else { return nil }
            return .interval(from: from, to: to)
        }
        guard let name = scalarText(r, node, path) else { return nil }
        return .named(name)
    }
}
