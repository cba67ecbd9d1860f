import CapsimModel
import Foundation

// JSON Lines: one observation per line, its metrics, route-scoped latency and pods.

extension ReplayReader {
    static let topKeys = ["t", "service", "replicas", "pods", "metrics", "routes"]
    static let podKeys = PodFields.keys + ["metrics"]

    mutating func readJSONLines(_ text: String) {
        for (n, line) in Self.lines(text) where !Self.skippable(line) {
            if problems.full { return }
            readJSONLine(line, n)
        }
    }

    mutating func readJSONLine(_ line: Substring, _ n: Int) {
        let value: JSONValue
        do {
            value = try JSONLineParser.parse(line)
        } catch {
            problems.add(n, "", "invalid JSON at column \(error.column): \(error.message)")
            return
        }
        guard case .object(let members) = value else {
            problems.add(n, "", "expected one observation as a JSON object like {\"t\": …, \"service\": …, \"replicas\": …}, got \(value.shown)")
            return
        }
        let before = problems.problems.count
        var timeText: String?, timeValue: (Double, ReplayTime.Form)?, service: String?, replicas: Int?
        var pods: [PodSample] = [], metrics: [Metric: Double] = [:], routes: [String: [Metric: Double]] = [:]
        var seen = Set<String>()
        for (key, v) in members {
            seen.insert(key)
            switch key {
            case "t":
                let text = v.scalarText ?? ""
                timeText = text
                timeValue = time(text, shown: v.shown, line: n, path: "t")
            case "service":
                if case .string(let s) = v, !s.trimmingCharacters(in: .whitespaces).isEmpty {
                    if known(s, line: n) { service = s }
                } else {
                    problems.add(n, "service", "expected the service's name as in the scenario, got \(v.shown)")
                }
            case "replicas":
                switch ReplayFields.replicas(v.scalarText ?? "", shown: v.shown) {
                case .success(let r): replicas = r
                case .failure(let m): problems.add(n, "replicas", m.text)
                }
            case "pods":
                if v.isNull { continue }
                guard case .array(let items) = v else { problems.add(n, "pods", "expected a list of pods, got \(v.shown)"); continue }
                pods = readPods(items, n)
            case "metrics":
                if v.isNull { continue }
                guard case .object(let ms) = v else {
                    problems.add(n, "metrics", "expected an object of metric values like {\"latency_p99\": \"820ms\", \"queue_length\": 40}, got \(v.shown)")
                    continue
                }
                metrics = readMetrics(ms, n, path: "metrics", latencyOnly: false)
            case "routes":
                if v.isNull { continue }
                guard case .object(let rs) = v else {
                    problems.add(n, "routes", "expected an object of route-scoped latency like {\"login\": {\"latency_p95\": \"620ms\"}}, got \(v.shown)")
                    continue
                }
                for (route, rv) in rs {
                    let path = "routes.\(route)"
                    guard case .object(let ms) = rv else {
                        problems.add(n, path, "expected an object of latency values like {\"latency_p95\": \"620ms\"}, got \(rv.shown)")
                        continue
                    }
                    let m = readMetrics(ms, n, path: path, latencyOnly: true)
                    if !m.isEmpty { routes[route] = m }
                }
            default:
                problems.add(n, "", ReplayFields.unknownKey(key, among: Self.topKeys))
            }
        }
        if !seen.contains("t") { problems.add(n, "", "missing \"t\": the observation's time (ISO 8601 or seconds)") }
        if !seen.contains("service") { problems.add(n, "", "missing \"service\": the service's name as in the scenario") }
        if !seen.contains("replicas") { problems.add(n, "", "missing \"replicas\": the current replica count (spec.replicas)") }
        // The order is checked whenever the time and service are known, even if the line has other problems.
        guard let timeText, let (absolute, form) = timeValue, let service,
              checkOrder(service: service, time: absolute, text: timeText, line: n, sameTimeIsDuplicate: true),
              problems.problems.count == before, !problems.full, let replicas else { return }
        raw.append(RawObservation(line: n, timeText: timeText, form: form, absolute: absolute, service: service, replicas: replicas,
                                  pods: pods, metrics: metrics, routes: routes))
    }

    mutating func readMetrics(_ members: [(key: String, value: JSONValue)], _ n: Int, path: String, latencyOnly: Bool) -> [Metric: Double] {
        var out: [Metric: Double] = [:]
        for (name, v) in members {
            guard let metric = ReplayFields.serviceMetric(name) else {
                problems.add(n, path, ReplayFields.unknownMetric(name))
                continue
            }
            if latencyOnly && !metric.isLatency {
                problems.add(n, "\(path).\(name)", "only latency (latency_mean, latency_p50, latency_p90, latency_p95, latency_p99) is scoped to a route")
                continue
            }
            if v.isNull { continue }   // absent: a missing metric
            let text = v.scalarText ?? ""
            switch ReplayFields.metric(metric, text, shown: v.shown) {
            case .success(let x): out[metric] = x
            case .failure(let m): problems.add(n, "\(path).\(name)", m.text)
            }
        }
        return out
    }

    mutating func readPods(_ items: [JSONValue], _ n: Int) -> [PodSample] {
        var out: [PodSample] = []
        var names: [String: Int] = [:]
        for (i, item) in items.enumerated() {
            let path = "pods[\(i)]"
            guard case .object(let fields) = item else {
                problems.add(n, path, "expected a pod like {\"name\": \"p0\", \"ready\": true, \"age\": \"10m\", \"cpu_request\": \"250m\", \"cpu_usage\": \"310m\"}, got \(item.shown)")
                continue
            }
            var pod = PodFields()
            var ok = true
            for (key, v) in fields {
                let p = "\(path).\(key)"
                if !Self.podKeys.contains(key) { problems.add(n, path, ReplayFields.unknownKey(key, among: Self.podKeys)); ok = false; continue }
                if v.isNull && PodFields.nullable.contains(key) { continue }
                switch key {
                case "name":
                    if case .string(let s) = v, !s.isEmpty { pod.name = s } else { problems.add(n, p, "expected the pod's name, got \(v.shown)"); ok = false }
                case "ready", "deleting":
                    if case .bool(let b) = v { _ = pod.set(key, text: b ? "true" : "false", shown: v.shown) { _ in } } else { problems.add(n, p, "expected true or false, got \(v.shown)"); ok = false }
                case "metrics":
                    if v.isNull { continue }
                    guard case .object(let ms) = v else { problems.add(n, p, "expected the pod's own metric samples like {\"queue_length\": 12}, got \(v.shown)"); ok = false; continue }
                    for (name, mv) in ms {
                        guard let metric = ReplayFields.serviceMetric(name) else { problems.add(n, p, ReplayFields.unknownMetric(name)); ok = false; continue }
                        if mv.isNull { continue }
                        ok = pod.setMetric(metric, text: mv.scalarText ?? "", shown: mv.shown) { problems.add(n, "\(p).\(name)", $0) } && ok
                    }
                default:
                    ok = pod.set(key, text: v.scalarText ?? "", shown: v.shown) { problems.add(n, p, $0) } && ok
                }
            }
            let given = Set(fields.map(\.key))
            for key in PodFields.required where !given.contains(key) {
                problems.add(n, path, "missing \"\(key)\"")
                ok = false
            }
            for c in pod.conflicts() { problems.add(n, "\(path).\(c.field)", c.message); ok = false }
            if let name = pod.name {
                if let first = names[name] { problems.add(n, "\(path).name", "a second pod named \(quoted(name)) (pods[\(first)] has the first)"); ok = false }
                names[name] = names[name] ?? i
            }
            if ok, let sample = pod.sample { out.append(sample) }
        }
        return out
    }
}
