import Foundation
import Testing

@Suite("capsim sweep", .serialized)
struct SweepCLITests {
    static let base = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-sweep-\(ProcessInfo.processInfo.processIdentifier)").path
    let vary = ["--vary", "services.payments-service.replicas.max=4,6", "--replications", "2", "--duration", "5m"]

    @Test("a sweep prints a table with confidence intervals, writes sweep.csv/json/html and records one sweep")
    func sweepEndToEnd() throws {
        let dir = Self.base + "/whole"
        let r = try CLI.run(["sweep", "scenarios/teaching/holiday-surge.yaml"] + vary + ["--out", dir], environment: [:])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("2 points × 2 replications of 5m"))
        #expect(r.out.contains(" ± "))
        for f in ["sweep.csv", "sweep.json", "sweep.html"] { #expect(FileManager.default.fileExists(atPath: dir + "/" + f), "\(f)") }
        #expect(r.err.contains("recorded as sweep"))
        let html = try String(contentsOfFile: dir + "/sweep.html", encoding: .utf8)
        #expect(html.contains("<polygon") && html.contains("<svg"))
        let list = try CLI.run("runs", "sweeps")
        #expect(list.out.contains("genna-eve-surge") && list.out.contains("complete"))
    }

    @Test("shards run as separate processes with JOB_COMPLETION_INDEX, merged by runs merge, equal the sweep run whole")
    func shardedProcessesMerge() throws {
        let whole = Self.base + "/whole2", shards = Self.base + "/shards"
        #expect(try CLI.run(["sweep", "scenarios/teaching/holiday-surge.yaml"] + vary + ["--out", whole, "--no-store"], environment: [:]).status == 0)
        for i in 0..<3 {
            let r = try CLI.run(["sweep", "scenarios/teaching/holiday-surge.yaml"] + vary + ["--shards", "3", "--out", shards], environment: ["JOB_COMPLETION_INDEX": "\(i)"])
            #expect(r.status == 0, "\(r.err)")
            #expect(r.out.contains("shard \(i) of 3"))
        }
        let files = (0..<3).map { "\(shards)/shard-\($0)-of-3.sqlite" }
        let missing = try CLI.run(["runs", "merge", files[0], files[2], "--db", shards + "/merged.sqlite"], environment: [:])
        #expect(missing.status == 2 && missing.err.contains("shard 1 of 3 is missing"))
        let merged = try CLI.run(["runs", "merge"] + files + ["--db", shards + "/merged.sqlite", "--out", shards + "/merged"], environment: [:])
        #expect(merged.status == 0, "\(merged.err)")
        #expect(try String(contentsOfFile: shards + "/merged/sweep.csv", encoding: .utf8) == String(contentsOfFile: whole + "/sweep.csv", encoding: .utf8))
    }

    @Test("bad input exits 2 with the flag or place named: an unknown path, an empty list, no grid, --shards without an index")
    func badInput() throws {
        let cases: [([String], String)] = [
            (["--vary", "services.nope.replicas.max=4,6"], "(from --vary) services.nope.replicas.max: no such place"),
            (["--vary", "services.payments-service.replicas.max="], "the list of values is empty"),
            (["scenarios/teaching/mmc.yaml"], "nothing to sweep"),
            (["--vary", "services.payments-service.replicas.max=4", "--shards", "2"], "JOB_COMPLETION_INDEX, which is not set"),
            (["--vary", "services.payments-service.replicas.max=4", "--shard", "2/2"], "--shard expects I/N with 0 ≤ I < N"),
        ]
        for (args, words) in cases {
            // The first argument is the scenario: a file without a sweep: section where the case needs one.
            let file = args.first?.hasSuffix(".yaml") == true ? [] : ["scenarios/teaching/holiday-surge.yaml"]
            let r = try CLI.run(["sweep", "--no-store"] + file + args, environment: [:])
            #expect(r.status == 2, "\(args)")
            #expect(r.err.contains(words), "\(args): \(r.err)")
        }
    }
}
