import Foundation
import Histogram
@testable import LoadGen
import Testing

@Suite struct HistogramCodingTests {
    /// The load engine's configuration: µs from 1 to an hour, 3 significant digits.
    func engineHistogram() -> Histogram<UInt64> {
        Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    }

    @Test("a histogram decodes equal: same buckets, percentiles, mean and max")
    func roundTrip() throws {
        var h = engineHistogram()
        var x: UInt64 = 12345
        for i in 0..<50_000 {
            x = x &* 6364136223846793005 &+ 1442695040888963407
            h.record(1 + (x >> 40) % (i % 100 == 0 ? 3_000_000_000 : 20_000))
        }
        h.record(1, count: 7)
        h.record(3_599_999_999)
        let back = try HistogramCoding.decode(HistogramCoding.encode(h))
        #expect(back == h)
        #expect(back.totalCount == h.totalCount)
        #expect(back.max == h.max)
        #expect(back.maxRecorded == h.maxRecorded && back.min == h.min, "the exact extremes, which clamp percentiles")
        #expect(back.mean == h.mean)
        for p in [0.0, 1, 25, 50, 90, 99, 99.9, 99.99, 100] { #expect(back.valueAtPercentile(p) == h.valueAtPercentile(p), "p\(p)") }
        #expect(LatencySummary(back) == LatencySummary(h))
    }

    @Test("the byte layout: version, configuration, bucket count, then (value delta, count) varints")
    func layout() throws {
        var h = engineHistogram()
        h.record(1, count: 2)
        h.record(1000)            // below 2048 every value is its own bucket at 3 digits
        let bytes = HistogramCoding.encode(h)
        var highest: [UInt8] = []
        HistogramCoding.appendVarint(h.highestTrackableValue, to: &highest)
        #expect(bytes == [1, 1] + highest + [3, 1, 0xE8, 0x07, 2, 1, 2, 0xE7, 0x07, 1])
        #expect(try HistogramCoding.decode(bytes) == h)
    }

    @Test("an empty histogram round-trips")
    func empty() throws {
        let h = engineHistogram()
        let back = try HistogramCoding.decode(HistogramCoding.encode(h))
        #expect(back.totalCount == 0)
        #expect(back == h)
    }

    @Test("malformed bytes are refused with a reason, never misread")
    func malformed() throws {
        var h = engineHistogram()
        h.record(5); h.record(500)
        let good = HistogramCoding.encode(h)
        func reason(_ bytes: [UInt8]) -> String? {
            do { _ = try HistogramCoding.decode(bytes); return nil } catch { return "\(error)" }
        }
        #expect(reason([]) == "histogram: ends inside the version")
        #expect(reason([2] + good.dropFirst()) == "histogram: unknown format version 2")
        #expect(reason(good + [0]) == "histogram: 1 bytes left over after the last bucket")
        #expect(reason(Array(good.dropLast())) == "histogram: ends inside the bucket 1 count")
        #expect(reason(Array(good.dropLast()) + [0]) == "histogram: bucket 1 is empty or out of order")
        #expect(reason([1, 0, 10, 3, 0]) == "histogram: impossible configuration (lowest 0, highest 10, digits 3)")
        // A maximum outside the top bucket.
        var wrongMax = good
        #expect(Array(good.suffix(8)) == [0xF4, 0x03, 2, 5, 1, 0xEF, 0x03, 1])   // max 500, 2 buckets: (5, 1), (+495, 1)
        wrongMax[wrongMax.count - 7] = 9                                         // max 1268
        #expect(reason(wrongMax) == "histogram: the minimum, maximum and buckets disagree")
        #expect(reason([1, 1] + Array(repeating: 0xFF, count: 10) + [1]) == "histogram: the highest value overflows 64 bits")
    }
}
