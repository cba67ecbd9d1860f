import Foundation
import Testing
@testable import Autoscaling
@testable import CapsimModel

/// `capsim replay`: the scenario's HPA and trigger rows over recorded observations. Vectors (V…)
/// refer to docs/hpa-reference.md §8; the replay semantics are in docs/replay.md.
@Suite("Replay: policies over recorded metrics")
struct ReplayerTests {
    // MARK: the HPA

    @Test func anHPAWithinToleranceKeepsTheCountAndSaysRatio104() throws {
        // V2: 10 ready pods at 520m of 1000m against 50 % → util 52, ratio 1.04.
        let s = try webScenario("hpa: {metrics: [{metric: cpu_utilization, target: 50%}]}")
        let r = try replay(s, podsLine(0, replicas: 10, (0..<10).map { podJSON("p\($0)", usage: "520m") }))
        let d = try #require(decisions(r, "hpa").first).decision
        #expect(d.rule == "tolerance")
        #expect(d.current == 10 && d.desired == 10)
        #expect(d.reason == "within tolerance 0.1: ratio 1.04 (cpu 52% of request vs target 50%)")
        #expect(d.metricValue == 0.52)
    }

    @Test func aScaleDownIsHeldByTheStabilizationWindowFor300SecondsThenReleased() throws {
        // V3 on the legacy path (no behavior): 10 replicas at 25 % vs 50 % want 5; the first
        // reconcile seeds {10 @ 0}, which holds every decision up to and including t = 300.
        let s = try webScenario("hpa: {metrics: [{metric: cpu_utilization, target: 50%}]}")
        let lines = stride(from: 0.0, through: 330, by: 15).map { webLine($0, replicas: 10, ["cpu_utilization": "\"25%\""]) }
        let ds = decisions(try replay(s, lines.joined(separator: "\n")), "hpa").map(\.decision)
        #expect(ds.count == 23)
        let held = ds.filter { $0.time <= 300 }
        #expect(held.count == 21)
        #expect(held.allSatisfy { $0.rule == "stabilized" && $0.desired == 10 && $0.current == 10 })
        #expect(held[0].reason == "stabilized: max recommendation in the last 300 s was 10; cpu 25% of request vs target 50%: ratio 0.50 → 5 pods")
        let released = ds.filter { $0.time > 300 }
        #expect(released.map(\.time) == [315, 330])
        #expect(released.map(\.desired) == [5, 5])
        #expect(released.map(\.rule) == ["scale-down", "scale-down"])

        // With a behavior block the window excludes a record exactly at the cutoff (§6): released at 300.
        let b = try webScenario("""
        hpa:
          metrics: [{metric: cpu_utilization, target: 50%}]
          behavior: {scale_down: {stabilization_window: 5m}}
        """)
        let bs = decisions(try replay(b, lines.joined(separator: "\n")), "hpa").map(\.decision)
        #expect(bs.first { $0.desired == 5 }?.time == 300)
    }

    @Test func aPodsPolicyLimitsScaleUpTo2PodsAMinute() throws {
        // V4: behavior.scale_up = Pods 2 / 60 s; 120 % vs 50 % keeps asking for far more. The
        // recording follows the decisions (5, then 7), as a cluster running this policy would.
        let s = try webScenario("""
        hpa:
          metrics: [{metric: cpu_utilization, target: 50%}]
          behavior: {scale_up: {stabilization_window: 0s, policies: [{type: pods, value: 2, period: 1m}]}}
        """)
        let lines = [webLine(0, replicas: 5, ["cpu_utilization": "\"120%\""])]
            + stride(from: 15.0, through: 60, by: 15).map { webLine($0, replicas: 7, ["cpu_utilization": "\"120%\""]) }
        let ds = decisions(try replay(s, lines.joined(separator: "\n")), "hpa").map(\.decision)
        #expect(ds.map(\.desired) == [7, 7, 7, 7, 9])
        #expect(ds.allSatisfy { $0.rule == "rate-limited" })
        #expect(ds[0].reason == "rate-limited: scale-up policy allows 2 pods per 60 s → 7 (from 5 at the period start); cpu 120% of request vs target 50%: ratio 2.40 → 12 pods")
        // Within the minute the +2 at t = 0 still counts: the period started at 5.
        #expect(ds[1].reason.hasPrefix("rate-limited: scale-up policy allows 2 pods per 60 s → 7 (from 5 at the period start)"))
        // At t = 60 it no longer does (an event exactly one period old is out, §6).
        #expect(ds[4].reason.hasPrefix("rate-limited: scale-up policy allows 2 pods per 60 s → 9 (from 7 at the period start)"))
    }

    @Test func aPodWithoutCPUUsageCountsAsFullRequestOnScaleDown() throws {
        // V5: 3 ready pods at 100m of 1000m and one without a metric, target 50 %. Ready-only
        // would say ceil(0.2 × 3) = 1; the missing pod at 100 % gives ratio 0.64 → 3.
        let s = try webScenario("""
        hpa:
          metrics: [{metric: cpu_utilization, target: 50%}]
          behavior: {scale_down: {stabilization_window: 0s}}
        """)
        let pods = ["a", "b", "c"].map { podJSON($0, usage: "100m") } + [podJSON("d", usage: nil)]
        let d = try #require(decisions(try replay(s, podsLine(0, replicas: 4, pods)), "hpa").first).decision
        #expect(d.rule == "scale-down")
        #expect(d.desired == 3)
        #expect(d.reason == "cpu 10% of request vs target 50% on 3 ready pods, counting 1 missing pod at 100%: ratio 0.64 → 3 pods")

        // The same pods without d: nothing is missing, so the simple path gives 1.
        let without = try #require(decisions(try replay(s, podsLine(0, replicas: 3, Array(pods.prefix(3)))), "hpa").first).decision
        #expect(without.desired == 1)
    }

    @Test func unreadyPodsCountAsZeroOnScaleUp() throws {
        // V6 (b) on service a: pods at 800m/800m and one unready → rebalanced 53 % vs 50 % is within tolerance.
        // V6 (a) on service b: 500m/700m and one unready vs 30 % → rebalanced 40 % → ceil(1.33 × 3) = 4.
        let s = try replayScenario("""
          a:
            peak: 1000/s
            capacity: 100/s
            replicas: {min: 1, max: 20}
            autoscaling: {hpa: {metrics: [{metric: cpu_utilization, target: 50%}]}}
          b:
            peak: 1000/s
            capacity: 100/s
            replicas: {min: 1, max: 20}
            autoscaling: {hpa: {metrics: [{metric: cpu_utilization, target: 30%}]}}
        """)
        let text = [
            podsLine(0, replicas: 3, [podJSON("a0", ready: false, age: "1m", usage: nil, phase: "Pending"), podJSON("a1", usage: "800m"), podJSON("a2", usage: "800m")], service: "a"),
            podsLine(0, replicas: 3, [podJSON("b0", ready: false, age: "1m", usage: "300m"), podJSON("b1", usage: "500m"), podJSON("b2", usage: "700m")], service: "b"),
        ].joined(separator: "\n")
        let r = try replay(s, text)
        #expect(r.services == ["a", "b"])
        let a = try #require(r.decisions.first { $0.decision.service == "a" }).decision
        #expect(a.rule == "tolerance" && a.desired == 3)
        #expect(a.reason == "within tolerance 0.1: ratio 1.06 after rebalancing (cpu 80% of request vs target 50% on 2 ready pods, counting 1 unready pod at 0%)")
        let b = try #require(r.decisions.first { $0.decision.service == "b" }).decision
        #expect(b.rule == "scale-up" && b.desired == 4)
        #expect(b.reason == "cpu 60% of request vs target 30% on 2 ready pods, counting 1 unready pod at 0%: ratio 1.33 → 4 pods")
    }

    @Test func theHPAIsReconciledOnlyAtObservationsASyncPeriodApart() throws {
        // Observations every 10 s: a 15 s sync period reconciles at 0, 20, 40, 60; 30 s at 0, 30, 60.
        let lines = stride(from: 0.0, through: 60, by: 10).map { webLine($0, replicas: 4, ["cpu_utilization": "\"50%\"", "queue_length": "20"]) }
            .joined(separator: "\n")
        let fifteen = try webScenario("""
        hpa: {metrics: [{metric: cpu_utilization, target: 50%}]}
        triggers: [{metric: queue_length, above: 10, add: 1, cooldown: 1s}]
        """)
        let r = try replay(fifteen, lines)
        #expect(decisions(r, "hpa").map(\.decision.time) == [0, 20, 40, 60])
        // Trigger rows are evaluated at every observation (this one fires each time: no duration, 1 s cooldown).
        #expect(decisions(r, "trigger[0]").map(\.decision.time) == [0, 10, 20, 30, 40, 50, 60])

        let thirty = try webScenario("hpa: {metrics: [{metric: cpu_utilization, target: 50%}], sync_period: 30s}")
        #expect(decisions(try replay(thirty, lines), "hpa").map(\.decision.time) == [0, 30, 60])
    }

    @Test func decisionsAreNotAppliedBackTheRecordedReplicasAreTheCurrentCount() throws {
        // The HPA asks for 4 and the queue row adds 3 at t = 0, but the recording still shows 2
        // at t = 15: the next decision starts from 2 again (the trigger is in its cooldown).
        let s = try webScenario("""
        hpa: {metrics: [{metric: cpu_utilization, target: 50%}]}
        triggers: [{label: Queue, metric: queue_length, above: 500, add: 3}]
        """)
        let lines = [0.0, 15].map { webLine($0, replicas: 2, ["cpu_utilization": "\"90%\"", "queue_length": "800"]) }
        let r = try replay(s, lines.joined(separator: "\n"))
        let summary = r.decisions.map { "\(trim($0.decision.time)) \($0.policy) \($0.decision.current)→\($0.decision.desired)" }
        #expect(summary == ["0 hpa 2→4", "0 trigger[0] Queue 2→5", "15 hpa 2→4"])
    }

    // MARK: the seed's trigger rows

    @Test func theSeedsCPURowFires300SecondsAfterTheFirstBreachingObservationAndTheQueueRowAtOnce() throws {
        // The bundled seed scenario; times in ISO 8601 without an offset (EAT), every 15 s.
        let s = try bundledScenario("scenarios/stan-store-et.yaml")
        func at(_ t: Int) -> String {
            "2026-01-06T18:" + String(format: "%02d:%02d", t / 60, t % 60)
        }
        var lines: [String] = []
        for t in stride(from: 0, through: 345, by: 15) {
            let cpu = t < 30 ? "60%" : "75%"       // breaching from t = 30
            lines.append("{\"t\": \"\(at(t))\", \"service\": \"auth-service\", \"replicas\": 3, \"metrics\": {\"cpu_utilization\": \"\(cpu)\"}}")
            let queue = t == 45 ? 640 : 100        // one observation above 500
            lines.append("{\"t\": \"\(at(t))\", \"service\": \"payments-service\", \"replicas\": 3, \"metrics\": {\"cpu_utilization\": \"65%\", \"queue_length\": \(queue)}}")
        }
        let r = try replay(s, lines.joined(separator: "\n"))

        let cpu = decisions(r, "trigger[0]").filter { $0.decision.service == "auth-service" }
        #expect(cpu.count == 1)
        let fired = try #require(cpu.first)
        #expect(fired.decision.time == 330)       // 300 s after the first breaching observation at 30, not 315
        #expect(fired.time.text == "2026-01-06T18:05:30")
        #expect(fired.policy == "trigger[0] CPU Utilization")
        #expect(fired.decision.rule == "fired" && fired.decision.current == 3 && fired.decision.desired == 5)
        #expect(fired.decision.reason == "CPU Utilization: cpu_utilization 75% above 70% for 5m (since t=30s) → add 2 replicas: 3 → 5")

        let queue = decisions(r, "trigger[0]").filter { $0.decision.service == "payments-service" }
        #expect(queue.map(\.decision.time) == [45])
        #expect(queue.first?.policy == "trigger[0] Payment Processing Queue")
        #expect(queue.first?.decision.reason == "Payment Processing Queue: queue_length 640 above 500 → add 3 replicas: 3 → 6")

        // The route-scoped rows had nothing to read: each gets a note.
        #expect(r.notes.contains("metrics.jsonl: note: auth-service trigger[1] Authentication Latency: no observation carries latency_p95 on route login (\"routes\": {\"login\": {\"latency_p95\": …}}), so this row cannot fire"))
        #expect(r.notes.contains { $0.contains("payments-service trigger[1] Credit Decision Latency") })
    }

    @Test func aRouteScopedRowReadsTheRoutesLatency() throws {
        let s = try bundledScenario("scenarios/stan-store-et.yaml")
        let lines = stride(from: 0, through: 180, by: 15).map { t in
            "{\"t\": \(t), \"service\": \"auth-service\", \"replicas\": 4, \"metrics\": {\"cpu_utilization\": \"50%\", \"latency_p95\": \"90ms\"}, \"routes\": {\"login\": {\"latency_p95\": \"620ms\"}}}"
        }
        let r = try replay(s, lines.joined(separator: "\n"))
        let d = try #require(decisions(r, "trigger[1]").first)
        #expect(d.decision.time == 180)
        #expect(d.decision.reason == "Authentication Latency: latency_p95 on route login 620ms above 500ms for 3m (since t=0s) → add 2 replicas: 4 → 6")
        #expect(d.time.form == .seconds && d.time.text == "180")
    }

    @Test func anAlertOnlyRowKeepsTheCountAndCarriesTheAlertText() throws {
        let s = try webScenario("triggers: [{label: Error Budget, metric: error_rate, above: 5%, for: 30s, alert: page the web on-call}]")
        let lines = stride(from: 0.0, through: 60, by: 15).map { webLine($0, replicas: 4, ["error_rate": "\"8%\""]) }
        let r = try replay(s, lines.joined(separator: "\n"))
        #expect(r.decisions.count == 1)
        let d = try #require(r.decisions.first)
        #expect(d.decision.time == 30)
        #expect(d.decision.rule == "alert")
        #expect(d.decision.current == 4 && d.decision.desired == 4)
        #expect(d.decision.alert == "page the web on-call")
        #expect(d.decision.reason == "Error Budget: error_rate 8% above 5% for 30s (since t=0s) → alert: page the web on-call")
        #expect(ReplayReport.headline(r).hasSuffix("1 decision, 0 changing replicas, 1 alert)"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(ReplayReport.json(r).utf8)) as? [[String: Any]])
        #expect(json.first?["alert"] as? String == "page the web on-call")
    }

    @Test func aCPURowReadsThePodsMeanWhenTheObservationHasNoCPUMetric() throws {
        // Ready pods at 800m and 700m of 1000m → 75 %; the unready pod is left out, as the simulator does.
        let s = try webScenario("triggers: [{metric: cpu_utilization, above: 70%, add: 1}]")
        let line = podsLine(0, replicas: 3, [podJSON("p0", usage: "800m"), podJSON("p1", usage: "700m"), podJSON("p2", ready: false, age: "20s", usage: "10m")])
        let d = try #require(try replay(s, line).decisions.first).decision
        #expect(d.rule == "fired" && d.desired == 4)
        #expect(d.metricValue == 0.75)
    }

    // MARK: formats agree

    @Test func csvAndJSONLinesGiveIdenticalDecisionsForTheSameData() throws {
        let s = try bundledScenario("scenarios/stan-store-et.yaml")
        let jsonl = try replayFixture("mixed.jsonl"), csv = try replayFixture("mixed.csv")
        let a = try ReplayInput.parse(jsonl.text, file: "mixed.jsonl")
        let b = try ReplayInput.parse(csv.text, file: "mixed.csv")
        #expect(a.format == .jsonLines && b.format == .csv)
        #expect(a.observations.count == 24)
        #expect(a.observations.map(\.observation) == b.observations.map(\.observation))
        #expect(a.observations.map(\.routeMetrics) == b.observations.map(\.routeMetrics))
        #expect(a.observations.map(\.time) == b.observations.map(\.time))

        let ra = try Replayer(scenario: s).replay(a), rb = try Replayer(scenario: s).replay(b)
        #expect(ra.decisions.map(ReplayReport.Row.init) == rb.decisions.map(ReplayReport.Row.init))
        #expect(ReplayReport.json(ra) == ReplayReport.json(rb))
        // The fixture exercises pods (missing and unready), route latency and a trigger that fires.
        #expect(ra.decisions.count == 25)
        #expect(ra.decisions.contains { $0.decision.reason.contains("1 missing pod at 0%") })
        #expect(ra.decisions.contains { $0.decision.reason.contains("1 unready pod at 0%") })
        #expect(ra.decisions.contains { $0.policy == "trigger[0] Payment Processing Queue" && $0.decision.rule == "fired" })

        // The documented example (docs/replay.md) in both forms, over the Genna-eve teaching scenario.
        let surge = try bundledScenario("scenarios/teaching/holiday-surge.yaml")
        let ga = try Replayer(scenario: surge).replay(ReplayInput.parse(try replayFixture("genna-eve.jsonl").text, file: "genna-eve.jsonl"))
        let gb = try Replayer(scenario: surge).replay(ReplayInput.parse(try replayFixture("genna-eve.csv").text, file: "genna-eve.csv"))
        #expect(ReplayReport.json(ga) == ReplayReport.json(gb))
        #expect(ga.decisions.map { "\($0.policy) \($0.decision.rule) \($0.decision.current)→\($0.decision.desired)" } == [
            "hpa tolerance 3→3", "hpa scale-up 3→4", "hpa scale-up 4→6", "trigger[0] Payment Processing Queue fired 4→7",
            "hpa tolerance 7→7", "hpa stabilized 7→7",
        ])
        #expect(ga.decisions.last?.decision.reason == "stabilized: max recommendation in the last 300 s was 7; cpu 48% of request vs target 70%: ratio 0.69 → 5 pods")
    }

    // MARK: scope and errors against the scenario

    @Test func serviceReplaysOnlyThatServiceAndAnUnobservedOneIsAnError() throws {
        let s = try bundledScenario("scenarios/stan-store-et.yaml")
        let fixture = try replayFixture("mixed.jsonl")
        let input = try ReplayInput.parse(fixture.text, file: "mixed.jsonl")
        let r = try Replayer(scenario: s, service: "payments-service").replay(input)
        #expect(r.services == ["payments-service"])
        #expect(r.observations == 8)
        #expect(r.decisions.allSatisfy { $0.decision.service == "payments-service" })

        #expect(throws: ReplayInputError.self) { try Replayer(scenario: s, service: "api-gateway").replay(input) }
        do {
            _ = try Replayer(scenario: s, service: "api-gateway").replay(input)
        } catch {
            #expect(error.description == "mixed.jsonl: error: no observations of api-gateway (the file observes: auth-service, marketplace-service, payments-service)")
        }
    }

    @Test func aServiceThatIsNotInTheScenarioIsAnErrorAtItsFirstLineAlongsideTheFilesOtherProblems() throws {
        let s = try webScenario("hpa: {metrics: [{metric: cpu_utilization, target: 50%}]}")
        let text = [webLine(0, replicas: 2, service: "web"), webLine(0, replicas: 2, service: "wbe"), webLine(0, replicas: 2, service: "checkout"),
                    webLine(15, replicas: 2, service: "wbe"), webLine(15, replicas: 2, ["queue_length": "\"lots\""], service: "web")].joined(separator: "\n")
        let expected = [
            "metrics.jsonl:2: error: service: \"wbe\" is not a service of the scenario replay-test; did you mean \"web\"?",
            "metrics.jsonl:3: error: service: \"checkout\" is not a service of the scenario replay-test (its services: web)",
        ]
        do {
            _ = try replay(s, text)
            Issue.record("expected an error")
        } catch {
            #expect(error.problems.map(\.description) == expected + ["metrics.jsonl:5: error: metrics.queue_length: expected a number like 40 or \"5.2k\", got \"lots\""])
        }
        // A file parsed without the scenario is checked when replayed.
        let unchecked = try ReplayInput.parse(text.split(separator: "\n").prefix(4).joined(separator: "\n"), file: "metrics.jsonl")
        do {
            _ = try Replayer(scenario: s).replay(unchecked)
            Issue.record("expected an error")
        } catch {
            #expect(error.problems.map(\.description) == expected)
        }
        // With --service, the other services are left out, not checked.
        #expect(try replay(s, text.split(separator: "\n").prefix(4).joined(separator: "\n"), service: "web").observations == 1)
    }

    @Test func notesNameAServiceWithoutAutoscalingAndAnUnknownRoute() throws {
        let s = try replayScenario("""
          web:
            peak: 1000/s
            capacity: 100/s
            replicas: 2
        """)
        let text = "{\"t\": 0, \"service\": \"web\", \"replicas\": 2, \"routes\": {\"logn\": {\"latency_p95\": \"1s\"}}}"
        let r = try replay(s, text)
        #expect(r.decisions.isEmpty)
        #expect(r.notes == [
            "metrics.jsonl: note: web has no HPA and no trigger rows in the scenario: nothing to replay for it",
            "metrics.jsonl:1: note: routes.logn: the scenario has no route \"logn\"; no trigger row reads it",
        ])
    }

    // MARK: output

    @Test func jsonOutputIsAnArrayOfSnakeCaseObjectsWithNulls() throws {
        let s = try webScenario("hpa: {metrics: [{metric: cpu_utilization, target: 50%}]}")
        let r = try replay(s, webLine(90, replicas: 2, ["queue_length": "3"]))   // no CPU: "no-metrics"
        let json = try #require(try JSONSerialization.jsonObject(with: Data(ReplayReport.json(r).utf8)) as? [[String: Any]])
        #expect(json.count == 1)
        let row = json[0]
        #expect(Set(row.keys) == ["t", "elapsed_s", "service", "policy", "rule", "current", "desired", "metric_value", "reason", "alert"])
        #expect(row["t"] as? Double == 90)                  // a number when the file gives seconds
        #expect(row["policy"] as? String == "hpa")
        #expect(row["rule"] as? String == "no-metrics")
        #expect(row["metric_value"] is NSNull)
        #expect(row["alert"] is NSNull)

        let iso = try replay(s, "{\"t\": \"2026-09-11T10:00:00Z\", \"service\": \"web\", \"replicas\": 2, \"metrics\": {\"cpu_utilization\": \"74%\"}}")
        let isoRow = try #require((try JSONSerialization.jsonObject(with: Data(ReplayReport.json(iso).utf8)) as? [[String: Any]])?.first)
        #expect(isoRow["t"] as? String == "2026-09-11T10:00:00Z")   // a string, as written, for ISO 8601
        #expect(isoRow["elapsed_s"] as? Double == 0)
        #expect(isoRow["metric_value"] as? Double == 0.74)

        let quiet = try replay(try webScenario("triggers: [{metric: queue_length, above: 10, add: 1}]"), webLine(0, replicas: 1))
        #expect(quiet.decisions.isEmpty && ReplayReport.json(quiet) == "[]\n")
    }

    @Test func theTableShowsTimeAsWrittenAndElapsedTimeForISO8601() throws {
        let s = try webScenario("hpa: {metrics: [{metric: cpu_utilization, target: 50%}]}")
        let r = try replay(s, """
        {"t": "2026-09-11T10:00:00Z", "service": "web", "replicas": 2, "metrics": {"cpu_utilization": "50%"}}
        {"t": "2026-09-11T11:01:05.5Z", "service": "web", "replicas": 2, "metrics": {"cpu_utilization": "90%"}}
        """)
        #expect(ReplayReport.showsElapsed(r))
        #expect(ReplayReport.tableHeader(elapsed: true) == ["t", "elapsed", "service", "policy", "rule", "current", "desired", "reason"])
        #expect(ReplayReport.tableRow(r.decisions[0], elapsed: true) == ["2026-09-11T10:00:00Z", "+0:00", "web", "hpa", "tolerance", "2", "2", "within tolerance 0.1: ratio 1.00 (cpu 50% of request vs target 50%)"])
        #expect(ReplayReport.tableRow(r.decisions[1], elapsed: true)[1] == "+1:01:05.500")
        #expect(ReplayReport.headline(r) == "capsim replay: replay-test over metrics.jsonl (2 observations of web; 2 decisions, 1 changing replicas, 0 alerts)")
    }
}
