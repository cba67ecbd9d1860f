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
}
