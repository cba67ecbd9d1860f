// Limits on what a run allocates and how many events it schedules, with the reason for each.
// The reader bounds every number's magnitude (`Bounds`); these are tighter where a number
// becomes a table in memory (pods, slots, keys) or a count of events (samples, jobs, queries),
// so whatever `validate` accepts runs in bounded memory and time.

/// The documented limits (docs/scenario-reference.md, "Limits").
public enum Limits {
    /// Pods a service, consumer group or read-replica pool may have: each is a row of the pod table.
    public static let pods = 100_000
    /// Concurrent slots per pod, and cores per database: the engine counts busy slots in 32 bits.
    public static let slots = 1_000_000
    /// Queries one request makes: each is two events.
    public static let queriesPerRequest = 1_000
    /// Samples per run (duration ÷ sample_period), and runs of each timed job: each is an event
    /// over every station, and a row of the timeline.
    public static let samples = 10_000_000
    /// Topic partitions: each may hold a consumer.
    public static let partitions = 100_000
    /// Read replicas of one database.
    public static let readReplicas = 10_000
    /// Connections of one database.
    public static let connections = 10_000_000
}

extension ScenarioValidator {
    func limits() {
        func atMost(_ value: Int, _ limit: Int, _ path: String, _ what: String, _ reason: String = Limits.beyondAnyPlatform) {
            check(value <= limit, path, "expected at most \(limit) \(what) (capsim's limit: \(reason)), got \(value)")
        }
        for name in s.serviceNames {
            let sv = s.services[name]!, p = "services.\(name)"
            atMost(sv.replicas.initial, Limits.pods, join(p, "replicas"), "pods", Limits.podsReason)
            atMost(sv.capacity.concurrency, Limits.slots, join(p, "capacity.concurrency"), "slots", Limits.slotsReason)
            check(sv.queriesPerRequest <= Double(Limits.queriesPerRequest), join(p, "queries_per_request"),
                  "expected at most \(Limits.queriesPerRequest) queries per request (capsim's limit: \(Limits.queriesReason)), got \(trim(sv.queriesPerRequest))")
            for (i, job) in sv.jobs.enumerated() where job.every > 0 && s.simulation.duration / job.every > Double(Limits.samples) {
                r.error(join(r.item(join(p, "jobs"), i), "every"),
                        "runs every \(formatDuration(job.every)) for \(formatDuration(s.simulation.duration)): more than \(Limits.samples) runs (capsim's limit: \(Limits.samplesReason))")
            }
        }
        for name in s.databaseNames {
            let d = s.databases[name]!, p = "databases.\(name)"
            check(d.cpus <= Double(Limits.slots), join(p, "cpus"), "expected at most \(Limits.slots) cores (capsim's limit: \(Limits.slotsReason)), got \(trim(d.cpus))")
            atMost(d.readReplicas, Limits.readReplicas, join(p, "read_replicas"), "read replicas")
            atMost(d.maxConnections, Limits.connections, join(p, "max_connections"), "connections")
        }
        if let bus = s.eventBus {
            for name in bus.topicNames { atMost(bus.topics[name]!.partitions, Limits.partitions, "event_bus.topics.\(name).partitions", "partitions") }
            for name in bus.consumerGroupNames { atMost(bus.consumerGroups[name]!.workers.initial, Limits.pods, "event_bus.consumer_groups.\(name).workers", "pods", Limits.podsReason) }
        }
        let m = s.simulation
        if m.samplePeriod > 0 && m.duration / m.samplePeriod > Double(Limits.samples) {
            r.error("simulation.sample_period", "a \(formatDuration(m.samplePeriod)) period over \(formatDuration(m.duration)) takes more than \(Limits.samples) samples (capsim's limit: \(Limits.samplesReason)); sample less often")
        }
        for (i, f) in s.faults.enumerated() {
            if case .podCrash(_, .pods(let n)) = f.kind { atMost(n, Limits.pods, join(r.item("faults", i), "pods"), "pods", Limits.podsReason) }
        }
    }
}

extension Scenario {
    /// Limits that bind only a simulation: a max replicas of Int32.max is Kubernetes' own way
    /// of writing "no limit", and `plan` and `replay` read it as such, but the simulator would
    /// create the pods the HPA asks for.
    var simulationLimits: [Unfit] {
        let s = self
        var out: [Unfit] = []
        func atMost(_ value: Int, _ path: String) {
            if value > Limits.pods {
                out.append(Unfit(path: path, message: "expected at most \(Limits.pods) pods to simulate (capsim's limit: \(Limits.podsReason)), got \(value)"))
            }
        }
        for name in s.serviceNames { atMost(s.services[name]!.replicas.max, "services.\(name).replicas.max") }
        if let bus = s.eventBus {
            for name in bus.consumerGroupNames { atMost(bus.consumerGroups[name]!.workers.max, "event_bus.consumer_groups.\(name).workers") }
        }
        return out
    }
}

extension Limits {
    // Why each limit is where it is, as the errors say it.
    static let podsReason = "each pod is a row of the engine's pod table"
    static let slotsReason = "busy slots are counted in 32 bits"
    static let queriesReason = "each query is two events"
    static let samplesReason = "each is an event over every station and a row of the timeline"
    static let beyondAnyPlatform = "beyond any real platform"
}
