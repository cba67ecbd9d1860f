import CapsimModel

/// A user request as its client sees it: which route and network, when the user first sent
/// it, and how many attempts have left so far.
struct ClientUser {
    var born: Double
    var route: Int32
    var network: Int32
    /// Attempts sent so far (the first included).
    var sent: Int16
    var live: Bool
}

/// One attempt of a user request. It is released when it has left the deadline queue and
/// nothing of it is travelling or being served any more, so a late answer always finds it.
struct ClientAttempt {
    var user: Int32
    /// Its (route, network) cell: the attempt's own, since an attempt can outlive its user (a
    /// round trip longer than the timeout reaches the platform after the user gave up, and the
    /// user's slot may be someone else's by then).
    var cell: Int32
    /// The round trip drawn for this attempt: rtt/2 each way.
    var rtt: Double
    /// When the client abandons it: sent + timeout.
    var deadline: Double
    /// The client is still waiting for it (no answer, no timeout yet).
    var open: Bool
    /// On its way to the platform or served there.
    var travelling: Bool
    /// Still in `ClientTraffic.deadlines`.
    var queued: Bool
}

/// What the users of one (route, network) cell saw after warm-up.
struct ClientCell {
    /// User requests that arrived, and those that ended: succeeded or gave up.
    var users = 0, succeeded = 0, gaveUp = 0
    /// Attempts sent, those that reached the platform, lost on the way there, whose answer was
    /// lost on the way back; abandoned at the client's timeout; answered with an error; answers
    /// (or platform failures) that came after the client had stopped waiting.
    var attempts = 0, reached = 0, lostOnTheWay = 0, answersLost = 0, timedOut = 0, errors = 0, late = 0
    /// From the first send to the answer received, of the users who succeeded.
    var latency = runHistogram()
    var latencySum = 0.0
}

/// The users' side of every request of the scenario's routes (`clients:`; CDN origin routes
/// have none): each user request takes a network class by share, and each attempt reaches the
/// entry rtt/2 after it leaves (unless lost), is served as any request is, and its answer
/// would reach the client rtt/2 after the platform is done (unless lost). The client abandons an
/// attempt `timeout` after sending it (a lost packet shows up as that timeout) and retries an
/// abandoned or failed attempt after a capped exponential backoff with jitter, up to `retries`
/// times; then the user gives up. The platform keeps working on an abandoned attempt (wasted).
///
/// Streams, one per entity and purpose: `clients/networks` (the class), `clients/NET/rtt`,
/// `clients/NET/loss` (both directions) and `clients/backoff` (jitter).
///
/// Events: `clientReach` (a = attempt), `clientTimeout` (the deadline queue's timer, on its own
/// lane), `clientRetry` (a = user). A platform request carries its attempt in `Request.client`;
/// `Routes.complete`/`fail` hand it back here (`clientServed`).
///
/// Two shortcuts keep a run with clients cheap (the bundled hour has ~36 million users), both
/// exact: (1) the answer needs no event — when the platform is done, the answer's arrival
/// (now + rtt/2), its loss and whether it beats the deadline are all known, so the user's
/// success (latency measured to that arrival) or the retry after it is settled then, counted
/// rtt/2 early; (2) deadlines come in send order (one timeout for all), so they wait in a FIFO
/// with one timer armed for the oldest still-open attempt, instead of one event per attempt.
///
/// A class: its state is changed in place through the simulator's one reference.
final class ClientTraffic {
    let config: Clients
    /// The scenario's routes (the first `routeCount` of the engine's); the rest are CDN origin routes.
    let routeCount: Int
    let networkCount: Int
    let cumulative: [Double]
    let rtt: [Sampler]
    let loss: [Double]
    let lane: Int
    var networkRNG: RandomStream
    var rttRNG: [RandomStream]
    var lossRNG: [RandomStream]
    var backoffRNG: RandomStream
    var users: ContiguousArray<ClientUser> = []
    var freeUsers: [Int32] = []
    var attempts: ContiguousArray<ClientAttempt> = []
    var freeAttempts: [Int32] = []
    /// Attempts in send order (so in deadline order); a timer is armed for the first exactly
    /// when it is not empty.
    var deadlines = RingBuffer(capacity: 1024)
    /// Per (route, network): `route * networkCount + network`.
    var cells: [ClientCell]
    /// Per route, every network together (for the route's own row).
    var routeLatency: [LogHistogram]
    var routeLatencySum: [Double]
    /// The accounts' opening balances per cell: users in flight and attempts on their way.
    var usersAtStart: [Int] = []
    var onTheWayAtStart: [Int] = []

    init(_ config: Clients, routeCount: Int, seed: UInt64, lane: Int) {
        self.config = config
        self.routeCount = routeCount
        self.lane = lane
        networkCount = config.networks.count
        var acc = 0.0
        let total = config.networks.reduce(0) { $0 + $1.share }
        cumulative = config.networks.map { acc += $0.share; return acc / total }
        rtt = config.networks.map { Sampler($0.rtt) }
        loss = config.networks.map(\.loss)
        networkRNG = RandomStream(seed: seed, name: "clients/networks")
        rttRNG = config.networks.map { RandomStream(seed: seed, name: "clients/\($0.name)/rtt") }
        lossRNG = config.networks.map { RandomStream(seed: seed, name: "clients/\($0.name)/loss") }
        backoffRNG = RandomStream(seed: seed, name: "clients/backoff")
        cells = (0..<(routeCount * config.networks.count)).map { _ in ClientCell() }
        routeLatency = (0..<routeCount).map { _ in runHistogram() }
        routeLatencySum = (0..<routeCount).map { _ in 0 }
    }

    func chooseNetwork() -> Int {
        let u = networkRNG.uniform()
        var n = 0
        while n < cumulative.count - 1 && u >= cumulative[n] { n += 1 }
        return n
    }

    /// Whether a packet of `network` is lost (one direction).
    func lost(_ network: Int) -> Bool { loss[network] > 0 && lossRNG[network].uniform() < loss[network] }

    /// The wait before retry k (1-based) under the scenario's jitter.
    func backoff(retry k: Int) -> Double {
        let cap = config.backoff.cap(retry: k)
        switch config.backoff.jitter {
        case .none: return cap
        case .equal: return cap / 2 + backoffRNG.uniform() * cap / 2
        case .full: return backoffRNG.uniform() * cap
        }
    }

    @inline(__always)
    func cell(_ u: Int32) -> Int { Int(users[Int(u)].route) * networkCount + Int(users[Int(u)].network) }

    func addUser(_ x: ClientUser) -> Int32 {
        if let i = freeUsers.popLast() { users[Int(i)] = x; return i }
        users.append(x)
        return Int32(users.count - 1)
    }

    func addAttempt(_ x: ClientAttempt) -> Int32 {
        if let i = freeAttempts.popLast() { attempts[Int(i)] = x; return i }
        attempts.append(x)
        return Int32(attempts.count - 1)
    }

    func releaseUser(_ u: Int32) { users[Int(u)].live = false; freeUsers.append(u) }

    /// Frees an attempt once it has left the deadline queue and nothing of it travels any more.
    func releaseIfDone(_ a: Int32) {
        let x = attempts[Int(a)]
        if !x.queued && !x.travelling { freeAttempts.append(a) }
    }

    /// Per cell: users in flight (sent and not yet succeeded or given up, a retry's backoff
    /// included) and attempts on their way to the platform, counted from the pool and the
    /// event queue rather than from the counters.
    func census(_ queue: EventQueue) -> (users: [Int], onTheWay: [Int]) {
        var live = cells.map { _ in 0 }
        var onTheWay = live
        for (i, u) in users.enumerated() where u.live { live[cell(Int32(i))] += 1 }
        queue.forEach { e in if e.kind == .clientReach { onTheWay[Int(attempts[Int(e.a)].cell)] += 1 } }
        return (live, onTheWay)
    }
}

extension Simulator {
    /// A user request on one of the scenario's routes: its network is drawn and its first
    /// attempt leaves the client.
    func clientArrive(_ c: ClientTraffic, route: Int) {
        let u = c.addUser(ClientUser(born: now, route: Int32(route), network: Int32(c.chooseNetwork()), sent: 0, live: true))
        if measuring { c.cells[c.cell(u)].users += 1 }
        sendAttempt(c, u)
    }

    /// An attempt leaves the client: its round trip is drawn, its timeout armed, and it is
    /// lost on the way or reaches the platform's entry rtt/2 later.
    func sendAttempt(_ c: ClientTraffic, _ u: Int32) {
        let net = Int(c.users[Int(u)].network), cell = c.cell(u)
        let rtt = c.rtt[net].draw(&c.rttRNG[net])
        c.users[Int(u)].sent += 1
        let a = c.addAttempt(ClientAttempt(user: u, cell: Int32(cell), rtt: rtt, deadline: now + c.config.timeout, open: true, travelling: true, queued: true))
        if c.deadlines.isEmpty { kernel.schedule(.clientTimeout, lane: c.lane, at: now + c.config.timeout) }
        c.deadlines.push(a)
        if measuring { c.cells[cell].attempts += 1 }
        if c.lost(net) {
            c.attempts[Int(a)].travelling = false
            if measuring { c.cells[cell].lostOnTheWay += 1 }
        } else {
            kernel.schedule(.clientReach, at: now + rtt / 2, a)
        }
    }

    /// An attempt reaches the entry: from here it is a request like any other (the platform
    /// cannot tell whether its client still waits).
    func clientReach(_ a: Int32) {
        guard let c = clients else { return }
        let cell = Int(c.attempts[Int(a)].cell), route = cell / c.networkCount
        if measuring { c.cells[cell].reached += 1 }
        routes.arrived(route, measuring: measuring)
        if windows.any { windowArrival(route: route) }
        var q = Request(kind: .routed, route: Int32(route), born: now)
        q.client = a
        enter(requests.add(q), station: routes.first(route))
    }

    /// The platform is done with an attempt (`ok`: completed; otherwise failed for good). Its
    /// answer would reach the client rtt/2 from now: unless the client stopped waiting, the
    /// answer is lost, or it would come after the deadline (the timeout then wins), the user is
    /// served — or, after an error, retries — as of that arrival.
    func clientServed(_ a: Int32, ok: Bool) {
        guard let c = clients else { return }
        c.attempts[Int(a)].travelling = false
        // An open attempt's user is live; a closed one's may be gone: only its own cell is read.
        let x = c.attempts[Int(a)], u = x.user, cell = Int(x.cell)
        let answered = now + x.rtt / 2
        if !x.open || answered > x.deadline {
            if measuring { c.cells[cell].late += 1 }
        } else if c.lost(cell % c.networkCount) {
            if measuring { c.cells[cell].answersLost += 1 }
        } else {
            c.attempts[Int(a)].open = false
            if ok {
                let user = c.users[Int(u)], seconds = answered - user.born
                if measuring {
                    c.cells[cell].succeeded += 1
                    c.cells[cell].latency.record(UInt64(max(0, seconds) * 1e6))
                    c.cells[cell].latencySum += seconds
                    c.routeLatency[Int(user.route)].record(UInt64(max(0, seconds) * 1e6))
                    c.routeLatencySum[Int(user.route)] += seconds
                }
                c.releaseUser(u)
            } else {
                if measuring { c.cells[cell].errors += 1 }
                retryOrGiveUp(c, u, at: answered)
            }
        }
        c.releaseIfDone(a)
    }

    /// The timer of the deadline queue: every attempt whose deadline has come and that the
    /// client still waits for is abandoned; answered attempts leave the queue on the way; the
    /// timer is armed again for the oldest attempt still open.
    func clientTimedOut() {
        guard let c = clients else { return }
        while let a = c.deadlines.first {
            let x = c.attempts[Int(a)]
            if x.open && x.deadline > now { break }
            _ = c.deadlines.pop()
            c.attempts[Int(a)].queued = false
            if x.open {
                c.attempts[Int(a)].open = false
                if measuring { c.cells[Int(x.cell)].timedOut += 1 }
                retryOrGiveUp(c, x.user, at: now)
            }
            c.releaseIfDone(a)
        }
        if let a = c.deadlines.first { kernel.schedule(.clientTimeout, lane: c.lane, at: c.attempts[Int(a)].deadline) }
    }

    /// After a failed or abandoned attempt, known at `t`: another after the backoff, or the user gives up.
    func retryOrGiveUp(_ c: ClientTraffic, _ u: Int32, at t: Double) {
        let sent = Int(c.users[Int(u)].sent)
        if sent <= c.config.retries {
            kernel.schedule(.clientRetry, at: t + c.backoff(retry: sent), u)
        } else {
            if measuring { c.cells[c.cell(u)].gaveUp += 1 }
            c.releaseUser(u)
        }
    }

    func clientRetry(_ u: Int32) {
        guard let c = clients else { return }
        sendAttempt(c, u)
    }

    /// The opening balances, with the rest of the accounts (`openAccounts`).
    func openClientAccounts(_ c: ClientTraffic) {
        let census = c.census(kernel.queue)
        c.usersAtStart = census.users
        c.onTheWayAtStart = census.onTheWay
    }

    /// Per route and network: users in flight at the start + users = succeeded + gave up + in
    /// flight at the end; attempts on their way at the start + attempts sent = reached the
    /// platform + lost on the way + on their way at the end. (The platform's own accounts, which
    /// count the attempts that reached it, are closed by `closeAccounts`.)
    func clientAccountProblems(_ c: ClientTraffic) -> [String] {
        let census = c.census(kernel.queue)
        var problems: [String] = []
        for r in 0..<c.routeCount {
            for n in 0..<c.networkCount {
                let i = r * c.networkCount + n, x = c.cells[i]
                let name = "clients of route \(routes.names[r]) on \(c.config.networks[n].name)"
                if c.usersAtStart[i] + x.users != x.succeeded + x.gaveUp + census.users[i] {
                    problems.append("\(name): \(c.usersAtStart[i]) users in flight at the start + \(x.users) users ≠ \(x.succeeded) succeeded + \(x.gaveUp) gave up + \(census.users[i]) in flight at the end")
                }
                if c.onTheWayAtStart[i] + x.attempts != x.reached + x.lostOnTheWay + census.onTheWay[i] {
                    problems.append("\(name): \(c.onTheWayAtStart[i]) attempts on their way at the start + \(x.attempts) sent ≠ \(x.reached) reached the platform + \(x.lostOnTheWay) lost on the way + \(census.onTheWay[i]) on their way at the end")
                }
            }
        }
        return problems
    }

    /// What the users saw, per route and network and per route; nil without `clients:`.
    func clientSummary() -> ClientsSummary? {
        guard let c = clients else { return nil }
        let census = c.census(kernel.queue)
        var rows: [ClientRouteSummary] = []
        for r in 0..<c.routeCount {
            var total = ClientCell()
            var atStart = 0, atEnd = 0
            var networks: [ClientNetworkSummary] = []
            for n in 0..<c.networkCount {
                let i = r * c.networkCount + n, x = c.cells[i]
                networks.append(ClientNetworkSummary(network: c.config.networks[n].name, x, latency: Simulator.summary(x.latency, x.latencySum),
                                                     inFlightAtStart: c.usersAtStart[i], inFlightAtEnd: census.users[i]))
                total.users += x.users; total.succeeded += x.succeeded; total.gaveUp += x.gaveUp; total.attempts += x.attempts
                total.reached += x.reached; total.lostOnTheWay += x.lostOnTheWay; total.answersLost += x.answersLost
                total.timedOut += x.timedOut; total.errors += x.errors; total.late += x.late
                atStart += c.usersAtStart[i]; atEnd += census.users[i]
            }
            var row = ClientNetworkSummary(network: "all", total, latency: Simulator.summary(c.routeLatency[r], c.routeLatencySum[r]),
                                           inFlightAtStart: atStart, inFlightAtEnd: atEnd)
            row.network = nil
            rows.append(ClientRouteSummary(route: routes.names[r], all: row, networks: networks))
        }
        let b = c.config.backoff
        return ClientsSummary(timeout: c.config.timeout, retries: c.config.retries, backoffBase: b.base, backoffMax: b.max,
                              jitter: b.jitter.rawValue, networks: c.config.networkNames, routes: rows)
    }
}

/// `summary.json`'s `clients`: what users saw, per route and per network class.
public struct ClientsSummary: Hashable, Sendable, Codable {
    public let timeout: Double
    public let retries: Int
    public let backoffBase: Double
    public let backoffMax: Double
    public let jitter: String
    public let networks: [String]
    public let routes: [ClientRouteSummary]
}

public struct ClientRouteSummary: Hashable, Sendable, Codable {
    public let route: String
    /// Every network together.
    public let all: ClientNetworkSummary
    public let networks: [ClientNetworkSummary]
}

/// The users of one route on one network class (or all of them), after warm-up.
public struct ClientNetworkSummary: Hashable, Sendable, Codable {
    /// nil in a route's `all` row.
    public var network: String?
    /// User requests that arrived; those that got an answer; those whose every attempt failed.
    public let users: Int
    public let succeeded: Int
    public let gaveUp: Int
    /// Users in flight (waiting, or backing off) when measurement began and when the run ended:
    /// in flight at the start + users = succeeded + gave up + in flight at the end.
    public let inFlightAtStart: Int
    public let inFlightAtEnd: Int
    /// Attempts sent; those that reached the platform (its arrivals) and those lost on the way;
    /// answers lost on the way back; attempts the client abandoned at its timeout; attempts
    /// answered with an error; answers the platform gave after the client stopped waiting.
    public let attempts: Int
    public let reached: Int
    public let lostOnTheWay: Int
    public let answersLost: Int
    public let timedOut: Int
    public let errors: Int
    public let lateAnswers: Int
    /// Offered ÷ original: attempts that reached the platform ÷ user requests (nil with no users).
    public let amplification: Double?
    /// From the first send to the answer received, round trips and retries included, of the
    /// users who succeeded.
    public let latency: LatencySummary?

    init(network: String, _ x: ClientCell, latency: LatencySummary?, inFlightAtStart: Int, inFlightAtEnd: Int) {
        self.network = network
        users = x.users; succeeded = x.succeeded; gaveUp = x.gaveUp
        self.inFlightAtStart = inFlightAtStart; self.inFlightAtEnd = inFlightAtEnd
        attempts = x.attempts; reached = x.reached; lostOnTheWay = x.lostOnTheWay; answersLost = x.answersLost
        timedOut = x.timedOut; errors = x.errors; lateAnswers = x.late
        amplification = x.users > 0 ? Double(x.reached) / Double(x.users) : nil
        self.latency = latency
    }

    /// The share of user requests that gave up (nil with no users).
    public var gaveUpShare: Double? { users > 0 ? Double(gaveUp) / Double(users) : nil }
}
