import CapsimModel
import Foundation

/// A `capsim load` request as the user typed it, flag by flag; `plan()` turns it into a
/// `LoadPlan` or says, in one message naming the flag, why it can't. Kept in the library
/// (not the command) so tests reach every rule without starting a process.
public struct LoadRequest: Sendable {
    public var target: String
    /// One of the three traffic sources: a constant rate, a piecewise profile, a scenario.
    public var rate: String?
    public var profile: String?
    public var scenario: String?
    /// With `scenario`: scenario seconds per second of load, and a factor on every rate.
    public var timeScale: Double?
    public var rateScale: Double?
    public var duration: String?
    public var mix: String?
    /// `METHOD:/path=JSON`, one per mix entry that sends a body.
    public var bodies: [String] = []
    /// `Name: value`.
    public var headers: [String] = []
    public var arrivals: ArrivalPattern = .uniform
    public var connections: Int = 10
    public var seed: UInt64?
    public var lateThreshold: String = "1ms"

    public init(target: String) { self.target = target }
}

/// A flag whose value can't make a load plan: the message names the flag and what was expected.
public struct LoadUsageProblem: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

extension LoadRequest {
    /// `Name: value` → (name, value).
    public static func parseHeader(_ text: String) throws -> (name: String, value: String) {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else {
            throw LoadUsageProblem(message: "--header \"\(text)\": expected NAME: VALUE, e.g. 'Authorization: Bearer TOKEN'")
        }
        return (String(text[..<colon]).trimmingCharacters(in: .whitespaces), String(text[text.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
    }

    /// The plan, or a `LoadUsageProblem`; a scenario that does not load throws its located
    /// `ScenarioErrors`, as every command that reads a scenario does.
    public func plan() throws -> LoadPlan {
        guard let url = URL(string: target), url.host != nil else {
            throw LoadUsageProblem(message: "target \"\(target)\": expected a URL like http://127.0.0.1:8080/path")
        }
        let given = [rate.map { _ in "--rate" }, profile.map { _ in "--profile" }, scenario.map { _ in "--scenario" }].compactMap { $0 }
        if given.count > 1 { throw LoadUsageProblem(message: "give one of --rate, --profile and --scenario, not \(given.joined(separator: " and "))") }
        if scenario == nil, let flag = [timeScale.map { _ in "--time-scale" }, rateScale.map { _ in "--rate-scale" }].compactMap({ $0 }).first {
            throw LoadUsageProblem(message: "\(flag) goes with --scenario")
        }
        var loadDuration: Double?
        if let duration {
            guard let d = CapsimModel.Duration(parsing: duration), d.seconds > 0 else {
                throw LoadUsageProblem(message: "--duration \"\(duration)\": expected a positive duration like 60s")
            }
            loadDuration = d.seconds
        }
        let rateProfile: RateProfile
        var source: ScenarioProfileSource?
        var defaultSeed: UInt64 = 1
        switch (rate, profile) {
        case (nil, nil):
            guard let scenario else { throw LoadUsageProblem(message: "give --rate (e.g. --rate 500/s), --profile or --scenario") }
            let s = try ScenarioLoader.load(path: scenario)  // located errors, exit 2, like every command that reads a scenario
            let scale = timeScale ?? 1
            guard scale > 0, scale.isFinite else { throw LoadUsageProblem(message: "--time-scale must be a positive number, got \(String(format: "%g", scale))") }
            // The load run lasts --duration (default: the whole simulation.duration, compressed);
            // it covers that × the time scale of scenario time.
            let span = (loadDuration ?? s.simulation.duration / scale) * scale
            do {
                let derived = try ScenarioProfile.derive(s, file: scenario, scenarioSeconds: span, timeScale: scale, rateScale: rateScale ?? 1)
                rateProfile = derived.profile
                source = derived.source
            } catch let e as ScenarioProfile.Failure {
                throw LoadUsageProblem(message: "--scenario \(scenario): \(e.description)")
            }
            loadDuration = span / scale
            defaultSeed = s.seed
        case (.some, .some): throw LoadUsageProblem(message: "give --rate or --profile, not both")
        case (let r?, nil):
            guard let parsed = Rate(parsing: r), parsed.perSecond > 0 else {
                throw LoadUsageProblem(message: "--rate \"\(r)\": expected a positive rate like 500/s")
            }
            rateProfile = .constant(perSecond: parsed.perSecond)
        case (nil, let p?):
            var steps: [RateStep] = []
            for item in p.split(separator: ",") {
                let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, let t = CapsimModel.Duration(parsing: parts[0]), let r = Rate(parsing: parts[1]) else {
                    throw LoadUsageProblem(message: "--profile point \"\(item)\": expected TIME=RATE like 10s=500/s")
                }
                steps.append(RateStep(at: t.seconds, perSecond: r.perSecond))
            }
            rateProfile = .steps(steps)
        }
        guard let late = CapsimModel.Duration(parsing: lateThreshold) else {
            throw LoadUsageProblem(message: "--late-threshold \"\(lateThreshold)\": expected a duration like 1ms")
        }
        var bodyByRoute: [String: String] = [:]
        for b in bodies {
            guard let eq = b.firstIndex(of: "="), b[..<eq].contains("/") else {
                throw LoadUsageProblem(message: "--body \"\(b)\": expected METHOD:/path=JSON")
            }
            let json = String(b[b.index(after: eq)...])
            guard (try? JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])) != nil else {
                throw LoadUsageProblem(message: "--body \"\(b)\": the body is not valid JSON")
            }
            bodyByRoute[String(b[..<eq])] = json
        }
        var entries: [MixEntry] = []
        if let mix {
            do { entries = try MixParser.parse(mix, bodies: bodyByRoute) } catch { throw LoadUsageProblem(message: "--mix: \(error)") }
            let routes = Set(entries.map(\.route) + entries.filter { $0.method == "GET" }.map(\.path))
            if let unused = bodyByRoute.keys.sorted().first(where: { !routes.contains($0) }) {
                throw LoadUsageProblem(message: "--body \(unused): no such entry in --mix")
            }
        } else if !bodyByRoute.isEmpty {
            throw LoadUsageProblem(message: "--body needs a --mix entry to attach to")
        }
        var plan = LoadPlan(target: url, profile: rateProfile, duration: loadDuration ?? 10, mix: entries,
                            connections: connections, seed: seed ?? defaultSeed, lateThreshold: late.seconds)
        plan.arrivals = arrivals
        plan.headers = try headers.map(Self.parseHeader)
        plan.scenarioSource = source
        let problems = plan.problems()
        if !problems.isEmpty { throw LoadUsageProblem(message: problems.joined(separator: "\nerror: ")) }
        return plan
    }
}
