import CapsimModel
import Foundation
import Testing
@testable import Simulation

/// Timed jobs (`services.NAME.jobs`): work that holds a slot every period, FIFO with requests.
@Suite("Periodic jobs")
struct PeriodicJobTests {
    static func scenario(job: String) -> String {
        """
        capsim: 1
        name: job
        services:
          s:
            capacity: {service_time: {distribution: deterministic, value: 1ms}, concurrency: 1}
            replicas: 1
            startup: 0s
            queue: {discipline: shared}
            jobs: [\(job)]
        traffic:
          entry: s
          peak: 1/s
          hop_latency: 0s
          routes:
            all: {share: 100%, path: [s]}
        simulation:
          duration: 20000s
          warmup: 0s
        """
    }

    /// One slot, 1 ms requests at 1/s, a 200 ms job every second. A Poisson arrival finds the
    /// job running with probability W/T = 0.2 and then waits its residual, uniform on (0, W):
    /// E[latency] = S + (W/T)(W/2) = 1 ms + 20 ms (requests among themselves add λS²/2(1−ρ) ≈
    /// 0.5 µs). The wait is 0 w.p. 0.8 else U(0, 0.2 s): σ ≈ 47.6 ms, so over ≈ 20 000 arrivals
    /// the mean's standard error is 0.34 ms and the band is ±4σ = 1.4 ms; the median is the
    /// bare 1 ms, and the share of delayed requests is 0.2 ± 4·√(0.16/20 000) = ±0.011.
    @Test("a request waits behind a job it finds running: E[W] = (W/T)·W/2")
    func residualWait() throws {
        let (r, violation) = try simulate(try load(Self.scenario(job: "{every: 1s, work: 200ms}")), check: true)
        #expect(violation == nil)
        let route = try #require(r.routes.first?.latency)
        #expect(abs(route.mean - 0.021) < 0.0014, "mean \(route.mean)")
        #expect(abs(route.p50 - 0.001) < 0.0001, "p50 \(route.p50)")
        // p80 of the latency is where the delayed fifth begins: the p90 is a delayed request's,
        // ≈ 1 ms + U(0, 0.2 s) at its midpoint quantile 0.1 s ± sampling.
        #expect(abs(route.p90 - 0.101) < 0.01, "p90 \(route.p90)")
        // Jobs are in no statistic of the station: its arrivals are the requests'.
        let s = try #require(r.services.first { $0.service == "s" })
        #expect(s.arrivals == r.routes[0].completed)
    }

    @Test("no job, no wait: the same station without jobs answers in its service time")
    func withoutJobs() throws {
        let yaml = Self.scenario(job: "").replacingOccurrences(of: "    jobs: []\n", with: "")
        let (r, _) = try simulate(try load(yaml), duration: 2000)
        #expect(abs((r.routes.first?.latency?.mean ?? 0) - 0.001) < 0.0001)
    }

    @Test("a job as long as its period is refused, and every field is checked at once")
    func validation() {
        do {
            _ = try load(Self.scenario(job: "{every: 100ms, work: 100ms}, {every: 0s, work: 1ms}, {every: 1s}"))
            Issue.record("expected errors")
        } catch {
            let text = "\(error)"
            #expect(text.contains("services.s.jobs[0].work: 100ms of work every 100ms never lets the slot go"))
            #expect(text.contains("services.s.jobs[1].every: expected a positive period"))
            #expect(text.contains("jobs[2]") && text.contains("work"))
        }
    }
}
