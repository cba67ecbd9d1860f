import CapsimModel
import Foundation
import Planning
@testable import Reporting
import Simulation
import Testing

/// Regenerates the committed samples in reports/sample/ when CAPSIM_WRITE_SAMPLES=1 (skipped
/// otherwise): the teaching holiday-surge scenario's run as HTML and Markdown. With
/// CAPSIM_SAMPLE_SCENARIO=path (and optionally CAPSIM_SAMPLE_DURATION=seconds) it writes
/// that scenario's run and plan reports instead, named after the scenario.
@Test(.enabled(if: ProcessInfo.processInfo.environment["CAPSIM_WRITE_SAMPLES"] == "1"))
func writeSampleReports() throws {
    let env = ProcessInfo.processInfo.environment
    let path = env["CAPSIM_SAMPLE_SCENARIO"] ?? "scenarios/teaching/holiday-surge.yaml"
    let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    let s = try loadFile(path)
    let r = try simulate(s, duration: env["CAPSIM_SAMPLE_DURATION"].flatMap(Double.init))
    let out = env["CAPSIM_SAMPLE_DIR"] ?? "reports/sample"
    let dir = out.hasPrefix("/") ? URL(fileURLWithPath: out) : repoRoot.appendingPathComponent(out)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    try HTMLReport.simulation(r, scenario: s, runID: nil).write(to: dir.appendingPathComponent("\(stem)-report.html"), atomically: true, encoding: .utf8)
    try MarkdownReport.simulation(r, scenario: s, runID: nil).write(to: dir.appendingPathComponent("\(stem)-report.md"), atomically: true, encoding: .utf8)
    let p = Planner.plan(s)
    try HTMLReport.plan(p, scenario: s, runID: nil).write(to: dir.appendingPathComponent("\(stem)-plan.html"), atomically: true, encoding: .utf8)
}
