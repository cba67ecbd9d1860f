import CapsimModel
import Foundation
import Testing
@testable import Simulation

/// 100 requests/s through a gateway to `api`, each making one query of 10 ms (deterministic) on an 8-core primary — far
/// from saturation, so every count below is the traffic's, not a queue's — with the read share,
/// replicas and lag given, and the primary failing over at 2m for 1m of a 6-minute run.
func failoverScenario(reads: String, replicas: Int, lag: String = "100ms", call: String = "api") -> String {
    """
    capsim: 1
    name: failover
    services:
      gw: {capacity: {service_time: {distribution: deterministic, value: 1ms}, concurrency: 64}, replicas: 2}
      api:
        capacity: {service_time: {distribution: deterministic, value: 1ms}, concurrency: 64}
        replicas: 2
        database: db
        queries_per_request: 1
    databases:
      db: {owner: api, cpus: 8, query_time: {distribution: deterministic, value: 10ms}, read_ratio: \(reads), read_replicas: \(replicas), replication_lag: \(lag)}
    traffic: {entry: gw, peak: 100/s, hop_latency: 0s, routes: {all: {share: 100%, path: [gw, \(call)]}}}
    faults: ["database-failover:db@2m+1m"]
    simulation: {duration: 6m, warmup: 0s}
    """
}

@Suite("Database failover")
struct DatabaseFailoverTests {
    /// 6,000 requests in the window, half writes: the refused writes and stale reads are each
    /// Binomial(6,000-ish, ½) around 3,000 (σ ≈ 55 with the Poisson arrivals); 4σ bands.
    @Test("while the primary is down writes are refused and reads stay on the replicas; afterwards a replica is the primary; every account balances")
    func writesRefusedReadsServed() throws {
        let s = try load(failoverScenario(reads: "50%", replicas: 2))
        let (r, violation) = try simulate(s, check: true)
        #expect(violation == nil)
        let f = try #require(r.faults?.first)
        let refused = try #require(f.queriesRefused), stale = try #require(f.staleReads)
        #expect(abs(Double(refused) - 3000) < 4 * sqrt(3000), "refused \(refused)")
        #expect(abs(Double(stale) - 3000) < 4 * sqrt(3000) + 2, "stale reads \(stale)")
        #expect(f.podsLost == 1 && f.replicasAfter == 1)
        // One query per request on a plain route: each refusal fails its request with an error,
        // each query on the primary when it failed is lost with it, and nothing else fails.
        let route = r.routes[0]
        #expect(route.errors == refused)
        #expect(route.podLost == f.requestsLost)
        #expect(route.failedForGood == refused + f.requestsLost)
        #expect((route.inFlightAtEnd ?? 0) < 20)
        // The promoted replica left the read pool: two replicas until 3m, one after.
        let replicaSamples = r.timeline.filter { $0.service == "db/replicas" }
        #expect(replicaSamples.filter { $0.time < 120 }.allSatisfy { $0.replicas == 2 })
        #expect(replicaSamples.filter { $0.time > 181 }.allSatisfy { $0.replicas == 1 })
    }

    /// Only writes, 100/s, and a 20 s replication lag: the writes the primary completed in the
    /// 20 s before it failed are Poisson around 2,000 (σ ≈ 45); a 4σ band.
    @Test("the writes completed within the replication lag before the failure are counted at risk")
    func writesWithinTheLagAreAtRisk() throws {
        let s = try load(failoverScenario(reads: "0%", replicas: 1, lag: "20s"))
        let (r, violation) = try simulate(s, check: true)
        #expect(violation == nil)
        let f = try #require(r.faults?.first)
        let atRisk = try #require(f.writesAtRisk)
        #expect(abs(Double(atRisk) - 2000) < 4 * sqrt(2000), "at risk \(atRisk)")
        #expect(f.replicasAfter == 0)
    }

    @Test("once the last replica is promoted reads go to the primary, and none is left waiting")
    func lastReplicaPromotedReadsGoToPrimary() throws {
        let s = try load(failoverScenario(reads: "50%", replicas: 1))
        let (r, violation) = try simulate(s, check: true)
        #expect(violation == nil)
        let primary = try #require(r.services.first { $0.service == "db" })
        // Before the failure the primary takes only writes (≈ 6,000 in 2 minutes); after the
        // promotion it takes every query (≈ 18,000 in 3 minutes).
        #expect(primary.arrivals > 20_000, "primary arrivals \(primary.arrivals)")
        #expect((r.routes[0].inFlightAtEnd ?? 0) < 20)
        #expect(r.faults?.first?.replicasAfter == 0)
    }

    @Test("without a replica the primary comes back when the window ends; every query it gets meanwhile is refused")
    func noReplicaPrimaryComesBack() throws {
        let s = try load(failoverScenario(reads: "50%", replicas: 0))
        let (r, violation) = try simulate(s, check: true)
        #expect(violation == nil)
        let f = try #require(r.faults?.first)
        let refused = try #require(f.queriesRefused)
        #expect(abs(Double(refused) - 6000) < 4 * sqrt(6000), "refused \(refused)")
        #expect(f.writesAtRisk == nil && f.staleReads == nil && f.replicasAfter == nil)
        #expect(r.routes[0].failedForGood == refused + f.requestsLost)
    }

    @Test("a refused query is retried where the call allows, and succeeds once the primary is back")
    func refusedQueriesAreRetried() throws {
        let s = try load(failoverScenario(reads: "0%", replicas: 1, call: "{service: api, timeout: 1s, retries: 3, backoff: 5s}"))
        // Without the per-event invariant check (8 s of CI here); the run's accounts still close.
        let r = try simulate(s).0
        let route = r.routes[0]
        let refused = try #require(r.faults?.first?.queriesRefused)
        #expect((route.retries ?? 0) > 0)
        // Backoffs of 5, 10 and 20 s: a request refused in the last 35 s of the window is back
        // after the promotion, so fewer requests fail than queries were refused.
        #expect(route.failedForGood < refused)
        #expect(route.failedForGood > 0)
    }

    @Test("a failover is reproducible: the same seed gives the same run")
    func deterministic() throws {
        let s = try load(failoverScenario(reads: "50%", replicas: 2))
        let a = try simulate(s).0, b = try simulate(s).0
        #expect(a.faults == b.faults && a.routes == b.routes)
    }
}
