import ArgumentParser
import CapsimModel
import Foundation
import PlanVerification
import Planning
import Simulation

/// `plan --verify` and the flags that only mean something with it.
struct VerifyOptions: ParsableArguments {
    @Flag(help: "Simulate each horizon's projected traffic (without the safety factor) on the plan's fleet, with replications: whether each SLO holds, the headroom the safety factor leaves, and where formula and simulation disagree.")
    var verify = false

    @Option(help: "With --verify: replications per horizon (default: the scenario's simulation.replications when above 1, else 5).")
    var replications: Int?

    @Option(help: "With --verify: replications run at once (default: every core); the results do not depend on it.")
    var jobs: Int?

    @Option(help: "With --verify: simulated time per replication, like 45m (default: the scenario's simulation.duration).")
    var duration: String?

    func validate() throws {
        if !verify, let flag = [replications.map { _ in "--replications" }, jobs.map { _ in "--jobs" }, duration.map { _ in "--duration" }].compactMap({ $0 }).first {
            throw ValidationError("\(flag) sets up the simulation of --verify: add --verify, or leave it out")
        }
        if let duration, Duration(parsing: duration).map({ $0.seconds > 0 }) != true {
            throw ValidationError("--duration expects a positive duration like \"1h\" or \"30m\", got \"\(duration)\"")
        }
        if let replications, replications < 1 || replications > 10_000 { throw ValidationError("--replications expects 1 to 10000 runs, got \(replications)") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs expects at least 1, got \(jobs)") }
    }

    /// Runs the verification of `plan`; a scenario the simulator refuses is a located error, exit 2.
    func run(_ scenario: Scenario, plan: CapacityPlan, now: Date, file: String) throws -> PlanVerification {
        let count = replications ?? (scenario.simulation.replications > 1 ? scenario.simulation.replications : 5)
        let tty = isatty(2) == 1
        var progress: (@Sendable (Int, Int) -> Void)?
        if tty {
            let started = Date()
            // Counts arrive in order, one at a time (`ParallelRuns`).
            progress = { done, total in
                let left = Date().timeIntervalSince(started) / Double(done) * Double(total - done)
                let eta = done < total ? ", about \(formatDuration((left / 10).rounded(.up) * 10)) left" : ""
                FileHandle.standardError.write(Data("\r\u{1B}[Kplan --verify: \(done) of \(total) runs done\(eta)".utf8))
            }
        }
        defer { if tty { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) } }
        do {
            return try PlanVerifier.verify(scenario, plan: plan, options: SimulationOptions(scenario: scenario, duration: duration, seed: nil),
                                           replications: count, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount, now: now, progress: progress)
        } catch let e as SimulationError {
            printErr(e.message(file: file))
            throw ExitCode(e.exitCode)
        }
    }
}
