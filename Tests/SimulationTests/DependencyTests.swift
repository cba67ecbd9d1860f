import CapsimModel
import Foundation
import Planning
import Testing
@testable import Simulation

/// A gateway with room to spare calling a partner API: `call` is the step that calls it.
func partnerScenario(call: String, latency: String = "100ms", errorRate: String = "0%", concurrency: String = "", rate: String = "200/s") -> String {
    """
    capsim: 1
    name: partner
    currency: {etb_per_usd: 150}
    services:
      gw:
        capacity: {service_time: 1ms, concurrency: 64}
        replicas: 2
        cost_per_instance_hour: USD 0.10
    dependencies:
      partner: {latency: \(latency), error_rate: \(errorRate)\(concurrency.isEmpty ? "" : ", concurrency: \(concurrency)")}
    traffic:
      entry: gw
      peak: \(rate)
      hop_latency: 0s
      routes:
        pay: {share: 100%, path: [gw, \(call)]}
    simulation: {duration: 20m, warmup: 0s}
    """
}

/// Erlang's loss formula: the share of arrivals refused by c servers without a queue at an
/// offered load of a Erlangs (M/G/c/c: it holds for any service-time distribution).
func erlangB(servers c: Int, load a: Double) -> Double {
    var b = 1.0
    for k in 1...c { b = a * b / (Double(k) + a * b) }
    return b
}

@Suite("External dependencies")
struct DependencyTests {
    @Test("a partner's concurrency limit refuses calls at Erlang B's rate (M/G/c/c)")
    func concurrencyLimitIsErlangLoss() throws {
        // 200 calls/s × 100 ms = 20 Erlangs offered to 10 slots: B(10, 20) = 0.538.
        let s = try load(partnerScenario(call: "partner", concurrency: "10"))
        var losses: [Double] = []
        for seed in 1...5 {
            let (r, _) = try simulate(s, seed: UInt64(seed))
            let p = try #require(r.services.first { $0.service == "partner" })
            losses.append(Double(p.dropped) / Double(p.arrivals))
            // A plain route fails every refused call: the route's drops are the partner's.
            #expect(r.routes[0].dropped == p.dropped)
        }
        let (m, se) = meanAndStandardError(losses)
        let b = erlangB(servers: 10, load: 20)
        #expect(abs(m - b) < t9995(4) * se, "loss \(m) ± \(se) vs Erlang B \(b)")
    }

    @Test("errors fail the call; a retry fails only when both attempts do (p²)")
    func errorRateWithRetries() throws {
        for (call, expected) in [("partner", 0.1), ("{service: partner, timeout: 5s, retries: 1, backoff: 0s}", 0.01)] {
            let (r, violation) = try simulate(try load(partnerScenario(call: call, errorRate: "10%")), check: false)
            #expect(violation == nil)
            let route = r.routes[0]
            let n = Double(try #require(route.arrivals)), errors = Double(try #require(route.errors))
            // Each attempt errs independently with p = 0.1 (its own stream): the count of calls
            // failing for good is binomial(n, expected); 4 standard deviations.
            let sd = (n * expected * (1 - expected)).squareRoot()
            #expect(abs(errors - n * expected) < 4 * sd, "\(call): \(errors) of \(n), expected \(n * expected) ± \(sd)")
        }
    }

    @Test("a dependency adds no instances and no cost, and plan does not size it")
    func noInstancesNoCost() throws {
        let s = try load(partnerScenario(call: "partner"))
        let (r, _) = try simulate(s)
        let p = try #require(r.services.first { $0.service == "partner" })
        #expect(p.kind == "dependency" && p.instanceHours == 0 && p.costEtb == 0 && p.costUsd == 0, "0, not absent: the scenario has a rate")
        let gw = try #require(r.services.first { $0.service == "gw" })
        #expect(gw.instanceHours > 0)
        #expect(Planner.plan(s).rows.allSatisfy { $0.service == "gw" })
    }

    @Test("the accounts balance and the engine's invariants hold with refusals, errors and retries")
    func accountsBalance() throws {
        let s = try load(partnerScenario(call: "{service: partner, timeout: 300ms, retries: 2, backoff: 50ms}", latency: "{distribution: lognormal, mean: 100ms, p99: 800ms}",
                                         errorRate: "5%", concurrency: "15", rate: "150/s"))
        let (r, violation) = try simulate(s, duration: 300, check: true)
        #expect(violation == nil)
        let route = r.routes[0]
        #expect((route.errors ?? 0) > 0 && (route.failed ?? 0) > 0 && (route.dropped ?? 0) > 0)
    }

    @Test("a dependency's name, error rate and limit are validated with the others, all at once")
    func validation() throws {
        let yaml = partnerScenario(call: "partnr", errorRate: "100%", concurrency: "0")
            .replacingOccurrences(of: "dependencies:\n", with: "dependencies:\n  gw: {latency: 10ms}\n")
        let e = #expect(throws: ScenarioErrors.self) { try load(yaml) }
        let text = e?.description ?? ""
        #expect(text.contains("dependencies.gw: \"gw\" is already a service, database or consumer group: a dependency needs a name of its own"), "\(text)")
        #expect(text.contains("dependencies.partner.error_rate: expected an error rate from 0% to below 100%, got 100%"))
        #expect(text.contains("dependencies.partner.concurrency: expected at least 1 call in flight, got 0"))
        #expect(text.contains("\"partnr\" is not a declared service or dependency (declared: gw, gw, partner); did you mean \"partner\"?"))
    }
}
