import CapsimModel
import Foundation
import Planning

/// The HTML report of a capacity plan: per horizon, instances against the HPA's max, the
/// seed's formula as a waterfall per service, the p10/p50/p90 table, Erlang C against each
/// SLO in words, and cost; then totals over horizons and the warnings. A plan whose scenario
/// lists zones adds each zone-safe count (N+1 zone headroom) beside the instances.
struct HTMLPlanReport {
    let plan: CapacityPlan
    let scenario: Scenario
    let runID: Int64?

    var esc: (String) -> String { HTMLEscape.text }

    func render() -> String {
        let p = plan
        var b = header()
        // The verdict is PlanRenderer.markdown's first line, without the bold markers.
        let verdict = PlanRenderer.markdown(p).split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        let text = verdict.replacingOccurrences(of: "**", with: "")
        let fits = (p.totals.last?.servicesOverMax.isEmpty ?? true) && (p.totals.last?.zoneHeadroom?.servicesOverMax.isEmpty ?? true)
        b += HTMLPage.verdict(ok: fits, text)
        b += cards()
        for (h, months) in p.totals.map(\.months).enumerated() { b += horizon(months, index: h) }
        b += "<h2>Totals per month</h2>" + totalsTable().render()
        b += "<p class=\"note\">Instances are provisioned for the peak all month (an upper bound: the HPA scales down off-peak); databases are priced as sized (the primary's hourly price scaled by the cores it needs, plus one price per read replica); \(ChartFormat.number(p.hoursPerMonth)) hours a month.</p>"
        if !p.warnings.isEmpty {
            b += "<h2>Warnings</h2><ul class=\"expl\">" + p.warnings.map { "<li>\(HTMLPage.icon(ok: false))\(esc($0))</li>" }.joined() + "</ul>"
        }
        b += notes()
        return HTMLPage.wrap(title: "capsim plan: \(p.scenario)" + (runID.map { " (run #\($0))" } ?? ""), body: b)
    }

    func header() -> String {
        let p = plan
        var meta: [String] = []
        if let runID { meta.append("run <b>#\(runID)</b>") }
        meta.append(p.draws > 0 ? "<b>\(ChartFormat.grouped(p.draws))</b> Monte Carlo draws, seed <b>\(p.seed)</b>" : "exact inputs")
        meta.append(p.etbPerUSD.map { "ETB <b>\(esc(ChartFormat.number($0)))</b> = USD 1" } ?? "money in <b>\(p.currencies.lead.rawValue)</b>")
        meta.append("horizons <b>\(p.totals.map { "\($0.months)" }.joined(separator: ", "))</b> months")
        meta.append("season: <b>\(esc(p.seasonLabel))</b>")
        var o = "<header class=\"top\"><div><h1>\(esc(p.scenario)) <small>capacity plan</small></h1>"
        if !scenario.description.isEmpty { o += "<p class=\"sub\">\(esc(scenario.description))</p>" }
        let lines = stride(from: 0, to: meta.count, by: 3).map { meta[$0..<min($0 + 3, meta.count)].joined(separator: " · ") }
        return o + "</div><div class=\"meta\">" + lines.joined(separator: "<br>") + "</div></header>"
    }

    func range(_ p: Percentiles?, _ f: (Double) -> String) -> String? {
        p.map { "p10–p90 \(f($0.p10)) – \(f($0.p90))" }
    }

    func cards() -> String {
        guard let t = plan.totals.last else { return "" }
        let services = Set(plan.rows.map(\.service)).count
        let rows = plan.rows.filter { $0.months == t.months }
        let erlang = rows.compactMap { $0.queueing?.instancesRequired }
        var o = "<div class=\"cards\">"
        o += HTMLPage.card("Instances, month \(t.months)", ChartFormat.grouped(t.instancesRequired),
                           note: range(t.uncertainty?.instancesRequired) { ChartFormat.grouped(Int($0.rounded())) } ?? "at the target utilisation")
        o += HTMLPage.card("Over HPA max", "\(t.servicesOverMax.count) of \(services)", note: "services at month \(t.months)", tone: t.servicesOverMax.isEmpty ? nil : "crit")
        if let z = t.zoneHeadroom, let zones = plan.zones {
            let over = z.servicesOverMax.isEmpty ? "all within their max" : "\(z.servicesOverMax.count) of \(services) over their max"
            o += HTMLPage.card("Zone-safe instances", z.instancesRequired.map { ChartFormat.grouped($0) } ?? "impossible",
                               note: zones.count == 1 ? "one zone cannot survive its own loss"
                                   : "to survive losing \(plan.zonesToSurvive == 1 ? "one" : "\(plan.zonesToSurvive)") of \(zones.count) zones; \(over)",
                               tone: z.instancesRequired == nil || !z.servicesOverMax.isEmpty ? "crit" : nil)
        }
        if erlang.count == rows.filter({ $0.queueing != nil }).count && !erlang.isEmpty {
            o += HTMLPage.card("Erlang C instances", ChartFormat.grouped(erlang.reduce(0, +)), note: "enough for every latency SLO")
        }
        let lead = plan.currencies.lead
        o += HTMLPage.card("Cost per month", ChartFormat.money(t.monthlyCost(in: lead), lead), note: range(t.uncertainty?.monthlyCost(in: lead)) { ChartFormat.compact($0) } ?? "instances + databases")
        if let other = plan.currencies.other {
            o += HTMLPage.card(other == .usd ? "In dollars" : "In birr", ChartFormat.money(t.monthlyCost(in: other), other), note: "per month")
        }
        o += HTMLPage.card("Databases", ChartFormat.money(t.databaseMonthlyCost(in: lead), lead), note: "per month, as sized")
        return o + "</div>"
    }

    // MARK: one horizon

    func horizon(_ months: Int, index h: Int) -> String {
        let rows = plan.rows.filter { $0.months == months }
        var o = "<h2>Month \(months) — \(esc(PlanRenderer.peakLabel(plan, months: months)))</h2>"
        o += "<p class=\"note\">required = current peak × growth × season × feature interaction × safety; instances = ⌈required ÷ (capacity per instance × target utilisation)⌉, at least the min replicas."
        if let note = PlanRenderer.zoneNote(plan) { o += " " + esc(note) + "." }
        o += "</p>"
        o += "<div class=\"grid2\"><figure>\(instancesChart(rows, id: "h\(h)-inst").render())</figure><figure>\(costChart(rows, months: months, id: "h\(h)-cost").render())</figure></div>"
        o += serviceTable(rows).render()

        o += "<h3>How the load is built, service by service</h3><div class=\"grid2\">"
        for (i, r) in rows.enumerated() {
            o += "<figure>\(waterfall(r, id: "h\(h)-wf\(i)").render())<figcaption class=\"note\">\(esc(instancesLine(r)))</figcaption></figure>"
        }
        o += "</div>"

        if rows.contains(where: { $0.uncertainty != nil }) {
            o += "<h3>Uncertainty (p10 / p50 / p90 over \(ChartFormat.grouped(plan.draws)) draws)</h3>" + uncertaintyTable(rows).render()
        }
        if rows.contains(where: { $0.queueing != nil }) {
            o += "<h3>Queueing: Erlang C against each latency SLO</h3>" + queueingTable(rows).render()
            o += "<ul class=\"expl\">" + rows.compactMap { r in r.queueing.map { "<li><b>\(esc(r.service))</b>: \(esc($0.explanation))</li>" } }.joined() + "</ul>"
        }
        let dbRows = PlanDatabaseTable.rows(plan, months: months)
        if !dbRows.isEmpty {
            var t = HTMLTable(PlanDatabaseTable.header(plan), numeric: [1, 2, 3, 7])
            for r in dbRows { t.add(r.map { HTMLTable.text($0, $0.hasSuffix(" !") ? "bad" : nil) }) }
            o += "<h3>Databases</h3><p class=\"note\">\(esc(PlanDatabaseTable.intro)) (! = more than it has).</p>" + t.render()
        }
        return o
    }

    func instancesLine(_ r: PlanRow) -> String {
        let per = r.instanceCapacityRps * r.targetUtilization
        var s = "\(ChartFormat.rps(r.requiredRps)) ÷ (\(ChartFormat.rps(r.instanceCapacityRps)) × \(ChartFormat.percent(r.targetUtilization)) = \(ChartFormat.rps(per))) → \(ChartFormat.grouped(r.instancesRequired)) instances"
        s += r.exceedsMax ? "; HPA max is \(r.maxReplicas)" : " (HPA max \(r.maxReplicas))"
        if let z = r.zoneHeadroom { s += "; zone-safe " + (z.instancesRequired.map { "\(ChartFormat.grouped($0))\(z.exceedsMax ? " ⚠" : "")" } ?? "impossible") + ": " + z.explanation }
        return s
    }

    func instancesChart(_ rows: [PlanRow], id: String) -> SVGBarChart {
        var bars: [SVGBarChart.Bar] = []
        for r in rows {
            var marks = [SVGBarChart.Mark(value: Double(r.maxReplicas), shape: .tick, color: ChartPalette.target, title: "HPA max \(r.maxReplicas)")]
            if let q = r.queueing?.instancesRequired {
                marks.append(.init(value: Double(q), shape: .diamond, color: ChartPalette.scaleUp, title: "Erlang C: \(q) instances meet the \(ChartFormat.statistic(r.queueing!.sloMetric)) SLO of \(ChartFormat.latency(r.queueing!.sloSeconds))"))
            }
            if let z = r.zoneHeadroom, let m = z.instancesRequired {
                marks.append(.init(value: Double(m), shape: .diamond, color: ChartPalette.zoneSafe, title: "zone-safe: \(m) instances; \(z.explanation)"))
            }
            let u = r.uncertainty?.instancesRequired
            bars.append(.init(label: r.service, to: Double(r.instancesRequired), color: r.exceedsMax ? "#dc2626" : "#2563eb",
                              valueLabel: "\(r.instancesRequired) (max \(r.maxReplicas))",
                              title: "\(r.service): \(r.instancesRequired) instances at \(ChartFormat.percent(r.targetUtilization)) utilisation; HPA max \(r.maxReplicas)",
                              whisker: u.map { ($0.p10, $0.p90) }, marks: marks))
        }
        var legend: [(SVGBarChart.LegendKind, String, String)] = [(.box, "#2563eb", "instances (fits)"), (.box, "#dc2626", "instances (over max)"), (.tick, ChartPalette.target, "HPA max")]
        if rows.contains(where: { $0.queueing?.instancesRequired != nil }) { legend.append((.diamond, ChartPalette.scaleUp, "Erlang C")) }
        if rows.contains(where: { $0.zoneHeadroom?.instancesRequired != nil }) { legend.append((.diamond, ChartPalette.zoneSafe, "zone-safe")) }
        if rows.contains(where: { $0.uncertainty != nil }) { legend.append((.whisker, "#111827", "p10–p90")) }
        var c = SVGBarChart(id: id, title: "Instances needed vs HPA max", xTitle: "instances", bars: bars, legend: legend)
        c.xLabel = { v, _ in ChartFormat.grouped(Int(v.rounded())) }
        return c
    }

    func costChart(_ rows: [PlanRow], months: Int, id: String) -> SVGBarChart {
        let lead = plan.currencies.lead, other = plan.currencies.other
        var bars = rows.map { r in
            let monthly = r.monthlyCost(in: lead) ?? 0
            let beside = other.map { " (\(ChartFormat.money(r.monthlyCost(in: $0), $0)))" } ?? ""
            return SVGBarChart.Bar(label: r.service, to: monthly, color: ChartPalette.cost, valueLabel: ChartFormat.money(monthly, lead),
                                   title: "\(r.service): \(r.instancesRequired) × \(ChartFormat.money(r.costPerInstanceHour(in: lead), lead))/h × \(ChartFormat.number(plan.hoursPerMonth)) h = \(ChartFormat.money(monthly, lead))\(beside)",
                                   whisker: r.uncertainty?.monthlyCost(in: lead).map { ($0.p10, $0.p90) })
        }
        if let t = plan.totals.first(where: { $0.months == months }), let db = t.databaseMonthlyCost(in: lead), db > 0 {
            bars.append(.init(label: "databases", to: db, color: "#94a3b8", valueLabel: ChartFormat.money(db, lead),
                              title: "databases: \(ChartFormat.money(db, lead)) per month"))
        }
        var legend: [(SVGBarChart.LegendKind, String, String)] = [(.box, ChartPalette.cost, "\(lead.rawValue) per month")]
        if rows.contains(where: { $0.uncertainty != nil }) { legend.append((.whisker, "#111827", "p10–p90")) }
        return SVGBarChart(id: id, title: "Monthly cost (\(lead.rawValue))", xTitle: "\(lead.rawValue) per month", bars: bars, legend: legend)
    }

    func waterfall(_ r: PlanRow, id: String) -> SVGBarChart {
        var bars: [SVGBarChart.Bar] = []
        var prev = 0.0
        for (i, s) in r.steps.enumerated() {
            if i == 0 {
                bars.append(.init(label: s.factor, to: s.rps, color: "#64748b", valueLabel: ChartFormat.rps(s.rps), title: "\(s.factor): \(ChartFormat.rps(s.rps))"))
            } else {
                let color = s.multiplier >= 1 ? "#f59e0b" : "#10b981"
                bars.append(.init(label: s.factor, from: prev, to: s.rps, color: color, valueLabel: "\(ChartFormat.times(s.multiplier)) → \(ChartFormat.compact(s.rps))/s",
                                  title: "\(s.factor): \(ChartFormat.times(s.multiplier)), \(ChartFormat.rps(prev)) → \(ChartFormat.rps(s.rps))"))
            }
            prev = s.rps
        }
        let u = r.uncertainty?.requiredRps
        bars.append(.init(label: "required", to: r.requiredRps, color: r.exceedsMax ? "#dc2626" : "#1e3a8a", valueLabel: ChartFormat.rps(r.requiredRps),
                          title: "required: \(ChartFormat.rps(r.requiredRps))" + (u.map { "; p10–p90 \(ChartFormat.rps($0.p10)) – \(ChartFormat.rps($0.p90))" } ?? ""),
                          whisker: u.map { ($0.p10, $0.p90) }, bold: true))
        var c = SVGBarChart(id: id, title: "\(r.service): current peak to required load", xTitle: "requests per second", bars: bars)
        c.rowHeight = 22
        return c
    }

    // MARK: tables

    func serviceTable(_ rows: [PlanRow]) -> HTMLTable {
        let uncertain = rows.contains { $0.uncertainty != nil }, money = plan.currencies.all, zoned = plan.zones != nil, lead = plan.currencies.lead
        let header = ["service", "peak", "growth", "season", "feature", "safety", "required", "per instance", "util", "instances"] + (zoned ? ["zone-safe"] : [])
            + ["HPA max", "Erlang C"] + money.map { "\($0.rawValue)/month" } + (zoned ? ["zone-safe \(lead.rawValue)/month"] : [])
        // Every column after the service's is numeric, the percentiles' included.
        var t = HTMLTable(header + (uncertain ? ["instances p10 / p50 / p90"] : []), numeric: Set(1...header.count))
        for r in rows {
            var cells: [HTMLTable.Cell] = [HTMLTable.markup("<b>\(esc(r.service))</b>"), HTMLTable.text(ChartFormat.rps(r.currentPeakRps))]
            cells += [r.growthMultiplier, r.seasonalFactor, r.featureInteractionFactor, r.safetyFactor].map { HTMLTable.text(ChartFormat.times($0)) }
            cells += [HTMLTable.text(ChartFormat.rps(r.requiredRps)), HTMLTable.text(ChartFormat.rps(r.instanceCapacityRps)), HTMLTable.text(ChartFormat.percent(r.targetUtilization)),
                      HTMLTable.text(r.exceedsMax ? "\(r.instancesRequired) ⚠" : "\(r.instancesRequired)", r.exceedsMax ? "bad" : nil)]
            if zoned {
                let z = r.zoneHeadroom
                cells.append(HTMLTable.text(z.map { PlanRenderer.zoneSafe($0, over: " ⚠") } ?? "—", z.map { $0.exceedsMax || $0.instancesRequired == nil } == true ? "bad" : nil))
            }
            cells += [HTMLTable.text("\(r.maxReplicas)"), HTMLTable.text(r.queueing.map { $0.instancesRequired.map { "\($0)" } ?? "unmet" } ?? "—")]
            cells += money.map { HTMLTable.text(ChartFormat.money(r.monthlyCost(in: $0))) }
            if zoned { cells.append(HTMLTable.text(ChartFormat.money(r.zoneHeadroom?.monthlyCost(in: lead)))) }
            if uncertain {
                cells.append(HTMLTable.text(r.uncertainty.map { u in [u.instancesRequired.p10, u.instancesRequired.p50, u.instancesRequired.p90].map { ChartFormat.grouped(Int($0.rounded())) }.joined(separator: " / ") } ?? "—"))
            }
            t.add(cells)
        }
        return t
    }

    func uncertaintyTable(_ rows: [PlanRow]) -> HTMLTable {
        let lead = plan.currencies.lead.rawValue
        var t = HTMLTable(["service", "required p10", "required p50", "required p90", "instances p10", "instances p50", "instances p90",
                           "\(lead)/month p10", "\(lead)/month p50", "\(lead)/month p90"], numeric: Set(1...9))
        for r in rows {
            guard let u = r.uncertainty else {
                t.add([HTMLTable.markup("<b>\(esc(r.service))</b>")] + Array(repeating: HTMLTable.text("exact", "zero"), count: 9))
                continue
            }
            let rq = [u.requiredRps.p10, u.requiredRps.p50, u.requiredRps.p90].map { HTMLTable.text(ChartFormat.rps($0)) }
            let inst = [u.instancesRequired.p10, u.instancesRequired.p50, u.instancesRequired.p90].map { v in
                HTMLTable.text(ChartFormat.grouped(Int(v.rounded())), v > Double(r.maxReplicas) ? "bad" : nil)
            }
            let p = u.monthlyCost(in: plan.currencies.lead)
            let cost = [p?.p10, p?.p50, p?.p90].map { HTMLTable.text(ChartFormat.money($0)) }
            t.add([HTMLTable.markup("<b>\(esc(r.service))</b>")] + rq + inst + cost)
        }
        return t
    }

    func queueingTable(_ rows: [PlanRow]) -> HTMLTable {
        var t = HTMLTable(["service", "SLO", "utilisation rule", "Erlang C", "busy at Erlang C", "predicted at Erlang C", "predicted at utilisation rule"], numeric: Set(2...6))
        for r in rows {
            guard let q = r.queueing else { continue }
            t.add([HTMLTable.markup("<b>\(esc(r.service))</b>"), HTMLTable.text("\(ChartFormat.statistic(q.sloMetric)) ≤ \(ChartFormat.latency(q.sloSeconds))"),
                   HTMLTable.text("\(r.instancesRequired)"), HTMLTable.text(q.instancesRequired.map { "\($0)" } ?? "unmet", q.instancesRequired == nil ? "bad" : nil),
                   HTMLTable.text(q.utilization.map { ChartFormat.percent($0) } ?? "—"), HTMLTable.text(ChartFormat.latency(q.predictedLatencySeconds)),
                   HTMLTable.text(ChartFormat.latency(q.latencyAtNaiveCountSeconds))])
        }
        return t
    }

    func totalsTable() -> HTMLTable {
        let uncertain = plan.totals.contains { $0.uncertainty != nil }
        let services = Set(plan.rows.map(\.service)).count
        let lead = plan.currencies.lead, money = plan.currencies.all, zoned = plan.zones != nil
        let header = ["months", "instances"] + (zoned ? ["zone-safe"] : []) + ["over max"] + (zoned ? ["zone-safe over max"] : [])
            + money.map { "\($0.rawValue)/month" } + (zoned ? ["zone-safe \(lead.rawValue)/month"] : []) + ["of which databases (\(lead.rawValue))"]
        let all = header + (uncertain ? ["instances p10 / p50 / p90", "\(lead.rawValue)/month p10 / p50 / p90"] : [])
        var t = HTMLTable(all, numeric: Set(0..<all.count))
        func overMax(_ names: [String]) -> HTMLTable.Cell {
            HTMLTable.text(names.isEmpty ? "none" : "\(names.count) of \(services)", names.isEmpty ? nil : "bad")
        }
        for tot in plan.totals {
            let z = tot.zoneHeadroom
            var cells = [HTMLTable.text("\(tot.months)"), HTMLTable.text(ChartFormat.grouped(tot.instancesRequired))]
            if zoned { cells.append(HTMLTable.text(z.map { $0.instancesRequired.map { ChartFormat.grouped($0) } ?? "impossible" } ?? "—", z != nil && z?.instancesRequired == nil ? "bad" : nil)) }
            cells.append(overMax(tot.servicesOverMax))
            if zoned { cells.append(z.flatMap { $0.instancesRequired == nil ? nil : overMax($0.servicesOverMax) } ?? HTMLTable.text("—")) }
            cells += money.map { HTMLTable.text(ChartFormat.money(tot.monthlyCost(in: $0))) }
            if zoned { cells.append(HTMLTable.text(ChartFormat.money(z?.monthlyCost(in: lead)))) }
            cells.append(HTMLTable.text(ChartFormat.money(tot.databaseMonthlyCost(in: lead))))
            if uncertain {
                let u = tot.uncertainty
                cells.append(HTMLTable.text(u.map { [$0.instancesRequired.p10, $0.instancesRequired.p50, $0.instancesRequired.p90].map { ChartFormat.grouped(Int($0.rounded())) }.joined(separator: " / ") } ?? "—"))
                cells.append(HTMLTable.text(u?.monthlyCost(in: lead).map { [$0.p10, $0.p50, $0.p90].map { ChartFormat.money($0) }.joined(separator: " / ") } ?? "—"))
            }
            t.add(cells)
        }
        return t
    }

    func notes() -> String {
        let items = [
            "The waterfalls multiply the current peak by each factor of the capacity formula (growth, season, feature interaction, safety) in turn; the last bar is the load to provision for, with its p10–p90 range when any input is uncertain.",
            "Instances are counted at the target utilisation (the HPA's CPU target unless planning.target_utilization says otherwise); a red bar needs more than the HPA's max replicas.",
            "Erlang C sizes a queue per instance against the latency SLO; it usually needs fewer instances than the utilisation rule, whose extra instances are headroom.",
            "p10 / p50 / p90 come from seeded Monte Carlo draws over every range in the scenario; platform-wide factors are shared by all services within a draw, so totals are coherent.",
        ] + (plan.zones == nil ? [] : [
            plan.zonesToSurvive == 1
                ? "Zone-safe (N+1 zone headroom): pods spread over the zones one at a time to the zone with the fewest (maxSkew 1), so of M instances over Z zones the most-loaded holds ⌈M ÷ Z⌉; the zone-safe count is the smallest M with M − ⌈M ÷ Z⌉ ≥ the instances above, priced like them. One zone cannot survive its own loss."
                : "Zone-safe (N+\(plan.zonesToSurvive) zone headroom, platform.survives): pods spread over the zones one at a time to the zone with the fewest (maxSkew 1), so of M instances over Z zones the \(plan.zonesToSurvive) most-loaded hold \(plan.zonesToSurvive)·⌊M ÷ Z⌋ + min(\(plan.zonesToSurvive), M mod Z); the zone-safe count is the smallest M that still leaves the instances above after losing them, priced like them.",
        ])
        return "<h2>How to read this report</h2><ul class=\"expl note\">" + items.map { "<li>\(esc($0))</li>" }.joined() + "</ul>"
    }
}
