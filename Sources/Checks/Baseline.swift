import CapsimModel
import Foundation
import Simulation

/// What a baseline pins: each service's summary and the sequence of scaling decisions.
/// Written by `capsim check --write-baseline FILE` and committed next to the scenario, or
/// taken from a stored run.
public struct Baseline: Hashable, Sendable, Codable {
    public let scenario: String
    public let seed: UInt64
    public let duration: Double
    public let services: [ServiceSummary]
    public let scaling: [ScalingEvent]

    public init(_ r: SimulationResult) {
        scenario = r.scenario; seed = r.seed; duration = r.duration; services = r.services; scaling = r.scaling
    }

    public func json() -> String {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? e.encode(self)) ?? Data(), as: UTF8.self) + "\n"
    }

    public static func decode(_ data: Data) throws -> Baseline {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        return try d.decode(Baseline.self, from: data)
    }
}

/// Compares a run with a baseline: a metric fails when it is worse than the baseline by more
/// than the relative tolerance (and an absolute floor, so 1 ms → 1.2 ms is not a regression);
/// the scaling decisions fail at the first one that differs (a trigger regression).
public enum BaselineComparator {
    /// Absolute slack below which a latency change is noise: 1 ms.
    public static let latencyFloor = 0.001

    public static func compare(_ r: SimulationResult, with b: Baseline, tolerance: Double) -> [CheckOutcome] {
        var out: [CheckOutcome] = []
        if r.seed != b.seed || r.duration != b.duration {
            out.append(CheckOutcome(name: "baseline is comparable", passed: false,
                                    detail: "baseline ran seed \(b.seed) for \(formatDuration(b.duration)); this run seed \(r.seed) for \(formatDuration(r.duration)): rerun with the same seed and duration"))
            return out
        }
        for base in b.services {
            guard let cur = r.services.first(where: { $0.service == base.service }) else {
                out.append(CheckOutcome(name: "\(base.service) present", passed: false, detail: "in the baseline but not in this run"))
                continue
            }
            let pairs: [(String, Double?, Double?, Bool)] = [
                ("latency p50", cur.latency?.p50, base.latency?.p50, true),
                ("latency p95", cur.latency?.p95, base.latency?.p95, true),
                ("latency p99", cur.latency?.p99, base.latency?.p99, true),
                ("instance-hours", cur.instanceHours, base.instanceHours, false),
            ]
            for (what, c, bv, isLatency) in pairs {
                guard let c, let bv else { continue }
                let limit = bv * (1 + tolerance) + (isLatency ? latencyFloor : 1e-9)
                let change = bv > 0 ? (c - bv) / bv * 100 : 0
                let show = isLatency ? { formatDuration(($0 * 1e5).rounded() / 1e5) } : { String(format: "%.2f", $0) }
                out.append(CheckOutcome(name: "\(base.service) \(what) within \(trim(tolerance * 100))% of baseline", passed: c <= limit,
                                        detail: "\(show(c)) vs baseline \(show(bv)) (\(change >= 0 ? "+" : "")\(String(format: "%.1f", change))%)"))
            }
            for (what, c, bv) in [("dropped", cur.dropped, base.dropped), ("timed out", cur.timedOut, base.timedOut)] {
                let limit = Double(bv) * (1 + tolerance)
                out.append(CheckOutcome(name: "\(base.service) \(what) no more than baseline", passed: Double(c) <= limit, detail: "\(c) vs baseline \(bv)"))
            }
        }
        out.append(decisions(r.scaling, b.scaling))
        return out
    }

    /// The scaling decisions must match one for one (time, service, policy, rule, from → to).
    static func decisions(_ cur: [ScalingEvent], _ base: [ScalingEvent]) -> CheckOutcome {
        func line(_ e: ScalingEvent) -> String {
            "\(String(format: "%.0f", e.time))s \(e.service) \(e.policy) [\(e.rule)] \(e.from) → \(e.to)"
        }
        for i in 0..<max(cur.count, base.count) {
            let c = i < cur.count ? line(cur[i]) : nil, b = i < base.count ? line(base[i]) : nil
            if c != b {
                return CheckOutcome(name: "scaling decisions match the baseline", passed: false,
                                    detail: "decision \(i + 1) differs: baseline \(b ?? "(none)"), this run \(c ?? "(none)")")
            }
        }
        return CheckOutcome(name: "scaling decisions match the baseline", passed: true, detail: "\(cur.count) decisions, identical")
    }
}
