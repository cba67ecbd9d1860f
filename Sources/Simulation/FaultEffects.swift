import CapsimModel

/// What a fault does to pods: a killed pod takes its work with it (its completions are taken
/// off the event queue, and those requests and the ones queued at it fail with `podLost`, to be
/// retried where their call allows), and its Deployment starts a replacement at once, in a
/// zone that is up, ready after the service's start-up delay.
extension Simulator {
    func station(named name: String) -> Station { stations.first { $0.name == name }! }

    func kill(_ st: Station, pod p: Int, fault i: Int) {
        let wasReplica = st.pods[p].isReplica
        faults.podsLost[i] += 1
        takeDown(st, pod: p, fault: i)
        if wasReplica { startPod(st) }
    }

    /// A pod ends now with whatever it holds: its pending completions are taken off the event
    /// queue, and that work and its queue fail with `podLost` (counted against fault `i`).
    func takeDown(_ st: Station, pod p: Int, fault i: Int) {
        st.pods[p].state = .gone
        let s = Int32(st.index), pod = Int32(p)
        let cut = kernel.queue.removeAll { e in
            (e.kind == .serviceDone || e.kind == .jobDone) && e.a == s && requests[e.b].pod == pod
        }
        var lost: [Int32] = cut.map(\.b)
        while let r = st.pods[p].queue.pop() { lost.append(r) }
        st.pods[p].busy -= Int32(cut.count)
        st.totalBusy -= Int32(cut.count)
        if let since = st.pods[p].throttledSince {
            st.throttledSeconds += max(0, now - max(since, options.warmup))
            st.pods[p].throttledSince = nil
        }
        st.rebuildRoutable()
        st.accountPods(now, measuring: measuring)
        for r in lost {
            if requests[r].kind != .job { faults.requestsLost[i] += 1 }
            turnAway(r, st, .podLost)
        }
    }

    /// A new pod of `st`, starting now (ready after the start-up delay): a scale-up's or a
    /// replacement's.
    func startPod(_ st: Station) {
        let delay = st.spec.startupDelay
        var pod = Pod(state: delay > 0 ? .starting : .ready, started: now, readyAt: now + delay)
        pod.zone = zoneForNewPod(st)
        pod.spot = spot.isSpot(newPodOf: st)
        st.pods.append(pod)
        if delay > 0 { kernel.schedule(.podReady, at: now + delay, Int32(st.index), Int32(st.pods.count - 1)) }
        st.rebuildRoutable()
        st.accountPods(now, measuring: measuring)
    }
}
