import CapsimModel

/// What a route or a station did within one window of the run.
public struct WindowTally: Hashable, Sendable, Codable {
    /// The route or station.
    public let name: String
    /// Requests that arrived in the window, and those that completed or failed for good in it
    /// (by completion time, as a monitoring system counts them).
    public let arrivals: Int
    public let completed: Int
    public let dropped: Int
    public let timedOut: Int
    /// Routes: requests whose call failed for good (every attempt timed out).
    public var failed: Int? = nil
    /// Routes that call an external dependency: requests it answered with an error, for good.
    public var errors: Int? = nil
    /// Runs with faults (routes): requests lost with their pod, and retries sent in the window.
    public var podLost: Int? = nil
    public var retries: Int? = nil
    /// End to end for a route, time in the station for a station, over the completions in the
    /// window; nil when none completed.
    public let latency: LatencySummary?

    public init(name: String, arrivals: Int, completed: Int, dropped: Int, timedOut: Int, failed: Int? = nil, errors: Int? = nil,
                latency: LatencySummary?) {
        self.name = name; self.arrivals = arrivals; self.completed = completed; self.dropped = dropped; self.timedOut = timedOut
        self.failed = failed; self.errors = errors; self.latency = latency
    }
}

/// One window of the run measured on its own: a surge, a season's days, or an interval an
/// expectation names (`during:`). Counted whether or not it falls in the warm-up: the window
/// is what was asked for.
public struct WindowSummary: Hashable, Sendable, Codable {
    public let window: String
    /// The window's stretches in simulated seconds from the start, as [from, to] pairs (a season
    /// can fall on several days); clipped to the run.
    public let intervals: [[Double]]
    public let routes: [WindowTally]
    public let services: [WindowTally]
}

/// The windows a run measures on its own — every surge of the scenario and every window its
/// expectations name — and their tallies per route and per station. Windows in force are
/// recomputed only when the clock passes a window's edge, so the hot path pays one comparison
/// while none is open.
struct Windows {
    struct Tally {
        var arrivals = 0, completed = 0
        /// Failures by cause: dropped, queue timeouts, call timeouts, dependency errors.
        var failures = FailureCounts()
        var sum = 0.0
        /// Allocated at the first completion: a 3-digit histogram spans ~190 KB.
        var latency: LogHistogram?

        mutating func complete(_ seconds: Double) {
            completed += 1
            sum += seconds
            if latency == nil { latency = runHistogram() }
            latency!.record(UInt64(max(0, seconds) * 1e6))
        }

        mutating func turnedAway(_ cause: FailureCause) { failures.count(cause) }
        /// Attempts sent again (runs with faults report them: offered load against original requests).
        var retries = 0
    }

    let names: [String]
    let intervals: [[(from: Double, to: Double)]]
    var routes: [[Tally]]
    var stations: [[Tally]]
    /// Windows in force at `now` (valid until `nextEdge`).
    private(set) var active: [Int] = []
    private var nextEdge = 0.0
    let any: Bool

    init(scenario: Scenario, seasons: SeasonSchedule, schedules: ScheduleWindows, duration: Double, routeCount: Int, stationCount: Int) {
        var names: [String] = [], spans: [[(from: Double, to: Double)]] = []
        func add(_ name: String, _ s: [(from: Double, to: Double)]) {
            guard !names.contains(name) else { return }
            names.append(name)
            spans.append(s.map { (max(0, $0.from), min(duration, $0.to)) }.filter { $0.from < $0.to })
        }
        let surges = scenario.traffic?.surges ?? []
        for s in surges { add(s.name, [(s.start, s.start + s.duration)]) }
        for f in scenario.activeFaults { add(f.name, [(f.start, f.end)]) }
        for e in scenario.expectations {
            switch e.during {
            case nil: continue
            case .named(let n):
                // A fault's window is measured only when the fault is on (added above).
                if scenario.faults.contains(where: { $0.name == n }) { continue }
                if let s = surges.first(where: { $0.name == n }) { add(n, [(s.start, s.start + s.duration)]) }
                else { add(n, seasons.windows.filter { $0.season == n }.map { ($0.start, $0.end) }) }
            case .interval(let from, let to):
                add(e.during!.label, [(from, to)])
            }
        }
        // Each scheduled-scaling rule's stretches, so what it bought can be read off (and set
        // against a run without it).
        for rule in schedules.rules { add(rule.window, rule.intervals) }
        self.names = names
        intervals = spans
        routes = names.map { _ in Array(repeating: Tally(), count: routeCount) }
        stations = names.map { _ in Array(repeating: Tally(), count: stationCount) }
        any = spans.contains { !$0.isEmpty }
        if !any { nextEdge = .infinity }
    }

    /// Brings `active` up to `now`: a no-op until the clock passes the next window edge.
    @inline(__always)
    mutating func advance(to now: Double) {
        if now >= nextEdge { recompute(now) }
    }

    private mutating func recompute(_ now: Double) {
        active.removeAll(keepingCapacity: true)
        var edge = Double.infinity
        for (w, spans) in intervals.enumerated() {
            for s in spans {
                if s.from <= now && now < s.to { active.append(w) }
                if s.from > now { edge = min(edge, s.from) }
                if s.to > now { edge = min(edge, s.to) }
            }
        }
        nextEdge = edge
    }

    /// `faultRun`: the run has faults, so routes report lost requests and retries too.
    func summaries(routeNames: [String], plain: [Bool], dependent: [Bool], stationNames: [String], faultRun: Bool) -> [WindowSummary] {
        names.indices.map { w in
            WindowSummary(window: names[w], intervals: intervals[w].map { [$0.from, $0.to] },
                          routes: routeNames.indices.map { i in
                              let t = routes[w][i]
                              var tally = WindowTally(name: routeNames[i], arrivals: t.arrivals, completed: t.completed, dropped: t.failures.dropped,
                                                 timedOut: t.failures.queueTimeout, failed: plain[i] ? nil : t.failures.callTimeout,
                                                 errors: dependent[i] ? t.failures.error : nil,
                                                 latency: t.latency.flatMap { Simulator.summary($0, t.sum) })
                              if faultRun { tally.podLost = t.failures.podLost; tally.retries = t.retries }
                              return tally
                          },
                          services: stationNames.indices.map { i in
                              let t = stations[w][i]
                              return WindowTally(name: stationNames[i], arrivals: t.arrivals, completed: t.completed, dropped: t.failures.dropped,
                                                 timedOut: t.failures.queueTimeout, latency: t.latency.flatMap { Simulator.summary($0, t.sum) })
                          })
        }
    }
}

extension Simulator {
    // Called from the hot path only when the scenario has windows (`windows.any`).

    func windowArrival(route: Int) {
        windows.advance(to: now)
        for w in windows.active { windows.routes[w][route].arrivals += 1 }
    }

    func windowArrival(station: Int) {
        windows.advance(to: now)
        for w in windows.active { windows.stations[w][station].arrivals += 1 }
    }

    func windowCompletion(route: Int, seconds: Double) {
        windows.advance(to: now)
        for w in windows.active { windows.routes[w][route].complete(seconds) }
    }

    func windowFailure(route: Int, _ cause: FailureCause) {
        windows.advance(to: now)
        for w in windows.active { windows.routes[w][route].turnedAway(cause) }
    }

    func windowRetry(route: Int) {
        windows.advance(to: now)
        for w in windows.active { windows.routes[w][route].retries += 1 }
    }

    func windowCompletion(station: Int, seconds: Double) {
        windows.advance(to: now)
        for w in windows.active { windows.stations[w][station].complete(seconds) }
    }

    func windowTurnedAway(station: Int, _ cause: FailureCause) {
        windows.advance(to: now)
        for w in windows.active { windows.stations[w][station].turnedAway(cause) }
    }
}

extension WindowSummary {
    /// Seconds the window spans within the run.
    public var length: Double { intervals.reduce(0) { $0 + $1[1] - $1[0] } }

    /// Whether simulated time `t` falls in the window.
    public func covers(_ t: Double) -> Bool { intervals.contains { $0[0] <= t && t < $0[1] } }

    /// Whether the sample at `t`, which summarises (t − period, t], overlaps the window.
    public func overlaps(sampleAt t: Double, period: Double) -> Bool { intervals.contains { t > $0[0] && t - period < $0[1] } }
}
