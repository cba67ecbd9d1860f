/// What a pooled request stands for. The engine dispatches on this, never on a special value
/// of another field: an earlier engine marked abandoned attempts and timed jobs with two
/// negative route numbers, they collided, and abandoned attempts ran as hour-long "jobs".
enum RequestKind: UInt8 {
    /// A user request walking its route (`route` says which).
    case routed
    /// An attempt its caller gave up on at a timeout: it keeps its place at the callee (queue,
    /// slot, connection, row lock), its work is wasted, and it leaves when that work is done.
    case abandoned
    /// An event-bus message, delivered to one consumer group.
    case message
    /// A timed job's turn on one instance: `work` seconds of a slot, in no statistic.
    case job
}

/// Why a routed request failed for good.
public enum FailureCause: UInt8, Sendable {
    /// Turned away by a full queue (`queue.limit`).
    case dropped
    /// Waited in a queue past its station's `queue.timeout`.
    case queueTimeout
    /// Every attempt of a call timed out.
    case callTimeout
    /// An external dependency answered its last attempt with an error.
    case error
    /// Its pod died under it (a `pod-crash` or `zone-loss` fault): in service or queued there.
    case podLost
}

/// The hot-row lock a write holds: which tracked database, which of its hottest rows (at most
/// `HotRows.tracked`). Two 16-bit halves, so an optional lock fits in the request's padding.
struct RowLock {
    let database: UInt16, row: UInt16
    init(database: Int, row: Int) { self.database = UInt16(database); self.row = UInt16(row) }
}

/// A request in flight; stored in a pool and referred to by index, so events carry no references.
///
/// Swift lays fields out in declaration order, each at its alignment, and the pool is read on
/// every event, so padding is memory traffic: the doubles and the plain 32-bit fields go first,
/// then each 5-byte optional `Int32` is followed by the 1- and 2-byte fields that fill the
/// 3 bytes up to the next 4-byte boundary (96 bytes a request; `RequestLayoutTests` pins it).
struct Request {
    var born: Double
    /// When it began waiting where it is now: it reached its current station (its time there
    /// is measured from here), or it began waiting outside one — for a database connection, a
    /// hot row's lock or its caller's pool.
    var waitingSince: Double
    /// When it took a slot at its current station (its queue wait is `startedAt − waitingSince`).
    var startedAt = 0.0
    /// A timed job's work, seconds (jobs only).
    var work = 0.0
    /// Route index (routed requests and abandoned attempts).
    var route: Int32
    var hop: Int32
    /// The pod it queues at or works on, once it has one.
    var pod: Int32 = 0
    /// Database queries still to make before the request moves on.
    var pendingQueries: Int32 = 0
    /// The service station whose work (and queries) the request is doing.
    var at: Int32 = 0
    /// Calls with policies: fan-out children still outstanding, the parent request, the armed
    /// timeout's call id, the connection pool held, the fan-out member this entry is (nil for
    /// the request itself), the attempt, and why a call failed for good.
    var pending: Int32 = 0
    var parent: Int32?
    var kind: RequestKind
    var attempt: Int16 = 0
    var callId: Int32?
    var failure: FailureCause?
    var member: Int16?
    var pool: Int32?
    /// The hot-row lock a write holds while it runs.
    var lock: RowLock?
    /// The client attempt (`ClientTraffic.attempts`) this request is, for a user request of a
    /// scenario with `clients:`; nil otherwise. Fan-out members and retried calls copy it, but
    /// only the request itself ends in `complete` or `fail`, which answer the client.
    var client: Int32?

    init(kind: RequestKind, route: Int32 = 0, born: Double) {
        self.kind = kind; self.route = route; hop = 0; self.born = born; waitingSince = born
    }
}

/// Every request in flight, by index: freed slots are reused, so after warm-up the pool has
/// reached its high-water mark and creating a request allocates nothing.
///
/// Storage is one manually managed buffer reached through addressors: the engine reads and
/// writes a request's fields in place on every event, and an addressor is a plain pointer
/// (no copy-on-write check, and — unlike a `_modify` coroutine called from another file in
/// the debug build — no heap-allocated frame per access).
final class RequestPool {
    private var base: UnsafeMutablePointer<Request>
    private var capacity: Int
    /// Slots in use or freed: slots at or above it were never initialised.
    private var used = 0
    private var free: ContiguousArray<Int32> = []
    /// Requests ever created and ever released: their difference is what is live.
    private(set) var created = 0, finished = 0

    init(capacity: Int = 4096) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit {
        base.deinitialize(count: used)
        base.deallocate()
    }

    subscript(r: Int32) -> Request {
        unsafeAddress { UnsafePointer(base + Int(r)) }
        unsafeMutableAddress { base + Int(r) }
    }

    @inline(__always)
    func add(_ q: Request) -> Int32 {
        created += 1
        if let i = free.popLast() { base[Int(i)] = q; return i }
        if used == capacity { grow() }
        (base + used).initialize(to: q)
        used += 1
        return Int32(used - 1)
    }

    @inline(__always)
    func release(_ r: Int32) { finished += 1; free.append(r) }

    private func grow() {
        let bigger = UnsafeMutablePointer<Request>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: base, count: used)
        base.deallocate()
        base = bigger
        capacity *= 2
    }

    /// Calls `body` with every live request (created and not yet released).
    func forEachLive(_ body: (Request) -> Void) {
        var isFree = [Bool](repeating: false, count: used)
        for f in free { isFree[Int(f)] = true }
        for i in 0..<used where !isFree[i] { body(base[i]) }
    }
}
