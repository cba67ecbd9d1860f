import ArgumentParser
import CapsimModel
import Decisions
import Foundation
import Reporting
import Simulation
import Store

/// `capsim sweep`: a grid of scenario values, each point run with the same replication seeds,
/// summarised per point with confidence intervals and stored as one sweep. The grid comes from
/// `--vary` flags, else the scenario's `sweep:` section. The work is in `Decisions`; this file
/// reads flags and writes files.
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a scenario over a grid of values (replicated, common random numbers) and compare the points with confidence intervals.",
        discussion: """
        Writes sweep.csv (every metric of every point), sweep.json and sweep.html (a chart per metric \
        against the first swept path, 95 % CI band drawn) to --out, and records the sweep in the results \
        database. With --shard I/N (or --shards N inside a Kubernetes Indexed Job) only that share runs, \
        into OUT/shard-I-of-N.sqlite, for `capsim runs merge`.
        """)

    @Argument(help: "The scenario file (YAML).")
    var file: String

    @Option(help: "A path and its values, like services.payments-service.replicas.max=4,6,10 (repeatable: the grid crosses them). Default: the scenario's sweep: section.")
    var vary: [String] = []

    @OptionGroup var flags: SweepFlags

    @OptionGroup var store: StoreOptions

    func validate() throws { try flags.check() }

    func run() throws {
        let (base, text) = try ScenarioLoader.loadWithText(path: file, overrides: flags.overrides, for: .simulation)
        let spec = try self.spec(base)
        let scenarios = try SweepPoints.load(text: text, file: file, overrides: flags.overrides, spec: spec)
        let replications = flags.replications ?? spec.replications ?? (base.simulation.replications > 1 ? base.simulation.replications : 5)
        let runner = SweepRunner(overrides: flags.overrides, spec: spec, scenarios: scenarios, scenarioText: text, replications: replications,
                                 duration: flags.duration.flatMap { Duration(parsing: $0)?.seconds }, seed: flags.seed)
        if let path = flags.emitK8sJob { return try emitJob(path, base: base, replications: replications) }
        let shard = try flags.resolvedShard()
        let dir = flags.out ?? "reports/\(base.name)/sweep"
        let db: ResultsStore?
        if let s = shard {
            // A shard's database is its output, written afresh: a retried pod must not leave
            // a half-run copy of itself beside the new one.
            let path = dir + "/shard-\(s.index)-of-\(s.count).sqlite"
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            db = try openStore(path)
        } else { db = store.noStore ? nil : try openStore(store.db) }
        let (id, rows) = try runSweep(runner, shard: shard, db: db)
        if let id { Outputs.recorded(sweep: id) }
        if let shard {
            print("shard \(shard.index) of \(shard.count): \(rows.count) of \(runner.definition.taskCount) replications run into \(db!.path) (sweep \(id!)); merge every shard with: capsim runs merge \(dir)/shard-*-of-\(shard.count).sqlite")
            return
        }
        try SweepOutput(summary: SweepSummary(runner.definition, rows: rows), metricFlags: flags.metric, format: flags.format, dir: dir, id: id).write()
    }

    /// The grid: --vary flags, else the scenario's sweep: section.
    func spec(_ base: Scenario) throws -> SweepSpec {
        guard !vary.isEmpty else {
            guard let s = base.sweep else { throw ValidationError("nothing to sweep: give --vary PATH=V1,V2,… or a sweep: section in \(file)") }
            return s
        }
        var axes: [SweepAxis] = []
        for v in vary {
            switch SweepAxis.parse(flag: v) {
            case .success(let a):
                if axes.contains(where: { $0.path == a.path }) { throw ValidationError("--vary \(a.path) is given twice; list every value in one flag") }
                axes.append(a)
            case .failure(let e): throw ValidationError(e.description)
            }
        }
        return SweepSpec(axes: axes)
    }

    func runSweep(_ runner: SweepRunner, shard: Shard?, db: ResultsStore?) throws -> (id: Int64?, replications: [SweepReplication]) {
        let progress = ProgressLine(noun: "replications")
        defer { progress.finish() }
        do {
            return try runner.run(jobs: flags.jobs, shard: shard, store: db, capsimVersion: Capsim.version, now: nowISO, progress: progress.callback)
        } catch let e as SimulationError {
            printErr(e.message(file: file))
            throw ExitCode(e.exitCode)
        }
    }

    func emitJob(_ path: String, base: Scenario, replications: Int) throws {
        var args = vary.flatMap { ["--vary", $0] } + flags.overrides.flatMap { ["--set", $0] } + ["--replications", "\(replications)"]
        if let d = flags.duration { args += ["--duration", d] }
        if let s = flags.seed { args += ["--seed", "\(s)"] }
        let n = flags.shards ?? 1
        var job = IndexedJob(scenarioFile: file, sweepArguments: args, scenarioName: base.name, shards: n, parallelism: min(n, flags.parallelism ?? n), image: flags.image)
        job.cpu = "\(flags.podCPUs)"
        try emit(job.manifest(), to: path)
    }
}
