import CapsimModel

/// A call as the engine runs it: the callee station and the policy.
struct CallSpec {
    let station: Int32
    let probability: Double
    let timeout: Double?
    /// Which of the route table's distinct timeouts it is (each has its own event lane).
    let timeoutClass: Int?
    let retries: Int16
    let backoff: Double
    /// Index into `Calls.pools`.
    let pool: Int32?
}

/// A connection pool shared by the callers of one call step.
struct ConnectionPool {
    let capacity: Int
    var inUse = 0
    var waiters = RingBuffer(capacity: 64)
}

/// Calls with policies: probability, fan-out, connection pools, timeouts and retries. Owns
/// the pools, each route's `route/NAME/calls` stream, the call ids that match a timeout to
/// its attempt, and the count of parents waiting on fan-out members.
struct Calls {
    var pools: [ConnectionPool]
    var rng: [RandomStream]
    var nextId: Int32 = 0
    var waitingParents = 0

    init(routes: Routes, seed: UInt64) {
        pools = routes.poolCapacities.map { ConnectionPool(capacity: $0) }
        rng = routes.names.map { RandomStream(seed: seed, name: "route/\($0)/calls") }
    }

    /// A fresh id for an attempt's timeout (ids wrap; a stale timeout finds a different id).
    mutating func newId() -> Int32 {
        let id = nextId
        nextId = nextId == .max ? 0 : nextId + 1
        return id
    }
}

extension Simulator {
    /// The callee's work for this attempt (and its queries) is done: the call returns.
    func callReturned(_ r: Int32) {
        requests[r].callId = nil
        if let p = requests[r].pool { requests[r].pool = nil; releasePool(Int(p)) }
        if requests[r].parent != nil { childDone(r, failure: nil) } else { advance(r) }
    }

    /// Moves a request to its next step that is not skipped by probability and sends its
    /// calls; past the last step it is complete.
    func advance(_ r: Int32) {
        let route = Int(requests[r].route)
        var step = Int(requests[r].hop) + 1
        let steps = routes.steps[route]
        while step < steps.count {
            let stepCalls = steps[step]
            requests[r].hop = Int32(step)
            if stepCalls.count == 1 {
                let c = stepCalls[0]
                if c.probability >= 1 || calls.rng[route].uniform() < c.probability {
                    requests[r].member = 0
                    sendCall(r, c)
                    return
                }
            } else {
                var n: Int32 = 0
                for (m, c) in stepCalls.enumerated() where c.probability >= 1 || calls.rng[route].uniform() < c.probability {
                    var child = requests[r]
                    child.member = Int16(m); child.parent = r; child.pending = 0; child.attempt = 0
                    child.callId = nil; child.pool = nil; child.failure = nil
                    sendCall(requests.add(child), c)
                    n += 1
                }
                if n > 0 { requests[r].pending = n; calls.waitingParents += 1; return }
            }
            step += 1
        }
        if let cause = requests[r].failure { fail(r, cause) } else { complete(r) }
    }

    /// The call spec an entry is making: its step's call, or its fan-out member's.
    @inline(__always)
    func spec(_ r: Int32) -> CallSpec {
        let q = requests[r]
        return routes.steps[Int(q.route)][Int(q.hop)][Int(q.member ?? 0)]
    }

    /// Takes a pooled connection (or waits for one), then sends the call, arming its timeout.
    func sendCall(_ r: Int32, _ c: CallSpec) {
        if let p = c.pool, requests[r].pool == nil {
            let pi = Int(p)
            if calls.pools[pi].inUse >= calls.pools[pi].capacity { block(r, at: c.station); calls.pools[pi].waiters.push(r); return }
            calls.pools[pi].inUse += 1
            requests[r].pool = p
        }
        if let timeout = c.timeout {
            let id = calls.newId()
            requests[r].callId = id
            kernel.schedule(.callTimeout, lane: lanes.timeouts + c.timeoutClass!, at: now + hopLatency + timeout, r, id)
        }
        kernel.schedule(.visit, lane: lanes.visit, at: now + hopLatency, r, c.station)
    }

    func releasePool(_ p: Int) {
        calls.pools[p].inUse -= 1
        if let w = calls.pools[p].waiters.pop() {
            let c = spec(w)
            unblock(w, at: c.station)
            sendCall(w, c)
        }
    }

    /// An attempt outlived its timeout: the caller abandons it (the callee finishes the work
    /// anyway, wasted), frees the connection, and retries after backoff × 2^(attempt) — or the
    /// call fails for good. Retries are how a slow dependency turns into a retry storm.
    func callTimedOut(_ r: Int32, id: Int32) {
        guard requests[r].kind == .routed, requests[r].callId == id else { return }
        let c = spec(r)
        var copy = requests[r]
        copy.lock = nil                          // a hot-row lock stays with the abandoned attempt
        copy.callId = nil
        requests[r].kind = .abandoned            // still in transit, queued, in service or waiting for a database
        requests[r].callId = nil
        if let p = copy.pool { requests[r].pool = nil; copy.pool = nil; releasePool(Int(p)) }
        if copy.attempt < c.retries {
            copy.attempt += 1
            copy.pendingQueries = 0
            countRetry(Int(copy.route))
            let ni = requests.add(copy)
            kernel.schedule(.retry, at: now + c.backoff * Double(1 << Int(copy.attempt - 1)), ni)
        } else if copy.parent != nil {
            childDone(requests.add(copy), failure: .callTimeout)   // a placeholder for the failed child, released at once
        } else {
            fail(requests.add(copy), .callTimeout)
        }
    }

    /// An attempt came back at once as failed (turned away at the callee): the caller frees
    /// its connection and retries after its backoff, or the call fails for good.
    func callFailed(_ r: Int32, _ cause: FailureCause) {
        requests[r].callId = nil                 // a timeout armed for this attempt no longer applies
        if let p = requests[r].pool { requests[r].pool = nil; releasePool(Int(p)) }
        let c = spec(r)
        if requests[r].attempt < c.retries {
            requests[r].attempt += 1
            requests[r].pendingQueries = 0
            countRetry(Int(requests[r].route))
            kernel.schedule(.retry, at: now + c.backoff * Double(1 << Int(requests[r].attempt - 1)), r)
        } else if requests[r].parent != nil {
            childDone(r, failure: cause)
        } else {
            fail(r, cause)
        }
    }

    func retry(_ r: Int32) { sendCall(r, spec(r)) }

    /// A retry scheduled on `route`: counted after warm-up and in the windows open now.
    func countRetry(_ route: Int) {
        if measuring { routes.retries[route] += 1 }
        if windows.any { windowRetry(route: route) }
    }

    /// A fan-out member answered (or failed for good); the last one moves the parent on.
    func childDone(_ r: Int32, failure: FailureCause?) {
        let parent = requests[r].parent!
        requests.release(r)
        if let failure { requests[parent].failure = failure }
        requests[parent].pending -= 1
        if requests[parent].pending == 0 {
            calls.waitingParents -= 1
            if let cause = requests[parent].failure { fail(parent, cause) } else { advance(parent) }
        }
    }
}
