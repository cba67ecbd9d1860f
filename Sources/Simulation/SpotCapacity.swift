import CapsimModel
import Foundation

/// Spot capacity (`spot-preemption` faults): which services run a share of their pods on spot,
/// what a spot instance-hour costs, and each spot fault's preemption rate and notice.
///
/// - A pod is marked spot when it is created, with no draw: it is spot when the share of the
///   service's live pods (starting or ready), counting the new one, calls for more spot pods
///   than there are — ⌊(alive + 1) × share⌋ > spot alive. The initial pods, created one by one,
///   give pod i spot iff ⌊(i + 1) × share⌋ > ⌊i × share⌋; a preempted spot pod's replacement is
///   spot again (the preempted one no longer counts), so the share holds through preemptions.
/// - Pods are on spot, and priced at the spot price, for the whole run; preemptions happen only
///   while the fault's window is open. Each live spot pod is preempted at `rate`, so the next
///   preemption among n comes after an exponential gap of mean 1 ÷ (rate × n), drawn from the
///   fault's own stream `fault/NAME` (as `scheduleCrash` does for a mean time between failures).
/// - On its notice a pod drains as a scale-down's does (no new work; it finishes its own queue),
///   the Deployment starts its replacement at once, and at the notice's end whatever it still
///   holds fails with `podLost` (`takeDown`). A pod that empties first leaves early.
///
/// A run without a spot fault has every `share` nil: no pod is spot, nothing is drawn or
/// scheduled, and `spotPodSeconds` stays 0.
struct SpotCapacity {
    /// Per station: the share of its pods on spot, nil without a spot fault in force on it.
    let share: [Double?]
    /// Per station: a spot instance-hour in the reporting currency (the on-demand price when
    /// the fault gives none).
    let price: [Double]

    init(faults: [Fault], stations: [Station], currency: CurrencySettings) {
        var share: [Double?] = stations.map { _ in nil }
        var price = stations.map(\.spec.costPerHour)
        for f in faults {
            guard case .spotPreemption(let service, let spot) = f.kind,
                  let st = stations.first(where: { $0.name == service && $0.spec.kind == .service }) else { continue }
            share[st.index] = spot.share
            if let p = spot.price { price[st.index] = currency.reported(p) }
        }
        self.share = share
        self.price = price
    }

    /// Whether the pod `st` is about to create runs on spot (call before appending it).
    func isSpot(newPodOf st: Station) -> Bool {
        guard let share = share[st.index] else { return false }
        var alive = 0, spot = 0
        for p in st.pods where p.isReplica { alive += 1; if p.spot { spot += 1 } }
        // The epsilon keeps 0.29 × 100 from flooring to 28.
        return Int((Double(alive + 1) * share + 1e-9).rounded(.down)) > spot
    }

    func price(_ st: Station) -> Double { price[st.index] }

    /// The station's instance cost over `hours` instance-hours of which `spotHours` on spot.
    func cost(_ st: Station, hours: Double, spotHours: Double) -> Double {
        guard share[st.index] != nil else { return hours * st.spec.costPerHour }
        return (hours - spotHours) * st.spec.costPerHour + spotHours * price[st.index]
    }
}

extension Simulator {
    /// The spot terms of fault `i` and the station it runs on spot.
    func spotTerms(_ i: Int) -> (Station, Fault.Spot)? {
        guard case .spotPreemption(let service, let terms) = faults.faults[i].kind else { return nil }
        return (station(named: service), terms)
    }

    /// Live spot pods of `st`: starting or ready (a pod under notice is already replaced).
    func liveSpotPods(_ st: Station) -> [Int] {
        st.pods.indices.filter { st.pods[$0].spot && st.pods[$0].isReplica }
    }

    /// The next preemption of spot fault `i`, if it falls inside its window and the run. The
    /// gap is redrawn at each preemption; a replacement starts at once, so n holds between
    /// preemptions unless the autoscaler changes it.
    func schedulePreemption(_ i: Int) {
        guard let (st, terms) = spotTerms(i) else { return }
        let n = liveSpotPods(st).count
        guard n > 0 else { return }
        let at = now - log(faults.rng[i].uniformPositive()) / (terms.rate * Double(n))
        if at < faults.faults[i].end && at < options.duration { kernel.schedule(.spotPreemption, at: at, Int32(i)) }
    }

    /// A live spot pod, picked from the fault's stream, gets its notice: it stops taking new
    /// work, its replacement starts, and it drains until the notice ends.
    func preemptSpotPod(_ i: Int) {
        guard let (st, terms) = spotTerms(i) else { return }
        let alive = liveSpotPods(st)
        if !alive.isEmpty {
            let p = alive[Int(faults.rng[i].next() % UInt64(alive.count))]
            faults.podsLost[i] += 1
            st.pods[p].state = .draining
            st.rebuildRoutable()
            st.accountPods(now, measuring: measuring)
            startPod(st)
            if terms.notice > 0 {
                pull(st, pod: p)             // an idle pod leaves now; a busy one works through its own queue
                kernel.schedule(.spotNoticeEnd, at: now + terms.notice, Int32(i), Int32(p))
            } else {
                takeDown(st, pod: p, fault: i)
            }
        }
        schedulePreemption(i)
    }

    /// The notice of pod `p` ends: if it has not drained, what it holds is lost.
    func spotNoticeEnds(_ i: Int, pod p: Int) {
        guard let (st, _) = spotTerms(i), st.pods[p].state == .draining else { return }
        takeDown(st, pod: p, fault: i)
    }
}
