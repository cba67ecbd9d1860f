import ArgumentParser
import CapsimModel
import Reporting
import Simulation

// The commands' runs of the simulator: its error becomes a located message and an exit code.

extension SimulationError {
    /// `FILE: error: …` for bad input, `FILE: engine error: …` for capsim's own faults.
    func message(file: String?) -> String {
        (file.map { $0 + ": " } ?? "") + (kind == .engine ? "engine error: " : "error: ") + description
    }
    var exitCode: Int32 { kind == .engine ? 3 : 2 }
}

/// Writes a run's files — summary.json, timeline.csv, routes.csv, events.csv — into `dir`.
func writeRunFiles(_ result: SimulationResult, to dir: String) throws {
    try emit(SimulationRenderer.summaryJSON(result), to: dir + "/summary.json")
    try emit(SimulationRenderer.timelineCSV(result), to: dir + "/timeline.csv")
    try emit(SimulationRenderer.routesCSV(result), to: dir + "/routes.csv")
    try emit(SimulationRenderer.eventsCSV(result), to: dir + "/events.csv")
}

/// Refuses (exit 2) a run whose estimated events exceed the budget, unless `force`: printing
/// the estimate, so a duration of years or a sample period of microseconds is an answer, not a
/// run that never ends.
func checkEventBudget(_ scenario: Scenario, _ options: SimulationOptions, file: String, runs: Int, force: Bool) throws {
    guard !force else { return }
    let estimate: EventEstimate
    do { estimate = try Simulator.estimate(scenario: scenario, options: options) } catch let e as SimulationError {
        printErr(e.message(file: file))
        throw ExitCode(e.exitCode)
    }
    let events = estimate.events * Double(runs)
    guard events > EventEstimate.defaultBudget else { return }
    let wall = formatDuration((events / EventEstimate.typicalRate).rounded())
    printErr("\(file): error: this run would take about \(formatCount(events.rounded())) events (\(formatCount(estimate.requests.rounded())) requests"
             + (runs > 1 ? " per run, \(runs) runs" : "") + "; about \(wall) at \(formatCount(EventEstimate.typicalRate)) events/s), over the budget of "
             + "\(formatCount(EventEstimate.defaultBudget)) events: shorten the run (--duration or simulation.duration) or pass --force to run it anyway")
    throw ExitCode(2)
}

/// Runs the simulation of `file`'s scenario; an error is printed and exits 2 (bad input) or 3
/// (an engine error).
func simulate(_ scenario: Scenario, _ options: SimulationOptions, file: String, compareSchedules: Bool = false) throws -> SimulationResult {
    do { return try Simulator.run(scenario: scenario, options: options, compareSchedules: compareSchedules) } catch let e as SimulationError {
        printErr(e.message(file: file))
        throw ExitCode(e.exitCode)
    }
}
