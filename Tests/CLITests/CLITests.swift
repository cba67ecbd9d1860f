import Foundation
import Testing

/// Runs the built `capsim` binary, as a user would.
struct CLI {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The binary SwiftPM built beside this test bundle (the test target depends on it).
    static let binary: URL = {
        if let env = ProcessInfo.processInfo.environment["CAPSIM_BIN"] { return URL(fileURLWithPath: env) }
        let beside = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("capsim")
        let candidates = [beside, Bundle.main.bundleURL.appendingPathComponent("capsim"),
                          URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("capsim"),
                          root.appendingPathComponent(".build/debug/capsim")]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? beside
    }()

    struct Result { let status: Int32; let out: String; let err: String }

    /// Every test run records into this throwaway database, never into the repository's.
    static let database = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-cli-\(ProcessInfo.processInfo.processIdentifier)/capsim.sqlite").path

    static func run(_ args: String...) throws -> Result { try run(args, environment: [:]) }

    static func run(_ args: [String], environment: [String: String]) throws -> Result {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        p.environment = ProcessInfo.processInfo.environment.merging(["CAPSIM_DB": database].merging(environment) { $1 }) { $1 }
        p.currentDirectoryURL = root
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    static func temp(_ name: String, _ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-cli-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}

@Suite("capsim end to end", .serialized)
struct CLITests {
    @Test("validate: a valid file exits 0 with a one-line summary")
    func validateOK() throws {
        let r = try CLI.run("validate", "scenarios/stan-store-et.yaml")
        #expect(r.status == 0)
        #expect(r.out == "scenarios/stan-store-et.yaml: ok: stan-store-et (6 services, 3 zones (zone-a, zone-b, zone-c), 7 routes at 10k/s peak, 6 HPAs, 12 triggers, 5 databases, 1 topic, 24 expectations, 3 faults (3 off until --fault NAME))\n")
        #expect(r.err.isEmpty)
    }

    @Test("a scenario priced only in USD needs no exchange rate: validate, plan, simulate and check run and print no ETB")
    func usdOnlyEndToEnd() throws {
        let file = try CLI.temp("usd-only.yaml", """
            capsim: 1
            name: usd-only
            traffic:
              entry: web
              peak: 200/s
              routes: {home: {share: 100%, path: [web]}}
            services:
              web:
                capacity: {service_time: 10ms, concurrency: 4}
                replicas: {min: 2, max: 6, initial: 2}
                cost_per_instance_hour: USD 0.05
                autoscaling: {hpa: {metrics: [{metric: cpu_utilization, target: 70%}]}}
            simulation: {duration: 3m}
            expect:
              - {metric: cost_per_day, at_most: USD 10}
            """)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-usd-only-\(ProcessInfo.processInfo.processIdentifier)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        for args in [["validate", file], ["plan", file, "--no-store"], ["simulate", file, "--no-store", "--out", out], ["check", file, "--no-store"]] {
            let r = try CLI.run(args, environment: [:])
            #expect(r.status == 0, "\(args[0]): \(r.err)")
            #expect(!(r.out + r.err).contains("ETB"), "\(args[0]) printed ETB")
        }
        #expect(try CLI.run(["plan", file, "--no-store"], environment: [:]).out.contains("USD/month"))
        #expect(try CLI.run(["check", file, "--no-store"], environment: [:]).out.contains("USD"))
    }

    @Test("prices in two currencies without a rate: a located error naming both, exit 2")
    func mixedCurrenciesWithoutRate() throws {
        let file = try CLI.temp("mixed.yaml", """
            capsim: 1
            name: mixed
            services:
              api: {peak: 100/s, capacity: 50/s, replicas: 2, cost_per_instance_hour: ETB 1.80}
              web: {peak: 100/s, capacity: 50/s, replicas: 2, cost_per_instance_hour: USD 0.012}
            """)
        let r = try CLI.run(["plan", file, "--no-store"], environment: [:])
        #expect(r.status == 2)
        #expect(r.err.contains("mixed.yaml:5:") && r.err.contains("error: services.web.cost_per_instance_hour: a price in USD while services.api.cost_per_instance_hour is in ETB"))
        #expect(r.err.contains("currency.etb_per_usd"))
    }

    @Test("validate: every problem in every file is listed, exit 2")
    func validateErrors() throws {
        let bad = try CLI.temp("bad.yaml", """
        capsim: 1
        name: bad
        services:
          web:
            peak: -5/s
            capacity: 100/s
            replicas: {min: 5, max: 2}
            autoscaling:
              triggers:
                - {metric: cpu_utilization, above: 70%, for: five, add: 2}
        """)
        let r = try CLI.run("validate", "scenarios/teaching/mmc.yaml", bad)
        #expect(r.status == 2)
        #expect(r.out.contains("mmc.yaml: ok"))
        let lines = r.err.split(separator: "\n").map(String.init)
        #expect(lines == [
            "\(bad):5:11: error: services.web.peak: expected a non-negative rate, got -5/s",
            "\(bad):7:21: error: services.web.replicas.min: min 5 is greater than max 2",
            "\(bad):10:54: error: services.web.autoscaling.triggers[0].for: expected a duration like \"5m\", got \"five\"",
        ])
    }

    @Test("validate: a missing file is bad input, exit 2")
    func missingFile() throws {
        let r = try CLI.run("validate", "no/such/file.yaml")
        #expect(r.status == 2)
        #expect(r.err.hasPrefix("no/such/file.yaml:1:1: error: cannot read the file"))
    }

    @Test("usage errors exit 2, help exits 0")
    func usage() throws {
        #expect(try CLI.run("plan").status == 2)
        #expect(try CLI.run("frobnicate").status == 2)
        #expect(try CLI.run("plan", "scenarios/stan-store-et.yaml", "--format", "yaml").status == 2)
        #expect(try CLI.run("plan", "scenarios/stan-store-et.yaml", "--horizon", "0,x").status == 2)
        let help = try CLI.run("--help")
        #expect(help.status == 0)
        #expect(help.out.contains("validate") && help.out.contains("plan"))
    }

    @Test("plan --format json: the documented contract's fields, per service and horizon")
    func planJSON() throws {
        let r = try CLI.run("plan", "scenarios/stan-store-et.yaml", "--format", "json", "--horizon", "6,12", "--draws", "2000")
        #expect(r.status == 0)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let rows = try #require(obj["rows"] as? [[String: Any]])
        #expect(rows.count == 12)
        let required = ["service", "months", "current_peak_rps", "growth_monthly", "seasonal_factor", "feature_interaction_factor", "safety_factor",
                        "required_rps", "instance_capacity_rps", "instances_required", "max_replicas", "exceeds_max", "monthly_cost_etb",
                        "monthly_cost_usd", "uncertainty", "queueing", "steps"]
        #expect(obj["etb_per_usd"] as? Double == 155)
        #expect(obj["currencies"] as? [String: String] == ["lead": "ETB", "other": "USD"])
        for row in rows { for key in required { #expect(row[key] != nil, "missing \(key)") } }
        let gw = try #require(rows.first { $0["service"] as? String == "api-gateway" && $0["months"] as? Int == 12 })
        #expect(gw["current_peak_rps"] as? Double == 10_000)
        #expect(gw["seasonal_factor"] as? Double == 2)
        #expect(gw["feature_interaction_factor"] as? Double == 1.3)
        let u = try #require(gw["uncertainty"] as? [String: Any])
        let inst = try #require(u["instances_required"] as? [String: Double])
        #expect(inst["p10"]! <= inst["p50"]! && inst["p50"]! <= inst["p90"]!)
        #expect((obj["totals"] as? [Any])?.count == 2)
    }

    @Test("validate names the zones pods spread over, when the scenario lists them")
    func validateNamesZones() throws {
        let r = try CLI.run("validate", "scenarios/teaching/mmc.yaml", "--set", "platform={zones: [zone-a, zone-b]}")
        #expect(r.status == 0)
        #expect(r.out == "scenarios/teaching/mmc.yaml: ok: mmc-teaching (1 service, 2 zones (zone-a, zone-b), 1 route at 9/s peak, 3 expectations)\n")
    }

    @Test("plan with platform.zones: every row's zone_headroom is N + ⌈N ÷ (zones − 1)⌉ of its instances_required, in JSON and in the table")
    func planWithZonesReportsZoneSafeCounts() throws {
        let zones = ["--set", "platform.zones=[zone-a, zone-b, zone-c]", "--draws", "200", "--no-store"]
        let r = try CLI.run(["plan", "scenarios/stan-store-et.yaml", "--format", "json"] + zones, environment: [:])
        #expect(r.status == 0)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        #expect(obj["zones"] as? [String] == ["zone-a", "zone-b", "zone-c"])
        let rows = try #require(obj["rows"] as? [[String: Any]])
        #expect(rows.count == 12)
        for row in rows {
            let n = try #require(row["instances_required"] as? Int), max = try #require(row["max_replicas"] as? Int)
            let z = try #require(row["zone_headroom"] as? [String: Any], "\(row["service"] ?? "?") has no zone_headroom")
            let m = try #require(z["instances_required"] as? Int)
            #expect(m == n + (n + 1) / 2 && z["exceeds_max"] as? Bool == (m > max))
        }
        let t = try CLI.run(["plan", "scenarios/stan-store-et.yaml", "--horizon", "12"] + zones, environment: [:])
        #expect(t.out.contains("instances  zone-safe  max"))
        #expect(t.out.contains("warning: api-gateway needs 234 instances at month 12 in the holiday season (351 to survive losing one of its 3 zones); HPA max is 10"))
    }

    @Test("plan: the same scenario and seed give byte-identical output")
    func planDeterministic() throws {
        let a = try CLI.run("plan", "scenarios/stan-store-et.yaml", "--format", "json")
        let b = try CLI.run("plan", "scenarios/stan-store-et.yaml", "--format", "json")
        #expect(a.status == 0 && a.out == b.out)
    }

    @Test("plan --format csv: a header and one line per service and horizon")
    func planCSV() throws {
        let r = try CLI.run("plan", "scenarios/teaching/holiday-surge.yaml", "--format", "csv")
        #expect(r.status == 0)
        let lines = r.out.split(separator: "\n")
        #expect(lines.first?.hasPrefix("service,months,current_peak_rps,growth_monthly") == true)
        #expect(lines.count == 1 + 2 * 2)
    }

    @Test("plan --format markdown starts with a verdict; table flags services over max")
    func planMarkdownAndTable() throws {
        let md = try CLI.run("plan", "scenarios/stan-store-et.yaml", "--format", "markdown")
        #expect(md.out.hasPrefix("**⚠️ 6 of 6 services exceed their HPA max by month 12"))
        let t = try CLI.run("plan", "scenarios/stan-store-et.yaml", "--horizon", "12")
        #expect(t.out.contains("warning: marketplace-service needs"))
        #expect(t.out.contains("HPA max is 10"))
    }

    @Test("plan --out writes the file and prints nothing")
    func planOut() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-plan-\(ProcessInfo.processInfo.processIdentifier).md").path
        let r = try CLI.run("plan", "scenarios/teaching/mmc.yaml", "--format", "markdown", "--out", path)
        #expect(r.status == 0 && r.out.isEmpty)
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("counter"))
    }

    @Test("plan on an invalid scenario exits 2 with located errors")
    func planInvalid() throws {
        let bad = try CLI.temp("badplan.yaml", "capsim: 1\nname: x\nservices:\n  a: {peak: 1/s, capacity: 1/s, replicas: 1, replcias: 2}\n")
        let r = try CLI.run("plan", bad)
        #expect(r.status == 2)
        #expect(r.err.contains("\(bad):4:46: error: services.a.replcias: unknown key \"replcias\"; did you mean \"replicas\"?"))
    }
}

@Suite("capsim simulate end to end", .serialized)
struct SimulateCLITests {
    func outDir(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("capsim-sim-\(ProcessInfo.processInfo.processIdentifier)-\(name)").path
    }

    @Test("simulate writes summary.json, timeline.csv, routes.csv and events.csv, byte-identical per seed")
    func filesAndDeterminism() throws {
        let a = outDir("a"), b = outDir("b")
        let r1 = try CLI.run("simulate", "scenarios/teaching/holiday-surge.yaml", "--duration", "10m", "--out", a)
        let r2 = try CLI.run("simulate", "scenarios/teaching/holiday-surge.yaml", "--duration", "10m", "--out", b)
        #expect(r1.status == 0 && r2.status == 0)
        #expect(r1.out.hasPrefix("capsim simulate: genna-eve-surge (seed 11, 10m simulated"))
        for f in ["summary.json", "timeline.csv", "routes.csv", "events.csv"] {
            let x = try Data(contentsOf: URL(fileURLWithPath: a + "/" + f)), y = try Data(contentsOf: URL(fileURLWithPath: b + "/" + f))
            #expect(!x.isEmpty && x == y, "\(f) differs between identical runs")
        }
        let timeline = try String(contentsOfFile: a + "/timeline.csv", encoding: .utf8).split(separator: "\n")
        #expect(timeline.first == "time_s,service,replicas,ready,starting,cpu_utilization,in_flight,queue_length,arrival_rate,throughput,latency_mean_s,latency_p50_s,latency_p95_s,latency_p99_s,dropped,timed_out,blocked,wait_mean_s,blocked_wait_mean_s")
        #expect(timeline.count == 1 + 2 * 40)   // 10 minutes of 15 s samples, two services
        let events = try String(contentsOfFile: a + "/events.csv", encoding: .utf8)
        #expect(events.hasPrefix("time_s,service,policy,rule,metric_value,window_s,from,to,reason,alert\n"))
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: a + "/summary.json"))) as? [String: Any]
        #expect((summary?["services"] as? [Any])?.count == 2)
    }

    @Test("--seed changes the run; --format json prints summary.json")
    func seedAndJSON() throws {
        let a = try CLI.run("simulate", "scenarios/teaching/mmc.yaml", "--duration", "20m", "--format", "json", "--out", outDir("s1"))
        let b = try CLI.run("simulate", "scenarios/teaching/mmc.yaml", "--duration", "20m", "--format", "json", "--seed", "8", "--out", outDir("s2"))
        #expect(a.status == 0 && b.status == 0)
        #expect(a.out.contains("\"seed\" : 7") && b.out.contains("\"seed\" : 8"))
        #expect(a.out != b.out)
    }

    @Test("--set overrides are validated like the file; bad ones exit 2 naming the override")
    func overrides() throws {
        let ok = try CLI.run("simulate", "scenarios/teaching/mmc.yaml", "--duration", "5m", "--set", "services.counter.replicas=12", "--format", "json", "--out", outDir("o1"))
        #expect(ok.status == 0)
        #expect(ok.out.contains("\"max_replicas\" : 12"))
        let bad = try CLI.run("simulate", "scenarios/teaching/mmc.yaml", "--set", "services.counter.replicas=abc", "--set", "services.nope.replicas=3")
        #expect(bad.status == 2)
        #expect(bad.err == """
        scenarios/teaching/mmc.yaml: error: (from --set) services.nope.replicas: no such place in the scenario to set (a value can be replaced inside an existing mapping or list)
        scenarios/teaching/mmc.yaml: error: (from --set) services.counter.replicas: expected a whole number or {min, max} like "3", got "abc"

        """)
    }

    @Test("check --out writes the run's files, the same bytes simulate writes for the same run")
    func checkOut() throws {
        let checked = try CLI.run("check", "scenarios/teaching/mmc.yaml", "--duration", "2m", "--no-store", "--out", outDir("check-out"))
        #expect(checked.status == 0)
        let simulated = try CLI.run("simulate", "scenarios/teaching/mmc.yaml", "--duration", "2m", "--no-store", "--out", outDir("sim-out"))
        #expect(simulated.status == 0)
        for file in ["summary.json", "timeline.csv", "routes.csv", "events.csv"] {
            let a = try String(contentsOfFile: outDir("check-out") + "/" + file, encoding: .utf8)
            let b = try String(contentsOfFile: outDir("sim-out") + "/" + file, encoding: .utf8)
            #expect(a == b, "\(file) differs")
        }
    }

    @Test("validate takes the same --set overrides as simulate and validates the what-if like the file")
    func validateOverrides() throws {
        let ok = try CLI.run("validate", "scenarios/teaching/mmc.yaml", "--set", "services.counter.replicas=12")
        #expect(ok.status == 0)
        let bad = try CLI.run("validate", "scenarios/teaching/mmc.yaml", "--set", "services.counter.replicas=abc")
        #expect(bad.status == 2)
        #expect(bad.err == """
        scenarios/teaching/mmc.yaml: error: (from --set) services.counter.replicas: expected a whole number or {min, max} like "3", got "abc"

        """)
    }

    @Test("a scenario without traffic cannot be simulated: a located error, exit 2; validate accepts it with a located note")
    func noTraffic() throws {
        let f = try CLI.temp("notraffic.yaml", "capsim: 1\nname: n\nservices:\n  a: {peak: 1/s, capacity: 10/s, replicas: 1}\n")
        let r = try CLI.run("simulate", f, "--out", outDir("n"))
        #expect(r.status == 2)
        #expect(r.err.contains("notraffic.yaml:1:1: error: traffic: missing: simulating needs a traffic block"), "\(r.err)")
        // A max replicas of Int32.max is Kubernetes' "no limit": plan reads it, simulate refuses it.
        let huge = try CLI.temp("huge-max.yaml", "capsim: 1\nname: h\nservices:\n  a: {capacity: 10/s, replicas: {min: 1, max: 2147483647}}\ntraffic: {entry: a, peak: 1/s, routes: {r: {share: 100%, path: [a]}}}\n")
        #expect(try CLI.run("plan", huge, "--no-store").status == 0)
        let refused = try CLI.run("simulate", huge, "--no-store", "--out", outDir("h"))
        #expect(refused.status == 2 && refused.err.contains("huge-max.yaml:4:47: error: services.a.replicas.max: expected at most 100000 pods to simulate"), "\(refused.err)")
        let v = try CLI.run("validate", f)
        #expect(v.status == 0 && v.out.contains("notraffic.yaml:1:1: note: traffic: missing") && v.out.contains("simulate, check, sweep, optimize and plan --verify refuse it"), "\(v.out)")
        #expect(try CLI.run("simulate", "scenarios/teaching/mmc.yaml", "--duration", "soon").status == 2)
    }
}

@Suite("capsim check end to end", .serialized)
struct CheckCLITests {
    @Test("passing expectations exit 0 and write JUnit; a failing one exits 1 with a readable list")
    func passAndFail() throws {
        let junit = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-junit-\(ProcessInfo.processInfo.processIdentifier).xml").path
        let ok = try CLI.run("check", "scenarios/teaching/holiday-surge.yaml", "--duration", "30m", "--junit", junit)
        #expect(ok.status == 0)
        #expect(ok.out.hasPrefix("scenarios/teaching/holiday-surge.yaml: PASS — 5 of 5 checks passed"))
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.contains("tests=\"5\" failures=\"0\""))
        let checks = try CLI.temp("strict.yaml", "capsim: 1\nexpect:\n  - {service: payments-service, metric: latency_p95, below: 10ms}\n")
        let bad = try CLI.run("check", "scenarios/teaching/holiday-surge.yaml", "--duration", "30m", "--expect", checks, "--junit", junit)
        #expect(bad.status == 1)
        #expect(bad.out.contains("FAIL — 5 of 6 checks passed"))
        #expect(bad.out.contains("✘ payments-service latency_p95 below 10ms: observed"))
        #expect(try String(contentsOfFile: junit, encoding: .utf8).contains("failures=\"1\""))
    }

    @Test("a baseline written by one run passes the same run and catches a policy change")
    func baselines() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-base-\(ProcessInfo.processInfo.processIdentifier).json").path
        #expect(try CLI.run("check", "scenarios/teaching/holiday-surge.yaml", "--duration", "30m", "--write-baseline", base).status == 0)
        let same = try CLI.run("check", "scenarios/teaching/holiday-surge.yaml", "--duration", "30m", "--baseline", base)
        #expect(same.status == 0)
        #expect(same.out.contains("✔ scaling decisions match the baseline"))
        let changed = try CLI.run("check", "scenarios/teaching/holiday-surge.yaml", "--duration", "30m", "--baseline", base,
                                  "--set", "services.payments-service.autoscaling.hpa.metrics[0].target=60%")
        #expect(changed.status == 1)
        #expect(changed.out.contains("✘ scaling decisions match the baseline: decision 1 differs"))
    }

    @Test("bad input exits 2: an invalid checks file, nothing to check, a missing baseline")
    func badInput() throws {
        let checks = try CLI.temp("badchecks.yaml", "capsim: 1\nexpect:\n  - {service: nosuch, metric: dropped, equals: 0}\n")
        let r = try CLI.run("check", "scenarios/teaching/holiday-surge.yaml", "--expect", checks)
        #expect(r.status == 2)
        #expect(r.err.contains("badchecks.yaml:3:15: error: expect[0].service: \"nosuch\" is not a declared service"))
        let bare = try CLI.temp("bare.yaml", try String(contentsOfFile: "scenarios/teaching/mmc.yaml", encoding: .utf8).components(separatedBy: "\nexpect:")[0])
        let none = try CLI.run("check", bare)
        #expect(none.status == 2)
        #expect(none.err.contains("nothing to check"))
        #expect(try CLI.run("check", "scenarios/teaching/holiday-surge.yaml", "--baseline", "/no/such.json").status == 2)
        #expect(try CLI.run("check", "scenarios/teaching/holiday-surge.yaml", "--decisions", "/no/such.csv").status == 2)
    }

    /// The gate CI runs on the bundled scenarios: a golden decisions file passes the run that
    /// wrote it and fails, naming the first decision that moved, when a policy changes one.
    @Test("a golden decisions file passes the same run and fails, with the moved decision, when the HPA changes")
    func goldenDecisions() throws {
        let golden = try CLI.temp("surge.decisions.csv", "")
        let written = try CLI.run("check", "scenarios/teaching/holiday-surge.yaml", "--duration", "30m", "--no-store", "--write-decisions", golden)
        #expect(written.status == 0)
        #expect(written.err == "wrote \(golden)\n")
        let text = try String(contentsOfFile: golden, encoding: .utf8)
        #expect(text.hasPrefix("time_s,service,policy,rule,from,to\n"))
        #expect(text.split(separator: "\n").count > 2)
        let same = try CLI.run("check", "scenarios/teaching/holiday-surge.yaml", "--duration", "30m", "--no-store", "--decisions", golden)
        #expect(same.status == 0)
        #expect(same.out.contains("✔ scaling decisions match \(golden):"))
        let moved = try CLI.run("check", "scenarios/teaching/holiday-surge.yaml", "--duration", "30m", "--no-store", "--decisions", golden,
                                "--set", "services.payments-service.autoscaling.hpa.metrics[0].target=50%")
        #expect(moved.status == 1)
        #expect(moved.out.contains("✘ scaling decisions match \(golden): decision "))
        #expect(moved.out.contains("\n      -") && moved.out.contains("\n      +"))
        #expect(moved.out.contains("--write-decisions"))
    }

    /// The saturated-database teaching scenario: the service's own p99 passes, the backlog at
    /// its database fails the check, and it is not repeated as a warning.
    @Test("no_backlog fails on a database collapse that the service's latency hides")
    func noBacklogCatchesTheCollapse() throws {
        let r = try CLI.run("check", "scenarios/teaching/saturated-database.yaml", "--no-store", "--expect", "docs/examples/no-backlog.checks.yaml")
        #expect(r.status == 1)
        #expect(r.out.contains("✔ shop latency_p99 below 100ms"))
        #expect(r.out.contains("✘ no backlog anywhere: shop-db: backlog grew from"))
        #expect(r.out.contains("still growing when the run ended"))
        #expect(!r.out.contains("! warning: shop-db"))
        #expect(r.out.contains("! warning: route browse:"))
        // simulate names it first, before any table.
        let sim = try CLI.run("simulate", "scenarios/teaching/saturated-database.yaml", "--no-store", "--out", FileManager.default.temporaryDirectory.path + "/capsim-satdb")
        let lines = sim.out.split(separator: "\n")
        #expect(lines.count > 3 && lines[1].hasPrefix("warning: shop-db: backlog grew") && lines[2].hasPrefix("warning: route browse:"))
    }

    /// A CI gate must not need a writable store: --no-store records nothing and opens nothing.
    @Test("check records its run by default; --no-store records nothing")
    func checkStore() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-check-store-\(ProcessInfo.processInfo.processIdentifier).sqlite").path
        for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) }
        let env = ["CAPSIM_DB": path]
        let skipped = try CLI.run(["check", "scenarios/teaching/mmc.yaml", "--no-store"], environment: env)
        #expect(skipped.status == 0 && skipped.err.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: path))
        let stored = try CLI.run(["check", "scenarios/teaching/mmc.yaml"], environment: env)
        #expect(stored.status == 0)
        #expect(stored.err == "recorded as run 1 (capsim runs show 1)\n")
        let list = try CLI.run(["runs", "list", "--format", "json"], environment: env)
        let runs = try #require(try JSONSerialization.jsonObject(with: Data(list.out.utf8)) as? [[String: Any]])
        #expect(runs.count == 1)
        #expect(runs.first?["kind"] as? String == "simulate")
        #expect((runs.first?["parameters"] as? [String: Any])?["command"] as? String == "check")
        #expect(runs.first?["seed"] as? Int == 7)
    }
}

@Suite("capsim runs, report and forecast end to end", .serialized)
struct StoreCLITests {
    func db(_ name: String) -> [String: String] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-store-\(ProcessInfo.processInfo.processIdentifier)-\(name).sqlite").path
        for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) }
        return ["CAPSIM_DB": path]
    }

    @Test("with no --db and an empty $CAPSIM_DB a run is recorded under $XDG_DATA_HOME/capsim, folders created")
    func recordsInDataHome() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-xdg-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: home)
        defer { try? FileManager.default.removeItem(at: home) }
        let env = ["CAPSIM_DB": "", "XDG_DATA_HOME": home.appendingPathComponent("data").path, "HOME": home.appendingPathComponent("home").path]
        let r = try CLI.run(["plan", "scenarios/teaching/mmc.yaml"], environment: env)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.err == "recorded as run 1 (capsim runs show 1)\n")
        #expect(FileManager.default.fileExists(atPath: home.appendingPathComponent("data/capsim/capsim.sqlite").path))
        #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent("home").path), "$XDG_DATA_HOME comes before $HOME")
        let list = try CLI.run(["runs", "list"], environment: env)
        #expect(list.status == 0 && list.out.contains("mmc"))
    }

    @Test("with no --db, $CAPSIM_DB, $XDG_DATA_HOME or $HOME a recording command stops with exit 2 and says what to set")
    func noDataHome() throws {
        let r = try CLI.run(["runs", "list"], environment: ["CAPSIM_DB": "", "XDG_DATA_HOME": "", "HOME": ""])
        #expect(r.status == 2)
        #expect(r.err.contains("error: no place for the results store") && r.err.contains("--db PATH"))
        let skipped = try CLI.run(["plan", "scenarios/teaching/mmc.yaml", "--no-store"], environment: ["CAPSIM_DB": "", "XDG_DATA_HOME": "", "HOME": ""])
        #expect(skipped.status == 0, "--no-store needs no store, so no home either")
    }

    @Test("plan and simulate record runs; list, show, compare, export and delete read them back")
    func runs() throws {
        let env = db("runs")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-runs-\(ProcessInfo.processInfo.processIdentifier)").path
        let s1 = try CLI.run(["simulate", "scenarios/teaching/holiday-surge.yaml", "--duration", "10m", "--out", out + "/a"], environment: env)
        #expect(s1.err.hasSuffix("wrote \(out)/a/ (summary.json, timeline.csv, routes.csv, events.csv); recorded as run 1 (capsim runs show 1)\n"), "\(s1.err)")
        #expect(!s1.out.contains("recorded"))
        let s2 = try CLI.run(["simulate", "scenarios/teaching/holiday-surge.yaml", "--duration", "10m", "--out", out + "/b",
                              "--set", "services.payments-service.replicas.initial=5"], environment: env)
        #expect(s2.err.contains("recorded as run 2"))
        let p = try CLI.run(["plan", "scenarios/teaching/mmc.yaml", "--format", "json"], environment: env)
        #expect(p.err.contains("recorded as run 3"))
        let list = try CLI.run(["runs", "list"], environment: env)
        #expect(list.status == 0)
        let rows = list.out.split(separator: "\n")
        #expect(rows.count == 2 + 3)
        #expect(rows[2].hasPrefix("3   plan") && rows[4].hasPrefix("1   simulate"))
        let show = try CLI.run(["runs", "show", "1"], environment: env)
        #expect(show.out.contains("run 1: simulate of genna-eve-surge"))
        #expect(show.out.contains("capsim simulate: genna-eve-surge (seed 11, 10m simulated"))
        // Re-rendered from the store, the summary is byte-identical to the run's own file.
        let exported = try CLI.run(["runs", "export", "1", "--format", "json"], environment: env)
        #expect(exported.out == (try String(contentsOfFile: out + "/a/summary.json", encoding: .utf8)))
        let csv = try CLI.run(["runs", "export", "1", "--format", "csv"], environment: env)
        #expect(csv.out == (try String(contentsOfFile: out + "/a/timeline.csv", encoding: .utf8)))
        let cmp = try CLI.run(["runs", "compare", "1", "2"], environment: env)
        #expect(cmp.status == 0)
        #expect(cmp.out.contains("payments-service"))
        #expect(try CLI.run(["runs", "compare", "1", "3"], environment: env).status == 2)
        #expect(try CLI.run(["runs", "delete", "2"], environment: env).out == "deleted run 2\n")
        let gone = try CLI.run(["runs", "show", "2"], environment: env)
        #expect(gone.status == 2 && gone.err.contains("no run 2"))
        #expect(try CLI.run(["runs", "delete", "2"], environment: env).status == 2)
    }

    @Test("report renders a stored run as self-contained HTML or Markdown; --report writes one with the run")
    func reports() throws {
        let env = db("report")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-rep-\(ProcessInfo.processInfo.processIdentifier)").path
        let sim = try CLI.run(["simulate", "scenarios/teaching/holiday-surge.yaml", "--duration", "10m", "--out", dir, "--report", dir + "/r.md"], environment: env)
        #expect(sim.status == 0)
        #expect(try String(contentsOfFile: dir + "/r.md", encoding: .utf8).hasPrefix("**"))
        let html = try CLI.run(["report", "1", "--out", dir + "/r.html"], environment: env)
        #expect(html.status == 0)
        let text = try String(contentsOfFile: dir + "/r.html", encoding: .utf8)
        #expect(text.hasPrefix("<!DOCTYPE html>") || text.hasPrefix("<!doctype html>"))
        #expect(text.contains("<svg"))
        #expect(!text.contains("src=\"http") && !text.contains("href=\"http"))
        #expect(try CLI.run(["report", "99"], environment: env).status == 2)
    }

    @Test("forecast fits growth from history and prints the range for plan; bad rows exit 2 with line numbers")
    func forecast() throws {
        var csv = "date,metric,value\n"
        for d in 0..<120 {
            let day = 1 + d % 28, month = 1 + d / 28
            csv += String(format: "2025-%02d-%02d,dau,%.0f\n", month, day, 100_000 * pow(1.06, Double(d) / 30.4375))
        }
        let f = try CLI.temp("history.csv", csv)
        let r = try CLI.run("forecast", f)
        #expect(r.status == 0)
        #expect(r.out.contains("dau"))
        #expect(r.out.contains("use with plan: --set 'planning.growth={low:"))
        let plan = try CLI.run(["plan", "scenarios/teaching/holiday-surge.yaml", "--format", "json", "--no-store",
                                "--set", "planning.growth={low: 4%, mid: 6%, high: 8%}"], environment: [:])
        #expect(plan.status == 0)
        #expect(plan.out.contains("\"growth_monthly\" : 0.06"))
        let bad = try CLI.temp("bad.csv", "date,metric,value\n2025-02-30,dau,5\n2025-03-01,dau,0\n")
        let b = try CLI.run("forecast", bad)
        #expect(b.status == 2)
        #expect(b.err.contains("bad.csv:2: error: date:") && b.err.contains("bad.csv:3: error: value:"))
    }
}
