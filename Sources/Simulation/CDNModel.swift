import CapsimModel

/// What the CDN takes off the origins: per path with an edge `rate`, the hit ratio (given, or
/// derived from the TTL) and the origin requests that remain. The simulator sends those origin
/// requests to the path's service as routes of their own, so origin load, latency and scaling
/// include them; the offload itself is computed, not sampled.
public struct CDNPathSummary: Hashable, Sendable, Codable {
    public let group: String
    public let path: String
    public let service: String
    public let ttl: Double
    public let edgeRate: Double
    public let hitRatio: Double
    /// True when the hit ratio comes from the TTL and per-object rate rather than the scenario.
    public let derived: Bool
    public var originRate: Double { edgeRate * (1 - hitRatio) }
    /// The route name origin requests run under.
    public var route: String { "cdn \(path)" }

    public static func paths(_ s: Scenario) -> [CDNPathSummary] {
        guard let cdn = s.cdn else { return [] }
        return cdn.groupNames.flatMap { g in
            cdn.paths[g]!.compactMap { p -> CDNPathSummary? in
                guard let rate = p.rate, let svc = p.service, let h = p.effectiveHitRatio else { return nil }
                return CDNPathSummary(group: g, path: p.path, service: svc, ttl: p.ttl, edgeRate: rate, hitRatio: h, derived: p.hitRatio == nil)
            }
        }
    }
}
