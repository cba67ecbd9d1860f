import Foundation
import GRDB
@testable import Store
import Testing

/// Finds the `capsim` executable that `swift build` made.
///
/// StoreTests does not depend on the executable target (a test target can't depend on an
/// executable without building it for every test run), so `swift test --filter StoreTests`
/// may find no binary, or one built before the latest changes. The kill test therefore looks
/// for it — `$CAPSIM_BIN`, beside the test bundle, then `.build/debug/capsim` — and is skipped,
/// with that reason, unless `capsim store-stress --help` succeeds. Build first
/// (`swift build`) to run it. A stale binary is harmless as long as it has `store-stress`: it
/// writes with the schema it knows and the test opens the file with the current store, which
/// migrates it.
enum CapsimBinary {
    static let url: URL? = {
        let fileManager = FileManager.default
        var candidates: [URL] = []
        if let explicit = ProcessInfo.processInfo.environment["CAPSIM_BIN"] { candidates.append(URL(fileURLWithPath: explicit)) }
        candidates += [Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("capsim"),
                       Bundle.main.bundleURL.appendingPathComponent("capsim"),
                       URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("capsim"),
                       packageRoot.appendingPathComponent(".build/debug/capsim")]
        return candidates.first { fileManager.isExecutableFile(atPath: $0.path) }
    }()

    /// True when the binary exists and has the hidden `store-stress` command. The exit status
    /// alone can't tell: for an unknown subcommand followed by `--help`, ArgumentParser prints
    /// the root's help and exits 0. The command's own usage line can.
    static let hasStoreStress: Bool = {
        guard let url else { return false }
        let process = Process()
        process.executableURL = url
        process.arguments = ["store-stress", "--help"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        let help = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return process.terminationStatus == 0 && help.contains("USAGE: capsim store-stress")
    }()
}

/// What one SIGKILL round saw.
struct KillRound {
    var reportedSaved: [Int64] = []
    var uncommittedWALFrames = 0
    var committedWALFrames = 0
}

@Suite("results store survives SIGKILL", .serialized)
struct StoreKillTests {
    /// Big enough that a save's transaction outgrows SQLite's page cache (2 MB) a third of the
    /// way through and spills pages into the WAL, so a kill mid-save is visible on disk as
    /// frames after the last commit.
    static let samplesPerRun = 50_000

    @Test("a writer killed mid-save leaves every reported run whole and no partial run",
          .enabled("needs a built capsim with the hidden store-stress command (StoreStress registered in Capsim.swift): run `swift build` first; StoreTests doesn't build the executable") {
              CapsimBinary.hasStoreStress
          },
          .timeLimit(.minutes(5)))
    func killedWriter() throws {
        let binary = try #require(CapsimBinary.url)
        let dir = try temporaryFolder(); defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("stress.sqlite").path

        var allReported: [Int64] = []
        var rounds: [KillRound] = []
        var killedMidTransaction = 0
        // At least three kills on the same file (each restart also exercises recovery); more,
        // up to eight, until one kill visibly lands inside a transaction.
        // The kill lands at a different fraction of a save each round.
        let fractions = [0.5, 0.2, 0.8, 0.35, 0.65, 0.05, 0.95, 0.5]
        while rounds.count < 4 || (killedMidTransaction == 0 && rounds.count < fractions.count) {
            var round = try Self.runAndKill(binary: binary, db: path, afterSaved: 3 + rounds.count % 3, fractionOfASave: fractions[rounds.count])
            // Read the WAL before anything opens the database: opening recovers it.
            (round.committedWALFrames, round.uncommittedWALFrames) = try Self.walFrames(path + "-wal")
            if round.uncommittedWALFrames > 0 { killedMidTransaction += 1 }
            allReported += round.reportedSaved
            rounds.append(round)

            let store = try ResultsStore(path: path)
            #expect(try store.dbPool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") } == ["ok"])
            #expect(try store.check() == [], "a partially written run or a broken reference")
            let stored = try store.list()
            let storedIDs = Set(stored.map(\.id))
            // Every run reported saved is there …
            #expect(Set(allReported).isSubset(of: storedIDs), "reported \(allReported), stored \(storedIDs.sorted())")
            // … and at most one more per kill: committed, killed before it printed "saved".
            #expect(storedIDs.count - Set(allReported).count <= rounds.count)
            for info in stored {
                let counts = try store.dbPool.read { db in
                    try Row.fetchOne(db, sql: """
                        SELECT timeline_rows, (SELECT count(*) FROM service_sample WHERE run_id = ?) FROM simulation_result WHERE run_id = ?
                        """, arguments: [info.id, info.id])
                }
                let recorded: Int? = counts?[0], found: Int? = counts?[1]
                #expect(recorded == Self.samplesPerRun && found == Self.samplesPerRun, "run \(info.id): \(String(describing: found)) of \(String(describing: recorded)) rows")
                #expect(info.summary.contains("\(RunSummary.grouped(Self.samplesPerRun)) samples"), "run \(info.id): \(info.summary)")
            }
            // The newest runs reassemble in full (reading every run each round would only repeat this).
            for id in stored.prefix(2).map(\.id) {
                let result = try #require(try store.simulation(id))
                #expect(result.timeline.count == Self.samplesPerRun)
            }
        }
        let summary = rounds.enumerated().map { i, r in
            "round \(i + 1): killed after \(r.reportedSaved.count) saved (\(r.reportedSaved.map(String.init).joined(separator: ","))); "
                + "WAL \(r.committedWALFrames) committed + \(r.uncommittedWALFrames) uncommitted frames"
        }
        print("store kill test:\n  " + summary.joined(separator: "\n  "))
        // Proof that at least one kill interrupted a save: pages of an uncommitted transaction
        // were on disk, and recovery discarded them (check() above found nothing partial).
        #expect(killedMidTransaction > 0, "no kill left uncommitted frames in the WAL: \(summary)")
        let store = try ResultsStore(path: path)
        let all = try store.list().map(\.id)
        print("store kill test: \(all.count) whole runs stored, \(allReported.count) reported saved; check() = \(try store.check())")
    }

    /// Starts `capsim store-stress`, waits for `afterSaved` "saved" lines, waits a further
    /// `fractionOfASave` of the time one save takes (measured between those lines), sends
    /// SIGKILL and collects every "saved" line printed before it died.
    static func runAndKill(binary: URL, db: String, afterSaved: Int, fractionOfASave: Double) throws -> KillRound {
        let process = Process()
        process.executableURL = binary
        process.arguments = ["store-stress", "--db", db, "--samples", String(samplesPerRun)]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        // A watchdog, so a hung child can't hang the test.
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
        defer { watchdog.cancel() }

        var text = ""
        func savedLines() -> [Int64] {
            text.split(separator: "\n").compactMap { line in line.hasPrefix("saved ") ? Int64(line.dropFirst(6)) : nil }
        }
        let reader = out.fileHandleForReading
        var arrivals: [Date] = []  // when each "saved" line arrived
        while savedLines().count < afterSaved {
            let chunk = reader.availableData
            if chunk.isEmpty { break }  // the child exited
            text += String(decoding: chunk, as: UTF8.self)
            while arrivals.count < savedLines().count { arrivals.append(Date()) }
        }
        #expect(savedLines().count >= afterSaved, "store-stress stopped early: \(text)")
        if let first = arrivals.first, let last = arrivals.last, arrivals.count > 1 {
            let oneSave = last.timeIntervalSince(first) / Double(arrivals.count - 1)
            Thread.sleep(forTimeInterval: oneSave * fractionOfASave)
        }
        kill(pid, SIGKILL)
        process.waitUntilExit()
        text += String(decoding: reader.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL,
                "store-stress should die by SIGKILL, not exit \(process.terminationStatus)")
        return KillRound(reportedSaved: savedLines())
    }

    /// Counts the valid frames of a SQLite WAL file (those carrying the header's salts) that
    /// belong to committed transactions and those after the last commit frame — pages a killed
    /// transaction had written that recovery must ignore. See https://sqlite.org/fileformat.html#wal_file_format.
    static func walFrames(_ path: String) throws -> (committed: Int, uncommitted: Int) {
        guard let data = FileManager.default.contents(atPath: path), data.count >= 32 else { return (0, 0) }
        let bytes = [UInt8](data)
        func u32(_ at: Int) -> UInt32 { bytes[at..<at + 4].reduce(0) { $0 << 8 | UInt32($1) } }
        let pageSize = Int(u32(8)) == 1 ? 65536 : Int(u32(8))
        let salts = (u32(16), u32(20))
        var offset = 32, frames = 0, lastCommit = 0
        while offset + 24 + pageSize <= bytes.count, (u32(offset + 8), u32(offset + 12)) == salts {
            frames += 1
            if u32(offset + 4) != 0 { lastCommit = frames }
            offset += 24 + pageSize
        }
        return (lastCommit, frames - lastCommit)
    }
}
