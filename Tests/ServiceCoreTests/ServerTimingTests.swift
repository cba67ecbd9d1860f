import Foundation
import Testing
@testable import ServiceCore

/// Parses `queue;dur=X, app;dur=Y` into milliseconds.
func serverTiming(_ header: String?) -> (queue: Double, app: Double)? {
    guard let header else { return nil }
    var q: Double?, a: Double?
    for part in header.split(separator: ",") {
        let fields = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard fields.count == 2, fields[1].hasPrefix("dur="), let v = Double(fields[1].dropFirst(4)) else { continue }
        if fields[0] == "queue" { q = v } else if fields[0] == "app" { a = v }
    }
    guard let q, let a else { return nil }
    return (q, a)
}

@Suite(.serialized) struct ServerTimingHeaderTests {
    @Test func admittedResponsesSplitTheirTimeIntoQueueAndApp() async throws {
        try await withService { _, client in
            let ok = try await client.get("/marketplace/products?q=coffee")
            let t = try #require(serverTiming(ok.header("Server-Timing")), "\(ok.header("Server-Timing") ?? "none")")
            #expect(t.app > 0 && t.queue >= 0)
            // A client error is still an admitted request with a measured handler time.
            let bad = try await client.get("/marketplace/products?page=0")
            #expect(bad.status == 400 && bad.json["error"] is String)
            #expect(serverTiming(bad.header("Server-Timing")) != nil)
            // Probes are not admitted work: no header.
            #expect(try await client.get("/healthz").header("Server-Timing") == nil)
        }
    }

    /// One worker, two token requests at once (each a 10 000-iteration PBKDF2): one waits for
    /// the other, so its queue time is at least most of the other's handler time.
    @Test func aRequestWaitingForTheOnlyWorkerReportsTheWait() async throws {
        try await withService({ $0.workers = 1; $0.queueLimit = 4 }) { _, client in
            let replies = try await withThrowingTaskGroup(of: Reply.self) { group in
                for _ in 0..<2 { group.addTask { try await client.post("/auth/token", #"{"creator":"selam","password":"selam-pass"}"#) } }
                return try await group.reduce(into: [Reply]()) { $0.append($1) }
            }
            #expect(replies.allSatisfy { $0.status == 200 })
            let timings = replies.compactMap { serverTiming($0.header("Server-Timing")) }.sorted { $0.queue < $1.queue }
            try #require(timings.count == 2)
            #expect(timings[1].queue >= 0.5 * timings[0].app, "\(timings)")
        }
    }

    /// The utilization law needs the server's own CPU seconds: they are exposed and they grow
    /// with work (20 PBKDF2 verifications of 10 000 iterations cost well over a millisecond).
    @Test func metricsExposeTheProcessCPUSeconds() async throws {
        try await withService { _, client in
            func cpu() async throws -> Double {
                let page = try await client.get("/metrics").body
                let line = try #require(page.split(separator: "\n").first { $0.hasPrefix("process_cpu_seconds_total ") })
                return try #require(Double(line.split(separator: " ")[1]))
            }
            let before = try await cpu()
            for _ in 0..<20 { _ = try await client.post("/auth/token", #"{"creator":"selam","password":"selam-pass"}"#) }
            let after = try await cpu()
            #expect(after - before > 0.001, "\(before) → \(after)")
        }
    }
}
