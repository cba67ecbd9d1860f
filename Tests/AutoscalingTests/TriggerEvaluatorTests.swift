import Testing
@testable import Autoscaling
@testable import CapsimModel

/// The seed's threshold-for-duration trigger rows (`TriggerEvaluator`).
@Suite struct TriggerEvaluatorTests {
    func trigger(_ metric: Metric = .cpuUtilization, above threshold: Double = 0.7, for sustained: Double = 300,
                 _ action: TriggerAction = .addInstances(2), cooldown: Double = 300, route: String? = nil, label: String? = nil) -> Trigger {
        Trigger(metric: metric, comparison: .above, threshold: threshold, sustained: sustained, action: action,
                cooldown: cooldown, route: route, label: label)
    }

    /// Feeds `value(t)` every 15 s over `times` at `replicas`; returns every decision.
    func feed(_ e: inout TriggerEvaluator, _ times: StrideThrough<Double>, replicas: Int = 3, metric: Metric = .cpuUtilization,
              _ value: (Double) -> Double?) -> [Decision] {
        times.flatMap { t in
            e.evaluate(Observation(time: t, service: "auth-service", replicas: replicas, metrics: value(t).map { [metric: $0] } ?? [:]))
        }
    }

    // MARK: the seed's CPU row, loaded from the bundled scenario

    @Test func cpuAbove70PercentFor5MinutesFiresAt300SecondsNotAt285() throws {
        let s = try bundledScenario("scenarios/stan-store-et.yaml")
        let auth = try #require(s.services["auth-service"])
        let row = try #require(auth.autoscaling.triggers.first)
        #expect(row.metric == .cpuUtilization && row.sustained == 300 && row.action == .addInstances(2))
        var e = TriggerEvaluator(triggers: auth.autoscaling.triggers, service: "auth-service", maxReplicas: auth.replicas.max)
        let ds = feed(&e, stride(from: 0.0, through: 300, by: 15)) { _ in 0.75 }
        #expect(ds.count == 1)
        let d = try #require(ds.first)
        #expect(d.time == 300)                 // not 285
        #expect(d.policy == .trigger(0))
        #expect(d.rule == "fired")
        #expect(d.current == 3 && d.desired == 5)
        #expect(d.metricValue == 0.75)
        #expect(d.alert == nil)
        #expect(d.reason == "CPU Utilization: cpu_utilization 75% above 70% for 5m (since t=0s) → add 2 replicas: 3 → 5")
    }

    @Test func theRunStartsAtTheFirstBreachingSample() {
        var e = TriggerEvaluator(triggers: [trigger()], service: "auth-service", maxReplicas: 10)
        // Below until t=45, breaching from t=60: fires at 360.
        let ds = feed(&e, stride(from: 0.0, through: 375, by: 15)) { $0 < 60 ? 0.5 : 0.9 }
        #expect(ds.map(\.time) == [360])
    }

    @Test func zeroDurationFiresAtTheFirstBreachingSample() throws {
        let s = try bundledScenario("scenarios/stan-store-et.yaml")
        let payments = try #require(s.services["payments-service"])
        let queueRow = try #require(payments.autoscaling.triggers.first)
        #expect(queueRow.sustained == 0 && queueRow.action == .addInstances(3))
        var e = TriggerEvaluator(triggers: [queueRow], service: "payments-service", maxReplicas: 10)
        let ds = feed(&e, stride(from: 0.0, through: 30, by: 15), replicas: 2, metric: .queueLength) { $0 < 15 ? 400 : 600 }
        #expect(ds.map(\.time) == [15])
        #expect(ds.first?.desired == 5)
    }

    @Test func aValueExactlyAtTheThresholdDoesNotBreach() {
        var e = TriggerEvaluator(triggers: [trigger(for: 0)], service: "auth-service", maxReplicas: 10)
        #expect(feed(&e, stride(from: 0.0, through: 60, by: 15)) { _ in 0.7 }.isEmpty)
    }

    // MARK: cooldown

    @Test func cooldownSuppressesRefireAndItFiresAgainAfterCooldownIfStillBreaching() {
        var e = TriggerEvaluator(triggers: [trigger(for: 300, cooldown: 300)], service: "auth-service", maxReplicas: 10)
        let ds = feed(&e, stride(from: 0.0, through: 1200, by: 15)) { _ in 0.9 }
        // Fires at 300; silent in [300, 600); the run restarts at 600 and fires 300 s later.
        #expect(ds.map(\.time) == [300, 900])
        #expect(ds.allSatisfy { $0.rule == "fired" })
    }

    @Test func aShortCooldownWithNoDurationRefiresAtTheCooldownEnd() {
        var e = TriggerEvaluator(triggers: [trigger(for: 0, cooldown: 60)], service: "auth-service", maxReplicas: 20)
        let ds = feed(&e, stride(from: 0.0, through: 150, by: 15)) { _ in 0.9 }
        #expect(ds.map(\.time) == [0, 60, 120])
    }

    // MARK: resets

    @Test func aSampleBelowTheThresholdResetsTheRun() {
        var e = TriggerEvaluator(triggers: [trigger()], service: "auth-service", maxReplicas: 10)
        // Breaching 0…150, one sample below at 165, breaching again from 180 → fires at 480, not 300.
        let ds = feed(&e, stride(from: 0.0, through: 600, by: 15)) { $0 == 165 ? 0.6 : 0.9 }
        #expect(ds.map(\.time) == [480])
    }

    @Test func aMissingSampleResetsTheRun() {
        var e = TriggerEvaluator(triggers: [trigger()], service: "auth-service", maxReplicas: 10)
        let ds = feed(&e, stride(from: 0.0, through: 600, by: 15)) { $0 == 165 ? nil : 0.9 }
        #expect(ds.map(\.time) == [480])
    }

    // MARK: max replicas

    @Test func atMaxReplicasAnAddRowReportsMaxReplicasOncePerRun() {
        var e = TriggerEvaluator(triggers: [trigger()], service: "auth-service", maxReplicas: 10)
        let ds = feed(&e, stride(from: 0.0, through: 900, by: 15), replicas: 10) { $0 == 600 ? 0.5 : 0.9 }
        // First run: reported at 300 only; the dip at 600 ends it; the second run (from 615) at 915 > 900.
        #expect(ds.map(\.time) == [300])
        let d = ds[0]
        #expect(d.rule == "max-replicas" && d.desired == d.current && d.current == 10)
        #expect(d.reason.hasSuffix("already at max replicas 10 (10): cannot add 2"))

        // A new run reports again.
        let more = feed(&e, stride(from: 915, through: 930, by: 15), replicas: 10) { _ in 0.9 }
        #expect(more.map(\.time) == [915])
    }

    @Test func anAddNearMaxIsClampedToMax() {
        var e = TriggerEvaluator(triggers: [trigger(for: 0)], service: "auth-service", maxReplicas: 10)
        let d = e.evaluate(Observation(time: 0, service: "auth-service", replicas: 9, metrics: [.cpuUtilization: 0.9]))
        #expect(d.count == 1 && d[0].desired == 10 && d[0].rule == "fired")
        #expect(d[0].reason.hasSuffix("9 → 10, clamped to max replicas 10"))
    }

    @Test func aRowAtMaxFiresOnceTheCountDropsDuringTheSameRun() {
        var e = TriggerEvaluator(triggers: [trigger()], service: "auth-service", maxReplicas: 10)
        var ds = feed(&e, stride(from: 0.0, through: 300, by: 15), replicas: 10) { _ in 0.9 }
        #expect(ds.map(\.rule) == ["max-replicas"])
        ds = feed(&e, stride(from: 315, through: 315, by: 15), replicas: 8) { _ in 0.9 }
        #expect(ds.map(\.rule) == ["fired"] && ds.first?.desired == 10)
    }

    // MARK: alert rows and other entities

    @Test func theDatabaseRowRaisesAnAlertAndKeepsTheCount() throws {
        let s = try bundledScenario("scenarios/stan-store-et.yaml")
        let db = try #require(s.databases["auth-db"])
        var e = TriggerEvaluator(triggers: db.triggers, service: "auth-db", maxReplicas: 1)
        let ds = feed(&e, stride(from: 0.0, through: 900, by: 15), replicas: 1) { _ in 0.85 }
        #expect(ds.map(\.time) == [600])   // for: 10m; the next would be at 1200 after the cooldown
        let d = try #require(ds.first)
        #expect(d.rule == "alert")
        #expect(d.desired == d.current)
        #expect(d.alert == "investigate / vertical scale")
        #expect(d.service == "auth-db")
        #expect(d.reason.hasPrefix("Database (Primary) CPU Utilization: cpu_utilization 85% above 80% for 10m"))
    }

    @Test func aRouteScopedLatencyRowReadsRouteMetrics() throws {
        let s = try bundledScenario("scenarios/stan-store-et.yaml")
        let auth = try #require(s.services["auth-service"])
        let row = try #require(auth.autoscaling.triggers.last)
        #expect(row.route == "login" && row.metric == .latencyP95 && row.sustained == 180)
        var e = TriggerEvaluator(triggers: auth.autoscaling.triggers, service: "auth-service", maxReplicas: 10)
        var ds: [Decision] = []
        for t in stride(from: 0.0, through: 360, by: 15) {
            // The service-level p95 is high throughout; only the login route's value counts, and it
            // breaches from t=120.
            let login = t < 120 ? 0.2 : 0.6
            let o = Observation(time: t, service: "auth-service", replicas: 3, metrics: [.latencyP95: 2.0, .cpuUtilization: 0.3])
            ds += e.evaluate(o, routeMetrics: ["login": [.latencyP95: login], "checkout": [.latencyP95: 5.0]])
        }
        #expect(ds.map(\.time) == [300])
        #expect(ds.first?.policy == .trigger(1))
        #expect(ds.first?.metricValue == 0.6)
        #expect(ds.first?.reason.hasPrefix("Authentication Latency: latency_p95 on route login 600ms above 500ms for 3m") == true)
    }

    @Test func aRouteScopedRowIgnoresTheServiceLevelValue() throws {
        let s = try bundledScenario("scenarios/stan-store-et.yaml")
        let auth = try #require(s.services["auth-service"])
        var e = TriggerEvaluator(triggers: auth.autoscaling.triggers, service: "auth-service", maxReplicas: 10)
        let ds = feed(&e, stride(from: 0.0, through: 600, by: 15), metric: .latencyP95) { _ in 2.0 }
        #expect(ds.isEmpty)
    }

    @Test func queueWorkerRowsAddWorkersUpToTheGroupMax() throws {
        let s = try bundledScenario("scenarios/stan-store-et.yaml")
        let group = try #require(s.eventBus?.consumerGroups["rewards"])
        var e = TriggerEvaluator(triggers: group.triggers, service: "rewards", maxReplicas: group.workers.max)
        let max = group.workers.max
        let d = e.evaluate(Observation(time: 0, service: "rewards", replicas: max - 1, metrics: [.consumerLag: 6000]))
        #expect(d.count == 1)
        #expect(d.first?.desired == max && d.first?.rule == "fired")
        #expect(d.first?.reason.contains("add 2 workers: \(max - 1) → \(max), clamped to max workers \(max)") == true)
    }

    @Test func belowRowsFireWhenTheValueIsUnderTheThreshold() {
        let row = Trigger(metric: .throughput, comparison: .below, threshold: 10, sustained: 30, action: .alert("traffic stopped"),
                          cooldown: 300, route: nil, label: nil)
        var e = TriggerEvaluator(triggers: [row], service: "web", maxReplicas: 5)
        let ds = feed(&e, stride(from: 0.0, through: 60, by: 15), metric: .throughput) { _ in 3 }
        #expect(ds.map(\.time) == [30])
        #expect(ds.first?.alert == "traffic stopped")
    }

    @Test func rowsAreIndependentAndReportedInRowOrder() {
        let rows = [trigger(for: 30), trigger(.latencyP95, above: 0.5, for: 0, .alert("slow"))]
        var e = TriggerEvaluator(triggers: rows, service: "web", maxReplicas: 10)
        var ds: [Decision] = []
        for t in stride(from: 0.0, through: 30, by: 15) {
            ds += e.evaluate(Observation(time: t, service: "web", replicas: 3, metrics: [.cpuUtilization: 0.9, .latencyP95: 0.8]))
        }
        #expect(ds.map(\.policy) == [.trigger(1), .trigger(0)])
        #expect(ds.map(\.time) == [0, 30])
    }
}
