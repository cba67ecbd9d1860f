import Foundation

/// A sweep as a Kubernetes Indexed Job: one pod per shard, each running
/// `capsim sweep … --shards N` (its index from the `JOB_COMPLETION_INDEX` the Job controller
/// sets) and writing its shard database to a shared volume, for `capsim runs merge` after.
/// Kubernetes does the scheduling, retries and bookkeeping; capsim only splits the work.
public struct IndexedJob: Sendable {
    public var scenarioFile: String
    /// The sweep's own arguments after the scenario (`--vary`, `--replications`, `--set` …),
    /// without sharding, output or store flags.
    public var sweepArguments: [String]
    public var scenarioName: String
    public var shards: Int
    public var parallelism: Int
    public var image: String
    /// The ConfigMap holding the scenario file, and the claim the shard databases go to.
    public var configMap = "capsim-scenario"
    public var claim = "capsim-results"
    public var cpu = "1"
    public var memory = "1Gi"
    /// Retries per whole Job (a failed shard pod is retried by the controller).
    public var backoffLimit: Int { shards * 2 }

    public init(scenarioFile: String, sweepArguments: [String], scenarioName: String, shards: Int, parallelism: Int, image: String) {
        self.scenarioFile = scenarioFile; self.sweepArguments = sweepArguments; self.scenarioName = scenarioName
        self.shards = shards; self.parallelism = parallelism; self.image = image
    }

    /// A DNS-1123 name (lowercase letters, digits and '-', at most 63 characters).
    public var name: String {
        let cleaned = ("capsim-sweep-" + scenarioName.lowercased()).map { $0.isLetter && $0.isASCII || $0.isNumber ? $0 : "-" }
        var s = String(cleaned)
        while s.contains("--") { s = s.replacingOccurrences(of: "--", with: "-") }
        return String(s.prefix(63)).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
    }

    public func manifest() -> String {
        let base = (scenarioFile as NSString).lastPathComponent
        let args = ["sweep", "/scenario/" + base] + sweepArguments + ["--shards", "\(shards)", "--out", "/results", "--jobs", cpu]
        func q(_ s: String) -> String {
            let data = try! JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes])
            return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
        }
        return """
            # capsim sweep of \(scenarioName) as a Kubernetes Indexed Job: \(shards) shard\(shards == 1 ? "" : "s"), \(parallelism) at a time.
            # Before applying it:
            #   kubectl create configmap \(configMap) --from-file=\(base)=\(scenarioFile)
            #   and a PersistentVolumeClaim \(claim) that every pod can write (ReadWriteMany), for the shard databases.
            # Each pod runs shard $JOB_COMPLETION_INDEX and writes /results/shard-I-of-\(shards).sqlite. When the Job completes,
            # copy them out and merge:  capsim runs merge shard-*-of-\(shards).sqlite
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: \(name)
              labels:
                app.kubernetes.io/name: capsim
                app.kubernetes.io/component: sweep
            spec:
              completionMode: Indexed
              completions: \(shards)
              parallelism: \(parallelism)
              backoffLimit: \(backoffLimit)
              template:
                metadata:
                  labels:
                    app.kubernetes.io/name: capsim
                    app.kubernetes.io/component: sweep
                spec:
                  restartPolicy: Never
                  containers:
                    - name: capsim
                      image: \(q(image))
                      args: [\(args.map(q).joined(separator: ", "))]
                      resources:
                        requests:
                          cpu: \(q(cpu))
                          memory: \(q(memory))
                        limits:
                          memory: \(q(memory))
                      volumeMounts:
                        - name: scenario
                          mountPath: /scenario
                          readOnly: true
                        - name: results
                          mountPath: /results
                  volumes:
                    - name: scenario
                      configMap:
                        name: \(q(configMap))
                    - name: results
                      persistentVolumeClaim:
                        claimName: \(q(claim))

            """
    }
}
