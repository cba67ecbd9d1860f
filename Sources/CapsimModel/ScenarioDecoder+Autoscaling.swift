import Foundation
import Yams

// `autoscaling:` — trigger rows, the HPA and its behavior — and thresholds in a metric's unit.

extension ScenarioDecoder {
    func autoscaling(_ node: Node, _ path: String) -> Autoscaling? {
        guard let o = Obj(r, node, path, kind: "autoscaling") else { return nil }
        return Autoscaling(hpa: o["hpa"].flatMap { hpa($0, o.sub("hpa")) }, triggers: triggers(o, owner: .service),
                           schedule: o.items("schedule", scheduleRule) ?? [])
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
    /// (`ETB 100`, `USD 1`), which is held in `currency`'s reporting currency — the one costs
    /// are counted in. Triggers and HPA targets pass no currency: no metric they may watch is
    /// money (the validator says so), so the amount is kept as written.
    func value(_ o: Obj, _ key: String, for metric: Metric, currency: CurrencySettings? = nil) -> Double? {
        switch metric.unit {
        case .fraction: return o.percent(key)
        case .seconds: return o.duration(key)
        case .count: return o.count(key)
        case .rate: return o.rate(key)
        case .money:
            guard let m = o.money(key) else { return nil }
            guard let currency else { return m.amount }
            guard let v = currency.amount(m, in: currency.reportIn) else {
                r.error(o.sub(key), "an amount in \(m.currency.rawValue) while costs are counted in \(currency.reportIn.rawValue) (currency.report_in, or the prices' currency): "
                        + "comparing them needs currency.etb_per_usd (birr per US dollar), like \"155\"")
                return nil
            }
            return v
        }
    }

    /// `type: pods | object | external` (CPU is a Resource metric and takes none) and, for
    /// object and external, `target_type: value | average_value` (default value).
    func source(_ m: Obj, _ metric: Metric) -> HPAMetricSource? {
        let kind = m.choice("type", HPAMetricKind.self)
        let targetType = m.choice("target_type", HPATargetType.self)
        if metric.isResource {
            if let kind, kind != .resource { r.error(m.sub("type"), "\(metric.rawValue) is a Resource metric (utilization of each pod's request); it takes no type \(kind.rawValue)") }
            if targetType != nil { r.error(m.sub("target_type"), "\(metric.rawValue)'s target is a utilization; target_type is for object and external metrics") }
            return .resource
        }
        switch kind ?? .pods {
        case .resource:
            r.error(m.sub("type"), "only cpu_utilization and memory_utilization are Resource metrics; \(metric.rawValue) is pods, object or external")
            return nil
        case .pods:
            if targetType != nil { r.error(m.sub("target_type"), "a pods metric's target is always an average per pod; target_type is for object and external metrics") }
            return .pods
        case .object: return .object(targetType ?? .value)
        case .external: return .external(targetType ?? .value)
        }
    }

    func hpa(_ node: Node, _ path: String) -> HPA? {
        guard let o = Obj(r, node, path, kind: "hpa") else { return nil }
        var metrics = Defaults.hpaMetrics
        if let items = o.items("metrics", { n, p -> HPAMetric? in
                guard let m = Obj(r, n, p, kind: "hpa_metric", required: ["metric", "target"]),
                      let metric = m.choice("metric", Metric.self), let t = value(m, "target", for: metric) else { return nil }
                return HPAMetric(metric: metric, target: t, source: source(m, metric))
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
                               selectPolicy: o.choice("select_policy", SelectPolicy.self) ?? def.selectPolicy, policies: policies,
                               tolerance: o.percent("tolerance"))
    }
}

/// `hpa.metrics[].type`, as autoscaling/v2 names metric sources.
enum HPAMetricKind: String, CaseIterable {
    case resource, pods, object, external
}
