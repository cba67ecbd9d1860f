extension ScenarioValidator {
    /// A schedule acts through the HPA, as KEDA's cron scaler does, so it needs one; its count
    /// is at least 1 (the HPA clamps it to the max); what it anticipates must exist in the scenario, and
    /// anything on the calendar needs the run anchored to a date.
    func schedule(_ sv: Service, _ path: String) {
        let rules = sv.autoscaling.schedule
        guard !rules.isEmpty else { return }
        if sv.autoscaling.hpa == nil {
            r.error(path, "a schedule raises the replica count through the HPA (as KEDA's cron scaler does): give \(sv.name) an autoscaling.hpa")
        }
        var names: Set<String> = []
        for (i, rule) in rules.enumerated() {
            let p = r.item(path, i)
            if !names.insert(rule.name).inserted { r.error(join(p, "name"), "another rule of \(sv.name) is already named \"\(rule.name)\"") }
            // Above the max the HPA clamps, as it does a KEDA cron trigger's desiredReplicas.
            check(rule.replicas >= 1, join(p, "replicas"), "expected at least 1 replica, got \(rule.replicas)")
            switch rule.when {
            case .cron:
                check(s.simulation.start != nil, join(p, "start"), "a cron window needs simulation.start: the date and time the run begins")
            case .before(let occasion, let lead):
                check(lead >= 0, join(p, "lead"), "expected a lead of 0s or more, got \(formatDuration(lead))")
                switch occasion {
                case .surge(let n):
                    known(n, in: s.traffic?.surges.map(\.name) ?? [], what: "surge", join(p, "before"))
                case .season(let n):
                    known(n, in: s.seasons.keys.sorted(), what: "season", join(p, "before"))
                case .holiday(let n):
                    known(n, in: ScenarioFormat.holidays, what: "holiday or observance", join(p, "before"))
                case .everyHoliday:
                    break
                }
                if case .surge = occasion {} else {
                    check(s.simulation.start != nil, join(p, "before"), "the calendar needs simulation.start: the date and time the run begins")
                }
            }
        }
    }
}
