import CapsimModel
import Foundation

/// Open-loop arrivals at the entry and the route each one takes: the entry's rate over time
/// (profile, surges, calendar seasons) sampled by thinning, and the route mix weighted by the
/// seasons in force. Owns the `traffic/arrivals` and `traffic/routes` streams.
struct TrafficSource {
    let arrivals: ArrivalProcess
    let seasons: SeasonSchedule
    /// Each route's share of the entry (CDN origin routes included), their sum (1 plus the
    /// origin routes' weight), and the cumulative mix without seasons.
    let shares: [Double]
    let shareTotal: Double
    let cumulative: [Double]
    let duration: Double
    let slice: Double
    var arrivalRNG: RandomStream
    var routeRNG: RandomStream
    /// Route multipliers of the seasons in force and the weights they give (scratch, reused:
    /// no allocation per arrival).
    var multipliers: [Double]
    var weights: [Double]
    /// The sample slice whose arrival-rate bound is `boundValue` (nil before the first).
    var boundSliceEnd: Double?
    var boundValue = 0.0

    init(scenario: Scenario, traffic: Traffic, routes: [Route], options: SimulationOptions) throws {
        shares = routes.map(\.share)
        shareTotal = shares.reduce(0, +)
        var acc = 0.0
        let total = shareTotal
        cumulative = shares.map { acc += $0; return acc / total }
        duration = options.duration
        slice = options.samplePeriod
        seasons = SeasonSchedule(scenario: scenario, routes: routes, duration: options.duration)
        multipliers = shares.map { _ in 1 }
        weights = shares
        arrivals = ArrivalProcess(traffic: traffic, duration: options.duration, startOfDay: try TrafficSource.startOfDay(scenario.simulation.start),
                                  scale: shareTotal)
        arrivalRNG = RandomStream(seed: options.seed, name: "traffic/arrivals")
        routeRNG = RandomStream(seed: options.seed, name: "traffic/routes")
    }

    /// Seconds after midnight EAT at the run's start, from `simulation.start` (validated).
    static func startOfDay(_ start: String?) throws -> Double {
        guard let start else { return 0 }
        guard let s = SimulationClock.secondsAfterMidnightEAT(start) else {
            throw SimulationError(description: "simulation.start: expected an ISO 8601 time like \"2026-09-11T18:00:00+03:00\", got \"\(start)\"")
        }
        return s
    }

    /// The next arrival after `start`, or nil past the end of the run. Thinning against the
    /// bound of the current sample slice; past the slice's end, restart from its end
    /// (exponential gaps are memoryless, so this is exact).
    mutating func nextArrival(after start: Double) -> Double? {
        var t = start
        while t < duration {
            // At a slice's end t ÷ slice may round just below the whole number (a 6 ms slice is
            // not exact in binary), giving back the same end: step to the next one, or the loop
            // never moves (found by the mutation fuzzer).
            var end = (floor(t / slice) + 1) * slice
            if end <= t { end += slice }
            let sliceEnd = min(duration, end)
            // The bound over the whole slice holds for any later start inside it; computed
            // once per slice, not per arrival.
            if sliceEnd != boundSliceEnd { boundSliceEnd = sliceEnd; boundValue = sliceBound(sliceEnd - slice, sliceEnd) }
            let bound = boundValue
            if bound <= 0 { t = sliceEnd; continue }
            let gap = -log(arrivalRNG.uniformPositive()) / bound
            if t + gap >= sliceEnd { t = sliceEnd; continue }
            t += gap
            if arrivalRNG.uniform() * bound <= currentRate(t) { return t }
        }
        return nil
    }

    /// The entry's arrival rate at t, with the calendar seasons in force.
    @inline(__always)
    mutating func currentRate(_ t: Double) -> Double {
        if seasons.isEmpty { return arrivals.rate(t) }
        seasons.multipliers(at: t, into: &multipliers)
        var w = 0.0
        for i in shares.indices { w += shares[i] * multipliers[i] }
        // `arrivals` already carries the routes' total weight (its `scale`): divide it out, or
        // a scenario with seasons and CDN origin routes counts that weight twice.
        return arrivals.rate(t, shift: seasons.shift(at: t)) * w / shareTotal
    }

    /// A bound of `currentRate` over a slice: seasons are constant between their boundaries,
    /// so the bound is the largest over the pieces the slice crosses.
    mutating func sliceBound(_ t0: Double, _ t1: Double) -> Double {
        if seasons.isEmpty { return arrivals.bound(t0, t1) }
        let cuts = [t0] + seasons.boundaries(t0, t1) + [t1]
        var best = 0.0
        for i in 0..<(cuts.count - 1) {
            let a = cuts[i], b = cuts[i + 1], mid = (a + b) / 2
            seasons.multipliers(at: mid, into: &multipliers)
            var w = 0.0
            for r in shares.indices { w += shares[r] * multipliers[r] }
            best = max(best, arrivals.bound(a, b, shifts: [seasons.shift(at: mid)]) * w / shareTotal)
        }
        return best
    }

    /// The route an arrival at `now` takes: by share, weighted by the seasons in force (e.g.
    /// payments ×2 on Genna eve).
    @inline(__always)
    mutating func chooseRoute(at now: Double) -> Int {
        let u = routeRNG.uniform()
        var route = 0
        if seasons.isEmpty {
            while route < cumulative.count - 1 && u >= cumulative[route] { route += 1 }
        } else {
            seasons.multipliers(at: now, into: &multipliers)
            var total = 0.0
            for i in shares.indices { weights[i] = shares[i] * multipliers[i]; total += weights[i] }
            var acc = weights[0], target = u * total
            while route < shares.count - 1 && target >= acc { route += 1; acc += weights[route] }
        }
        return route
    }
}

extension Simulator {
    /// A request arrives at the entry: it takes a route, enters the route's first station,
    /// and the next arrival is drawn.
    func arrive() {
        let route = traffic.chooseRoute(at: now)
        // With `clients:`, a user's request reaches the entry after its network's round trip.
        if let c = clients, route < c.routeCount {
            clientArrive(c, route: route)
            scheduleNextArrival(after: now)
            return
        }
        routes.arrived(route, measuring: measuring)
        if windows.any { windowArrival(route: route) }
        let r = requests.add(Request(kind: .routed, route: Int32(route), born: now))
        enter(r, station: routes.first(route))
        scheduleNextArrival(after: now)
    }

    func scheduleNextArrival(after t: Double) {
        if let next = traffic.nextArrival(after: t) { kernel.schedule(.arrival, at: next) }
    }
}
