/// A log-linear latency histogram with HdrHistogram's bucketing, specialised for the
/// simulator's hot path: `record` is a few integer operations with no generic dispatch, and
/// `reset` clears only the range of buckets touched since the last reset.
///
/// HdrHistogram-swift's `Histogram<Count>` is generic and not inlinable across modules, so
/// each call goes through witness tables; at millions of completions per second that cost
/// more than the rest of the simulator. Values recorded here are handed to a real
/// `Histogram` bucket by bucket (`forEachBucket`) when a run ends, so the reported
/// percentiles are HdrHistogram's; per-sample windows read their percentiles here directly,
/// by the same rule (the highest value equivalent to the bucket where the cumulative count
/// reaches the percentile).
public struct LogHistogram: Sendable {
    let subBucketBits: Int
    let subBucketCount: Int
    let half: Int
    var counts: ContiguousArray<UInt64>
    public private(set) var total: UInt64 = 0
    /// The range of buckets touched since the last reset, meaningful while `total > 0`: they
    /// start at the identities of min and max over bucket indices, so the first record sets both.
    var lowIndex = Int.max
    var highIndex = 0
    /// Windows keep their raw values while few (up to `rawLimit`): sorting 150 values is far
    /// cheaper than scanning a thousand buckets, and the answer is the same — the bucket of the
    /// ⌈p·n⌉-th smallest value, reported as that bucket's highest equivalent value.
    let rawLimit: Int
    var raw: ContiguousArray<UInt64> = []

    /// `digits` significant decimal digits (2 → 1 %, 3 → 0.1 %), values up to `highest`.
    /// The largest value recorded, exactly: a value beyond `highest` lands in the last bucket,
    /// whose bounds would otherwise be reported as the maximum (a mean above the max).
    public private(set) var largest: UInt64 = 0

    /// `highest` (µs; default a day) bounds the buckets; larger values are counted in the last.
    public init(digits: Int, highest: UInt64 = 86_400_000_000, rawLimit: Int = 0) {
        self.rawLimit = rawLimit
        raw.reserveCapacity(rawLimit)
        let largest = 2 * Int(LogHistogram.pow10(digits))
        var bits = 0
        while (1 << bits) < largest { bits += 1 }
        subBucketBits = bits
        subBucketCount = 1 << bits
        half = subBucketCount >> 1
        let msb = 63 - highest.leadingZeroBitCount
        let maxShift = Swift.max(0, msb - (bits - 1))
        counts = ContiguousArray(repeating: 0, count: subBucketCount + maxShift * half + 1)
    }

    static func pow10(_ d: Int) -> UInt64 { (0..<d).reduce(1) { r, _ in r * 10 } }

    @inline(__always)
    func index(_ v: UInt64) -> Int {
        if v < UInt64(subBucketCount) { return Int(v) }
        let shift = (63 - v.leadingZeroBitCount) - (subBucketBits - 1)
        let i = subBucketCount + (shift - 1) * half + (Int(v >> UInt64(shift)) - half)
        return Swift.min(i, counts.count - 1)
    }

    /// The lowest value of bucket `i` and the width of values it holds.
    @inline(__always)
    func range(_ i: Int) -> (low: UInt64, width: UInt64) {
        if i < subBucketCount { return (UInt64(i), 1) }
        let shift = (i - subBucketCount) / half + 1
        let sub = (i - subBucketCount) % half + half
        return (UInt64(sub) << UInt64(shift), 1 << UInt64(shift))
    }

    @inline(__always)
    public mutating func record(_ v: UInt64) {
        let i = index(v)
        counts[i] &+= 1
        total &+= 1
        if v > largest { largest = v }
        if raw.count < rawLimit { raw.append(v) }
        if i < lowIndex { lowIndex = i }
        if i > highIndex { highIndex = i }
    }

    public mutating func reset() {
        guard total > 0 else { return }
        for i in lowIndex...highIndex { counts[i] = 0 }
        total = 0; lowIndex = .max; highIndex = 0; largest = 0
        raw.removeAll(keepingCapacity: true)
    }

    /// The value at percentile `p` (0–100): the highest value equivalent to the bucket in
    /// which the cumulative count first reaches ⌈p/100 × total⌉ (HdrHistogram's definition).
    public func value(atPercentile p: Double) -> UInt64 {
        guard total > 0 else { return 0 }
        let target = Swift.max(1, UInt64((p / 100 * Double(total)).rounded(.up)))
        var acc: UInt64 = 0
        for i in lowIndex...highIndex {
            acc &+= counts[i]
            if acc >= target { let r = range(i); return r.low + r.width - 1 }
        }
        let r = range(highIndex)
        return r.low + r.width - 1
    }

    /// Several percentiles in one pass; `ps` ascending.
    public func values(atPercentiles ps: [Double]) -> [UInt64] {
        guard total > 0 else { return ps.map { _ in 0 } }
        if raw.count == Int(total) {
            let sorted = raw.sorted()
            return ps.map { p in
                let rank = Swift.max(1, Int((p / 100 * Double(total)).rounded(.up)))
                let r = range(index(sorted[rank - 1]))
                return r.low + r.width - 1
            }
        }
        var out: [UInt64] = []
        out.reserveCapacity(ps.count)
        var k = 0, acc: UInt64 = 0
        for i in lowIndex...highIndex where k < ps.count {
            acc &+= counts[i]
            while k < ps.count && acc >= Swift.max(1, UInt64((ps[k] / 100 * Double(total)).rounded(.up))) {
                let r = range(i)
                out.append(r.low + r.width - 1)
                k += 1
            }
        }
        while out.count < ps.count { let r = range(highIndex); out.append(r.low + r.width - 1) }
        return out
    }

    /// The largest value recorded (exact, not its bucket's bound).
    public var maxValue: UInt64 { total == 0 ? 0 : largest }

    /// Each non-empty bucket's lowest value and count, in increasing order.
    public func forEachBucket(_ body: (UInt64, UInt64) -> Void) {
        guard total > 0 else { return }
        for i in lowIndex...highIndex where counts[i] > 0 { body(range(i).low, counts[i]) }
    }
}
