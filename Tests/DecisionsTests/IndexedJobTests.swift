import Decisions
import Foundation
import Testing

@Suite("the sweep's Kubernetes Indexed Job")
struct IndexedJobTests {
    let job = IndexedJob(scenarioFile: "scenarios/stan-store-et.yaml", sweepArguments: ["--vary", "services.payments-service.replicas.max=4,6,10", "--replications", "5"],
                         scenarioName: "Stan Store ET", shards: 4, parallelism: 2, image: "ghcr.io/example/capsim:0.1.0")

    @Test("indexed completion, one completion per shard, the pods run --shards N into the results volume")
    func manifestShape() {
        let m = job.manifest()
        for line in ["kind: Job", "completionMode: Indexed", "completions: 4", "parallelism: 2", "restartPolicy: Never", "name: capsim-sweep-stan-store-et",
                     "args: [\"sweep\", \"/scenario/stan-store-et.yaml\", \"--vary\", \"services.payments-service.replicas.max=4,6,10\", \"--replications\", \"5\", \"--shards\", \"4\", \"--out\", \"/results\", \"--jobs\", \"1\"]",
                     "claimName: \"capsim-results\"", "mountPath: /results"] {
            #expect(m.contains(line), "\(line)")
        }
    }

    @Test("the manifest validates against the Kubernetes schemas offline (kubernetes-validate --strict)")
    func validatesAgainstSchemas() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-job-\(ProcessInfo.processInfo.processIdentifier).yaml").path
        try job.manifest().write(toFile: path, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["kubernetes-validate", "--strict", path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "kubernetes-validate (pip install kubernetes-validate; .ci/run installs it): \(text)")
        #expect(text.contains("passed"), "\(text)")
    }
}
