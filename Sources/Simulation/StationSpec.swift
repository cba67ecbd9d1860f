import CapsimModel

/// What the simulator needs to know about one station, whatever it stands for: a service's
/// pods, a database primary or its read replicas, or an event-bus consumer group.
struct StationSpec {
    enum Kind: String {
        case service, databasePrimary = "database", databaseReplicas = "read replicas", consumerGroup = "consumer group"
        /// An external dependency: one always-ready "pod" whose slots are the partner's limit.
        case dependency
    }

    let name: String
    let kind: Kind
    let slots: Int
    let serviceTime: ServiceTime
    let queue: QueueSettings
    let cpuPerRequest: Double
    let requestCores: Double
    let limitCores: Double
    let replicas: Replicas
    let startupDelay: Double
    let slo: SLO?
    /// Price per instance-hour in the scenario's reporting currency (0 when unpriced).
    let costPerHour: Double
    let hpa: HPA?
    let triggers: [Trigger]
    /// Consumer groups: useful parallelism is capped at the topic's partitions.
    let parallelCap: Int?
    let lagScaler: LagScaler?
    /// The service object, for service stations (databases, caches, publications).
    let service: Service?
    /// An external dependency's error rate (0 for every other kind).
    var errorRate = 0.0

    /// A service's pods. `limitCores` is the most CPU a pod can use — its limit, else its node's
    /// spare CPU (`node`) — above which its work is throttled.
    static func service(_ sv: Service, node: CPU, currency: CurrencySettings) -> StationSpec {
        StationSpec(name: sv.name, kind: .service, slots: sv.capacity.concurrency, serviceTime: sv.capacity.serviceTime, queue: sv.queue,
                    cpuPerRequest: sv.cpuPerRequest, requestCores: sv.resources.requests.cpu.millicores / 1000,
                    limitCores: sv.resources.cpuCeiling(node: node).millicores / 1000, replicas: sv.replicas, startupDelay: sv.startupDelay, slo: sv.slo,
                    costPerHour: sv.costPerInstanceHour.map(currency.reported) ?? 0, hpa: sv.autoscaling.hpa,
                    triggers: sv.autoscaling.triggers, parallelCap: nil, lagScaler: nil, service: sv)
    }

    /// A database primary: one instance whose `cpus` cores serve queries from a shared queue;
    /// a query holds a core for its query time, so CPU utilisation is busy cores ÷ cores.
    static func primary(_ db: Database, currency: CurrencySettings) -> StationSpec {
        let cores = max(1, Int(db.cpus.rounded(.down)))
        return StationSpec(name: db.name, kind: .databasePrimary, slots: cores, serviceTime: db.queryTime,
                           queue: QueueSettings(discipline: .shared, balancing: .roundRobin, limit: nil, timeout: nil),
                           cpuPerRequest: db.queryTime.mean, requestCores: Double(cores), limitCores: Double(cores),
                           replicas: Replicas(min: 1, max: 1, initial: 1), startupDelay: 0, slo: nil,
                           costPerHour: db.costPerHour.map(currency.reported) ?? 0, hpa: nil, triggers: db.triggers,
                           parallelCap: nil, lagScaler: nil, service: nil)
    }

    /// A database's read replicas, as one pool behind a shared queue.
    static func replicas(_ db: Database, currency: CurrencySettings) -> StationSpec {
        let cores = max(1, Int(db.cpus.rounded(.down)))
        let n = db.readReplicas
        return StationSpec(name: db.name + "/replicas", kind: .databaseReplicas, slots: cores, serviceTime: db.queryTime,
                           queue: QueueSettings(discipline: .shared, balancing: .roundRobin, limit: nil, timeout: nil),
                           cpuPerRequest: db.queryTime.mean, requestCores: Double(cores), limitCores: Double(cores),
                           replicas: Replicas(min: n, max: n, initial: n), startupDelay: 0, slo: nil,
                           costPerHour: db.costPerHour.map(currency.reported) ?? 0, hpa: nil, triggers: [],
                           parallelCap: nil, lagScaler: nil, service: nil)
    }

    /// A consumer group: one slot per worker, at most `partitions` working at once (a partition
    /// is consumed by one member of the group); its queue is the consumer lag. A worker has its
    /// service's resources (the seed's without one) and, busy, uses all the CPU it may, as a
    /// saturated pod does.
    static func consumers(_ g: ConsumerGroup, partitions: Int, owner: Service?, node: CPU, currency: CurrencySettings) -> StationSpec {
        let resources = owner?.resources ?? Resources(requests: Defaults.requests, limits: Defaults.limits)
        let ceiling = resources.cpuCeiling(node: node).millicores / 1000
        return StationSpec(name: g.name, kind: .consumerGroup, slots: 1, serviceTime: g.serviceTime,
                           queue: QueueSettings(discipline: .shared, balancing: .roundRobin, limit: nil, timeout: nil),
                           cpuPerRequest: ceiling * g.serviceTime.mean,
                           requestCores: resources.requests.cpu.millicores / 1000,
                           limitCores: ceiling,
                           replicas: g.workers, startupDelay: owner?.startupDelay ?? Defaults.startupDelay, slo: nil,
                           costPerHour: owner?.costPerInstanceHour.map(currency.reported) ?? 0, hpa: nil, triggers: g.triggers,
                           parallelCap: partitions, lagScaler: g.lagScaler, service: nil)
    }

    /// A partner API: its latency as the service time, its concurrency limit as the slots of a
    /// single instance that is always ready, no queue (a call over the limit is refused at once,
    /// as a rate-limited API answers 429), no CPU, no cost, no autoscaling.
    static func dependency(_ d: Dependency) -> StationSpec {
        var spec = StationSpec(name: d.name, kind: .dependency, slots: d.concurrency ?? 1_000_000_000, serviceTime: d.latency,
                               queue: QueueSettings(discipline: .shared, balancing: .roundRobin, limit: 0, timeout: nil),
                               cpuPerRequest: 0, requestCores: 1, limitCores: 1, replicas: Replicas(min: 1, max: 1, initial: 1), startupDelay: 0,
                               slo: nil, costPerHour: 0, hpa: nil, triggers: [], parallelCap: nil, lagScaler: nil, service: nil)
        spec.errorRate = d.errorRate
        return spec
    }

    /// Every station of a scenario in the engine's order: its services (in name order), each
    /// database's primary then its read replicas, the event bus's consumer groups, then the
    /// external dependencies (last, so a scenario without them numbers its stations as before).
    static func all(_ scenario: Scenario) -> [StationSpec] {
        let money = scenario.currency
        var specs = scenario.serviceNames.map { StationSpec.service(scenario.services[$0]!, node: scenario.platform.nodeCPU, currency: money) }
        for db in scenario.databaseNames.map({ scenario.databases[$0]! }) {
            specs.append(.primary(db, currency: money))
            if db.readReplicas > 0 { specs.append(.replicas(db, currency: money)) }
        }
        if let bus = scenario.eventBus {
            for g in bus.consumerGroupNames.map({ bus.consumerGroups[$0]! }) {
                specs.append(.consumers(g, partitions: bus.topics[g.topic]?.partitions ?? 1, owner: scenario.services[g.service], node: scenario.platform.nodeCPU, currency: money))
            }
        }
        specs += scenario.dependencyNames.map { .dependency(scenario.dependencies[$0]!) }
        return specs
    }
}
