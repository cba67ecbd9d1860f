/// What a command will do with a scenario, so the loader checks what that needs in the same
/// pass as everything else: every problem located and reported at once, before any work.
public enum ScenarioUse: Sendable {
    /// `validate`, `plan`, `replay`: the scenario as written.
    case any
    /// `simulate`, `check`, `sweep`, `optimize`, `plan --verify`: it must have traffic, and no
    /// setting only `replay` reads.
    case simulation
}

/// A reason a scenario cannot be simulated, at the key at fault.
public struct Unfit: Hashable, Sendable {
    public let path: String
    public let message: String
}

extension Scenario {
    /// Why the simulator cannot run this scenario, if it cannot: `validate` lists these as notes,
    /// the simulating commands as located errors, and the engine refuses to start on the first.
    public var unfitForSimulation: [Unfit] {
        let s = self
        var out: [Unfit] = []
        if s.traffic == nil {
            out.append(Unfit(path: "traffic", message: "missing: simulating needs a traffic block (traffic.entry, traffic.peak and traffic.routes); plan and replay do not"))
        }
        for name in s.serviceNames {
            guard let sv = s.services[name] else { continue }
            if let hpa = sv.autoscaling.hpa, let i = hpa.metrics.firstIndex(where: { $0.metric == .memoryUtilization }) {
                out.append(Unfit(path: "services.\(name).autoscaling.hpa.metrics[\(i)]",
                                 message: "memory_utilization is read by capsim replay from a recording; the simulator does not model memory"))
            }
            if sv.replicas.min == 0 {
                out.append(Unfit(path: "services.\(name).replicas.min", message: "0 (scale to zero) is read by capsim replay; the simulator needs at least one pod per service"))
            }
        }
        return out + simulationLimits
    }
}

extension ScenarioLoader {
    /// Why `scenario` (already valid) cannot be simulated, located in `text`; empty when it can.
    public static func unfitForSimulation(_ text: String, file: String, overrides: [String] = []) -> [Diagnostic] {
        do {
            _ = try parse(text, file: file, overrides: overrides, for: .simulation)
            return []
        } catch {
            return error.diagnostics
        }
    }
}
