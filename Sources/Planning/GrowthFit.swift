import CapsimModel
import Foundation

/// Monthly growth fitted to a history by log-linear least squares:
/// ln(value) = a + b·t with t in months (30.4375 days), growth = e^b − 1.
///
/// The interval is the t-interval on the slope (n − 2 degrees of freedom) mapped through
/// e^b − 1, so it is exact for the model's assumptions (log-normal noise around exponential
/// growth, independent errors). Seasonality breaks the independence, so the fit also tests the
/// residuals for it and says so, rather than reporting a falsely narrow interval.
public struct GrowthFit: Hashable, Sendable, Codable {
    public let metric: String
    public let service: String
    public let points: Int
    public let firstDay: Int
    public let lastDay: Int
    /// Fitted monthly growth (e.g. 0.062 = 6.2 %/month) and its 95 % interval.
    public let growthMonthly: Double
    public let low: Double
    public let high: Double
    /// R² of the log-linear fit.
    public let rSquared: Double
    /// Lag-1 autocorrelation of residuals (ordered by time); large values mean the errors are
    /// not independent and the interval is too narrow.
    public let residualAutocorrelation: Double
    /// A weekly or yearly pattern in the residuals, in words; nil when none is detected.
    public let seasonality: String?

    public static let daysPerMonth = 30.4375

    /// nil when fewer than 3 distinct days are given (a slope and its error need n ≥ 3).
    public static func fit(_ pts: [HistoryPoint]) -> GrowthFit? {
        let p = pts.sorted { $0.day < $1.day }
        guard p.count >= 3, Set(p.map(\.day)).count >= 3 else { return nil }
        let t = p.map { Double($0.day - p[0].day) / daysPerMonth }, y = p.map { log($0.value) }
        let n = Double(p.count)
        let mt = t.reduce(0, +) / n, my = y.reduce(0, +) / n
        let sxx = t.reduce(0) { $0 + ($1 - mt) * ($1 - mt) }
        let sxy = zip(t, y).reduce(0) { $0 + ($1.0 - mt) * ($1.1 - my) }
        let b = sxy / sxx, a = my - b * mt
        let residuals = zip(t, y).map { $1 - (a + b * $0) }
        let sse = residuals.reduce(0) { $0 + $1 * $1 }
        let syy = y.reduce(0) { $0 + ($1 - my) * ($1 - my) }
        let se = (sse / (n - 2) / sxx).squareRoot()
        let q = StudentT.quantile975(degreesOfFreedom: p.count - 2)
        let r1 = lag1(residuals)
        return GrowthFit(metric: p[0].metric, service: p[0].service, points: p.count, firstDay: p[0].day, lastDay: p[p.count - 1].day,
                         growthMonthly: exp(b) - 1, low: exp(b - q * se) - 1, high: exp(b + q * se) - 1,
                         rSquared: syy > 0 ? 1 - sse / syy : 1, residualAutocorrelation: r1, seasonality: seasonality(p, residuals))
    }

    static func lag1(_ r: [Double]) -> Double {
        guard r.count > 2 else { return 0 }
        let m = r.reduce(0, +) / Double(r.count)
        let den = r.reduce(0) { $0 + ($1 - m) * ($1 - m) }
        guard den > 0 else { return 0 }
        var num = 0.0
        for i in 1..<r.count { num += (r[i] - m) * (r[i - 1] - m) }
        return num / den
    }

    /// Day-of-week (daily data, ≥ 4 weeks) or month-of-year (≥ 2 years) effects in the
    /// residuals, by a one-way ANOVA F-test at the 1 % level.
    static func seasonality(_ p: [HistoryPoint], _ r: [Double]) -> String? {
        func anova(_ group: (Int) -> Int, groups: Int) -> Double? {
            var sums = [Double](repeating: 0, count: groups), counts = [Double](repeating: 0, count: groups)
            for (i, pt) in p.enumerated() { let g = group(pt.day); sums[g] += r[i]; counts[g] += 1 }
            let used = counts.filter { $0 > 0 }.count
            guard used >= 2, p.count > used else { return nil }
            let grand = r.reduce(0, +) / Double(r.count)
            var between = 0.0, within = 0.0
            for g in 0..<groups where counts[g] > 0 { between += counts[g] * pow(sums[g] / counts[g] - grand, 2) }
            for (i, pt) in p.enumerated() { let g = group(pt.day); within += pow(r[i] - sums[g] / counts[g], 2) }
            guard within > 0 else { return .infinity }
            return (between / Double(used - 1)) / (within / Double(p.count - used))
        }
        let span = p[p.count - 1].day - p[0].day
        if span >= 28 && p.count >= 21, let f = anova({ (($0 % 7) + 7 + 3) % 7 }, groups: 7), f > fCritical01(6, p.count - 7) {
            return "weekly pattern in the residuals (day-of-week F = \(String(format: "%.1f", f))): fit weekly peaks, or aggregate to weekly maxima"
        }
        if span >= 730 && p.count >= 24, let f = anova({ month(ofDay: $0) }, groups: 12), f > fCritical01(11, max(1, p.count - 12)) {
            return "yearly pattern in the residuals (month-of-year F = \(String(format: "%.1f", f))): holidays shape this series; model them with seasons, not growth"
        }
        return nil
    }

    static func month(ofDay d: Int) -> Int {
        // Civil from days (Hinnant), month only.
        let z = d + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        return (mp < 10 ? mp + 3 : mp - 9) - 1
    }

    /// F(0.99; d1, d2), via the Wilson–Hilferty normal approximation of the F distribution.
    static func fCritical01(_ d1: Int, _ d2: Int) -> Double {
        let a = Double(d1), b = Double(d2), z = 2.326348
        let u = 2 / (9 * a), v = 2 / (9 * b)
        // Solve ((1 − v)·x^(1/3) − (1 − u)) / √(u + v·x^(2/3)) = z for x = F.
        var lo = 1.0, hi = 1000.0
        for _ in 0..<80 {
            let x = (lo + hi) / 2, c = cbrt(x)
            let g = ((1 - v) * c - (1 - u)) / (u + v * c * c).squareRoot()
            if g < z { lo = x } else { hi = x }
        }
        return (lo + hi) / 2
    }
}
