import Autoscaling
import CapsimModel

/// Scheduled scaling in the run (`autoscaling.schedule`): the rule in force is handed to the
/// HPA at each sync as one more proposal (`Observation.scheduled`), and each window's opening
/// and closing is written to the scaling log, so events.csv shows when a pre-scale began and
/// what the HPA did with it.
extension Simulator {
    /// The highest count any of the station's rules asks for now; nil when none is in force or
    /// the run is the counterfactual without schedules.
    func scheduledMinimum(_ station: Int) -> ScheduledMinimum? {
        guard options.scheduledScaling else { return nil }
        var best: ScheduledMinimum?
        for r in schedules.rules where r.station == station && r.inForce(at: now) {
            if best == nil || r.rule.replicas > best!.replicas { best = ScheduledMinimum(replicas: r.rule.replicas, rule: r.rule.name) }
        }
        return best
    }

    func scheduleEdges() {
        guard options.scheduledScaling else { return }
        for (i, r) in schedules.rules.enumerated() {
            for span in r.intervals {
                kernel.schedule(.scheduleEdge, at: span.from, Int32(i))
                if span.to < options.duration { kernel.schedule(.scheduleEdge, at: span.to, Int32(i)) }
            }
        }
    }

    func scheduleEdge(_ i: Int) {
        let r = schedules.rules[i], st = stations[r.station]
        let open = r.inForce(at: now)
        let what: String
        switch r.rule.when {
        case .cron(let a, let b, let zone): what = "cron window \"\(a)\" to \"\(b)\" (\(zone))"
        case .before(let o, let lead): what = "\(formatDuration(lead)) before \(o.description)"
        }
        let until = r.intervals.first { $0.from <= now && now < $0.to }.map { " until \(formatElapsed($0.to)) into the run" } ?? ""
        let reason = open
            ? "\(what): the HPA is asked for \(r.rule.replicas) replicas\(until), its behavior setting the pace"
            : "\(what) closed: the HPA's metrics alone decide again (scale-down after its stabilization window)"
        scaling.events.append(ScalingEvent(time: now, service: st.name, policy: "schedule \(r.rule.name)", rule: open ? "window-open" : "window-close",
                                           metricValue: nil, window: nil, from: st.replicas, to: st.replicas, reason: reason, alert: nil))
    }
}
