import Dispatch
import Foundation

extension RunningService {
    /// `start` then `wait`, for a synchronous caller (`capsim serve` is a non-async command):
    /// blocks the calling thread until the service stops — SIGINT/SIGTERM when
    /// `handlingSignals` — and rethrows why it failed to start or stopped with an error.
    /// Must not be called from inside an async task (it would hold a thread of the pool the
    /// service runs on).
    @available(*, noasync, message: "use start and wait")
    public static func runBlocking(_ configuration: ServiceConfiguration, handlingSignals: Bool = true) throws {
        let done = DispatchSemaphore(value: 0)
        let failure = FailureBox()
        Task {
            do {
                let service = try await start(configuration, handlingSignals: handlingSignals)
                try await service.wait()
            } catch {
                failure.set(error)
            }
            done.signal()
        }
        done.wait()
        if let error = failure.get() { throw error }
    }
}

/// The service task's error, handed to the blocked thread.
private final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var error: (any Error)?
    func set(_ e: any Error) { lock.withLock { error = e } }
    func get() -> (any Error)? { lock.withLock { error } }
}
