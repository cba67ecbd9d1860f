/// Stations and pods: the hot path every request, query and message takes through a service,
/// a database or a consumer group — admission (per-instance or shared queue), a slot, the
/// service time (stretched by CPU throttling), completion, and the next queued request.
/// Kept in one file: the debug build compiles file by file, and these functions call each
/// other on every event, so splitting them would cost the test suite cross-file calls.
extension Simulator {
    /// A request (or message, or query) reaches a station: it is counted, then admitted.
    @inline(__always)
    func enter(_ r: Int32, station s: Int) {
        let st = stations[s]
        st.wArrivals += 1
        if measuring { st.arrivals += 1 }
        if windows.any { windowArrival(station: s) }
        if st.perInstance {
            guard let p = st.choosePod() else { turnAway(r, st, .dropped); return }
            place(r, st, pod: Int(p), mayTurnAway: true)
        } else {
            admitShared(r, st, mayTurnAway: true)
        }
    }

    /// A database query (or any side visit) reaching its station after the hop latency.
    func visit(_ r: Int32, station s: Int) {
        if let fault = databases.failingOver[s] { releaseConnection(s); refuseQuery(r, fault: fault); return }
        requests[r].waitingSince = now
        enter(r, station: s)
    }

    /// Per-instance queues: starts the request on the pod's free slot, or queues it at the pod
    /// (turned away when that queue is full and `mayTurnAway`).
    @inline(__always)
    func place(_ r: Int32, _ st: Station, pod pi: Int, mayTurnAway: Bool) {
        if st.pods[pi].busy < st.slots && st.pods[pi].queue.isEmpty {
            start(r, st, pod: pi)
        } else if mayTurnAway, let limit = st.queueLimit, st.pods[pi].queue.count >= limit {
            turnAway(r, st, .dropped)
        } else {
            st.pods[pi].queue.push(r)
            requests[r].pod = Int32(pi)
            if measuring, st.pods[pi].queue.count > st.maxQueue { st.maxQueue = st.pods[pi].queue.count }
        }
    }

    /// A shared queue: starts the request on any ready pod's free slot, or queues it.
    @inline(__always)
    func admitShared(_ r: Int32, _ st: Station, mayTurnAway: Bool) {
        if st.shared.isEmpty && st.totalBusy < st.parallelCap {
            for p in st.routable where st.pods[Int(p)].busy < st.slots {
                start(r, st, pod: Int(p))
                return
            }
        }
        if mayTurnAway, let limit = st.queueLimit, st.shared.count >= limit { turnAway(r, st, .dropped); return }
        st.shared.push(r)
        if measuring, st.shared.count > st.maxQueue { st.maxQueue = st.shared.count }
    }

    /// A request turned away at a station: its queue was full, or it waited there past the
    /// station's queue timeout. It gives back what it holds (its database connection, a row
    /// lock) and its route hears of it: a call with retries left tries again after its
    /// backoff; anything else fails for good, counted by cause.
    func turnAway(_ r: Int32, _ st: Station, _ cause: FailureCause) {
        switch cause {
        case .dropped:
            st.wDropped += 1
            if measuring { st.dropped += 1 }
        case .podLost:
            if measuring { st.lost += 1 }
        default:
            st.wTimedOut += 1
            if measuring { st.timedOut += 1 }
        }
        if windows.any { windowTurnedAway(station: st.index, cause) }
        if st.isDatabasePrimary { releaseConnection(st.index) }
        if requests[r].lock != nil { unlock(r) }
        switch requests[r].kind {
        case .message where cause == .podLost:
            enter(r, station: st.index)      // not committed: the group redelivers it to another consumer
        case .message, .abandoned, .job:
            requests.release(r)
        case .routed:
            if routes.plain[Int(requests[r].route)] { fail(r, cause) } else { callFailed(r, cause) }
        }
    }

    /// Starts service on a pod's free slot. CPU beyond the pod's ceiling (its limit, else its
    /// node's spare CPU) stretches the work by demand ÷ ceiling (CFS throttling), where demand
    /// = busy slots × CPU per request ÷ mean service time: the pod then completes ceiling ÷ CPU
    /// per request requests a second, all its CPU can do, and by Little's law each of its busy
    /// slots holds a request demand ÷ ceiling times as long.
    @inline(__always)
    func start(_ r: Int32, _ st: Station, pod p: Int) {
        st.pods[p].busy += 1
        st.totalBusy += 1
        requests[r].pod = Int32(p)
        requests[r].startedAt = now
        // A timed job's work is its own and it ends in its own event, so `serviceDone` needs
        // no test for it; everything else draws from the station's service time and is timed.
        let job = requests[r].kind == .job
        var d: Double
        if job {
            d = requests[r].work
        } else {
            d = st.sampler.draw(&st.serviceRNG) + st.extraLatency
            let wait = now - requests[r].waitingSince
            st.wWaitSum += wait
            st.wStarted += 1
            if measuring {
                st.runWait.record(UInt64(max(0, wait) * 1e6)); st.runWaitSum += wait
                st.runStarted += 1
                if wait > 0 { st.runQueued += 1 }
            }
        }
        let demand = st.cpuDemand(pod: p)
        if demand > st.limitCores {
            d *= demand / st.limitCores
            if st.pods[p].throttledSince == nil { st.pods[p].throttledSince = now }
        }
        st.pods[p].cpuWindow += st.cpuPerRequest
        kernel.schedule(job ? .jobDone : .serviceDone, at: now + d, Int32(st.index), r)
    }

    func serviceDone(_ s: Int, _ r: Int32) {
        let st = stations[s]
        let req = requests[r]
        let p = Int(req.pod)
        st.pods[p].busy -= 1
        st.totalBusy -= 1
        if st.pods[p].throttledSince != nil { throttleMayEnd(st, pod: p) }
        let sojourn = now - req.waitingSince
        let micros = UInt64(max(0, sojourn) * 1e6)
        let held = now - req.startedAt
        if held > st.longestService { st.longestService = held }
        st.wCompleted += 1
        st.wLatencySum += sojourn
        st.wLatency.record(micros)
        if req.kind == .routed, !st.routeWindows.isEmpty, st.routeWindows[Int(req.route)] != nil { st.routeWindows[Int(req.route)]!.record(micros) }
        if measuring {
            st.completed += 1; st.runLatencySum += sojourn; st.runLatency.record(micros)
            st.runServiceSum += held; st.runService.record(UInt64(max(0, held) * 1e6))
        }
        if windows.any { windowCompletion(station: s, seconds: sojourn) }
        if req.lock != nil { unlock(r) }
        if st.isDatabasePrimary { databases.served[s] += 1; releaseConnection(s) }
        switch req.kind {
        case .routed:
            if s < serviceCount {
                // The service's own work is done: publish its events, then make its queries.
                requests[r].at = Int32(s)
                if hasSideWork[s] { sideWork(s, r) }
            }
            // An external dependency may answer with an error (its own stream; no other station draws).
            if st.errorRate > 0, st.errorRNG.uniform() < st.errorRate {
                if routes.plain[Int(req.route)] { fail(r, .error) } else { callFailed(r, .error) }
            } else {
                proceed(r)                   // on to a query, the next hop, or done
            }
        case .message, .abandoned, .job:
            requests.release(r)              // an event-bus message consumed, or an abandoned attempt's wasted work done
        }
        pull(st, pod: p)
    }

    /// A throttled pod freed a slot: once its demand is back within its ceiling the throttled
    /// stretch ends, and its part after warm-up is counted (off the fast path: few pods are).
    func throttleMayEnd(_ st: Station, pod p: Int) {
        guard let since = st.pods[p].throttledSince,
              st.cpuDemand(pod: p) <= st.limitCores else { return }
        st.throttledSeconds += max(0, now - max(since, options.warmup))
        st.pods[p].throttledSince = nil
    }

    /// Publications and database queries of a service's completed request (off the fast path:
    /// most services do neither).
    func sideWork(_ s: Int, _ r: Int32) {
        if !eventBus.publications[s].isEmpty { publish(from: s) }
        if databases.links[s] != nil { requests[r].pendingQueries = databases.drawQueries(s) }
    }

    /// Sends a request on: its next database query (past the service's cache), else its next
    /// hop, else it is complete end to end.
    @inline(__always)
    func proceed(_ r: Int32) {
        if sendNextQuery(r) { return }
        let req = requests[r]
        if !routes.plain[Int(req.route)] {
            callReturned(r)
        } else if Int(req.hop) + 1 < routes.length[Int(req.route)] {
            kernel.schedule(.hopArrival, lane: lanes.hop, at: now + hopLatency, r)
        } else {
            complete(r)
        }
    }

    /// Gives a pod's free slot its next request: from its own queue, or (if it still takes new
    /// work) from the shared queue. Requests that waited past the station's queue timeout are
    /// turned away here (timed jobs never are).
    @inline(__always)
    func pull(_ st: Station, pod p: Int) {
        while st.pods[p].busy < st.slots && st.totalBusy < st.parallelCap {
            let next: Int32?
            if st.perInstance {
                next = st.pods[p].queue.pop()
            } else if st.pods[p].state == .ready {
                next = st.shared.pop()
            } else {
                next = nil
            }
            guard let r = next else { break }
            if let limit = st.timeout, now - requests[r].waitingSince > limit, requests[r].kind != .job {
                turnAway(r, st, .queueTimeout)
                continue
            }
            start(r, st, pod: p)
        }
        if st.pods[p].state == .draining && st.pods[p].busy == 0 && st.pods[p].queue.isEmpty {
            st.pods[p].state = .gone
            st.accountPods(now, measuring: measuring)
        }
    }

    func podReady(_ s: Int, _ p: Int) {
        let st = stations[s]
        guard st.pods[p].state == .starting else { return }
        st.pods[p].state = .ready
        st.pods[p].readyAt = now
        st.rebuildRoutable()
        pull(st, pod: p)
    }

    // MARK: waiting outside a station (database connections, hot-row locks, call pools)

    /// A request starts waiting to reach station `s` outside its queue.
    @inline(__always)
    func block(_ r: Int32, at s: Int32) {
        requests[r].waitingSince = now
        let st = stations[Int(s)]
        st.blocked += 1
        if measuring, st.blocked > st.maxBlocked { st.maxBlocked = st.blocked }
    }

    /// A request stops waiting outside station `s`: its wait is timed.
    @inline(__always)
    func unblock(_ r: Int32, at s: Int32) {
        let st = stations[Int(s)]
        st.blocked -= 1
        let wait = now - requests[r].waitingSince
        st.wBlockedWaitSum += wait
        st.wUnblocked += 1
        if measuring { st.runBlockedWait.record(UInt64(max(0, wait) * 1e6)); st.runBlockedWaitSum += wait }
    }
}
