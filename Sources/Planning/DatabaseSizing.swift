import CapsimModel
import Foundation

/// One database at one horizon, sized the way services are: the queries the planned peak sends
/// it, cores at its CPU alert threshold, read replicas for the read share, and connections.
public struct DatabasePlanRow: Hashable, Sendable, Codable {
    public let database: String
    public let months: Int
    /// Queries per second at the planned peak: each service that uses it, at its planned
    /// required rate × queries per request × the share its cache misses.
    public let queriesPerSecond: Double
    public let readShare: Double
    public let queryTimeSeconds: Double
    /// Utilisation the cores are sized to: the database's `cpu_utilization` alert (the seed's
    /// "Database (Primary) CPU > 80 %"), else 80 %.
    public let alertUtilization: Double
    public let alertFromTrigger: Bool
    /// Configured cores (per instance) and the cores the primary needs at the threshold for
    /// what it carries: every query, or only the writes when reads go to read replicas.
    public let cpus: Double
    public let primaryCoresRequired: Int
    public let readReplicas: Int
    /// Replicas of the configured size that carry the reads at the threshold; 0 when the
    /// scenario keeps reads on the primary.
    public let readReplicasRequired: Int
    public let maxConnections: Int
    /// Queries in flight (queued or served) not exceeded 99.9 % of the time on the busiest
    /// instance (M/M/c at the planned load and size): the connections it must accept. nil when
    /// the load fills every core (an alert at 100 %): the queue, and the connections, have no bound.
    public let connectionsRequired: Int?
    /// What the plan provisions: never below what is configured.
    public let plannedCores: Double
    public let plannedReadReplicas: Int
    /// Priced as the configured hourly price scaled by cores (a larger instance of the same
    /// family) for the primary, plus that price per replica; 0 without a price, nil in a
    /// currency the scenario cannot state (no exchange rate).
    public let monthlyCostEtb: Double?
    public let monthlyCostUsd: Double?
    /// What exceeds the configured size, in words; empty when the configuration holds.
    public let findings: [String]

    /// The monthly cost in `c`, when the plan can state it.
    public func monthlyCost(in c: Currency) -> Double? { c == .etb ? monthlyCostEtb : monthlyCostUsd }
}

enum DatabaseSizing {
    /// The quantile of queries in flight a database must have connections for.
    static let connectionQuantile = 0.999
    static let defaultAlert = 0.8

    /// Sizes every database at one horizon from that horizon's service rows.
    static func rows(_ s: Scenario, serviceRows: [PlanRow], months: Int, hoursPerMonth: Double) -> [DatabasePlanRow] {
        s.databaseNames.map { name in
            let db = s.databases[name]!
            let qps = s.serviceNames.reduce(0.0) { sum, svName in
                let sv = s.services[svName]!
                guard sv.database == name, let row = serviceRows.first(where: { $0.service == svName && $0.months == months }) else { return sum }
                return sum + row.requiredRps * sv.queriesPerRequest * (1 - (sv.cache?.hitRatio ?? 0))
            }
            return size(db, qps: qps, months: months, currency: s.currency, hoursPerMonth: hoursPerMonth)
        }
    }

    static func size(_ db: Database, qps: Double, months: Int, currency: CurrencySettings, hoursPerMonth: Double) -> DatabasePlanRow {
        let alertTrigger = db.triggers.first { $0.metric == .cpuUtilization && $0.comparison == .above }
        let alert = alertTrigger?.threshold ?? defaultAlert
        let qt = db.queryTime.mean
        // Cores as the simulator gives them: whole cores, at least one.
        let cores = max(1, Int(db.cpus.rounded(.down)))
        let reads = qps * db.readRatio, writes = qps - reads
        let split = db.readReplicas > 0
        let primaryQPS = split ? writes : qps
        let primaryCores = max(1, Int((primaryQPS * qt / alert - 1e-9).rounded(.up)))
        let replicasRequired = split ? max(1, Int((reads * qt / (Double(cores) * alert) - 1e-9).rounded(.up))) : 0
        let plannedCores = max(db.cpus, Double(primaryCores))
        let plannedReplicas = max(db.readReplicas, replicasRequired)
        // The busiest instance's connections: the primary at its planned size, or one replica.
        func inFlight(_ lambda: Double, servers: Int) -> Int? {
            guard lambda > 0, qt > 0 else { return 0 }
            return ErlangC(lambda: lambda, mu: 1 / qt, servers: servers).inSystemQuantile(connectionQuantile)
        }
        let primaryConnections = inFlight(primaryQPS, servers: max(cores, primaryCores))
        let replicaConnections = split ? inFlight(reads / Double(plannedReplicas), servers: cores) : 0
        let connections = primaryConnections.flatMap { p in replicaConnections.map { max(p, $0) } }

        let hourly = db.costPerHour.map(currency.reported) ?? 0
        let monthly = currency.split(hourly * (plannedCores / db.cpus + Double(plannedReplicas)) * hoursPerMonth)
        var findings: [String] = []
        let pct = Percent(fraction: alert)
        if primaryCores > cores {
            let what = split ? "its writes" : "every query"
            findings.append("\(db.name) needs \(primaryCores) cores at \(pct) CPU for \(what) at month \(months) (has \(trim(db.cpus))): scale it up"
                            + (!split && db.readRatio >= 0.5 ? ", or add read replicas for its \(Percent(fraction: db.readRatio)) reads" : ""))
        }
        if replicasRequired > db.readReplicas {
            findings.append("\(db.name) needs \(replicasRequired) read replicas at \(pct) CPU at month \(months) (has \(db.readReplicas))")
        }
        if let connections, connections > db.maxConnections {
            findings.append("\(db.name) needs \(connections) connections at month \(months) (99.9 % of the time; max_connections is \(db.maxConnections))")
        } else if connections == nil {
            findings.append("\(db.name) has no bound on its queries in flight at month \(months): at a \(pct) alert the planned load fills every core")
        }
        return DatabasePlanRow(database: db.name, months: months, queriesPerSecond: qps, readShare: db.readRatio, queryTimeSeconds: qt,
                               alertUtilization: alert, alertFromTrigger: alertTrigger != nil, cpus: db.cpus, primaryCoresRequired: primaryCores,
                               readReplicas: db.readReplicas, readReplicasRequired: replicasRequired, maxConnections: db.maxConnections,
                               connectionsRequired: connections, plannedCores: plannedCores, plannedReadReplicas: plannedReplicas,
                               monthlyCostEtb: monthly.etb, monthlyCostUsd: monthly.usd, findings: findings)
    }
}
