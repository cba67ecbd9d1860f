import ArgumentParser
import CapsimModel
import Foundation
import Planning
import Simulation

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the simulator: customers/s on M/M/c through the full engine beside a bare heap loop.",
        discussion: "Build with -c release for meaningful figures. Results go to standard output; record them in BENCHMARKS.md.")

    @Option(help: "Customers per queue.")
    var customers: Int = 10_000_000

    @Option(help: "Also run the bundled example platform (scenarios/stan-store-et.yaml) for this long (e.g. 1h); empty to skip.")
    var platform: String = ""

    @Option(help: "A separate M/M/c speed-limit program to run beside each case (called with --lambda, --mu, --c, --customers, --seed, --warmup; prints a JSON line with customers_per_s); the engine is reported as a ratio to it.")
    var limit: String?

    /// The limit's customers per second for one case, from the JSON line it prints.
    func limitRate(_ path: String, lambda: Double, servers: Int) throws -> Double {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = ["--lambda", "\(lambda)", "--mu", "1", "--c", "\(servers)", "--customers", "\(customers)", "--seed", "1", "--warmup", "0.1"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0, let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let rate = json["customers_per_s"] as? Double else {
            throw ValidationError("--limit \(path) did not print a JSON line with customers_per_s")
        }
        return rate
    }

    func run() throws {
        print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; customers per case: \(customers)")
        print("case                     bare loop (customers/s)   engine (customers/s)   ratio   W engine   W bare   W Erlang C" + (limit == nil ? "" : "   limit (customers/s)   engine ÷ limit"))
        for (lambda, servers) in [(9.0, 10), (95.0, 100)] {
            var t = Date()
            let bare = BareLoop.mmc(lambda: lambda, mu: 1, servers: servers, customers: customers, seed: 1)
            let bareRate = Double(bare.customers) / Date().timeIntervalSince(t)
            let s = try BareLoop.scenario(lambda: lambda, mu: 1, servers: servers)
            var o = SimulationOptions(scenario: s)
            o.duration = Double(customers) / lambda
            o.warmup = 0
            t = Date()
            let r = try Simulator(scenario: s, options: o).run()
            let engineRate = Double(r.services[0].completed) / Date().timeIntervalSince(t)
            let theory = ErlangC(lambda: lambda, mu: 1, servers: servers).meanWait
            let name = "M/M/\(servers) λ=\(Int(lambda)) μ=1"
            var line = String(format: "%-24@ %24.0f %22.0f %7.2f %10.4f %8.4f %12.4f", name as NSString, bareRate, engineRate, engineRate / bareRate,
                              (r.services[0].latency?.mean ?? 0) - 1, bare.meanWait, theory)
            if let limit {
                let l = try limitRate(limit, lambda: lambda, servers: servers)
                line += String(format: " %21.0f %16.2f", l, engineRate / l)
            }
            print(line)
        }
        if !platform.isEmpty {
            guard let d = Duration(parsing: platform) else { throw ValidationError("--platform expects a duration like 1h") }
            let s = try ScenarioLoader.load(path: "scenarios/stan-store-et.yaml")
            var o = SimulationOptions(scenario: s)
            o.duration = d.seconds
            o.warmup = 0                 // every station visit counts (completions are counted after warm-up)
            let t = Date()
            let r = try Simulator(scenario: s, options: o).run()
            let wall = Date().timeIntervalSince(t)
            let visits = r.services.reduce(0) { $0 + $1.completed }
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            print(String(format: "stan-store-et %@: %.1f s wall, %.2fM events/s, %.2fM station visits/s, peak RSS %.0f MB",
                         platform, wall, Double(r.events) / wall / 1e6, Double(visits) / wall / 1e6, Double(usage.ru_maxrss) / 1024))
        }
    }
}
