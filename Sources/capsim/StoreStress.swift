import ArgumentParser
import CapsimModel
import Foundation
import Simulation
import Store

/// Hidden: saves simulation results with large timelines in a loop, for the kill-safety test
/// (`Tests/StoreTests/StoreKillTests.swift`), which SIGKILLs it mid-write and checks the file.
///
/// The result is a real simulation of a small scenario (one service sampled every second), not
/// hand-built rows, so it keeps working when the result types grow fields. It is simulated
/// once and saved again and again: the test is about the writes.
struct StoreStress: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store-stress",
        abstract: "Save large synthetic simulation runs in a loop, printing \"saved ID\" after each (for the store's kill test).",
        shouldDisplay: false)

    @Option(help: "The results database.")
    var db: String

    @Option(help: "Runs to save (default: until killed).")
    var runs: Int?

    @Option(help: "Timeline samples per run.")
    var samples: Int = 20_000

    func validate() throws {
        if let runs, runs < 1 { throw ValidationError("--runs expects a positive count") }
        if samples < 1 { throw ValidationError("--samples expects a positive count") }
    }

    func run() throws {
        let yaml = """
            capsim: 1
            name: store-stress
            services:
              s:
                capacity: {service_time: 50ms, concurrency: 4}
                replicas: 1
                startup: 0s
            traffic:
              entry: s
              peak: 2/s
              hop_latency: 0s
              routes:
                all: {share: 100%, path: [s]}
            simulation:
              duration: \(samples)s
              warmup: 0s
              sample_period: 1s
            """
        let scenario = try ScenarioLoader.parse(yaml, file: "store-stress.yaml")
        let result = try Simulator(scenario: scenario, options: SimulationOptions(scenario: scenario)).run()
        let store = try ResultsStore(path: db)
        let parameters = #"{"duration":\#(samples),"samples":\#(samples),"synthetic":true}"#
        var saved = 0
        while runs.map({ saved < $0 }) ?? true {
            let id = try store.saveSimulation(result, scenarioText: yaml, parameters: parameters, capsimVersion: Capsim.version,
                                              createdAt: ResultsStore.timestamp())
            saved += 1
            // Unbuffered: the test reads these lines while the process runs, then kills it.
            FileHandle.standardOutput.write(Data("saved \(id)\n".utf8))
        }
    }
}
