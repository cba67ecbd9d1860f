import CapsimModel
import Decisions
import Foundation
import Simulation

/// `optimize` in words: the winner and its cost, each cheaper candidate with the row it broke
/// and by how much, every candidate run, and how much of the grid the search skipped.
public enum OptimizeRenderer {
    public static func table(_ r: OptimizeResult, scenario: String, duration: Double, seed: UInt64) -> String {
        let money = r.currency.rawValue
        let pct = String(format: "%.0f %%", r.confidence * 100)
        var out = ["Optimize \(scenario): the cheapest setting of \(r.knobs.map { SweepRenderer.shortPath($0.path) }.joined(separator: ", ")) whose SLO rows hold "
                   + "in ≥ \(pct) of \(r.replications) replications of \(formatDuration(duration)) (seed \(seed); a candidate stops at the first run that rules it out)", ""]
        if let w = r.winner {
            out.append("Cheapest that holds: " + setting(r, w))
            out.append("  cost \(money) \(cost(w)) per run over \(w.replications) replications; every row held")
        } else {
            out.append("No setting within the knobs' values holds every row: widen the ranges (the safest values are the last listed).")
        }
        let cheaper = r.cheaperRejected
        if !cheaper.isEmpty {
            out += ["", r.winner == nil ? "What each candidate broke:" : "Cheaper candidates, and what each broke:"]
            for c in cheaper {
                out.append("  \(setting(r, c)): \(money) \(cost(c)) (\(c.replications) run\(c.replications == 1 ? "" : "s"))")
                for b in c.broken.prefix(3) { out.append("    ✘ \(b.row.name): held in \(b.held.successes) of \(b.held.n)" + (howMuch(b).map { "; " + $0 } ?? "")) }
                if c.broken.count > 3 { out.append("    and \(c.broken.count - 3) more row\(c.broken.count == 4 ? "" : "s")") }
            }
        }
        out += ["", "Candidates run, in order:"]
        var t = TextTable(["#"] + r.knobs.map { SweepRenderer.shortPath($0.path) } + ["runs", "cost (\(money))", "verdict"])
        for (i, c) in r.evaluated.enumerated() {
            t.add(["\(i + 1)"] + c.values + ["\(c.replications)", cost(c), c.feasible ? "holds" : c.broken.count == 1 ? "breaks " + c.broken[0].row.name : "breaks \(c.broken.count) rows"])
        }
        out.append(t.render())
        out.append("Searched \(r.evaluated.count) of \(r.gridSize) settings with \(r.simulations) simulations; the whole grid at \(r.replications) replications is \(r.gridSize * r.replications).")
        return out.joined(separator: "\n") + "\n"
    }

    static func setting(_ r: OptimizeResult, _ c: CandidateOutcome) -> String {
        zip(r.knobs, c.values).map { "\(SweepRenderer.shortPath($0.path)) = \($1)" }.joined(separator: ", ")
    }

    static func cost(_ c: CandidateOutcome) -> String {
        guard let e = c.cost else { return "—" }
        return String(format: "%.2f", e.mean) + (e.halfWidth.map { String(format: " ± %.2f", $0) } ?? "")
    }

    /// "observed 5.48s against 1s (+448 %)".
    static func howMuch(_ b: BrokenRow) -> String? {
        guard case .metric(let m, _, let limit) = b.row.kind, let o = b.observed else { return nil }
        func show(_ v: Double) -> String {
            switch m.unit {
            case .seconds: return ReplicationRenderer.value(v, "latency")
            case .fraction: return String(format: "%.2f%%", v * 100)
            default: return ReplicationRenderer.value(v, m.rawValue)
            }
        }
        let excess = b.excess.map { String(format: " (%@%.0f %%)", $0 >= 0 ? "+" : "−", abs($0) * 100) } ?? ""
        return "observed \(show(o.mean))\(o.n > 1 ? " (mean of \(o.n))" : "") against \(show(limit))\(excess)"
    }
}
