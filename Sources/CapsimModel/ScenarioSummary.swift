/// The one-line description `validate` prints for a valid scenario.
public enum ScenarioSummary {
    public static func line(_ s: Scenario, file: String) -> String {
        var parts = ["\(s.services.count) service\(s.services.count == 1 ? "" : "s")"]
        let zones = s.platform.zones
        if !zones.isEmpty { parts.append("\(zones.count) zone\(zones.count == 1 ? "" : "s") (\(zones.joined(separator: ", ")))") }
        if let t = s.traffic { parts.append("\(t.routes.count) route\(t.routes.count == 1 ? "" : "s") at \(Rate(perSecond: t.peak)) peak") }
        let triggers = s.services.values.reduce(0) { $0 + $1.autoscaling.triggers.count }
            + s.databases.values.reduce(0) { $0 + $1.triggers.count }
            + (s.eventBus?.consumerGroups.values.reduce(0) { $0 + $1.triggers.count } ?? 0)
        let hpas = s.services.values.filter { $0.autoscaling.hpa != nil }.count
        if hpas > 0 { parts.append("\(hpas) HPA\(hpas == 1 ? "" : "s")") }
        if triggers > 0 { parts.append("\(triggers) trigger\(triggers == 1 ? "" : "s")") }
        if !s.databases.isEmpty { parts.append("\(s.databases.count) database\(s.databases.count == 1 ? "" : "s")") }
        if !s.dependencies.isEmpty { parts.append("\(s.dependencies.count) external dependenc\(s.dependencies.count == 1 ? "y" : "ies")") }
        if let b = s.eventBus { parts.append("\(b.topics.count) topic\(b.topics.count == 1 ? "" : "s")") }
        if !s.expectations.isEmpty { parts.append("\(s.expectations.count) expectation\(s.expectations.count == 1 ? "" : "s")") }
        if !s.faults.isEmpty {
            let off = s.faults.count - s.activeFaults.count
            parts.append("\(s.faults.count) fault\(s.faults.count == 1 ? "" : "s")" + (off > 0 ? " (\(off) off until --fault NAME)" : ""))
        }
        return "\(file): ok: \(s.name) (\(parts.joined(separator: ", ")))"
    }
}
