import Foundation
import Testing

@Suite("capsim simulate --replications", .serialized)
struct ReplicationsCLITests {
    @Test("N replications: the first run's files, replications.csv with n = N per metric, how often each expectation held; identical with --jobs 1 and 2")
    func replicationsEndToEnd() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-rep-\(ProcessInfo.processInfo.processIdentifier)").path
        var csv: [String] = []
        for jobs in ["1", "2"] {
            let dir = base + "/j" + jobs
            let r = try CLI.run("simulate", "scenarios/teaching/mmc.yaml", "--duration", "5m", "--replications", "3", "--jobs", jobs, "--no-store", "--out", dir)
            #expect(r.status == 0, "\(r.err)")
            #expect(r.out.hasPrefix("Replication 1 of 3, the scenario's own seed:\n"))
            #expect(r.out.contains("Over 3 replications"))
            for f in ["summary.json", "timeline.csv", "events.csv", "replications.csv"] {
                #expect(FileManager.default.fileExists(atPath: dir + "/" + f), "\(f)")
            }
            let text = try String(contentsOfFile: dir + "/replications.csv", encoding: .utf8)
            let rows = text.split(separator: "\n").dropFirst()
            #expect(!rows.isEmpty && rows.allSatisfy { $0.split(separator: ",")[2] == "3" || $0.split(separator: ",")[2] == "0" })
            csv.append(text)
        }
        #expect(csv[0] == csv[1])
    }

    @Test("--replications 0 is refused with the range it takes, exit 2")
    func badCount() throws {
        let r = try CLI.run("simulate", "scenarios/teaching/mmc.yaml", "--replications", "0", "--no-store")
        #expect(r.status == 2)
        #expect(r.err.contains("--replications expects 1 to 10000 runs, got 0"))
    }

    static let mm2 = """
        capsim: 1
        name: rep-check
        seed: 3
        services:
          s:
            capacity: {service_time: {distribution: exponential, mean: 200ms}, concurrency: 2}
            replicas: 1
        traffic:
          entry: s
          peak: 8/s
          hop_latency: 0s
          routes:
            all: {share: 100%, path: [s]}
        simulation: {duration: 10m, warmup: 1m}
        expect:
          - {route: all, metric: latency_mean, below: 560ms, holds_in: HOLDS}
        """

    @Test("check --replications: a row passes when it held in its holds_in share, fails (exit 1) when it did not; golden decisions are refused; a baseline of replications round-trips")
    func checkWithReplications() throws {
        // M/M/2 at ρ 0.8: Erlang C's mean time in system is 556 ms, so a 560 ms bound holds in
        // some 10-minute replications and not in others.
        let loose = try CLI.temp("rep-loose.yaml", Self.mm2.replacingOccurrences(of: "HOLDS", with: "10%"))
        let strict = try CLI.temp("rep-strict.yaml", Self.mm2.replacingOccurrences(of: "HOLDS", with: "100%"))
        let a = try CLI.run("check", loose, "--replications", "10", "--no-store")
        let b = try CLI.run("check", strict, "--replications", "10", "--no-store")
        #expect(a.status == 0, "\(a.out)")
        #expect(b.status == 1, "\(b.out)")
        #expect(a.out.contains("10 replications; replication 1 is the scenario's own seed"))
        #expect(b.out.contains("✘ all latency_mean below 560ms in ≥ 100% of replications: held in "))
        let c = try CLI.run("check", loose, "--replications", "3", "--decisions", "x.csv", "--no-store")
        #expect(c.status == 2)
        #expect(c.err.contains("--decisions and --write-decisions compare one run's decisions: use them without --replications"))
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-rep-base-\(ProcessInfo.processInfo.processIdentifier).json").path
        let w = try CLI.run("check", loose, "--replications", "4", "--write-baseline", base, "--no-store")
        #expect(w.status == 0, "\(w.err)")
        let same = try CLI.run("check", loose, "--replications", "4", "--baseline", base, "--no-store")
        #expect(same.status == 0, "\(same.out)")
        #expect(same.out.contains("✔ no metric worse beyond noise than the baseline's 4 replications"))
        let slower = try CLI.run("check", loose, "--replications", "4", "--baseline", base, "--no-store",
                                 "--set", "services.s.capacity.service_time={distribution: exponential, mean: 230ms}")
        #expect(slower.status == 1, "\(slower.out)")
        #expect(slower.out.contains("worse beyond noise"))
    }

    @Test("simulation.replications in the scenario is the default; --replications overrides it; --decisions runs one")
    func scenarioReplications() throws {
        let text = try String(contentsOfFile: CLI.root.appendingPathComponent("scenarios/teaching/mmc.yaml").path, encoding: .utf8)
            .replacingOccurrences(of: "  warmup: 10m", with: "  warmup: 10m\n  replications: 3")
        let file = try CLI.temp("mmc-replicated.yaml", text)
        let a = try CLI.run("simulate", file, "--duration", "5m", "--no-store", "--out", FileManager.default.temporaryDirectory.appendingPathComponent("capsim-rep-s").path)
        #expect(a.status == 0, "\(a.err)")
        #expect(a.out.contains("Over 3 replications"))
        let b = try CLI.run("simulate", file, "--duration", "5m", "--replications", "1", "--no-store", "--out", FileManager.default.temporaryDirectory.appendingPathComponent("capsim-rep-s1").path)
        #expect(b.status == 0 && !b.out.contains("replications"))
        let golden = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-rep-golden.csv").path
        let c = try CLI.run("check", file, "--duration", "5m", "--write-decisions", golden, "--no-store")
        #expect(c.status == 0, "\(c.out)\(c.err)")
        #expect(!c.out.contains("replications"))
    }
}
