import Foundation
import Testing

@Suite("capsim plan --verify", .serialized)
struct PlanVerifyCLITests {
    static let scenario = """
        capsim: 1
        name: verify-cli
        seed: 9
        planning: {horizons: [3, 6], growth: 5%, seasonal_factor: 1.5, safety_factor: 2}
        traffic:
          entry: s
          peak: 100/s
          hop_latency: 0s
          routes:
            all: {share: 100%, path: [s]}
        services:
          s:
            capacity: {service_time: {distribution: exponential, mean: 50ms}, concurrency: 4}
            replicas: {min: 2, max: 4, initial: 2}
            slo: {latency_p99: 1s}
            autoscaling:
              hpa: {metrics: [{metric: cpu_utilization, target: 70%}]}
        simulation: {duration: 5m, warmup: 1m}
        """

    @Test("a table per horizon with the verdict in words; --jobs 1 and 2 print the same bytes; JSON has snake_case keys")
    func tableIsIndependentOfJobs() throws {
        let file = try CLI.temp("verify-cli.yaml", Self.scenario)
        let one = try CLI.run("plan", file, "--verify", "--replications", "3", "--jobs", "1", "--no-store")
        let two = try CLI.run("plan", file, "--verify", "--replications", "3", "--jobs", "2", "--no-store")
        #expect(one.status == 0, "\(one.err)")
        #expect(one.out == two.out)
        #expect(one.out.hasPrefix("capsim plan --verify: verify-cli (3 replications of 5m per horizon, 1m warm-up excluded; seeds 9, "))
        #expect(one.out.contains("\nMonth 3: traffic ×1.74 (growth ×1.16 × seasonal ×1.5 × feature ×1; the plan adds safety ×2)\n"))
        #expect(one.out.contains("\nMonth 6: traffic ×2.01 "))
        #expect(one.out.contains("  s: The p99 SLO held in every replication"))
        #expect(one.err.isEmpty, "no progress when stderr is not a terminal")
        let json = try CLI.run("plan", file, "--verify", "--replications", "2", "--format", "json", "--no-store")
        let v = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any]
        let row = try #require(((v?["horizons"] as? [[String: Any]])?.first?["services"] as? [[String: Any]])?.first)
        for key in ["plan_instances", "peak_replicas", "replica_headroom", "utilization_at_plan", "safety_left", "verdict", "explanation", "slo"] {
            #expect(row[key] != nil, "\(key)")
        }
    }

    @Test("--verify on a scenario without traffic: a located error, exit 2")
    func noTraffic() throws {
        let file = try CLI.temp("verify-no-traffic.yaml", """
            capsim: 1
            name: no-traffic
            services:
              s: {peak: 10/s, capacity: {service_time: 10ms, concurrency: 1}, replicas: 1}
            """)
        let r = try CLI.run("plan", file, "--verify", "--no-store")
        #expect(r.status == 2)
        #expect(r.err.contains("verify-no-traffic.yaml:1:1: error: traffic: missing: simulating needs a traffic block"), "\(r.err)")
    }

    @Test("the simulation's flags without --verify are refused, exit 2")
    func flagsNeedVerify() throws {
        let r = try CLI.run("plan", "scenarios/teaching/holiday-surge.yaml", "--replications", "3", "--no-store")
        #expect(r.status == 2)
        #expect(r.err.contains("--replications sets up the simulation of --verify: add --verify, or leave it out"))
    }
}
