// Copies of a validated scenario with other traffic or sizes, built in code rather than through
// `--set` text: `plan --verify` replays each horizon's projected traffic on the fleet the plan
// provisions. Each copy changes only numbers that validation bounds (a rate multiplier above
// zero, min ≤ initial ≤ max, whole cores), so it stays a scenario the loader would accept.

extension Scenario {
    /// The same scenario with other traffic, services, databases and event bus.
    public func with(traffic: Traffic?, services: [String: Service], databases: [String: Database], eventBus: EventBus?) -> Scenario {
        Scenario(version: version, name: name, description: description, seed: seed, platform: platform, currency: currency, planning: planning,
                 services: services, traffic: traffic, eventBus: eventBus, databases: databases, cdn: cdn, seasons: seasons,
                 simulation: simulation, expectations: expectations, dependencies: dependencies, sweep: sweep, faults: faults, clients: clients)
    }
}

extension Traffic {
    /// Every arrival scaled by `factor` (on top of `multiplier`): the profile, the surges riding
    /// on it and the CDN's origin misses, which are weighted against the entry's rate.
    public func scaled(by factor: Double) -> Traffic {
        precondition(factor > 0, "a traffic factor must be positive")
        return Traffic(entry: entry, peak: peak, profile: profile, surges: surges, multiplier: multiplier * factor,
                       routes: routes, hopLatency: hopLatency)
    }
}

extension Service {
    public func with(replicas: Replicas) -> Service {
        precondition(replicas.min <= replicas.initial && replicas.initial <= replicas.max, "replicas out of order")
        return Service(name: name, peak: peak, peakDerived: peakDerived, capacity: capacity, cpuPerRequest: cpuPerRequest, resources: resources,
                       replicas: replicas, startupDelay: startupDelay, slo: slo, costPerInstanceHour: costPerInstanceHour, queue: queue,
                       autoscaling: autoscaling, database: database, cache: cache, queriesPerRequest: queriesPerRequest, publishes: publishes,
                       jobs: jobs, factors: factors)
    }
}

extension Database {
    /// The same database on a larger primary, with more read replicas or connections.
    public func with(cpus: Double, readReplicas: Int, maxConnections: Int) -> Database {
        Database(name: name, owner: owner, engine: engine, cpus: cpus, maxConnections: maxConnections, queryTime: queryTime,
                 readReplicas: readReplicas, replicationLag: replicationLag, readRatio: readRatio, keySkew: keySkew, keys: keys,
                 costPerHour: costPerHour, triggers: triggers)
    }
}

extension EventBus {
    /// The same bus with each consumer group's workers replaced by `workers(group)`.
    public func with(workers: (ConsumerGroup) -> Replicas) -> EventBus {
        EventBus(kind: kind, topics: topics, consumerGroups: consumerGroups.mapValues { g in
            ConsumerGroup(name: g.name, service: g.service, topic: g.topic, workers: workers(g), serviceTime: g.serviceTime,
                          triggers: g.triggers, lagScaler: g.lagScaler)
        })
    }
}
