import Foundation
import Testing

/// `capsim serve` as a child process, on a free port, for commands that need a live target.
final class ServeProcess {
    let process = Process()
    let port: Int

    init(_ extra: [String]) throws {
        process.executableURL = CLI.binary
        process.arguments = ["serve", "--port", "0", "--db", ":memory:"] + extra
        process.currentDirectoryURL = CLI.root
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // The port is in the "listening on http://127.0.0.1:PORT" line on stderr.
        var text = ""
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
            if let range = text.range(of: #"listening on http://127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                port = Int(text[range].split(separator: ":").last!)!
                // Keep draining stderr so the server can never block on a full pipe.
                err.fileHandleForReading.readabilityHandler = { _ = $0.availableData }
                return
            }
        }
        process.terminate()
        throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: "serve did not start: \(text)"])
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
    }
}

@Suite("capsim calibrate against capsim serve", .serialized)
struct CalibrateCLITests {
    /// The whole loop on loopback, kept short: a small catalogue, uncached search, one worker.
    /// What it pins is the plumbing and the fit's structure — the service's own Server-Timing is
    /// used, one or two slots are found for one worker (see below), the written scenario validates, and at half of
    /// saturation the measured throughput is the offered rate — not the accuracy figures, which
    /// need a quiet machine and longer runs (BENCHMARKS.md).
    @Test("calibrate fits a one-worker service from its Server-Timing and writes a valid scenario")
    func roundTrip() throws {
        let server = try ServeProcess(["--products", "3000", "--workers", "1", "--cache", "0", "--queue", "512"])
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-cal-\(ProcessInfo.processInfo.processIdentifier)").path
        let db = out + "/calibrations.sqlite", report = out + "/calibration.html"
        let r = try CLI.run(["calibrate", "--target", "http://127.0.0.1:\(server.port)", "--duration", "2s", "--probe", "1s",
                             "--levels", "50%", "--replications", "2", "--format", "json", "--out", out, "--db", db, "--report", report], environment: [:])
        #expect(r.status == 0, "\(r.err)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any], "\(r.out)\n\(r.err)")
        let model = try #require(json["model"] as? [String: Any])
        #expect(model["usedServerTiming"] as? Bool == true)
        // One worker thread, but the server's HTTP work runs on the event loop beside it, on the
        // other core: CPU per request × saturation measured 1.17–1.40 here (8 runs of this very
        // command, 2026-12-05), so Little's law rounds to 1 slot and, on a noisy run, to 2 (one
        // CI run did). Issue 18 fits the cost per load level; until then 1 or 2 is the plumbing
        // working, and 3 or more is not.
        let slots = try #require(model["concurrency"] as? Int)
        #expect(slots == 1 || slots == 2, "\(slots) slots fitted for one worker")
        let saturation = try #require(model["saturation"] as? Double)
        #expect(saturation > 20)
        let comparisons = try #require(json["comparisons"] as? [[String: Any]])
        #expect(comparisons.count == 1)
        let measured = try #require(comparisons.first?["measured"] as? [String: Any])
        let offered = try #require(measured["rate"] as? Double), achieved = try #require(measured["throughput"] as? Double)
        #expect(abs(achieved - offered) / offered < 0.25, "offered \(offered)/s, achieved \(achieved)/s")
        // The search's evidence and the accuracy table are in the report.
        let search = try #require(json["saturation"] as? [String: Any])
        let low = try #require(search["low"] as? Double), high = try #require(search["high"] as? Double)
        // The estimate may sit 2 % under the kept-up end: a run that kept up may have served 2 % short.
        #expect(low < high && low * 0.98 <= saturation && saturation <= high, "bracket \(low)–\(high), saturation \(saturation)")
        #expect(((search["steps"] as? [Any])?.count ?? 0) >= 2)
        #expect(json["meanAbsoluteError"] is Double)
        let scenario = try #require(json["scenario"] as? String)
        let v = try CLI.run("validate", scenario)
        #expect(v.status == 0, "\(v.out)\(v.err)")
        #expect(FileManager.default.fileExists(atPath: scenario.replacingOccurrences(of: ".yaml", with: ".histogram.csv")))
        // Recorded like simulate's runs, with its report written from the stored copy.
        #expect(r.err.contains("recorded as calibration 1 (capsim runs calibration 1)"), "\(r.err)")
        let stored = try CLI.run(["runs", "calibration", "1", "--db", db], environment: [:])
        #expect(stored.status == 0, "\(stored.err)")
        #expect(stored.out.hasPrefix("http://127.0.0.1:\(server.port) GET:/marketplace/products?q=coffee: saturation \(String(format: "%.1f", saturation)) req/s\n"))
        #expect(stored.out.contains("calibrated scenario: \(scenario)") && stored.out.contains("mean absolute error: p50 "))
        let html = try String(contentsOfFile: report, encoding: .utf8)
        #expect(html.contains("calibration #1") && html.contains("Saturation search") && html.components(separatedBy: "<svg ").count - 1 >= 3)
        let list = try CLI.run(["runs", "calibrations", "--db", db], environment: [:])
        #expect(list.out.contains("GET:/marketplace/products?q=coffee") && list.out.split(separator: "\n").count == 3)
    }

    @Test("calibrate: bad levels and an unreachable target are usage and runtime errors")
    func badInput() throws {
        let levels = try CLI.run("calibrate", "--target", "http://127.0.0.1:9", "--levels", "30%,120%")
        #expect(levels.status == 2)
        #expect(levels.err.contains("--levels"))
        let unreachable = try CLI.run("calibrate", "--target", "http://127.0.0.1:9", "--probe", "0.2s")
        #expect(unreachable.status == 1)
        #expect(unreachable.err.contains("error:"))
    }
}
