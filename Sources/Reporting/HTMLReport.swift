import CapsimModel
import Foundation
import Planning
import Simulation

/// Self-contained HTML capacity reports: one file with inline CSS and inline SVG charts, no
/// scripts and no network fetches, deterministic for its inputs (no generation date), and
/// printable. `simulation` shows a run service by service over time; `plan` shows the seed's
/// formula factor by factor, instances against the HPA's max, uncertainty, Erlang C and cost.
public enum HTMLReport {
    public static func simulation(_ r: SimulationResult, scenario: Scenario, runID: Int64?) -> String {
        HTMLSimulationReport(result: r, scenario: scenario, runID: runID).render()
    }

    public static func plan(_ p: CapacityPlan, scenario: Scenario, runID: Int64?) -> String {
        HTMLPlanReport(plan: p, scenario: scenario, runID: runID).render()
    }
}

/// Colours used across the reports (also the legend swatches).
enum ChartPalette {
    static let replicas = "#1e3a8a"
    static let ready = "#10b981"
    static let starting = "#f59e0b"
    static let scaleUp = "#7c3aed"
    static let scaleDown = "#ea580c"
    static let alert = "#dc2626"
    static let p50 = "#0ea5e9"
    static let p95 = "#f59e0b"
    static let p99 = "#7c3aed"
    static let mean = "#64748b"
    static let queue = "#0891b2"
    static let cpu = "#2563eb"
    static let arrivals = "#94a3b8"
    static let throughput = "#059669"
    static let drops = "#dc2626"
    static let cost = "#0f766e"
    static let slo = "#dc2626"
    static let target = "#c2410c"
    static let trigger = "#a21caf"
    static let limit = "#6b7280"
    static let warmup = "#9ca3af"
    static let surge = "#f59e0b"
    static let zoneSafe = "#0d9488"
    /// Rose, apart from the surge's amber and the warm-up's grey: a fault's window.
    static let fault = "#e11d48"
    /// One colour per service or route, by position.
    static let series = ["#1d4ed8", "#059669", "#d97706", "#7c3aed", "#dc2626", "#0891b2", "#4b5563", "#db2777", "#65a30d", "#9333ea", "#0f766e", "#b45309"]
    static func nth(_ i: Int) -> String { series[i % series.count] }
}
