import CapsimModel
import Foundation

/// Databases as services see them: each service's link (primary, read replicas, read share,
/// cache hit ratio, queries per request), each primary's connection limit, and the row locks
/// of skewed databases' hottest keys. Owns the `service/NAME/queries` and
/// `database/NAME/keys` streams and the per-service cache counters.
struct Databases {
    /// A service's database: where its reads and writes go, and how many its cache absorbs.
    struct Link { let primary: Int32; var replicas: Int32?; let readRatio: Double; let hitRatio: Double; let queries: Double; let hot: Int? }

    /// Row locks of one database's hottest keys: a write to one of them holds its lock while it
    /// runs, so writes to a hot row queue behind each other however many cores are free.
    struct HotRows {
        /// Zipf CDF over the database's keys (rank 0 the hottest), for drawing a write's key.
        let cdf: [Double]
        var locked: [Bool]
        var waiting: [RingBuffer]
        var rng: RandomStream
        static let tracked = 64
    }

    /// A primary's connection pool (`max_connections`): queries at the primary, queued or
    /// running, never exceed it; more wait at their service for a connection.
    struct Connections { let limit: Int; var inUse = 0; var waiting = RingBuffer(capacity: 64) }

    /// Indexed by service. A link's replicas become nil when a failover promotes the last one
    /// (its reads then go to the primary, as a reader endpoint falls back to the writer).
    var links: [Link?]
    var queryRNG: [RandomStream]
    var cacheHits: [Int]
    var cacheLookups: [Int]
    var hotRows: [HotRows]
    /// Indexed by station; nil for stations without a pool.
    var connections: [Connections?]
    let hasConnections: [Bool]
    /// Indexed by station: the `database-failover` fault (by index) that has this primary
    /// down; nil while it is up (and for every other station).
    var failingOver: [Int?]
    /// Indexed by station: queries a primary has completed since the start (writes only when
    /// it has read replicas), for the writes a failover leaves unreplicated.
    var served: [Int]

    init(scenario: Scenario, station: [String: Int32], stationCount: Int, seed: UInt64) {
        let names = scenario.serviceNames
        let skewed = scenario.databaseNames.filter { scenario.databases[$0]!.keySkew > 0 }
        links = names.map { n in
            let sv = scenario.services[n]!
            guard let d = sv.database, let db = scenario.databases[d] else { return nil }
            return Link(primary: station[db.name]!, replicas: station[db.name + "/replicas"], readRatio: db.readRatio,
                        hitRatio: sv.cache?.hitRatio ?? 0, queries: sv.queriesPerRequest, hot: skewed.firstIndex(of: db.name))
        }
        hotRows = skewed.map { scenario.databases[$0]! }.map { db in
            // Zipf(s) over `keys` ranks: P(rank k) ∝ 1/(k+1)^s. Only the hottest 64 rows are
            // tracked as locks; a write elsewhere has a row practically to itself.
            // The normaliser sums every key's weight in order (as a table of them would, without
            // the table: `keys` may be 100M); only the tracked rows' weights are kept.
            let n = min(HotRows.tracked, db.keys)
            var w: [Double] = [], total = 0.0
            w.reserveCapacity(n)
            for k in 0..<db.keys {
                let x = 1 / pow(Double(k + 1), db.keySkew)
                total += x
                if k < n { w.append(x) }
            }
            var acc = 0.0
            for i in w.indices { acc += w[i] / total; w[i] = acc }
            return HotRows(cdf: w, locked: Array(repeating: false, count: n), waiting: (0..<n).map { _ in RingBuffer(capacity: 16) },
                           rng: RandomStream(seed: seed, name: "database/\(db.name)/keys"))
        }
        var pools = [Connections?](repeating: nil, count: stationCount)
        for db in scenario.databaseNames.map({ scenario.databases[$0]! }) {
            pools[Int(station[db.name]!)] = Connections(limit: db.maxConnections)
        }
        connections = pools
        hasConnections = pools.map { $0 != nil }
        failingOver = pools.map { _ in nil }
        served = pools.map { _ in 0 }
        queryRNG = names.map { RandomStream(seed: seed, name: "service/\($0)/queries") }
        cacheHits = names.map { _ in 0 }
        cacheLookups = cacheHits
    }

    /// How many queries a request of service `s` makes: the whole part of the mean, and one
    /// more with the fraction's probability.
    mutating func drawQueries(_ s: Int) -> Int32 {
        guard let link = links[s] else { return 0 }
        let whole = link.queries.rounded(.down)
        return Int32(whole) + (queryRNG[s].uniform() < link.queries - whole ? 1 : 0)
    }

    /// Requests waiting for a connection or a row lock, per station (for the census).
    func waiting(into blocked: inout [Int], at: (Int32) -> Int32) {
        for (i, c) in connections.enumerated() { blocked[i] += c?.waiting.count ?? 0 }
        for h in hotRows.indices {
            for w in hotRows[h].waiting { w.forEach { blocked[Int(links[Int(at($0))]!.primary)] += 1 } }
        }
    }

    /// Requests waiting for a connection or a row lock, in all.
    var waitingCount: Int {
        hotRows.reduce(0) { $0 + $1.waiting.reduce(0) { $0 + $1.count } } + connections.reduce(0) { $0 + ($1?.waiting.count ?? 0) }
    }
}

extension Simulator {
    /// Sends a request to its next database query past its service's cache; false when it has
    /// none left. A write to a hot row takes the row's lock or waits for it.
    @inline(__always)
    func sendNextQuery(_ r: Int32) -> Bool {
        let svc = Int(requests[r].at)
        while requests[r].pendingQueries > 0 {
            requests[r].pendingQueries -= 1
            guard let link = databases.links[svc] else { break }
            databases.cacheLookups[svc] += 1
            if link.hitRatio > 0 && databases.queryRNG[svc].uniform() < link.hitRatio { databases.cacheHits[svc] += 1; continue }
            let read = databases.queryRNG[svc].uniform() < link.readRatio
            let target = read ? (link.replicas ?? link.primary) : link.primary
            if !read, let h = link.hot {
                // A write's key, by Zipf rank: a hot row's lock is taken or waited for.
                let u = databases.hotRows[h].rng.uniform()
                if let k = databases.hotRows[h].cdf.firstIndex(where: { u < $0 }) {
                    requests[r].lock = RowLock(database: h, row: k)
                    if databases.hotRows[h].locked[k] { block(r, at: link.primary); databases.hotRows[h].waiting[k].push(r); return true }
                    databases.hotRows[h].locked[k] = true
                }
            }
            toDatabase(r, target)
            return true
        }
        return false
    }

    /// A write on a hot row finished: the row's next waiting write goes to the primary.
    func unlock(_ r: Int32) {
        guard let l = requests[r].lock else { return }
        let db = Int(l.database), k = Int(l.row)
        requests[r].lock = nil
        if let next = databases.hotRows[db].waiting[k].pop() {
            let primary = databases.links[Int(requests[next].at)]!.primary
            unblock(next, at: primary)
            toDatabase(next, primary)
        } else {
            databases.hotRows[db].locked[k] = false
        }
    }

    /// Sends a query to a database station, through the primary's connection pool.
    @inline(__always)
    func toDatabase(_ r: Int32, _ target: Int32) {
        let t = Int(target)
        if let fault = databases.failingOver[t] { refuseQuery(r, fault: fault); return }
        if databases.hasConnections[t] {
            if databases.connections[t]!.inUse >= databases.connections[t]!.limit {
                block(r, at: target); databases.connections[t]!.waiting.push(r); return
            }
            databases.connections[t]!.inUse += 1
        }
        kernel.schedule(.visit, lane: lanes.visit, at: now + hopLatency, r, target)
    }

    /// A query left a primary: its connection goes to the next waiting query.
    @inline(__always)
    func releaseConnection(_ s: Int) {
        guard databases.hasConnections[s] else { return }
        if let next = databases.connections[s]!.waiting.pop() {
            unblock(next, at: Int32(s))
            kernel.schedule(.visit, lane: lanes.visit, at: now + hopLatency, next, Int32(s))
        } else {
            databases.connections[s]!.inUse -= 1
        }
    }
}
