/// The largest magnitude each kind of number in a scenario may have, checked as it is read.
///
/// Each is far beyond any real platform and small enough that nothing computed from it later —
/// a product with another bounded number, a conversion to a whole number of slots, pods or
/// events — can overflow or trap: what `validate` accepts must run. Semantic limits (a share
/// at most 100 %, a replica count that fits a pod table) are the validator's, with reasons.
public enum Bounds {
    /// Durations: a year. Longer simulated runs are refused by the event budget anyway.
    public static let seconds = 366.0 * 86_400
    /// Rates: a billion per second (the bundled platform peaks at 10k/s).
    public static let perSecond = 1e9
    /// Percentages, as fractions: ±10,000 % (a growth, a multiplier, an HPA target of 150 %).
    public static let fraction = 100.0
    /// Plain numbers (multipliers, coefficients of variation, database cores): a billion.
    public static let number = 1e9
    /// Counts (daily users, keys, an HPA's average-value target): 10¹⁸, which an Int64 holds
    /// (Kubernetes' own overflow tests use targets near Int64.max ÷ 1000).
    public static let count = 1e18
    /// Whole numbers (replicas, concurrency, retries): Int32.max (Kubernetes writes it as "no limit"), so each fits the engine's
    /// 32-bit tables; tighter limits where they allocate are the validator's.
    public static let whole = Int(Int32.max)
    /// CPU: Kubernetes refuses precision finer than 1m; a million cores at most.
    public static let millicoresFloor = 1.0, millicoresCeiling = 1e9
    /// Memory: a pebibyte.
    public static let bytes = 1_125_899_906_842_624.0
    /// Money per unit (an instance-hour, a month): a trillion.
    public static let amount = 1e12
}

extension Obj {
    /// `value` if within ±`limit`, else nil after a located error naming the bound.
    func within<T>(_ key: String, _ value: T?, _ magnitude: (T) -> Double, _ limit: Double, _ shown: String) -> T? {
        guard let value else { return nil }
        let m = magnitude(value)
        guard m.isFinite, abs(m) <= limit else {
            r.error(at: values[key]?.mark, sub(key), "out of range: at most \(shown) in magnitude, got \"\(text(key) ?? "")\"")
            return nil
        }
        return value
    }
}
