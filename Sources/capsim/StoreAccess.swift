import ArgumentParser
import CapsimModel
import Foundation
import LoadGen
import Planning
import Simulation
import Store

// The commands' access to the results store: opening it, and turning "no such run" or a
// store error into a message and exit code 2.

/// Opens the results database for a command, mapping errors to exit code 2.
func openStore(_ db: String?) throws -> ResultsStore {
    let path: String
    do { path = try ResultsStore.resolvePath(explicit: db, environment: ProcessInfo.processInfo.environment) } catch {
        printErr("error: \(error)")
        throw ExitCode(2)
    }
    do { return try ResultsStore(path: path) } catch {
        printErr("\(path): error: cannot open the results database: \(error)")
        throw ExitCode(2)
    }
}

func nowISO() -> String { ResultsStore.timestamp(Date()) }

/// Records a simulation made by `command` (simulate, check) with the parameters that rebuild
/// its scenario; returns the run's ID.
func saveSimulation(_ result: SimulationResult, in db: ResultsStore, command: String, file: String, overrides: [String],
                    options: SimulationOptions, scenarioText: String) throws -> Int64 {
    let params = RunParameters(command: command, file: file, overrides: overrides, seed: options.seed, duration: options.duration, warmup: options.warmup)
    return try db.saveSimulation(result, scenarioText: scenarioText, parameters: params.json(), capsimVersion: Capsim.version, createdAt: nowISO())
}

/// A stored run's scenario, rebuilt from its text and overrides.
func storedScenario(_ store: ResultsStore, _ info: RunInfo) throws -> Scenario {
    guard let text = try store.scenarioText(info.id) else {
        printErr("error: run \(info.id) has no scenario text")
        throw ExitCode(2)
    }
    let params = RunParameters.decode(info.parameters)
    return try ScenarioLoader.parse(text, file: "\(params?.file ?? info.scenarioName) (run \(info.id))", overrides: params?.overrides ?? [])
}

/// Lookups that turn "no such run" into exit code 2 with a message.
enum RunLookup {
    static func info(_ s: ResultsStore, _ id: Int64) throws -> RunInfo {
        guard let i = try s.info(id) else { printErr("error: no run \(id) (capsim runs list shows the recorded runs)"); throw ExitCode(2) }
        return i
    }
    static func plan(_ s: ResultsStore, _ id: Int64) throws -> CapacityPlan {
        do {
            guard let p = try s.plan(id) else { printErr("error: no run \(id) (capsim runs list shows the recorded runs)"); throw ExitCode(2) }
            return p
        } catch let e as StoreError { printErr("error: \(e)"); throw ExitCode(2) }
    }
    static func load(_ s: ResultsStore, _ id: Int64) throws -> LoadResult {
        do {
            guard let r = try s.load(id) else { printErr("error: no run \(id) (capsim runs list shows the recorded runs)"); throw ExitCode(2) }
            return r
        } catch let e as StoreError { printErr("error: \(e)"); throw ExitCode(2) }
    }
    /// "a plan", "a simulation", "a load run".
    static func article(_ kind: RunKind) -> String {
        switch kind {
        case .plan: return "a plan"
        case .simulate: return "a simulation"
        case .load: return "a load run"
        }
    }
    static func simulation(_ s: ResultsStore, _ id: Int64) throws -> SimulationResult {
        do {
            guard let r = try s.simulation(id) else { printErr("error: no run \(id) (capsim runs list shows the recorded runs)"); throw ExitCode(2) }
            return r
        } catch let e as StoreError { printErr("error: \(e)"); throw ExitCode(2) }
    }
}
