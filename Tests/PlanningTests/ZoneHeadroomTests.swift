import CapsimModel
import Foundation
import Testing
@testable import Planning

/// `oneService` with its pods spread over `zones` (`platform.zones`), and the web service's max
/// replicas set to `max`.
func zoned(_ zones: [String], max: Int = 10) -> String {
    oneService()
        .replacingOccurrences(of: "services:\n", with: "platform: {zones: [\(zones.joined(separator: ", "))]}\nservices:\n")
        .replacingOccurrences(of: "replicas: {min: 2, max: 10}", with: "replicas: {min: 2, max: \(max)}")
}

@Suite("Zone headroom: the instances that survive losing the most-loaded zone")
struct ZoneSpreadTests {
    @Test("10 needed over 3 zones: 15, since the most-loaded zone holds 5 and losing it leaves 10")
    func tenOverThreeZonesNeedsFifteen() {
        #expect(ZoneSpread.zoneSafeCount(needed: 10, zones: 3) == 15)
        #expect(ZoneSpread.largestZone(pods: 15, zones: 3) == 5)
    }

    @Test("1 needed over 3 zones: 2, one in each of two zones")
    func oneOverThreeZonesNeedsTwo() {
        #expect(ZoneSpread.zoneSafeCount(needed: 1, zones: 3) == 2)
    }

    @Test("none needed: none, whatever the zones (a single zone included: there is nothing to lose)")
    func noneNeededNeedsNone() {
        for zones in 1...5 { #expect(ZoneSpread.zoneSafeCount(needed: 0, zones: zones) == 0) }
    }

    @Test("a single zone cannot survive its own loss: no count (nil), not a sentinel number")
    func aSingleZoneHasNoZoneSafeCount() {
        for needed in [1, 2, 10, 1_000] { #expect(ZoneSpread.zoneSafeCount(needed: needed, zones: 1) == nil) }
    }

    @Test("two zones double the count: each must carry it alone")
    func twoZonesDoubleTheCount() {
        for needed in 1...50 { #expect(ZoneSpread.zoneSafeCount(needed: needed, zones: 2) == 2 * needed) }
    }

    @Test("the closed form N + ⌈N ÷ (Z − 1)⌉ is the smallest M with M − ⌈M ÷ Z⌉ ≥ N, by search")
    func closedFormIsTheSmallestSurvivingCount() {
        for zones in 2...7 {
            for needed in 0...300 {
                let bySearch = (0...).first { m in m - ZoneSpread.largestZone(pods: m, zones: zones) >= needed }!
                #expect(ZoneSpread.zoneSafeCount(needed: needed, zones: zones) == bySearch, "N=\(needed), Z=\(zones)")
            }
        }
    }

    @Test("the most-loaded zone under maxSkew 1 holds ⌈M ÷ Z⌉, as placing pods one at a time in the emptiest zone gives")
    func largestZoneMatchesOneAtATimePlacement() {
        for zones in 1...6 {
            var count = [Int](repeating: 0, count: zones)
            for pods in 1...100 {
                count[count.indices.min { count[$0] < count[$1] }!] += 1
                #expect(ZoneSpread.largestZone(pods: pods, zones: zones) == count.max()!, "M=\(pods), Z=\(zones)")
            }
        }
    }
}

@Suite("plan with platform.zones")
struct ZonePlanTests {
    @Test("each row carries the zone-safe count beside the formula's, priced like it and flagged above max")
    func rowsCarryTheZoneSafeCount() throws {
        let plan = Planner.plan(try scenario(zoned(["a", "b", "c"])))
        #expect(plan.zones == ["a", "b", "c"])
        let r6 = try #require(plan.rows.first { $0.months == 6 })
        let z = try #require(r6.zoneHeadroom)
        // 165 instances at month 6 (formulaByHand): 165 + ⌈165 ÷ 2⌉ = 248, whose largest zone of 83 leaves 165.
        #expect(r6.instancesRequired == 165)
        #expect(z.zones == 3 && z.instancesRequired == 248 && z.instancesInLargestZone == 83)
        #expect(z.exceedsMax)
        // USD 0.02 an hour × 730 hours × 248; the scenario reports in dollars, birr at 150.
        #expect(abs(try #require(z.monthlyCostUsd) - 248 * 0.02 * 730) < 1e-6)
        #expect(abs(try #require(z.monthlyCostEtb) - 248 * 0.02 * 730 * 150) < 1e-6)
        #expect(z.explanation == "over 3 zones (maxSkew 1) the most-loaded holds 83 of 248; losing it leaves 165, the formula's count")
    }

    @Test("totals sum the zone-safe counts and add the databases to their cost, as the plan's total does")
    func totalsSumTheZoneSafeFleet() throws {
        let plan = Planner.plan(try scenario(zoned(["a", "b", "c"])))
        for t in plan.totals {
            let rows = plan.rows.filter { $0.months == t.months }
            let z = try #require(t.zoneHeadroom)
            #expect(z.instancesRequired == rows.compactMap { $0.zoneHeadroom?.instancesRequired }.reduce(0, +))
            #expect(z.servicesOverMax == ["web"])
            let expected = rows.compactMap { $0.zoneHeadroom?.monthlyCostUsd }.reduce(0, +) + (t.databaseMonthlyCostUsd ?? 0)
            #expect(abs(try #require(z.monthlyCostUsd) - expected) < 1e-6)
        }
    }

    @Test("a service that fits its max with every zone up but not after losing one gets a warning naming both counts")
    func fitsOnlyWithEveryZoneUpIsWarned() throws {
        // Month 6 needs 165 (fits 200), 248 to survive a zone's loss; month 12 needs 292, over both.
        let plan = Planner.plan(try scenario(zoned(["a", "b", "c"], max: 200)))
        let r6 = try #require(plan.rows.first { $0.months == 6 })
        #expect(!r6.exceedsMax && r6.zoneHeadroom?.exceedsMax == true)
        #expect(plan.totals.first { $0.months == 6 }?.servicesOverMax == [])
        #expect(plan.totals.first { $0.months == 6 }?.zoneHeadroom?.servicesOverMax == ["web"])
        #expect(plan.warnings == [
            "web needs 248 instances to survive losing one of its 3 zones at month 6 in the seasonal peak (165 with every zone up); HPA max is 200",
            "web needs 292 instances at month 12 in the seasonal peak (438 to survive losing one of its 3 zones); HPA max is 200",
        ])
    }

    @Test("one zone: every row says no count survives, the totals have none, and one warning says why")
    func aSingleZoneIsReportedNotNumbered() throws {
        let plan = Planner.plan(try scenario(zoned(["only"])))
        for r in plan.rows {
            let z = try #require(r.zoneHeadroom)
            #expect(z.zones == 1 && z.instancesRequired == nil && z.instancesInLargestZone == nil && !z.exceedsMax)
            #expect(z.monthlyCostUsd == nil && z.monthlyCostEtb == nil)
            #expect(z.explanation.hasPrefix("a single zone cannot survive its own loss"))
        }
        #expect(plan.totals.allSatisfy { $0.zoneHeadroom?.instancesRequired == nil && $0.zoneHeadroom?.monthlyCostUsd == nil })
        #expect(plan.warnings.first == "platform.zones lists one zone (only): losing it loses every pod, so no instance count survives a zone's loss; list every zone the pods may run in")
        #expect(plan.warnings.filter { $0.contains("zone") }.count == 1)
    }

    @Test("without zones nothing about zones is planned: the rows, totals and plan carry none")
    func noZonesNoHeadroom() throws {
        let plan = Planner.plan(try scenario(oneService()))
        #expect(plan.zones == nil)
        #expect(plan.rows.allSatisfy { $0.zoneHeadroom == nil } && plan.totals.allSatisfy { $0.zoneHeadroom == nil })
        #expect(!plan.warnings.contains { $0.contains("zone") })
    }

    @Test("a plan with zones reads back from its JSON unchanged (as the results store keeps it)")
    func zonedPlanRoundTripsThroughJSON() throws {
        let plan = Planner.plan(try scenario(zoned(["a", "b", "c"])))
        let back = try JSONDecoder().decode(CapacityPlan.self, from: JSONEncoder().encode(plan))
        #expect(back == plan)
        #expect(back.rows.first?.zoneHeadroom?.instancesRequired == 248)
    }
}

@Suite("N+k zones: platform.survives")
struct SurvivingSeveralZonesTests {
    @Test("the k most-loaded zones hold what placing pods one at a time in the emptiest zone gives")
    func largestZonesMatchPlacement() {
        for zones in 2...6 {
            var count = [Int](repeating: 0, count: zones)
            for pods in 1...80 {
                count[count.indices.min { count[$0] < count[$1] }!] += 1
                let sorted = count.sorted(by: >)
                for k in 1...zones {
                    #expect(ZoneSpread.largestZones(k, pods: pods, zones: zones) == sorted.prefix(k).reduce(0, +), "M=\(pods), Z=\(zones), k=\(k)")
                }
            }
        }
    }

    @Test("the zone-safe count for losing k zones is the smallest M that keeps N after losing them, by search")
    func bisectionIsTheSmallestSurvivingCount() {
        for zones in 2...7 {
            for k in 1..<zones {
                for needed in 0...200 {
                    let bySearch = (0...).first { m in m - ZoneSpread.largestZones(k, pods: m, zones: zones) >= needed }!
                    #expect(ZoneSpread.zoneSafeCount(needed: needed, zones: zones, losing: k) == bySearch, "N=\(needed), Z=\(zones), k=\(k)")
                }
            }
            // Losing every zone loses every pod: no count, unless none is needed.
            #expect(ZoneSpread.zoneSafeCount(needed: 5, zones: zones, losing: zones) == nil)
        }
    }

    @Test("platform.survives: {zones: 2} sizes every row for losing two of four zones at once, and says so")
    func planSizesForTwoZones() throws {
        let yaml = zoned(["a", "b", "c", "d"]).replacingOccurrences(of: "platform: {zones: [a, b, c, d]}", with: "platform: {zones: [a, b, c, d], survives: {zones: 2}}")
        let plan = Planner.plan(try scenario(yaml))
        #expect(plan.zonesLost == 2)
        let r6 = try #require(plan.rows.first { $0.months == 6 })
        let z = try #require(r6.zoneHeadroom)
        // 165 needed (formulaByHand): losing two of four zones leaves about half, so about 330;
        // the count is the smallest that keeps 165, which the two lines below pin from both sides.
        let m = try #require(z.instancesRequired)
        #expect(m - ZoneSpread.largestZones(2, pods: m, zones: 4) >= 165)
        #expect((m - 1) - ZoneSpread.largestZones(2, pods: m - 1, zones: 4) < 165)
        #expect(z.zonesLost == 2 && z.instancesInLargestZone == ZoneSpread.largestZones(2, pods: m, zones: 4))
        #expect(z.explanation.contains("the 2 most-loaded hold"))
        #expect(plan.warnings.contains { $0.contains("to survive losing 2 of its 4 zones") }, "\(plan.warnings)")
        // The default is one zone, and then the plan says nothing new (older plans read the same).
        let one = Planner.plan(try scenario(zoned(["a", "b", "c", "d"])))
        #expect(one.zonesLost == nil && one.rows.allSatisfy { $0.zoneHeadroom?.zonesLost == nil })
    }

    @Test("platform.survives needs zones, and fewer zones lost than listed; each a located error")
    func survivesIsValidated() {
        func errors(_ yaml: String) -> [String] {
            do { _ = try ScenarioLoader.parse(yaml, file: "z.yaml"); return [] } catch { return error.diagnostics.map(\.description) }
        }
        let noZones = errors(oneService().replacingOccurrences(of: "services:\n", with: "platform: {survives: {zones: 1}}\nservices:\n"))
        #expect(noZones.contains { $0.contains("platform.survives.zones: surviving the loss of zones needs zones") }, "\(noZones)")
        let all = errors(zoned(["a", "b"]).replacingOccurrences(of: "platform: {zones: [a, b]}", with: "platform: {zones: [a, b], survives: {zones: 2}}"))
        #expect(all.contains { $0.contains("platform.survives.zones: expected at least 1 zone and fewer than the 2 listed") }, "\(all)")
    }
}
