import ArgumentParser
import CapsimModel
import Foundation
import Reporting
import Simulation

/// `capsim sweep`'s options apart from the grid.
struct SweepFlags: ParsableArguments {
    @Option(help: "Replications per point (default: the scenario's sweep.replications, else simulation.replications when above 1, else 5).")
    var replications: Int?

    @Option(help: "Simulated time per replication, like 15m (default: the scenario's simulation.duration).")
    var duration: String?

    @Option(help: "Base seed; replication i of every point runs on the same seed derived from it (default: the scenario's).")
    var seed: UInt64?

    @Option(name: .customLong("set"), help: "Override a scenario value at every point (repeatable).")
    var overrides: [String] = []

    @Option(help: "Runs at once (default: every core); the results do not depend on it.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "A metric to show, as SUBJECT METRIC: \"route checkout latency_p99\", \"platform cost_etb\" (repeatable; default: cost, and p99 and peak replicas of the varied services). sweep.csv has all.")
    var metric: [String] = []

    @Option(help: "What to print: table, json (sweep.json) or csv (sweep.csv).")
    var format: SimulationRenderer.Format = .table

    @Option(help: "Folder for sweep.csv, sweep.json and sweep.html (default: reports/<scenario name>/sweep).")
    var out: String?

    @Option(help: "Run only shard I of N (0-based) into OUT/shard-I-of-N.sqlite, for capsim runs merge.")
    var shard: String?

    @Option(help: "Run one of N shards, the one $JOB_COMPLETION_INDEX names (as a Kubernetes Indexed Job's pods do); with --emit-k8s-job, the shard count.")
    var shards: Int?

    @Option(help: "Write a Kubernetes Indexed Job manifest that runs the sweep in --shards pods, instead of running it.")
    var emitK8sJob: String?

    @Option(help: "Container image for --emit-k8s-job (one with capsim on its PATH as its entrypoint).")
    var image: String = "capsim:latest"

    @Option(help: "Pods at once for --emit-k8s-job (default: every shard).")
    var parallelism: Int?

    @Option(help: "CPUs each pod requests for --emit-k8s-job (its --jobs).")
    var podCPUs: Int = 1

    func check() throws {
        if let duration, Duration(parsing: duration).map({ $0.seconds > 0 }) != true {
            throw ValidationError("--duration expects a positive duration like \"15m\", got \"\(duration)\"")
        }
        if let replications, replications < 1 || replications > 10_000 { throw ValidationError("--replications expects 1 to 10000 per point, got \(replications)") }
        if jobs < 1 { throw ValidationError("--jobs expects at least 1, got \(jobs)") }
        if let shards, shards < 1 || shards > 10_000 { throw ValidationError("--shards expects 1 to 10000, got \(shards)") }
        if shard != nil && shards != nil && emitK8sJob == nil { throw ValidationError("give --shard I/N or --shards N, not both") }
        if emitK8sJob != nil && shards == nil { throw ValidationError("--emit-k8s-job needs --shards N: how many pods share the sweep") }
        if let parallelism, parallelism < 1 { throw ValidationError("--parallelism expects at least 1, got \(parallelism)") }
        if podCPUs < 1 { throw ValidationError("--pod-cpus expects at least 1, got \(podCPUs)") }
        for m in metric where SweepRenderer.Metric(parsing: m) == nil {
            throw ValidationError("--metric expects SUBJECT METRIC, like \"route checkout latency_p99\", got \"\(m)\"")
        }
        if emitK8sJob == nil { _ = try resolvedShard() }
    }

    /// --shard I/N, or --shards N with I from $JOB_COMPLETION_INDEX; nil runs the whole sweep.
    func resolvedShard() throws -> Shard? {
        if let shard {
            let parts = shard.split(separator: "/").map { Int($0) }
            guard parts.count == 2, let i = parts[0], let n = parts[1], let s = Shard(index: i, count: n) else {
                throw ValidationError("--shard expects I/N with 0 ≤ I < N, like 0/4, got \"\(shard)\"")
            }
            return s
        }
        guard let shards else { return nil }
        guard let text = ProcessInfo.processInfo.environment["JOB_COMPLETION_INDEX"] else {
            throw ValidationError("--shards \(shards) takes its shard from $JOB_COMPLETION_INDEX, which is not set: give --shard I/\(shards) instead")
        }
        guard let i = Int(text), let s = Shard(index: i, count: shards) else {
            throw ValidationError("$JOB_COMPLETION_INDEX is \"\(text)\": expected 0 to \(shards - 1) for --shards \(shards)")
        }
        return s
    }
}

/// "replications: 12 of 40 done, about 1m 30s left" on a terminal's stderr, redrawn in place.
final class ProgressLine: @unchecked Sendable {
    let noun: String
    let started = Date()
    let tty = isatty(2) == 1
    private let lock = NSLock()
    private var drawn = false

    init(noun: String) { self.noun = noun }

    var callback: (@Sendable (Int, Int) -> Void)? {
        guard tty else { return nil }
        return { [self] done, total in
            let wall = Date().timeIntervalSince(started)
            let eta = done > 0 ? wall / Double(done) * Double(total - done) : 0
            show("\(done) of \(total) done, about \(formatDuration(eta.rounded())) left")
        }
    }

    /// "NOUN: TEXT" in place, on a terminal, once the command has run two seconds.
    func show(_ text: String) {
        guard tty, Date().timeIntervalSince(started) > 2 else { return }
        lock.lock(); defer { lock.unlock() }
        drawn = true
        FileHandle.standardError.write(Data("\r\(noun): \(text) ".utf8))
    }

    func finish() { lock.lock(); defer { lock.unlock() }; if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) } }
}
