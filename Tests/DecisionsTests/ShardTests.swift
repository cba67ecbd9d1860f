import CapsimModel
import Decisions
import Foundation
import Simulation
import Store
import Testing

@Suite("sharded sweeps")
struct ShardTests {
    @Test("shards split the tasks round-robin, each task exactly once")
    func shardsPartitionTasks() {
        for n in 1...5 {
            let all = (0..<n).flatMap { Shard(index: $0, count: n)!.tasks(of: 17) }
            #expect(all.sorted() == Array(0..<17))
        }
        #expect(Shard(index: 3, count: 3) == nil && Shard(index: -1, count: 3) == nil && Shard(index: 0, count: 0) == nil)
    }

    @Test("three shards in three stores, merged, hold exactly the replications of the sweep run whole")
    func mergedEqualsWhole() throws {
        let runner = try sweepRunner(["services.api.replicas=5,6"], replications: 3)
        let whole = try temporaryStore("whole")
        let id = try runner.run(jobs: 2, store: whole, capsimVersion: "t", now: { "t" }).id!
        var shards: [(path: String, store: ResultsStore)] = []
        for i in 0..<3 {
            let s = try temporaryStore("shard-\(i)")
            let (_, rows) = try runner.run(jobs: 1, shard: Shard(index: i, count: 3), store: s, capsimVersion: "t", now: { "t" })
            #expect(rows.count == 2)
            shards.append((s.path, s))
        }
        let merged = try ShardMerge.gather(shards.reversed())
        let stored = try whole.sweep(id)!
        #expect(merged.replications == stored.replications)
        #expect(merged.definition == stored.definition)
        let target = try temporaryStore("merged")
        let mid = try target.saveSweep(merged.definition, scenarioText: merged.scenarioText, replications: merged.replications, capsimVersion: "t", createdAt: "t")
        #expect(try target.sweep(mid)!.replications == stored.replications)
        #expect(try target.sweeps().first!.completedAt != nil)
    }

    @Test("a missing shard, a shard given twice, an unfinished shard and a shard of another sweep are refused by name")
    func mergeRefusesPartialSweeps() throws {
        let runner = try sweepRunner(["services.api.replicas=5,6"], replications: 2)
        var stores: [(path: String, store: ResultsStore)] = []
        for i in 0..<2 {
            let s = try temporaryStore("refuse-\(i)")
            _ = try runner.run(jobs: 1, shard: Shard(index: i, count: 2), store: s, capsimVersion: "t", now: { "t" })
            stores.append((s.path, s))
        }
        func refusal(_ files: [(path: String, store: ResultsStore)]) -> String {
            do { _ = try ShardMerge.gather(files); return "merged" } catch { return "\(error)" }
        }
        #expect(refusal([stores[0]]).contains("shard 1 of 2 is missing"))
        let again = try temporaryStore("refuse-again")
        _ = try runner.run(jobs: 1, shard: Shard(index: 0, count: 2), store: again, capsimVersion: "t", now: { "t" })
        #expect(refusal(stores + [(again.path, again)]).contains("shard 0 of 2 is present twice"))
        // A shard killed part-way: begun, one replication stored, never completed.
        let killed = try temporaryStore("refuse-killed")
        let kid = try killed.beginSweep(runner.definition, scenarioText: runner.scenarioText, shard: Shard(index: 1, count: 2), capsimVersion: "t", createdAt: "t")
        try killed.saveSweepReplication(try runner.replicate(task: 1), sweep: kid)
        #expect(throws: StoreError.self) { try killed.completeSweep(kid, at: "t") }
        #expect(refusal([stores[0], (killed.path, killed)]).contains("did not finish (1 of 2 replications stored)"))
        #expect(try killed.sweeps().first!.completedAt == nil)
        let other = try sweepRunner(["services.api.replicas=5,7"], replications: 2)
        let foreign = try temporaryStore("refuse-foreign")
        _ = try other.run(jobs: 1, shard: Shard(index: 1, count: 2), store: foreign, capsimVersion: "t", now: { "t" })
        #expect(refusal([stores[0], (foreign.path, foreign)]).contains("is a shard of another sweep"))
        #expect(refusal(stores) == "merged")
    }
}
