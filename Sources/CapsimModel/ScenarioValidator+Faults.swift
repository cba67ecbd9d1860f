// `faults:` and `platform.zones`: every fault names something that exists, falls inside the
// run and has sane amounts; names are unique, so `during:` rows and `--fault NAME` resolve.

extension ScenarioValidator {
    func faults() {
        let zones = s.platform.zones
        for (i, z) in zones.enumerated() {
            let p = r.item("platform.zones", i)
            check(!z.trimmingCharacters(in: .whitespaces).isEmpty, p, "expected a zone name, got an empty value")
            if zones[..<i].contains(z) { r.error(p, "the zone \"\(z)\" is listed twice") }
        }
        if let k = s.platform.survivesZones {
            let p = "platform.survives.zones"
            if zones.isEmpty {
                r.error(p, "surviving the loss of zones needs zones: list them under platform.zones, like [zone-a, zone-b, zone-c]")
            } else {
                check(k >= 1 && k < zones.count, p, "expected at least 1 zone and fewer than the \(zones.count) listed (losing every zone loses every pod), got \(k)")
            }
        }
        var seen: [String: Int] = [:]
        let windowNames = (s.traffic?.surges.map(\.name) ?? []) + s.seasons.keys.sorted()
        for (i, f) in s.faults.enumerated() {
            let p = r.item("faults", i)
            if let first = seen[f.name] { r.error(join(p, "name"), "the fault name \"\(f.name)\" is taken by \(r.item("faults", first)); give each fault its own name") }
            seen[f.name] = seen[f.name] ?? i
            if windowNames.contains(f.name) { r.error(join(p, "name"), "\"\(f.name)\" is already a surge or season: a fault needs a name of its own, so during: rows are unambiguous") }
            check(f.start < s.simulation.duration, join(p, "at"),
                  "the fault starts \(formatDuration(f.start)) into a run that lasts \(formatDuration(s.simulation.duration)) (simulation.duration): it would never happen")
            check(f.duration > 0, join(p, "duration"), "expected a positive duration, got \(formatDuration(f.duration))")
            switch f.kind {
            case .podCrash(let service, let pattern):
                known(service, in: s.serviceNames, what: "service", join(p, "service"))
                switch pattern {
                case .pods(let n): check(n >= 1, join(p, "pods"), "expected at least 1 pod to kill, got \(n)")
                case .meanTimeBetweenFailures(let m): check(m > 0, join(p, "mtbf"), "expected a positive mean time between failures, got \(formatDuration(m))")
                }
            case .zoneLoss(let zone):
                if zones.isEmpty {
                    r.error(join(p, "zone"), "a zone loss needs zones: list them under platform.zones, like [zone-a, zone-b, zone-c]")
                } else {
                    known(zone, in: zones, what: "zone (platform.zones)", join(p, "zone"))
                    // Pods spread one at a time to the zone with fewest, so zone k holds a pod of a
                    // service from the start only if the service starts with more than k.
                    if let k = zones.firstIndex(of: zone), !s.services.values.contains(where: { $0.replicas.initial > k }) {
                        r.error(join(p, "zone"), "no service starts with a pod in \(zone) (zone \(k + 1) of \(zones.count); the most initial replicas is \(s.services.values.map(\.replicas.initial).max() ?? 0)): losing it changes nothing")
                    }
                }
            case .dependencySlowdown(let d, let extra):
                known(d, in: s.dependencyNames, what: "dependency", join(p, "dependency"))
                check(extra > 0, join(p, "latency"), "expected a positive latency to add, got \(formatDuration(extra))")
            case .dependencyOutage(let d, let rate):
                known(d, in: s.dependencyNames, what: "dependency", join(p, "dependency"))
                check(rate > 0 && rate <= 1, join(p, "error_rate"), "expected an error rate above 0% and up to 100%, got \(Percent(fraction: rate))")
            case .databaseFailover(let d):
                known(d, in: s.databaseNames, what: "database", join(p, "database"))
                // One primary: a second failover of the same database while the first is in
                // force would promote a replica that is already the primary.
                if f.enabled, let first = s.faults[..<i].firstIndex(where: { g in
                    g.enabled && g.kind == f.kind && g.start < f.end && f.start < g.end
                }) {
                    r.error(join(p, "at"), "\(d) is already failing over under \(r.item("faults", first)) then: failovers of one database must not overlap")
                }
            case .spotPreemption(let service, let spot):
                known(service, in: s.serviceNames, what: "service", join(p, "service"))
                check(spot.share > 0 && spot.share <= 1, join(p, "share"), "expected a share of pods on spot above 0% and up to 100%, got \(Percent(fraction: spot.share))")
                check(spot.rate > 0, join(p, "rate"), "expected a positive rate of preemptions per pod, like \"1/h\", got \(FaultShortForm.rateText(spot.rate))")
                check(spot.notice >= 0, join(p, "notice"), "expected a notice of 0s or more, got \(formatDuration(spot.notice))")
                if let price = spot.price { check(price.amount >= 0, join(p, "spot_price"), "expected a non-negative price, got \(price)") }
                // One share and one price per service: two spot faults in force on it would contradict.
                if f.enabled, let first = s.faults[..<i].firstIndex(where: { $0.enabled && $0.spotService == service }) {
                    r.error(join(p, "service"), "\(service) already runs on spot under \(r.item("faults", first)): one spot-preemption in force per service")
                }
            }
        }
    }
}
