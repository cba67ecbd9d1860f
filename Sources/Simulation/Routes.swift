import CapsimModel

/// The routes requests walk and what happened to them end to end: each route's stations and
/// call steps, and per route the arrivals, completions, failures by cause, requests in flight
/// and end-to-end latency (per run and per sample window).
struct Routes {
    let names: [String]
    /// The paths flattened (route r's stations start at `start[r]`, `length[r]` long), so the
    /// hot path indexes one array instead of retaining an inner one per event.
    let flat: ContiguousArray<Int32>
    let start: ContiguousArray<Int>
    let length: ContiguousArray<Int>
    /// Routes whose every step is one plain call take the fast path (no call bookkeeping).
    let plain: [Bool]
    /// Per route, per step: its calls (one, or a fan-out's members).
    let steps: [[[CallSpec]]]
    /// The capacity of each call step's connection pool (`CallSpec.pool` indexes it).
    let poolCapacities: [Int]
    /// The distinct call timeouts, in order of first appearance (`CallSpec.timeoutClass`).
    let timeouts: [Double]

    var runLatency: [LogHistogram]
    var runSum: [Double]
    var completed: [Int]
    var windowLatency: [LogHistogram]
    var windowCompleted: [Int]
    /// After warm-up: requests that arrived, and those that failed for good by cause.
    var arrivals: [Int]
    var failures: [FailureCounts]
    /// After warm-up: attempts sent again after a timeout, an error or a refusal.
    var retries: [Int]
    /// Requests in flight now (for the route timeline and the accounts).
    var live: [Int]

    /// `routes`: the scenario's, then the CDN origin routes; `station`: station index by name.
    init(_ routes: [Route], station: [String: Int32]) {
        names = routes.map(\.name)
        let paths = routes.map { $0.path.map { station[$0]! } }
        plain = routes.map { $0.steps.allSatisfy { step in
            if case .call(let c) = step { return c == Call.plain(c.service) }
            return false
        } }
        var pools: [Int] = []
        var timeouts: [Double] = []
        steps = routes.map { route in
            route.steps.map { step in
                step.calls.map { c -> CallSpec in
                    var pool: Int32?
                    if let n = c.pool { pool = Int32(pools.count); pools.append(n) }
                    var timeoutClass: Int?
                    if let t = c.timeout {
                        if !timeouts.contains(t) { timeouts.append(t) }
                        timeoutClass = timeouts.firstIndex(of: t)
                    }
                    return CallSpec(station: station[c.service]!, probability: c.probability, timeout: c.timeout, timeoutClass: timeoutClass,
                                    retries: Int16(c.retries), backoff: c.backoff, pool: pool)
                }
            }
        }
        poolCapacities = pools
        self.timeouts = timeouts
        flat = ContiguousArray(paths.joined())
        var starts = ContiguousArray<Int>(), at = 0
        for p in paths { starts.append(at); at += p.count }
        start = starts
        length = ContiguousArray(paths.map(\.count))
        runLatency = names.map { _ in runHistogram() }
        windowLatency = names.map { _ in windowHistogram() }
        completed = names.map { _ in 0 }
        runSum = names.map { _ in 0 }
        windowCompleted = completed
        arrivals = completed
        failures = names.map { _ in FailureCounts() }
        retries = completed
        live = completed
    }

    /// The station at `hop` of `route`'s path.
    @inline(__always)
    func station(_ route: Int, hop: Int) -> Int { Int(flat[start[route] + hop]) }

    @inline(__always)
    func first(_ route: Int) -> Int { station(route, hop: 0) }

    @inline(__always)
    mutating func arrived(_ route: Int, measuring: Bool) {
        if measuring { arrivals[route] += 1 }
        live[route] += 1
    }

    /// A request done end to end after `seconds`.
    @inline(__always)
    mutating func completed(_ route: Int, seconds: Double, measuring: Bool) {
        let e2e = UInt64(max(0, seconds) * 1e6)
        windowLatency[route].record(e2e)
        windowCompleted[route] += 1
        if measuring { runLatency[route].record(e2e); completed[route] += 1; runSum[route] += seconds }
        live[route] -= 1
    }

    mutating func failed(_ route: Int, _ cause: FailureCause, measuring: Bool) {
        if measuring { failures[route].count(cause) }
        live[route] -= 1
    }

    /// This window's row per route (p50 and p99 end to end), then the window is reset.
    mutating func sample(at now: Double, into timeline: inout [RouteSample]) {
        for (ri, name) in names.enumerated() {
            let h = windowLatency[ri]
            let v = h.total > 0 ? h.values(atPercentiles: [50, 99]).map { Double($0) / 1e6 } : nil
            timeline.append(RouteSample(time: now, route: name, completed: windowCompleted[ri], latencyP50: v?[0], latencyP99: v?[1],
                                        inFlight: live[ri]))
            if windowCompleted[ri] > 0 { windowLatency[ri].reset() }
            windowCompleted[ri] = 0
        }
    }
}

extension Simulator {
    /// A request reaches the next station of its route after the hop latency.
    func hopArrive(_ r: Int32) {
        requests[r].hop += 1
        requests[r].waitingSince = now
        let req = requests[r]
        enter(r, station: routes.station(Int(req.route), hop: Int(req.hop)))
    }

    /// A request's last step is done: its end-to-end latency is recorded and it leaves.
    @inline(__always)
    func complete(_ r: Int32) {
        let req = requests[r]
        routes.completed(Int(req.route), seconds: now - req.born, measuring: measuring)
        if windows.any { windowCompletion(route: Int(req.route), seconds: now - req.born) }
        if let a = req.client { clientServed(a, ok: true) }
        requests.release(r)
    }

    /// A request that failed for good: counted per route and cause, and it leaves.
    func fail(_ r: Int32, _ cause: FailureCause) {
        routes.failed(Int(requests[r].route), cause, measuring: measuring)
        if windows.any { windowFailure(route: Int(requests[r].route), cause) }
        if let a = requests[r].client { clientServed(a, ok: false) }
        requests.release(r)
    }
}
