import CapsimModel
import Foundation
import Testing
@testable import LoadGen

/// `capsim load`'s flags become a plan in the library, so every rule is reachable here.
@Suite("Load requests: flags to a plan")
struct LoadRequestTests {
    func problem(_ edit: (inout LoadRequest) -> Void) -> String? {
        var r = LoadRequest(target: "http://127.0.0.1:8080/products")
        edit(&r)
        do { _ = try r.plan(); return nil } catch let e as LoadUsageProblem { return e.message } catch { return "\(error)" }
    }

    @Test("a constant rate, a mix with a body, headers and Poisson arrivals make one plan")
    func fullPlan() throws {
        var r = LoadRequest(target: "http://127.0.0.1:8080")
        r.rate = "500/s"; r.duration = "2s"; r.mix = "GET:/products=70%,POST:/payments=30%"
        r.bodies = ["POST:/payments={\"amount\":100}"]; r.headers = ["Authorization: Bearer T"]; r.arrivals = .poisson; r.seed = 9
        let plan = try r.plan()
        #expect(plan.duration == 2 && plan.seed == 9 && plan.arrivals == .poisson)
        #expect(plan.mix.count == 2 && plan.mix.contains { $0.body == "{\"amount\":100}" })
        #expect(plan.headers.count == 1 && plan.headers[0].name == "Authorization" && plan.headers[0].value == "Bearer T")
    }

    @Test("each bad flag is named with what was expected")
    func problems() {
        #expect(problem { _ in } == "give --rate (e.g. --rate 500/s), --profile or --scenario")
        #expect(problem { $0.rate = "500/s"; $0.profile = "0s=1/s" } == "give one of --rate, --profile and --scenario, not --rate and --profile")
        #expect(problem { $0.rate = "fast" } == "--rate \"fast\": expected a positive rate like 500/s")
        #expect(problem { $0.rate = "5/s"; $0.timeScale = 60 } == "--time-scale goes with --scenario")
        #expect(problem { $0.rate = "5/s"; $0.bodies = ["POST:/p={}"] } == "--body needs a --mix entry to attach to")
        #expect(problem { $0.rate = "5/s"; $0.mix = "GET:/a=100%"; $0.bodies = ["POST:/p={oops"] } == "--body \"POST:/p={oops\": the body is not valid JSON")
        #expect(problem { $0.rate = "5/s"; $0.headers = [": x"] }?.hasPrefix("--header \": x\": expected NAME: VALUE") == true)
        #expect(problem { $0.target = "not a url" }?.hasPrefix("target \"not a url\"") == true)
    }
}
