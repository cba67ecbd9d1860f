import CapsimModel
import Foundation
import Testing
@testable import Simulation

/// Every request that arrives is accounted for once, whatever kind of work it is, and what a
/// station cannot serve shows up as a backlog instead of vanishing.
@Suite("Accounting: request kinds, conservation and backlogs")
struct AccountingTests {
    func run(_ yaml: String, seconds: Double, check: Bool = false) throws -> SimulationResult {
        let s = try ScenarioLoader.parse(yaml, file: "t.yaml")
        var o = SimulationOptions(scenario: s)
        o.duration = seconds
        o.checkInvariants = check
        let sim = try Simulator(scenario: s, options: o)
        let r = try sim.run()
        #expect(sim.violation == nil, "\(sim.violation ?? "")")
        return r
    }

    /// The identities the engine checks itself, re-checked here on the published summaries.
    func expectBalanced(_ r: SimulationResult, sourceLocation: SourceLocation = #_sourceLocation) {
        for s in r.services {
            let inflow = (s.inFlightAtStart ?? -1) + s.arrivals
            let outflow = s.completed + s.dropped + s.timedOut + (s.inFlightAtEnd ?? -1)
            #expect(inflow == outflow, "station \(s.service): \(inflow) in, \(outflow) out", sourceLocation: sourceLocation)
        }
        for rt in r.routes {
            let inflow = (rt.inFlightAtStart ?? -1) + (rt.arrivals ?? -1)
            let outflow = rt.completed + (rt.failed ?? 0) + (rt.dropped ?? -1) + (rt.timedOut ?? -1) + (rt.inFlightAtEnd ?? -1)
            #expect(inflow == outflow, "route \(rt.route): \(inflow) in, \(outflow) out", sourceLocation: sourceLocation)
        }
    }

    /// The shape that broke the bundled scenario: a call with a timeout and retries to a busy
    /// service that also runs a timed job. Attempts abandoned at the timeout still reach a slot
    /// and do their (wasted) work; when abandoned attempts and timed jobs were told apart by
    /// two negative route numbers that collided, an abandoned attempt ran as a "job" whose work
    /// was its birth time — hundreds of seconds of a slot — and was never counted as done.
    ///
    /// `slow` has 2 slots of a deterministic 50 ms and a 100 ms job per second; 19/s offered
    /// keeps it about half busy, so a few waits (behind a job) pass the 200 ms timeout and are
    /// retried once. (With two retries, or at 21/s, the retries' wasted work tips it into a
    /// retry storm whose backlog grows to the end of the run: a metastable failure, which
    /// `simulate` then reports as a growing backlog.)
    static let timeoutsAndJobs = """
        capsim: 1
        name: kinds
        services:
          gw: {capacity: {service_time: {distribution: deterministic, value: 1ms}, concurrency: 64}, replicas: 1, peak: 1/s, cpu_per_request: 10us}
          slow:
            capacity: {service_time: {distribution: deterministic, value: 50ms}, concurrency: 2}
            replicas: 1
            peak: 1/s
            cpu_per_request: 1ms
            queue: {discipline: shared}
            jobs: [{every: 1s, work: 100ms}]
        traffic:
          entry: gw
          peak: 19/s
          hop_latency: 0s
          routes:
            r: {share: 100%, path: [gw, {service: slow, timeout: 200ms, retries: 1, backoff: 50ms}]}
        simulation: {duration: 2000s, warmup: 60s}
        """

    @Test("abandoned attempts and timed jobs in one run: every service time is one the distribution can give, and every request is accounted for")
    func abandonedAttemptsAreNotJobs() throws {
        let r = try run(Self.timeoutsAndJobs, seconds: 2000, check: true)
        let slow = try #require(r.services.first { $0.service == "slow" })
        let gw = try #require(r.services.first { $0.service == "gw" })
        let route = try #require(r.routes.first)
        // The path under test was taken: calls timed out, were retried, and failed for good.
        #expect((route.failed ?? 0) > 0, "no call failed: the scenario does not exercise abandoned attempts")
        #expect(slow.arrivals > gw.completed, "no retries reached slow")
        // Deterministic 50 ms, never throttled (1 ms of CPU per request): no slot is held longer,
        // and the mean is exactly the service time.
        let longest = try #require(slow.longestService)
        #expect(longest <= 0.050 + 1e-9, "slow held a slot for \(longest) s")
        #expect(abs((slow.serviceMean ?? 0) - 0.050) < 1e-9)
        #expect((gw.longestService ?? 1) <= 0.001 + 1e-9)
        // Most requests complete, end to end.
        #expect(Double(route.completed) > 0.5 * Double(route.arrivals ?? 0))
        expectBalanced(r)
    }

    /// A request turned away by a full queue gives back what it holds. With three pooled
    /// connections in front of a one-slot callee whose queue holds one request, the third call
    /// in flight is turned away; had it kept its connection, three such leaks would starve
    /// every later request and the route would stop completing. Its fan-out parent fails.
    @Test("a call turned away by a full queue frees its pool connection and fails its fan-out parent")
    func turnedAwayCallsReleaseWhatTheyHold() throws {
        let yaml = """
            capsim: 1
            name: turned-away
            services:
              gw: {capacity: {service_time: {distribution: deterministic, value: 1ms}, concurrency: 64}, replicas: 1, peak: 1/s}
              a: {capacity: {service_time: {distribution: exponential, mean: 20ms}, concurrency: 1}, replicas: 1, peak: 1/s, queue: {discipline: shared, limit: 1}}
              b: {capacity: {service_time: {distribution: exponential, mean: 5ms}, concurrency: 1}, replicas: 1, peak: 1/s, queue: {discipline: shared, limit: 1}}
            traffic:
              entry: gw
              peak: 60/s
              hop_latency: 0s
              routes:
                r: {share: 100%, path: [gw, {fanout: [{service: a, pool: 3}, b]}]}
            simulation: {duration: 1200s, warmup: 0s}
            """
        let r = try run(yaml, seconds: 1200, check: true)
        let route = try #require(r.routes.first)
        let a = try #require(r.services.first { $0.service == "a" })
        #expect(a.dropped > 0, "nothing was turned away: the scenario does not exercise it")
        #expect((route.dropped ?? 0) > 0)
        // Still completing in the last minute: no connection leaked.
        let lastMinute = r.routeTimeline.suffix(4).reduce(0) { $0 + $1.completed }
        #expect(lastMinute > 1000, "the route stopped completing: \(lastMinute) in the last minute")
        expectBalanced(r)
    }

    /// The new user's case from issue 13: a service making 2 queries per request to a database
    /// left at its defaults (2 cores × 2 ms ≈ 1,000 queries/s) offered ~1,900 queries/s. The
    /// database's own queue never exceeds its connections, so it looks healthy; the requests
    /// wait for a connection. That wait is a backlog, named, and still there at the end.
    @Test("a saturated database's connection queue is a backlog: named, measured, and still waiting at the end")
    func saturatedDatabaseIsNamed() throws {
        let yaml = """
            capsim: 1
            name: saturated-db
            services:
              shop:
                capacity: {service_time: {distribution: exponential, mean: 5ms}, concurrency: 64}
                replicas: 4
                peak: 1/s
                database: shop-db
                queries_per_request: 2
            databases:
              shop-db: {owner: shop}
            traffic:
              entry: shop
              peak: 950/s
              hop_latency: 0s
              routes:
                browse: {share: 100%, path: [shop]}
            simulation: {duration: 600s, warmup: 60s}
            """
        let r = try run(yaml, seconds: 600)
        let db = try #require(r.services.first { $0.service == "shop-db" })
        // The database serves at its capacity and the rest waits outside it for a connection.
        #expect((db.blockedAtEnd ?? 0) > 100_000, "waiting for a connection at the end: \(db.blockedAtEnd ?? -1)")
        #expect((db.maxBlocked ?? 0) >= db.blockedAtEnd ?? 0)
        #expect((db.blockedWait?.p50 ?? 0) > 10, "median wait for a connection \(db.blockedWait?.p50 ?? -1) s")
        let backlog = try #require(r.backlogs.first { $0.service == "shop-db" }, "no backlog reported for shop-db: \(r.backlogs)")
        #expect(backlog.untilEnd && backlog.backlogAtEnd == db.backlogAtEnd)
        #expect(backlog.arrivalRate > backlog.throughput * 0.9)
        // The service itself keeps up: no backlog there.
        #expect(!r.backlogs.contains { $0.service == "shop" })
        let route = try #require(r.routes.first)
        #expect((route.inFlightAtEnd ?? 0) > 100_000)
        #expect((r.routeTimeline.last?.inFlight ?? 0) == route.inFlightAtEnd)
        let samples = r.timeline.filter { $0.service == "shop-db" }
        #expect((samples.last?.blocked ?? 0) > 100_000 && (samples.last?.blockedWaitMean ?? 0) > 1)
        expectBalanced(r)
    }

    /// A stable M/M/c queue at ρ = 0.9 holds its backlog level: no stretch is reported.
    @Test("a station that keeps up, even at 90 % busy, reports no backlog")
    func stableQueueHasNoBacklog() throws {
        let s = try load(singleStation(rate: "9/s", serviceTime: "1s", concurrency: 10, duration: "20000s", warmup: "0s"))
        let (r, _) = try simulate(s, duration: 20000)
        #expect(r.backlogs == [], "\(r.backlogs)")
        expectBalanced(r)
    }
}
