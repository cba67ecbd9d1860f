import CapsimModel
import Planning
import Simulation

/// A verification's notes in words: how the copies were made, and the backlogs its runs found.
enum HorizonNotes {
    static func general(_ s: Scenario, plan: CapacityPlan, duration: Double) -> [String] {
        var notes = ["each horizon's copy: traffic × growth × seasonal × feature interaction (no safety factor), surges on top as written; "
                     + "each autoscaled service's max raised to the plan's instances (min unchanged), starting with the replicas its opening traffic needs; "
                     + "databases at the plan's cores, read replicas and connections"
                     + (s.eventBus?.consumerGroups.isEmpty == false ? "; consumer groups as in the scenario (the plan does not size them)" : "")]
        let routes = s.traffic.map { $0.routeNames } ?? []
        let seasons = SeasonSchedule(scenario: s, routeNames: routes, duration: duration).windows
        var seen: [String] = []
        for w in seasons where !seen.contains(w.season) && w.multiplier != 1 {
            seen.append(w.season)
            notes.append("the run's calendar has season \(w.season) (\(w.holiday), \(Wording.ratio(w.multiplier))) in force: it multiplies on top of the seasonal factor")
        }
        return notes
    }

    /// Stations whose backlog grew in any replication, with how often and whether it drained.
    static func backlogs(_ digests: [RunDigest], factor: Double, several: Bool) -> [String] {
        var order: [String] = [], kinds: [String: String] = [:], grew: [String: Int] = [:]
        var growing: [String: Int] = [:], queued: [String: Int] = [:]
        for d in digests {
            // A station's last stretch in the run says how the run left it.
            var last: [String: RunDigest.Backlogged] = [:]
            for b in d.backlogs {
                if !order.contains(b.station) { order.append(b.station); kinds[b.station] = b.kind }
                last[b.station] = b
            }
            for (station, b) in last {
                grew[station, default: 0] += 1
                if b.untilEnd { growing[station, default: 0] += 1 } else if b.atEnd > 0 { queued[station, default: 0] += 1 }
            }
        }
        let n = digests.count, at = several ? " at traffic \(Wording.ratio(factor))" : ""
        return order.map { station in
            let kind = kinds[station].map { " (\($0))" } ?? ""
            let drained = grew[station]! - (growing[station] ?? 0) - (queued[station] ?? 0)
            let ends = [growing[station].map { "still growing at the end in \($0)" }, queued[station].map { "still queued at the end in \($0)" },
                        drained > 0 ? "drained by the end in \(drained)" : nil].compactMap { $0 }
            let still = " (" + ends.joined(separator: ", ") + ")"
            let unsized = kinds[station] == "consumer group" ? "; the plan does not size consumer groups" : ""
            return "\(station)\(kind)\(at): a backlog grew for minutes in \(grew[station]!) of \(n) replication\(n == 1 ? "" : "s")\(still)\(unsized)"
        }
    }
}
