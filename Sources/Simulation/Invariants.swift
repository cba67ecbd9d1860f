extension Simulator {
    /// The engine's invariants, checked after every event when `checkInvariants` is on (tests):
    /// busy slots never exceed the pod's slots and only ready or draining pods work; the
    /// routable pods are the ready ones; every request ever created is finished (completed,
    /// dropped or timed out) or in flight. (The kernel checks that the clock never goes back.)
    func checkInvariants() {
        var inFlight = 0
        for st in stations {
            inFlight += st.shared.count
            for (i, p) in st.pods.enumerated() {
                if p.busy < 0 || p.busy > st.slots { violation = "\(st.name) pod \(i): busy \(p.busy) outside 0...\(st.slots) at t=\(now)"; return }
                if p.busy > 0 && p.state != .ready && p.state != .draining { violation = "\(st.name) pod \(i): a \(p.state) pod is working at t=\(now)"; return }
                inFlight += Int(p.busy) + p.queue.count
            }
            let ready = st.pods.filter { $0.state == .ready }.count
            if st.routable.count != ready { violation = "\(st.name): \(st.routable.count) routable pods but \(ready) ready at t=\(now)"; return }
        }
        var hopping = calls.waitingParents + calls.pools.reduce(0) { $0 + $1.waiters.count } + databases.waitingCount
        kernel.queue.forEach { e in if e.kind == .hopArrival || e.kind == .visit || e.kind == .retry { hopping += 1 } }
        if !kernel.queue.lanesInOrder { violation = "an event lane is out of time order at t=\(now)"; return }
        if requests.created != requests.finished + inFlight + hopping {
            violation = "requests not conserved at t=\(now): created \(requests.created), finished \(requests.finished), in flight \(inFlight + hopping)"
        }
    }
}
