import CapsimModel
import Foundation
@testable import LoadGen
@testable import Simulation
import Testing

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

private func bundled(_ path: String) throws -> Scenario {
    try ScenarioLoader.load(path: root.appendingPathComponent(path).path)
}

private func steps(_ p: RateProfile) -> [RateStep] {
    guard case .steps(let s) = p else { return [] }
    return s
}

/// Two routes, one through payments; Genna eve doubles the routes through payments. The run
/// starts at 23:30 EAT on Genna eve 2026 (6 January), so the season holds for its first half hour.
private let gennaEve = """
    capsim: 1
    name: genna-eve-midnight
    services:
      gw: {capacity: 1000/s, replicas: 2}
      pay: {capacity: 1000/s, replicas: 2}
    traffic:
      entry: gw
      peak: 100/s
      routes:
        pay: {share: 50%, path: [gw, pay]}
        browse: {share: 50%, path: [gw]}
    seasons:
      gifts: {holidays: [genna-eve], multiplier: 2.0, services: [pay]}
    simulation: {duration: 1h, start: "2026-01-06T23:30:00+03:00"}
    """

/// A diurnal day during Ramadan 2026, whose season moves the curve 3 hours later.
private let ramadan = """
    capsim: 1
    name: ramadan-evening
    services:
      gw: {capacity: 1000/s, replicas: 2}
    traffic:
      entry: gw
      peak: 1000/s
      profile:
        kind: diurnal
        hourly: [0.15, 0.10, 0.08, 0.08, 0.10, 0.18, 0.30, 0.45, 0.60, 0.70, 0.75, 0.78,
                 0.80, 0.78, 0.72, 0.70, 0.74, 0.82, 0.92, 1.00, 0.98, 0.85, 0.55, 0.30]
      surges:
        - {name: iftar, at: 30m, duration: 20m, ramp: 5m, multiplier: 1.5}
      routes:
        all: {share: 100%, path: [gw]}
    seasons:
      ramadan-evenings: {holidays: [ramadan], multiplier: 1.0, shift: 3h}
    simulation: {duration: 2h, start: "2026-03-01T18:00:00+03:00"}
    """

@Suite struct ScenarioProfileTests {
    @Test("the holiday-surge scenario: one step per scenario minute at its midpoint, the points profile and the ramped surge, scaled")
    func pointsAndSurge() throws {
        let scenario = try bundled("scenarios/teaching/holiday-surge.yaml")
        let (profile, source) = try ScenarioProfile.derive(scenario, file: "holiday-surge.yaml", scenarioSeconds: 3600, timeScale: 60, rateScale: 0.01)
        let s = steps(profile)
        #expect(s.count == 60)
        #expect(s.map(\.at) == (0..<60).map(Double.init), "a scenario minute is a second of load at time scale 60")
        // By hand: points 0.6 → 1.0 over the first 15 minutes, ×2 from 23m to 47m with 3m ramps.
        #expect(abs(s[0].perSecond - 1500 * (0.6 + 0.4 * 30 / 900) * 0.01) < 1e-9)   // 9.2/s
        #expect(abs(s[16].perSecond - 15) < 1e-9)                                         // after the ramp, before the surge
        #expect(abs(s[20].perSecond - 1500 * (1 + 30.0 / 180) * 0.01) < 1e-9)             // 17.5/s, half a minute into the ramp
        #expect(abs(s[30].perSecond - 30) < 1e-9)                                         // the surge at ×2
        #expect(abs(s[59].perSecond - 15) < 1e-9)
        // And every step is the simulator's arrival rate at its midpoint.
        let arrivals = ArrivalProcess(traffic: scenario.traffic!, duration: 3600, startOfDay: 0)
        for (k, step) in s.enumerated() {
            #expect(step.perSecond == arrivals.rate((Double(k) + 0.5) * 60) * 0.01)
        }
        #expect(source == ScenarioProfileSource(scenario: "genna-eve-surge", file: "holiday-surge.yaml", timeScale: 60, rateScale: 0.01, scenarioSeconds: 3600, stepSeconds: 60))
    }

    @Test("the seed platform's diurnal curve from 18:00 EAT: 24 hours at time scale 60 take 24 minutes")
    func diurnalDay() throws {
        let scenario = try bundled("scenarios/stan-store-et.yaml")
        let (profile, _) = try ScenarioProfile.derive(scenario, file: "s.yaml", scenarioSeconds: 86_400, timeScale: 60, rateScale: 0.01)
        let s = steps(profile)
        #expect(s.count == 1440)
        #expect(s.last?.at == 1439)
        #expect(ArrivalSchedule.count(profile: profile, duration: 1440) > 0)
        // 18:00:30 EAT, before the evening promotion: hourly[18] = 0.92 → hourly[19] = 1.00.
        #expect(abs(s[0].perSecond - 10_000 * (0.92 + 0.08 * 30 / 3600) * 0.01) < 1e-9)
        // 03:00:30 EAT, nine hours in: hourly[3] = 0.08 → hourly[4] = 0.10.
        #expect(abs(s[540].perSecond - 10_000 * (0.08 + 0.02 * 30 / 3600) * 0.01) < 1e-9)
        // The entry's own traffic, not the simulator's CDN origin routes (scale 1, not 1 + their weight).
        let arrivals = ArrivalProcess(traffic: scenario.traffic!, duration: 86_400, startOfDay: 18 * 3600)
        for k in [0, 25, 30, 700, 1439] {
            #expect(s[k].perSecond == arrivals.rate((Double(k) + 0.5) * 60) * 0.01)
        }
    }

    @Test("calendar seasons: the multiplier weighted by the routes it covers, until the holiday ends at midnight EAT; the simulator agrees")
    func seasonsMatchTheSimulator() throws {
        let scenario = try ScenarioLoader.parse(gennaEve, file: "genna.yaml")
        let (profile, _) = try ScenarioProfile.derive(scenario, file: "genna.yaml", scenarioSeconds: 3600, rateScale: 0.5)
        let s = steps(profile)
        #expect(s.count == 60)
        // 100/s × (50 % × 2 + 50 % × 1) until 00:00 EAT on 7 January, then 100/s; × 0.5.
        #expect(s[0..<30].allSatisfy { abs($0.perSecond - 75) < 1e-9 })
        #expect(s[30...].allSatisfy { abs($0.perSecond - 50) < 1e-9 })
        var options = SimulationOptions(scenario: scenario)
        options.duration = 3600
        let simulator = try Simulator(scenario: scenario, options: options)
        for (k, step) in s.enumerated() {
            #expect(abs(step.perSecond - simulator.traffic.currentRate((Double(k) + 0.5) * 60) * 0.5) < 1e-9, "step \(k)")
        }
    }

    @Test("a season's shift moves the diurnal curve; surges still apply; the simulator agrees")
    func shiftedDiurnal() throws {
        let scenario = try ScenarioLoader.parse(ramadan, file: "ramadan.yaml")
        let (profile, _) = try ScenarioProfile.derive(scenario, file: "ramadan.yaml", scenarioSeconds: 7200, timeScale: 10)
        let s = steps(profile)
        #expect(s.count == 120)
        #expect(s[1].at == 6)
        // 18:00:30 EAT read 3 hours earlier: 15:00:30, hourly[15] = 0.70 → hourly[16] = 0.74.
        #expect(abs(s[0].perSecond - 1000 * (0.70 + 0.04 * 30 / 3600)) < 1e-9)
        var options = SimulationOptions(scenario: scenario)
        options.duration = 7200
        let simulator = try Simulator(scenario: scenario, options: options)
        for (k, step) in s.enumerated() {
            #expect(abs(step.perSecond - simulator.traffic.currentRate((Double(k) + 0.5) * 60)) < 1e-9, "step \(k)")
        }
        #expect(s[40].perSecond > s[20].perSecond * 1.4, "the iftar surge (×1.5 from 35m to 45m) shows")
    }

    @Test("a derived profile schedules the requests its rates integrate to")
    func scheduleCount() throws {
        let scenario = try ScenarioLoader.parse(gennaEve, file: "genna.yaml")
        // 30 min at 150/s then 30 min at 100/s of scenario time, ÷ 60 in time, × 0.1 in rate:
        // 30 s at 15/s + 30 s at 10/s = 750 requests.
        let (profile, _) = try ScenarioProfile.derive(scenario, file: "genna.yaml", scenarioSeconds: 3600, timeScale: 60, rateScale: 0.1)
        #expect(ArrivalSchedule.count(profile: profile, duration: 60) == 750)
        #expect(LoadPlan(target: URL(string: "http://127.0.0.1:9/")!, profile: profile, duration: 60).problems().isEmpty)
    }

    @Test("a last step shorter than a minute is sampled at its own midpoint")
    func partialStep() throws {
        let scenario = try bundled("scenarios/teaching/holiday-surge.yaml")
        let (profile, _) = try ScenarioProfile.derive(scenario, file: "h.yaml", scenarioSeconds: 90)
        let s = steps(profile)
        #expect(s.map(\.at) == [0, 60])
        #expect(abs(s[1].perSecond - 1500 * (0.6 + 0.4 * 75 / 900)) < 1e-9)
    }

    @Test("bad input: no traffic, a non-positive scale, too many steps")
    func errors() throws {
        let mmc = try bundled("scenarios/teaching/mmc.yaml")
        #expect(throws: ScenarioProfile.Failure(description: "--time-scale must be a positive number, got 0")) {
            try ScenarioProfile.derive(mmc, file: "m.yaml", scenarioSeconds: 60, timeScale: 0)
        }
        #expect(throws: ScenarioProfile.Failure(description: "--rate-scale must be a positive number, got -1")) {
            try ScenarioProfile.derive(mmc, file: "m.yaml", scenarioSeconds: 60, rateScale: -1)
        }
        #expect(throws: ScenarioProfile.Failure.self) {
            try ScenarioProfile.derive(mmc, file: "m.yaml", scenarioSeconds: 200 * 86_400)
        }
        let noTraffic = try ScenarioLoader.parse("""
            capsim: 1
            name: quiet
            services:
              web: {peak: 5/s, capacity: 100/s, replicas: 1}
            """, file: "quiet.yaml")
        #expect(throws: ScenarioProfile.Failure(description: "scenario quiet has no traffic: section to replay")) {
            try ScenarioProfile.derive(noTraffic, file: "quiet.yaml", scenarioSeconds: 60)
        }
    }
}

@Suite struct LoadPlanRecordTests {
    @Test("the record keeps the plan; its canonical text is exact and changes with what is sent")
    func canonicalText() throws {
        var plan = LoadPlan(target: URL(string: "http://127.0.0.1:8089/checkout")!, rate: 1000.0 / 3, duration: 10,
                            mix: [MixEntry(path: "/a", share: 0.7), MixEntry(method: "POST", path: "/b", body: #"{"x":1}"#, share: 0.3)], connections: 4, seed: 9)
        let record = LoadPlanRecord(plan)
        #expect(record.canonicalText == """
            capsim load plan
            target: http://127.0.0.1:8089/checkout
            rate: 333.3333333333333/s
            duration: 10.0s
            mix: GET:/a=0.7,POST:/b=0.3
            body POST:/b: {"x":1}
            arrivals: uniform
            connections: 4
            seed: 9
            late threshold: 0.001s
            drain timeout: 10.0s

            """)
        #expect(LoadPlanRecord.decode(record.json()) == record)
        #expect(record.name == "http://127.0.0.1:8089/checkout")
        plan.connections = 5
        #expect(LoadPlanRecord(plan).canonicalText != record.canonicalText)
        plan.connections = 4
        plan.arrivals = .poisson
        #expect(LoadPlanRecord(plan).canonicalText.contains("\narrivals: poisson\n"))
        plan.headers = [(name: "Authorization", value: "Bearer s3cret")]
        let withHeader = LoadPlanRecord(plan)
        #expect(withHeader.canonicalText.contains("\nheaders: Authorization\n"))
        #expect(!withHeader.canonicalText.contains("s3cret") && !withHeader.json().contains("s3cret"), "header values are never stored")

        let scenario = try bundled("scenarios/teaching/holiday-surge.yaml")
        let derived = try ScenarioProfile.derive(scenario, file: "h.yaml", scenarioSeconds: 120, timeScale: 60, rateScale: 0.01)
        var replay = LoadPlan(target: URL(string: "http://127.0.0.1:8089/")!, profile: derived.profile, duration: 2)
        replay.scenarioSource = derived.source
        let r = LoadPlanRecord(replay)
        #expect(r.name == "genna-eve-surge")
        #expect(r.canonicalText.contains("profile: 2 steps (seconds into the run = requests per second)\n  0.0=9.2\n  1.0="))
        #expect(r.canonicalText.contains("from scenario: genna-eve-surge, 120.0s of its traffic at time scale 60.0 and rate scale 0.01, one step per 60.0s"))
        #expect(LoadPlanRecord.decode(r.json()) == r)
    }
}
