import CapsimModel
import Foundation
import Simulation

/// The run's faults as one table for the Markdown and HTML reports, so both say the same: a
/// row per fault and route in the fault's window, the fault's own columns filled on its first
/// row (as `ScheduleEffectTable` does for schedule rules). The terminal's version is
/// `SimulationRenderer.faultLines` with the window tables after it.
enum FaultTable {
    static let header = ["fault", "window", "kind and target", "effect", "pods lost", "work cut off with them",
                         "route in the window", "arrivals", "failed", "lost with pod", "retries", "offered ÷ original", "p99"]
    /// Right-aligned in HTML.
    static let numeric: Set<Int> = [4, 5, 7, 8, 9, 10, 11, 12]
    /// The effect's column, which may wrap.
    static let effectColumn = 3
    static let intro = "Failures injected into the run, and each route in each fault's window (arrivals, completions and failures in the window). "
        + "Failed counts every request that failed for good, those lost with their pod included; "
        + "offered ÷ original = (arrivals + retries) ÷ arrivals, the load the retries added."

    /// `30:00–40:00`, in simulated time from the start (as the terminal table has it), with the
    /// wall-clock times when the run is anchored, since then the charts' axes are in EAT.
    static func window(_ f: FaultSummary, clock: ChartClock) -> String {
        "\(formatElapsed(f.start))–\(formatElapsed(f.end))" + (clock.anchored ? " (\(clock.short(f.start))–\(clock.short(f.end)) EAT)" : "")
    }

    static func rows(_ r: SimulationResult, clock: ChartClock) -> [[String]] {
        var out: [[String]] = []
        for f in r.faults ?? [] {
            let effect = f.effect + (SimulationRenderer.failoverText(f).map { "; " + $0 } ?? "")
            let fault = [f.name, window(f, clock: clock), "\(f.kind) of \(f.target)", effect, ChartFormat.grouped(f.podsLost), ChartFormat.grouped(f.requestsLost)]
            // The window is measured under the fault's name (the validator keeps it apart from
            // surges and seasons); routes with nothing in it are left out, as in the terminal.
            let routes = (r.windows?.first { $0.window == f.name }?.routes ?? []).filter { $0.arrivals > 0 || $0.completed > 0 }
            if routes.isEmpty { out.append(fault + ["—", "", "", "", "", "", ""]); continue }
            for (i, x) in routes.enumerated() {
                out.append((i == 0 ? fault : fault.map { _ in "" })
                           + [x.name, ChartFormat.grouped(x.arrivals), ChartFormat.grouped(x.failures), ChartFormat.grouped(x.podLost ?? 0),
                              ChartFormat.grouped(x.retries ?? 0), x.amplification.map { String(format: "%.2f×", $0) } ?? "—",
                              ChartFormat.latency(x.latency?.p99)])
            }
        }
        return out
    }
}
