import CapsimModel
import Foundation
import Testing
@testable import Checks
@testable import Simulation

/// Two hops (web, then api) at half their capacity, and a spike that overloads api for
/// three minutes: users wait through both services, and only the spike hurts.
let twoHops = """
capsim: 1
name: two-hops
services:
  web:
    capacity: {service_time: 5ms, concurrency: 8}
    replicas: 2
  api:
    capacity: {service_time: 20ms, concurrency: 4}
    replicas: 2
traffic:
  entry: web
  peak: 200/s
  hop_latency: 1ms
  surges: [{name: spike, at: 4m, duration: 3m, multiplier: 2.5}]
  routes:
    browse: {share: 100%, path: [web, api]}
simulation: {duration: 10m, warmup: 0s}
expect:
  - {route: browse, metric: latency_p99, below: 200ms, during: spike}
  - {route: browse, metric: latency_p99, below: 200ms, during: {from: 30s, to: 210s}}
  - {service: api, metric: latency_p99, below: 200ms, during: spike}
  - {service: api, metric: queue_length, at_most: 50, during: {from: 30s, to: 210s}}
  - {route: browse, metric: throughput, at_least: 190/s, during: {from: 30s, to: 210s}}
"""

@Suite("check: end-to-end route rows and windows")
struct WindowedExpectationTests {
    @Test("a route row limited to a surge fails when the route's p99 in the surge breaks it, and passes before it")
    func surgeWindow() throws {
        let (s, r) = try run(twoHops)
        let out = ExpectationChecker.check(s.expectations, scenario: s, result: r)
        #expect(out.map(\.passed) == [false, true, false, true, true], "\(out.map(\.detail))")
        #expect(out[0].name == "browse latency_p99 below 200ms during spike")
        #expect(out[1].name == "browse latency_p99 below 200ms during 30s–3.5m")
        // api holds 2 × 4 slots at 20 ms: 400/s against 500/s in the spike, so its queue grows
        // by ~100/s for three minutes and the route's p99 there is seconds, not milliseconds.
        let spike = try #require(r.windows?.first { $0.window == "spike" })
        #expect(spike.intervals == [[240, 420]])
        let p99 = try #require(spike.routes.first?.latency?.p99)
        #expect(p99 > 1)
    }

    @Test("a route's end-to-end p99 is at least each hop's in the same window")
    func endToEndCoversEveryHop() throws {
        let (_, r) = try run(twoHops)
        for w in try #require(r.windows) {
            let route = try #require(w.routes.first { $0.name == "browse" }?.latency?.p99)
            for hop in ["web", "api"] {
                let station = try #require(w.services.first { $0.name == hop }?.latency?.p99)
                #expect(route >= station, "\(w.window): route p99 \(route) < \(hop) p99 \(station)")
            }
        }
    }

    @Test("a window over the whole run tallies exactly what the run counted")
    func wholeRunWindowConserves() throws {
        let yaml = twoHops + "\n  - {route: browse, metric: dropped, equals: 0, during: {from: 0s, to: 10m}}\n"
        let (_, r) = try run(yaml)
        let all = try #require(r.windows?.first { $0.window == "0s–10m" })
        let route = try #require(all.routes.first)
        #expect(route.arrivals == r.routes[0].arrivals)
        #expect(route.completed == r.routes[0].completed)
        #expect(route.latency == r.routes[0].latency)
        for svc in r.services {
            let t = try #require(all.services.first { $0.name == svc.service })
            #expect(t.arrivals == svc.arrivals && t.completed == svc.completed && t.dropped == svc.dropped && t.timedOut == svc.timedOut)
            #expect(t.latency == svc.latency)
        }
    }

    @Test("a window that falls outside the run fails its row and says so")
    func windowOutsideTheRun() throws {
        let (s, r) = try run(twoHops, duration: 180)
        let out = ExpectationChecker.check(s.expectations, scenario: s, result: r)
        #expect(out[0].passed == false)
        #expect(out[0].detail == "spike falls outside the run (3m simulated)")
    }

    @Test("route rows and windows that cannot resolve are located errors, all at once")
    func badRows() throws {
        let yaml = twoHops.replacingOccurrences(of: "expect:\n", with: """
        expect:
          - {route: checkout, metric: latency_p99, below: 1s}
          - {route: browse, service: web, metric: latency_p99, below: 1s}
          - {route: browse, metric: replicas, at_most: 3}
          - {route: browse, no_alert: web}
          - {route: browse, metric: latency_p99, below: 1s, during: spkie}
          - {route: browse, metric: latency_p99, below: 1s, during: {from: 5m, to: 2m}}

        """)
        let e = #expect(throws: ScenarioErrors.self) { try ScenarioLoader.parse(yaml, file: "t.yaml") }
        let text = e?.description ?? ""
        #expect(text.contains("expect[0].route: \"checkout\" is not a declared route (declared: browse)"), "\(text)")
        #expect(text.contains("expect[1].route: a row measures a service or a route, not both"))
        #expect(text.contains("expect[2].metric: a route row measures latency_mean, latency_p50, latency_p90, latency_p95, latency_p99, throughput, error_rate, dropped, timed_out, gave_up, amplification, got replicas"))
        #expect(text.contains("expect[3].route: a route row takes a metric with a bound"))
        #expect(text.contains("expect[4].during: \"spkie\" is not a declared surge, season or fault (declared: spike); did you mean \"spike\"?"))
        #expect(text.contains("expect[5].during.to: expected the end after from (5m), got 2m"))
    }
}
