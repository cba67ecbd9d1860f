import Histogram

/// A compact, exact byte form of a latency histogram, so a stored load run keeps its whole
/// distribution and any percentile can be recomputed later (HdrHistogram's own Codable form
/// writes every bucket, ≈ 47,000 counts for the load generator's range, mostly zeros).
///
/// Layout, every number an unsigned LEB128 varint:
/// `1` (the format version), lowest discernible value, highest trackable value, significant
/// digits, the smallest and the largest value recorded (exactly, as `min` and `maxRecorded`
/// give them: percentiles are clamped to them), the number of non-empty buckets n, then n
/// pairs (value − previous value, count), where value is the bucket's highest equivalent
/// value (as `recordedValues()` gives it) and the first "previous value" is 0.
///
/// Decoding records each count at its bucket's value — the lowest bucket's at the exact
/// minimum, the highest's at the exact maximum — into a histogram of the same configuration:
/// the same buckets fill, so the result is `==` to the original and every percentile, the
/// mean and the maximum are identical. A decoded histogram must encode back to the same bytes,
/// or the bytes are refused. A typical run takes a few hundred buckets: about 1–3 kB.
public enum HistogramCoding {
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    static let version: UInt64 = 1

    public static func encode(_ h: Histogram<UInt64>) -> [UInt8] {
        var out: [UInt8] = []
        var pairs: [(UInt64, UInt64)] = []
        for v in h.recordedValues() { pairs.append((v.value, v.count)) }
        out.reserveCapacity(16 + pairs.count * 4)
        for n in [version, h.lowestDiscernibleValue, h.highestTrackableValue, UInt64(h.numberOfSignificantValueDigits.rawValue),
                  h.min, h.maxRecorded, UInt64(pairs.count)] {
            appendVarint(n, to: &out)
        }
        var previous: UInt64 = 0
        for (value, count) in pairs {
            appendVarint(value - previous, to: &out)
            appendVarint(count, to: &out)
            previous = value
        }
        return out
    }

    public static func decode(_ bytes: [UInt8]) throws -> Histogram<UInt64> {
        var reader = Reader(bytes: bytes)
        let v = try reader.varint("version")
        guard v == version else { throw Failure(description: "histogram: unknown format version \(v)") }
        let lowest = try reader.varint("lowest value"), highest = try reader.varint("highest value")
        let digitsRaw = try reader.varint("significant digits")
        guard lowest >= 1, highest >= 2 * lowest, digitsRaw <= 5, let digits = SignificantDigits(rawValue: Int8(digitsRaw)) else {
            throw Failure(description: "histogram: impossible configuration (lowest \(lowest), highest \(highest), digits \(digitsRaw))")
        }
        let low = try reader.varint("minimum"), high = try reader.varint("maximum")
        let n = try reader.varint("bucket count")
        guard n <= UInt64(bytes.count) else { throw Failure(description: "histogram: \(n) buckets cannot fit in \(bytes.count) bytes") }
        var h = Histogram<UInt64>(lowestDiscernibleValue: lowest, highestTrackableValue: highest, numberOfSignificantValueDigits: digits)
        var value: UInt64 = 0
        for i in 0..<n {
            let delta = try reader.varint("bucket \(i) value"), count = try reader.varint("bucket \(i) count")
            guard (i == 0 || delta > 0), count > 0 else { throw Failure(description: "histogram: bucket \(i) is empty or out of order") }
            let (sum, overflow) = value.addingReportingOverflow(delta)
            guard !overflow else { throw Failure(description: "histogram: bucket \(i) value overflows 64 bits") }
            value = sum
            // Where to record the bucket's counts: any value in the bucket fills the same count,
            // but the histogram also keeps the exact extremes, which clamp its percentiles.
            // (`low` is 0 when a zero was recorded: then the first bucket is the zero bucket.)
            let records: [(UInt64, UInt64)]
            let first = i == 0 && low > 0, last = i == n - 1
            switch (first, last) {
            case (true, true): records = count == 1 ? [(low, UInt64(1))] : [(low, UInt64(1)), (high, count - 1)]
            case (true, false): records = [(low, count)]
            case (false, true): records = [(high, count)]
            case (false, false): records = [(value, count)]
            }
            for (v, c) in records {
                // The top bucket's highest equivalent value may lie above `highest`; record()
                // refuses only values past the last bucket.
                guard h.record(v, count: c) else { throw Failure(description: "histogram: bucket \(i) value \(v) is beyond the highest trackable value \(highest)") }
            }
        }
        guard reader.atEnd else { throw Failure(description: "histogram: \(bytes.count - reader.offset) bytes left over after the last bucket") }
        guard encode(h) == bytes else { throw Failure(description: "histogram: the minimum, maximum and buckets disagree") }
        return h
    }

    static func appendVarint(_ n: UInt64, to out: inout [UInt8]) {
        var n = n
        while n >= 0x80 {
            out.append(UInt8(n & 0x7F) | 0x80)
            n >>= 7
        }
        out.append(UInt8(n))
    }

    struct Reader {
        let bytes: [UInt8]
        var offset = 0
        var atEnd: Bool { offset == bytes.count }

        mutating func varint(_ what: String) throws -> UInt64 {
            var result: UInt64 = 0, shift: UInt64 = 0
            while true {
                guard offset < bytes.count else { throw Failure(description: "histogram: ends inside the \(what)") }
                let b = bytes[offset]
                offset += 1
                guard shift < 64, !(shift == 63 && b > 1) else { throw Failure(description: "histogram: the \(what) overflows 64 bits") }
                result |= UInt64(b & 0x7F) << shift
                if b & 0x80 == 0 { return result }
                shift += 7
            }
        }
    }
}
