import Foundation

/// Independent pieces of work (replications, sweep points) on up to `jobs` threads, with
/// results in index order: how many threads ran them changes the wall time, never the result.
public enum ParallelRuns {
    /// `work(i)` for every i in 0..<count. Workers take the next index as they free up, so a
    /// slow piece does not hold the others back. After a failure no new piece starts, and the
    /// lowest-numbered failure is thrown whatever order the threads met them in. `progress`
    /// hears 1, 2, 3 … in order, one call at a time, whichever thread finished.
    public static func map<T: Sendable>(count: Int, jobs: Int, progress: (@Sendable (Int) -> Void)? = nil,
                                        work: @escaping @Sendable (Int) throws -> T) throws -> [T] {
        precondition(count >= 0 && jobs >= 1)
        let box = Results<T>(count: count)
        let next = Counter(), done = Counter()
        DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, count))) { _ in
            while !box.failed, let i = next.take(below: count) {
                do {
                    box.set(i, .success(try work(i)))
                    if let progress { done.report(below: count, progress) }
                } catch {
                    box.set(i, .failure(error))
                }
            }
        }
        return try box.values()
    }

    /// Indices handed out one at a time to the workers.
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func take(below n: Int) -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard value < n else { return nil }
            value += 1
            return value - 1
        }
        /// Takes the next count and reports it while holding the lock, so counts arrive in order.
        func report(below n: Int, _ f: (Int) -> Void) {
            lock.lock(); defer { lock.unlock() }
            guard value < n else { return }
            value += 1
            f(value)
        }
    }

    /// Each piece's result, or the first error.
    final class Results<T>: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [Result<T, any Error>?]
        init(count: Int) { slots = Array(repeating: nil, count: count) }
        var failed: Bool { lock.lock(); defer { lock.unlock() }; return slots.contains { if case .failure = $0 { return true }; return false } }
        func set(_ i: Int, _ r: Result<T, any Error>) { lock.lock(); slots[i] = r; lock.unlock() }
        func values() throws -> [T] {
            lock.lock(); defer { lock.unlock() }
            if let e = slots.lazy.compactMap({ s -> (any Error)? in if case .failure(let e) = s { return e }; return nil }).first { throw e }
            return slots.map { s in if case .success(let v) = s { return v }; fatalError("a piece of work did not run") }
        }
    }
}
