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
    /// False runs the counterfactual of a scenario with `autoscaling.schedule` rules: their
    /// windows are measured, but the rules ask the HPA for nothing.
    public var scheduledScaling = true
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

/// The discrete-event simulator: open-loop arrivals at the entry, each request walking its
/// route's synchronous path through service stations, metrics sampled every period, and the
/// scenario's autoscaling policies (shared with `replay`) acting on those samples.
///
/// A small kernel (`Kernel`: clock, queue, loop) hands each event to this class, which
/// dispatches it to the feature module that owns it; each module is a file that holds its
/// state and its handlers:
///
/// | module | state | events |
/// |---|---|---|
/// | `Traffic.swift` | arrival process, route mix, seasons | arrival |
/// | `Routes.swift` | route tables, end-to-end statistics | hopArrival |
/// | `Calls.swift` | call pools, timeouts, retries, fan-out | callTimeout, retry |
/// | `Stations.swift` | pods, queues, slots (`Station`) | visit, serviceDone, podReady |
/// | `Databases.swift` | links, connections, hot rows, caches | — (queries are visits) |
/// | `EventBus.swift` | publications | — (messages are visits) |
/// | `Jobs.swift` | timed jobs | job, jobDone |
/// | `Sampling.swift` | timelines, last metrics | sample |
/// | `Scaling.swift` | HPAs, lag scalers, triggers, scaling log | controllerSync |
/// | `ScheduledScaling.swift` | `autoscaling.schedule` windows | scheduleEdge |
/// | `Faults.swift`, `FaultEffects.swift` | faults in force, zones down, pods killed | faultStart, faultEnd, podCrash |
/// | `SpotCapacity.swift` | spot pods' share and price, preemption notices | spotPreemption, spotNoticeEnd |
/// | `DatabaseFailover.swift` | primaries down, queries refused, replicas promoted | replicationMark (and the fault's start and end) |
/// | `Clients.swift` | users' networks, round trips, losses, client timeouts and retries | clientReach, clientTimeout, clientRetry |
/// | `Accounting.swift`, `Invariants.swift`, `Results.swift` | accounts, checks, summaries | end |
///
/// Calls are modelled hop by hop (tandem): a service's slot is freed when its own work is done
/// and the request moves on after the hop latency; callers do not hold slots while downstream
/// services work. A call with a pool holds one of the pool's connections until it returns;
/// a call with a timeout is abandoned when it outlives it (the callee finishes the work,
/// wasted) and retried after a backoff. Every run closes its accounts (`Accounting.swift`).
public final class Simulator: EventHandler {
    let scenario: Scenario
    let options: SimulationOptions
    let kernel: Kernel
    var now: Double { kernel.now }
    var measuring: Bool { kernel.now >= options.warmup }

    var stations: [Station]
    /// Services come first among the stations (indices below `serviceCount`), then database
    /// stations, then consumer groups.
    let serviceCount: Int
    /// Services that publish events or query a database when a request is done.
    let hasSideWork: [Bool]
    let hopLatency: Double
    /// The kernel's lanes for events a fixed delay ahead: hops, side visits, and each distinct
    /// call timeout (`timeouts` is the first of those).
    struct Lanes { let hop: Int, visit: Int, timeouts: Int }
    let lanes: Lanes
    let requests = RequestPool()
    var traffic: TrafficSource
    var routes: Routes
    var calls: Calls
    var databases: Databases
    var eventBus: EventBus
    /// Each station's timed jobs (`services.NAME.jobs`).
    let jobs: [[PeriodicJob]]
    var metrics = Metrics()
    /// Surges and the windows expectations name, measured on their own.
    var windows: Windows
    var scaling: Scaling
    /// When each `autoscaling.schedule` rule is in force.
    let schedules: ScheduleWindows
    let cdnPaths: [CDNPathSummary]
    var faults: FaultInjector
    var spot: SpotCapacity
    /// The users' side of the scenario's routes (`clients:`); nil without.
    let clients: ClientTraffic?

    /// The accounts' opening balances (see `openAccounts`), taken at the first event of the
    /// measured period.
    var presentAtStart: [Int] = []
    var routesAtStart: [Int] = []
    var accountsOpen = false
    /// The first invariant broken, when `checkInvariants` is on; nil while all hold.
    public internal(set) var violation: String?

    public init(scenario: Scenario, options: SimulationOptions) throws {
        self.scenario = scenario
        self.options = options
        guard let entry = scenario.traffic else {
            throw SimulationError(description: "the scenario has no traffic block: simulate needs traffic.entry, traffic.peak and traffic.routes")
        }
        if let problem = scenario.unfitForSimulation.first { throw SimulationError(description: "\(problem.path): \(problem.message)") }
        kernel = Kernel(progress: options.progress)
        let specs = StationSpec.all(scenario)
        stations = specs.enumerated().map { Station(index: $0, spec: $1, seed: options.seed) }
        let station = Dictionary(uniqueKeysWithValues: specs.enumerated().map { ($1.name, Int32($0)) })
        serviceCount = scenario.serviceNames.count
        // The scenario's routes, then one route per simulated CDN path carrying its origin misses
        // (weighted against the entry's peak, so they follow the same profile and surges).
        cdnPaths = CDNPathSummary.paths(scenario)
        let peak = max(entry.peak, 1e-12)
        let allRoutes = entry.routeNames.map { entry.routes[$0]! }
            + cdnPaths.map { Route(name: $0.route, share: $0.originRate / peak, path: [$0.service], steps: [.call(.plain($0.service))]) }
        routes = Routes(allRoutes, station: station)
        traffic = try TrafficSource(scenario: scenario, traffic: entry, routes: allRoutes, options: options)
        calls = Calls(routes: routes, seed: options.seed)
        databases = Databases(scenario: scenario, station: station, stationCount: specs.count, seed: options.seed)
        eventBus = EventBus(scenario: scenario, station: station, seed: options.seed)
        let links = databases.links, pubs = eventBus.publications
        hasSideWork = (0..<serviceCount).map { links[$0] != nil || !pubs[$0].isEmpty }
        hopLatency = entry.hopLatency
        let hop = kernel.addLane(), visit = kernel.addLane(), timeouts = visit + 1
        for _ in routes.timeouts { _ = kernel.addLane() }
        lanes = Lanes(hop: hop, visit: visit, timeouts: timeouts)
        if let c = scenario.clients {
            clients = ClientTraffic(c, routeCount: entry.routeNames.count, seed: options.seed, lane: kernel.addLane())
        } else {
            clients = nil
        }
        jobs = stations.map { $0.spec.service?.jobs ?? [] }
        let injector = FaultInjector(scenario: scenario, seed: options.seed)
        faults = injector
        let spotCapacity = SpotCapacity(faults: injector.faults, stations: stations, currency: scenario.currency)
        spot = spotCapacity
        for st in stations {
            for _ in 0..<st.spec.replicas.initial {
                var pod = Pod(state: .ready, started: -3600, readyAt: -3600)
                pod.zone = injector.zone(forNewPodOf: st)
                pod.spot = spotCapacity.isSpot(newPodOf: st)
                st.pods.append(pod)
            }
            st.rebuildRoutable()
            st.accountPods(0, measuring: false)
        }
        scaling = Scaling(stations: stations, routeNames: routes.names)
        schedules = ScheduleWindows(scenario: scenario, duration: options.duration)
        windows = Windows(scenario: scenario, seasons: traffic.seasons, schedules: schedules, duration: options.duration, routeCount: routes.names.count,
                          stationCount: stations.count)
    }

    // MARK: the loop

    /// Runs to the end. Throws an engine error when the run's accounts do not balance.
    public func run() throws -> SimulationResult {
        scheduleNextArrival(after: 0)
        scheduleFirstSample()
        scheduleControllers()
        kernel.schedule(.end, at: options.duration)
        scheduleJobs()
        scheduleEdges()
        scheduleFaults()
        try kernel.run(self)
        return try finish()
    }

    /// Hands one event to the module that owns its kind. The accounts open at the first event
    /// of the measured period, before it is handled.
    func handle(_ e: Event) throws -> Bool {
        if !accountsOpen && e.time >= options.warmup { openAccounts(popped: e) }
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
        case .end: return false
        case .job: jobDue(Int(e.a), Int(e.b))
        case .jobDone: jobDone(Int(e.a), e.b)
        case .scheduleEdge: scheduleEdge(Int(e.a))
        case .faultStart: faultStart(Int(e.a))
        case .faultEnd: faultEnd(Int(e.a))
        case .podCrash: randomCrash(Int(e.a))
        case .spotPreemption: preemptSpotPod(Int(e.a))
        case .spotNoticeEnd: spotNoticeEnds(Int(e.a), pod: Int(e.b))
        case .replicationMark: replicationMark(Int(e.a))
        case .clientReach: clientReach(e.a)
        case .clientTimeout: clientTimedOut()
        case .clientRetry: clientRetry(e.a)
        }
        if options.checkInvariants { checkInvariants(); if violation != nil { return false } }
        return true
    }
}
