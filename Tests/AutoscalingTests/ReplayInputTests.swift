import Foundation
import Testing
@testable import Autoscaling
@testable import CapsimModel

/// Reading recorded metrics for `capsim replay`: JSON Lines and CSV, and every problem at once.
@Suite("Replay: reading recorded metrics")
struct ReplayInputTests {
    /// Seconds as capsim's duration parser reads "820ms" (0.8200000000000001, not 0.82).
    func ms(_ n: Int) -> Double { Duration(parsing: "\(n)ms")!.seconds }

    // MARK: JSON Lines

    @Test func aJSONLinesObservationReadsPodsMetricsAndRoutesInCapsimsUnits() throws {
        let input = try ReplayInput.parse("""
        {"t": "2026-09-11T10:00:00Z", "service": "marketplace-service", "replicas": 3, "pods": [{"name": "p0", "ready": true, "age": "10m", "cpu_request": "250m", "cpu_usage": "310m"}, {"name": "p1", "ready": false, "age": "20s", "ready_for": null, "cpu_request": 0.25}], "metrics": {"latency_p99": "820ms", "queue_length": 40, "in_flight": "1.2k", "cpu_utilization": "74%", "throughput": "1.5k/s", "error_rate": "0.5%"}, "routes": {"search": {"latency_p95": "1.2s"}}}
        """, file: "metrics.jsonl")
        #expect(input.format == .jsonLines)
        let o = try #require(input.observations.first)
        #expect(o.line == 1)
        #expect(o.time == ReplayTime(text: "2026-09-11T10:00:00Z", form: .iso8601, seconds: 0))
        #expect(o.observation.service == "marketplace-service" && o.observation.replicas == 3)
        #expect(o.observation.pods == [
            PodSample(name: "p0", ready: true, age: 600, readyFor: nil, cpuRequest: 250, cpuUsage: 310),
            PodSample(name: "p1", ready: false, age: 20, readyFor: nil, cpuRequest: 250, cpuUsage: nil),
        ])
        #expect(o.observation.metrics == [.latencyP99: ms(820), .queueLength: 40, .inFlight: 1200, .cpuUtilization: 0.74, .throughput: 1500, .errorRate: 0.005])
        #expect(o.routeMetrics == ["search": [.latencyP95: ms(1200)]])
    }

    @Test func iso8601TimesCountFromTheEarliestObservationAndAMissingOffsetIsEAT() throws {
        // 18:00 EAT (no offset) is 15:00Z; the lines need not start with the earliest.
        let input = try ReplayInput.parse("""
        {"t": "2026-01-06T15:00:15Z", "service": "a", "replicas": 1}
        {"t": "2026-01-06T18:00:00", "service": "b", "replicas": 1}
        {"t": "2026-01-06T15:00:30.250Z", "service": "b", "replicas": 1}
        """, file: "m.jsonl")
        #expect(input.observations.map(\.time.seconds) == [15, 0, 30.25])
        #expect(input.observations.map(\.time.text) == ["2026-01-06T15:00:15Z", "2026-01-06T18:00:00", "2026-01-06T15:00:30.250Z"])
    }

    @Test func numericTimesAreSecondsUsedAsWritten() throws {
        let input = try ReplayInput.parse("{\"t\": 600, \"service\": \"a\", \"replicas\": 1}\n{\"t\": 615.5, \"service\": \"a\", \"replicas\": 2}", file: "m.jsonl")
        #expect(input.observations.map(\.observation.time) == [600, 615.5])
        #expect(input.observations.allSatisfy { $0.time.form == .seconds })
    }

    @Test func blankLinesAndHashCommentsAreSkippedAndLineNumbersStayTrue() throws {
        let input = try ReplayInput.parse("# recorded 2026-01-06\n\n{\"t\": 0, \"service\": \"a\", \"replicas\": 1}\n", file: "m.jsonl")
        #expect(input.observations.map(\.line) == [3])
    }

    @Test func badJSONLinesListEveryProblemWithItsLine() {
        let text = """
        {"t": "2026-09-11T10:00:00Z", "service": "marketplace-service", "replicas": 3, "pods": [{"name": "p0", "ready": true, "age": "10m", "cpu_request": "250m", "cpu_usage": "310m"}, {"name": "p1", "ready": true, "age": "10m", "cpu_request": "250m", "cpu_usage": "lots"}]}
        {"t": "2026-09-11T10:00:15Z", "service": "marketplace-service", "replica": 3, "metrics": {"cpu_utilisation": "90%", "latency_p99": 820, "queue_length": "forty", "cpu_utilization": 0.9}}
        {"t": "2026-09-11T10:00:30Z", "service": "marketplace-service", "replicas": 3, "metrics": {"queue_length": 4}
        {"t": "2026-09-11T09:59:45Z", "service": "marketplace-service", "replicas": 3}
        {"t": 600, "service": "marketplace-service", "replicas": 3.5, "routes": {"search": {"queue_length": 3}}, "pods": [{"name": "p0", "ready": "yes", "age": 600, "cpu_request": "250m"}, {"name": "p0", "ready": true, "age": "1m"}]}
        [1, 2]
        {"t": "yesterday", "service": "", "replicas": -1, "pods": {"name": "p0"}, "colour": "blue"}
        {"t": "2026-09-11T10:00:15Z", "service": "marketplace-service", "replicas": 4}
        """
        #expect(problems(text) == [
            "metrics.jsonl:1: error: pods[1].cpu_usage: expected a CPU quantity like \"250m\", got \"lots\"",
            "metrics.jsonl:2: error: unknown key \"replica\"; did you mean \"replicas\"?",
            "metrics.jsonl:2: error: metrics: unknown metric \"cpu_utilisation\"; did you mean \"cpu_utilization\"?",
            "metrics.jsonl:2: error: metrics.latency_p99: expected a duration like \"820ms\", got 820",
            "metrics.jsonl:2: error: metrics.queue_length: expected a number like 40 or \"5.2k\", got \"forty\"",
            "metrics.jsonl:2: error: metrics.cpu_utilization: expected a percentage like \"70%\", got 0.9",
            "metrics.jsonl:2: error: missing \"replicas\": the current replica count (spec.replicas)",
            "metrics.jsonl:3: error: invalid JSON at column 110: this object is never closed: expected \",\" or \"}\"",
            "metrics.jsonl:4: error: t: 2026-09-11T09:59:45Z is earlier than 2026-09-11T10:00:15Z on line 2: the observations of marketplace-service must be in time order",
            "metrics.jsonl:5: error: t: expected an ISO 8601 time like the first observation's (line 1), got 600; one file uses one form",
            "metrics.jsonl:5: error: replicas: expected a whole number of replicas like 3, got 3.5",
            "metrics.jsonl:5: error: routes.search.queue_length: only latency (latency_mean, latency_p50, latency_p90, latency_p95, latency_p99) is scoped to a route",
            "metrics.jsonl:5: error: pods[0].ready: expected true or false, got \"yes\"",
            "metrics.jsonl:5: error: pods[0].age: expected a duration like \"10m\", got 600",
            "metrics.jsonl:5: error: pods[1].name: a second pod named \"p0\" (pods[0] has the first)",
            "metrics.jsonl:6: error: expected one observation as a JSON object like {\"t\": …, \"service\": …, \"replicas\": …}, got a list",
            "metrics.jsonl:7: error: t: expected an ISO 8601 time like \"2026-09-11T10:00:00Z\" or a number of seconds, got \"yesterday\"",
            "metrics.jsonl:7: error: service: expected the service's name as in the scenario, got \"\"",
            "metrics.jsonl:7: error: replicas: expected a whole number of replicas like 3, got -1",
            "metrics.jsonl:7: error: pods: expected a list of pods, got an object",
            "metrics.jsonl:7: error: unknown key \"colour\" (expected t, service, replicas, pods, metrics, routes)",
            "metrics.jsonl:8: error: t: a second observation of marketplace-service at 2026-09-11T10:00:15Z (line 2 has the first)",
        ])
    }

    @Test func theBriefsExampleMessageIsWordForWord() {
        let text = (1...13).map { "{\"t\": \($0), \"service\": \"web\", \"replicas\": 1}" }.joined(separator: "\n")
            + "\n{\"t\": 14, \"service\": \"web\", \"replicas\": 2, \"pods\": [{\"name\": \"p0\", \"ready\": true, \"age\": \"1h\", \"cpu_request\": \"250m\"}, {\"name\": \"p1\", \"ready\": true, \"age\": \"1h\", \"cpu_request\": \"250m\", \"cpu_usage\": \"lots\"}]}"
        #expect(problems(text) == ["metrics.jsonl:14: error: pods[1].cpu_usage: expected a CPU quantity like \"250m\", got \"lots\""])
    }

    @Test func problemsStopAt50WithANoteThatThereWereMore() throws {
        let text = (1...80).map { "{\"t\": \($0), \"service\": \"web\", \"replicas\": \"many\"}" }.joined(separator: "\n")
        do {
            _ = try ReplayInput.parse(text, file: "big.jsonl")
            Issue.record("expected an error")
        } catch {
            #expect(error.problems.count == ReplayInputError.maxProblems)
            #expect(error.truncated)
            #expect(error.problems.last?.line == 50)
            #expect(error.description.hasSuffix("big.jsonl:50: error: replicas: expected a whole number of replicas like 3, got \"many\"\nbig.jsonl: error: too many problems; stopped after the first 50"))
        }
    }

    @Test func anEmptyFileIsAnError() {
        #expect(problems("\n# nothing yet\n") == ["metrics.jsonl: error: no observations: expected one JSON object per line, like {\"t\": \"2026-09-11T10:00:00Z\", \"service\": \"web\", \"replicas\": 3, \"metrics\": {\"cpu_utilization\": \"74%\"}}"])
    }

    // MARK: CSV

    @Test func csvRowsSharingTimeAndServiceFormOneObservation() throws {
        let input = try ReplayInput.parse("""
        t,service,metric,value,pod
        0,web,replicas,2
        0,api,replicas,5
        0,web,latency_p99,820ms
        0,web,cpu_request,250m,p0
        0,web,ready,true,p0
        0,api,queue_length,12
        0,web,age,10m,p0
        0,web,cpu_usage,"310m",p0
        0,web,routes.login.latency_p95,620ms
        0,web,queue_length,
        15,web,replicas,2
        """, file: "m.csv")
        #expect(input.format == .csv)
        #expect(input.observations.map { "\($0.service)@\(trim($0.observation.time)):\($0.line)" } == ["web@0:2", "api@0:3", "web@15:12"])
        let web = input.observations[0]
        #expect(web.observation.replicas == 2)
        #expect(web.observation.metrics == [.latencyP99: ms(820)])     // an empty value is a missing metric
        #expect(web.observation.pods == [PodSample(name: "p0", ready: true, age: 600, readyFor: nil, cpuRequest: 250, cpuUsage: 310)])
        #expect(web.routeMetrics == ["login": [.latencyP95: ms(620)]])
        #expect(input.observations[1].observation.metrics == [.queueLength: 12])
    }

    @Test func csvWithoutAPodColumnIsAccepted() throws {
        let input = try ReplayInput.parse("t,service,metric,value\n0,web,replicas,2\n0,web,cpu_utilization,74%\n", file: "m.csv")
        #expect(input.observations.first?.observation.metrics == [.cpuUtilization: 0.74])
    }

    @Test func badCSVListsEveryProblemWithItsLine() {
        let text = """
        t,service,metric,value,pod
        0,auth-service,replicas,3
        0,auth-service,cpu_utilization,0.7
        0,auth-service,cpu_usage,lots,p0
        0,auth-service,cpu,250m,p1
        15,auth-service,latency_p95,2
        15,auth-service,routes.login.queue_length,3
        15,auth-service,replicas,3
        15,auth-service,replicas,4
        5,auth-service,replicas,3
        30,auth-service,latency_p95,1s
        45,auth-service,"unterminated
        60,auth-service,replicas
        60,auth-service,cpu_usage,100m
        60,auth-service,latency_p100,1s
        """
        #expect(problems(text, file: "metrics.csv") == [
            "metrics.csv:3: error: cpu_utilization: expected a percentage like \"70%\", got \"0.7\"",
            "metrics.csv:4: error: pods[p0].cpu_usage: expected a CPU quantity like \"250m\", got \"lots\"",
            "metrics.csv:4: error: pods[p0]: no ready or age row for pod p0 at 0: a pod needs ready and age",
            "metrics.csv:5: error: pods[p1]: unknown pod field \"cpu\" (a pod row gives one of ready, age, ready_for, ready_since, phase, deleting, cpu_request, cpu_usage, memory_request, memory_usage, sample_age, sample_window, or the pod's own sample of a service metric)",
            "metrics.csv:6: error: latency_p95: expected a duration like \"820ms\", got \"2\"",
            "metrics.csv:7: error: routes.login.queue_length: only latency (latency_mean, latency_p50, latency_p90, latency_p95, latency_p99) is scoped to a route",
            "metrics.csv:9: error: replicas: a second replicas row for auth-service at 15 (line 8 has the first)",
            "metrics.csv:10: error: t: 5 is earlier than 15 on line 6: the observations of auth-service must be in time order",
            "metrics.csv:11: error: no replicas row for auth-service at 30: every observation needs the current replica count",
            "metrics.csv:12: error: a quoted field is never closed (a value cannot span lines)",
            "metrics.csv:13: error: expected 5 fields (t,service,metric,value,pod), got 3",
            "metrics.csv:14: error: cpu_usage: cpu_usage is a pod's field: give the pod's name in the pod column",
            "metrics.csv:14: error: no replicas row for auth-service at 60: every observation needs the current replica count",
            "metrics.csv:15: error: metric: unknown metric \"latency_p100\"; did you mean \"latency_p50\"?",
        ])
    }

    @Test func aCSVWithoutItsHeaderStopsAtTheFirstLine() {
        #expect(problems("0,web,replicas,2\n", file: "m.csv") == [
            "m.csv:1: error: expected the header t,service,metric,value or t,service,metric,value,pod, got \"0,web,replicas,2\"",
        ])
    }

    // MARK: format detection

    @Test func theFormatComesFromTheExtensionElseFromTheFirstLine() {
        #expect(ReplayInput.detectFormat(path: "m.csv", text: "{") == .csv)
        #expect(ReplayInput.detectFormat(path: "m.jsonl", text: "t,service") == .jsonLines)
        #expect(ReplayInput.detectFormat(path: "m.ndjson", text: "") == .jsonLines)
        #expect(ReplayInput.detectFormat(path: "recording", text: "# comment\n\n{\"t\": 0}") == .jsonLines)
        #expect(ReplayInput.detectFormat(path: "recording", text: "t,service,metric,value\n") == .csv)
    }

    // MARK: the JSON reader

    @Test func theJSONReaderKeepsKeyOrderAndRejectsDuplicatesAndTrailingText() throws {
        let v = try JSONLineParser.parse("{\"b\": 1, \"a\": [true, null, \"x\\u00e9\\n\"], \"c\": -0.5e2}")
        guard case .object(let members) = v else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["b", "a", "c"])
        if case .array(let items) = members[1].value, case .string(let s) = items[2] { #expect(s == "xé\n") } else { Issue.record("bad list") }
        if case .number(let n) = members[2].value { #expect(n == "-0.5e2") } else { Issue.record("bad number") }

        #expect(problems("{\"t\": 0, \"t\": 1}") == ["metrics.jsonl:1: error: invalid JSON at column 10: duplicate key \"t\""])
        #expect(problems("{\"t\": 0} {}") == ["metrics.jsonl:1: error: invalid JSON at column 10: unexpected text after the JSON value (one observation per line)"])
        #expect(problems("{t: 0}") == ["metrics.jsonl:1: error: invalid JSON at column 2: expected a key in double quotes"])
        #expect(problems("{\"t\": 01}") == ["metrics.jsonl:1: error: invalid JSON at column 7: a number cannot start with 0"])
    }
}

extension ReplayInputTests {
    @Test func crlfLineEndingsAndAByteOrderMarkAreAccepted() throws {
        // A spreadsheet's CSV export: a byte-order mark and \r\n (one Character in Swift).
        let input = try ReplayInput.parse("\u{FEFF}t,service,metric,value\r\n0,web,replicas,3\r\n0,web,queue_length,900\r\n15,web,replicas,3\r\n", file: "export.csv")
        #expect(input.observations.map(\.line) == [2, 4])
        #expect(input.observations.first?.observation.metrics == [.queueLength: 900])
        #expect(problems("{\"t\": 0, \"service\": \"web\", \"replicas\": 1}\r\n{\"t\": 0, \"service\": \"web\", \"replicas\": 1}\r\n")
            == ["metrics.jsonl:2: error: t: a second observation of web at 0 (line 1 has the first)"])
    }
}
