import ArgumentParser
import CapsimModel
import Foundation
import LoadGen
import Reporting
import Store

struct Load: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send open-loop HTTP/1.1 load to a service and report latency percentiles, errors and late sends.",
        discussion: """
        Requests are due at fixed times (i / rate), whatever the responses do, and go out on the \
        first free keep-alive connection, waiting when none is free. Latency counts from the \
        INTENDED send time, so a stalled server shows in every request queued behind it (no \
        coordinated omission); the service time (from the actual send) is printed beside it. \
        A send more than --late-threshold after its time counts as late: then the connections, \
        not the server, limited the rate. --scenario replays a scenario's traffic (peak, \
        profile, surges, seasons) as rate steps, compressed by --time-scale and scaled by \
        --rate-scale. The run is recorded in the results database like plan and simulate \
        (capsim runs show ID, capsim report ID). Bad input exits 2; an unreachable target exits 1.
        """)

    @Argument(help: "The target, e.g. http://127.0.0.1:8080/products (http only).")
    var target: String

    @Option(help: "Constant request rate, e.g. 500/s or 30k/min.")
    var rate: String?
    @Option(help: "A piecewise-constant rate instead of --rate: TIME=RATE points, e.g. 0s=100/s,10s=500/s,20s=200/s.")
    var profile: String?
    @Option(help: "Replay this scenario's traffic instead of --rate: the entry's rate over time, one step per scenario minute.")
    var scenario: String?
    @Option(help: "With --scenario: scenario seconds per second of load, e.g. 60 plays an hour in a minute.")
    var timeScale: Double?
    @Option(help: "With --scenario: multiply every rate, e.g. 0.01 replays 10k/s as 100/s.")
    var rateScale: Double?
    @Option(help: "How long to schedule requests, e.g. 60s or 2m (default: 10s; with --scenario, its simulation.duration ÷ --time-scale).")
    var duration: String?

    @Option(help: "Request mix, e.g. GET:/products=70%,POST:/payments=30% (shares must sum to 100%). Default: GET the target.")
    var mix: String?
    @Option(help: "A JSON body for a mix entry, e.g. 'POST:/payments={\"amount\":100}' (repeatable).")
    var body: [String] = []
    @Option(help: "Request header sent with every request, e.g. 'Authorization: Bearer TOKEN' (repeatable).")
    var header: [String] = []

    @Option(help: "Send times: uniform (evenly spaced, as wrk2) or poisson (a Poisson process of the same rate, as the simulator's traffic).")
    var arrivals: ArrivalPattern = .uniform
    @Option(help: "Keep-alive connections (one request in flight on each).")
    var connections: Int = 10
    @Option(help: "Seed for the mix's random stream (default: 1; with --scenario, the scenario's seed).")
    var seed: UInt64?
    @Option(help: "A send later than this after its intended time counts as late.")
    var lateThreshold: String = "1ms"

    @Option(help: "Output format: table or json.")
    var format: LoadRenderer.Format = .table
    @Option(help: "Also write a report: FILE.html (charts) or FILE.md (Markdown).")
    var report: String?
    @OptionGroup var store: StoreOptions

    func run() throws {
        let plan: LoadPlan
        do { plan = try request.plan() } catch let e as LoadUsageProblem {
            printErr("error: \(e.message)")
            throw ExitCode(2)
        }
        // Open the store before sending anything: a bad --db should not cost a load run.
        let db = store.noStore ? nil : try openStore(store.db)
        let result: LoadResult
        do {
            result = try runLoadBlocking(plan)
        } catch let e as LoadError {
            printErr("error: \(e.description)")
            if case .invalidPlan = e { throw ExitCode(2) }
            throw ExitCode(1)
        }
        let record = LoadPlanRecord(plan)
        try ReportWriter.record(
            in: db, save: { try $0.saveLoad(result, plan: record, capsimVersion: Capsim.version, createdAt: nowISO()) }, report: report,
            unstored: { $0 == .html ? HTMLReport.load(result, plan: record, runID: nil) : MarkdownReport.load(result, plan: record, runID: nil) })
        print(LoadRenderer.render(result, plan: record, as: format), terminator: "")
    }

    var request: LoadRequest {
        var r = LoadRequest(target: target)
        r.rate = rate; r.profile = profile; r.scenario = scenario; r.timeScale = timeScale; r.rateScale = rateScale
        r.duration = duration; r.mix = mix; r.bodies = body; r.headers = header; r.arrivals = arrivals
        r.connections = connections; r.seed = seed; r.lateThreshold = lateThreshold
        return r
    }
}

extension ArrivalPattern: ExpressibleByArgument {}
extension LoadRenderer.Format: ExpressibleByArgument {}
