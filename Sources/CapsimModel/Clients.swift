/// `clients:` — the users' side of every request of `traffic.routes`: which network a user
/// is on (a share of traffic per network class, each with its round-trip time and packet
/// loss), how long the client waits for an answer, and how it retries. A slowdown the client
/// outwaits becomes retries, so the platform is offered more than users asked for.
public struct Clients: Hashable, Sendable, Codable {
    /// How a retry's wait is drawn from its cap c = min(max, base × 2^(k−1)) before the k-th
    /// retry (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015): `none` waits c,
    /// `equal` c/2 + uniform(0, c/2), `full` uniform(0, c).
    public enum Jitter: String, Hashable, Sendable, Codable, CaseIterable { case none, equal, full }

    public struct Backoff: Hashable, Sendable, Codable {
        /// The cap before the first retry, seconds; it doubles for each retry after.
        public let base: Double
        /// The largest cap, seconds.
        public let max: Double
        public let jitter: Jitter
        public init(base: Double, max: Double, jitter: Jitter) { self.base = base; self.max = max; self.jitter = jitter }

        /// The cap before retry k (1-based): base × 2^(k−1), never above `max`.
        public func cap(retry k: Int) -> Double { Swift.min(max, base * Double(1 << Swift.min(Swift.max(k - 1, 0), 52))) }
    }

    /// A class of network users reach the platform over (urban 4G, rural 2G, satellite).
    public struct Network: Hashable, Sendable, Codable {
        public let name: String
        /// The share of users on it (the shares sum to 1).
        public let share: Double
        /// The round trip an attempt adds: half on the way to the platform, half on the way back.
        public let rtt: ServiceTime
        /// The probability a packet is lost in each direction; a lost attempt or answer shows
        /// up at the client as a timeout.
        public let loss: Double
        public init(name: String, share: Double, rtt: ServiceTime, loss: Double) { self.name = name; self.share = share; self.rtt = rtt; self.loss = loss }
    }

    /// The client abandons an attempt this long after sending it, seconds.
    public let timeout: Double
    /// Attempts after the first, at most.
    public let retries: Int
    public let backoff: Backoff
    /// In the order the scenario writes them (how reports list them).
    public let networks: [Network]

    public init(timeout: Double, retries: Int, backoff: Backoff, networks: [Network]) {
        self.timeout = timeout; self.retries = retries; self.backoff = backoff; self.networks = networks
    }

    public var networkNames: [String] { networks.map(\.name) }
}
