import CapsimModel
import Foundation
import Testing
@testable import Planning

@Suite("Growth fitting from history")
struct GrowthFitTests {
    /// n daily points of v = v0·(1+g)^(t/30.4375 days) with log-normal noise σ.
    func series(growth g: Double, days: Int, sigma: Double, seed: UInt64, start: Int = 19_000) -> [HistoryPoint] {
        var rng = RandomStream(seed: seed, name: "series")
        return (0..<days).map { d in
            let u1 = rng.uniformPositive(), u2 = rng.uniform()
            let z = (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
            return HistoryPoint(day: start + d, metric: "dau", value: 100_000 * pow(1 + g, Double(d) / 30.4375) * exp(sigma * z), service: "")
        }
    }

    @Test("an exact exponential series gives its growth rate and R² = 1")
    func exact() throws {
        let f = try #require(GrowthFit.fit(series(growth: 0.08, days: 180, sigma: 0, seed: 1)))
        #expect(abs(f.growthMonthly - 0.08) < 1e-9)
        #expect(abs(f.rSquared - 1) < 1e-9)
        #expect(f.seasonality == nil)
    }

    /// The 95 % interval should contain the true growth in about 95 % of noisy series. Over
    /// 300 independent series the coverage's standard error is √(0.95·0.05/300) = 1.3 %, so
    /// 91 %…99 % is three standard errors either side.
    @Test("the 95% interval covers the true growth in about 95% of noisy series")
    func coverage() throws {
        var covered = 0
        for s in 0..<300 {
            let f = try #require(GrowthFit.fit(series(growth: 0.05, days: 120, sigma: 0.08, seed: UInt64(s))))
            if f.low <= 0.05 && 0.05 <= f.high { covered += 1 }
        }
        #expect(covered >= 273 && covered <= 297, "coverage \(covered)/300")
    }

    @Test("a weekly pattern is detected and reported, not hidden in the interval")
    func weekly() throws {
        let pts = series(growth: 0.04, days: 84, sigma: 0.01, seed: 3).map { p in
            HistoryPoint(day: p.day, metric: p.metric, value: p.value * ((p.day % 7 == 2) ? 1.6 : 1), service: "")
        }
        let f = try #require(GrowthFit.fit(pts))
        #expect(f.seasonality?.hasPrefix("weekly pattern") == true)
    }

    @Test("CSV rows with problems are all reported with their line numbers")
    func badCSV() {
        let csv = """
        date,metric,value,service
        2025-01-01,dau,100000,
        2025-02-30,dau,101000,
        2025-03-01,dau,-5,
        2025-03-02,tps,lots,payments
        2025-03-03,dau
        """
        let (points, problems) = HistoryCSV.parse(csv, file: "h.csv")
        #expect(points.count == 1)
        #expect(problems.map(\.description) == [
            "h.csv:3: error: date: expected an ISO date like 2025-01-31, got \"2025-02-30\"",
            "h.csv:4: error: value: growth is fitted on logarithms, so values must be positive, got -5",
            "h.csv:5: error: value: expected a number like 1200 or 1.2k, got \"lots\"",
            "h.csv:6: error: expected 4 fields (date,metric,value,service), got 2: \"2025-03-03,dau\"",
        ])
        #expect(HistoryCSV.parse("when,what\n", file: "x.csv").problems.first?.line == 1)
    }

    @Test("civil dates convert to day numbers (1970-01-01 is day 0; leap days exist only in leap years)")
    func days() {
        #expect(HistoryCSV.day("1970-01-01") == 0)
        #expect(HistoryCSV.day("2024-02-29") == 19_782)
        #expect(HistoryCSV.day("2023-02-29") == nil)
        #expect(HistoryCSV.day("2025-13-01") == nil)
    }
}
