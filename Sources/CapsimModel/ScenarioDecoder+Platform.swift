import Foundation
import Yams

// The shared platform: the event bus (topics, consumer groups), databases, the CDN.

extension ScenarioDecoder {
    func eventBus(_ node: Node) -> EventBus? {
        guard let o = Obj(r, node, "event_bus", kind: "event_bus", required: ["topics"]) else { return nil }
        var topics: [String: Topic] = [:]
        for (name, n, p) in o.named("topics") ?? [] {
            guard let t = Obj(r, n, p, kind: "topic", required: ["partitions"]) else { continue }
            topics[name] = Topic(name: name, partitions: t.int("partitions") ?? 1)
        }
        var groups: [String: ConsumerGroup] = [:]
        for (name, n, p) in o.named("consumer_groups") ?? [] {
            guard let g = Obj(r, n, p, kind: "consumer_group", required: ["service", "topic", "workers", "service_time"]) else { continue }
            let lag = g["lag_scaler"].flatMap { Obj(r, $0, g.sub("lag_scaler"), kind: "lag_scaler", required: ["lag_threshold"]) }.map {
                LagScaler(lagThreshold: $0.count("lag_threshold") ?? 1, activationLag: $0.count("activation_lag") ?? Defaults.lagActivation,
                          allowIdleConsumers: $0.bool("allow_idle_consumers") ?? false)
            }
            groups[name] = ConsumerGroup(name: name, service: g.string("service") ?? "", topic: g.string("topic") ?? "",
                                         workers: g["workers"].flatMap { replicas($0, g.sub("workers")) } ?? Replicas(min: 1, max: 1, initial: 1),
                                         serviceTime: g["service_time"].flatMap { serviceTime($0, g.sub("service_time")) } ?? .exponential(mean: 0.01),
                                         triggers: triggers(g, owner: .consumerGroup), lagScaler: lag)
        }
        return EventBus(kind: o.string("kind") ?? Defaults.eventBusKind, topics: topics, consumerGroups: groups)
    }

    func database(_ name: String, _ node: Node, _ path: String) -> Database? {
        guard let o = Obj(r, node, path, kind: "database", required: ["owner"]) else { return nil }
        return Database(name: name, owner: o.string("owner") ?? "", engine: o.string("engine") ?? Defaults.databaseEngine,
                        cpus: o.number("cpus") ?? Defaults.databaseCPUs,
                        maxConnections: o.int("max_connections") ?? Defaults.databaseMaxConnections,
                        queryTime: o["query_time"].flatMap { serviceTime($0, o.sub("query_time")) } ?? Defaults.databaseQueryTime,
                        readReplicas: o.int("read_replicas") ?? 0, replicationLag: o.duration("replication_lag") ?? 0,
                        readRatio: o.percent("read_ratio") ?? Defaults.readRatio, keySkew: o.number("key_skew") ?? 0,
                        keys: o.int("keys") ?? Defaults.databaseKeys,
                        costPerHour: o.money("cost_per_hour"), triggers: triggers(o, owner: .database))
    }

    func cdn(_ node: Node) -> CDN? {
        guard case .mapping(let m) = node else { r.error(at: node.mark, "cdn", "expected a mapping of groups to path lists, got \(shown(node))"); return nil }
        var groups: [String: [CDNPath]] = [:]
        for (k, v) in m {
            guard case .scalar(let ks) = k else { continue }
            let gp = join("cdn", ks.string)
            r.record(gp, v)
            guard case .sequence(let items) = v else { r.error(at: v.mark, gp, "expected a list of paths, got \(shown(v))"); continue }
            var paths: [CDNPath] = [], kept: [Int] = []
            for (i, n) in items.enumerated() {
                let p = "\(gp)[\(i)]"
                r.record(p, n)
                guard let o = Obj(r, n, p, kind: "cdn_path", required: ["path", "ttl"]) else { continue }
                paths.append(CDNPath(path: o.string("path") ?? "", ttl: o.duration("ttl") ?? 0, compression: o.bool("compression") ?? false,
                                     service: o.string("service"), hitRatio: o.percent("hit_ratio"), rate: o.rate("rate"), objects: o.count("objects")))
                kept.append(i)
            }
            r.keep(gp, kept)
            groups[ks.string] = paths
        }
        return CDN(paths: groups)
    }
}
