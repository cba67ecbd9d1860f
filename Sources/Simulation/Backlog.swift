/// A stretch of a run in which a station's backlog kept growing: requests arrived faster than
/// it served them for minutes on end. A collapse looks like this (a backlog that grows until
/// the run ends), and so does a surge the autoscaler is late for (one that grows, then drains).
///
/// The backlog is everything waiting at or for the station: its queues and the requests
/// waiting outside it (for a database connection, a hot row's lock, a caller's pool). Over a
/// sliding window of `window` seconds (2 minutes), the backlog is growing when it rose by at
/// least `max(100 requests, 1 % of what the station served in the window)`: a station that
/// keeps up holds its backlog level, so a rise of 1 % of its throughput sustained over two
/// minutes is offered load above capacity, not noise. Consecutive growing windows make one
/// stretch. Only the measured part of the run counts: windows start at the end of warm-up
/// (a collapse that begins in warm-up goes on growing after it and is found there).
public struct Backlog: Hashable, Sendable, Codable {
    public let service: String
    /// The stretch, seconds from the start of the run.
    public let from: Double
    public let to: Double
    /// The backlog at the start and end of the stretch, and the most within it.
    public let startBacklog: Int
    public let endBacklog: Int
    public let peakBacklog: Int
    /// Mean arrivals and completions per second at the station over the stretch.
    public let arrivalRate: Double
    public let throughput: Double
    /// The backlog when the run ended: 0 means it drained.
    public let backlogAtEnd: Int
    /// The stretch lasts until the last sample: the backlog was still growing at the end.
    public let untilEnd: Bool

    /// How long the backlog kept growing.
    public var duration: Double { to - from }

    /// The sliding window over which growth is judged.
    public static let window = 120.0
    /// The least growth over a window that counts, in requests.
    public static let minimumGrowth = 100
    /// The least growth over a window that counts, as a share of what the station served in it.
    public static let minimumGrowthShare = 0.01

    /// The stretches of growing backlog in a run's timeline, station by station in the order
    /// of `services`, each station's in time order.
    public static func find(in timeline: [ServiceSample], services: [ServiceSummary], period: Double, warmup: Double) -> [Backlog] {
        guard period > 0 else { return [] }
        var byService: [String: [ServiceSample]] = [:]
        for s in timeline where s.time >= warmup - 1e-9 { byService[s.service, default: []].append(s) }
        let w = max(1, Int((window / period).rounded()))
        var found: [Backlog] = []
        for summary in services {
            guard let samples = byService[summary.service], samples.count > w else { continue }
            var k = w
            while k < samples.count {
                guard growing(samples, k, w) else { k += 1; continue }
                let first = k - w
                var last = k
                while last + 1 < samples.count && growing(samples, last + 1, w) { last += 1 }
                let stretch = samples[first...last]
                let span = Double(last - first) * period
                let arrived = stretch.dropFirst().reduce(0.0) { $0 + $1.arrivalRate * period }
                let served = stretch.dropFirst().reduce(0.0) { $0 + $1.throughput * period }
                found.append(Backlog(service: summary.service, from: samples[first].time, to: samples[last].time,
                                     startBacklog: samples[first].backlog, endBacklog: samples[last].backlog,
                                     peakBacklog: stretch.map(\.backlog).max() ?? 0,
                                     arrivalRate: span > 0 ? arrived / span : 0, throughput: span > 0 ? served / span : 0,
                                     backlogAtEnd: summary.backlogAtEnd, untilEnd: last == samples.count - 1))
                k = last + 1
            }
        }
        return found
    }

    /// Whether the window ending at sample `k` (the `w` samples after `k − w`) saw the backlog grow.
    static func growing(_ s: [ServiceSample], _ k: Int, _ w: Int) -> Bool {
        let rise = s[k].backlog - s[k - w].backlog
        guard rise >= minimumGrowth else { return false }
        let period = s[k].time - s[k - 1].time
        var served = 0.0
        for j in (k - w + 1)...k { served += s[j].throughput * period }
        return Double(rise) >= minimumGrowthShare * served
    }
}
