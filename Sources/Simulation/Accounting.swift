/// Requests of one route that failed for good after warm-up, by cause.
struct FailureCounts {
    var dropped = 0, queueTimeout = 0, callTimeout = 0, error = 0, podLost = 0
    var total: Int { dropped + queueTimeout + callTimeout + error + podLost }

    @inline(__always)
    mutating func count(_ cause: FailureCause) {
        switch cause {
        case .dropped: dropped += 1
        case .queueTimeout: queueTimeout += 1
        case .callTimeout: callTimeout += 1
        case .error: error += 1
        case .podLost: podLost += 1
        }
    }
}

/// Where every live request is, counted from the engine's queues, slots and pool rather than
/// from its counters, so that the counters can be checked against it.
struct Census {
    /// Per station: requests queued there or holding a slot (timed jobs excluded).
    var present: [Int]
    /// Per station: requests waiting outside it (for a connection, a row lock, a call pool).
    var blocked: [Int]
    /// Per route: requests in flight anywhere (a fan-out's members count as their parent).
    var routes: [Int]
    /// Requests in the pool that are not free.
    var live: Int
}

extension Simulator {
    func census() -> Census {
        var present = stations.map { _ in 0 }
        var blocked = present
        for st in stations {
            var n = 0
            st.shared.forEach { if requests[$0].kind != .job { n += 1 } }
            for p in st.pods { p.queue.forEach { if requests[$0].kind != .job { n += 1 } } }
            present[st.index] = n
        }
        // Holding a slot: exactly the requests with a pending `serviceDone` (jobs end in `jobDone`).
        kernel.queue.forEach { e in if e.kind == .serviceDone { present[Int(e.a)] += 1 } }
        databases.waiting(into: &blocked) { requests[$0].at }
        for p in calls.pools { p.waiters.forEach { blocked[Int(spec($0).station)] += 1 } }
        var routeCounts = routes.names.map { _ in 0 }
        var live = 0
        requests.forEachLive { q in
            live += 1
            if q.kind == .routed && q.parent == nil { routeCounts[Int(q.route)] += 1 }
        }
        return Census(present: present, blocked: blocked, routes: routeCounts, live: live)
    }

    /// What was in flight when measurement began (at the end of warm-up): the starting
    /// balance of every station's and route's account. `popped` is the event just taken off
    /// the queue and not yet handled: a request it completes is still in service.
    func openAccounts(popped: Event?) {
        let c = census()
        presentAtStart = c.present
        if let e = popped, e.kind == .serviceDone { presentAtStart[Int(e.a)] += 1 }
        routesAtStart = c.routes
        if let clients { openClientAccounts(clients) }
        accountsOpen = true
    }

    /// Checks every account at the end of a run: per station, in flight at the start +
    /// arrivals = completed + dropped + timed out + in flight at the end; per route, in flight
    /// at the start + arrivals = completed + failed + in flight at the end; every request ever
    /// created is finished or live; every wait outside a station is where the counters say.
    /// A broken account is a bug in the engine, reported with the station or route it names.
    func closeAccounts(_ c: Census) throws {
        var problems: [String] = []
        for st in stations {
            let i = st.index
            let inflow = presentAtStart[i] + st.arrivals
            let outflow = st.completed + st.dropped + st.timedOut + st.lost + c.present[i]
            if inflow != outflow {
                problems.append("station \(st.name): \(presentAtStart[i]) in flight at the start + \(st.arrivals) arrivals ≠ \(st.completed) completed + \(st.dropped) dropped + \(st.timedOut) timed out + \(st.lost) lost with their pods + \(c.present[i]) in flight at the end")
            }
            if st.blocked != c.blocked[i] {
                problems.append("station \(st.name): \(st.blocked) requests counted as waiting outside it, \(c.blocked[i]) found waiting")
            }
        }
        for (i, name) in routes.names.enumerated() {
            if routes.live[i] != c.routes[i] {
                problems.append("route \(name): \(routes.live[i]) requests counted in flight, \(c.routes[i]) found in flight")
            }
            let inflow = routesAtStart[i] + routes.arrivals[i]
            let outflow = routes.completed[i] + routes.failures[i].total + c.routes[i]
            if inflow != outflow {
                problems.append("route \(name): \(routesAtStart[i]) in flight at the start + \(routes.arrivals[i]) arrivals ≠ \(routes.completed[i]) completed + \(routes.failures[i].total) failed + \(c.routes[i]) in flight at the end")
            }
        }
        if let clients { problems += clientAccountProblems(clients) }
        if requests.created != requests.finished + c.live {
            problems.append("requests: \(requests.created) created ≠ \(requests.finished) finished + \(c.live) in flight")
        }
        if !problems.isEmpty {
            throw SimulationError(engine: "the run's accounts do not balance (a bug in capsim's engine, not in the scenario):\n  " + problems.joined(separator: "\n  "))
        }
    }
}
