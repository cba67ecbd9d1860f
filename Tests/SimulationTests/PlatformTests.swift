import Autoscaling
@testable import CapsimModel
import Foundation
import Planning
import Testing
@testable import Simulation

/// The platform around the services: databases, caches, the event bus.
@Suite("Databases, caches and the event bus")
struct PlatformTests {
    /// Two M/M/c stations in tandem (Jackson network): Burke's theorem makes the first
    /// station's departures Poisson, so each station is its own M/M/c with the same λ and the
    /// mean time in each matches Erlang C. Eight replications, 99.9 % interval, as for M/M/c.
    @Test("a tandem network's stations each match Erlang C (product form)")
    func jacksonTandem() throws {
        let yaml = """
        capsim: 1
        name: tandem
        services:
          a: {capacity: {service_time: 1s, concurrency: 5}, replicas: 1, queue: {discipline: shared}}
          b: {capacity: {service_time: 500ms, concurrency: 3}, replicas: 1, queue: {discipline: shared}}
        traffic: {entry: a, peak: 4/s, hop_latency: 0s, routes: {all: {share: 100%, path: [a, b]}}}
        """
        let s = try ScenarioLoader.parse(yaml, file: "t.yaml")
        var wa: [Double] = [], wb: [Double] = []
        for i in 0..<8 {
            var o = SimulationOptions(scenario: s)
            o.seed = 300 + UInt64(i); o.duration = 55_000; o.warmup = 5000
            let r = try Simulator(scenario: s, options: o).run()
            wa.append(try #require(r.services.first { $0.service == "a" }?.latency?.mean))
            wb.append(try #require(r.services.first { $0.service == "b" }?.latency?.mean))
        }
        for (ws, theory) in [(wa, ErlangC(lambda: 4, mu: 1, servers: 5).meanResponse), (wb, ErlangC(lambda: 4, mu: 2, servers: 3).meanResponse)] {
            let (m, se) = meanAndStandardError(ws)
            let half = t9995(7) * se
            #expect(abs(m - theory) <= half, "W = \(m) ± \(half), Erlang C \(theory)")
            #expect(half / theory < 0.03)
        }
    }

    static func bus(consumerTime: String, workers: String, partitions: Int, rate: String = "200/s", lagScaler: String = "") -> String {
        """
        capsim: 1
        name: bus
        services:
          pay:
            capacity: {service_time: 1ms, concurrency: 64}
            replicas: 2
            publishes: [{topic: done, per_request: 1}]
        traffic: {entry: pay, peak: \(rate), routes: {all: {share: 100%, path: [pay]}}}
        event_bus:
          topics: {done: {partitions: \(partitions)}}
          consumer_groups:
            rewards: {service: pay, topic: done, workers: \(workers), service_time: {distribution: deterministic, value: \(consumerTime)}\(lagScaler)}
        """
    }

    /// Producers at 200/s, one consumer at 100/s (deterministic 10 ms): the lag grows at the
    /// difference, 100 messages/s. After 600 s the lag is 60,000 minus nothing: arrivals are
    /// Poisson (sd √120000 ≈ 350, 0.6 %), so a 2 % band is over three standard deviations.
    @Test("consumer lag grows at the producers' rate minus the consumers'")
    func lagGrowth() throws {
        let s = try ScenarioLoader.parse(PlatformTests.bus(consumerTime: "10ms", workers: "1", partitions: 1), file: "t.yaml")
        var o = SimulationOptions(scenario: s)
        o.duration = 600
        let r = try Simulator(scenario: s, options: o).run()
        let lag = try #require(r.timeline.last { $0.service == "rewards" }?.queueLength)
        #expect(abs(Double(lag) - 60_000) / 60_000 < 0.02, "lag \(lag)")
        #expect(r.services.first { $0.service == "rewards" }?.kind == "consumer group")
    }

    /// The partition count caps a group's useful parallelism: 8 workers on 2 partitions consume
    /// at 2 × 100/s, so at 300/s produced the lag still grows at ~100/s.
    @Test("workers beyond the partition count add nothing")
    func partitionCap() throws {
        let s = try ScenarioLoader.parse(PlatformTests.bus(consumerTime: "10ms", workers: "8", partitions: 2, rate: "300/s"), file: "t.yaml")
        var o = SimulationOptions(scenario: s)
        o.duration = 300
        let r = try Simulator(scenario: s, options: o).run()
        let lag = Double(try #require(r.timeline.last { $0.service == "rewards" }?.queueLength))
        #expect(abs(lag - 30_000) / 30_000 < 0.03, "lag \(lag)")
    }

    @Test("the lag scaler adds workers up to the partitions and the lag drains")
    func lagScalerInTheLoop() throws {
        let s = try ScenarioLoader.parse(PlatformTests.bus(consumerTime: "10ms", workers: "{min: 1, max: 20, initial: 1}", partitions: 4, rate: "300/s",
                                                           lagScaler: ", lag_scaler: {lag_threshold: 100}"), file: "t.yaml")
        var o = SimulationOptions(scenario: s)
        o.duration = 600
        let r = try Simulator(scenario: s, options: o).run()
        let samples = r.timeline.filter { $0.service == "rewards" }
        #expect(samples.map(\.replicas).max() == 4)     // capped at 4 partitions, not 20
        #expect(samples.last!.queueLength < 500)         // 4 × 100/s > 300/s: drained
        #expect(r.scaling.contains { $0.policy == "lag-scaler" && $0.reason.contains("capped at 4 partitions") })
    }

    static func db(replicas: Int, cache: String = "") -> String {
        """
        capsim: 1
        name: db
        services:
          shop:
            capacity: {service_time: 1ms, concurrency: 64}
            replicas: 2
            database: shop-db
            queries_per_request: 2
            \(cache)
        traffic: {entry: shop, peak: 500/s, routes: {all: {share: 100%, path: [shop]}}}
        databases:
          shop-db: {owner: shop, cpus: 4, query_time: 2ms, read_ratio: 80%, read_replicas: \(replicas)}
        """
    }

    /// 1000 queries/s × 2 ms = 2 busy cores of 4 on the primary without replicas (50 %); with
    /// replicas taking the 80 % that are reads, the primary keeps 20 %: 10 %.
    @Test("read replicas take the reads off the primary, as configured")
    func readReplicas() throws {
        func primaryCPU(_ yaml: String) throws -> Double {
            let s = try ScenarioLoader.parse(yaml, file: "t.yaml")
            var o = SimulationOptions(scenario: s)
            o.duration = 1200
            let r = try Simulator(scenario: s, options: o).run()
            let cpu = r.timeline.filter { $0.service == "shop-db" && $0.time > 60 }.map(\.cpuUtilization)
            return cpu.reduce(0, +) / Double(cpu.count)
        }
        let alone = try primaryCPU(PlatformTests.db(replicas: 0)), withReplicas = try primaryCPU(PlatformTests.db(replicas: 2))
        #expect(abs(alone - 0.5) < 0.02, "primary alone \(alone)")
        #expect(abs(withReplicas - 0.1) < 0.01, "primary with replicas \(withReplicas)")
    }

    /// 2 lookups per request, half answered by the cache: queries = completed × 2 × 0.5. Over
    /// ~6·10⁵ lookups the binomial sd is 0.1 %; the band is 1 %.
    @Test("a 50% cache hit ratio halves the database queries")
    func cacheHalves() throws {
        let s = try ScenarioLoader.parse(PlatformTests.db(replicas: 0, cache: "cache: {hit_ratio: 50%}"), file: "t.yaml")
        var o = SimulationOptions(scenario: s)
        o.duration = 600
        let r = try Simulator(scenario: s, options: o).run()
        let shop = try #require(r.services.first { $0.service == "shop" })
        let queries = Double(try #require(shop.databaseQueries))
        #expect(abs(queries / (Double(shop.completed) * 2 * 0.5) - 1) < 0.01)
        #expect(abs((shop.cacheHitRatio ?? 0) - 0.5) < 0.005)
        let db = try #require(r.services.first { $0.service == "shop-db" })
        #expect(abs(Double(db.completed) / queries - 1) < 0.01)
    }
}

@Suite("KEDA lag scaler policy")
struct LagScalerPolicyTests {
    func policy(idle: Bool = false, activation: Double = 10) -> LagScalerPolicy {
        LagScalerPolicy(config: LagScaler(lagThreshold: 1000, activationLag: activation, allowIdleConsumers: idle),
                        workers: Replicas(min: 1, max: 50, initial: 1), partitions: 12, service: "rewards")
    }
    func obs(_ t: Double, _ replicas: Int, lag: Double) -> Observation {
        Observation(time: t, service: "rewards", replicas: replicas, metrics: [.consumerLag: lag])
    }

    @Test("replicas = ⌈lag ÷ threshold⌉, through the HPA KEDA creates (legacy scale-up limit max(2 × current, 4))")
    func ceilOfLag() {
        var p = policy()
        #expect(p.evaluate(obs(0, 4, lag: 5_500)).desired == 6)
        var q = policy()
        #expect(q.evaluate(obs(0, 1, lag: 5_500)).desired == 4)   // the HPA's limit from one worker
    }

    @Test("capped at the partition count when lag ÷ threshold, truncated, exceeds it, unless idle consumers are allowed")
    func partitionCap() {
        var p = policy()
        #expect(p.evaluate(obs(0, 10, lag: 40_000)).desired == 12)
        var q = policy(idle: true)
        #expect(q.evaluate(obs(0, 25, lag: 40_000)).desired == 40)
        // 12,999 ÷ 1,000 truncates to 12, not above 12 partitions: KEDA reports the whole lag → 13.
        var r = policy()
        #expect(r.reportedLag(12_999) == 12_999 && r.reportedLag(13_000) == 12_000)
        #expect(r.evaluate(obs(0, 10, lag: 12_999)).desired == 13)
    }

    @Test("with min ≥ 1 the HPA keeps scaling on a lag below activation, held by its 300 s window")
    func activation() {
        var p = policy()
        #expect(p.evaluate(obs(0, 5, lag: 10)).desired == 5)          // held: the seeded recommendation is 5
        #expect(p.evaluate(obs(301, 5, lag: 10)).desired == 1)        // 300 s later: released to ⌈10 ÷ 1000⌉ = 1
        #expect(p.evaluate(obs(316, 1, lag: 10)).desired == 1)
    }

    @Test("with min 0 the operator scales to zero after the cooldown and back to one when active")
    func scaleToZero() {
        var p = LagScalerPolicy(config: LagScaler(lagThreshold: 1000, activationLag: 10, allowIdleConsumers: false),
                                workers: Replicas(min: 0, max: 50, initial: 3), partitions: 12, service: "rewards")
        #expect(p.evaluate(obs(0, 3, lag: 5_000)).desired == 5)
        #expect(p.evaluate(obs(100, 5, lag: 5)).desired == 5)          // inactive for 100 s < cooldown: the HPA holds
        let zero = p.evaluate(obs(300, 5, lag: 5))
        #expect(zero.desired == 0 && zero.rule == "inactive")
        #expect(p.evaluate(obs(315, 0, lag: 5)).desired == 0)
        let back = p.evaluate(obs(330, 0, lag: 50))
        #expect(back.desired == 1 && back.rule == "activated")
    }

    @Test("within the HPA's 0.1 tolerance nothing changes")
    func tolerance() {
        var p = policy()
        let d = p.evaluate(obs(0, 4, lag: 4_300))
        #expect(d.desired == 4 && d.rule == "tolerance" && d.reason.contains("within tolerance 0.1"))
    }
}

@Suite("CDN origin offload")
struct CDNTests {
    /// 1,000 req/s over 1,000 objects with a 1 s TTL: λ = 1/s per object, so the hit ratio is
    /// λT/(1+λT) = 0.5 and the origin sees 500 req/s on top of its own traffic. Over 300 s the
    /// Poisson count's sd is about 0.3 %; the band is 2 %.
    @Test("a CDN path's hit ratio follows from its TTL, and its misses load the origin")
    func offload() throws {
        let yaml = """
        capsim: 1
        name: cdn
        services:
          gw: {capacity: {service_time: 1ms, concurrency: 64}, replicas: 2}
          shop: {capacity: {service_time: 1ms, concurrency: 64}, replicas: 4}
        traffic: {entry: gw, peak: 100/s, routes: {all: {share: 100%, path: [gw, shop]}}}
        cdn:
          shop: [{path: "/shop/images/*", ttl: 1s, service: shop, rate: 1k/s, objects: 1000}]
        """
        let s = try ScenarioLoader.parse(yaml, file: "t.yaml")
        let path = try #require(s.cdn?.paths["shop"]?.first)
        #expect(abs((path.effectiveHitRatio ?? 0) - 0.5) < 1e-12)
        var o = SimulationOptions(scenario: s)
        o.duration = 300
        let r = try Simulator(scenario: s, options: o).run()
        let shop = try #require(r.services.first { $0.service == "shop" }), gw = try #require(r.services.first { $0.service == "gw" })
        #expect(abs(Double(shop.arrivals - gw.arrivals) / 300 - 500) / 500 < 0.02, "origin misses \(Double(shop.arrivals - gw.arrivals) / 300)/s")
        #expect(r.routes.contains { $0.route == "cdn /shop/images/*" })
        #expect(r.cdn?.first?.originRate == 500)
    }
}

/// Mean end-to-end latency of 80 writes/s of 10 ms (deterministic) on an 8-core primary,
/// behind a 1 ms API, with the database options given: the common bench of the hot-key and
/// connection-pool tests, where only the database line changes.
func writeLatency(database options: String) throws -> Double {
    let yaml = """
    capsim: 1
    name: writes
    services:
      api:
        capacity: {service_time: {distribution: deterministic, value: 1ms}, concurrency: 64}
        replicas: 1
        database: db
        queries_per_request: 1
    traffic: {entry: api, peak: 80/s, hop_latency: 0s, routes: {all: {share: 100%, path: [api]}}}
    databases:
      db: {owner: api, cpus: 8, query_time: {distribution: deterministic, value: 10ms}, read_ratio: 0%\(options)}
    """
    let s = try ScenarioLoader.parse(yaml, file: "t.yaml")
    var o = SimulationOptions(scenario: s)
    o.duration = 3000; o.warmup = 100
    return try #require(try Simulator(scenario: s, options: o).run().routes.first?.latency?.mean)
}

@Suite("Hot keys")
struct HotKeyTests {
    /// Writes spread evenly over 10,000 rows never meet: 1 ms + 10 ms. With Zipf exponent 8 the
    /// hottest row takes p = 1/Σk⁻⁸ = 99.6 % of writes, whose lock makes them an M/D/1 queue at
    /// ρ = 0.797: Pollaczek–Khinchine adds ρD/(2(1−ρ)) = 19.6 ms to those writes, so the mean is
    /// about 30.5 ms though seven of the eight cores are idle. 240,000 requests: a 5 % band.
    @Test("writes to a hot row queue behind its lock, whatever the cores")
    func hotRow() throws {
        let even = try writeLatency(database: ", key_skew: 0")
        #expect(abs(even - 0.011) < 0.0005, "even keys \(even)")
        let p1 = 1 / (1...10_000).reduce(0.0) { $0 + pow(Double($1), -8) }
        let rho = 80 * p1 * 0.01
        let expected = 0.011 + p1 * rho * 0.01 / (2 * (1 - rho))
        let hot = try writeLatency(database: ", key_skew: 8")
        #expect(abs(hot - expected) / expected < 0.05, "hot \(hot), expected \(expected)")
    }
}

@Suite("Database connection pools")
struct ConnectionPoolTests {
    /// max_connections 1 on an 8-core primary: one query at a time, so 80 queries/s of 10 ms
    /// form an M/D/1 queue at ρ = 0.8 (P-K wait 20 ms) instead of running side by side.
    @Test("queries beyond max_connections wait for a connection")
    func oneConnection() throws {
        #expect(abs(try writeLatency(database: ", max_connections: 100") - 0.011) < 0.0005)
        let pooled = try writeLatency(database: ", max_connections: 1"), expected = 0.011 + 0.8 * 0.01 / (2 * 0.2)
        #expect(abs(pooled - expected) / expected < 0.05, "with one connection \(pooled), expected \(expected)")
    }
}
