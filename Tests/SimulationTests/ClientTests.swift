import CapsimModel
import Foundation
import Testing
@testable import Simulation

/// One lightly loaded station (4 pods × 8 slots, 20 ms exponential, at most ~1 slot busy at
/// 50/s: a request almost never waits) behind `clients`.
func clientScenario(_ clients: String, rate: String = "50/s", serviceTime: String = "20ms", duration: String = "20m", warmup: String = "1m") -> String {
    """
    capsim: 1
    name: clients
    services:
      api:
        capacity: {service_time: \(serviceTime), concurrency: 8}
        replicas: 4
        startup: 0s
    traffic:
      entry: api
      peak: \(rate)
      hop_latency: 0s
      routes:
        browse: {share: 100%, path: [api]}
    clients:
    \(clients)
    simulation: {duration: \(duration), warmup: \(warmup)}
    """
}

@Suite("Clients: networks, client timeouts, retries")
struct ClientTests {
    static let twoNetworks = """
      timeout: 2s
      retries: 2
      backoff: {base: 500ms, max: 4s, jitter: full}
      networks:
        fiber: {share: 50%, rtt: {distribution: lognormal, mean: 100ms, p99: 400ms}}
        lossy: {share: 50%, rtt: {distribution: deterministic, value: 200ms}, loss: 10%}
    """

    func network(_ r: SimulationResult, _ name: String, route: String = "browse") throws -> ClientNetworkSummary {
        let row = try #require(r.clients?.routes.first { $0.route == route })
        return try #require(row.networks.first { $0.network == name })
    }

    @Test("clients: decodes with its defaults, and a backoff written as a duration is the base")
    func decodesWithDefaults() throws {
        let s = try load(clientScenario("  backoff: 2s\n  networks:\n    urban: {share: 100%, rtt: 80ms}"))
        let c = try #require(s.clients)
        #expect(c.timeout == Defaults.clientTimeout && c.retries == Defaults.clientRetries)
        #expect(c.backoff == Clients.Backoff(base: 2, max: 20, jitter: .full))
        #expect(c.networks == [Clients.Network(name: "urban", share: 1, rtt: .exponential(mean: 0.08), loss: 0)])
    }

    @Test("a Request still fits in 96 bytes with its optional client attempt")
    func requestStaysNinetySixBytes() {
        #expect(MemoryLayout<Request>.size <= 96)
        #expect(MemoryLayout<Request>.stride == 96)
    }

    @Test("backoff: base × 2^(k−1) capped at max; full jitter within [0, cap] with mean cap/2, equal within [cap/2, cap], none the cap")
    func jitterDrawsWithinTheirBounds() throws {
        for jitter in Clients.Jitter.allCases {
            let config = Clients(timeout: 1, retries: 6, backoff: .init(base: 0.5, max: 4, jitter: jitter),
                                 networks: [.init(name: "n", share: 1, rtt: .deterministic(value: 0), loss: 0)])
            let c = ClientTraffic(config, routeCount: 1, seed: 3, lane: 0)
            for k in 1...6 {
                let cap = min(4, 0.5 * pow(2, Double(k - 1)))
                #expect(config.backoff.cap(retry: k) == cap)
                let n = 20_000
                let draws = (0..<n).map { _ in c.backoff(retry: k) }
                let lo = jitter == .equal ? cap / 2 : (jitter == .none ? cap : 0)
                #expect(draws.allSatisfy { $0 >= lo && $0 <= cap }, "jitter \(jitter) retry \(k) drew outside [\(lo), \(cap)]")
                if jitter == .full {
                    // Uniform(0, cap): sd cap/√12; 5 standard errors of the mean of 20,000 draws.
                    let mean = draws.reduce(0, +) / Double(n)
                    #expect(abs(mean - cap / 2) < 5 * cap / (12.0 * Double(n)).squareRoot(), "full jitter mean \(mean) for cap \(cap)")
                }
            }
        }
    }

    @Test("loss p per direction: users give up with probability q^(k+1) and send (1 − q^(k+1)) ÷ (1 − q) attempts, q = 1 − (1 − p)²")
    func lossMatchesTheory() throws {
        let (r, _) = try simulate(try load(clientScenario(Self.twoNetworks, duration: "40m")))
        let x = try network(r, "lossy")
        let p = 0.10, q = 1 - (1 - p) * (1 - p), k = 2.0
        let giveUp = pow(q, k + 1), attempts = (1 - pow(q, k + 1)) / (1 - q)
        let n = Double(x.users)
        #expect(n > 50_000)
        // Binomial: 4 standard errors of a share of n users (≈ 0.0015 at n = 57,000).
        let observedGiveUp = Double(x.gaveUp) / n
        #expect(abs(observedGiveUp - giveUp) < 4 * (giveUp * (1 - giveUp) / n).squareRoot(), "gave up \(observedGiveUp), theory \(giveUp)")
        // Attempts per user take 1, 2 or 3 with P (1 − q), q(1 − q), q²: sd ≈ 0.50; 4 standard errors ≈ 0.008.
        let p1 = 1 - q, p2 = q * (1 - q), p3 = q * q
        let variance = p1 + 4 * p2 + 9 * p3 - attempts * attempts
        let observedAttempts = Double(x.attempts) / n
        #expect(abs(observedAttempts - attempts) < 4 * (variance / n).squareRoot() + 2 / n, "attempts per user \(observedAttempts), theory \(attempts)")
        // Each attempt reaches the platform with probability 1 − p.
        #expect(abs(x.amplification! - attempts * (1 - p)) < 0.02)
        // The lossless network never retries.
        let f = try network(r, "fiber")
        #expect(f.gaveUp == 0 && f.attempts == f.users && f.timedOut == 0)
    }

    @Test("a lossless class's mean user latency is its mean RTT plus the platform's mean")
    func losslessLatencyIsRTTPlusPlatform() throws {
        let (r, _) = try simulate(try load(clientScenario(Self.twoNetworks, duration: "40m")))
        let f = try network(r, "fiber")
        let mean = try #require(f.latency?.mean)
        // RTT lognormal mean 100 ms (variance from its p99), service exponential 20 ms with no
        // wait: 5 standard errors of the mean of the users served.
        let rtt = ServiceTime.lognormal(mean: 0.1, p99: 0.4)
        let sd = (rtt.variance + 0.02 * 0.02).squareRoot()
        #expect(abs(mean - (0.1 + 0.02)) < 5 * sd / Double(f.succeeded).squareRoot(), "mean \(mean), theory 0.120")
    }

    @Test("the same seed gives the same run; another seed another")
    func deterministic() throws {
        let s = try load(clientScenario(Self.twoNetworks, duration: "5m"))
        let (a, _) = try simulate(s, seed: 11), (b, _) = try simulate(s, seed: 11), (c, _) = try simulate(s, seed: 12)
        #expect(a == b)
        #expect(a.clients != c.clients)
    }

    @Test("a zero-RTT lossless client changes nothing the platform sees, and a run without clients has no clients summary")
    func zeroRTTClientIsInvisible() throws {
        let plain = try load(singleStation(rate: "40/s", serviceTime: "20ms", concurrency: 2, replicas: 2, duration: "10m", warmup: "1m"))
        let withClients = try load(singleStation(rate: "40/s", serviceTime: "20ms", concurrency: 2, replicas: 2,
                                                 extra: "clients: {timeout: 1h, networks: {lan: {share: 100%, rtt: {distribution: deterministic, value: 0s}}}}",
                                                 duration: "10m", warmup: "1m"))
        let (a, _) = try simulate(plain), (b, _) = try simulate(withClients)
        #expect(a.clients == nil)
        #expect(a.services == b.services)
        #expect(a.routes == b.routes)
        let users = try #require(b.clients?.routes.first?.all)
        #expect(users.amplification == 1)
    }

    @Test("every user request is accounted for once: users = succeeded + gave up + in flight; attempts reaching the platform are its arrivals")
    func conservation() throws {
        // Past capacity (32 slots × 50/s = 1,600/s) so requests are still queued, backing off and on
        // the way when the run stops, and timeouts retry. (A broken balance throws: `closeAccounts`.)
        let s = try load(clientScenario(Self.twoNetworks, rate: "1700/s", serviceTime: "20ms", duration: "3m", warmup: "30s"))
        let (r, _) = try simulate(s)
        // The per-event invariants on a lighter run (each check takes a census of the queue).
        let (_, violation) = try simulate(try load(clientScenario(Self.twoNetworks, rate: "50/s", duration: "3m", warmup: "30s")), check: true)
        #expect(violation == nil)
        let row = try #require(r.clients?.routes.first)
        for x in row.networks + [row.all] {
            #expect(x.inFlightAtStart + x.users == x.succeeded + x.gaveUp + x.inFlightAtEnd)
        }
        #expect(row.networks.map(\.reached).reduce(0, +) == r.routes[0].arrivals)
        #expect(row.all.inFlightAtEnd > 0 || row.all.gaveUp > 0)
    }

    @Test("a slowdown past the client timeout turns into a retry storm: offered ÷ original rises to k + 1")
    func retryStorm() throws {
        let clients = """
          timeout: 2s
          retries: 2
          backoff: {base: 100ms, max: 1s, jitter: full}
          networks:
            rural: {share: 100%, rtt: {distribution: deterministic, value: 600ms}}
        """
        func amplification(_ service: String) throws -> ClientNetworkSummary {
            let yaml = clientScenario(clients, rate: "5/s", duration: "10m", warmup: "1m")
                .replacingOccurrences(of: "service_time: 20ms, concurrency: 8", with: "service_time: \(service), concurrency: 64")
            let (r, _) = try simulate(try load(yaml))
            return try #require(r.clients?.routes.first?.all)
        }
        let healthy = try amplification("{distribution: deterministic, value: 200ms}")
        let slow = try amplification("{distribution: deterministic, value: 3s}")
        // ≈ 1: attempts of users who arrived in the warm-up reach it after, those of the last users never do.
        #expect(abs(try #require(healthy.amplification) - 1) < 0.01 && healthy.gaveUp == 0)
        // 600 ms of round trip + 3 s of work > 2 s: every attempt times out, so every user sends
        // all 3 and gives up; the platform does three times the work for nothing.
        #expect(try #require(slow.amplification) > 2.95)
        #expect(slow.succeeded == 0 && slow.gaveUp > 0)
        #expect(slow.lateAnswers > 0)
    }

    @Test("an attempt that outlives its user (a round trip longer than the timeout) still reaches the platform on its own route")
    func attemptOutlivesItsUser() throws {
        // Every attempt reaches the entry 2.5 s after it left, 1.5 s after its user gave up, by
        // when the user's slot holds another user, maybe of the other route.
        let yaml = clientScenario("  timeout: 1s\n  networks:\n    far: {share: 100%, rtt: {distribution: deterministic, value: 5s}}", duration: "5m", warmup: "30s")
            .replacingOccurrences(of: "browse: {share: 100%, path: [api]}", with: "a: {share: 50%, path: [api]}\n    b: {share: 50%, path: [api]}")
        let (r, _) = try simulate(try load(yaml))
        let rows = try #require(r.clients?.routes)
        for (route, row) in zip(r.routes, rows) {
            #expect(route.arrivals == row.all.reached, "route \(route.route)")
            #expect(row.all.succeeded == 0 && row.all.gaveUp > 0 && row.all.lateAnswers > 0)
        }
    }
}
