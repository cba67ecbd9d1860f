import CapsimModel

extension Simulator {
    /// What a scenario may say for `replay` that the simulator cannot run: memory (the
    /// simulator models CPU, not memory) and scaling to zero (a request needs a pod; nothing
    /// here holds requests while a service has none). Nil when the simulator can run it.
    static func replayOnly(_ scenario: Scenario) -> String? {
        for name in scenario.serviceNames {
            guard let sv = scenario.services[name], let hpa = sv.autoscaling.hpa else { continue }
            if let i = hpa.metrics.firstIndex(where: { $0.metric == .memoryUtilization }) {
                return "services.\(name).autoscaling.hpa.metrics[\(i)]: memory_utilization is read by capsim replay from a recording; the simulator does not model memory"
            }
            if sv.replicas.min == 0 {
                return "services.\(name).replicas.min: 0 (scale to zero) is read by capsim replay; the simulator needs at least one pod per service"
            }
        }
        return nil
    }
}
