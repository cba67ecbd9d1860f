import CapsimModel
import Foundation
import Planning
@testable import Reporting
@testable import Simulation
import Testing

/// Runs shared by the tests: simulated once per process (each takes well under a second).
enum Runs {
    /// Payments at 200/s on 2–4 pods with an HPA and a queue trigger at 500: scales, meets its SLO.
    static let healthy: (Scenario, SimulationResult) = {
        let s = try! load(twoServices(peak: "200/s", replicas: "{min: 2, max: 4, initial: 2}"))
        return (s, try! simulate(s))
    }()

    /// Payments pinned to one pod at twice its capacity with a 50-request queue: breaches and drops.
    static let overloaded: (Scenario, SimulationResult) = {
        let s = try! load(twoServices(peak: "400/s", replicas: "1", slo: "{latency_p95: 100ms}", limit: ", limit: 50"))
        return (s, try! simulate(s))
    }()
}

@Suite struct HTMLSimulationReportTests {
    @Test func everySVGIsWellFormedXML() throws {
        for (s, r) in [Runs.healthy, Runs.overloaded] {
            let html = HTMLReport.simulation(r, scenario: s, runID: 42)
            let svgs = svgElements(html)
            // Four overview charts and six per service.
            #expect(svgs.count == 4 + 6 * r.services.count)
            for svg in svgs {
                let (error, check) = XMLCheck.parse(svg)
                #expect(error == nil, "\(error ?? "") in \(svg.prefix(200))")
                #expect(check.elements.first == "svg")
            }
            // Titles, axes and legends are there.
            for title in ["Instances", "Latency in the service (ms)", "Queue length", "CPU utilisation (% of request)",
                          "Arrival rate vs throughput (req/s)", "Cost, cumulative (ETB)"] {
                #expect(html.components(separatedBy: ">\(title)</text>").count - 1 == r.services.count, "\(title)")
            }
        }
    }

    @Test func noNetworkReferences() {
        let (s, r) = Runs.overloaded
        for html in [HTMLReport.simulation(r, scenario: s, runID: nil), HTMLReport.plan(Planner.plan(s), scenario: s, runID: nil)] {
            let stripped = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
            expectLacks(stripped, "http://")
            expectLacks(stripped, "https://")
            expectLacks(stripped, "<script")
            expectLacks(stripped, "<link")
            expectLacks(stripped, "<img")
            expectLacks(stripped, "@import")
            expectLacks(stripped, "src=")
            expectContains(html, "<style>")
            #expect(html.hasPrefix("<!DOCTYPE html>"))
        }
    }

    @Test func showsTheNumbersThatMatter() throws {
        let (s, r) = Runs.healthy
        let html = HTMLReport.simulation(r, scenario: s, runID: 7)
        // The SLO line and its value, the HPA's 70 % target line, the queue trigger's 500.
        expectContains(html, ">SLO p95 500 ms</text>", "SLO <b>p95 ≤ 500 ms</b>")
        expectContains(html, ">HPA target 70%</text>")
        expectContains(html, ">Payment Processing Queue &gt; 500</text>")
        // The trigger line is drawn at 500 on the queue chart only (one for payments).
        #expect(html.components(separatedBy: "Payment Processing Queue &gt; 500</text>").count - 1 == 1)
        // A service's p99 from the summary, as the tables print it.
        let payments = try #require(r.services.first { $0.service == "payments-service" })
        let p99 = ChartFormat.latency(payments.latency?.p99)
        expectContains(html, ">\(p99)</td>")
        expectContains(html, "p99 <b>\(p99)</b>")
        // Costs in birr; the run named; EAT clock times on the time axis.
        expectContains(html, ChartFormat.money(payments.costEtb, .etb))
        expectContains(html, "run <b>#7</b>")
        expectContains(html, ">18:00 EAT</text>")
        expectContains(html, ">18:04</text>")
        expectContains(html, "11 Sep 2026, 18:00 EAT")
        // Scaling decisions are marked with their policy and reason as a tooltip.
        let firstUp = try #require(r.scaling.first { $0.to > $0.from && $0.service == "payments-service" })
        expectContains(html, "<g class=\"mk\"><title>" + HTMLEscape.text("\(ChartClock(start: s.simulation.start).full(firstUp.time)) · payments-service · \(firstUp.policy): \(firstUp.from) → \(firstUp.to) replicas"))
        expectContains(html, HTMLEscape.text(firstUp.reason))
    }

    @Test func offsetsWhenTheScenarioHasNoStart() throws {
        let s = try load(twoServices(peak: "100/s", start: nil, duration: "6m"))
        let r = try simulate(s)
        let html = HTMLReport.simulation(r, scenario: s, runID: nil)
        expectLacks(html, " EAT")
        expectContains(html, ">+00:00</text>")
        expectContains(html, ">+05:00</text>")
        expectContains(html, "time since start")
    }

    @Test func overloadedRunShowsLossesAndBreaches() throws {
        let (s, r) = Runs.overloaded
        let payments = try #require(r.services.first { $0.service == "payments-service" })
        #expect(payments.dropped > 0)
        #expect(payments.sloBreaches > 0)
        let html = HTMLReport.simulation(r, scenario: s, runID: nil)
        expectContains(html, "<div class=\"verdict bad\"><svg class=\"icon\"", "payments-service breached its p95 SLO in \(payments.sloBreaches) windows")
        // The banner's icon is SVG, not an emoji that Chromium without an emoji font shows as a box.
        let banner = try #require(html.range(of: "<div class=\"verdict").map { String(html[$0.lowerBound...].prefix(600)) })
        #expect(!banner.contains("⚠") && !banner.contains("✅"))
        for icon in svgElements(html, icons: true) { #expect(XMLCheck.parse(icon).error == nil, "\(icon)") }
        #expect(!svgElements(html, icons: true).isEmpty)
        expectContains(html, ">dropped + timed out</text>")
        expectContains(html, "<td class=\"num bad\">\(ChartFormat.grouped(payments.dropped))</td>")
    }

    @Test func escapesHostileNames() throws {
        let service = "pay<b>&\"x'</b>"
        let label = "<script>alert(\"q&a\")</script> 'queue'"
        let description = "Tom & Jerry's <i>platform</i>"
        let s = try load(twoServices(payments: service, peak: "300/s", label: label, threshold: 20, description: description))
        let r = try simulate(s)
        let html = HTMLReport.simulation(r, scenario: s, runID: nil)
        expectLacks(html, "<script")
        expectLacks(html, "<b>&")
        expectLacks(html, "<i>platform")
        expectContains(html, "pay&lt;b&gt;&amp;&quot;x&#39;&lt;/b&gt;")
        expectContains(html, "&lt;script&gt;alert(&quot;q&amp;a&quot;)&lt;/script&gt; &#39;queue&#39;")
        expectContains(html, "Tom &amp; Jerry&#39;s &lt;i&gt;platform&lt;/i&gt;")
        // Every SVG still parses, and the parser gets the original text back.
        var text = ""
        for svg in svgElements(html) {
            let (error, check) = XMLCheck.parse(svg)
            #expect(error == nil, "\(error ?? "")")
            text += check.text
        }
        expectContains(text, service, label + " > 20")

        let md = MarkdownReport.simulation(r, scenario: s, runID: nil)
        expectLacks(md, "<b>")
        expectLacks(md, "<script")
        expectContains(md, "pay&lt;b&gt;&amp;\"x'&lt;/b&gt;")
        let plan = HTMLReport.plan(Planner.plan(s), scenario: s, runID: nil)
        expectLacks(plan, "<b>&")
        expectContains(plan, "pay&lt;b&gt;&amp;&quot;x&#39;&lt;/b&gt;")
        for svg in svgElements(plan) { #expect(XMLCheck.parse(svg).error == nil) }
    }

    @Test func deterministic() throws {
        let (s, r) = Runs.healthy
        let a = HTMLReport.simulation(r, scenario: s, runID: 3)
        #expect(a == HTMLReport.simulation(r, scenario: s, runID: 3))
        // A fresh run of the same scenario and seed gives the same page.
        let again = try simulate(s)
        #expect(HTMLReport.simulation(again, scenario: s, runID: 3) == a)
        #expect(MarkdownReport.simulation(again, scenario: s, runID: 3) == MarkdownReport.simulation(r, scenario: s, runID: 3))
        let p = Planner.plan(s)
        #expect(HTMLReport.plan(p, scenario: s, runID: nil) == HTMLReport.plan(Planner.plan(s), scenario: s, runID: nil))
        // No generation date sneaks in.
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withFullDate]
        expectLacks(a, f.string(from: Date()))
    }

    @Test func aDayLongRunStaysSmall() throws {
        // A synthetic day: the healthy run's samples repeated to 5,760 per service.
        let (s, r) = Runs.healthy
        let period = r.samplePeriod
        let perService = Int(86_400 / period)
        var timeline: [ServiceSample] = []
        let base = r.timeline
        let services = r.services.count
        timeline.reserveCapacity(perService * services)
        for k in 0..<perService {
            for j in 0..<services {
                let x = base[(k % (base.count / services)) * services + j]
                timeline.append(ServiceSample(time: Double(k + 1) * period, service: x.service, replicas: x.replicas, ready: x.ready, starting: x.starting,
                                              cpuUtilization: x.cpuUtilization + Double(k % 7) * 0.01, inFlight: x.inFlight, queueLength: x.queueLength + k % 13,
                                              arrivalRate: x.arrivalRate, throughput: x.throughput, latencyMean: x.latencyMean, latencyP50: x.latencyP50,
                                              latencyP95: x.latencyP95, latencyP99: x.latencyP99, dropped: x.dropped, timedOut: x.timedOut))
            }
        }
        let day = SimulationResult(scenario: r.scenario, seed: r.seed, duration: 86_400, warmup: r.warmup, samplePeriod: period, currencies: r.currencies, events: r.events,
                                   services: r.services, routes: r.routes, timeline: timeline, routeTimeline: [], scaling: r.scaling)
        let html = HTMLReport.simulation(day, scenario: s, runID: nil)
        #expect(html.utf8.count < 3_000_000, "\(html.utf8.count) bytes")
        for svg in svgElements(html) {
            #expect(XMLCheck.parse(svg).error == nil)
            // At most 1,000 points per series: a stepped band (two stepped edges) is the most
            // vertices one path can have, 4 × 1,000 (a vertex is "x y").
            for d in svg.components(separatedBy: " d=\"").dropFirst() {
                let vertices = d.prefix { $0 != "\"" }.split(separator: " ").count / 2
                #expect(vertices <= 4 * 1000 + 4)
            }
        }
        // Day-long axes step in hours and show clock times.
        expectContains(html, ">18:00 EAT</text>")
        let midnight = html.contains(">00:00</text>") || html.contains(">12 Sep</text>")
        #expect(midnight)
    }
}

/// A collapse is never hidden: the saturated-database teaching scenario's backlog leads the
/// HTML verdict and the Markdown report, above every table.
@Suite struct CollapseVerdictTests {
    @Test func backlogLeadsTheVerdicts() throws {
        let s = try loadFile("scenarios/teaching/saturated-database.yaml")
        let r = try simulate(s)
        let finding = try #require(r.findings.first { $0.subject == "shop-db" })
        let html = HTMLReport.simulation(r, scenario: s, runID: nil)
        let banner = try #require(html.range(of: "<div class=\"verdict bad\">").map { String(html[$0.lowerBound...]) })
        let end = try #require(banner.range(of: "</div>"))
        let verdict = String(banner[..<end.lowerBound])
        expectContains(verdict, "backlog grew at shop-db", "<li>\(HTMLEscape.text(finding.message))</li>", "<li>route browse:")
        let md = MarkdownReport.simulation(r, scenario: s, runID: nil)
        let lines = md.split(separator: "\n")
        #expect(lines.first?.hasPrefix("**⚠️ backlog grew at shop-db") == true)
        #expect(lines.dropFirst().first?.hasPrefix("- ⚠️ shop-db: backlog grew from") == true)
    }
}

@Suite struct MarkdownReportTests {
    @Test func verdictForACleanRun() {
        let (s, r) = Runs.healthy
        #expect(r.services.allSatisfy { $0.sloBreaches == 0 && $0.dropped == 0 && $0.timedOut == 0 })
        let md = MarkdownReport.simulation(r, scenario: s, runID: nil)
        #expect(md.hasPrefix("**✅ All SLOs met; no drops**\n"))
    }

    @Test func verdictForABreachingRun() throws {
        let (s, r) = Runs.overloaded
        let payments = try #require(r.services.first { $0.service == "payments-service" })
        let md = MarkdownReport.simulation(r, scenario: s, runID: 12)
        let first = try #require(md.split(separator: "\n").first)
        #expect(first.hasPrefix("**⚠️ route pay completed little of its traffic; payments-service breached its p95 SLO in \(payments.sloBreaches) windows; \(ChartFormat.grouped(payments.dropped)) requests dropped"))
        expectContains(md, "run #12")
        // The tables a PR comment needs.
        expectContains(md, "### Services")
        expectContains(md, "| service | arrivals | completed | dropped | timed out | p50 | p95 | p99 | SLO | SLO breaches |")
        expectContains(md, "| payments-service | ")
        expectContains(md, "⚠️ \(payments.sloBreaches)")
        expectContains(md, "### End to end per route")
        expectContains(md, "### Scaling decisions")
        expectContains(md, "### Alerts")
    }

    @Test func decisionsAreCapped() throws {
        let s = try load(twoServices(peak: "300/s", duration: "30m"))
        let r = try simulate(s)
        let decisions = r.scaling.filter { $0.alert == nil }.count
        let md = MarkdownReport.simulation(r, scenario: s, runID: nil)
        let section = try #require(md.components(separatedBy: "### Scaling decisions").last?.components(separatedBy: "### Alerts").first)
        let rows = section.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| time") }
        #expect(rows.count == min(decisions, MarkdownReport.maxDecisions))
        if decisions > MarkdownReport.maxDecisions { expectContains(section, "more in events.csv") }
    }

    @Test func planDelegatesToPlanRenderer() {
        let (s, _) = Runs.healthy
        let p = Planner.plan(s)
        #expect(MarkdownReport.plan(p, scenario: s, runID: nil) == PlanRenderer.markdown(p))
        let withRun = MarkdownReport.plan(p, scenario: s, runID: 9)
        #expect(withRun.hasPrefix(PlanRenderer.markdown(p).split(separator: "\n")[0] + "\n\n_Run #9_\n"))
    }
}

@Suite struct HTMLPlanReportTests {
    @Test func planReportShowsFormulaUncertaintyAndQueueing() throws {
        let s = try loadFile("scenarios/stan-store-et.yaml")
        let p = Planner.plan(s, draws: 500)
        let html = HTMLReport.plan(p, scenario: s, runID: 5)
        let svgs = svgElements(html)
        // Per horizon: instances vs max, cost, and one waterfall per service.
        let services = Set(p.rows.map(\.service)).count
        #expect(svgs.count == p.totals.count * (2 + services))
        for svg in svgs { #expect(XMLCheck.parse(svg).error == nil) }
        // The verdict is PlanRenderer's, its emoji drawn as an SVG icon.
        let verdict = PlanRenderer.markdown(p).split(separator: "\n")[0].replacingOccurrences(of: "**", with: "")
            .replacingOccurrences(of: "⚠️ ", with: "").replacingOccurrences(of: "✅ ", with: "")
        expectContains(html, "</svg>" + HTMLEscape.text(verdict))
        // Every factor of the formula, the HPA max and the Erlang C explanations.
        let row = try #require(p.rows.first { $0.service == "payments-service" && $0.months == 12 })
        for step in row.steps { expectContains(html, ">\(HTMLEscape.text(step.factor))</text>") }
        expectContains(html, ">required</text>")
        expectContains(html, ">HPA max</text>")
        expectContains(html, "\(row.instancesRequired) (max \(row.maxReplicas))")
        expectContains(html, HTMLEscape.text(try #require(row.queueing?.explanation)))
        // p10 / p50 / p90.
        let u = try #require(row.uncertainty)
        expectContains(html, "instances p10")
        expectContains(html, ">\(ChartFormat.grouped(Int(u.instancesRequired.p90.rounded())))</td>")
        // Costs.
        expectContains(html, ChartFormat.money(row.monthlyCostEtb, .etb))
        expectContains(html, "run <b>#5</b>")
    }
}

@Suite struct ChartTests {
    @Test func niceTicks() {
        #expect(ChartTicks.nice(max: 7.3) == (8, 2))
        #expect(ChartTicks.nice(max: 1040) == (1250, 250))
        #expect(ChartTicks.nice(max: 880) == (1000, 200))
        #expect(ChartTicks.nice(max: 12, integer: true) == (15, 5))
        #expect(ChartTicks.nice(max: 3, integer: true) == (3, 1))
        #expect(ChartTicks.nice(max: 0) == (1, 0.2))
        #expect(ChartTicks.label(2500, step: 2500) == "2.5k")
        #expect(ChartTicks.label(0.25, step: 0.25) == "0.25")
        #expect(ChartTicks.label(1200, step: 200) == "1,200")
    }

    @Test func clockTicksFallOnRoundEATTimes() {
        let c = ChartClock(start: "2026-09-11T15:07:30Z")   // 18:07:30 EAT
        #expect(c.full(0) == "18:07:30 EAT")
        let (ticks, step) = c.ticks(duration: 3600, maxTicks: 7)
        #expect(step == 600)
        #expect(ticks.first == 150)                          // 18:10
        #expect(c.tick(150, step: step) == "18:10")
        #expect(c.full(6 * 3600 + 150) == "00:10:00 EAT (+1 day)")
        #expect(c.startText == "11 Sep 2026, 18:07:30 EAT")
        let offsets = ChartClock(start: nil)
        #expect(offsets.full(75) == "+01:15")
        #expect(offsets.full(3725) == "+1:02:05")
    }

    @Test func downsamplingKeepsExtremes() {
        var pts: [ChartPoint] = []
        for i in 0..<10_000 { pts.append(ChartPoint(x: Double(i), y: i == 4321 ? 999 : (i == 8765 ? -5 : Double(i % 10)))) }
        let d = ChartDownsample.minMax(pts, maxPoints: 1000)
        #expect(d.count <= 1000)
        #expect(d.contains { $0.y == 999 && $0.x == 4321 })
        #expect(d.contains { $0.y == -5 && $0.x == 8765 })
        #expect(d.last == pts.last)
        #expect(zip(d, d.dropFirst()).allSatisfy { $0.x < $1.x })
        // Short series pass through untouched.
        #expect(ChartDownsample.minMax(Array(pts.prefix(500)), maxPoints: 1000) == Array(pts.prefix(500)))
    }

    @Test func humanNumbers() {
        #expect(ChartFormat.grouped(4_215_178) == "4,215,178")
        #expect(ChartFormat.grouped(-1234) == "-1,234")
        #expect(ChartFormat.latency(0.0224) == "22.4 ms")
        #expect(ChartFormat.latency(1.88) == "1.88 s")
        #expect(ChartFormat.latency(nil) == "—")
        #expect(ChartFormat.money(975_806.4, .etb) == "ETB 975,806")
        #expect(ChartFormat.money(13.456, .usd) == "USD 13.46")
        #expect(ChartFormat.money(nil, .etb) == "—")
        #expect(ChartFormat.percent(0.7) == "70%")
        #expect(ChartFormat.rps(24_552.4) == "24,552 req/s")
        #expect(HTMLEscape.text("<a href=\"x\">Tom & 'J'</a>") == "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;J&#39;&lt;/a&gt;")
    }

    @Test func chartHasAxesLegendAndReferenceLabels() {
        var c = SVGChart(id: "t", title: "Queue <length>", yTitle: "requests", clock: ChartClock(start: nil), xMax: 600)
        c.series = [.init(name: "queue & more", color: "#000", style: .area, points: (1...40).map { ChartPoint(x: Double($0) * 15, y: Double($0 % 9)) })]
        c.references = [.init(value: 500, label: "trigger > 500", color: "#f00")]
        c.markers = [.init(x: 300, y: 4, shape: .up, color: "#00f", title: "hpa: 2 → 3 \"why\"")]
        let svg = c.render()
        let (error, check) = XMLCheck.parse(svg)
        #expect(error == nil)
        #expect(check.text.contains("Queue <length>"))
        #expect(check.text.contains("queue & more"))
        #expect(check.text.contains("trigger > 500"))
        #expect(check.text.contains("hpa: 2 → 3 \"why\""))
        #expect(check.text.contains("time since start"))
        #expect(check.text.contains("requests"))
        #expect(check.elements.contains("clipPath"))
    }
}

@Suite struct AlertReportTests {
    @Test func alertsAreListedMarkedAndCounted() throws {
        let yaml = twoServices(peak: "400/s", replicas: "1", limit: ", limit: 5000").replacingOccurrences(of: "add: 2}", with: "alert: \"Page the <on-call>\", cooldown: 2m}")
        let s = try load(yaml)
        let r = try simulate(s)
        let alerts = r.scaling.filter { $0.alert != nil }
        try #require(!alerts.isEmpty)
        let md = MarkdownReport.simulation(r, scenario: s, runID: nil)
        let first = try #require(md.split(separator: "\n").first)
        #expect(first.contains("\(alerts.count) alert\(alerts.count == 1 ? "" : "s") raised"))
        expectContains(md, "### Alerts (\(alerts.count))", "Page the &lt;on-call&gt;")
        let html = HTMLReport.simulation(r, scenario: s, runID: nil)
        expectContains(html, ">alert</text>", "alert: Page the &lt;on-call&gt;", "<div class=\"verdict bad\">")
        for svg in svgElements(html) { #expect(XMLCheck.parse(svg).error == nil) }
    }
}

@Suite struct EdgeCaseTests {
    /// A result loaded without its timeline (or a run too short to sample) still renders.
    @Test func emptyTimelineRendersPlaceholders() throws {
        let (s, r) = Runs.healthy
        let bare = SimulationResult(scenario: r.scenario, seed: r.seed, duration: r.duration, warmup: r.warmup, samplePeriod: r.samplePeriod, currencies: r.currencies, events: r.events,
                                    services: r.services, routes: r.routes, timeline: [], routeTimeline: [], scaling: [])
        let html = HTMLReport.simulation(bare, scenario: s, runID: nil)
        let svgs = svgElements(html)
        #expect(svgs.count == 4 + 6 * r.services.count)
        for svg in svgs { #expect(XMLCheck.parse(svg).error == nil) }
        expectContains(html, ">no data</text>", "No scaling decisions or alerts in this run.")
    }

    @Test func verdictWithoutSLOs() throws {
        let s = try load(twoServices(peak: "50/s").replacingOccurrences(of: "slo: {latency_p95: 500ms}", with: "queries_per_request: 0"))
        #expect(s.services.values.allSatisfy { $0.slo == nil })
        let r = try simulate(s)
        #expect(MarkdownReport.simulation(r, scenario: s, runID: nil).hasPrefix("**✅ No drops or time-outs (no SLOs declared)**"))
    }
}
