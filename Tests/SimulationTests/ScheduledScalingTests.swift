import CapsimModel
import Foundation
import Testing
@testable import Simulation

/// `autoscaling.schedule`: when each rule is in force, what it does to the run, and what the
/// comparison with the run without it reports.
@Suite("Scheduled scaling")
struct ScheduledScalingTests {
    /// One service behind an HPA, 2 pods enough for 100/s but not for a 3× surge at 10m. Its CPU
    /// limit is its request, so CPU reads the busy share and 2 pods at 50 % busy hold at 60 %.
    static func scenario(schedule: String, start: String = "2026-12-04T17:00:00", extra: String = "") -> String {
        """
        capsim: 1
        name: sched
        currency: {etb_per_usd: 155}
        services:
          api:
            capacity: {service_time: 10ms, concurrency: 1}
            resources: {requests: {cpu: 250m}, limits: {cpu: 250m}}
            replicas: {min: 2, max: 12, initial: 2}
            startup: 30s
            cost_per_instance_hour: ETB 10
            autoscaling:
              hpa: {metrics: [{metric: cpu_utilization, target: 60%}]}
        \(schedule)
        \(extra)
        traffic:
          entry: api
          peak: 100/s
          hop_latency: 0s
          surges:
            - {name: sale, at: 10m, duration: 5m, ramp: 10s, multiplier: 3}
          routes:
            all: {share: 100%, path: [api]}
        simulation: {duration: 20m, start: "\(start)"}
        """
    }

    static func windows(_ yaml: String, duration: Double) throws -> [[Double]] {
        let s = try load(yaml)
        return ScheduleWindows(scenario: s, duration: duration).rules.flatMap { $0.intervals.map { [$0.from, $0.to] } }
    }

    static func rule(_ r: String) -> String { "      schedule:\n        - \(r)" }

    @Test("a cron window opens at a start firing and closes at the next end firing, in its time zone")
    func cronWindow() throws {
        // The run starts 17:00 EAT; 18:00–22:00 EAT is one hour in, for four hours.
        let eat = Self.scenario(schedule: Self.rule("{start: \"0 18 * * *\", end: \"0 22 * * *\", replicas: 4}"))
        #expect(try Self.windows(eat, duration: 10 * 3600) == [[3600, 18000]])
        // The same window written in UTC (EAT is UTC+3).
        let utc = Self.scenario(schedule: Self.rule("{start: \"0 15 * * *\", end: \"0 19 * * *\", timezone: UTC, replicas: 4}"))
        #expect(try Self.windows(utc, duration: 10 * 3600) == [[3600, 18000]])
    }

    @Test("a run that begins inside a cron window begins with it open (KEDA: the next end comes before the next start)")
    func startsInsideWindow() throws {
        let y = Self.scenario(schedule: Self.rule("{start: \"0 18 * * *\", end: \"0 22 * * *\", replicas: 4}"), start: "2026-12-04T19:00:00")
        #expect(try Self.windows(y, duration: 10 * 3600) == [[0, 3 * 3600]])
    }

    @Test("a weekday window is open on its day only when the end names the day too: with a daily end, KEDA's rule keeps it open all week but from the day-before's end to the start")
    func weekday() throws {
        // 4 December 2026 is a Friday; the run starts at 00:00 EAT.
        let sameDay = Self.scenario(schedule: Self.rule("{start: \"0 18 * * sat\", end: \"0 22 * * sat\", replicas: 4}"), start: "2026-12-04T00:00:00")
        #expect(try Self.windows(sameDay, duration: 72 * 3600) == [[42 * 3600, 46 * 3600]])
        // With a daily end, KEDA is active whenever the next end comes before the next start:
        // closed only from Friday 22:00 to Saturday 18:00. The reference warns of this.
        let daily = Self.scenario(schedule: Self.rule("{start: \"0 18 * * sat\", end: \"0 22 * * *\", replicas: 4}"), start: "2026-12-04T00:00:00")
        let got = try Self.windows(daily, duration: 72 * 3600)
        let want: [[Double]] = [[0, 79_200], [151_200, 259_200]]
        #expect(got == want, "\(got)")
    }

    @Test("before a holiday: from the lead before its first day's 00:00 EAT to the end of its last day")
    func beforeHoliday() throws {
        // Meskel falls on 27 September 2026.
        let y = Self.scenario(schedule: Self.rule("{before: holiday meskel, lead: 2h, replicas: 4}"), start: "2026-09-26T00:00:00")
        #expect(try Self.windows(y, duration: 72 * 3600) == [[22 * 3600, 48 * 3600]])
        // A run that ends before the holiday but within the lead still opens the window.
        #expect(try Self.windows(y, duration: 23 * 3600) == [[22 * 3600, 23 * 3600]])
    }

    @Test("before a surge: the lead before it until it ends")
    func beforeSurge() throws {
        let y = Self.scenario(schedule: Self.rule("{before: surge sale, lead: 3m, replicas: 6}"))
        #expect(try Self.windows(y, duration: 1200) == [[420, 900]])
    }

    @Test("a pre-scale shows in the scaling log, is at its count when the surge begins, and the comparison reports what it bought")
    func prescaleInRun() throws {
        let s = try load(Self.scenario(schedule: Self.rule("{name: sale-prep, before: surge sale, lead: 3m, replicas: 6}")))
        let r = try Simulator.run(scenario: s, options: SimulationOptions(scenario: s), compareSchedules: true)
        let open = try #require(r.scaling.first { $0.rule == "window-open" })
        #expect(open.time == 420)
        #expect(open.policy == "schedule sale-prep")
        #expect(r.scaling.contains { $0.time == 1200 - 300 && $0.rule == "window-close" })
        #expect(r.scaling.contains { $0.rule == "scheduled" && $0.to == 6 && $0.time < 600 })
        let atSurge = try #require(r.timeline.last { $0.service == "api" && $0.time <= 600 })
        #expect(atSurge.replicas == 6)
        let e = try #require(r.scheduleEffects?.first)
        #expect(e.rule == "sale-prep" && e.intervals == [[420, 900]])
        #expect(e.instanceHours.with > e.instanceHours.without)
        #expect(abs(e.cost.difference - e.instanceHours.difference * 10) < 1e-9)
        let route = try #require(e.routes.first)
        // Without it two pods meet three times their load until the HPA's pods start.
        #expect(try #require(route.p99With) < 0.5 * (try #require(route.p99Without)))
    }

    @Test("the run without schedules is the run of the scenario with no schedule block: the rules draw no random numbers")
    func counterfactualIsThePlainRun() throws {
        let with = try load(Self.scenario(schedule: Self.rule("{before: surge sale, lead: 3m, replicas: 6}")))
        let plain = try load(Self.scenario(schedule: ""))
        var o = SimulationOptions(scenario: with)
        o.scheduledScaling = false
        let a = try Simulator(scenario: with, options: o).run()
        let b = try Simulator(scenario: plain, options: SimulationOptions(scenario: plain)).run()
        #expect(a.services == b.services)
        #expect(a.routes == b.routes)
        #expect(a.scaling == b.scaling)
        #expect(a.timeline == b.timeline)
    }

    @Test("a cron window in a run: its opening and closing are in the scaling log at their wall-clock times, and the HPA holds the count between")
    func cronInRun() throws {
        // 11:50 EAT start; lunch 12:00–12:08 EAT asks for 5 pods (the sale surge, 12:00–12:05,
        // may ask for more); the HPA's behavior (legacy path: at most max(2 × current, 4) per
        // sync) lets it go from 2 to 4, then to 5.
        let y = Self.scenario(schedule: Self.rule("{name: lunch, start: \"0 12 * * *\", end: \"8 12 * * *\", replicas: 5}"),
                              start: "2026-12-04T11:50:00")
        let s = try load(y)
        let r = try Simulator(scenario: s, options: SimulationOptions(scenario: s)).run()
        let edges = r.scaling.filter { $0.policy == "schedule lunch" }
        #expect(edges.map(\.rule) == ["window-open", "window-close"])
        #expect(edges.map(\.time) == [600, 1080])
        let during = r.timeline.filter { $0.service == "api" && $0.time > 640 && $0.time <= 1080 }
        #expect(!during.isEmpty && during.allSatisfy { $0.replicas >= 5 })
        let before = r.timeline.filter { $0.service == "api" && $0.time < 600 }
        #expect(before.allSatisfy { $0.replicas == 2 })
    }
}
