import Foundation
import Testing

/// `capsim load` against a real `capsim serve` (`ServeProcess`, beside the calibrate tests), and
/// the stored load runs read back through `runs` and `report`. Short, slow runs (tens of requests per second for a second or two):
/// they check what is recorded, not how fast the machine is.
@Suite("capsim load: stored runs", .serialized)
struct LoadCLITests {
    /// A small catalogue and cheap logins: the server starts in a fraction of a second.
    static let serve = ["--products", "300", "--iterations", "1000", "--workers", "4"]

    func db(_ name: String) -> [String: String] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-load-\(ProcessInfo.processInfo.processIdentifier)-\(name).sqlite").path
        for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) }
        return ["CAPSIM_DB": path]
    }

    func tempDir(_ name: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-load-\(ProcessInfo.processInfo.processIdentifier)-\(name)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }

    @Test("load records a run; list, show, export, compare, report and delete read it back")
    func recordsAndReadsBack() throws {
        let server = try ServeProcess(Self.serve); defer { withExtendedLifetime(server) {} }
        let env = db("runs"), dir = try tempDir("runs")
        let target = "http://127.0.0.1:\(server.port)/marketplace/products?q=coffee"

        let first = try CLI.run(["load", target, "--rate", "40/s", "--duration", "1s", "--connections", "2"], environment: env)
        #expect(first.status == 0, "\(first.err)")
        // Where it went is said once, on stderr; stdout is only the answer.
        #expect(first.err == "recorded as run 1 (capsim runs show 1)\n")
        #expect(first.out.contains("scheduled 40, sent 40, completed 40"))

        // --format json: the JSON on stdout, the record on stderr; and a report beside it.
        let second = try CLI.run(["load", target, "--rate", "60/s", "--duration", "1s", "--connections", "2", "--format", "json", "--report", dir + "/second.html"],
                                 environment: env)
        #expect(second.status == 0, "\(second.err)")
        #expect(second.err == "wrote \(dir)/second.html; recorded as run 2 (capsim runs show 2)\n")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(second.out.utf8)) as? [String: Any])
        #expect(json["scheduled"] as? Int == 60)
        let report = try String(contentsOfFile: dir + "/second.html", encoding: .utf8)
        #expect(report.hasPrefix("<!DOCTYPE html>") && report.contains("run <b>#2</b>") && report.contains(">Latency percentiles</text>"))

        let list = try CLI.run(["runs", "list"], environment: env)
        let rows = list.out.split(separator: "\n").map(String.init)
        #expect(rows.count == 2 + 2)
        #expect(rows[2].hasPrefix("2   load  \(target)"))
        #expect(rows[3].contains(" 40.0/s for 1s → "))
        #expect(rows[3].hasSuffix(", 0 errors"))

        // Re-rendered from the store, byte for byte what the command printed.
        let show = try CLI.run(["runs", "show", "1"], environment: env)
        #expect(show.status == 0)
        #expect(show.out.hasSuffix("\n\n" + first.out))
        #expect(show.out.hasPrefix("run 1: load of \(target) (scenario sha256 "))
        let exported = try CLI.run(["runs", "export", "2", "--format", "json"], environment: env)
        #expect(exported.out == second.out)
        let csv = try CLI.run(["runs", "export", "2", "--format", "csv"], environment: env)
        let csvLines = csv.out.split(separator: "\n")
        #expect(csvLines.first == "percentile,from_intended_send_ms,service_time_ms")
        #expect(csvLines.count == 9)

        let cmp = try CLI.run(["runs", "compare", "1", "2"], environment: env)
        #expect(cmp.status == 0)
        #expect(cmp.out.hasPrefix("A = run 1: \(target), 40.0/s for 1s over 2 connections, seed 1\nB = run 2: \(target), 60.0/s"))
        #expect(cmp.out.contains("requested rate  40.0/s → 60.0/s (+50.0%)"))
        #expect(cmp.out.contains("\np99 "))

        let md = try CLI.run(["report", "1", "--format", "markdown", "--out", "-"], environment: env)
        #expect(md.status == 0)
        #expect(md.out.hasPrefix("**"))
        #expect(md.out.contains("_run #1 · \(target): 40.0/s for 1s over 2 connections (open loop, seed 1)_"))
        let html = try CLI.run(["report", "1", "--out", dir + "/first.html"], environment: env)
        #expect(html.status == 0 && html.out == "" && html.err == "wrote \(dir)/first.html\n")

        // A load run and a plan are not comparable: a clear error, exit 2.
        let plan = try CLI.run(["plan", "scenarios/teaching/mmc.yaml", "--out", dir + "/plan.txt"], environment: env)
        #expect(plan.err.contains("recorded as run 3"))
        let mixed = try CLI.run(["runs", "compare", "1", "3"], environment: env)
        #expect(mixed.status == 2)
        #expect(mixed.err == "error: run 1 is a load run and run 3 a plan: compare runs of the same kind\n")
        let baseline = try CLI.run(["check", "scenarios/teaching/mmc.yaml", "--baseline", "1", "--duration", "1m"], environment: env)
        #expect(baseline.status == 2 && baseline.err.contains("run 1 is a load run, not a simulation"))

        #expect(try CLI.run(["runs", "delete", "1"], environment: env).out == "deleted run 1\n")
        #expect(try CLI.run(["runs", "show", "1"], environment: env).status == 2)
    }

    @Test("--scenario replays a scenario's traffic compressed in time and scaled; the run is listed under the scenario")
    func scenarioProfile() throws {
        let server = try ServeProcess(Self.serve); defer { withExtendedLifetime(server) {} }
        let env = db("scenario")
        // holiday-surge's hour (1500/s × 0.6 → 1.0, then ×2 from 20m for 30m) in 2 s at 2 % of its rate.
        let r = try CLI.run(["load", "http://127.0.0.1:\(server.port)/healthz", "--scenario", "scenarios/teaching/holiday-surge.yaml", "--time-scale", "1800", "--rate-scale", "0.02"],
                            environment: env)
        #expect(r.status == 0, "\(r.err)")
        // The hour's profile × surge integrates to 0.8 × 900 + 2700 + 2 × 90 + 1440 = 5040 peak-seconds:
        // 5040 × 1500/s × 0.02 ÷ 1800 = 84 requests in the 2 s run (85 when rounding puts the 85th send a hair before the end).
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines.first == "replaying the traffic of genna-eve-surge: 1h of scenario time at time scale 1,800, rate scale 0.02 (60 steps)")
        #expect(lines.dropFirst().first?.hasSuffix("for 2s over 10 connections (open loop, seed 11)") == true, "\(r.out)")
        let scheduled = r.out.firstMatch(of: /scheduled (\d+),/).map { Int($0.1)! }
        #expect(scheduled.map { (83...85).contains($0) } == true, "\(r.out)")
        let list = try CLI.run(["runs", "list"], environment: env)
        #expect(list.out.contains("1   load  genna-eve-surge    11"))
        let show = try CLI.run(["runs", "show", "1"], environment: env)
        #expect(show.out.contains(#""scenario":{"file":"scenarios/teaching/holiday-surge.yaml","rateScale":0.02,"scenario":"genna-eve-surge","scenarioSeconds":3600,"stepSeconds":60,"timeScale":1800}"#))
        let html = try CLI.run(["report", "1", "--format", "html", "--out", "-"], environment: env)
        #expect(html.out.contains(">Requested rate over the run</text>"))
        #expect(html.out.contains("Replays the traffic of genna-eve-surge: 1h of scenario time at time scale 1,800, rate scale 0.02"))
    }

    @Test("--no-store records nothing; an unreachable target exits 1 and records nothing")
    func noStoreAndUnreachable() throws {
        let server = try ServeProcess(Self.serve); defer { withExtendedLifetime(server) {} }
        let env = db("nostore"), dir = try tempDir("nostore")
        let r = try CLI.run(["load", "http://127.0.0.1:\(server.port)/healthz", "--rate", "20/s", "--duration", "1s", "--no-store", "--report", dir + "/r.md"], environment: env)
        #expect(r.status == 0)
        #expect(r.out.hasSuffix("errors: none\n"))
        #expect(r.err == "wrote \(dir)/r.md\n")
        #expect(try String(contentsOfFile: dir + "/r.md", encoding: .utf8).contains("### Latency"))
        let down = try CLI.run(["load", "http://127.0.0.1:1/", "--rate", "10/s", "--duration", "1s"], environment: env)
        #expect(down.status == 1)
        #expect(down.err.hasPrefix("error: cannot connect to 127.0.0.1:1"))
        #expect(try CLI.run(["runs", "list"], environment: env).out == "no runs recorded yet: run capsim plan, capsim simulate, capsim check or capsim load\n")
    }

    @Test("bad input exits 2 with a clear message, before sending anything")
    func badInput() throws {
        let env = db("bad")
        func fails(_ args: [String], _ message: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let r = try CLI.run(["load", "http://127.0.0.1:1/"] + args, environment: env)
            #expect(r.status == 2, "\(args)", sourceLocation: sourceLocation)
            #expect(r.err.contains(message), "\(r.err)", sourceLocation: sourceLocation)
        }
        try fails(["--scenario", "scenarios/teaching/holiday-surge.yaml", "--rate", "5/s"], "error: give one of --rate, --profile and --scenario, not --rate and --scenario")
        try fails(["--rate", "5/s", "--time-scale", "60"], "error: --time-scale goes with --scenario")
        try fails(["--rate", "5/s", "--rate-scale", "0.1"], "error: --rate-scale goes with --scenario")
        try fails(["--scenario", "scenarios/teaching/holiday-surge.yaml", "--time-scale", "0"], "error: --time-scale must be a positive number, got 0")
        try fails(["--scenario", "scenarios/teaching/holiday-surge.yaml", "--rate-scale", "0"], "error: --scenario scenarios/teaching/holiday-surge.yaml: --rate-scale must be a positive number, got 0")
        try fails(["--scenario", "no/such.yaml"], "no/such.yaml:1:1: error: cannot read the file")
        let quiet = try CLI.temp("quiet.yaml", "capsim: 1\nname: quiet\nservices:\n  web: {peak: 5/s, capacity: 100/s, replicas: 1}\n")
        try fails(["--scenario", quiet], "error: --scenario \(quiet): scenario quiet has no traffic: section to replay")
        try fails([], "error: give --rate (e.g. --rate 500/s), --profile or --scenario")
        let unopenable = try CLI.temp("file", "not a folder")
        try fails(["--rate", "5/s", "--db", unopenable + "/runs.sqlite"], "cannot open the results database")
    }
}
