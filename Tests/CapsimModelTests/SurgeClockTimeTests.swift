import Foundation
import Testing
@testable import CapsimModel

/// `traffic.surges[i].at` as a clock time once `simulation.start` anchors the run: resolved to
/// the same offset from the start as the duration form, so the engine sees no difference.
/// (Clock times that cannot be placed are in the invalid corpus: surge-clock-time-*.yaml.)
@Suite("Surge at a clock time")
struct SurgeClockTimeTests {
    static func scenario(start: String?, duration: String = "2h", at: [String]) throws -> Scenario {
        let surges = at.enumerated().map { i, a in "    - {name: s\(i), at: \"\(a)\", duration: 10m, multiplier: 2}" }.joined(separator: "\n")
        return try ScenarioLoader.parse("""
            capsim: 1
            name: clock
            traffic:
              entry: api
              peak: 100/s
              surges:
            \(surges)
              routes:
                home: {share: 100%, path: [api]}
            services:
              api:
                capacity: 50/s
                replicas: 2
            simulation:
              duration: \(duration)
            \(start.map { "  start: \"\($0)\"" } ?? "")
            """, file: "clock.yaml")
    }

    static func starts(_ s: Scenario) -> [Double] { s.traffic?.surges.map(\.start) ?? [] }

    @Test("a time of day is the first such time at or after the start, in EAT")
    func timeOfDayFromTheStart() throws {
        let s = try Self.scenario(start: "2026-11-25T18:00:00+03:00", at: ["19:30", "18:00", "18:00:30"])
        #expect(Self.starts(s) == [5400, 0, 30])
    }

    @Test("a date and time is its distance from the start; no zone means EAT, a zone is honoured")
    func dateTimeFromTheStart() throws {
        let s = try Self.scenario(start: "2026-11-25T18:00:00+03:00", at: ["2026-11-25T18:20", "2026-11-25T15:45:00Z", "2026-11-25T19:00:00+03:00"])
        #expect(Self.starts(s) == [1200, 2700, 3600])
    }

    @Test("a start given in UTC still places times of day in EAT")
    func startInUTC() throws {
        let s = try Self.scenario(start: "2026-11-25T15:00:00Z", at: ["19:30"])
        #expect(Self.starts(s) == [5400])
    }

    @Test("a time of day before the start's time falls on the next day, across midnight")
    func acrossMidnight() throws {
        let s = try Self.scenario(start: "2026-11-25T23:00", duration: "3h", at: ["01:00", "23:30"])
        #expect(Self.starts(s) == [7200, 1800])
    }

    @Test("a clock time and the offset it names decode to the same surges")
    func sameAsOffset() throws {
        let clock = try Self.scenario(start: "2026-11-25T18:00:00+03:00", at: ["19:30"])
        let offset = try Self.scenario(start: "2026-11-25T18:00:00+03:00", at: ["1.5h"])
        #expect(clock.traffic?.surges == offset.traffic?.surges)
    }

    @Test("an unquoted time of day is read as the clock time, not as YAML 1.1's base-60 number")
    func unquoted() throws {
        let s = try ScenarioLoader.parse("""
            capsim: 1
            name: clock
            traffic:
              entry: api
              peak: 100/s
              surges: [{name: promo, at: 19:30, duration: 10m, multiplier: 2}]
              routes: {home: {share: 100%, path: [api]}}
            services: {api: {capacity: 50/s, replicas: 2}}
            simulation: {duration: 2h, start: "2026-11-25T18:00"}
            """, file: "clock.yaml")
        #expect(Self.starts(s) == [5400])
    }

    @Test("durations keep working without simulation.start")
    func offsetsNeedNoStart() throws {
        #expect(Self.starts(try Self.scenario(start: nil, at: ["20m", "0s"])) == [1200, 0])
    }

    @Test("the clock forms parse; other texts do not")
    func parsing() {
        #expect(SurgeStart(parsing: "20m") == .offset(1200))
        #expect(SurgeStart(parsing: "7:05") == .timeOfDay(7 * 3600 + 300))
        #expect(SurgeStart(parsing: "23:59:59") == .timeOfDay(86_399))
        for bad in ["24:00", "19:60", "19:5", "19:30:60", "1930", "7pm", ":30", "19:", "2026-11-25", "2026-11-25T25:00"] {
            #expect(SurgeStart(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test("simulation.start may leave out the seconds")
    func startWithoutSeconds() {
        #expect(SimulationClock.date("2026-11-25T18:00") == SimulationClock.date("2026-11-25T18:00:00+03:00"))
        #expect(SimulationClock.date("2026-11-25T15:00Z") == SimulationClock.date("2026-11-25T18:00:00+03:00"))
        #expect(SimulationClock.date("2026-11-25T18:00") != nil)
    }
}
