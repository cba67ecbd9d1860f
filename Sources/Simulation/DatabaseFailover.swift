import CapsimModel

/// What a `database-failover` did: the queries refused while the primary was down, the writes
/// it had not yet replicated when it failed, the reads the replicas served meanwhile (stale:
/// no write reached them), and whether a replica was promoted.
struct FailoverTally {
    var queriesRefused = 0
    /// The primary's completed queries when the replication-lag mark passed; nil before it (or
    /// without replicas or lag).
    var servedAtMark: Int?
    /// Writes the primary completed within the replication lag before it failed: on an
    /// asynchronously replicated database, the promoted replica does not have them. Nil
    /// without read replicas (the primary comes back with its own data).
    var writesAtRisk: Int?
    /// Read replicas left once the window ended (one fewer when a replica was promoted).
    var replicasAfter: Int?
}

/// A database primary fails and a replica takes over (`database-failover`):
///
/// - At the start the primary is down. Its queries in service and queued fail with it
///   (`podLost`, retried where their call allows); queries waiting for a connection fail too
///   (the connections reset); writes waiting for a hot row's lock fail as the lock passes to
///   them. From then on every query for the primary — writes, and reads when the database has
///   no replicas — is refused at once, and its request fails with an error, as a service
///   answers 5xx when its database refuses the connection.
/// - Reads keep going to the replicas, which serve them stale: no write reaches them while
///   there is no primary.
/// - At the end a replica is promoted: it leaves the read pool (its reads in service fail as
///   its connections reset) and serves as the primary, ready at once. With no replica the
///   primary itself comes back. When the last replica is promoted, reads go to the primary.
/// - Writes the primary completed within `replication_lag` before it failed had not reached
///   the replicas: they are counted as at risk (lost on promotion, with asynchronous replication).
extension Simulator {
    func replicationMark(_ i: Int) {
        guard case .databaseFailover(let d) = faults.faults[i].kind else { return }
        faults.failovers[i]!.servedAtMark = databases.served[station(named: d).index]
    }

    func primaryFails(_ i: Int, _ st: Station) {
        let s = st.index
        databases.failingOver[s] = i
        if replicaStation(of: st) != nil {
            // The mark is scheduled only with a replication lag: without one nothing is behind.
            faults.failovers[i]!.writesAtRisk = faults.failovers[i]!.servedAtMark.map { databases.served[s] - $0 } ?? 0
        }
        while let r = databases.connections[s]!.waiting.pop() {
            unblock(r, at: Int32(s))
            refuseQuery(r, fault: i)
        }
        for p in st.pods.indices where st.pods[p].state != .gone {
            faults.podsLost[i] += 1
            takeDown(st, pod: p, fault: i)
        }
        // The primary's queue is shared by its cores: what waited there goes with it.
        while let r = st.shared.pop() {
            if requests[r].kind != .job { faults.requestsLost[i] += 1 }
            turnAway(r, st, .podLost)
        }
    }

    func failoverEnds(_ i: Int, _ st: Station) {
        if let replicas = replicaStation(of: st) {
            if let p = replicas.replicaPods.first {
                takeDown(replicas, pod: p, fault: i)
                if replicas.routable.isEmpty {
                    // The last replica became the primary: reads go to the primary from now on,
                    // and those queued for a replica fail (their connections reset).
                    while let r = replicas.shared.pop() { turnAway(r, replicas, .podLost) }
                    for s in databases.links.indices where databases.links[s]?.replicas == Int32(replicas.index) { databases.links[s]!.replicas = nil }
                }
            }
            faults.failovers[i]!.replicasAfter = replicas.replicas
        }
        databases.failingOver[st.index] = nil
        startPod(st)
        pull(st, pod: st.pods.count - 1)
    }

    /// A query for a primary that is down: its request fails with an error (its call retries
    /// if it may); a write holding a hot row's lock passes the lock on.
    func refuseQuery(_ r: Int32, fault i: Int) {
        faults.failovers[i]!.queriesRefused += 1
        if requests[r].lock != nil { unlock(r) }
        switch requests[r].kind {
        case .routed:
            if routes.plain[Int(requests[r].route)] { fail(r, .error) } else { callFailed(r, .error) }
        case .message, .abandoned, .job:
            requests.release(r)
        }
    }

    func replicaStation(of primary: Station) -> Station? {
        let next = primary.index + 1
        return next < stations.count && stations[next].spec.kind == .databaseReplicas && stations[next].name == primary.name + "/replicas" ? stations[next] : nil
    }
}
