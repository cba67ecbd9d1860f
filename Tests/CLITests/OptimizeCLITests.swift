import Foundation
import Testing

@Suite("capsim optimize", .serialized)
struct OptimizeCLITests {
    /// 80/s on 50 ms single-slot pods (4 Erlangs) with a 280 ms p99 row: 6 pods is the cheapest.
    static let scenario = """
        capsim: 1
        name: optimize-cli
        seed: 3
        traffic:
          entry: api
          peak: 80/s
          routes:
            r: {share: 100%, path: [api]}
        services:
          api:
            capacity: {service_time: 50ms, concurrency: 1}
            replicas: 5
            cost_per_instance_hour: USD 0.05
        simulation: {duration: 4m}
        expect:
          - {service: api, metric: latency_p99, below: 280ms}
        """

    @Test("the cheapest pod count is named with its cost, cheaper counts with the row they broke; exit 0")
    func findsTheCheapest() throws {
        let file = try CLI.temp("optimize.yaml", Self.scenario)
        let r = try CLI.run("optimize", file, "--knob", "services.api.replicas=1..12", "--replications", "3")
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("Cheapest that holds: api.replicas = 6"), "\(r.out)")
        #expect(r.out.contains("✘ api latency_p99 below 280ms: held in 0 of 1; observed"))
        #expect(r.out.contains("Searched "))
    }

    @Test("no setting within the values holds: exit 1, and what each broke")
    func nothingHolds() throws {
        let file = try CLI.temp("optimize.yaml", Self.scenario)
        let r = try CLI.run("optimize", file, "--knob", "services.api.replicas=1..4", "--replications", "2")
        #expect(r.status == 1)
        #expect(r.out.contains("No setting within the knobs' values holds every row"))
    }

    @Test("bad input exits 2 naming the flag: no knob, a knob that cannot move cost, an unknown service, a bad value")
    func badInput() throws {
        let file = try CLI.temp("optimize.yaml", Self.scenario)
        for (args, words) in [([String](), "name what to search"), (["--knob", "traffic.peak=1..3"], "cannot move cost"),
                              (["--service", "nope"], "no such service"), (["--knob", "services.api.replicas=1,x"], "(from --knob) services.api.replicas: with the value x")] {
            let r = try CLI.run(["optimize", file] + args, environment: [:])
            #expect(r.status == 2, "\(args)")
            #expect(r.err.contains(words), "\(args): \(r.err)")
        }
    }
}
