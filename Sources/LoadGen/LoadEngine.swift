import CapsimModel
import Foundation
import Histogram
import NIOCore
import NIOHTTP1
import NIOPosix

/// Why a run could not start.
public enum LoadError: Error, CustomStringConvertible {
    case invalidPlan([String])
    case cannotConnect(target: String, reason: String)

    public var description: String {
        switch self {
        case .invalidPlan(let problems): return problems.joined(separator: "\n")
        case .cannotConnect(let target, let reason): return "cannot connect to \(target): \(reason)"
        }
    }
}

/// Runs an open-loop load test (wrk2's model): request i is due at its intended time t_i
/// (i / rate for a constant rate) whatever the responses do; it is written to the first free
/// keep-alive connection (one request in flight per connection), waiting in a FIFO when none
/// is free; its latency is measured from t_i, so a stall counts for every request queued
/// behind it (no coordinated omission).
public func runLoad(_ plan: LoadPlan) async throws -> LoadResult {
    let (group, engine) = try prepare(plan)
    do {
        let result = try await engine.run().get()
        try? await group.shutdownGracefully()
        return result
    } catch {
        try? await group.shutdownGracefully()
        throw error
    }
}

/// `runLoad` for synchronous callers (a non-async command); blocks the calling thread.
/// Must not be called from an event loop or from inside an async task.
@available(*, noasync, message: "use runLoad")
public func runLoadBlocking(_ plan: LoadPlan) throws -> LoadResult {
    let (group, engine) = try prepare(plan)
    defer { try? group.syncShutdownGracefully() }
    return try engine.run().wait()
}

private func prepare(_ plan: LoadPlan) throws -> (MultiThreadedEventLoopGroup, LoadEngine) {
    let problems = plan.problems()
    guard problems.isEmpty, let endpoint = Endpoint(plan.target) else { throw LoadError.invalidPlan(problems) }
    // One event loop: every piece of the run's state lives on it, so nothing is locked.
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    return (group, LoadEngine(plan: plan, endpoint: endpoint, group: group))
}

/// "Connection refused" rather than NIO's nested error values.
private func describe(_ error: Error) -> String {
    if let e = error as? NIOConnectionError, let first = e.connectionErrors.first { return describe(first.error) }
    if let e = error as? IOError { return String(cString: strerror(e.errnoCode)) }
    return "\(error)"
}

@inline(__always) private func nowNs() -> UInt64 { NIODeadline.now().uptimeNanoseconds }

/// The state of one run; touched only on `loop`.
final class LoadEngine: @unchecked Sendable {
    struct Pending { var index: Int; var route: Int; var intended: UInt64 }
    struct InFlight {
        var pending: Pending; var sent: UInt64; var status: Int? = nil
        /// The server's own split of the request (its `Server-Timing` header), in µs.
        var serverQueue: UInt64? = nil, serverApp: UInt64? = nil
    }

    final class Connection: @unchecked Sendable {
        let id: Int
        var channel: Channel?
        var inFlight: InFlight?
        var closeAfterResponse = false
        init(id: Int) { self.id = id }
    }

    let plan: LoadPlan
    let endpoint: Endpoint
    let group: EventLoopGroup
    let loop: EventLoop
    let mix: [MixEntry]
    let lateThresholdNs: UInt64

    var connections: [Connection] = []
    var free: [Int] = []
    var pending = CircularBuffer<Pending>()
    var schedule: ArrivalSchedule
    var chooser: MixChooser
    var nextIndex = 0
    var nextOffset: Double?
    var start: UInt64 = 0
    var schedulingDone = false
    var finished = false
    var promise: EventLoopPromise<LoadResult>?

    var latency = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    var service = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    /// Filled only from responses that carry `Server-Timing: queue;dur=…, app;dur=…`.
    var serverQueue = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    var serverApp = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    var sent = 0, completed = 0, late = 0, opened = 0
    var maxLag: UInt64 = 0
    var lastResponse: UInt64 = 0
    var statuses: [Int: Int] = [:]
    var errors: [String: Int] = [:]
    var routeSent: [Int], routeCompleted: [Int], routeStatuses: [[Int: Int]]
    var samples: [RequestSample] = []

    init(plan: LoadPlan, endpoint: Endpoint, group: EventLoopGroup) {
        self.plan = plan
        self.endpoint = endpoint
        self.group = group
        self.loop = group.next()
        self.mix = plan.effectiveMix
        self.lateThresholdNs = UInt64(plan.lateThreshold * 1e9)
        schedule = ArrivalSchedule(profile: plan.profile, duration: plan.duration, pattern: plan.arrivals, seed: plan.seed)
        chooser = MixChooser(mix: mix, seed: plan.seed)
        routeSent = Array(repeating: 0, count: mix.count)
        routeCompleted = Array(repeating: 0, count: mix.count)
        routeStatuses = Array(repeating: [:], count: mix.count)
    }

    /// Connects the pool, then schedules; the future completes when every request has an
    /// outcome or the drain deadline passes.
    func run() -> EventLoopFuture<LoadResult> {
        let promise = loop.makePromise(of: LoadResult.self)
        loop.execute {
            self.promise = promise
            self.connections = (0..<self.plan.connections).map { Connection(id: $0) }
            let connects = self.connections.map { self.connect($0) }
            EventLoopFuture.whenAllComplete(connects, on: self.loop).whenSuccess { outcomes in
                for case .failure(let error) in outcomes {
                    self.closeAll()
                    promise.fail(LoadError.cannotConnect(target: "\(self.endpoint.host):\(self.endpoint.port)", reason: describe(error)))
                    return
                }
                // Start a little after now so the first tick is not already late.
                self.start = nowNs() + 5_000_000
                self.nextOffset = self.schedule.next()
                self.scheduleTick()
            }
        }
        return promise.futureResult
    }

    private func connect(_ conn: Connection) -> EventLoopFuture<Void> {
        let engine = self
        return ClientBootstrap(group: loop)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ResponseHandler(engine: engine, connection: conn))
                }
            }
            .connect(host: endpoint.host, port: endpoint.port)
            .map { channel in
                conn.channel = channel
                engine.opened += 1
                conn.closeAfterResponse = false
                if !engine.finished { engine.free.append(conn.id); engine.dispatch() }
            }
    }

    private func reconnect(_ conn: Connection, after delay: TimeAmount) {
        guard !finished else { return }
        loop.scheduleTask(in: delay) {
            guard !self.finished else { return }
            self.connect(conn).whenFailure { _ in
                self.errors["connect", default: 0] += 1
                self.reconnect(conn, after: .milliseconds(100))
            }
        }
    }

    // MARK: scheduling

    private func scheduleTick() {
        guard !finished else { return }
        if let off = nextOffset {
            let due = start + UInt64(off * 1e9)
            loop.scheduleTask(deadline: .uptimeNanoseconds(due)) { self.tick() }
        } else {
            schedulingDone = true
            let end = start + UInt64(plan.duration * 1e9) + UInt64(plan.drainTimeout * 1e9)
            loop.scheduleTask(deadline: .uptimeNanoseconds(end)) { self.finish() }
            finishIfDone()
        }
    }

    private func tick() {
        guard !finished else { return }
        let now = nowNs()
        while let off = nextOffset, start + UInt64(off * 1e9) <= now {
            pending.append(Pending(index: nextIndex, route: chooser.next(), intended: start + UInt64(off * 1e9)))
            nextIndex += 1
            nextOffset = schedule.next()
        }
        dispatch()
        scheduleTick()
    }

    func dispatch() {
        while !pending.isEmpty, let id = free.popLast() {
            send(pending.removeFirst(), on: connections[id])
        }
    }

    private func send(_ p: Pending, on conn: Connection) {
        guard let channel = conn.channel else { return }
        let now = nowNs()
        let lag = now > p.intended ? now - p.intended : 0
        if lag > lateThresholdNs { late += 1 }
        maxLag = max(maxLag, lag)
        sent += 1
        routeSent[p.route] += 1
        conn.inFlight = InFlight(pending: p, sent: now)

        let entry = mix[p.route]
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: endpoint.port == 80 ? endpoint.host : "\(endpoint.host):\(endpoint.port)")
        headers.add(name: "User-Agent", value: "capsim-load")
        for h in plan.headers { headers.add(name: h.name, value: h.value) }
        var body: ByteBuffer?
        if let text = entry.body {
            let buffer = channel.allocator.buffer(string: text)
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(buffer.readableBytes))
            body = buffer
        } else if entry.method != "GET" && entry.method != "HEAD" {
            headers.add(name: "Content-Length", value: "0")
        }
        let head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: entry.method), uri: entry.path, headers: headers)
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        if let body { channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil) }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
    }

    // MARK: responses

    func responseHead(_ head: HTTPResponseHead, on conn: Connection) {
        conn.inFlight?.status = Int(head.status.code)
        if !head.isKeepAlive { conn.closeAfterResponse = true }
        if let timing = head.headers.first(name: "Server-Timing") {
            let t = ServerTiming(timing)
            conn.inFlight?.serverQueue = t.queue
            conn.inFlight?.serverApp = t.app
        }
    }

    func responseEnd(on conn: Connection) {
        guard let f = conn.inFlight, let status = f.status else { return }
        conn.inFlight = nil
        let now = nowNs()
        lastResponse = max(lastResponse, now)
        completed += 1
        let p = f.pending
        latency.record(Swift.max(1, (now &- p.intended) / 1000))
        service.record(Swift.max(1, (now &- f.sent) / 1000))
        if let q = f.serverQueue { serverQueue.record(Swift.max(1, q)) }
        if let a = f.serverApp { serverApp.record(Swift.max(1, a)) }
        statuses[status, default: 0] += 1
        if status >= 400 { errors[String(status), default: 0] += 1 }
        routeCompleted[p.route] += 1
        routeStatuses[p.route][status, default: 0] += 1
        if plan.recordSamples {
            samples.append(RequestSample(index: p.index, route: p.route, intended: seconds(p.intended),
                                         sendLag: Double(f.sent &- p.intended) / 1e9, latency: Double(now &- p.intended) / 1e9, status: status))
        }
        if conn.closeAfterResponse {
            conn.channel?.close(promise: nil) // channelInactive reconnects
        } else if !finished {
            free.append(conn.id)
            dispatch()
        }
        finishIfDone()
    }

    func connectionClosed(_ conn: Connection) {
        conn.channel = nil
        if let i = free.firstIndex(of: conn.id) { free.remove(at: i) }
        if let f = conn.inFlight {
            conn.inFlight = nil
            errors["connection", default: 0] += 1
            if plan.recordSamples {
                samples.append(RequestSample(index: f.pending.index, route: f.pending.route, intended: seconds(f.pending.intended),
                                             sendLag: Double(f.sent &- f.pending.intended) / 1e9, latency: nil, status: nil))
            }
        }
        guard !finished else { return }
        reconnect(conn, after: conn.closeAfterResponse ? .zero : .milliseconds(10))
        finishIfDone()
    }

    private func seconds(_ t: UInt64) -> Double { Double(Int64(bitPattern: t &- start)) / 1e9 }

    private func finishIfDone() {
        if schedulingDone && pending.isEmpty && !connections.contains(where: { $0.inFlight != nil }) { finish() }
    }

    private func finish() {
        guard !finished else { return }
        finished = true
        let timeouts = connections.filter { $0.inFlight != nil }
        if !timeouts.isEmpty { errors["timeout", default: 0] += timeouts.count }
        if !pending.isEmpty { errors["unsent", default: 0] += pending.count }
        if plan.recordSamples {
            for c in timeouts { if let f = c.inFlight {
                samples.append(RequestSample(index: f.pending.index, route: f.pending.route, intended: seconds(f.pending.intended),
                                             sendLag: Double(f.sent &- f.pending.intended) / 1e9, latency: nil, status: nil))
            } }
            for p in pending { samples.append(RequestSample(index: p.index, route: p.route, intended: seconds(p.intended), sendLag: nil, latency: nil, status: nil)) }
            samples.sort { $0.index < $1.index }
        }
        for c in connections { c.inFlight = nil }
        closeAll()
        promise?.succeed(result())
    }

    private func closeAll() {
        finished = true
        for c in connections { c.channel?.close(promise: nil) }
    }

    private func result() -> LoadResult {
        let elapsed = Swift.max(plan.duration, lastResponse > start ? Double(lastResponse - start) / 1e9 : 0)
        func keyed(_ d: [Int: Int]) -> [String: Int] { Dictionary(uniqueKeysWithValues: d.map { (String($0.key), $0.value) }) }
        var r = LoadResult(
            target: plan.target.absoluteString,
            requestedRate: Double(nextIndex) / plan.duration,
            duration: plan.duration, connections: plan.connections, seed: plan.seed,
            scheduled: nextIndex, sent: sent, completed: completed, connectionsOpened: opened,
            achievedRate: Double(completed) / elapsed, elapsed: elapsed,
            lateSends: late, lateThreshold: plan.lateThreshold, maxSendLag: Double(maxLag) / 1e6,
            latency: LatencySummary(latency), serviceTime: LatencySummary(service),
            statuses: keyed(statuses), errors: errors,
            routes: mix.indices.map { RouteResult(route: mix[$0].route, sent: routeSent[$0], completed: routeCompleted[$0], statuses: keyed(routeStatuses[$0])) },
            samples: plan.recordSamples ? samples : nil)
        r.latencyHistogram = latency
        r.serviceTimeHistogram = service
        if serverApp.totalCount > 0 {
            r.serverTime = ServerTimeSummary(queue: LatencySummary(serverQueue), app: LatencySummary(serverApp))
            r.serverQueueHistogram = serverQueue
            r.serverAppHistogram = serverApp
        }
        return r
    }
}

/// Reads responses for one connection and reports them to the engine (on its event loop).
final class ResponseHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    let engine: LoadEngine
    let connection: LoadEngine.Connection

    init(engine: LoadEngine, connection: LoadEngine.Connection) {
        self.engine = engine
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): engine.responseHead(head, on: connection)
        case .body: break
        case .end: engine.responseEnd(on: connection)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        engine.connectionClosed(connection)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}

/// The `queue` and `app` entries of a `Server-Timing` header (`queue;dur=0.012, app;dur=1.5`,
/// durations in milliseconds), in µs; other entries and malformed ones are ignored.
struct ServerTiming {
    var queue: UInt64?
    var app: UInt64?

    init(_ header: String) {
        for metric in header.split(separator: ",") {
            let parts = metric.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let name = parts.first else { continue }
            for p in parts.dropFirst() where p.hasPrefix("dur=") {
                guard let ms = Double(p.dropFirst(4)), ms >= 0, ms.isFinite else { continue }
                let us = UInt64((ms * 1000).rounded())
                if name == "queue" { queue = us } else if name == "app" { app = us }
            }
        }
    }
}
