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
