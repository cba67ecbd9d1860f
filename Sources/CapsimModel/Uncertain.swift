/// A planning input that may be known exactly or only as a range.
///
/// Written as a plain value (`8%`), as `low..high` (`2.0..3.0`, mid is the midpoint), or as a
/// mapping `{low: 4%, mid: 8%, high: 12%}`. Monte Carlo draws treat a range as a triangular
/// distribution with its mode at `mid`: bounded like the planner's range, peaked at the
/// planner's best guess.
public struct Uncertain: Hashable, Sendable, Codable, CustomStringConvertible {
    public let low: Double
    public let mid: Double
    public let high: Double

    public init(_ value: Double) { low = value; mid = value; high = value }
    public init(low: Double, mid: Double, high: Double) { self.low = low; self.mid = mid; self.high = high }

    public var isRange: Bool { low != high }

    /// The inverse CDF of the triangular distribution (low, mid, high) at `u` in [0, 1).
    public func quantile(_ u: Double) -> Double {
        guard isRange else { return mid }
        let span = high - low
        let cut = (mid - low) / span
        if u < cut { return low + (u * span * (mid - low)).squareRoot() }
        return high - ((1 - u) * span * (high - mid)).squareRoot()
    }

    public func map(_ f: (Double) -> Double) -> Uncertain { Uncertain(low: f(low), mid: f(mid), high: f(high)) }

    public var description: String {
        isRange ? "\(trim(low))..\(trim(high)) (mid \(trim(mid)))" : trim(mid)
    }
}
