/// One point of a chart series. `y == nil` breaks the line (a window with no completions has
/// no latency). `base` is the lower edge of a band (an area between two curves).
struct ChartPoint: Hashable, Sendable {
    var x: Double
    var y: Double?
    var base: Double? = nil
}

/// Thins long series for drawing without hiding spikes: the points are cut into equal buckets
/// and each bucket keeps its minimum and its maximum, in time order. A day of 15 s samples
/// (5,760 points) becomes at most `maxPoints` and still shows every peak and trough.
enum ChartDownsample {
    static func minMax(_ points: [ChartPoint], maxPoints: Int = 1000) -> [ChartPoint] {
        guard maxPoints >= 4, points.count > maxPoints else { return points }
        let buckets = (maxPoints - 1) / 2
        var out: [ChartPoint] = []
        out.reserveCapacity(maxPoints + 2)
        for b in 0..<buckets {
            let lo = points.count * b / buckets
            let hi = points.count * (b + 1) / buckets
            guard lo < hi else { continue }
            // The lowest and highest point of the bucket, by index and value (nil: all gaps).
            var low: (i: Int, y: Double)?, high: (i: Int, y: Double)?
            for i in lo..<hi {
                guard let y = points[i].y else { continue }
                if low.map({ y < $0.y }) ?? true { low = (i, y) }
                if high.map({ y > $0.y }) ?? true { high = (i, y) }
            }
            guard let iMin = low?.i, let iMax = high?.i else {
                // The whole bucket is a gap: keep one gap point so the line still breaks.
                out.append(ChartPoint(x: points[lo].x, y: nil))
                continue
            }
            if iMin == iMax {
                out.append(points[iMin])
            } else {
                out.append(points[Swift.min(iMin, iMax)])
                out.append(points[Swift.max(iMin, iMax)])
            }
        }
        // Keep the true last point so step lines reach the end of the run.
        if let last = points.last, out.last != last { out.append(last) }
        return out
    }
}
