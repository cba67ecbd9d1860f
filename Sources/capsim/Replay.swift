import ArgumentParser
import Autoscaling
import CapsimModel
import Foundation
import Reporting

struct Replay: ParsableCommand {
    enum Format: String, CaseIterable, ExpressibleByArgument { case table, json }

    static let configuration = CommandConfiguration(
        abstract: "Run a scenario's HPA and scaling triggers over recorded metrics and print every decision.",
        discussion: """
        The same HPAController and TriggerEvaluator the simulator uses, fed the observations in \
        time order: the HPA at each service's first observation and then at observations at \
        least its sync_period apart, the trigger rows at every observation. Each observation's \
        replicas is taken as the current count: decisions are not applied back. Metrics are JSON \
        Lines or CSV; see docs/replay.md. Bad input lists every problem (file:line) and exits 2.
        """)

    @Option(help: "The scenario (YAML) whose autoscaling policies to replay.")
    var scenario: String

    @Option(help: "Recorded metrics: JSON Lines (.jsonl) or CSV (.csv) with columns t,service,metric,value[,pod].")
    var metrics: String

    @Option(help: "Replay only this service.")
    var service: String?

    @Option(name: .customLong("set"), help: "Override a scenario value first, e.g. services.auth-service.autoscaling.triggers[0].for=3m (repeatable).")
    var overrides: [String] = []

    @Option(help: "Output format: table or json.")
    var format: Format = .table

    func run() throws {
        let s = try ScenarioLoader.load(path: scenario, overrides: overrides)
        if let service, s.services[service] == nil {
            printErr("\(scenario): error: --service \(service): no such service (the scenario's services: \(s.serviceNames.joined(separator: ", ")))")
            throw ExitCode(2)
        }
        let result: ReplayResult
        do {
            let replayer = Replayer(scenario: s, service: service)
            result = try replayer.replay(replayer.load(path: metrics))
        } catch {
            printErr(error.description)
            throw ExitCode(2)
        }
        for note in result.notes { printErr(note) }
        switch format {
        case .json:
            print(ReplayReport.json(result), terminator: "")
        case .table:
            let elapsed = ReplayReport.showsElapsed(result)
            var table = TextTable(ReplayReport.tableHeader(elapsed: elapsed))
            for d in result.decisions { table.add(ReplayReport.tableRow(d, elapsed: elapsed)) }
            print(ReplayReport.headline(result))
            print()
            print(result.decisions.isEmpty ? "No decisions: no HPA sync or trigger row produced one." : table.render())
        }
    }
}
