import Foundation
import Hummingbird
import LoadGen
import Testing

/// Network tests against a Hummingbird server on loopback. They run one at a time (a 2-core
/// machine shared with builds: parallel runs would distort one another's timing).
@Suite(.serialized) struct OpenLoopTests {
    /// A server that answers after 2 ms: latency ≈ 2 ms + loopback/HTTP overhead, and the
    /// achieved rate is the requested one (4 connections, each good for ≥ 250 req/s).
    @Test func fixedDelayServer() async throws {
        let result = try await withTestServer({ router in
            router.get("/ok") { _, _ in
                try await Task.sleep(for: .milliseconds(2))
                return "ok"
            }
        }) { base in
            try await runLoad(LoadPlan(target: base.appendingPathComponent("ok"), rate: 200, duration: 1.5, connections: 4))
        }
        print("fixed delay: p50 \(result.latency.p50) ms, p99 \(result.latency.p99) ms, achieved \(result.achievedRate)/s, late \(result.lateSends)")
        #expect(result.scheduled == 300)
        #expect(result.completed == 300)
        #expect(result.errors.isEmpty)
        #expect(result.statuses == ["200": 300])
        // The server sleeps ≥ 2 ms, so no latency can be below it; the upper bound leaves
        // 10 ms for a debug-build server and timer slack on a busy 2-core machine.
        #expect(result.latency.p50 >= 2.0)
        #expect(result.latency.p50 <= 12.0)
        // Achieved = completed ÷ max(duration, last response): 300 ÷ 1.5 s unless the last
        // response comes > 150 ms late.
        #expect(abs(result.achievedRate - 200) <= 20)
    }

    /// Coordinated omission. One connection, 200 req/s (one every a = 5 ms) for 3 s = 600
    /// requests; the server answers at once except the 100th request (intended at 0.495 s),
    /// which it holds for 1 s. Every request scheduled during the stall waits behind it, then
    /// the backlog drains at one per s (round trip, ≈ 0.3–2 ms), so request k+m (m after the
    /// stalled one) finishes after 1.0 − m·(a − s) s: latencies fall linearly from 1 s.
    /// Expected (s between 0 and 2 ms): max ≈ 1 s; p99 = 6th largest ≈ 1 − 5·(a − s) ≥ 0.975 s;
    /// p90 = 60th largest ≈ 1 − 59·(a − s) ∈ [0.70, 0.83] s; above 100 ms: 1 + 0.9/(a − s)
    /// = 181…301 requests = 30 %–50 %. Measured from the ACTUAL send, only the stalled
    /// request is slow: that is what a closed-loop tool would report.
    @Test func coordinatedOmissionIsNotHidden() async throws {
        let counter = Counter()
        let result = try await withTestServer({ router in
            router.get("/work") { _, _ in
                if counter.next() == 100 { try await Task.sleep(for: .seconds(1)) }
                return "ok"
            }
        }) { base in
            try await runLoad(LoadPlan(target: base.appendingPathComponent("work"), rate: 200, duration: 3, connections: 1, recordSamples: true))
        }
        let slow = result.fractionSlowerThan(0.1)
        let slowService = result.fractionSlowerThan(0.1, serviceTime: true)
        print("CO: p50 \(result.latency.p50) p90 \(result.latency.p90) p99 \(result.latency.p99) max \(result.latency.max) ms; >100ms \(slow); service p99 \(result.serviceTime.p99) max \(result.serviceTime.max) ms, >100ms \(slowService); late \(result.lateSends)")
        #expect(result.completed == 600)
        #expect(result.errors.isEmpty)
        #expect(result.latency.max >= 999 && result.latency.max <= 1500)
        #expect(result.latency.p99 >= 900)
        #expect(result.latency.p90 >= 600 && result.latency.p90 <= 900)
        #expect(slow >= 0.25 && slow <= 0.55)

        // The shape: find the stalled request; those scheduled after it finish no earlier than
        // the stall's end and their latencies fall by a − s per request (2.5–5 ms).
        let samples = try #require(result.samples)
        let k = try #require(samples.indices.max { (samples[$0].latency ?? 0) < (samples[$1].latency ?? 0) })
        #expect(abs(samples[k].intended - 0.495) < 0.001)
        let stallEnd = samples[k].intended + samples[k].latency!
        for m in 1...150 {
            let s = samples[k + m]
            #expect(s.intended + s.latency! >= stallEnd - 0.0005, "request \(k + m) finished before the stall ended")
        }
        let slope = (samples[k + 1].latency! - samples[k + 101].latency!) / 100
        #expect(slope >= 0.0025 && slope <= 0.0051, "slope \(slope)")

        // Closed-loop view (from the actual send): the stall shows as one slow request.
        #expect(result.serviceTime.max >= 999)
        #expect(slowService * 600 <= 2.5)
        #expect(result.serviceTime.p99 < 50)
        // The backlog's requests went out late: at least the ~180 scheduled inside the stall.
        #expect(result.lateSends >= 150)
    }

    /// Statuses by route: a mix of 200s, 500s and a JSON POST answered 201.
    @Test func errorsByStatus() async throws {
        let result = try await withTestServer({ router in
            router.get("/ok") { _, _ in "ok" }
            router.get("/fail") { _, _ -> Response in Response(status: .internalServerError) }
            router.post("/payments") { request, context -> Response in
                struct Payment: Decodable { var amount: Int }
                let p = try await request.decode(as: Payment.self, context: context)
                return Response(status: p.amount == 5 ? .created : .badRequest)
            }
        }) { base in
            let mix = try MixParser.parse("GET:/ok=50%,GET:/fail=25%,POST:/payments=25%", bodies: ["POST:/payments": #"{"amount":5}"#])
            return try await runLoad(LoadPlan(target: base, rate: 200, duration: 1, mix: mix, connections: 2, seed: 42))
        }
        print("errors: \(result.statuses) \(result.errors) \(result.routes)")
        #expect(result.completed == 200)
        let byRoute = Dictionary(uniqueKeysWithValues: result.routes.map { ($0.route, $0) })
        let ok = try #require(byRoute["GET:/ok"]), fail = try #require(byRoute["GET:/fail"]), pay = try #require(byRoute["POST:/payments"])
        #expect(result.errors == ["500": fail.completed])
        #expect(fail.statuses == ["500": fail.completed])
        #expect(ok.statuses == ["200": ok.completed])
        #expect(pay.statuses == ["201": pay.completed])
        #expect(ok.completed + fail.completed + pay.completed == 200)
        // Choices come from RandomStream(seed: 42, name: "load/mix"): replay them.
        var chooser = MixChooser(mix: try MixParser.parse("GET:/ok=50%,GET:/fail=25%,POST:/payments=25%"), seed: 42)
        let expected = (0..<200).map { _ in chooser.next() }
        #expect(fail.sent == expected.filter { $0 == 1 }.count)
        #expect(pay.sent == expected.filter { $0 == 2 }.count)
    }

    /// Late sends. One connection to a server that takes 20 ms, at 100 req/s (every 10 ms) for
    /// 0.5 s: the connection manages ≤ 50 req/s, so request i goes out at ≈ i·20 ms instead of
    /// i·10 ms — every request after the first is late (49 of 50). With 4 connections
    /// (capacity ≈ 200/s) none should be, except for timer slack (allow 10 of 50).
    @Test func lateSendsAreCounted() async throws {
        let (starved, ample) = try await withTestServer({ router in
            router.get("/slow") { _, _ in
                try await Task.sleep(for: .milliseconds(20))
                return "ok"
            }
        }) { base in
            let url = base.appendingPathComponent("slow")
            return (try await runLoad(LoadPlan(target: url, rate: 100, duration: 0.5, connections: 1)),
                    try await runLoad(LoadPlan(target: url, rate: 100, duration: 0.5, connections: 4)))
        }
        print("late: 1 connection \(starved.lateSends) (max lag \(starved.maxSendLag) ms), 4 connections \(ample.lateSends)")
        #expect(starved.completed == 50 && ample.completed == 50)
        #expect(starved.lateSends >= 48)
        #expect(starved.maxSendLag >= 400) // the last one: intended 490 ms, sent ≈ 49·20 ms = 980 ms
        #expect(ample.lateSends <= 10)
        #expect(starved.latency.p50 > ample.latency.p50 * 5)
    }

    @Test func unreachableTargetFailsClearly() async throws {
        await #expect(throws: LoadError.self) {
            try await runLoad(LoadPlan(target: URL(string: "http://127.0.0.1:9")!, rate: 10, duration: 0.1, connections: 1))
        }
    }
}

extension OpenLoopTests {
    /// A server that closes the connection after every response (as HTTP/1.0 servers such
    /// as `python3 -m http.server` do): the pool reconnects and no request is lost.
    @Test func reconnectsWhenTheServerCloses() async throws {
        let result = try await withTestServer({ router in
            router.get("/bye") { _, _ -> Response in
                Response(status: .ok, headers: [.connection: "close"], body: .init(byteBuffer: ByteBuffer(string: "bye")))
            }
        }) { base in
            try await runLoad(LoadPlan(target: base.appendingPathComponent("bye"), rate: 100, duration: 0.5, connections: 2))
        }
        print("reconnect: opened \(result.connectionsOpened), errors \(result.errors)")
        #expect(result.completed == 50)
        #expect(result.errors.isEmpty)
        #expect(result.connectionsOpened >= 40)
    }
}
