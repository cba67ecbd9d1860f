import CapsimModel
import Foundation

/// One kind of request in a load mix: method, path (with query) and an optional JSON body,
/// chosen with probability `share` (shares of a mix sum to 1).
public struct MixEntry: Hashable, Sendable, Codable, CustomStringConvertible {
    public var method: String
    public var path: String
    public var body: String?
    public var share: Double

    public init(method: String = "GET", path: String, body: String? = nil, share: Double) {
        self.method = method.uppercased()
        self.path = path
        self.body = body
        self.share = share
    }

    /// `GET:/path`, the route's name in results.
    public var route: String { "\(method):\(path)" }
    public var description: String { "\(route)=\(trimNumber(share * 100))%" }
}

/// How the intended send rate evolves: constant, or piecewise constant through (time, rate)
/// points (a scenario's traffic profile). Before the first point the first point's rate holds.
public enum RateProfile: Hashable, Sendable, Codable {
    case constant(perSecond: Double)
    case steps([RateStep])

    /// The rate in force at `t` seconds into the run.
    public func rate(at t: Double) -> Double {
        switch self {
        case .constant(let r): return r
        case .steps(let steps):
            var r = steps.first?.perSecond ?? 0
            for s in steps where s.at <= t { r = s.perSecond }
            return r
        }
    }
}

public struct RateStep: Hashable, Sendable, Codable {
    /// Seconds since the start of the run.
    public var at: Double
    public var perSecond: Double
    public init(at: Double, perSecond: Double) { self.at = at; self.perSecond = perSecond }
}

/// What to send, where, how fast and for how long.
public struct LoadPlan: Sendable {
    public var target: URL
    public var profile: RateProfile
    /// Seconds during which requests are scheduled.
    public var duration: Double
    public var mix: [MixEntry]
    public var connections: Int
    public var seed: UInt64
    /// A request sent more than this many seconds after its intended time counts as late.
    public var lateThreshold: Double
    /// After the last intended send, how long to wait for outstanding responses.
    public var drainTimeout: Double
    /// Keep one `RequestSample` per request in the result (tests, calibration).
    public var recordSamples: Bool
    /// Evenly spaced sends (the default) or a Poisson process of the same rate.
    public var arrivals: ArrivalPattern = .uniform
    /// Extra request headers sent with every request (`Authorization`, for instance).
    public var headers: [(name: String, value: String)] = []
    /// Where `profile` came from, when it was derived from a scenario's traffic.
    public var scenarioSource: ScenarioProfileSource?

    public init(target: URL, rate: Double, duration: Double, mix: [MixEntry] = [], connections: Int = 10,
                seed: UInt64 = 1, lateThreshold: Double = 0.001, drainTimeout: Double = 10, recordSamples: Bool = false) {
        self.init(target: target, profile: .constant(perSecond: rate), duration: duration, mix: mix, connections: connections,
                  seed: seed, lateThreshold: lateThreshold, drainTimeout: drainTimeout, recordSamples: recordSamples)
    }

    public init(target: URL, profile: RateProfile, duration: Double, mix: [MixEntry] = [], connections: Int = 10,
                seed: UInt64 = 1, lateThreshold: Double = 0.001, drainTimeout: Double = 10, recordSamples: Bool = false) {
        self.target = target
        self.profile = profile
        self.duration = duration
        self.mix = mix
        self.connections = connections
        self.seed = seed
        self.lateThreshold = lateThreshold
        self.drainTimeout = drainTimeout
        self.recordSamples = recordSamples
    }

    /// The mix actually used: the given one, or GET of the target's path.
    public var effectiveMix: [MixEntry] {
        mix.isEmpty ? [MixEntry(method: "GET", path: Endpoint.requestPath(of: target), share: 1)] : mix
    }

    /// Every problem with the plan, worded for a user; empty when it can run.
    public func problems() -> [String] {
        var out: [String] = []
        if Endpoint(target) == nil { out.append(Endpoint.problem(with: target)) }
        switch profile {
        case .constant(let r):
            if !(r > 0 && r.isFinite) { out.append("rate must be a positive number of requests per second, got \(r)") }
        case .steps(let steps):
            if steps.isEmpty { out.append("a rate profile needs at least one (time, rate) point") }
            for s in steps where !(s.perSecond >= 0 && s.perSecond.isFinite && s.at >= 0 && s.at.isFinite) {
                out.append("rate profile point \(s.at)s: rate must be ≥ 0 and time ≥ 0")
            }
            if zip(steps, steps.dropFirst()).contains(where: { $0.at >= $1.at }) { out.append("rate profile times must increase") }
            if !steps.contains(where: { $0.perSecond > 0 }) { out.append("a rate profile needs a point with a positive rate") }
        }
        if !(duration > 0 && duration.isFinite) { out.append("duration must be positive, got \(duration)s") }
        if connections < 1 { out.append("connections must be at least 1, got \(connections)") }
        if !(lateThreshold >= 0) { out.append("late threshold must be ≥ 0") }
        if !(drainTimeout >= 0) { out.append("drain timeout must be ≥ 0") }
        if let p = MixParser.problem(mix) { out.append(p) }
        for h in headers where h.name.isEmpty || !h.name.allSatisfy({ $0.isLetter || $0.isNumber || "-_".contains($0) })
            || h.value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
            out.append("header \"\(h.name)\": expected a NAME: VALUE header without line breaks")
        }
        return out
    }
}

func trimNumber(_ x: Double) -> String {
    x == x.rounded() ? String(Int(x)) : String(format: "%g", x)
}

/// Host, port and default path of an `http://` target.
struct Endpoint: Sendable {
    var host: String
    var port: Int

    init?(_ url: URL) {
        guard url.scheme?.lowercased() == "http", let host = url.host, !host.isEmpty else { return nil }
        let port = url.port ?? 80
        guard (1...65535).contains(port) else { return nil }
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        self.port = port
    }

    static func problem(with url: URL) -> String {
        if let s = url.scheme?.lowercased(), s != "http" {
            return "target \(url.absoluteString): only http:// targets are supported (got \(s)://)"
        }
        return "target \(url.absoluteString): expected a URL like http://127.0.0.1:8080/path"
    }

    static func requestPath(of url: URL) -> String {
        var path = url.path.isEmpty ? "/" : url.path
        if let q = url.query { path += "?" + q }
        return path
    }
}

/// Parses `GET:/path=70%,POST:/payments=30%`.
public enum MixParser {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Entries separated by commas, each `[METHOD:]PATH=SHARE%`; shares must sum to 100 %.
    /// `bodies` maps `METHOD:PATH` (or `PATH` for GET) to a JSON body for that entry.
    public static func parse(_ text: String, bodies: [String: String] = [:]) throws -> [MixEntry] {
        var entries: [MixEntry] = []
        for raw in text.split(separator: ",", omittingEmptySubsequences: false) {
            let item = raw.trimmingCharacters(in: .whitespaces)
            guard let eq = item.lastIndex(of: "=") else {
                throw Failure(description: "mix entry \"\(item)\": expected METHOD:/path=SHARE%, e.g. GET:/products=70%")
            }
            let lhs = String(item[..<eq]), rhs = String(item[item.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
            let method: String, path: String
            if let colon = lhs.firstIndex(of: ":"), !lhs.hasPrefix("/") {
                method = String(lhs[..<colon]).uppercased(); path = String(lhs[lhs.index(after: colon)...])
            } else {
                method = "GET"; path = lhs
            }
            guard !method.isEmpty, method.allSatisfy({ $0.isLetter }) else {
                throw Failure(description: "mix entry \"\(item)\": method \"\(method)\" is not an HTTP method")
            }
            guard path.hasPrefix("/"), !path.contains(where: { $0 == " " }) else {
                throw Failure(description: "mix entry \"\(item)\": the path must start with / and hold no spaces")
            }
            guard rhs.hasSuffix("%"), let pct = Double(rhs.dropLast().trimmingCharacters(in: .whitespaces)), pct > 0, pct <= 100 else {
                throw Failure(description: "mix entry \"\(item)\": share \"\(rhs)\" should be a percentage like 30%")
            }
            let body = bodies["\(method):\(path)"] ?? (method == "GET" ? bodies[path] : nil)
            entries.append(MixEntry(method: method, path: path, body: body, share: pct / 100))
        }
        if let p = problem(entries) { throw Failure(description: p) }
        return entries
    }

    /// Why a mix cannot be used, or nil (an empty mix means "GET the target").
    public static func problem(_ mix: [MixEntry]) -> String? {
        if mix.isEmpty { return nil }
        if let bad = mix.first(where: { !($0.share > 0 && $0.share.isFinite) }) { return "mix entry \(bad.route): share must be positive" }
        let total = mix.reduce(0) { $0 + $1.share }
        if abs(total - 1) > 1e-6 {
            return "mix shares sum to \(trimNumber((total * 1e4).rounded() / 100))%, not 100% (\(mix.map(\.description).joined(separator: ",")))"
        }
        let routes = mix.map(\.route)
        if Set(routes).count != routes.count { return "mix lists a route twice" }
        return nil
    }
}

/// Chooses mix entries from the seeded stream `load/mix`: the same seed gives the same sequence.
public struct MixChooser: Sendable {
    let cumulative: [Double]
    var stream: RandomStream

    public init(mix: [MixEntry], seed: UInt64) {
        var acc = 0.0
        cumulative = mix.map { acc += $0.share; return acc }
        stream = RandomStream(seed: seed, name: "load/mix")
    }

    public mutating func next() -> Int {
        if cumulative.count == 1 { return 0 }
        let u = stream.uniform() * (cumulative.last ?? 1)
        return cumulative.firstIndex(where: { u < $0 }) ?? cumulative.count - 1
    }
}

/// How intended send times are spaced.
public enum ArrivalPattern: String, Hashable, Sendable, Codable, CaseIterable {
    /// Evenly: the i-th request at Λ⁻¹(i) (a constant rate r gives i / r), as wrk2 does. The
    /// gentlest load at a given rate: no two requests bunch up by chance.
    case uniform
    /// A Poisson process of the same rate: Λ⁻¹ of a sum of unit exponentials drawn from the
    /// seeded stream `load/arrivals`. Many independent users arrive like this, and it is what
    /// the simulator generates, so `capsim calibrate` measures with it — a queue under uniform
    /// arrivals waits far less than the same queue under Poisson ones at the same load.
    case poisson
}

/// Intended send times (seconds from the start) of an open-loop run: arrival i is sent at
/// Λ⁻¹(x_i), where Λ(t) is the integral of the rate and x_i is i (uniform) or the i-th point
/// of a unit-rate Poisson process (poisson). Uniform times are computed from the index, not
/// accumulated, so they do not drift.
public struct ArrivalSchedule: Sequence, IteratorProtocol, Sendable {
    let profile: RateProfile
    let duration: Double
    let pattern: ArrivalPattern
    var index = 0
    var stream: RandomStream
    var poissonPoint = 0.0
    // Piecewise segments (start, rate, Λ at start), for `.steps`.
    let segments: [(start: Double, rate: Double, cumulative: Double)]
    var segment = 0

    public init(profile: RateProfile, duration: Double, pattern: ArrivalPattern = .uniform, seed: UInt64 = 1) {
        self.profile = profile
        self.duration = duration
        self.pattern = pattern
        self.stream = RandomStream(seed: seed, name: "load/arrivals")
        var segs: [(Double, Double, Double)] = []
        if case .steps(let steps) = profile, let first = steps.first {
            var points = steps
            if first.at > 0 { points.insert(RateStep(at: 0, perSecond: first.perSecond), at: 0) }
            var cum = 0.0
            for (k, p) in points.enumerated() {
                segs.append((p.at, p.perSecond, cum))
                if k + 1 < points.count { cum += (points[k + 1].at - p.at) * p.perSecond }
            }
        }
        segments = segs
    }

    public mutating func next() -> Double? {
        let target: Double
        switch pattern {
        case .uniform: target = Double(index)
        case .poisson:
            if index > 0 { poissonPoint += -log(stream.uniformPositive()) }
            target = poissonPoint
        }
        let t: Double
        switch profile {
        case .constant(let r):
            t = target / r
        case .steps:
            while segment + 1 < segments.count && segments[segment + 1].cumulative <= target {
                segment += 1
            }
            let s = segments[segment]
            guard s.rate > 0 else { return nil } // last segment with rate 0: no more arrivals
            t = s.start + (target - s.cumulative) / s.rate
        }
        guard t < duration else { return nil }
        index += 1
        return t
    }

    /// How many requests the plan schedules.
    public static func count(profile: RateProfile, duration: Double, pattern: ArrivalPattern = .uniform, seed: UInt64 = 1) -> Int {
        var s = ArrivalSchedule(profile: profile, duration: duration, pattern: pattern, seed: seed)
        var n = 0
        while s.next() != nil { n += 1 }
        return n
    }
}
