import CapsimModel
import Foundation

// CSV: one value per row; the rows sharing (service, t) make one observation.

extension ReplayReader {
    static let csvColumns = ["t", "service", "metric", "value", "pod"]
    static let podMetrics = PodFields.keys.filter { $0 != "name" }

    /// One CSV observation under construction: the rows sharing (service, t).
    struct Group {
        var line: Int
        var timeText: String
        var form: ReplayTime.Form
        var absolute: Double
        var service: String
        var replicas: Int?
        var metrics: [Metric: Double] = [:]
        var routes: [String: [Metric: Double]] = [:]
        /// The line of the first row of each field ("replicas", "latency_p99", "routes.login.latency_p95", "pods[p0].age").
        var rows: [String: Int] = [:]
        var podOrder: [String] = []
        var pods: [String: PodFields] = [:]
        var bad = false
    }

    /// RFC 4180 fields of one line; nil when a quoted field is not closed.
    static func csvFields(_ line: Substring) -> [String]? {
        var fields: [String] = []
        var field = ""
        var quotedField = false, inQuotes = false
        var it = Array(line)[...]
        while let c = it.popFirst() {
            if inQuotes {
                if c == "\"" {
                    if it.first == "\"" { field.append("\""); it.removeFirst() } else { inQuotes = false }
                } else {
                    field.append(c)
                }
            } else if c == "\"" && field.trimmingCharacters(in: .whitespaces).isEmpty {
                inQuotes = true; quotedField = true; field = ""
            } else if c == "," {
                fields.append(quotedField ? field : field.trimmingCharacters(in: .whitespaces))
                field = ""; quotedField = false
            } else {
                field.append(c)
            }
        }
        if inQuotes { return nil }
        fields.append(quotedField ? field : field.trimmingCharacters(in: .whitespaces))
        return fields
    }

    mutating func readCSV(_ text: String) {
        var header: [String]?
        var groups: [Group] = []
        var index: [String: [Double: Int]] = [:]
        for (n, line) in Self.lines(text) where !Self.skippable(line) {
            if problems.full { break }
            guard let fields = Self.csvFields(line) else { problems.add(n, "", "a quoted field is never closed (a value cannot span lines)"); continue }
            guard let columns = header else {
                let names = fields.map { $0.lowercased() }
                if names == Array(Self.csvColumns.prefix(4)) || names == Self.csvColumns {
                    header = names
                } else {
                    problems.add(n, "", "expected the header t,service,metric,value or t,service,metric,value,pod, got \(quoted(String(line)))")
                    return
                }
                continue
            }
            guard fields.count == columns.count || (columns.count == 5 && fields.count == 4) else {
                problems.add(n, "", "expected \(columns.count) fields (\(columns.joined(separator: ","))), got \(fields.count)")
                continue
            }
            let (tText, service, metric, value) = (fields[0], fields[1], fields[2], fields[3])
            let pod = fields.count == 5 ? fields[4] : ""
            var rowOK = true
            if service.isEmpty { problems.add(n, "service", "expected the service's name as in the scenario, got \"\""); rowOK = false }
            else if !known(service, line: n) { rowOK = false }
            if metric.isEmpty { problems.add(n, "metric", "expected a metric name, \"replicas\", or a pod field (with a pod), got \"\""); rowOK = false }
            guard let (absolute, form) = time(tText, shown: quoted(tText), line: n, path: "t"), rowOK else { continue }
            guard checkOrder(service: service, time: absolute, text: tText, line: n, sameTimeIsDuplicate: false) else { continue }
            let gi: Int
            if let i = index[service]?[absolute] {
                gi = i
            } else {
                gi = groups.count
                groups.append(Group(line: n, timeText: tText, form: form, absolute: absolute, service: service))
                index[service, default: [:]][absolute] = gi
            }
            readCSVRow(&groups[gi], n, metric: metric, value: value, pod: pod)
        }
        for g in groups { finishGroup(g) }
    }

    mutating func readCSVRow(_ g: inout Group, _ n: Int, metric: String, value: String, pod: String) {
        let shown = quoted(value)
        func claim(_ key: String, _ what: String) -> Bool {
            if let first = g.rows[key] {
                problems.add(n, key, "a second \(what) row for \(g.service) at \(g.timeText) (line \(first) has the first)")
                g.bad = true
                return false
            }
            g.rows[key] = n
            return true
        }
        func fail(_ path: String, _ message: String) { problems.add(n, path, message); g.bad = true }

        if !pod.isEmpty {
            let key = "pods[\(pod)].\(metric)"
            let podMetric = ReplayFields.serviceMetric(metric)
            guard Self.podMetrics.contains(metric) || podMetric != nil else {
                let hint = ReplayFields.suggestion(metric, among: Self.podMetrics).map { "; did you mean \(quoted($0))?" }
                    ?? " (a pod row gives one of \(Self.podMetrics.joined(separator: ", ")), or the pod's own sample of a service metric)"
                fail("pods[\(pod)]", "unknown pod field \(quoted(metric))\(hint)")
                return
            }
            guard claim(key, "\(metric) of pod \(pod)") else { return }
            if g.pods[pod] == nil { g.podOrder.append(pod); g.pods[pod] = PodFields(name: pod, firstLine: n) }
            if value.isEmpty && (PodFields.nullable.contains(metric) || podMetric != nil) { return }   // absent
            let ok = if let podMetric {
                g.pods[pod]!.setMetric(podMetric, text: value, shown: shown, report: { fail(key, $0) })
            } else {
                g.pods[pod]!.set(metric, text: value, shown: shown, report: { fail(key, $0) })
            }
            if !ok { g.bad = true }
            return
        }
        if metric == "replicas" {
            guard claim("replicas", "replicas") else { return }
            switch ReplayFields.replicas(value, shown: shown) {
            case .success(let r): g.replicas = r
            case .failure(let m): fail("replicas", m.text)
            }
            return
        }
        if Self.podMetrics.contains(metric) {
            fail(metric, "\(metric) is a pod's field: give the pod's name in the pod column")
            return
        }
        var route: String?
        var name = metric
        if metric.hasPrefix("routes.") {
            let rest = metric.dropFirst("routes.".count)
            guard let dot = rest.lastIndex(of: "."), dot != rest.startIndex else {
                fail(metric, "expected routes.ROUTE.METRIC, like routes.login.latency_p95")
                return
            }
            route = String(rest[..<dot])
            name = String(rest[rest.index(after: dot)...])
        }
        guard let m = ReplayFields.serviceMetric(name) else {
            fail(route.map { "routes.\($0)" } ?? "metric", ReplayFields.unknownMetric(name))
            return
        }
        if route != nil && !m.isLatency {
            fail(metric, "only latency (latency_mean, latency_p50, latency_p90, latency_p95, latency_p99) is scoped to a route")
            return
        }
        guard claim(metric, metric) else { return }
        if value.isEmpty { return }   // an empty value: the metric is missing at this time
        switch ReplayFields.metric(m, value, shown: shown) {
        case .success(let v):
            if let route { g.routes[route, default: [:]][m] = v } else { g.metrics[m] = v }
        case .failure(let msg):
            fail(metric, msg.text)
        }
    }

    mutating func finishGroup(_ g: Group) {
        var ok = !g.bad
        if g.rows["replicas"] == nil {
            problems.add(g.line, "", "no replicas row for \(g.service) at \(g.timeText): every observation needs the current replica count")
            ok = false
        }
        var pods: [PodSample] = []
        for name in g.podOrder {
            let pod = g.pods[name]!
            let missing = PodFields.required.dropFirst().filter { g.rows["pods[\(name)].\($0)"] == nil }
            if !missing.isEmpty {
                problems.add(pod.firstLine, "pods[\(name)]", "no \(orList(Array(missing))) row for pod \(name) at \(g.timeText): a pod needs ready and age")
                ok = false
            }
            for c in pod.conflicts() { problems.add(pod.firstLine, "pods[\(name)].\(c.field)", c.message); ok = false }
            if let s = pod.sample { pods.append(s) }
        }
        guard ok, let replicas = g.replicas else { return }
        raw.append(RawObservation(line: g.line, timeText: g.timeText, form: g.form, absolute: g.absolute, service: g.service, replicas: replicas,
                                  pods: pods, metrics: g.metrics, routes: g.routes))
    }
}
