import Yams

// `faults:` — failures injected into a run, each a mapping or its short form
// `KIND:TARGET[=AMOUNT]@AT[+DURATION]` (the form `--fault` takes too).

extension ScenarioDecoder {
    /// `startup`: a service's start-up delay, the window of a crash written without one.
    func faults(_ o: Obj, startup: (String) -> Double) -> [Fault] {
        o.items("faults") { n, p in
            if case .scalar = n {
                guard let text = scalarText(r, n, p, what: FaultShortForm.forms) else { return nil }
                switch FaultShortForm.parse(text) {
                case .success(let f): return Fault(name: text, kind: f.kind, start: f.start, duration: f.duration ?? startup(f.kind.target))
                case .failure(let e): r.error(at: n.mark, p, e.message); return nil
                }
            }
            return fault(n, p, startup: startup)
        } ?? []
    }

    func fault(_ n: Node, _ p: String, startup: (String) -> Double) -> Fault? {
        guard let o = Obj(r, n, p, kind: "fault", required: ["kind", "at"]), let kindText = o.string("kind") else { return nil }
        guard Fault.keywords.contains(kindText) else {
            r.error(o.sub("kind"), "expected one of \(Fault.keywords.joined(separator: ", ")), got \"\(kindText)\"" + didYouMean(kindText, Fault.keywords))
            return nil
        }
        // The key that names what the fault hits, by kind.
        let targetKey = Fault.targetKey(kindText)
        for key in ["service", "zone", "dependency", "database"] where key != targetKey && o.has(key) {
            r.error(o.sub(key), "a \(kindText) fault names its \(targetKey), not a \(key)")
        }
        guard let target = o.string(targetKey) else { r.error(at: n.mark, o.sub(targetKey), "missing: the \(targetKey) a \(kindText) fault hits"); return nil }
        let start = o.duration("at"), duration = o.duration("duration")
        let kind: Fault.Kind
        switch kindText {
        case "pod-crash":
            if o.has("pods") && o.has("mtbf") { r.error(o.sub("mtbf"), "give pods (how many die at once) or mtbf (each pod at random), not both") }
            if let mtbf = o.duration("mtbf") {
                if duration == nil { r.error(at: n.mark, o.sub("duration"), "missing: how long pods fail at random (mtbf needs a window)") }
                kind = .podCrash(service: target, pattern: .meanTimeBetweenFailures(mtbf))
            } else {
                kind = .podCrash(service: target, pattern: .pods(o.int("pods") ?? 1))
            }
        case "zone-loss":
            kind = .zoneLoss(zone: target)
        case "database-failover":
            kind = .databaseFailover(database: target)
        case "dependency-slowdown":
            guard let extra = o.duration("latency") else { r.error(at: n.mark, o.sub("latency"), "missing: the latency added to each call, like \"4s\""); return nil }
            kind = .dependencySlowdown(dependency: target, extra: extra)
        case "spot-preemption":
            guard let rate = o.rate("rate") else { r.error(at: n.mark, o.sub("rate"), "missing: how often each spot pod is reclaimed, like \"1/h\""); return nil }
            kind = .spotPreemption(service: target, spot: Fault.Spot(share: o.percent("share") ?? Defaults.spotShare, rate: rate,
                                                                     notice: o.duration("notice") ?? Defaults.spotNotice, price: o.money("spot_price")))
        default:
            kind = .dependencyOutage(dependency: target, errorRate: o.percent("error_rate") ?? Defaults.outageErrorRate)
        }
        for key in ["pods", "mtbf"] where kindText != "pod-crash" && o.has(key) { r.error(o.sub(key), "\(key) applies to pod-crash faults only") }
        if kindText != "dependency-slowdown" && o.has("latency") { r.error(o.sub("latency"), "latency applies to dependency-slowdown faults only") }
        if kindText != "dependency-outage" && o.has("error_rate") { r.error(o.sub("error_rate"), "error_rate applies to dependency-outage faults only") }
        for key in ["share", "rate", "notice", "spot_price"] where kindText != "spot-preemption" && o.has(key) { r.error(o.sub(key), "\(key) applies to spot-preemption faults only") }
        if duration == nil && kindText != "pod-crash" { r.error(at: n.mark, o.sub("duration"), "missing: how long the \(kindText) lasts, like \"10m\"") }
        guard let start else { return nil }
        let name = o.string("name") ?? FaultShortForm.text(kind, start: start, duration: duration)
        // A crash written without a window lasts as long as its replacements take to start.
        return Fault(name: name, kind: kind, start: start, duration: duration ?? startup(target), enabled: o.bool("enabled") ?? true)
    }
}
