import Autoscaling
import CapsimModel
import Foundation
import Histogram

/// Run-time settings that are not part of the scenario.
public struct SimulationOptions: Sendable {
    public var duration: Double
    public var warmup: Double
    public var samplePeriod: Double
    public var seed: UInt64
    /// Check the kernel's invariants after every event (tests turn this on; it costs ~2×).
    public var checkInvariants = false
    /// Called about every 2²⁰ events with (simulated time, events so far).
    public var progress: (@Sendable (Double, UInt64) -> Void)?

    public init(scenario s: Scenario) {
        duration = s.simulation.duration; warmup = s.simulation.warmup; samplePeriod = s.simulation.samplePeriod; seed = s.seed
    }
}

public struct SimulationError: Error, CustomStringConvertible, Sendable {
    /// Bad input is the user's to fix (exit 2); an engine fault is capsim's (exit 3).
    public enum Kind: Sendable { case badInput, engine }
    public let kind: Kind
    public let description: String

    public init(description: String) { kind = .badInput; self.description = description }
    init(engine description: String) { kind = .engine; self.description = description }
}

/// What a pooled request stands for. The engine dispatches on this, never on a special value
/// of another field: an earlier engine marked abandoned attempts and timed jobs with two
/// negative route numbers, they collided, and abandoned attempts ran as hour-long "jobs".
enum RequestKind: UInt8 {
    /// A user request walking its route (`route` says which).
    case routed
    /// An attempt its caller gave up on at a timeout: it keeps its place at the callee (queue,
    /// slot, connection, row lock), its work is wasted, and it leaves when that work is done.
    case abandoned
    /// An event-bus message, delivered to one consumer group.
    case message
    /// A timed job's turn on one instance: `work` seconds of a slot, in no statistic.
    case job
}

/// Why a routed request failed for good.
public enum FailureCause: UInt8, Sendable {
    /// Turned away by a full queue (`queue.limit`).
    case dropped
    /// Waited in a queue past its station's `queue.timeout`.
    case queueTimeout
    /// Every attempt of a call timed out.
    case callTimeout
}

/// The hot-row lock a write holds: which tracked database, which of its hottest rows (at most
/// `HotRows.tracked`). Two 16-bit halves, so an optional lock fits in the request's padding.
struct RowLock {
    let database: UInt16, row: UInt16
    init(database: Int, row: Int) { self.database = UInt16(database); self.row = UInt16(row) }
}

/// A request in flight; stored in a pool and referred to by index, so events carry no references.
///
/// Fields go widest first: Swift lays them out in declaration order, and the pool is read on
/// every event, so padding is memory traffic (96 bytes a request).
struct Request {
    var born: Double
    /// When it began waiting where it is now: it reached its current station (its time there
    /// is measured from here), or it began waiting outside one — for a database connection, a
    /// hot row's lock or its caller's pool.
    var waitingSince: Double
    /// When it took a slot at its current station (its queue wait is `startedAt − waitingSince`).
    var startedAt = 0.0
    /// A timed job's work, seconds (jobs only).
    var work = 0.0
    /// Route index (routed requests and abandoned attempts).
    var route: Int32
    var hop: Int32
    /// The pod it queues at or works on, once it has one.
    var pod: Int32 = 0
    /// Database queries still to make before the request moves on.
    var pendingQueries: Int32 = 0
    /// The service station whose work (and queries) the request is doing.
    var at: Int32 = 0
    /// Calls with policies: fan-out children still outstanding, the parent request, the armed
    /// timeout's call id, the connection pool held, the fan-out member this entry is (nil for
    /// the request itself), the attempt, and why a call failed for good.
    var pending: Int32 = 0
    var parent: Int32?
    var callId: Int32?
    var pool: Int32?
    /// The hot-row lock a write holds while it runs.
    var lock: RowLock?
    var member: Int16?
    var attempt: Int16 = 0
    var kind: RequestKind
    var failure: FailureCause?

    init(kind: RequestKind, route: Int32 = 0, born: Double) {
        self.kind = kind; self.route = route; hop = 0; self.born = born; waitingSince = born
    }
}

/// A call as the engine runs it: the callee station and the policy.
struct CallSpec {
    let station: Int32
    let probability: Double
    let timeout: Double?
    let retries: Int16
    let backoff: Double
    /// Index into `Simulator.pools`.
    let pool: Int32?
}

/// A connection pool shared by the callers of one call step.
struct ConnectionPool {
    let capacity: Int
    var inUse = 0
    var waiters = RingBuffer(capacity: 64)
}

/// The discrete-event simulator: open-loop arrivals at the entry, each request walking its
/// route's synchronous path through service stations, metrics sampled every period, and the
/// scenario's autoscaling policies (shared with `replay`) acting on those samples.
///
/// Calls are modelled hop by hop (tandem): a service's slot is freed when its own work is done
/// and the request moves on after the hop latency; callers do not hold slots while downstream
/// services work. A call with a pool holds one of the pool's connections until it returns;
/// a call with a timeout is abandoned when it outlives it (the callee finishes the work,
/// wasted) and retried after a backoff. Every run closes its accounts (`Accounting.swift`).
public final class Simulator {
    let scenario: Scenario
    let options: SimulationOptions
    var queue = EventQueue(capacity: 4096)
    var now = 0.0
    var stations: [Station] = []
    let arrivals: ArrivalProcess
    var arrivalRNG: RandomStream
    var routeRNG: RandomStream
    let routeNames: [String]
    let routePaths: [[Int32]]
    /// The paths flattened (route r's stations start at `routeStart[r]`, `routeLength[r]` long),
    /// so the hot path indexes one array instead of retaining an inner one per event.
    let routeFlat: ContiguousArray<Int32>
    let routeStart: ContiguousArray<Int>
    let routeLength: ContiguousArray<Int>
    /// Routes whose every step is one plain call take the fast path (no call bookkeeping).
    let plainRoute: [Bool]
    /// Per route, per step: its calls (one, or a fan-out's members).
    let routeSteps: [[[CallSpec]]]
    var pools: [ConnectionPool] = []
    var callRNG: [RandomStream] = []
    var nextCallId: Int32 = 0
    var waitingParents = 0
    var cdnPaths: [CDNPathSummary] = []
    let routeCumulative: [Double]
    let hopLatency: Double
    let seasons: SeasonSchedule
    let shares: [Double]
    /// Σ shares: 1 plus the CDN origin routes' weight.
    let shareTotal: Double
    /// Each station's timed jobs (`services.NAME.jobs`).
    let jobs: [[PeriodicJob]]
    /// Route multipliers of the seasons in force (scratch, reused: no allocation per arrival).
    var routeMultipliers: [Double]
    var routeWeights: [Double]

    var requests: ContiguousArray<Request> = []
    var freeRequests: ContiguousArray<Int32> = []
    var created = 0, finished = 0

    var routeRun: [LogHistogram]
    var routeWindow: [LogHistogram]
    var routeCompleted: [Int]
    var routeRunSum: [Double]
    var routeWindowCompleted: [Int]
    /// Per route, after warm-up: requests that arrived, and those that failed for good by cause.
    var routeArrivals: [Int]
    var routeFailures: [FailureCounts]
    /// Per route, requests in flight now (for the route timeline).
    var routeLive: [Int]

    var hpas: [Int: HPAController] = [:]
    var lagScalers: [Int: LagScalerPolicy] = [:]

    /// A service's database: where its reads and writes go, and how many its cache absorbs.
    struct DatabaseLink { let primary: Int32; let replicas: Int32?; let readRatio: Double; let hitRatio: Double; let queries: Double; let hot: Int? }
    /// Row locks of one database's hottest keys: a write to one of them holds its lock while it
    /// runs, so writes to a hot row queue behind each other however many cores are free.
    struct HotRows {
        /// Zipf CDF over the database's keys (rank 0 the hottest), for drawing a write's key.
        let cdf: [Double]
        var locked: [Bool]
        var waiting: [RingBuffer]
        var rng: RandomStream
        static let tracked = 64
    }
    var hotRows: [HotRows] = []
    /// Each database primary's connection pool (`max_connections`): queries at the primary,
    /// queued or running, never exceed it; more wait at their service for a connection.
    struct Connections { let limit: Int; var inUse = 0; var waiting = RingBuffer(capacity: 64) }
    /// Indexed by station; nil for stations without a pool.
    var connections: [Connections?] = []
    var hasConnections: [Bool] = []
    var dbOf: [DatabaseLink?] = []
    var publishTo: [[(groups: [Int32], perRequest: Double)]] = []
    var queryRNG: [RandomStream] = []
    var publishRNG: [RandomStream] = []
    var cacheHits: [Int] = []
    var cacheLookups: [Int] = []
    var serviceCount = 0
    var hasSideWork: [Bool] = []
    var triggers: [Int: TriggerEvaluator] = [:]
    /// Per station, route index → route name, for route-scoped triggers.
    var routeScoped: [Int: [Int: String]] = [:]

    var timeline: [ServiceSample] = []
    var routeTimeline: [RouteSample] = []
    var scaling: [ScalingEvent] = []
    var scaleUps: [Int]
    var scaleDowns: [Int]
    var alerts: [Int]
    var minSeen: [Int]
    var maxSeen: [Int]
    var processed: UInt64 = 0
    /// The sample slice whose arrival-rate bound is `boundValue` (nil before the first).
    var boundSliceEnd: Double?
    var boundValue = 0.0
    var measuring: Bool { now >= options.warmup }

    public init(scenario: Scenario, options: SimulationOptions) throws {
        self.scenario = scenario
        self.options = options
        guard let traffic = scenario.traffic else {
            throw SimulationError(description: "the scenario has no traffic block: simulate needs traffic.entry, traffic.peak and traffic.routes")
        }
        let names = scenario.serviceNames
        let rate = scenario.currency.etbPerUSD
        var index: [String: Int32] = [:]
        var specs = names.map { StationSpec.service(scenario.services[$0]!, etbPerUSD: rate) }
        for db in scenario.databaseNames.map({ scenario.databases[$0]! }) {
            specs.append(.primary(db, etbPerUSD: rate))
            if db.readReplicas > 0 { specs.append(.replicas(db, etbPerUSD: rate)) }
        }
        if let bus = scenario.eventBus {
            for g in bus.consumerGroupNames.map({ bus.consumerGroups[$0]! }) {
                specs.append(.consumers(g, partitions: bus.topics[g.topic]?.partitions ?? 1, owner: scenario.services[g.service], etbPerUSD: rate))
            }
        }
        for (i, spec) in specs.enumerated() {
            index[spec.name] = Int32(i)
            stations.append(Station(index: i, spec: spec, seed: options.seed))
        }
        // Per service: its database stations, query and publication streams.
        dbOf = names.map { n in
            guard let d = scenario.services[n]!.database, let db = scenario.databases[d] else { return nil }
            return DatabaseLink(primary: index[db.name]!, replicas: index[db.name + "/replicas"], readRatio: db.readRatio,
                                hitRatio: scenario.services[n]!.cache?.hitRatio ?? 0, queries: scenario.services[n]!.queriesPerRequest,
                                hot: db.keySkew > 0 ? scenario.databaseNames.filter { scenario.databases[$0]!.keySkew > 0 }.firstIndex(of: db.name)! : nil)
        }
        publishTo = names.map { n in
            scenario.services[n]!.publishes.map { pub in
                (groups: (scenario.eventBus?.consumerGroupNames ?? []).filter { scenario.eventBus!.consumerGroups[$0]!.topic == pub.topic }.map { index[$0]! },
                 perRequest: pub.perRequest)
            }
        }
        hotRows = scenario.databaseNames.map { scenario.databases[$0]! }.filter { $0.keySkew > 0 }.map { db in
            // Zipf(s) over `keys` ranks: P(rank k) ∝ 1/(k+1)^s. Only the hottest 64 rows are
            // tracked as locks; a write elsewhere has a row practically to itself.
            var w = (0..<db.keys).map { 1 / pow(Double($0 + 1), db.keySkew) }
            let total = w.reduce(0, +)
            var acc = 0.0
            for i in w.indices { acc += w[i] / total; w[i] = acc }
            let n = min(HotRows.tracked, db.keys)
            return HotRows(cdf: Array(w.prefix(n)), locked: Array(repeating: false, count: n), waiting: (0..<n).map { _ in RingBuffer(capacity: 16) },
                           rng: RandomStream(seed: options.seed, name: "database/\(db.name)/keys"))
        }
        connections = specs.map { _ in nil }
        for db in scenario.databaseNames.map({ scenario.databases[$0]! }) {
            connections[Int(index[db.name]!)] = Connections(limit: db.maxConnections)
        }
        hasConnections = connections.map { $0 != nil }
        queryRNG = names.map { RandomStream(seed: options.seed, name: "service/\($0)/queries") }
        publishRNG = names.map { RandomStream(seed: options.seed, name: "service/\($0)/publish") }
        cacheHits = names.map { _ in 0 }
        cacheLookups = cacheHits
        serviceCount = names.count
        // The scenario's routes, then one route per simulated CDN path carrying its origin misses
        // (weighted against the entry's peak, so they follow the same profile and surges).
        cdnPaths = CDNPathSummary.paths(scenario)
        let peak = max(traffic.peak, 1e-12)
        let allRoutes = traffic.routeNames.map { traffic.routes[$0]! }
            + cdnPaths.map { Route(name: $0.route, share: $0.originRate / peak, path: [$0.service], steps: [.call(.plain($0.service))]) }
        let routeByName = Dictionary(uniqueKeysWithValues: allRoutes.map { ($0.name, $0) })
        routeNames = allRoutes.map(\.name)
        let paths = routeNames.map { routeByName[$0]!.path.map { index[$0]! } }
        routePaths = paths
        plainRoute = routeNames.map { routeByName[$0]!.steps.allSatisfy { step in
            if case .call(let c) = step { return c == Call.plain(c.service) }
            return false
        } }
        var poolList: [ConnectionPool] = []
        routeSteps = routeNames.map { rn in
            routeByName[rn]!.steps.map { step in
                step.calls.map { c -> CallSpec in
                    var pool: Int32?
                    if let n = c.pool { pool = Int32(poolList.count); poolList.append(ConnectionPool(capacity: n)) }
                    return CallSpec(station: index[c.service]!, probability: c.probability, timeout: c.timeout,
                                    retries: Int16(c.retries), backoff: c.backoff, pool: pool)
                }
            }
        }
        pools = poolList
        callRNG = routeNames.map { RandomStream(seed: options.seed, name: "route/\($0)/calls") }
        routeFlat = ContiguousArray(paths.joined())
        var starts = ContiguousArray<Int>(), at = 0
        for p in paths { starts.append(at); at += p.count }
        routeStart = starts
        routeLength = ContiguousArray(paths.map(\.count))
        let weights = allRoutes.map(\.share), totalWeight = weights.reduce(0, +)
        var acc = 0.0
        routeCumulative = weights.map { acc += $0; return acc / totalWeight }
        hopLatency = traffic.hopLatency
        shares = weights
        shareTotal = totalWeight
        jobs = stations.map { $0.spec.service?.jobs ?? [] }
        seasons = SeasonSchedule(scenario: scenario, routes: allRoutes, duration: options.duration)
        routeMultipliers = shares.map { _ in 1 }
        routeWeights = shares
        arrivals = ArrivalProcess(traffic: traffic, duration: options.duration, startOfDay: try Simulator.startOfDay(scenario.simulation.start), scale: totalWeight)
        arrivalRNG = RandomStream(seed: options.seed, name: "traffic/arrivals")
        routeRNG = RandomStream(seed: options.seed, name: "traffic/routes")
        routeRun = routeNames.map { _ in runHistogram() }
        routeWindow = routeNames.map { _ in windowHistogram() }
        routeCompleted = routeNames.map { _ in 0 }
        routeRunSum = routeNames.map { _ in 0 }
        routeWindowCompleted = routeCompleted
        routeArrivals = routeCompleted
        routeFailures = routeNames.map { _ in FailureCounts() }
        routeLive = routeArrivals
        let links = dbOf, pubs = publishTo
        hasSideWork = names.indices.map { links[$0] != nil || !pubs[$0].isEmpty }
        scaleUps = stations.map { _ in 0 }
        scaleDowns = scaleUps
        alerts = scaleUps
        minSeen = stations.map { $0.spec.replicas.initial }
        maxSeen = minSeen
        for st in stations {
            let sp = st.spec
            for _ in 0..<sp.replicas.initial { st.pods.append(Pod(state: .ready, started: -3600, readyAt: -3600)) }
            st.rebuildRoutable()
            st.accountPods(0, measuring: false)
            if let h = sp.hpa { hpas[st.index] = HPAController(hpa: h, replicas: sp.replicas, service: sp.name) }
            if let l = sp.lagScaler { lagScalers[st.index] = LagScalerPolicy(config: l, workers: sp.replicas, partitions: sp.parallelCap ?? 1, service: sp.name) }
            if !sp.triggers.isEmpty {
                triggers[st.index] = TriggerEvaluator(triggers: sp.triggers, service: sp.name, maxReplicas: sp.replicas.max)
                for t in sp.triggers {
                    if let r = t.route, let ri = routeNames.firstIndex(of: r) {
                        routeScoped[st.index, default: [:]][ri] = r
                        st.routeWindows[ri] = windowHistogram()
                    }
                }
            }
        }
    }

    /// Seconds after midnight EAT at the run's start, from `simulation.start` (validated).
    static func startOfDay(_ start: String?) throws -> Double {
        guard let start else { return 0 }
        guard let s = SimulationClock.secondsAfterMidnightEAT(start) else {
            throw SimulationError(description: "simulation.start: expected an ISO 8601 time like \"2026-09-11T18:00:00+03:00\", got \"\(start)\"")
        }
        return s
    }

    // MARK: the loop

    /// Runs to the end. Throws an engine error when the run's accounts do not balance.
    public func run() throws -> SimulationResult {
        scheduleNextArrival(from: 0)
        queue.schedule(.sample, at: options.samplePeriod)
        for i in Set(hpas.keys).union(lagScalers.keys).sorted() {
            queue.schedule(.controllerSync, at: stations[i].spec.hpa?.syncPeriod ?? Defaults.hpaSyncPeriod, Int32(i))
        }
        queue.schedule(.end, at: options.duration)
        for (s, list) in jobs.enumerated() {
            for (j, job) in list.enumerated() { queue.schedule(.job, at: job.every, Int32(s), Int32(j)) }
        }
        let check = options.checkInvariants
        // The accounts open at the first event of the measured period, before it is handled.
        var opening = options.warmup
        while let e = queue.pop() {
            if check && e.time < now { violation = "the clock went back: \(e.time) < \(now)"; return try finish() }
            if e.time >= opening { openAccounts(popped: e); opening = .infinity }
            now = e.time
            processed &+= 1
            switch e.kind {
            case .arrival: arrive()
            case .hopArrival: hopArrive(e.a)
            case .visit: visit(e.a, station: Int(e.b))
            case .callTimeout: callTimedOut(e.a, id: e.b)
            case .retry: retry(e.a)
            case .serviceDone: serviceDone(Int(e.a), e.b)
            case .podReady: podReady(Int(e.a), Int(e.b))
            case .sample: sample()
            case .controllerSync: controllerSync(Int(e.a))
            case .end: return try finish()
            case .job: jobDue(Int(e.a), Int(e.b))
            case .jobDone: jobDone(Int(e.a), e.b)
            }
            if check { checkInvariants(); if violation != nil { return try finish() } }
            if processed & 0xFFFFF == 0, let p = options.progress { p(now, processed) }
        }
        return try finish()
    }

    /// Thinning against the bound of the current sample slice; past the slice's end, restart
    /// from its end (exponential gaps are memoryless, so this is exact).
    func scheduleNextArrival(from start: Double) {
        var t = start
        let slice = options.samplePeriod
        while t < options.duration {
            let sliceEnd = min(options.duration, (floor(t / slice) + 1) * slice)
            // The bound over the whole slice holds for any later start inside it; computed
            // once per slice, not per arrival.
            if sliceEnd != boundSliceEnd { boundSliceEnd = sliceEnd; boundValue = sliceBound(sliceEnd - slice, sliceEnd) }
            let bound = boundValue
            if bound <= 0 { t = sliceEnd; continue }
            let gap = -log(arrivalRNG.uniformPositive()) / bound
            if t + gap >= sliceEnd { t = sliceEnd; continue }
            t += gap
            if arrivalRNG.uniform() * bound <= currentRate(t) {
                queue.schedule(.arrival, at: t)
                return
            }
        }
    }

    /// The entry's arrival rate at t, with the calendar seasons in force.
    @inline(__always)
    func currentRate(_ t: Double) -> Double {
        if seasons.isEmpty { return arrivals.rate(t) }
        seasons.multipliers(at: t, into: &routeMultipliers)
        var w = 0.0
        for i in shares.indices { w += shares[i] * routeMultipliers[i] }
        // `arrivals` already carries the routes' total weight (its `scale`): divide it out, or
        // a scenario with seasons and CDN origin routes counts that weight twice.
        return arrivals.rate(t, shift: seasons.shift(at: t)) * w / shareTotal
    }

    /// A bound of `currentRate` over a slice: seasons are constant between their boundaries,
    /// so the bound is the largest over the pieces the slice crosses.
    func sliceBound(_ t0: Double, _ t1: Double) -> Double {
        if seasons.isEmpty { return arrivals.bound(t0, t1) }
        let cuts = [t0] + seasons.boundaries(t0, t1) + [t1]
        var best = 0.0
        for i in 0..<(cuts.count - 1) {
            let a = cuts[i], b = cuts[i + 1], mid = (a + b) / 2
            seasons.multipliers(at: mid, into: &routeMultipliers)
            var w = 0.0
            for r in shares.indices { w += shares[r] * routeMultipliers[r] }
            best = max(best, arrivals.bound(a, b, shifts: [seasons.shift(at: mid)]) * w / shareTotal)
        }
        return best
    }

    @inline(__always)
    func newRequest(_ q: Request) -> Int32 {
        created += 1
        if let i = freeRequests.popLast() { requests[Int(i)] = q; return i }
        requests.append(q)
        return Int32(requests.count - 1)
    }

    @inline(__always)
    func release(_ r: Int32) { finished += 1; freeRequests.append(r) }

    /// A timed job's work is done: it frees its slot and is in no statistic.
    func jobDone(_ s: Int, _ r: Int32) {
        let st = stations[s]
        let p = Int(requests[Int(r)].pod)
        st.pods[p].busy -= 1
        st.totalBusy -= 1
        release(r)
        pull(st, pod: p)
    }

    /// A station's timed job is due: each ready instance's job joins that instance's work like
    /// a request (it holds a slot for the job's work, FIFO with the requests; no queue limit
    /// or timeout turns it away, and it is in no statistic), and the next one is scheduled a
    /// period later.
    func jobDue(_ s: Int, _ j: Int) {
        let job = jobs[s][j], st = stations[s]
        for p in st.routable {
            var q = Request(kind: .job, born: now)
            q.work = job.work
            let r = newRequest(q)
            if st.perInstance { place(r, st, pod: Int(p), mayTurnAway: false) } else { admitShared(r, st, mayTurnAway: false) }
        }
        queue.schedule(.job, at: now + job.every, Int32(s), Int32(j))
    }

    func arrive() {
        let u = routeRNG.uniform()
        var route = 0
        if seasons.isEmpty {
            while route < routeCumulative.count - 1 && u >= routeCumulative[route] { route += 1 }
        } else {
            // Route mix weighted by the seasons in force now (e.g. payments ×2 on Genna eve).
            seasons.multipliers(at: now, into: &routeMultipliers)
            var total = 0.0
            for i in shares.indices { routeWeights[i] = shares[i] * routeMultipliers[i]; total += routeWeights[i] }
            var acc = routeWeights[0], target = u * total
            while route < shares.count - 1 && target >= acc { route += 1; acc += routeWeights[route] }
        }
        if measuring { routeArrivals[route] += 1 }
        routeLive[route] += 1
        let r = newRequest(Request(kind: .routed, route: Int32(route), born: now))
        enter(r, station: Int(routeFlat[routeStart[route]]))
        scheduleNextArrival(from: now)
    }

    /// A database query (or any side visit) reaching its station after the hop latency.
    func visit(_ r: Int32, station s: Int) {
        requests[Int(r)].waitingSince = now
        enter(r, station: s)
    }

    func hopArrive(_ r: Int32) {
        requests[Int(r)].hop += 1
        requests[Int(r)].waitingSince = now
        let req = requests[Int(r)]
        enter(r, station: Int(routeFlat[routeStart[Int(req.route)] + Int(req.hop)]))
    }

    /// A request (or message, or query) reaches a station: it is counted, then admitted.
    @inline(__always)
    func enter(_ r: Int32, station s: Int) {
        let st = stations[s]
        st.wArrivals += 1
        if measuring { st.arrivals += 1 }
        if st.perInstance {
            guard let p = st.choosePod() else { turnAway(r, st, .dropped); return }
            place(r, st, pod: Int(p), mayTurnAway: true)
        } else {
            admitShared(r, st, mayTurnAway: true)
        }
    }

    /// Per-instance queues: starts the request on the pod's free slot, or queues it at the pod
    /// (turned away when that queue is full and `mayTurnAway`).
    @inline(__always)
    func place(_ r: Int32, _ st: Station, pod pi: Int, mayTurnAway: Bool) {
        if st.pods[pi].busy < st.slots && st.pods[pi].queue.isEmpty {
            start(r, st, pod: pi)
        } else if mayTurnAway, let limit = st.queueLimit, st.pods[pi].queue.count >= limit {
            turnAway(r, st, .dropped)
        } else {
            st.pods[pi].queue.push(r)
            requests[Int(r)].pod = Int32(pi)
            if measuring, st.pods[pi].queue.count > st.maxQueue { st.maxQueue = st.pods[pi].queue.count }
        }
    }

    /// A shared queue: starts the request on any ready pod's free slot, or queues it.
    @inline(__always)
    func admitShared(_ r: Int32, _ st: Station, mayTurnAway: Bool) {
        if st.shared.isEmpty && st.totalBusy < st.parallelCap {
            for p in st.routable where st.pods[Int(p)].busy < st.slots {
                start(r, st, pod: Int(p))
                return
            }
        }
        if mayTurnAway, let limit = st.queueLimit, st.shared.count >= limit { turnAway(r, st, .dropped); return }
        st.shared.push(r)
        if measuring, st.shared.count > st.maxQueue { st.maxQueue = st.shared.count }
    }

    /// A request turned away at a station: its queue was full, or it waited there past the
    /// station's queue timeout. It gives back what it holds (its database connection, a row
    /// lock) and its route hears of it: a call with retries left tries again after its
    /// backoff; anything else fails for good, counted by cause.
    func turnAway(_ r: Int32, _ st: Station, _ cause: FailureCause) {
        if cause == .dropped {
            st.wDropped += 1
            if measuring { st.dropped += 1 }
        } else {
            st.wTimedOut += 1
            if measuring { st.timedOut += 1 }
        }
        if st.isDatabasePrimary { releaseConnection(st.index) }
        if requests[Int(r)].lock != nil { unlock(r) }
        switch requests[Int(r)].kind {
        case .message, .abandoned, .job:
            release(r)
        case .routed:
            if plainRoute[Int(requests[Int(r)].route)] { fail(r, cause) } else { callFailed(r, cause) }
        }
    }

    /// Starts service on a pod's free slot. CPU beyond the pod's limit stretches the work
    /// (CFS throttling): demand = busy slots × CPU per request ÷ mean service time.
    @inline(__always)
    func start(_ r: Int32, _ st: Station, pod p: Int) {
        st.pods[p].busy += 1
        st.totalBusy += 1
        let ri = Int(r)
        requests[ri].pod = Int32(p)
        requests[ri].startedAt = now
        // A timed job's work is its own and it ends in its own event, so `serviceDone` needs
        // no test for it; everything else draws from the station's service time and is timed.
        let job = requests[ri].kind == .job
        var d: Double
        if job {
            d = requests[ri].work
        } else {
            d = st.sampler.draw(&st.serviceRNG)
            let wait = now - requests[ri].waitingSince
            st.wWaitSum += wait
            st.wStarted += 1
            if measuring { st.runWait.record(UInt64(max(0, wait) * 1e6)); st.runWaitSum += wait }
        }
        let demand = Double(st.pods[p].busy) * st.cpuPerRequest / st.sampler.mean
        if demand > st.limitCores { d *= demand / st.limitCores }
        st.pods[p].cpuWindow += st.cpuPerRequest
        queue.schedule(job ? .jobDone : .serviceDone, at: now + d, Int32(st.index), r)
    }

    func serviceDone(_ s: Int, _ r: Int32) {
        let st = stations[s]
        let req = requests[Int(r)]
        let p = Int(req.pod)
        st.pods[p].busy -= 1
        st.totalBusy -= 1
        let sojourn = now - req.waitingSince
        let micros = UInt64(max(0, sojourn) * 1e6)
        let held = now - req.startedAt
        if held > st.longestService { st.longestService = held }
        st.wCompleted += 1
        st.wLatencySum += sojourn
        st.wLatency.record(micros)
        if req.kind == .routed, !st.routeWindows.isEmpty, st.routeWindows[Int(req.route)] != nil { st.routeWindows[Int(req.route)]!.record(micros) }
        if measuring { st.completed += 1; st.runLatencySum += sojourn; st.runLatency.record(micros); st.runServiceSum += held }
        if req.lock != nil { unlock(r) }
        if st.isDatabasePrimary { releaseConnection(s) }
        switch req.kind {
        case .routed:
            if s < serviceCount {
                // The service's own work is done: publish its events, then make its queries.
                requests[Int(r)].at = Int32(s)
                if hasSideWork[s] { sideWork(s, r) }
            }
            proceed(r)                       // on to a query, the next hop, or done
        case .message, .abandoned, .job:
            release(r)                       // an event-bus message consumed, or an abandoned attempt's wasted work done
        }
        pull(st, pod: p)
    }

    /// Publications and database queries of a service's completed request (off the fast path:
    /// most services do neither).
    func sideWork(_ s: Int, _ r: Int32) {
        if !publishTo[s].isEmpty { publish(from: s) }
        if let link = dbOf[s] {
            let q = link.queries
            let whole = q.rounded(.down)
            requests[Int(r)].pendingQueries = Int32(whole) + (queryRNG[s].uniform() < q - whole ? 1 : 0)
        }
    }

    /// Sends a request on: its next database query (past the service's cache), else its next
    /// hop, else it is complete end to end.
    @inline(__always)
    func proceed(_ r: Int32) {
        let req = requests[Int(r)]
        let svc = Int(req.at)
        while requests[Int(r)].pendingQueries > 0 {
            requests[Int(r)].pendingQueries -= 1
            guard let link = dbOf[svc] else { break }
            cacheLookups[svc] += 1
            if link.hitRatio > 0 && queryRNG[svc].uniform() < link.hitRatio { cacheHits[svc] += 1; continue }
            let read = queryRNG[svc].uniform() < link.readRatio
            let target = read ? (link.replicas ?? link.primary) : link.primary
            if !read, let h = link.hot {
                // A write's key, by Zipf rank: a hot row's lock is taken or waited for.
                let u = hotRows[h].rng.uniform()
                if let k = hotRows[h].cdf.firstIndex(where: { u < $0 }) {
                    requests[Int(r)].lock = RowLock(database: h, row: k)
                    if hotRows[h].locked[k] { block(r, at: link.primary); hotRows[h].waiting[k].push(r); return }
                    hotRows[h].locked[k] = true
                }
            }
            toDatabase(r, target)
            return
        }
        if !plainRoute[Int(req.route)] {
            callReturned(r)
        } else if Int(req.hop) + 1 < routeLength[Int(req.route)] {
            queue.schedule(.hopArrival, at: now + hopLatency, r)
        } else {
            complete(r)
        }
    }

    /// A request's last step is done: its end-to-end latency is recorded and it leaves.
    @inline(__always)
    func complete(_ r: Int32) {
        let req = requests[Int(r)]
        let e2e = UInt64(max(0, now - req.born) * 1e6)
        let ri = Int(req.route)
        routeWindow[ri].record(e2e)
        routeWindowCompleted[ri] += 1
        if measuring { routeRun[ri].record(e2e); routeCompleted[ri] += 1; routeRunSum[ri] += now - req.born }
        routeLive[ri] -= 1
        release(r)
    }

    // MARK: calls with policies (probability, fan-out, pools, timeouts, retries)

    /// The callee's work for this attempt (and its queries) is done: the call returns.
    func callReturned(_ r: Int32) {
        let ri = Int(r)
        requests[ri].callId = nil
        if let p = requests[ri].pool { requests[ri].pool = nil; releasePool(Int(p)) }
        if requests[ri].parent != nil { childDone(r, failure: nil) } else { advance(r) }
    }

    /// Moves a request to its next step that is not skipped by probability and sends its
    /// calls; past the last step it is complete.
    func advance(_ r: Int32) {
        let ri = Int(r), route = Int(requests[ri].route)
        var step = Int(requests[ri].hop) + 1
        let steps = routeSteps[route]
        while step < steps.count {
            let calls = steps[step]
            requests[ri].hop = Int32(step)
            if calls.count == 1 {
                let c = calls[0]
                if c.probability >= 1 || callRNG[route].uniform() < c.probability {
                    requests[ri].member = 0
                    sendCall(r, c)
                    return
                }
            } else {
                var n: Int32 = 0
                for (m, c) in calls.enumerated() where c.probability >= 1 || callRNG[route].uniform() < c.probability {
                    var child = requests[ri]
                    child.member = Int16(m); child.parent = r; child.pending = 0; child.attempt = 0
                    child.callId = nil; child.pool = nil; child.failure = nil
                    sendCall(newRequest(child), c)
                    n += 1
                }
                if n > 0 { requests[ri].pending = n; waitingParents += 1; return }
            }
            step += 1
        }
        if let cause = requests[ri].failure { fail(r, cause) } else { complete(r) }
    }

    /// The call spec an entry is making: its step's call, or its fan-out member's.
    @inline(__always)
    func spec(_ r: Int32) -> CallSpec {
        let q = requests[Int(r)]
        return routeSteps[Int(q.route)][Int(q.hop)][Int(q.member ?? 0)]
    }

    /// Takes a pooled connection (or waits for one), then sends the call, arming its timeout.
    func sendCall(_ r: Int32, _ c: CallSpec) {
        if let p = c.pool, requests[Int(r)].pool == nil {
            let pi = Int(p)
            if pools[pi].inUse >= pools[pi].capacity { block(r, at: c.station); pools[pi].waiters.push(r); return }
            pools[pi].inUse += 1
            requests[Int(r)].pool = p
        }
        if let timeout = c.timeout {
            let id = nextCallId
            nextCallId = nextCallId == .max ? 0 : nextCallId + 1
            requests[Int(r)].callId = id
            queue.schedule(.callTimeout, at: now + hopLatency + timeout, r, id)
        }
        queue.schedule(.visit, at: now + hopLatency, r, c.station)
    }

    func releasePool(_ p: Int) {
        pools[p].inUse -= 1
        if let w = pools[p].waiters.pop() {
            let c = spec(w)
            unblock(w, at: c.station)
            sendCall(w, c)
        }
    }

    /// An attempt outlived its timeout: the caller abandons it (the callee finishes the work
    /// anyway, wasted), frees the connection, and retries after backoff × 2^(attempt) — or the
    /// call fails for good. Retries are how a slow dependency turns into a retry storm.
    func callTimedOut(_ r: Int32, id: Int32) {
        let ri = Int(r)
        guard requests[ri].kind == .routed, requests[ri].callId == id else { return }
        let c = spec(r)
        var copy = requests[ri]
        copy.lock = nil                          // a hot-row lock stays with the abandoned attempt
        copy.callId = nil
        requests[ri].kind = .abandoned           // still in transit, queued, in service or waiting for a database
        requests[ri].callId = nil
        if let p = copy.pool { requests[ri].pool = nil; copy.pool = nil; releasePool(Int(p)) }
        if copy.attempt < c.retries {
            copy.attempt += 1
            copy.pendingQueries = 0
            let ni = newRequest(copy)
            queue.schedule(.retry, at: now + c.backoff * Double(1 << Int(copy.attempt - 1)), ni)
        } else if copy.parent != nil {
            childDone(newRequest(copy), failure: .callTimeout)   // a placeholder for the failed child, released at once
        } else {
            fail(newRequest(copy), .callTimeout)
        }
    }

    /// An attempt came back at once as failed (turned away at the callee): the caller frees
    /// its connection and retries after its backoff, or the call fails for good.
    func callFailed(_ r: Int32, _ cause: FailureCause) {
        let ri = Int(r)
        requests[ri].callId = nil                // a timeout armed for this attempt no longer applies
        if let p = requests[ri].pool { requests[ri].pool = nil; releasePool(Int(p)) }
        let c = spec(r)
        if requests[ri].attempt < c.retries {
            requests[ri].attempt += 1
            requests[ri].pendingQueries = 0
            queue.schedule(.retry, at: now + c.backoff * Double(1 << Int(requests[ri].attempt - 1)), r)
        } else if requests[ri].parent != nil {
            childDone(r, failure: cause)
        } else {
            fail(r, cause)
        }
    }

    func retry(_ r: Int32) { sendCall(r, spec(r)) }

    /// A fan-out member answered (or failed for good); the last one moves the parent on.
    func childDone(_ r: Int32, failure: FailureCause?) {
        let parent = Int(requests[Int(r)].parent!)
        release(r)
        if let failure { requests[parent].failure = failure }
        requests[parent].pending -= 1
        if requests[parent].pending == 0 {
            waitingParents -= 1
            if let cause = requests[parent].failure { fail(Int32(parent), cause) } else { advance(Int32(parent)) }
        }
    }

    /// A request that failed for good: counted per route and cause, and it leaves.
    func fail(_ r: Int32, _ cause: FailureCause) {
        let route = Int(requests[Int(r)].route)
        if measuring { routeFailures[route].count(cause) }
        routeLive[route] -= 1
        release(r)
    }

    // MARK: waiting outside a station (database connections, hot-row locks, call pools)

    /// A request starts waiting to reach station `s` outside its queue.
    @inline(__always)
    func block(_ r: Int32, at s: Int32) {
        requests[Int(r)].waitingSince = now
        let st = stations[Int(s)]
        st.blocked += 1
        if measuring, st.blocked > st.maxBlocked { st.maxBlocked = st.blocked }
    }

    /// A request stops waiting outside station `s`: its wait is timed.
    @inline(__always)
    func unblock(_ r: Int32, at s: Int32) {
        let st = stations[Int(s)]
        st.blocked -= 1
        let wait = now - requests[Int(r)].waitingSince
        st.wBlockedWaitSum += wait
        st.wUnblocked += 1
        if measuring { st.runBlockedWait.record(UInt64(max(0, wait) * 1e6)); st.runBlockedWaitSum += wait }
    }

    /// A write on a hot row finished: the row's next waiting write goes to the primary.
    func unlock(_ r: Int32) {
        guard let l = requests[Int(r)].lock else { return }
        let db = Int(l.database), k = Int(l.row)
        requests[Int(r)].lock = nil
        if let next = hotRows[db].waiting[k].pop() {
            let primary = dbOf[Int(requests[Int(next)].at)]!.primary
            unblock(next, at: primary)
            toDatabase(next, primary)
        } else {
            hotRows[db].locked[k] = false
        }
    }

    /// Sends a query to a database station, through the primary's connection pool.
    @inline(__always)
    func toDatabase(_ r: Int32, _ target: Int32) {
        let t = Int(target)
        if hasConnections[t] {
            if connections[t]!.inUse >= connections[t]!.limit { block(r, at: target); connections[t]!.waiting.push(r); return }
            connections[t]!.inUse += 1
        }
        queue.schedule(.visit, at: now + hopLatency, r, target)
    }

    /// A query left a primary: its connection goes to the next waiting query.
    @inline(__always)
    func releaseConnection(_ s: Int) {
        guard hasConnections[s] else { return }
        if let next = connections[s]!.waiting.pop() {
            unblock(next, at: Int32(s))
            queue.schedule(.visit, at: now + hopLatency, next, Int32(s))
        } else {
            connections[s]!.inUse -= 1
        }
    }

    /// Publishes a completed request's events: each subscribed consumer group gets its copy
    /// (Kafka delivers a topic to every group), queued as that group's lag.
    func publish(from s: Int) {
        for pub in publishTo[s] {
            let whole = pub.perRequest.rounded(.down)
            let n = Int(whole) + (publishRNG[s].uniform() < pub.perRequest - whole ? 1 : 0)
            for _ in 0..<n {
                for g in pub.groups { enter(newRequest(Request(kind: .message, born: now)), station: Int(g)) }
            }
        }
    }

    /// Gives a pod's free slot its next request: from its own queue, or (if it still takes new
    /// work) from the shared queue. Requests that waited past the station's queue timeout are
    /// turned away here (timed jobs never are).
    @inline(__always)
    func pull(_ st: Station, pod p: Int) {
        while st.pods[p].busy < st.slots && st.totalBusy < st.parallelCap {
            let next: Int32?
            if st.perInstance {
                next = st.pods[p].queue.pop()
            } else if st.pods[p].state == .ready {
                next = st.shared.pop()
            } else {
                next = nil
            }
            guard let r = next else { break }
            if let limit = st.timeout, now - requests[Int(r)].waitingSince > limit, requests[Int(r)].kind != .job {
                turnAway(r, st, .queueTimeout)
                continue
            }
            start(r, st, pod: p)
        }
        if st.pods[p].state == .draining && st.pods[p].busy == 0 && st.pods[p].queue.isEmpty {
            st.pods[p].state = .gone
            st.accountPods(now, measuring: measuring)
        }
    }

    func podReady(_ s: Int, _ p: Int) {
        let st = stations[s]
        guard st.pods[p].state == .starting else { return }
        st.pods[p].state = .ready
        st.pods[p].readyAt = now
        st.rebuildRoutable()
        pull(st, pod: p)
    }

    // MARK: scaling

    /// Sets a service's replica count: new pods start (ready after the start-up delay);
    /// removed pods are the unready first, then the newest, and drain their work first.
    func scale(_ s: Int, to target: Int) {
        let st = stations[s]
        let current = st.replicas
        guard target != current else { return }
        if target > current {
            for _ in current..<target {
                let delay = st.spec.startupDelay
                st.pods.append(Pod(state: delay > 0 ? .starting : .ready, started: now, readyAt: now + delay))
                if delay > 0 { queue.schedule(.podReady, at: now + delay, Int32(s), Int32(st.pods.count - 1)) }
            }
            scaleUps[s] += 1
        } else {
            var remove = current - target
            for state in [PodState.starting, .ready] {
                for p in st.pods.indices.reversed() where remove > 0 && st.pods[p].state == state {
                    st.pods[p].state = .draining
                    remove -= 1
                }
            }
            scaleDowns[s] += 1
        }
        st.rebuildRoutable()
        st.accountPods(now, measuring: measuring)
        for p in st.pods.indices where st.pods[p].state == .draining { pull(st, pod: p) }
        if st.replicas < minSeen[s] { minSeen[s] = st.replicas }
        if st.replicas > maxSeen[s] { maxSeen[s] = st.replicas }
    }

    func record(_ d: Decision, _ s: Int, window: Double?, label: String, to: Int) {
        scaling.append(ScalingEvent(time: now, service: d.service, policy: label, rule: d.rule, metricValue: d.metricValue, window: window,
                                    from: d.current, to: to, reason: d.reason, alert: d.alert))
    }

    func controllerSync(_ s: Int) {
        let st = stations[s]
        if var ls = lagScalers[s] {
            let obs = Observation(time: now, service: st.name, replicas: st.replicas, metrics: [.consumerLag: Double(st.queueLength)])
            let d = ls.evaluate(obs)
            lagScalers[s] = ls
            if d.desired != d.current { record(d, s, window: nil, label: "lag-scaler", to: d.desired); scale(s, to: d.desired) }
            queue.schedule(.controllerSync, at: now + Defaults.hpaSyncPeriod, Int32(s))
            return
        }
        guard var hpa = hpas[s] else { return }
        let pods = st.pods.enumerated().compactMap { i, p -> PodSample? in
            guard p.state == .starting || p.state == .ready else { return nil }
            return PodSample(name: "\(st.name)-\(i)", ready: p.state == .ready, age: now - p.started,
                             readyFor: p.state == .ready ? now - p.readyAt : nil, cpuRequest: st.requestCores * 1000, cpuUsage: p.lastUsage)
        }
        let obs = Observation(time: now, service: st.name, replicas: st.replicas, pods: pods, metrics: lastMetrics[s] ?? [:])
        let d = hpa.reconcile(obs)
        hpas[s] = hpa
        // Only changes go to the event log: a hold ("stabilized", "tolerance") every 15 s per
        // service would bury them; `replay` prints every decision when the holds matter.
        if d.desired != d.current { record(d, s, window: nil, label: "hpa", to: d.desired) }
        if d.desired != obs.replicas { scale(s, to: d.desired) }
        queue.schedule(.controllerSync, at: now + st.spec.hpa!.syncPeriod, Int32(s))
    }

    // MARK: metrics

    var lastMetrics: [Int: [Metric: Double]] = [:]
    /// The accounts' opening balances (see `openAccounts`).
    var presentAtStart: [Int] = []
    var routesAtStart: [Int] = []
    var accountsOpen = false

    /// Mean (exact), p50, p90, p95 and p99 of a window, in seconds.
    func stats(_ h: LogHistogram, sum: Double, count: Int) -> (mean: Double, p50: Double, p90: Double, p95: Double, p99: Double)? {
        guard count > 0 else { return nil }
        let v = h.values(atPercentiles: [50, 90, 95, 99]).map { Double($0) / 1e6 }
        return (sum / Double(count), v[0], v[1], v[2], v[3])
    }

    func sample() {
        let period = options.samplePeriod
        for st in stations {
            var usageSum = 0.0, readyPods = 0
            for p in st.pods.indices where st.pods[p].state == .ready || st.pods[p].state == .draining {
                let span = min(period, now - st.pods[p].readyAt)
                let usage = span > 0 ? st.pods[p].cpuWindow / span * 1000 : 0
                st.pods[p].lastUsage = usage
                st.pods[p].cpuWindow = 0
                if st.pods[p].state == .ready { usageSum += usage / (st.requestCores * 1000); readyPods += 1 }
            }
            let cpu = readyPods > 0 ? usageSum / Double(readyPods) : 0
            let lat = stats(st.wLatency, sum: st.wLatencySum, count: st.wCompleted)
            let queueLength = st.queueLength
            let sampleRow = ServiceSample(time: now, service: st.name, replicas: st.replicas, ready: st.readyCount, starting: st.startingCount,
                                          cpuUtilization: cpu, inFlight: st.busySlots + queueLength, queueLength: queueLength,
                                          arrivalRate: Double(st.wArrivals) / period, throughput: Double(st.wCompleted) / period,
                                          latencyMean: lat?.mean, latencyP50: lat?.p50, latencyP95: lat?.p95, latencyP99: lat?.p99,
                                          dropped: st.wDropped, timedOut: st.wTimedOut, blocked: st.blocked,
                                          waitMean: st.wStarted > 0 ? st.wWaitSum / Double(st.wStarted) : nil,
                                          blockedWaitMean: st.wUnblocked > 0 ? st.wBlockedWaitSum / Double(st.wUnblocked) : nil)
            timeline.append(sampleRow)
            var m: [Metric: Double] = [.cpuUtilization: cpu, .queueLength: Double(queueLength), .inFlight: Double(sampleRow.inFlight),
                                       .throughput: sampleRow.throughput,
                                       .errorRate: st.wArrivals > 0 ? Double(st.wDropped + st.wTimedOut) / Double(st.wArrivals) : 0]
            if let lat { m[.latencyMean] = lat.mean; m[.latencyP50] = lat.p50; m[.latencyP90] = lat.p90; m[.latencyP95] = lat.p95; m[.latencyP99] = lat.p99 }
            switch st.spec.kind {
            case .consumerGroup: m[.consumerLag] = Double(queueLength)
            case .databasePrimary, .databaseReplicas:
                m[.connectionsInUse] = Double(sampleRow.inFlight)
                if let db = scenario.databases[st.name.replacingOccurrences(of: "/replicas", with: "")] { m[.replicationLag] = db.replicationLag }
            case .service: break
            }
            lastMetrics[st.index] = m
            if measuring, let slo = st.spec.slo, let v = m[slo.metric], v > slo.threshold { st.sloBreaches += 1 }
            var routeMetrics: [String: [Metric: Double]] = [:]
            for (ri, name) in routeScoped[st.index] ?? [:] {
                let h = st.routeWindows[ri]!
                if h.total > 0 {
                    let v = h.values(atPercentiles: [50, 90, 95, 99]).map { Double($0) / 1e6 }
                    routeMetrics[name] = [.latencyP50: v[0], .latencyP90: v[1], .latencyP95: v[2], .latencyP99: v[3]]
                    st.routeWindows[ri]!.reset()
                }
            }
            if var ev = triggers[st.index] {
                let obs = Observation(time: now, service: st.name, replicas: st.replicas, metrics: m)
                for d in ev.evaluate(obs, routeMetrics: routeMetrics) {
                    guard case .trigger(let i) = d.policy else { continue }
                    let t = st.spec.triggers[i]
                    let label = "trigger[\(i)]" + (t.label.map { " " + $0 } ?? "")
                    if d.alert != nil { alerts[st.index] += 1 }
                    record(d, st.index, window: t.sustained, label: label, to: d.desired)
                    if d.desired != obs.replicas {
                        switch t.action {
                        case .addInstances, .addQueueWorkers: scale(st.index, to: d.desired)
                        case .alert: break
                        }
                    }
                }
                triggers[st.index] = ev
            }
            if st.wCompleted > 0 { st.wLatency.reset() }
            st.wArrivals = 0; st.wCompleted = 0; st.wDropped = 0; st.wTimedOut = 0; st.wLatencySum = 0
            st.wWaitSum = 0; st.wStarted = 0; st.wBlockedWaitSum = 0; st.wUnblocked = 0
        }
        for (ri, name) in routeNames.enumerated() {
            let h = routeWindow[ri]
            let v = h.total > 0 ? h.values(atPercentiles: [50, 99]).map { Double($0) / 1e6 } : nil
            routeTimeline.append(RouteSample(time: now, route: name, completed: routeWindowCompleted[ri], latencyP50: v?[0], latencyP99: v?[1],
                                             inFlight: routeLive[ri]))
            if routeWindowCompleted[ri] > 0 { routeWindow[ri].reset() }
            routeWindowCompleted[ri] = 0
        }
        if now + period <= options.duration + 1e-9 { queue.schedule(.sample, at: now + period) }
    }

    // MARK: invariants and results

    /// The kernel's invariants: the clock never goes back (checked in the loop); busy slots
    /// never exceed the pod's slots and only ready or draining pods work; every request ever
    /// created is finished (completed, dropped or timed out) or in flight.
    func checkInvariants() {
        var inFlight = 0
        for st in stations {
            inFlight += st.shared.count
            for (i, p) in st.pods.enumerated() {
                if p.busy < 0 || p.busy > st.slots { violation = "\(st.name) pod \(i): busy \(p.busy) outside 0...\(st.slots) at t=\(now)"; return }
                if p.busy > 0 && p.state != .ready && p.state != .draining { violation = "\(st.name) pod \(i): a \(p.state) pod is working at t=\(now)"; return }
                inFlight += Int(p.busy) + p.queue.count
            }
            let ready = st.pods.filter { $0.state == .ready }.count
            if st.routable.count != ready { violation = "\(st.name): \(st.routable.count) routable pods but \(ready) ready at t=\(now)"; return }
        }
        var hopping = waitingParents + pools.reduce(0) { $0 + $1.waiters.count }
            + hotRows.reduce(0) { $0 + $1.waiting.reduce(0) { $0 + $1.count } }
            + connections.reduce(0) { $0 + ($1?.waiting.count ?? 0) }
        for e in queue.heap where e.kind == .hopArrival || e.kind == .visit || e.kind == .retry { hopping += 1 }
        if created != finished + inFlight + hopping {
            violation = "requests not conserved at t=\(now): created \(created), finished \(finished), in flight \(inFlight + hopping)"
        }
    }

    /// The first invariant broken, when `checkInvariants` is on; nil while all hold.
    public private(set) var violation: String?

    /// Percentiles by HdrHistogram (3 significant digits) over the run's buckets; the mean from
    /// the exact sum of latencies.
    static func summary(_ lh: LogHistogram, _ sum: Double) -> LatencySummary? {
        guard lh.total > 0 else { return nil }
        var h = LatencyHistogram(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        lh.forEachBucket { v, c in _ = h.record(v, count: c) }
        return LatencySummary(mean: sum / Double(h.totalCount), p50: Double(h.valueAtPercentile(50)) / 1e6, p90: Double(h.valueAtPercentile(90)) / 1e6, p95: Double(h.valueAtPercentile(95)) / 1e6,
                              p99: Double(h.valueAtPercentile(99)) / 1e6, max: Double(h.max) / 1e6)
    }

    func finish() throws -> SimulationResult {
        if !accountsOpen { openAccounts(popped: nil) }
        let census = census()
        try closeAccounts(census)
        let rate = scenario.currency.etbPerUSD
        let services = stations.map { st -> ServiceSummary in
            st.accountPods(now, measuring: true)
            let hours = st.podSeconds / 3600
            let etb = hours * st.spec.costPerHourETB
            let i = st.index
            return ServiceSummary(service: st.name, arrivals: st.arrivals, completed: st.completed, dropped: st.dropped, timedOut: st.timedOut,
                                  latency: Simulator.summary(st.runLatency, st.runLatencySum), maxQueue: st.maxQueue,
                                  minReplicas: minSeen[st.index], maxReplicas: maxSeen[st.index], instanceHours: hours,
                                  costEtb: etb, costUsd: rate > 0 ? etb / rate : 0, scaleUps: scaleUps[st.index], scaleDowns: scaleDowns[st.index],
                                  alerts: alerts[st.index], sloBreaches: st.sloBreaches, sloMetric: st.spec.slo?.metric.rawValue,
                                  kind: st.spec.kind == .service ? nil : st.spec.kind.rawValue,
                                  cacheHitRatio: i < serviceCount && cacheLookups[i] > 0 ? Double(cacheHits[i]) / Double(cacheLookups[i]) : nil,
                                  databaseQueries: i < serviceCount && dbOf[i] != nil ? cacheLookups[i] - cacheHits[i] : nil,
                                  inFlightAtStart: presentAtStart[i], inFlightAtEnd: census.present[i],
                                  wait: Simulator.summary(st.runWait, st.runWaitSum),
                                  serviceMean: st.completed > 0 ? st.runServiceSum / Double(st.completed) : nil,
                                  longestService: st.longestService > 0 ? st.longestService : nil,
                                  maxBlocked: st.maxBlocked, blockedAtEnd: census.blocked[i],
                                  blockedWait: Simulator.summary(st.runBlockedWait, st.runBlockedWaitSum))
        }
        let routes = routeNames.enumerated().map { i, n in
            RouteSummary(route: n, completed: routeCompleted[i], latency: Simulator.summary(routeRun[i], routeRunSum[i]),
                         failed: plainRoute[i] ? nil : routeFailures[i].callTimeout, arrivals: routeArrivals[i],
                         dropped: routeFailures[i].dropped, timedOut: routeFailures[i].queueTimeout,
                         inFlightAtStart: routesAtStart[i], inFlightAtEnd: census.routes[i])
        }
        return SimulationResult(scenario: scenario.name, seed: options.seed, duration: options.duration, warmup: options.warmup,
                                samplePeriod: options.samplePeriod, events: processed, services: services, routes: routes,
                                timeline: timeline, routeTimeline: routeTimeline, scaling: scaling, cdn: cdnPaths.isEmpty ? nil : cdnPaths)
    }
}
