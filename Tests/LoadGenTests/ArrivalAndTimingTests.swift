import CapsimModel
import Foundation
import Hummingbird
@testable import LoadGen
import Testing

@Suite struct PoissonArrivalTests {
    /// 200/s for 500 s: the count is Poisson(100 000), σ ≈ 316, so within 5σ = 1 600; gaps are
    /// exponential, so their coefficient of variation is 1 (its standard error over 10⁵ gaps is
    /// ≈ 0.003, the band is 0.03); uniform sends have CV 0.
    @Test func poissonSendTimesHaveTheRateAndExponentialGaps() {
        let times = Array(ArrivalSchedule(profile: .constant(perSecond: 200), duration: 500, pattern: .poisson, seed: 3))
        #expect(abs(times.count - 100_000) < 1_600)
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        let mean = gaps.reduce(0, +) / Double(gaps.count)
        let sd = (gaps.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(gaps.count - 1)).squareRoot()
        #expect(abs(mean - 0.005) < 0.0001)
        #expect(abs(sd / mean - 1) < 0.03)
        #expect(zip(times.dropFirst(), times).allSatisfy { $0 >= $1 })
    }

    @Test func poissonTimesFollowAStepProfileAndTheSeed() {
        // 100/s for 10 s then 400/s for 10 s: about 1 000 then 4 000 arrivals (σ 32 and 63).
        let profile = RateProfile.steps([RateStep(at: 0, perSecond: 100), RateStep(at: 10, perSecond: 400)])
        let a = Array(ArrivalSchedule(profile: profile, duration: 20, pattern: .poisson, seed: 9))
        #expect(abs(a.filter { $0 < 10 }.count - 1_000) < 160)
        #expect(abs(a.filter { $0 >= 10 }.count - 4_000) < 320)
        #expect(a == Array(ArrivalSchedule(profile: profile, duration: 20, pattern: .poisson, seed: 9)))
        #expect(a != Array(ArrivalSchedule(profile: profile, duration: 20, pattern: .poisson, seed: 10)))
    }

    @Test func headersWithLineBreaksAreRefused() {
        var plan = LoadPlan(target: URL(string: "http://127.0.0.1:8080/")!, rate: 10, duration: 1)
        plan.headers = [(name: "X-Ok", value: "fine")]
        #expect(plan.problems().isEmpty)
        plan.headers = [(name: "X-Bad", value: "a\r\nInjected: yes")]
        #expect(plan.problems().contains { $0.contains("X-Bad") })
        plan.headers = [(name: "Bad Name", value: "v")]
        #expect(!plan.problems().isEmpty)
    }
}

@Suite struct ServerTimingTests {
    @Test func parsesQueueAndAppInMicroseconds() {
        let t = ServerTiming("queue;dur=0.012, app;dur=8.743")
        #expect(t.queue == 12)
        #expect(t.app == 8_743)
        let other = ServerTiming("cache;desc=\"hit\", db;dur=53, app;dur=bad")
        #expect(other.queue == nil && other.app == nil)
        #expect(ServerTiming("app;desc=x;dur=2").app == 2_000)
    }
}

@Suite(.serialized) struct ServerTimingLoadTests {
    /// Every response carries Server-Timing, so every completed request lands in the server
    /// histograms, and a handler that sleeps 3 ms reports an app time of at least 3 ms.
    @Test func loadRecordsTheServersOwnTiming() async throws {
        let result = try await withTestServer({ router in
            router.get("/t") { _, _ in
                let start = ContinuousClock.now
                try await Task.sleep(for: .milliseconds(3))
                let ms = Double((ContinuousClock.now - start).components.attoseconds) / 1e15
                var r = Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ok")))
                r.headers[.init("Server-Timing")!] = "queue;dur=0.001, app;dur=\(ms)"
                return r
            }
        }) { base in
            var plan = LoadPlan(target: base.appendingPathComponent("t"), rate: 100, duration: 1, connections: 4)
            plan.arrivals = .poisson
            plan.headers = [(name: "X-Test", value: "1")]
            return try await runLoad(plan)
        }
        let server = try #require(result.serverTime)
        #expect(server.app.count == result.completed)
        #expect(server.app.p50 >= 3.0)
        #expect(server.queue.max <= 0.002)
        #expect(result.serviceTime.p50 >= server.app.p50)
    }
}

@Suite(.serialized) struct MetricsProbeTests {
    @Test func readsAnUnlabelledSampleFromAMetricsPage() async throws {
        let cpu = try await withTestServer({ router in
            router.get("/metrics") { _, _ in "# HELP x\nprocess_cpu_seconds_total_other 9\nprocess_cpu_seconds_total 1.25\n" }
        }) { base in
            // Hummingbird keeps the connection open after the response: the probe must stop at
            // Content-Length, not wait out its 5 s receive timeout for an EOF.
            let start = ContinuousClock.now
            let value = MetricsProbe.cpuSeconds(base)
            return (value, ContinuousClock.now - start)
        }
        #expect(cpu.0 == 1.25)
        #expect(cpu.1 < .seconds(2), "took \(cpu.1)")
    }

    @Test func aTargetWithoutMetricsOrUnreachableGivesNil() async throws {
        let missing = try await withTestServer({ _ in }) { base in MetricsProbe.cpuSeconds(base) }
        #expect(missing == nil)
        #expect(MetricsProbe.cpuSeconds(URL(string: "http://127.0.0.1:9")!) == nil)
    }
}
