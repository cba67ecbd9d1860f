import CapsimModel
import Foundation
import Simulation

/// Faults in the HTML report: a section near the top saying what was injected and what it
/// did, and each fault's window shaded on every chart so the reader sees where it struck.
/// Both are empty for a run without faults, whose report stays as it was.
extension HTMLSimulationReport {
    func faultSection() -> String {
        let rows = FaultTable.rows(result, clock: clock)
        guard !rows.isEmpty else { return "" }
        var t = HTMLTable(FaultTable.header, numeric: FaultTable.numeric)
        for row in rows {
            t.add(row.enumerated().map { i, v in
                i == 0 && !v.isEmpty ? HTMLTable.markup("<b>\(esc(v))</b>") : HTMLTable.text(v, i == FaultTable.effectColumn ? "reason" : nil)
            })
        }
        return "<h2 id=\"faults\">Faults</h2><p>" + esc(FaultTable.intro) + " Each window is shaded on every chart below.</p>" + t.render()
    }

    /// One marked band per fault, drawn over the warm-up and surge bands.
    var faultBands: [SVGChart.Band] {
        (result.faults ?? []).map { f in
            .init(from: f.start, to: f.end, label: f.name, color: ChartPalette.fault, opacity: 0.13, marked: true,
                  title: "fault \(f.name), \(FaultTable.window(f, clock: clock)): \(f.kind) of \(f.target); \(f.effect)")
        }
    }
}
