import Calibration
import CapsimModel

/// The calibration report's tables.
extension HTMLCalibrationReport {
    static func signed(_ e: Double) -> String { String(format: "%+.1f%%", e * 100) }
    /// A mean absolute error, to a tenth of a per cent like the signed errors.
    static func percent(_ e: Double) -> String { String(format: "%.1f%%", e * 100) }
    static func ms(_ seconds: Double) -> String { ChartFormat.number(seconds * 1000, sig: 4) + " ms" }

    /// Every run of the saturation search, in the order it was made: the rate it asked for (the
    /// bracket's coordinate), the rate its Poisson arrivals scheduled, and what it served.
    func searchTable() -> HTMLTable {
        var t = HTMLTable(["#", "kind", "offered", "scheduled", "served", "kept up", "p99", "errors", "CPU per request", "server CPU"], numeric: [0, 2, 3, 4, 6, 7, 8, 9])
        for (i, s) in record.saturation.steps.enumerated() {
            t.add([HTMLTable.text("\(i + 1)"), HTMLTable.text(s.kind.rawValue), HTMLTable.text(ChartFormat.rps(s.offered)), HTMLTable.text(ChartFormat.rps(s.scheduled)),
                   HTMLTable.text(ChartFormat.rps(s.served)),
                   HTMLTable.text(s.keptUp ? "yes" : "no", s.keptUp ? nil : "warn"), HTMLTable.text(ChartFormat.latency(s.p99)), HTMLTable.text(ChartFormat.grouped(s.errors)),
                   HTMLTable.text(s.cpuPerRequest.map(Self.ms) ?? "—"), HTMLTable.text(s.cpuUtilization.map(ChartFormat.percent) ?? "—")])
        }
        return t
    }

    /// Per level and metric: measured, simulated, the signed error and the measurement's noise.
    func accuracyTable() -> HTMLTable {
        let metrics = AccuracyMetric.allCases
        var header = ["level", "req/s", "server CPU", "model ρ"]
        for m in metrics { header += ["\(m.rawValue) measured", "simulated", "error", "noise"] }
        var t = HTMLTable(header + ["targets"], numeric: Set(1..<header.count))
        for (l, row) in zip(record.levels, record.accuracy.rows) {
            var cells = [HTMLTable.text(Percent(fraction: l.fraction).description), HTMLTable.text(ChartFormat.number(l.measured.rate, sig: 4)),
                         HTMLTable.text(l.serverCPU.map(ChartFormat.percent) ?? "—"), HTMLTable.text(ChartFormat.percent(record.model.utilization(at: l.measured.rate)))]
            for m in metrics {
                let (measured, simulated) = Self.values(m, l)
                let error = row.errors[m], limit: Double? = m == .p50 ? 0.10 : m == .p99 ? 0.20 : nil
                let missed = error.flatMap { e in limit.map { abs(e) > $0 } } == true
                cells += [HTMLTable.text(measured), HTMLTable.text(simulated), HTMLTable.text(error.map(Self.signed) ?? "—", missed ? "warn" : nil),
                          HTMLTable.text(row.noise[m].map { "±" + ChartFormat.percent($0) } ?? "—")]
            }
            let met = AccuracyTable.meetsTargets(row)
            t.add(cells + [HTMLTable.text(met ? "met" : "missed", met ? nil : "warn")])
        }
        return t
    }

    static func values(_ m: AccuracyMetric, _ l: CalibrationRecord.Level) -> (String, String) {
        switch m {
        case .p50: return (ms(l.measured.p50), ms(l.simulated.p50))
        case .p90: return (ms(l.measured.p90), ms(l.simulated.p90))
        case .p99: return (ms(l.measured.p99), ms(l.simulated.p99))
        case .throughput: return (ChartFormat.rps(l.measured.throughput), ChartFormat.rps(l.simulated.throughput))
        }
    }

    /// The mean absolute error per metric over the levels, and over every metric and level.
    func maeTable() -> HTMLTable {
        let a = record.accuracy
        var t = HTMLTable(["mean absolute error"] + AccuracyMetric.allCases.map(\.rawValue) + ["all"], numeric: Set(1...AccuracyMetric.allCases.count + 1))
        t.add(["over \(a.rows.count) level\(a.rows.count == 1 ? "" : "s")"] + AccuracyMetric.allCases.map { a.meanAbsoluteError($0).map(Self.percent) ?? "—" }
              + [a.meanAbsoluteError.map(Self.percent) ?? "—"])
        return t
    }

    static func utilization(_ m: RouteModel, rate: Double, cost: Double) -> Double { m.utilization(at: rate, cost: cost) }

    /// The levels simulated with the cost per request the server measured at each; nil
    /// without those costs.
    func givenTable() -> HTMLTable? {
        let given = record.givenMeasuredCost, costs = record.costs
        guard !given.isEmpty, given.count == costs.count else { return nil }
        var t = HTMLTable(["level", "cost per request", "model ρ", "simulated p50", "error", "simulated p99", "error", "targets"], numeric: [1, 2, 3, 4, 5, 6])
        for (c, cost) in zip(given, costs) {
            t.add([Percent(fraction: c.level).description, Self.ms(cost), ChartFormat.percent(Self.utilization(record.model, rate: c.measured.rate, cost: cost)),
                   Self.ms(c.simulated.p50), Self.signed(c.p50Error), Self.ms(c.simulated.p99), Self.signed(c.p99Error), c.withinTargets ? "met" : "missed"])
        }
        return t
    }
}
