import CapsimModel
import Foundation

/// Failures injected into the run (`faults:`, `--fault`): which are in force, which zones are
/// down, each fault's own random stream (`fault/NAME`: which pods a crash picks, when the next
/// pod of a mean-time-between-failures crash dies) and what each did. A run without faults
/// schedules no fault event and draws from no fault stream, so it is the run it was before.
struct FaultInjector {
    let faults: [Fault]
    let zones: [String]
    var zoneDown: [Bool]
    var rng: [RandomStream]
    /// Per fault: pods it killed, and requests in service or queued on them that failed.
    var podsLost: [Int]
    var requestsLost: [Int]
    /// Per `database-failover` fault (nil for other kinds): see `DatabaseFailover.swift`.
    var failovers: [FailoverTally?]

    init(scenario: Scenario, seed: UInt64) {
        faults = scenario.activeFaults
        zones = scenario.platform.zones
        zoneDown = zones.map { _ in false }
        rng = faults.map { RandomStream(seed: seed, name: "fault/\($0.name)") }
        podsLost = faults.map { _ in 0 }
        requestsLost = podsLost
        failovers = faults.map { f in
            guard case .databaseFailover = f.kind else { return nil }
            return FailoverTally()
        }
    }

    /// Stations whose pods live in zones and die with them: services and consumer groups
    /// (databases are managed and the dependencies are someone else's).
    static func zoned(_ st: Station) -> Bool { st.spec.kind == .service || st.spec.kind == .consumerGroup }

    /// The zone a new pod of `st` goes to: the zone that is up with the fewest of its pods,
    /// the first such in `platform.zones` on a tie (topologySpreadConstraints, maxSkew 1);
    /// nil when the scenario has no zones or none is up.
    func zone(forNewPodOf st: Station) -> UInt8? {
        guard !zones.isEmpty, FaultInjector.zoned(st) else { return nil }
        var count = zones.map { _ in 0 }
        for p in st.pods where p.isReplica { if let z = p.zone { count[Int(z)] += 1 } }
        let up = zones.indices.filter { !zoneDown[$0] }
        return up.min { count[$0] < count[$1] }.map { UInt8($0) }
    }
}

extension Simulator {
    func scheduleFaults() {
        for (i, f) in faults.faults.enumerated() where f.start < options.duration {
            kernel.schedule(.faultStart, at: f.start, Int32(i))
            if f.end < options.duration { kernel.schedule(.faultEnd, at: f.end, Int32(i)) }
            if case .databaseFailover(let d) = f.kind, let db = scenario.databases[d], db.readReplicas > 0, db.replicationLag > 0 {
                kernel.schedule(.replicationMark, at: max(0, f.start - db.replicationLag), Int32(i))
            }
        }
    }

    func zoned(_ st: Station) -> Bool { FaultInjector.zoned(st) }
    func zoneForNewPod(_ st: Station) -> UInt8? { faults.zone(forNewPodOf: st) }

    func faultStart(_ i: Int) {
        let f = faults.faults[i]
        switch f.kind {
        case .podCrash(let service, .pods(let n)):
            let st = station(named: service)
            for _ in 0..<n {
                let alive = st.replicaPods
                guard !alive.isEmpty else { break }
                kill(st, pod: alive[Int(faults.rng[i].next() % UInt64(alive.count))], fault: i)
            }
        case .podCrash(let service, .meanTimeBetweenFailures):
            scheduleCrash(i, station: station(named: service))
        case .zoneLoss(let zone):
            let z = faults.zones.firstIndex(of: zone)!
            faults.zoneDown[z] = true
            for st in stations where zoned(st) {
                for p in st.pods.indices where st.pods[p].zone == UInt8(z) && st.pods[p].state != .gone { kill(st, pod: p, fault: i) }
            }
        case .dependencySlowdown(let d, let extra):
            station(named: d).extraLatency += extra
        case .dependencyOutage(let d, let rate):
            station(named: d).errorRate = rate
        case .spotPreemption:
            schedulePreemption(i)
        case .databaseFailover(let d):
            primaryFails(i, station(named: d))
        }
    }

    func faultEnd(_ i: Int) {
        switch faults.faults[i].kind {
        case .podCrash: break                          // replacements are already starting; random crashes stop
        case .zoneLoss(let zone): faults.zoneDown[faults.zones.firstIndex(of: zone)!] = false   // pods stay where they were rescheduled
        case .dependencySlowdown(let d, let extra): station(named: d).extraLatency -= extra
        case .dependencyOutage(let d, _): station(named: d).errorRate = station(named: d).spec.errorRate
        case .spotPreemption: break                    // preemptions stop; notices already given run out; pods stay on spot
        case .databaseFailover(let d): failoverEnds(i, station(named: d))
        }
    }

    /// The next random death of a pod-crash fault with a mean time between failures: each pod
    /// (starting or ready) dies at rate 1/MTBF, so the next death among n comes after an
    /// exponential gap of mean MTBF ÷ n. A death starts a replacement at once, so n holds
    /// between deaths unless the autoscaler changes it (the gap is redrawn at each death).
    func scheduleCrash(_ i: Int, station st: Station) {
        guard case .podCrash(_, .meanTimeBetweenFailures(let mtbf)) = faults.faults[i].kind else { return }
        let n = st.replicas
        guard n > 0 else { return }
        let at = now - log(faults.rng[i].uniformPositive()) * mtbf / Double(n)
        if at < faults.faults[i].end && at < options.duration { kernel.schedule(.podCrash, at: at, Int32(i)) }
    }

    func randomCrash(_ i: Int) {
        guard case .podCrash(let service, _) = faults.faults[i].kind, let st = Optional(station(named: service)) else { return }
        let alive = st.replicaPods
        if !alive.isEmpty { kill(st, pod: alive[Int(faults.rng[i].next() % UInt64(alive.count))], fault: i) }
        scheduleCrash(i, station: st)
    }
}
