import CapsimModel
import Foundation
import Planning
import Testing
@testable import Simulation

/// Calendar-driven traffic: seasons multiply routes and shift the diurnal curve on the
/// days their holidays cover, in EAT.
@Suite("Seasons from the Ethiopian calendar")
struct CalendarTrafficTests {
    static let yaml = """
    capsim: 1
    name: genna-eve
    services:
      gw: {capacity: {service_time: 1ms, concurrency: 64}, replicas: 4, startup: 0s}
      pay: {capacity: {service_time: 5ms, concurrency: 64}, replicas: 4, startup: 0s}
      shop: {capacity: {service_time: 5ms, concurrency: 64}, replicas: 4, startup: 0s}
    traffic:
      entry: gw
      peak: 100/s
      routes:
        pay: {share: 50%, path: [gw, pay]}
        shop: {share: 50%, path: [gw, shop]}
    seasons:
      genna-eve-payments: {holidays: [genna-eve], multiplier: 2.0, services: [pay]}
    simulation:
      duration: 4h
      start: "2026-01-06T22:00:00+03:00"
    """

    /// Genna eve 2026 is 6 January (EAT). From 22:00 to midnight the pay route runs at ×2; from
    /// midnight (Genna itself, not in the season) at ×1. Over an hour each side, the counts
    /// (≈ 360 k and 180 k) have Poisson noise under 0.3 %, so a 3 % band is wide.
    @Test("a season doubles the routes through its service on its holiday only, by EAT day")
    func gennaEve() throws {
        let s = try ScenarioLoader.parse(CalendarTrafficTests.yaml, file: "t.yaml")
        var o = SimulationOptions(scenario: s)
        o.duration = 4 * 3600
        let r = try Simulator(scenario: s, options: o).run()
        func arrivals(_ svc: String, _ from: Double, _ to: Double) -> Double {
            r.timeline.filter { $0.service == svc && $0.time > from && $0.time <= to }.reduce(0) { $0 + $1.arrivalRate * 15 }
        }
        let payBefore = arrivals("pay", 3600, 7200), payAfter = arrivals("pay", 7200, 10_800)
        let shopBefore = arrivals("shop", 3600, 7200), shopAfter = arrivals("shop", 7200, 10_800)
        #expect(abs(payBefore / payAfter - 2) < 0.06, "pay \(payBefore) before midnight vs \(payAfter) after")
        #expect(abs(shopBefore / shopAfter - 1) < 0.03, "shop \(shopBefore) vs \(shopAfter)")
        #expect(abs(payAfter / (50 * 3600) - 1) < 0.03)
        let schedule = SeasonSchedule(scenario: s, routeNames: ["pay", "shop"], duration: 4 * 3600)
        #expect(schedule.windows.count == 1)
        #expect(schedule.windows[0].start == 0 && schedule.windows[0].end == 7200 && schedule.windows[0].routes == [0])
    }

    @Test("a season's shift delays the diurnal curve while it is in force")
    func ramadanShift() throws {
        let hourly = (0..<24).map { Double($0) / 23 }
        let yaml = """
        capsim: 1
        name: r
        services: {gw: {capacity: 1000/s, replicas: 1}}
        traffic: {entry: gw, peak: 100/s, profile: {kind: diurnal, hourly: [\(hourly.map { String($0) }.joined(separator: ", "))]}, routes: {all: {share: 100%, path: [gw]}}}
        seasons: {ramadan-evening: {holidays: [ramadan], multiplier: 1.0, shift: 3h}}
        simulation: {start: "2025-03-10T12:00:00+03:00"}
        """
        let s = try ScenarioLoader.parse(yaml, file: "t.yaml")
        let a = ArrivalProcess(traffic: s.traffic!, duration: 3600, startOfDay: 12 * 3600)
        // At 12:00 with a 3 h shift the curve reads 09:00's value.
        #expect(abs(a.profile(0, shift: 3 * 3600) - 9.0 / 23) < 1e-12)
        #expect(abs(a.profile(0) - 12.0 / 23) < 1e-12)
        let schedule = SeasonSchedule(scenario: s, routeNames: ["all"], duration: 3600)
        #expect(schedule.windows.first?.holiday == "ramadan")
        #expect(schedule.shift(at: 100) == 3 * 3600)
    }

    @Test("plan: seasonal_factor from_calendar takes the largest season inside each horizon, and names it")
    func planFromCalendar() throws {
        let yaml = """
        capsim: 1
        name: p
        planning: {horizons: [1, 6], seasonal_factor: from_calendar, start: "2026-10-01"}
        seasons:
          holiday: {holidays: [genna, timkat, fasika], multiplier: 2.0}
          meskel: {holidays: [meskel], multiplier: 1.4}
        services:
          web: {peak: 100/s, capacity: 100/s, replicas: {min: 1, max: 50}}
        """
        let plan = Planner.plan(try ScenarioLoader.parse(yaml, file: "t.yaml"))
        let m1 = try #require(plan.rows.first { $0.months == 1 }), m6 = try #require(plan.rows.first { $0.months == 6 })
        // 1 Oct – 31 Oct 2026: Meskel (27 Sep) has passed, Genna (7 Jan) has not come.
        #expect(m1.seasonalFactor == 1)
        #expect(m1.steps[2].factor == "no calendar season in the horizon")
        #expect(m6.seasonalFactor == 2)
        #expect(m6.steps[2].factor == "genna 2027-01-07 (season holiday)")
        let fromSeptember = Planner.plan(try ScenarioLoader.parse(yaml.replacingOccurrences(of: "2026-10-01", with: "2026-09-20"), file: "t.yaml"))
        #expect(fromSeptember.rows.first { $0.months == 1 }?.seasonalFactor == 1.4)
    }
}

/// The seed scenario has seasons and CDN origin routes. Started in Ramadan 2027 (an evening
/// late in February), only `ramadan-evenings` is in force: multiplier 1, the diurnal curve
/// shifted 3 h. The entry rate must then be the shifted arrival rate exactly — the routes'
/// total weight (1 + the CDN origin routes') counted once, not twice.
@Suite("Seasons and CDN origin routes together")
struct SeasonsWithCDNTests {
    @Test("a season with multiplier 1 only shifts the curve: no extra traffic")
    func multiplierOneAddsNothing() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let s = try ScenarioLoader.load(path: root.appendingPathComponent("scenarios/stan-store-et.yaml").path,
                                        overrides: ["simulation.start=\"2027-02-20T18:00:00+03:00\""])
        let sim = try Simulator(scenario: s, options: SimulationOptions(scenario: s))
        #expect(!sim.traffic.seasons.isEmpty && sim.traffic.shareTotal > 1)
        for t in stride(from: 0.0, to: 3600, by: 300) {
            #expect(sim.traffic.seasons.shift(at: t) == 3 * 3600)
            let plain = sim.traffic.arrivals.rate(t, shift: 3 * 3600)
            #expect(abs(sim.traffic.currentRate(t) - plain) <= 1e-9 * plain, "t = \(t): \(sim.traffic.currentRate(t)) vs \(plain)")
            #expect(sim.traffic.sliceBound(t, t + 60) >= sim.traffic.currentRate(t + 30))
        }
    }
}
