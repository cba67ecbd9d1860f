import Foundation
import Yams

// `traffic:` — routes and their paths (calls, fan-outs), the profile and surges.

extension ScenarioDecoder {
    func traffic(_ node: Node, platformPeak: Double?, run: SimulationSettings) -> Traffic? {
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
                           // After a reported error 0 stands in, so rows naming the surge still resolve; the scenario is rejected anyway.
                           return Surge(name: s.string("name") ?? "surge-\((o.list("surges") ?? []).firstIndex { $0.1 == p }.map { $0 + 1 } ?? 0)", start: surgeStart(s, run: run) ?? 0, duration: s.duration("duration") ?? 0,
                                        multiplier: s.number("multiplier") ?? 1, ramp: s.duration("ramp") ?? Defaults.surgeRamp)
                       } ?? [],
                       multiplier: o.number("multiplier") ?? Defaults.trafficMultiplier, routes: routes,
                       hopLatency: o.duration("hop_latency") ?? Defaults.hopLatency)
    }

    /// A surge's `at` as an offset from the start of the run (see `SurgeStart`); nil after
    /// reporting. A clock time needs `simulation.start` and must fall within the run.
    func surgeStart(_ s: Obj, run: SimulationSettings) -> Double? {
        guard let node = s["at"], let text = scalarText(r, node, s.sub("at"), what: SurgeStart.forms) else { return nil }
        guard let at = SurgeStart(parsing: text) else {
            r.error(at: node.mark, s.sub("at"), "expected \(SurgeStart.forms), got \"\(text)\"")
            return nil
        }
        if case .offset(let seconds) = at { return seconds }
        guard let startText = run.start else {
            r.error(at: node.mark, s.sub("at"), "a clock time needs simulation.start (when the run begins, like \"2026-09-11T18:00:00+03:00\") to place \"\(text)\" in the run; or give a time from the start, like \"20m\"")
            return nil
        }
        // A malformed start is reported at simulation.start by the validator.
        guard let start = SimulationClock.date(startText) else { return nil }
        let offset = at.offset(from: start)
        if offset < 0 {
            r.error(at: node.mark, s.sub("at"), "\"\(text)\" is \(formatDuration(-offset)) before the run starts (simulation.start \(startText))")
            return nil
        }
        if offset >= run.duration {
            let which = if case .timeOfDay = at { "the first \(text) at or after simulation.start (\(startText)) is" } else { "\"\(text)\" is" }
            r.error(at: node.mark, s.sub("at"), "\(which) \(formatDuration(offset)) into the run, which lasts \(formatDuration(run.duration)) (simulation.duration)")
            return nil
        }
        return offset
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
}
