import CapsimModel
import Simulation

/// What a verification measured for one service, and the verdict and words that follow.
struct Judgement {
    /// Above this, plan ÷ the autoscaler's peak is spare capacity rather than margin: the HPA
    /// targets the same utilisation the plan counted at, so at 1.5 a third of the plan's fleet
    /// sat idle at the busiest moment of the simulated horizon.
    static let generousRatio = 1.5

    let planInstances: Int
    let minReplicas: Int
    let autoscaled: Bool
    let slo: SLOVerification?
    let peakReplicas: Estimate
    let turnedAway: Estimate
    let turnedAwayShare: Estimate?
    let reachedPlan: Proportion
    let replicaHeadroom: Estimate
    let safetyFactor: Double
    let safetyLeft: Estimate?
    let peakArrivalRps: Estimate
    let utilizationAtPlan: Estimate?
    let targetUtilization: Double

    var verdict: Verdict {
        if let slo, slo.held.successes < slo.held.n { return slo.held.successes == 0 ? .sloFails : .sloAtRisk }
        if turnedAway.max > 0 { return .turnsAway }
        if autoscaled && reachedPlan.successes > 0 { return .planReached }
        // A fixed fleet's spare capacity is its target over the utilisation it ran at.
        let spare = autoscaled ? replicaHeadroom.mean : utilizationAtPlan.map { targetUtilization / $0.mean } ?? 1
        return spare >= Self.generousRatio ? .planGenerous : .agrees
    }

    var explanation: String {
        var parts: [String] = []
        if let slo { parts.append(sloClause(slo)) }
        if turnedAway.max > 0 {
            let share = turnedAwayShare.map { ", \(Wording.percent($0.mean)) of arrivals" } ?? ""
            parts.append("it turned away \(Wording.estimate(turnedAway, Wording.requests)) requests a run (full queue or queue timeout\(share)), which no latency counts")
        }
        parts.append(replicaClause)
        if let safetyLeft {
            let util = utilizationAtPlan.map { ", where the plan's fleet would run at \(Wording.percent($0.mean)) (counted at \(Wording.percent(targetUtilization)))" } ?? ""
            parts.append("the safety factor \(Wording.ratio(safetyFactor)) left \(Wording.ratio(safetyLeft.mean)) over the simulated peak of "
                         + Wording.rate(peakArrivalRps.mean) + util)
        } else {
            parts.append("no request arrived after warm-up")
        }
        let text = parts.joined(separator: "; ")
        return text.prefix(1).uppercased() + text.dropFirst() + "."
    }

    func sloClause(_ slo: SLOVerification) -> String {
        let stat = Wording.statistic(slo.metric)
        let observed = slo.value.map { "\(stat) \(Wording.estimate($0, Wording.latency)) against \(formatDuration(slo.objectiveSeconds))" }
            ?? "no request completed after warm-up"
        switch slo.held.successes {
        case slo.held.n: return "the \(stat) SLO held in every replication (\(observed))"
        case 0: return "the \(stat) SLO failed in every replication (\(observed))"
        default: return "the \(stat) SLO held in only \(Wording.share(slo.held)) (\(observed))"
        }
    }

    var replicaClause: String {
        let peak = Int(peakReplicas.max)
        let failing = slo.map { $0.held.successes < $0.held.n } ?? false
        guard autoscaled else { return "on the plan's fixed \(planInstances) instances" }
        if reachedPlan.successes > 0 {
            let when = reachedPlan.successes == reachedPlan.n ? "" : " in \(Wording.share(reachedPlan))"
            if peak > planInstances {
                let went = "the autoscaler went up to \(peak) replicas\(when), beyond the plan's \(planInstances)"
                // The plan's fleet would have carried the peak at its target: the autoscaler's
                // reaction to the ramp overshot, not the formula.
                if !failing, let u = utilizationAtPlan, u.mean <= targetUtilization {
                    return went + ", though the plan's count would have run at \(Wording.percent(u.mean)) at the peak: the autoscaler overshoots on the ramp"
                }
                return went + ": the formula under-counts this traffic"
            }
            if failing { return "the autoscaler used all \(planInstances) instances the plan gives\(when): the formula's count is too few for this traffic" }
            return "the autoscaler used all \(planInstances) instances the plan gives\(when): what this traffic takes, with none to spare"
        }
        if peakReplicas.max <= Double(minReplicas) {
            return "the autoscaler never left the service's min of \(minReplicas)" + (planInstances == minReplicas ? ", which is the plan's count too" : "")
                + (failing ? ": more instances in the plan would not help" : "")
        }
        if failing {
            return "yet the autoscaler never used more than \(peak) of the plan's \(planInstances): a larger count would not help — "
                + "the HPA's target or reaction time, or what the service waits on (a database, a downstream call), would"
        }
        let headroom = Wording.ratio(replicaHeadroom.mean)
        if replicaHeadroom.mean >= Self.generousRatio {
            return "the plan's \(planInstances) is \(headroom) the autoscaler's peak of \(Wording.count(peakReplicas.mean)): instances this traffic never used"
        }
        return "the autoscaler peaked at \(Wording.count(peakReplicas.mean)) of the plan's \(planInstances) (\(headroom) headroom)"
    }
}
