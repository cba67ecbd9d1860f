import ArgumentParser
import CapsimModel
import Foundation
import LoadGen
import Reporting
import Store

struct Load: ParsableCommand {
    enum Format: String, CaseIterable, ExpressibleByArgument { case table, json }

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
    var format: Format = .table

    @Option(help: "Also write a report: FILE.html (charts) or FILE.md (Markdown).")
    var report: String?

    @OptionGroup var store: StoreOptions

    func run() throws {
        let plan: LoadPlan
        do { plan = try makePlan() } catch let e as UsageProblem {
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
        switch format {
        case .json:
            print(LoadRenderer.json(result), terminator: "")
        case .table:
            if let line = LoadRenderer.replayLine(record) { print(line) }
            print(LoadRenderer.table(result), terminator: "")
        }
    }

    struct UsageProblem: Error { let message: String }

    /// `Name: value` → (name, value).
    static func parseHeader(_ text: String) throws -> (name: String, value: String) {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else {
            throw UsageProblem(message: "--header \"\(text)\": expected NAME: VALUE, e.g. 'Authorization: Bearer TOKEN'")
        }
        return (String(text[..<colon]).trimmingCharacters(in: .whitespaces), String(text[text.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
    }

    func makePlan() throws -> LoadPlan {
        guard let url = URL(string: target), url.host != nil else {
            throw UsageProblem(message: "target \"\(target)\": expected a URL like http://127.0.0.1:8080/path")
        }
        let given = [rate.map { _ in "--rate" }, profile.map { _ in "--profile" }, scenario.map { _ in "--scenario" }].compactMap { $0 }
        if given.count > 1 { throw UsageProblem(message: "give one of --rate, --profile and --scenario, not \(given.joined(separator: " and "))") }
        if scenario == nil, let flag = [timeScale.map { _ in "--time-scale" }, rateScale.map { _ in "--rate-scale" }].compactMap({ $0 }).first {
            throw UsageProblem(message: "\(flag) goes with --scenario")
        }
        var loadDuration: Double?
        if let duration {
            guard let d = CapsimModel.Duration(parsing: duration), d.seconds > 0 else {
                throw UsageProblem(message: "--duration \"\(duration)\": expected a positive duration like 60s")
            }
            loadDuration = d.seconds
        }
        let rateProfile: RateProfile
        var source: ScenarioProfileSource?
        var defaultSeed: UInt64 = 1
        switch (rate, profile) {
        case (nil, nil):
            guard let scenario else { throw UsageProblem(message: "give --rate (e.g. --rate 500/s), --profile or --scenario") }
            let s = try ScenarioLoader.load(path: scenario)  // located errors, exit 2, like every command that reads a scenario
            let scale = timeScale ?? 1
            guard scale > 0, scale.isFinite else { throw UsageProblem(message: "--time-scale must be a positive number, got \(String(format: "%g", scale))") }
            // The load run lasts --duration (default: the whole simulation.duration, compressed);
            // it covers that × the time scale of scenario time.
            let span = (loadDuration ?? s.simulation.duration / scale) * scale
            do {
                let derived = try ScenarioProfile.derive(s, file: scenario, scenarioSeconds: span, timeScale: scale, rateScale: rateScale ?? 1)
                rateProfile = derived.profile
                source = derived.source
            } catch let e as ScenarioProfile.Failure {
                throw UsageProblem(message: "--scenario \(scenario): \(e.description)")
            }
            loadDuration = span / scale
            defaultSeed = s.seed
        case (.some, .some): throw UsageProblem(message: "give --rate or --profile, not both")
        case (let r?, nil):
            guard let parsed = Rate(parsing: r), parsed.perSecond > 0 else {
                throw UsageProblem(message: "--rate \"\(r)\": expected a positive rate like 500/s")
            }
            rateProfile = .constant(perSecond: parsed.perSecond)
        case (nil, let p?):
            var steps: [RateStep] = []
            for item in p.split(separator: ",") {
                let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, let t = CapsimModel.Duration(parsing: parts[0]), let r = Rate(parsing: parts[1]) else {
                    throw UsageProblem(message: "--profile point \"\(item)\": expected TIME=RATE like 10s=500/s")
                }
                steps.append(RateStep(at: t.seconds, perSecond: r.perSecond))
            }
            rateProfile = .steps(steps)
        }
        guard let late = CapsimModel.Duration(parsing: lateThreshold) else {
            throw UsageProblem(message: "--late-threshold \"\(lateThreshold)\": expected a duration like 1ms")
        }
        var bodies: [String: String] = [:]
        for b in body {
            guard let eq = b.firstIndex(of: "="), b[..<eq].contains("/") else {
                throw UsageProblem(message: "--body \"\(b)\": expected METHOD:/path=JSON")
            }
            let json = String(b[b.index(after: eq)...])
            guard (try? JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])) != nil else {
                throw UsageProblem(message: "--body \"\(b)\": the body is not valid JSON")
            }
            bodies[String(b[..<eq])] = json
        }
        var entries: [MixEntry] = []
        if let mix {
            do { entries = try MixParser.parse(mix, bodies: bodies) } catch { throw UsageProblem(message: "--mix: \(error)") }
            let routes = Set(entries.map(\.route) + entries.filter { $0.method == "GET" }.map(\.path))
            if let unused = bodies.keys.sorted().first(where: { !routes.contains($0) }) {
                throw UsageProblem(message: "--body \(unused): no such entry in --mix")
            }
        } else if !bodies.isEmpty {
            throw UsageProblem(message: "--body needs a --mix entry to attach to")
        }
        var plan = LoadPlan(target: url, profile: rateProfile, duration: loadDuration ?? 10, mix: entries,
                            connections: connections, seed: seed ?? defaultSeed, lateThreshold: late.seconds)
        plan.arrivals = arrivals
        plan.headers = try header.map(Self.parseHeader)
        plan.scenarioSource = source
        let problems = plan.problems()
        if !problems.isEmpty { throw UsageProblem(message: problems.joined(separator: "\nerror: ")) }
        return plan
    }
}

extension ArrivalPattern: ExpressibleByArgument {}
