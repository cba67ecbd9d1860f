import ArgumentParser
import CapsimModel
import Foundation
import LoadGen
import Reporting

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
        not the server, limited the rate. Bad input exits 2; an unreachable target exits 1.
        """)

    @Argument(help: "The target, e.g. http://127.0.0.1:8080/products (http only).")
    var target: String

    @Option(help: "Constant request rate, e.g. 500/s or 30k/min.")
    var rate: String?

    @Option(help: "A piecewise-constant rate instead of --rate: TIME=RATE points, e.g. 0s=100/s,10s=500/s,20s=200/s.")
    var profile: String?

    @Option(help: "How long to schedule requests, e.g. 60s or 2m.")
    var duration: String = "10s"

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

    @Option(help: "Seed for the mix's random stream.")
    var seed: UInt64 = 1

    @Option(help: "A send later than this after its intended time counts as late.")
    var lateThreshold: String = "1ms"

    @Option(help: "Output format: table or json.")
    var format: Format = .table

    func run() throws {
        let plan: LoadPlan
        do { plan = try makePlan() } catch let e as UsageProblem {
            printErr("error: \(e.message)")
            throw ExitCode(2)
        }
        let result: LoadResult
        do {
            result = try runLoadBlocking(plan)
        } catch let e as LoadError {
            printErr("error: \(e.description)")
            if case .invalidPlan = e { throw ExitCode(2) }
            throw ExitCode(1)
        }
        switch format {
        case .json:
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try e.encode(result), as: UTF8.self))
        case .table:
            print(LoadReport.table(result))
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
        let rateProfile: RateProfile
        switch (rate, profile) {
        case (nil, nil): throw UsageProblem(message: "give --rate (e.g. --rate 500/s) or --profile")
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
        guard let d = CapsimModel.Duration(parsing: duration), d.seconds > 0 else {
            throw UsageProblem(message: "--duration \"\(duration)\": expected a positive duration like 60s")
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
        var plan = LoadPlan(target: url, profile: rateProfile, duration: d.seconds, mix: entries,
                            connections: connections, seed: seed, lateThreshold: late.seconds)
        plan.arrivals = arrivals
        plan.headers = try header.map(Self.parseHeader)
        let problems = plan.problems()
        if !problems.isEmpty { throw UsageProblem(message: problems.joined(separator: "\nerror: ")) }
        return plan
    }
}

enum LoadReport {
    static func ms(_ x: Double) -> String {
        x < 10 ? String(format: "%.2fms", x) : x < 1000 ? String(format: "%.1fms", x) : String(format: "%.3fs", x / 1000)
    }

    static func rate(_ r: Double) -> String { String(format: "%.1f/s", r) }

    static func table(_ r: LoadResult) -> String {
        var out: [String] = []
        out.append("\(r.target): \(rate(r.requestedRate)) for \(formatDuration(r.duration)) over \(r.connections) connection\(r.connections == 1 ? "" : "s") (open loop, seed \(r.seed))")
        out.append("scheduled \(r.scheduled), sent \(r.sent), completed \(r.completed), achieved \(rate(r.achievedRate)) over \(String(format: "%.2fs", r.elapsed))"
                   + (r.connectionsOpened > r.connections ? ", \(r.connectionsOpened) connections opened" : ""))
        let pct = r.sent > 0 ? String(format: " (%.1f%%)", 100 * Double(r.lateSends) / Double(r.sent)) : ""
        out.append("late sends (> \(formatDuration(r.lateThreshold)) after the intended time): \(r.lateSends)\(pct), max lag \(ms(r.maxSendLag))")
        out.append("")
        var t = TextTable(["latency", "p50", "p90", "p95", "p99", "p99.9", "max", "mean"])
        var rows = [("from intended send", r.latency), ("service time (from actual send)", r.serviceTime)]
        if let server = r.serverTime {
            rows.append(("server: waiting for a worker", server.queue))
            rows.append(("server: holding a worker", server.app))
        }
        for (name, s) in rows {
            t.add([name, ms(s.p50), ms(s.p90), ms(s.p95), ms(s.p99), ms(s.p999), ms(s.max), ms(s.mean)])
        }
        out.append(t.render())
        out.append("")
        var routes = TextTable(["route", "sent", "completed", "statuses"])
        for route in r.routes {
            routes.add([route.route, String(route.sent), String(route.completed),
                        route.statuses.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")])
        }
        out.append(routes.render())
        out.append("")
        out.append(r.errors.isEmpty ? "errors: none"
                   : "errors: " + r.errors.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", "))
        return out.joined(separator: "\n")
    }
}

extension ArrivalPattern: ExpressibleByArgument {}
