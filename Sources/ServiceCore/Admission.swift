import Foundation

/// Bounded admission: at most `workers` requests run at once and at most `queueLimit` wait; the
/// rest are refused at once (the caller answers 503 with Retry-After). Memory stays bounded by
/// `workers + queueLimit` in flight, whatever the offered load.
public final class AdmissionController: @unchecked Sendable {
    public let workers: Int
    public let queueLimit: Int
    private let lock = NSLock()
    private var running = 0
    private var waiters: [CheckedContinuation<Bool, Never>] = []
    private var waiterHead = 0
    private var rejectedCount = 0

    public init(workers: Int, queueLimit: Int) {
        precondition(workers >= 1 && queueLimit >= 0)
        self.workers = workers
        self.queueLimit = queueLimit
    }

    private enum Decision { case run, wait, reject }

    /// True once the caller holds a worker slot (it must `release()`); false when shed.
    public func acquire() async -> Bool {
        await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
            let decision: Decision = lock.withLock {
                if running < workers { running += 1; return .run }
                if waiters.count - waiterHead < queueLimit { waiters.append(c); return .wait }
                rejectedCount += 1
                return .reject
            }
            switch decision {
            case .run: c.resume(returning: true)
            case .reject: c.resume(returning: false)
            case .wait: break
            }
        }
    }

    /// Hands the slot to the longest waiter, or frees it.
    public func release() {
        let next: CheckedContinuation<Bool, Never>? = lock.withLock {
            if waiterHead < waiters.count {
                let c = waiters[waiterHead]
                waiterHead += 1
                if waiterHead > 64 && waiterHead * 2 > waiters.count {
                    waiters.removeFirst(waiterHead)
                    waiterHead = 0
                }
                return c
            }
            running -= 1
            return nil
        }
        next?.resume(returning: true)
    }

    public var snapshot: (running: Int, queued: Int, rejected: Int) {
        lock.withLock { (running, waiters.count - waiterHead, rejectedCount) }
    }
}

/// A small least-recently-used cache (dictionary + doubly linked list over arrays), thread-safe.
public final class LRUCache<Value: Sendable>: @unchecked Sendable {
    public let capacity: Int
    private let lock = NSLock()
    private var index: [String: Int] = [:]
    private var keys: [String] = []
    private var values: [Value] = []
    private var prev: [Int?] = [], next: [Int?] = []
    private var head: Int?, tail: Int?  // head = most recent
    private(set) var hits = 0, misses = 0

    public init(capacity: Int) { self.capacity = max(0, capacity) }

    public func get(_ key: String) -> Value? {
        lock.withLock {
            guard let i = index[key] else { misses += 1; return nil }
            hits += 1
            moveToFront(i)
            return values[i]
        }
    }

    public func put(_ key: String, _ value: Value) {
        guard capacity > 0 else { return }
        lock.withLock {
            if let i = index[key] { values[i] = value; moveToFront(i); return }
            let i: Int
            if keys.count < capacity {
                i = keys.count
                keys.append(key); values.append(value); prev.append(nil); next.append(nil)
            } else {
                i = tail!  // full (capacity > 0), so there is a least recent: evict it and reuse its slot
                unlink(i)
                index[keys[i]] = nil
                keys[i] = key; values[i] = value
            }
            index[key] = i
            linkFront(i)
        }
    }

    public var stats: (hits: Int, misses: Int, size: Int) { lock.withLock { (hits, misses, index.count) } }

    private func unlink(_ i: Int) {
        if let p = prev[i] { next[p] = next[i] } else { head = next[i] }
        if let n = next[i] { prev[n] = prev[i] } else { tail = prev[i] }
        prev[i] = nil; next[i] = nil
    }

    private func linkFront(_ i: Int) {
        prev[i] = nil; next[i] = head
        if let h = head { prev[h] = i }
        head = i
        if tail == nil { tail = i }
    }

    private func moveToFront(_ i: Int) {
        guard head != i else { return }
        unlink(i)
        linkFront(i)
    }
}
