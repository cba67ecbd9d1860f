/// Percentiles of a sample, for Monte Carlo plan outputs.
public struct Percentiles: Hashable, Sendable, Codable {
    public let p10: Double
    public let p50: Double
    public let p90: Double

    public init(p10: Double, p50: Double, p90: Double) { self.p10 = p10; self.p50 = p50; self.p90 = p90 }

    /// Linear interpolation between order statistics (the "type 7" definition of R and NumPy).
    public init(_ values: [Double]) {
        let s = values.sorted()
        func q(_ p: Double) -> Double {
            guard s.count > 1 else { return s.first ?? .nan }
            let h = p * Double(s.count - 1)
            let lo = Int(h.rounded(.down)), hi = min(lo + 1, s.count - 1)
            return s[lo] + (h - Double(lo)) * (s[hi] - s[lo])
        }
        self.init(p10: q(0.1), p50: q(0.5), p90: q(0.9))
    }
}
