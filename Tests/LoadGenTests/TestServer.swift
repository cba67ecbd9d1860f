import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// A counter shared by a test server's handlers.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    /// Increments and returns the new value (1 for the first call).
    func next() -> Int { lock.lock(); defer { lock.unlock() }; n += 1; return n }
}

struct ServerUnavailable: Error {}

/// Runs a Hummingbird server on 127.0.0.1, port 0, for the duration of `body`, which receives
/// the base URL. The wait for the port ends if the bind fails (the stream finishes when the
/// service group's run returns), and the server shuts down gracefully afterwards.
func withTestServer<T: Sendable>(
    _ configure: (Router<BasicRequestContext>) -> Void,
    _ body: @Sendable (URL) async throws -> T
) async throws -> T {
    let router = Router()
    configure(router)
    let (ports, portSink) = AsyncStream<Int?>.makeStream()
    let app = Application(
        router: router,
        configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in portSink.yield(channel.localAddress?.port); portSink.finish() },
        logger: Logger(label: "loadgen-test-server"))
    let services = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: "loadgen-test")))
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { portSink.finish() }
            try await services.run()
        }
        var port: Int?
        for await p in ports { port = p; break }
        guard let port else {
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            throw ServerUnavailable()
        }
        do {
            let result = try await body(URL(string: "http://127.0.0.1:\(port)")!)
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            return result
        } catch {
            await services.triggerGracefulShutdown()
            try? await group.waitForAll()
            throw error
        }
    }
}
