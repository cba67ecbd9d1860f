import CapsimModel
import Foundation
import Planning
import Testing
@testable import Reporting

/// The zone-safe column (N+1 zone headroom) in every format `plan` writes.
@Suite("plan outputs: the zone-safe count beside the instances")
struct ZoneHeadroomOutputTests {
    /// Two services, one horizon: web needs 15 (max 20; 23 to survive a zone's loss, over it),
    /// api needs 2 (its min; 3 zone-safe, within its max of 5).
    static func shop(zones: String? = "[zone-a, zone-b, zone-c]") -> String {
        """
        capsim: 1
        name: shop
        currency: {etb_per_usd: 150}
        planning: {horizons: [6], growth: 0%, seasonal_factor: 1, feature_interaction_factor: 1, safety_factor: 1, target_utilization: 70%}
        \(zones.map { "platform: {zones: \($0)}" } ?? "")
        services:
          web:
            peak: 1000/s
            capacity: 100/s
            replicas: {min: 2, max: 20}
            cost_per_instance_hour: USD 0.10
          api:
            peak: 10/s
            capacity: 100/s
            replicas: {min: 2, max: 5}
            cost_per_instance_hour: USD 0.10
        """
    }

    static func plan(zones: String? = "[zone-a, zone-b, zone-c]") throws -> (CapacityPlan, Scenario) {
        let s = try load(shop(zones: zones))
        return (Planner.plan(s), s)
    }

    /// The cells of the table line that starts with `prefix`, split on runs of two spaces or more.
    static func cells(_ text: String, _ prefix: String) throws -> [String] {
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix(prefix) }, "no line starting \(prefix)")
        return line.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    @Test("table: a zone-safe column right after instances, flagged with ! above max like the instances, its cost beside the cost")
    func tableShowsZoneSafeBesideInstances() throws {
        let (p, _) = try Self.plan()
        let text = PlanRenderer.table(p)
        let header = try Self.cells(text, "service ")
        let web = try Self.cells(text, "web "), api = try Self.cells(text, "api ")
        let at = try #require(header.firstIndex(of: "instances"))
        #expect(header[at + 1] == "zone-safe" && header[at + 2] == "max")
        // 1000/s ÷ 70/s → 15; 15 + ⌈15 ÷ 2⌉ = 23 > 20. api: 2 (its min) → 3 ≤ 5.
        #expect(web[at] == "15" && web[at + 1] == "23 !" && web[at + 2] == "20")
        #expect(api[at] == "2" && api[at + 1] == "3")
        #expect(header.contains("zone-safe USD/month"))
        #expect(web[try #require(header.firstIndex(of: "zone-safe USD/month"))] == "1,679")   // 23 × 0.10 × 730
        #expect(text.contains("zone-safe = the fewest instances M with M − ⌈M ÷ 3⌉ ≥ instances: spread over zone-a, zone-b, zone-c"))
        #expect(text.contains("warning: web needs 23 instances to survive losing one of its 3 zones at month 6 in the seasonal peak (15 with every zone up); max replicas is 20"))
        let totals = try Self.cells(text, "months ")
        let six = try Self.cells(text, "6 ")
        #expect(six[try #require(totals.firstIndex(of: "zone-safe"))] == "26")
        #expect(six[try #require(totals.firstIndex(of: "over max"))] == "none")
        #expect(six[try #require(totals.firstIndex(of: "zone-safe over max"))] == "1 of 2")
    }

    @Test("markdown: the same column flagged ⚠, and the verdict adds what losing a zone needs")
    func markdownFlagsZoneSafeAndSaysSoInTheVerdict() throws {
        let (p, _) = try Self.plan()
        let md = PlanRenderer.markdown(p)
        #expect(md.hasPrefix("**✅ Every service fits its HPA max through month 6.** **⚠️ To survive losing a zone, 1 of 2 need more than their max by month 6: web.**\n"))
        #expect(md.contains("| instances | zone-safe | max |"))
        #expect(md.contains("| 15 | 23 ⚠ | 20 |"))
    }

    @Test("csv: the zone headroom is appended after every existing column, which keep their places")
    func csvAppendsZoneColumns() throws {
        let (p, _) = try Self.plan()
        let lines = PlanRenderer.csv(p).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let plain = PlanRenderer.csvColumns(p.currencies)
        #expect(Array(lines[0].prefix(plain.count)) == plain)
        #expect(Array(lines[0].dropFirst(plain.count)) == ["zones", "zone_safe_instances_required", "zone_safe_exceeds_max", "zone_safe_monthly_cost_usd"])
        let web = try #require(lines.first { $0.first == "web" })
        #expect(Array(web.suffix(4)) == ["3", "23", "true", "1679.00"])
    }

    @Test("json: each row and total has zone_headroom, and the plan lists its zones")
    func jsonCarriesZoneHeadroom() throws {
        let (p, _) = try Self.plan()
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(PlanRenderer.json(p).utf8)) as? [String: Any])
        #expect(obj["zones"] as? [String] == ["zone-a", "zone-b", "zone-c"])
        let rows = try #require(obj["rows"] as? [[String: Any]])
        let web = try #require(rows.first { $0["service"] as? String == "web" })
        let z = try #require(web["zone_headroom"] as? [String: Any])
        #expect(z["zones"] as? Int == 3 && z["instances_required"] as? Int == 23 && z["instances_in_largest_zone"] as? Int == 8)
        #expect(z["exceeds_max"] as? Bool == true && web["exceeds_max"] as? Bool == false)
        let total = try #require((obj["totals"] as? [[String: Any]])?.first?["zone_headroom"] as? [String: Any])
        #expect(total["instances_required"] as? Int == 26 && total["services_over_max"] as? [String] == ["web"])
    }

    @Test("html: the column, its flag, a card and the chart's zone-safe mark")
    func htmlShowsZoneSafe() throws {
        let (p, s) = try Self.plan()
        let html = HTMLReport.plan(p, scenario: s, runID: nil)
        #expect(html.contains("<th class=\"num\">zone-safe</th>"))
        #expect(html.contains("<td class=\"num bad\">23 ⚠</td>"))
        #expect(html.contains("Zone-safe instances"))
        #expect(html.contains("<title>zone-safe: 23 instances;"))
    }

    @Test("one zone: every format says impossible rather than print a number")
    func aSingleZoneIsImpossibleInEveryFormat() throws {
        let (p, s) = try Self.plan(zones: "[zone-a]")
        let text = PlanRenderer.table(p)
        let header = try Self.cells(text, "service "), web = try Self.cells(text, "web ")
        #expect(web[try #require(header.firstIndex(of: "zone-safe"))] == "impossible")
        #expect(text.contains("warning: platform.zones lists one zone (zone-a)"))
        #expect(PlanRenderer.markdown(p).contains("| 15 | impossible | 20 |"))
        let web2 = try #require(PlanRenderer.csv(p).split(separator: "\n").first { $0.hasPrefix("web,") })
        #expect(web2.hasSuffix(",1,,false,"))
        #expect(HTMLReport.plan(p, scenario: s, runID: nil).contains("one zone cannot survive its own loss"))
    }

    @Test("without zones no format mentions them, and the CSV's columns are the ones it always had")
    func noZonesLeavesEveryFormatAsItWas() throws {
        let (p, s) = try Self.plan(zones: nil)
        for out in [PlanRenderer.table(p), PlanRenderer.markdown(p), PlanRenderer.json(p), PlanRenderer.csv(p), HTMLReport.plan(p, scenario: s, runID: nil)] {
            #expect(!out.lowercased().contains("zone"))
        }
        #expect(PlanRenderer.csvColumns(p.currencies) == PlanRenderer.csvColumns(p.currencies, zones: false))
        #expect(PlanRenderer.csv(p).hasPrefix(PlanRenderer.csvColumns(p.currencies).joined(separator: ",") + "\n"))
    }
}
