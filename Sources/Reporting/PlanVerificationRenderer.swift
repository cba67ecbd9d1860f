import CapsimModel
import Foundation
import PlanVerification
import Simulation

/// Renders `plan --verify` as a terminal table, Markdown, JSON or CSV: per horizon, each
/// service's SLO and replicas beside the plan's count, then the verdict in words.
public enum PlanVerificationRenderer {
    public static func render(_ v: PlanVerification, as format: PlanRenderer.Format) -> String {
        switch format {
        case .table: return text(v, markdown: false)
        case .markdown: return text(v, markdown: true)
        case .json: return json(v)
        case .csv: return csv(v)
        }
    }

    static func header(_ v: PlanVerification) -> String {
        let n = v.seeds.count
        let seeds = v.seeds.prefix(3).map(String.init).joined(separator: ", ") + (n > 3 ? ", …" : "")
        return "capsim plan --verify: \(v.scenario) (\(n) replication\(n == 1 ? "" : "s") of \(formatDuration(v.durationSeconds)) per horizon, "
            + (v.warmupSeconds > 0 ? "\(formatDuration(v.warmupSeconds)) warm-up excluded" : "no warm-up") + "; seeds \(seeds); mean ± 95 % CI over the replications)"
    }

    static func text(_ v: PlanVerification, markdown: Bool) -> String {
        var out = [markdown ? "# " + header(v) : header(v)]
        out += v.notes.map { (markdown ? "- " : "  ") + $0 }
        for h in v.horizons {
            out += ["", (markdown ? "## " : "") + horizonTitle(h)]
            let t = table(h, currency: v.currency)
            out.append(markdown ? t.markdown() : t.render())
            if markdown { out.append("") }
            out += h.services.map { (markdown ? "- **\($0.service)**: " : "  \($0.service): ") + $0.explanation }
            out += h.notes.map { (markdown ? "- " : "  note: ") + $0 }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// `Month 12: traffic ×6.55 (growth ×2.52 × seasonal ×2 × feature ×1.3; the plan adds safety ×2.5)`,
    /// or "traffic per service" when the services' own factors differ.
    static func horizonTitle(_ h: HorizonVerification) -> String {
        guard let first = h.services.first else { return "Month \(h.months)" }
        var surges: [String] = []
        for s in h.services { if let b = s.boundBySurge, !surges.contains(b) { surges.append(b) } }
        let bound = surges.isEmpty ? "" : "; the plan's season is surge \(surges.joined(separator: ", ")), which the copy replays as written"
        guard h.services.allSatisfy({ $0.trafficMultiplier == first.trafficMultiplier && $0.safetyFactor == first.safetyFactor }) else {
            return "Month \(h.months): traffic per service (growth × seasonal × feature), without the safety factor" + bound
        }
        return "Month \(h.months): traffic \(Wording.ratio(first.trafficMultiplier)) (growth \(Wording.ratio(first.growthMultiplier)) × seasonal "
            + "\(Wording.ratio(first.seasonalFactor)) × feature \(Wording.ratio(first.featureInteractionFactor)); the plan adds safety \(Wording.ratio(first.safetyFactor))\(bound))"
    }

    static func table(_ h: HorizonVerification, currency: Currency) -> TextTable {
        let mixed = Set(h.services.map(\.trafficMultiplier)).count > 1
        let money = currency.rawValue
        var t = TextTable(["service"] + (mixed ? ["traffic"] : []) + ["SLO", "simulated", "held", "samples within", "plan", "max", "peak replicas",
                                                                       "plan ÷ peak", "util at plan", "\(money)/h simulated", "\(money)/h plan", "verdict"])
        for s in h.services {
            let slo = s.slo
            func est(_ e: Estimate?, _ f: (Double) -> String) -> String { e.map { Wording.estimate($0, f) } ?? "—" }
            let objective: String = slo.map { "\(Wording.statistic($0.metric)) ≤ \(formatDuration($0.objectiveSeconds))" } ?? "—"
            let held: String = slo.map { "\($0.held.successes)/\($0.held.n)" } ?? "—"
            let util: String = s.utilizationAtPlan.map { Wording.percent($0.mean) } ?? "—"
            let sloCells: [String] = [objective, est(slo?.value, Wording.latency), held, est(slo?.samplesWithin, Wording.percent)]
            let fleet: [String] = ["\(s.planInstances)", s.autoscaled ? "\(s.verifiedMaxReplicas)" : "fixed", Wording.estimate(s.peakReplicas, oneDecimal),
                                   Wording.ratio(s.replicaHeadroom.mean), util]
            let money: [String] = [est(s.costPerHour, twoDecimals), s.planCostPerHour.map(twoDecimals) ?? "—"]
            let traffic: [String] = mixed ? [Wording.ratio(s.trafficMultiplier)] : []
            t.add([s.service] + traffic + sloCells + fleet + money + [s.verdict.rawValue.replacingOccurrences(of: "_", with: " ")])
        }
        return t
    }

    static func oneDecimal(_ v: Double) -> String { String(format: "%.1f", v) }
    static func twoDecimals(_ v: Double) -> String { String(format: "%.2f", v) }
}
