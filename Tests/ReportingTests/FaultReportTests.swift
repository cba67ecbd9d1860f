import CapsimModel
import Foundation
@testable import Reporting
@testable import Simulation
import Testing

extension Runs {
    /// The small platform with payments' only pod killed 4 minutes in (a window of 2 minutes):
    /// requests are lost with it until the Deployment's replacement is ready.
    static let crashed: (Scenario, SimulationResult) = {
        let s = try! load(twoServices() + "\nfaults: ['\(FaultReportTests.fault)']\n")
        return (s, try! simulate(s))
    }()
}

/// A run with faults shows each fault's window on every chart and a Faults section near the
/// top of both reports; a run without faults shows neither.
@Suite struct FaultReportTests {
    static let fault = "pod-crash:payments-service=1@4m+2m"
    /// The window as both reports write it: simulated time, then EAT (the run starts 18:00 EAT).
    static let window = "04:00–06:00 (18:04:00–18:06:00 EAT)"

    @Test func everyChartShadesTheFaultWindowWithItsName() throws {
        let (s, r) = Runs.crashed
        let html = HTMLReport.simulation(r, scenario: s, runID: nil)
        let charts = svgElements(html)
        #expect(charts.count == 4 + 6 * r.services.count)
        for svg in charts {
            #expect(XMLCheck.parse(svg).error == nil)
            expectContains(svg, "<g class=\"band marked\"><title>fault \(Self.fault), \(Self.window): pod-crash of payments-service;",
                           "fill=\"\(ChartPalette.fault)\"", ">\(Self.fault)</text>")
        }
        // Its colour is its own: the surge keeps its amber band.
        #expect(ChartPalette.fault != ChartPalette.surge && ChartPalette.fault != ChartPalette.warmup)
        expectContains(html, "fill=\"\(ChartPalette.surge)\"")
    }

    @Test func faultsSectionFollowsTheVerdictWithTheFaultAndEachRouteInItsWindow() throws {
        let (s, r) = Runs.crashed
        let fault = try #require(r.faults?.first)
        #expect(fault.podsLost == 1)
        let pay = try #require(r.windows?.first { $0.window == Self.fault }?.routes.first { $0.name == "pay" })
        let html = HTMLReport.simulation(r, scenario: s, runID: nil)
        let verdict = try #require(html.range(of: "<div class=\"verdict"))
        let section = try #require(html.range(of: "<h2 id=\"faults\">Faults</h2>"))
        let cards = try #require(html.range(of: "<div class=\"cards\">"))
        #expect(verdict.upperBound < section.lowerBound && section.upperBound < cards.lowerBound)
        let table = String(html[section.upperBound..<cards.lowerBound])
        // The fault's columns, then its one route's, on one row.
        func num(_ v: String) -> String { "<td class=\"num\">\(v)</td>" }
        let row = "<tr><td><b>\(HTMLEscape.text(Self.fault))</b></td><td>\(HTMLEscape.text(Self.window))</td><td>pod-crash of payments-service</td>"
            + "<td class=\"reason\">\(HTMLEscape.text(fault.effect))</td>" + num(ChartFormat.grouped(fault.podsLost)) + num(ChartFormat.grouped(fault.requestsLost))
            + "<td>pay</td>" + [ChartFormat.grouped(pay.arrivals), ChartFormat.grouped(pay.failures), ChartFormat.grouped(pay.podLost ?? 0),
                                ChartFormat.grouped(pay.retries ?? 0), String(format: "%.2f×", try #require(pay.amplification)),
                                ChartFormat.latency(pay.latency?.p99)].map(num).joined() + "</tr>"
        expectContains(table, row)
        expectContains(table, "<th>route in the window</th>", "<th class=\"num\">offered ÷ original</th>")
    }

    @Test func markdownReportHasTheFaultsTableBeforeTheServices() throws {
        let (s, r) = Runs.crashed
        let md = MarkdownReport.simulation(r, scenario: s, runID: nil)
        let faults = try #require(md.range(of: "### Faults\n"))
        let services = try #require(md.range(of: "### Services\n"))
        #expect(faults.upperBound < services.lowerBound)
        expectContains(md, "| " + FaultTable.header.joined(separator: " | ") + " |",
                       "| \(Self.fault) | \(Self.window) | pod-crash of payments-service | 1 pod killed; the Deployment replaces them | 1 | ")
    }

    @Test func runWithoutFaultsHasNoFaultsSectionOrBand() {
        let (s, r) = Runs.healthy
        #expect(r.faults == nil)
        let html = HTMLReport.simulation(r, scenario: s, runID: nil)
        expectLacks(html, "id=\"faults\"", ">Faults<", "band marked", ChartPalette.fault)
        expectLacks(MarkdownReport.simulation(r, scenario: s, runID: nil), "### Faults")
    }
}

/// The verdict banner's icon is drawn, not typed: an emoji needs a colour-emoji font, and
/// Chromium without one shows an empty box.
@Suite struct VerdictIconTests {
    @Test func passShowsAnSVGTickAndFailAnSVGExclamationWithTheEmojiDropped() throws {
        let pass = HTMLPage.verdict(ok: true, "✅ All SLOs met; no drops")
        let fail = HTMLPage.verdict(ok: false, "⚠️ 3 requests dropped")
        #expect(pass.hasPrefix("<div class=\"verdict ok\"><svg class=\"icon\""))
        #expect(fail.hasPrefix("<div class=\"verdict bad\"><svg class=\"icon\""))
        expectContains(pass, "aria-label=\"ok\"", "M5.5 10.5l3 3 6-7", "</svg>All SLOs met; no drops</div>")
        expectContains(fail, "aria-label=\"warning\"", "M10 7v5.5", "</svg>3 requests dropped</div>")
        for banner in [pass, fail] {
            expectLacks(banner, "✅", "⚠")
            let icon = try #require(svgElements(banner, icons: true).first)
            #expect(XMLCheck.parse(icon).error == nil)
        }
    }
}
