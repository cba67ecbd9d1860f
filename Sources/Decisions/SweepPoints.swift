import Foundation
import CapsimModel

/// The scenario at each point of a sweep's grid: the file's text with the command's `--set`
/// overrides and the point's values applied, decoded and validated like any scenario.
public enum SweepPoints {
    /// Every point's scenario, or every problem of every point at once. A problem a point's
    /// value causes is reported at that value in the `sweep:` section (or as a `--vary`
    /// problem), once, however many points share it.
    public static func load(text: String, file: String, overrides: [String], spec: SweepSpec, flag: String = "--vary") throws(ScenarioErrors) -> [Scenario] {
        var scenarios: [Scenario] = [], problems: [Diagnostic] = []
        for values in spec.points {
            do {
                scenarios.append(try ScenarioLoader.parse(text, file: file, overrides: overrides + spec.overrides(values)))
            } catch {
                for d in error.diagnostics {
                    let located = locate(d, values: values, spec: spec, flag: flag)
                    if !problems.contains(located) { problems.append(located) }
                }
            }
        }
        if !problems.isEmpty { throw ScenarioErrors(diagnostics: problems.sorted { ($0.line, $0.column, $0.message) < ($1.line, $1.column, $1.message) }) }
        return scenarios
    }

    /// A problem with no place in the file came from an override: if it is the point's own value,
    /// say which axis and value, at the value's place in the `sweep:` section when it has one.
    static func locate(_ d: Diagnostic, values: [String], spec: SweepSpec, flag: String) -> Diagnostic {
        guard d.line == 0 else { return d }
        for (axis, value) in zip(spec.axes, values) where d.path == axis.path || d.path.hasPrefix(axis.path + ".") || axis.path.hasPrefix(d.path + ".") {
            // A path that names nothing is the axis's problem, whatever the value: say it once.
            let ofPath = d.path == axis.path && d.message.hasPrefix("no such place")
            let place = ofPath ? axis.place : axis.values.first { $0.text == value }?.place
            let message = ofPath ? d.message : "with the value \(value): " + d.message
            if let place { return Diagnostic(file: d.file, line: place.line, column: place.column, path: "sweep.vary." + axis.path, message: message) }
            return Diagnostic(file: d.file, line: 0, column: 0, path: d.path, message: message, flag: flag)
        }
        return d
    }
}
