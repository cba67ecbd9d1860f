import CapsimModel
import Foundation

/// What a reader must see before any table: stations whose backlog grew (`Backlog`) and routes
/// that completed little of their traffic, each with the reason the run gives. `simulate`
/// prints these first, the HTML verdict shows them, and `check` reports them as warnings
/// (`expect: - {no_backlog: NAME}` makes a backlog fail the check).
public struct Finding: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// A station's backlog grew for a sustained stretch.
        case backlog(Backlog)
        /// A route that received traffic completed less than half of it.
        case starvedRoute(String)
    }
    public let kind: Kind
    /// The station or route it is about.
    public let subject: String
    public let message: String
}

extension SimulationResult {
    /// A route completing less than this share of its arrivals is named in the findings.
    public static let starvedRouteShare = 0.5

    public var findings: [Finding] {
        var out: [Finding] = []
        for b in backlogs {
            let span = max(b.to - b.from, 1e-9)
            let excess = Double(b.endBacklog - b.startBacklog) / span
            var text = "\(b.service): backlog grew from \(Self.count(b.startBacklog)) to \(Self.count(b.endBacklog)) from \(formatElapsed(b.from)) to \(formatElapsed(b.to)) into the run"
                + " (\(Self.rate(excess)) more arrived than it served; it served \(Self.rate(b.throughput)))"
            if b.untilEnd {
                text += "; still growing when the run ended, \(Self.count(b.backlogAtEnd)) waiting"
            } else if b.backlogAtEnd >= Backlog.minimumGrowth {
                text += "; \(Self.count(b.backlogAtEnd)) still waiting at the end"
            } else {
                text += "; drained by the end"
            }
            if b.backlogAtEnd >= Backlog.minimumGrowth, let s = services.first(where: { $0.service == b.service }), let blocked = s.blockedAtEnd, blocked > 0 {
                text += " (\(Self.count(blocked)) of them outside it, waiting for \(s.kind == "database" ? "a connection or a row lock" : "a caller's connection pool"))"
            }
            out.append(Finding(kind: .backlog(b), subject: b.service, message: text))
        }
        for r in routes {
            guard let arrivals = r.arrivals, arrivals > 0, Double(r.completed) < Self.starvedRouteShare * Double(arrivals) else { continue }
            var why: [String] = []
            if let n = r.failed, n > 0 { why.append("\(Self.count(n)) failed after every retry") }
            if let n = r.dropped, n > 0 { why.append("\(Self.count(n)) turned away by a full queue") }
            if let n = r.timedOut, n > 0 { why.append("\(Self.count(n)) timed out in a queue") }
            if let n = r.inFlightAtEnd, n > 0 { why.append("\(Self.count(n)) still in flight at the end") }
            let share = String(format: "%.1f%%", Double(r.completed) / Double(arrivals) * 100)
            out.append(Finding(kind: .starvedRoute(r.route), subject: r.route,
                               message: "route \(r.route): \(Self.count(r.completed)) of \(Self.count(arrivals)) requests completed (\(share))" + (why.isEmpty ? "" : ": " + why.joined(separator: ", "))))
        }
        return out
    }

    static func count(_ n: Int) -> String { formatGrouped(n) }

    static func rate(_ r: Double) -> String { r >= 100 ? "\(formatGrouped(Int(r.rounded())))/s" : String(format: "%.1f/s", r) }
}

extension Array where Element == Finding {
    /// The backlog stretches among these findings, in order.
    public var backlogs: [Backlog] { compactMap { if case .backlog(let b) = $0.kind { return b } else { return nil } } }
}
