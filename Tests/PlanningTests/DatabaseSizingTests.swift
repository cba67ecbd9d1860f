import CapsimModel
import Foundation
import Testing
@testable import Planning

/// Databases sized the way services are: queries from the planned service rates, cores at the
/// CPU alert, read replicas for the reads, connections from the M/M/c distribution.
@Suite("Database sizing in the plan")
struct DatabaseSizingTests {
    /// `web` at 1000/s today, ×1 factors but safety (so the planned rate is easy to follow),
    /// 2 queries per request, a 50 % cache, 1 ms queries.
    static func yaml(db: String, safety: String = "1.0") -> String {
        """
        capsim: 1
        name: db
        currency: {etb_per_usd: 100}
        planning: {horizons: [6], growth: 0%, seasonal_factor: 1.0, feature_interaction_factor: 1.0, safety_factor: \(safety)}
        services:
          web:
            peak: 1000/s
            capacity: 100/s
            replicas: {min: 2, max: 100}
            database: main
            queries_per_request: 2
            cache: {hit_ratio: 50%}
        databases:
          main:
            owner: web
            query_time: 1ms
        \(db)
        """
    }

    @Test("the queries a database sees are each user's planned rate × queries per request × cache misses")
    func queryRate() throws {
        let plan = Planner.plan(try scenario(Self.yaml(db: "    cpus: 4", safety: "2.0")))
        let d = try #require(plan.databases?.first)
        // 1000/s × safety 2 × 2 queries × 50 % misses.
        #expect(abs(d.queriesPerSecond - 2000) < 1e-9)
    }

    @Test("cores at the CPU alert: 1000 queries/s of 1 ms is one busy core, two at 50 %; the trigger's threshold is used")
    func coresAtAlert() throws {
        let withAlert = Self.yaml(db: """
                cpus: 1
                triggers: [{metric: cpu_utilization, above: 50%, for: 5m, alert: vertical scale}]
            """)
        let d = try #require(Planner.plan(try scenario(withAlert)).databases?.first)
        #expect(d.alertUtilization == 0.5 && d.alertFromTrigger)
        #expect(d.primaryCoresRequired == 2)
        #expect(d.plannedCores == 2)
        // The default read share is 80 %, so replicas are offered as the other way out.
        #expect(d.findings.first == "main needs 2 cores at 50% CPU for every query at month 6 (has 1): scale it up, or add read replicas for its 80% reads")
        // Without a trigger the seed's 80 %: 1 busy core fits 2 cores at 50 %, 2 cores at 80 %.
        let plain = try #require(Planner.plan(try scenario(Self.yaml(db: "    cpus: 2"))).databases?.first)
        #expect(plain.alertUtilization == 0.8 && !plain.alertFromTrigger)
        #expect(plain.primaryCoresRequired == 2 && plain.findings.filter { $0.contains("cores") }.isEmpty)
    }

    @Test("with read replicas the primary is sized for the writes and the replicas for the reads")
    func readReplicas() throws {
        // 2000 queries/s (safety 2), 90 % reads: 1.8 busy cores of reads, 0.2 of writes.
        let d = try #require(Planner.plan(try scenario(Self.yaml(db: """
                cpus: 1
                read_replicas: 1
                read_ratio: 90%
            """, safety: "2.0"))).databases?.first)
        #expect(d.primaryCoresRequired == 1)        // 0.2 / 0.8 → 1
        #expect(d.readReplicasRequired == 3)        // 1.8 / (1 core × 0.8) → 3
        #expect(d.plannedReadReplicas == 3)
        #expect(d.findings == ["main needs 3 read replicas at 80% CPU at month 6 (has 1)"])
    }

    @Test("connections: the 99.9th percentile of queries in flight, against max_connections")
    func connections() throws {
        let d = try #require(Planner.plan(try scenario(Self.yaml(db: """
                cpus: 8
                max_connections: 3
            """))).databases?.first)
        // 1000/s × 1 ms on 8 cores is nearly Poisson(1) in flight: P(N > 4) ≈ 0.0037, P(N > 5) ≈ 0.0006.
        #expect(d.connectionsRequired == 5)
        #expect(d.findings == ["main needs 5 connections at month 6 (99.9 % of the time; max_connections is 3)"])
    }

    @Test("the plan prices databases as sized: cores scale the primary's price, each replica costs one more")
    func cost() throws {
        let p = Planner.plan(try scenario(Self.yaml(db: """
                cpus: 1
                read_replicas: 1
                read_ratio: 90%
                cost_per_hour: ETB 10
            """, safety: "2.0")))
        let d = try #require(p.databases?.first)
        let etb = try #require(d.monthlyCostEtb)
        let expected: Double = 10 * (1 + 3) * Planner.hoursPerMonth
        #expect(abs(etb - expected) < 1e-6)
        // With a rate the plan states dollars too (shown only when the scenario asks for both).
        let usd = try #require(d.monthlyCostUsd)
        #expect(abs(usd - etb / 100) < 1e-9)
        #expect(try #require(p.totals.first).databaseMonthlyCostEtb == etb)
    }
}

@Suite("Erlang C: queries in flight")
struct InSystemQuantileTests {
    /// P(N = n) of M/M/c summed directly, for small cases.
    static func direct(_ lambda: Double, _ mu: Double, _ c: Int, _ p: Double) -> Int {
        let a = lambda / mu, rho = a / Double(c)
        var terms: [Double] = [], f = 1.0
        for n in 0..<c { if n > 0 { f *= Double(n) }; terms.append(pow(a, Double(n)) / f) }
        let atC = pow(a, Double(c)) / (f * Double(c))
        let p0 = 1 / (terms.reduce(0, +) + atC / (1 - rho))
        var cumulative = 0.0
        for n in 0..<10_000 {
            let pn = n < c ? p0 * terms[n] : p0 * atC * pow(rho, Double(n - c))
            cumulative += pn
            if 1 - cumulative <= 1 - p { return n }
        }
        return -1
    }

    @Test("the walk agrees with summing the distribution", arguments: [(1.0, 1.0, 8), (5.0, 1.0, 6), (9.0, 1.0, 10), (0.5, 1.0, 1), (19.0, 2.0, 12), (30.0, 1.0, 40)])
    func agreesWithDirect(lambda: Double, mu: Double, c: Int) throws {
        for p in [0.5, 0.9, 0.999] {
            let q = try #require(ErlangC(lambda: lambda, mu: mu, servers: c).inSystemQuantile(p))
            #expect(q == Self.direct(lambda, mu, c, p), "p = \(p)")
        }
    }

    @Test("an unstable queue has no quantile")
    func unstable() { #expect(ErlangC(lambda: 10, mu: 1, servers: 5).inSystemQuantile(0.999) == nil) }
}
