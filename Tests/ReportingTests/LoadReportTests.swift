import Foundation
import Histogram
@testable import LoadGen
@testable import Reporting
import Testing

/// A load result as the engine builds one: histograms filled with known latencies (µs), the
/// summaries computed from them, the counts consistent.
func loadRun(target: String = "http://127.0.0.1:8089/checkout", rate: Double = 200, errors: [String: Int] = [:], late: Int = 0,
             achieved: Double? = nil, stall: Bool = true, routes: [RouteResult]? = nil) -> LoadResult {
    var latency = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    var service = latency
    for i in 0..<2000 {
        let s = UInt64(1200 + (i * 37) % 400)                              // 1.2–1.6 ms
        service.record(s)
        latency.record(stall && i >= 99 && i < 300 ? s + UInt64(1_000_000 - (i - 99) * 4_975) : s + UInt64(i % 50))
    }
    let failed = errors.values.reduce(0, +)
    var r = LoadResult(target: target, requestedRate: rate, duration: 10, connections: 1, seed: 1, scheduled: 2000, sent: 2000, completed: 2000 - failed,
                       connectionsOpened: 1, achievedRate: achieved ?? rate, elapsed: 10, lateSends: late, lateThreshold: 0.001, maxSendLag: 995.9,
                       latency: LatencySummary(latency), serviceTime: LatencySummary(service), statuses: ["200": 2000 - failed], errors: errors,
                       routes: routes ?? [RouteResult(route: "GET:/checkout", sent: 2000, completed: 2000 - failed, statuses: ["200": 2000 - failed])],
                       samples: nil)
    r.latencyHistogram = latency
    r.serviceTimeHistogram = service
    return r
}

@Suite struct LoadRendererTests {
    @Test("the table capsim load prints, pinned")
    func table() {
        let r = loadRun(late: 279)
        let text = LoadRenderer.table(r)
        #expect(text == """
            http://127.0.0.1:8089/checkout: 200.0/s for 10s over 1 connection (open loop, seed 1)
            scheduled 2000, sent 2000, completed 2000, achieved 200.0/s over 10.00s
            late sends (> 1ms after the intended time): 279 (13.9%), max lag 995.9ms

            latency                          p50     p90     p95      p99      p99.9    max     mean
            -------------------------------  ------  ------  -------  -------  -------  ------  ------
            from intended send               1.45ms  6.46ms  504.1ms  902.1ms  991.7ms  1.001s  51.9ms
            service time (from actual send)  1.40ms  1.56ms   1.58ms   1.59ms   1.60ms  1.60ms  1.40ms

            route          sent  completed  statuses
            -------------  ----  ---------  ---------
            GET:/checkout  2000       2000  200 ×2000

            errors: none

            """)
        #expect(r.latency.max > 990 && r.latency.p95 > 100, "the fixture's stall shows from the intended send")
        #expect(r.serviceTime.max < 2, "and hides from the service time")
    }

    @Test("the server's Server-Timing rows follow, in the table and the reports, when it sent them")
    func serverTiming() {
        var r = loadRun()
        let queue = LatencySummary(r.serviceTimeHistogram!)
        r.serverTime = ServerTimeSummary(queue: queue, app: r.serviceTime)
        let lines = LoadRenderer.table(r).split(separator: "\n").map(String.init)
        let ms = LoadFormat.ms
        #expect(lines[6].hasPrefix("service time (from actual send)"))
        #expect(lines[7] == "server: waiting for a worker     \(ms(queue.p50))  \(ms(queue.p90))   \(ms(queue.p95))   \(ms(queue.p99))   \(ms(queue.p999))  \(ms(queue.max))  \(ms(queue.mean))")
        #expect(lines[8].hasPrefix("server: holding a worker "))
        expectContains(HTMLReport.load(r, plan: nil, runID: nil), "<td>server: waiting for a worker</td>")
        expectContains(MarkdownReport.load(r, plan: nil, runID: nil), "| server: holding a worker |")
        let cmp = RunComparison.loads(r, r, labels: ("run 1", "run 2"))
        #expect(cmp.contains("server: waiting for a worker") && cmp.contains("server: holding a worker"))
        #expect(!LoadRenderer.table(loadRun()).contains("server:"))
    }

    @Test("JSON: sorted keys, unescaped slashes, no histograms, one trailing newline; decodes to the same result")
    func json() throws {
        let r = loadRun(errors: ["503": 3, "timeout": 1])
        let text = LoadRenderer.json(r)
        #expect(text.hasSuffix("}\n"))
        #expect(text.contains("\"target\" : \"http://127.0.0.1:8089/checkout\""))
        #expect(!text.contains("Histogram"))
        var back = try JSONDecoder().decode(LoadResult.self, from: Data(text.utf8))
        back.latencyHistogram = r.latencyHistogram
        back.serviceTimeHistogram = r.serviceTimeHistogram
        #expect(back == r)
        let keys = text.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { $0.split(separator: "\"")[1] }
        #expect(keys == keys.sorted())
    }

    @Test("percentile CSV: from the histograms when kept (to p99.99 and the max), else the summary's")
    func csv() {
        let r = loadRun()
        let lines = LoadRenderer.percentilesCSV(r).split(separator: "\n").map(String.init)
        #expect(lines.first == "percentile,from_intended_send_ms,service_time_ms")
        #expect(lines.dropFirst().map { String($0.split(separator: ",")[0]) } == ["50", "75", "90", "95", "99", "99.9", "99.99", "100"])
        #expect(lines[1] == "50,\(r.latency.p50),\(r.serviceTime.p50)", "the histogram's p50 is the summary's")
        #expect(lines[8] == "100,\(r.latency.max),\(r.serviceTime.max)")
        var bare = r
        bare.latencyHistogram = nil
        bare.serviceTimeHistogram = nil
        let summary = LoadRenderer.percentilesCSV(bare).split(separator: "\n").map(String.init)
        #expect(summary.dropFirst().map { String($0.split(separator: ",")[0]) } == ["50", "90", "95", "99", "99.9", "100"])
        #expect(summary[4] == "99,\(r.latency.p99),\(r.serviceTime.p99)")
    }

    @Test("verdict: kept up, or each shortfall named")
    func verdict() {
        #expect(LoadVerdict(loadRun()).ok)
        #expect(LoadVerdict(loadRun()).text.hasPrefix("✅ Kept up: 200.0/s of 200.0/s requested, no errors; p99 "))
        let bad = LoadVerdict(loadRun(errors: ["503": 20, "connection": 1], late: 300, achieved: 150))
        #expect(!bad.ok)
        #expect(bad.text.hasPrefix("⚠️ Fell short: 21 errors in 2,000 requests (1.05%); achieved 150.0/s of 200.0/s requested; 15% of sends late"))
        #expect(!LoadVerdict(loadRun(late: 21)).ok, "more than 1 % late")
        #expect(LoadVerdict(loadRun(late: 20)).ok, "1 % late is still keeping up")
    }

    @Test("compare: percentiles side by side with the change, counts, routes, and a note when the plans differ")
    func compare() {
        let a = loadRun(), b = loadRun(target: "http://127.0.0.1:8089/pay", stall: false)
        let text = RunComparison.loads(a, b, labels: ("run 4", "run 5"))
        let ms = LoadFormat.ms
        #expect(text.hasPrefix("A = run 4: http://127.0.0.1:8089/checkout, 200.0/s for 10s over 1 connection, seed 1\nB = run 5: http://127.0.0.1:8089/pay,"))
        #expect(text.contains("p99      \(ms(a.latency.p99)) → \(ms(b.latency.p99)) (\(RunComparison.pct(a.latency.p99, b.latency.p99)))"))
        #expect(RunComparison.pct(a.latency.p99, b.latency.p99).hasPrefix("-9"), "without the stall p99 falls by over 90 %")
        #expect(text.contains("requested rate  200.0/s → 200.0/s (+0.0%)"))
        #expect(text.contains("note: the runs differ in target"))
        #expect(!RunComparison.loads(a, a, labels: ("run 4", "run 4")).contains("note:"))
    }
}

@Suite struct HTMLLoadReportTests {
    func record(_ profile: RateProfile = .constant(perSecond: 200), scenario: ScenarioProfileSource? = nil) -> LoadPlanRecord {
        var plan = LoadPlan(target: URL(string: "http://127.0.0.1:8089/checkout")!, profile: profile, duration: 10, connections: 1)
        plan.scenarioSource = scenario
        return LoadPlanRecord(plan)
    }

    @Test("self-contained: well-formed SVG charts, no scripts or fetches; latency and responses charted")
    func selfContained() throws {
        let r = loadRun(errors: ["503": 5], routes: [RouteResult(route: "GET:/checkout", sent: 2000, completed: 1999, statuses: ["200": 1994, "503": 5])])
        let html = HTMLReport.load(r, plan: record(), runID: 7)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        let svgs = svgElements(html)
        #expect(svgs.count == 2, "latency percentiles and responses; no profile chart for a constant rate")
        for svg in svgs {
            let (error, check) = XMLCheck.parse(svg)
            #expect(error == nil, "\(error ?? "")")
            #expect(check.elements.first == "svg")
        }
        expectContains(html, ">Latency percentiles</text>", ">Responses per route</text>", ">p99.9</text>", ">max</text>",
                       "GET:/checkout 200", "GET:/checkout 503", "GET:/checkout no response", "run <b>#7</b>", "Fell short: 5 errors")
        let stripped = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
            .replacingOccurrences(of: "http://127.0.0.1:8089/checkout", with: "")
        expectLacks(stripped, "http://", "https://", "<script", "<link", "<img", "@import", "src=")
        #expect(html == HTMLReport.load(r, plan: record(), runID: 7), "deterministic")
    }

    @Test("a profile's requested rate is charted, and a replayed scenario is named")
    func profileChart() throws {
        let steps = (0..<10).map { RateStep(at: Double($0), perSecond: 100 + 20 * Double($0)) }
        let source = ScenarioProfileSource(scenario: "stan-store-et", file: "scenarios/stan-store-et.yaml", timeScale: 360, rateScale: 0.01, scenarioSeconds: 3600, stepSeconds: 60)
        let html = HTMLReport.load(loadRun(), plan: record(.steps(steps), scenario: source), runID: nil)
        #expect(svgElements(html).count == 3)
        expectContains(html, ">Requested rate over the run</text>", "following a profile of 10 steps",
                       "Replays the traffic of stan-store-et: 1h of scenario time at time scale 360, rate scale 0.01")
        // Without the stored plan (a run saved by hand), the report still renders.
        #expect(svgElements(HTMLReport.load(loadRun(), plan: nil, runID: 3)).count == 2)
    }

    @Test("hostile target and route names are escaped")
    func escapes() {
        let evil = "http://x/<script>alert('q&a')</script>"
        let r = loadRun(target: evil, routes: [RouteResult(route: "GET:/<svg onload=x>", sent: 2000, completed: 2000, statuses: ["200": 2000])])
        let html = HTMLReport.load(r, plan: nil, runID: nil)
        expectLacks(html, "<script", "<svg onload")
        expectContains(html, "&lt;script&gt;", "GET:/&lt;svg onload=x&gt;")
        let md = MarkdownReport.load(r, plan: nil, runID: nil)
        expectLacks(md, "<script", "<svg onload")
    }

    @Test("Markdown: a verdict line first, then the run, latency, routes and errors")
    func markdown() {
        let md = MarkdownReport.load(loadRun(), plan: record(), runID: 4)
        let lines = md.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0].hasPrefix("**✅ Kept up: 200.0/s of 200.0/s requested, no errors;"))
        #expect(lines[2] == "_run #4 · http://127.0.0.1:8089/checkout: 200.0/s for 10s over 1 connection (open loop, seed 1)_")
        expectContains(md, "### Latency", "| from intended send |", "### Routes", "| GET:/checkout | 2,000 | 2,000 | 200 ×2000 |", "### Errors", "None.")
    }
}
