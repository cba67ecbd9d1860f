import Histogram

/// Latency percentiles in milliseconds (HdrHistogram, 3 significant digits, recorded in µs).
public struct LatencySummary: Hashable, Sendable, Codable {
    public var count: Int
    public var mean: Double
    public var p50: Double
    public var p90: Double
    public var p95: Double
    public var p99: Double
    public var p999: Double
    public var max: Double

    public init(_ h: Histogram<UInt64>) {
        count = Int(h.totalCount)
        func ms(_ us: UInt64) -> Double { Double(us) / 1000 }
        if h.totalCount == 0 {
            mean = 0; p50 = 0; p90 = 0; p95 = 0; p99 = 0; p999 = 0; max = 0
        } else {
            mean = h.mean / 1000
            p50 = ms(h.valueAtPercentile(50)); p90 = ms(h.valueAtPercentile(90)); p95 = ms(h.valueAtPercentile(95))
            p99 = ms(h.valueAtPercentile(99)); p999 = ms(h.valueAtPercentile(99.9)); max = ms(h.max)
        }
    }
}

/// The server's own account of its responses (from `Server-Timing`): time waiting for a worker
/// and time holding one. Round trip minus these is network, parsing and the client.
public struct ServerTimeSummary: Hashable, Sendable, Codable {
    public var queue: LatencySummary
    public var app: LatencySummary
}

/// Counts for one mix entry.
public struct RouteResult: Hashable, Sendable, Codable {
    public var route: String
    public var sent: Int
    public var completed: Int
    /// Responses by status code ("200", "500").
    public var statuses: [String: Int]
}

/// One request, when `LoadPlan.recordSamples` is set. Times in seconds from the run's start.
public struct RequestSample: Hashable, Sendable, Codable {
    public var index: Int
    public var route: Int
    public var intended: Double
    /// Actual send minus intended send (nil: never sent).
    public var sendLag: Double?
    /// Response end minus intended send: the open-loop latency (nil: no response).
    public var latency: Double?
    /// HTTP status, or nil for a connection error, timeout or unsent request.
    public var status: Int?
    /// Response end minus actual send: what a closed-loop tool would report.
    public var serviceTime: Double? { latency.flatMap { l in sendLag.map { l - $0 } } }
}

/// What an open-loop run measured. Equal when every field is, the raw histograms included.
public struct LoadResult: Sendable, Codable, Equatable {
    public var target: String
    /// Requested mean rate (scheduled requests ÷ duration).
    public var requestedRate: Double
    public var duration: Double
    public var connections: Int
    public var seed: UInt64
    /// Requests the plan scheduled, requests written to a connection, responses received.
    public var scheduled: Int
    public var sent: Int
    public var completed: Int
    /// TCP connections opened, the first `connections` included (more: the server closed some).
    public var connectionsOpened: Int
    /// Responses per second over [start, max(duration, last response)].
    public var achievedRate: Double
    /// Seconds from the start to the last response (or the end of the duration, if later).
    public var elapsed: Double
    /// Requests sent more than `lateThreshold` seconds after their intended time.
    public var lateSends: Int
    public var lateThreshold: Double
    /// Largest actual-minus-intended send time, in milliseconds.
    public var maxSendLag: Double
    /// Latency from each request's INTENDED send time (no coordinated omission).
    public var latency: LatencySummary
    /// Latency from the ACTUAL send time: the closed-loop view, which hides queueing in the client.
    public var serviceTime: LatencySummary
    /// The server's queue wait and handler time, when its responses carry `Server-Timing`.
    public var serverTime: ServerTimeSummary?
    /// Responses by status code ("200": n).
    public var statuses: [String: Int]
    /// Failures: status codes ≥ 400, "connection" (lost with a request in flight), "connect"
    /// (a reconnect failed), "timeout" (no response by the drain deadline), "unsent".
    public var errors: [String: Int]
    public var routes: [RouteResult]
    public var samples: [RequestSample]?

    /// The raw histograms (µs), for callers that need more than the summary; not encoded.
    public var latencyHistogram: Histogram<UInt64>?
    public var serviceTimeHistogram: Histogram<UInt64>?
    public var serverQueueHistogram: Histogram<UInt64>?
    public var serverAppHistogram: Histogram<UInt64>?

    enum CodingKeys: String, CodingKey {
        case target, requestedRate, duration, connections, seed, scheduled, sent, completed, connectionsOpened, achievedRate, elapsed
        case lateSends, lateThreshold, maxSendLag, latency, serviceTime, serverTime, statuses, errors, routes, samples
    }

    public var errorCount: Int { errors.values.reduce(0, +) }

    /// A histogram's recorded values as (seconds, count) bins (HdrHistogram's buckets, µs → s).
    public func bins(of histogram: Histogram<UInt64>?) -> [(seconds: Double, count: Double)]? {
        histogram.map { $0.recordedValues().map { (seconds: Double($0.value) / 1e6, count: Double($0.count)) } }
    }

    /// Fraction of responses whose open-loop latency exceeds `seconds`.
    public func fractionSlowerThan(_ seconds: Double, serviceTime: Bool = false) -> Double {
        guard let h = serviceTime ? serviceTimeHistogram : latencyHistogram, h.totalCount > 0 else { return 0 }
        let us = UInt64(seconds * 1e6)
        let above = h.totalCount - h.count(within: 0...us)
        return Double(above) / Double(h.totalCount)
    }
}
