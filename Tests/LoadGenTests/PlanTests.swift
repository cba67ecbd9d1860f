import CapsimModel
import Foundation
import LoadGen
import Testing

@Suite struct PlanTests {
    @Test func constantScheduleIsIOverRate() {
        let times = Array(ArrivalSchedule(profile: .constant(perSecond: 200), duration: 3))
        #expect(times.count == 600)
        #expect(times[0] == 0)
        #expect(abs(times[599] - 599.0 / 200) < 1e-12)
    }

    @Test func stepProfileIntegratesTheRate() {
        // 100/s for 1 s, nothing for 1 s, 200/s for 1 s: 100 + 0 + 200 arrivals.
        let profile = RateProfile.steps([RateStep(at: 0, perSecond: 100), RateStep(at: 1, perSecond: 0), RateStep(at: 2, perSecond: 200)])
        let times = Array(ArrivalSchedule(profile: profile, duration: 3))
        #expect(times.count == 300)
        #expect(abs(times[99] - 0.99) < 1e-9)
        #expect(abs(times[100] - 2.0) < 1e-9)
        #expect(abs(times[101] - 2.005) < 1e-9)
        #expect(!times.contains { $0 >= 1 && $0 < 2 })
    }

    @Test func mixParsesAndMustSumTo100() throws {
        let mix = try MixParser.parse("GET:/products=70%,POST:/payments=30%", bodies: ["POST:/payments": #"{"amount":5}"#])
        #expect(mix.map(\.route) == ["GET:/products", "POST:/payments"])
        #expect(mix[1].body == #"{"amount":5}"#)
        #expect(abs(mix[0].share - 0.7) < 1e-12)
        #expect(throws: MixParser.Failure.self) { try MixParser.parse("GET:/a=70%,GET:/b=20%") }
        do { _ = try MixParser.parse("GET:/a=70%,GET:/b=20%") } catch { #expect("\(error)".contains("sum to 90%")) }
        #expect(throws: MixParser.Failure.self) { try MixParser.parse("GET:/a=seventy") }
        #expect(throws: MixParser.Failure.self) { try MixParser.parse("GET:a=100%") }
    }

    @Test func badPlansAreExplained() {
        let plan = LoadPlan(target: URL(string: "https://example.com")!, rate: 0, duration: -1, connections: 0)
        let problems = plan.problems().joined(separator: "\n")
        #expect(problems.contains("only http://"))
        #expect(problems.contains("rate must be positive") || problems.contains("rate must be a positive"))
        #expect(problems.contains("duration must be positive"))
        #expect(problems.contains("connections must be at least 1"))
    }

    @Test func mixChoiceIsSeeded() {
        let mix = [MixEntry(path: "/a", share: 0.5), MixEntry(path: "/b", share: 0.5)]
        var a = MixChooser(mix: mix, seed: 7), b = MixChooser(mix: mix, seed: 7), c = MixChooser(mix: mix, seed: 8)
        let sa = (0..<200).map { _ in a.next() }, sb = (0..<200).map { _ in b.next() }, sc = (0..<200).map { _ in c.next() }
        #expect(sa == sb)
        #expect(sa != sc)
        #expect((70...130).contains(sa.filter { $0 == 0 }.count))
    }
}
