import CapsimModel
import Foundation
import Testing
@testable import Planning

/// `oneService` with traffic that enters at web: a surge of `surge` and a traffic multiplier.
func withTraffic(seasonal: String = "2.0", surge: String = "3.0", multiplier: String = "1", peak: String = "1000/s") -> String {
    oneService(seasonal: seasonal).replacingOccurrences(of: "peak: 1000/s", with: "peak: \(peak)") + """

    traffic:
      entry: web
      peak: 1000/s
      multiplier: \(multiplier)
      surges: [{name: flash-sale, at: 10m, duration: 20m, multiplier: \(surge)}]
      routes:
        all: {share: 100%, path: [web]}
    """
}

@Suite("plan: surges and the traffic multiplier")
struct PlanTrafficTests {
    @Test("a surge larger than the seasonal factor sets the peak, and the plan says which surge bound")
    func surgeBinds() throws {
        let plan = Planner.plan(try scenario(withTraffic(seasonal: "2.0", surge: "3.0")))
        let r6 = try #require(plan.rows.first { $0.months == 6 })
        #expect(r6.seasonalFactor == 3.0)
        #expect(r6.boundBySurge == "flash-sale")
        #expect(r6.steps[2].factor == "surge flash-sale (above the seasonal peak ×2)")
        // 1000 × 1.1^6 × 3 × 1.3 × 2.5 = 17,272.72 req/s → ⌈246.8⌉ = 247 instances at 70 %.
        #expect(abs(r6.requiredRps - 1000 * pow(1.1, 6) * 3 * 1.3 * 2.5) < 1e-6)
        #expect(r6.instancesRequired == 247)
        #expect(plan.warnings.contains("web needs 247 instances at month 6 in surge flash-sale; HPA max is 10"))
    }

    @Test("a surge at or below the seasonal factor leaves the seasonal factor in place")
    func seasonalBinds() throws {
        for surge in ["1.5", "2.0"] {
            let r = Planner.plan(try scenario(withTraffic(seasonal: "2.0", surge: surge))).rows[0]
            #expect(r.seasonalFactor == 2.0 && r.boundBySurge == nil)
            #expect(r.steps[2].factor == "seasonal peak")
        }
    }

    @Test("traffic.multiplier scales every service's required load")
    func multiplierScales() throws {
        let base = Planner.plan(try scenario(withTraffic(multiplier: "1"))).rows
        let more = Planner.plan(try scenario(withTraffic(multiplier: "1.5"))).rows
        for (a, b) in zip(base, more) {
            #expect(abs(b.requiredRps / a.requiredRps - 1.5) < 1e-12)
        }
        #expect(more[0].steps[1].factor == "traffic multiplier")
        #expect(base[0].steps.count == 5 && more[0].steps.count == 6)
    }

    @Test("the Monte Carlo draws plan the surge too")
    func monteCarloSeesTheSurge() throws {
        let plan = Planner.plan(try scenario(withTraffic(seasonal: "2.0", surge: "3.0", peak: "900/s..1.1k/s")))
        let r6 = try #require(plan.rows.first { $0.months == 6 })
        let p = try #require(r6.uncertainty?.requiredRps)
        // Every draw's factor is max(2, 3) = 3: the median sits on the deterministic row's
        // load (a symmetric peak range around 1000/s), not on the seasonal ×2's two thirds of it.
        #expect(abs(p.p50 / r6.requiredRps - 1) < 0.02, "p50 \(p.p50) vs \(r6.requiredRps)")
        #expect(p.p10 > r6.requiredRps * 0.8)
    }

    @Test("a seasonal factor of ×1 is not labelled a seasonal peak")
    func noSeasonalFactor() throws {
        let plan = Planner.plan(try scenario(oneService(seasonal: "1")))
        #expect(plan.seasonLabel == "no seasonal factor")
        #expect(Planner.plan(try scenario(oneService(seasonal: "2"))).seasonLabel == "seasonal peak")
    }
}
