import Testing
@testable import CapsimModel

@Suite("Fault input")
struct FaultInputTests {
    func base(_ faults: String, zones: String = "platform: {zones: [zone-a, zone-b]}") -> String {
        """
        capsim: 1
        name: f
        \(zones)
        services:
          s: {capacity: {service_time: 10ms, concurrency: 1}, replicas: 2}
        dependencies:
          partner: {latency: 100ms}
        traffic: {entry: s, peak: 10/s, routes: {all: {share: 100%, path: [s]}}}
        simulation: {duration: 1h}
        \(faults)
        """
    }

    func errors(_ yaml: String, overrides: [String] = []) -> [String] {
        do { _ = try ScenarioLoader.parse(yaml, file: "f.yaml", overrides: overrides); return [] } catch { return error.diagnostics.map(\.description) }
    }

    @Test("the short form reads kind, target, amount, start and duration")
    func shortForm() throws {
        let s = try ScenarioLoader.parse(base("faults: [\"zone-loss:zone-a@30m+10m\", \"pod-crash:s=2@20m\", \"dependency-slowdown:partner=4s@5m+1m\", \"dependency-outage:partner@5m+1m\"]"), file: "f.yaml")
        #expect(s.faults.map(\.kind) == [.zoneLoss(zone: "zone-a"), .podCrash(service: "s", pattern: .pods(2)),
                                         .dependencySlowdown(dependency: "partner", extra: 4), .dependencyOutage(dependency: "partner", errorRate: 1)])
        #expect(s.faults[0].start == 1800 && s.faults[0].duration == 600)
        // A crash of N pods without a window lasts the service's start-up delay (default 30 s).
        #expect(s.faults[1].duration == 30)
        #expect(s.faults[0].name == "zone-loss:zone-a@30m+10m")
    }

    @Test("every bad fault is reported at once, located, naming what was expected")
    func badFaultsAreLocatedErrors() {
        let e = errors(base("""
        faults:
          - zone-loss:zone-x@30m+10m
          - {kind: pod-crash, service: payment, at: 2m}
          - {kind: dependency-slowdown, dependency: partner, at: 5m}
          - zone-loss:zone-a@2h+10m
          - bogus:thing@1m
          - {kind: dependency-outage, dependency: partner, at: 1m, duration: 1m, error_rate: 0%}
        """))
        #expect(e.count == 6, "\(e)")
        #expect(e.contains { $0.contains("f.yaml:11:5: error: faults[0].zone: \"zone-x\" is not a declared zone") }, "\(e)")
        #expect(e.contains { $0.contains("faults[1].service: \"payment\" is not a declared service") })
        #expect(e.contains { $0.contains("faults[2].latency: missing") })
        #expect(e.contains { $0.contains("faults[3].at: the fault starts 2h into a run that lasts 1h") })
        #expect(e.contains { $0.contains("unknown fault kind \"bogus\"") })
        #expect(e.contains { $0.contains("faults[5].error_rate: expected an error rate above 0%") })
    }

    @Test("a spot preemption reads its rate from the short form and its share, notice and price from the mapping")
    func spotPreemption() throws {
        let s = try ScenarioLoader.parse(base("""
        faults:
          - spot-preemption:s=1/h@0s+1h
          - {name: spot, kind: spot-preemption, service: s, share: 50%, rate: 30/min, notice: 30s, spot_price: ETB 0.5, at: 1m, duration: 10m, enabled: false}
        """, zones: ""), file: "f.yaml")
        #expect(s.faults[0].kind == .spotPreemption(service: "s", spot: Fault.Spot(share: 1, rate: 1.0 / 3600, notice: 120, price: nil)))
        #expect(s.faults[0].name == "spot-preemption:s=1/h@0s+1h" && s.faults[0].duration == 3600)
        #expect(s.faults[1].kind == .spotPreemption(service: "s", spot: Fault.Spot(share: 0.5, rate: 0.5, notice: 30, price: Money(0.5, .etb))))
        // The short form prints what it parses: the rate in the first unit that reads back exactly.
        for f in s.faults {
            let text = FaultShortForm.text(f.kind, start: f.start, duration: f.duration)
            guard case .success(let back) = FaultShortForm.parse(text), case .spotPreemption(_, let b) = back.kind,
                  case .spotPreemption(_, let a) = f.kind else { Issue.record("\(text) does not parse back"); continue }
            #expect(b.rate == a.rate && back.start == f.start && back.duration == f.duration, "\(text)")
        }
        #expect(FaultShortForm.text(s.faults[1].kind, start: 60, duration: 600) == "spot-preemption:s=1800/h@1m+10m")
    }

    @Test("every bad spot preemption is reported at once, located")
    func badSpotPreemptions() {
        let e = errors(base("""
        faults:
          - {kind: spot-preemption, service: payment, rate: 1/h, at: 0s, duration: 1h}
          - {kind: spot-preemption, service: s, share: 0%, rate: 0/h, at: 0s, duration: 1h}
          - {kind: spot-preemption, service: s, at: 0s, duration: 1h}
          - {kind: spot-preemption, service: s, rate: 1/h, spot_price: USD 0.004, at: 0s, duration: 1h, enabled: false}
          - {kind: pod-crash, service: s, share: 50%, at: 1m}
          - spot-preemption:s@0s+1h
        """, zones: "").replacingOccurrences(of: "s: {capacity", with: "s: {cost_per_instance_hour: ETB 0.5, capacity"))
        #expect(e.count == 7, "\(e)")
        #expect(e.contains { $0.contains("faults[0].service: \"payment\" is not a declared service") }, "\(e)")
        #expect(e.contains { $0.contains("faults[1].share: expected a share of pods on spot above 0%") }, "\(e)")
        #expect(e.contains { $0.contains("faults[1].rate: expected a positive rate") }, "\(e)")
        #expect(e.contains { $0.contains("faults[2].rate: missing") }, "\(e)")
        #expect(e.contains { $0.contains("faults[3].spot_price: a price in USD") && $0.contains("currency.etb_per_usd") }, "\(e)")
        #expect(e.contains { $0.contains("faults[4].share: share applies to spot-preemption faults only") }, "\(e)")
        #expect(e.contains { $0.contains("a spot preemption needs the preemptions per pod") }, "\(e)")
    }

    @Test("one spot preemption in force per service")
    func oneSpotFaultPerService() {
        let two = "faults: [\"spot-preemption:s=1/h@0s+1h\", {name: cheap, kind: spot-preemption, service: s, rate: 2/h, at: 0s, duration: 1h, enabled: false}]"
        #expect(errors(base(two, zones: "")).isEmpty)
        let e = errors(base(two, zones: ""), overrides: [FaultFlag.override("cheap")])
        #expect(e.count == 1 && e[0].contains("s already runs on spot under faults[0]"), "\(e)")
    }

    @Test("a zone loss needs zones, and a zone that holds a pod")
    func zoneLossNeedsZones() {
        #expect(errors(base("faults: [\"zone-loss:zone-a@1m+1m\"]", zones: "")).contains { $0.contains("a zone loss needs zones") })
        let three = base("faults: [\"zone-loss:zone-c@1m+1m\"]", zones: "platform: {zones: [zone-a, zone-b, zone-c]}")
        #expect(errors(three).contains { $0.contains("no service starts with a pod in zone-c") })
    }

    @Test("--fault errors name the flag")
    func flagErrorsNameTheFlag() {
        let e = errors(base(""), overrides: [FaultFlag.override("zone-loss:zone-q@1m+1m")])
        #expect(e.count == 1 && e[0].contains("(from --fault)") && e[0].contains("zone-q"), "\(e)")
    }

    @Test("during: may name a fault; names are unique")
    func faultNamesResolve() {
        #expect(errors(base("faults: [{name: az, kind: zone-loss, zone: zone-a, at: 1m, duration: 1m}]\nexpect: [{route: all, metric: error_rate, below: 1%, during: az}]")).isEmpty)
        let twice = errors(base("faults: [{name: az, kind: zone-loss, zone: zone-a, at: 1m, duration: 1m}, {name: az, kind: zone-loss, zone: zone-b, at: 1m, duration: 1m}]"))
        #expect(twice.contains { $0.contains("the fault name \"az\" is taken") })
    }
}

@Suite("Database failover input")
struct DatabaseFailoverInputTests {
    func base(_ faults: String) -> String {
        """
        capsim: 1
        name: f
        services:
          s: {capacity: {service_time: 10ms, concurrency: 1}, replicas: 2, database: db, queries_per_request: 1}
        databases:
          db: {owner: s, cpus: 4, query_time: 2ms, read_replicas: 2, replication_lag: 1s}
        traffic: {entry: s, peak: 10/s, routes: {all: {share: 100%, path: [s]}}}
        simulation: {duration: 1h}
        \(faults)
        """
    }

    @Test("a database failover reads from the short form and the mapping, and prints back as it was written")
    func readsBothForms() throws {
        let s = try ScenarioLoader.parse(base("""
        faults:
          - database-failover:db@10m+1m
          - {name: db-down, kind: database-failover, database: db, at: 30m, duration: 90s, enabled: false}
        """), file: "f.yaml")
        #expect(s.faults.map(\.kind) == [.databaseFailover(database: "db"), .databaseFailover(database: "db")])
        #expect(s.faults[0].start == 600 && s.faults[0].duration == 60 && s.faults[1].duration == 90 && !s.faults[1].enabled)
        #expect(FaultShortForm.text(s.faults[0].kind, start: 600, duration: 60) == "database-failover:db@10m+1m")
    }

    @Test("every bad database failover is reported at once, located")
    func badFailovers() {
        var e: [String] = []
        do { _ = try ScenarioLoader.parse(base("""
        faults:
          - database-failover:dbx@10m+1m
          - database-failover:db=2@10m+1m
          - database-failover:db@10m
          - {kind: database-failover, service: s, at: 1m, duration: 1m}
          - database-failover:db@20m+5m
          - database-failover:db@22m+1m
        """), file: "f.yaml") } catch { e = error.diagnostics.map(\.description) }
        #expect(e.contains { $0.contains("faults[0].database: \"dbx\" is not a declared database") }, "\(e)")
        #expect(e.contains { $0.contains("a database failover takes no amount") }, "\(e)")
        #expect(e.contains { $0.contains("a database-failover needs a duration") }, "\(e)")
        #expect(e.contains { $0.contains("faults[3].service: a database-failover fault names its database, not a service") }, "\(e)")
        #expect(e.contains { $0.contains("faults[5].at: db is already failing over under faults[4]") }, "\(e)")
        #expect(e.count == 6, "\(e)")
    }
}
