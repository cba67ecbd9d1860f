import Foundation
import Testing
@testable import ServiceCore

/// `capsim serve` runs the service from a synchronous command: `runBlocking` must hand back
/// why the service could not start rather than leave the command waiting forever.
@Suite("The blocking run behind capsim serve")
struct RunBlockingTests {
    /// Runs `runBlocking` on its own thread (it must not hold one of the async pool's) and
    /// returns what it threw.
    func blockingRun(_ config: ServiceConfiguration) async -> (any Error)? {
        await withCheckedContinuation { done in
            Thread.detachNewThread {
                do { try RunningService.runBlocking(config, handlingSignals: false); done.resume(returning: nil) } catch { done.resume(returning: error) }
            }
        }
    }

    @Test("a database that cannot be opened: the error comes back to the caller")
    func unopenableDatabase() async throws {
        let error = try #require(await blockingRun(testConfiguration { $0.databasePath = "/proc/capsim-no-such-folder/serve.sqlite" }))
        #expect(String(describing: error).contains("unable to open database file"))
    }

    @Test("a port already taken: the failed bind comes back to the caller")
    func portTaken() async throws {
        try await withService { _, client in
            let error = try #require(await blockingRun(testConfiguration { $0.port = client.port }))
            #expect(String(describing: error).contains("in use"), "\(error)")
        }
    }
}
