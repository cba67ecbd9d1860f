import Foundation

/// The one line a command says on stderr when it ends, whatever its exit code: the files it
/// wrote (grouped by folder) and the runs it recorded, so that stdout carries only the
/// command's answer and a script piping it never has to skip a "wrote …" line.
public enum OutputNotice {
    /// "wrote reports/x/ (summary.json, timeline.csv); recorded as run 7 (capsim runs show 7)",
    /// or nil when the command wrote and recorded nothing. Folders and files keep the order
    /// they were first written in.
    public static func line(files: [String], runs: [Int64], sweeps: [Int64] = [], calibrations: [Int64] = []) -> String? {
        var parts: [String] = []
        var groups: [(dir: String, names: [String])] = []
        for f in files {
            let dir = (f as NSString).deletingLastPathComponent, name = (f as NSString).lastPathComponent
            if let i = groups.firstIndex(where: { $0.dir == dir }) { groups[i].names.append(name) } else { groups.append((dir, [name])) }
        }
        let shown = groups.map { g in
            g.names.count == 1 ? (g.dir.isEmpty ? g.names[0] : g.dir + "/" + g.names[0]) : "\(g.dir)/ (\(g.names.joined(separator: ", ")))"
        }
        if !shown.isEmpty { parts.append("wrote " + shown.joined(separator: ", ")) }
        if runs.count == 1 { parts.append("recorded as run \(runs[0]) (capsim runs show \(runs[0]))") }
        if runs.count > 1 { parts.append("recorded as runs " + runs.map(String.init).joined(separator: ", ")) }
        if !sweeps.isEmpty { parts.append("recorded as sweep " + sweeps.map(String.init).joined(separator: ", ") + (sweeps.count == 1 ? " (capsim runs sweeps)" : "")) }
        if calibrations.count == 1 { parts.append("recorded as calibration \(calibrations[0]) (capsim runs calibration \(calibrations[0]))") }
        if calibrations.count > 1 { parts.append("recorded as calibrations " + calibrations.map(String.init).joined(separator: ", ")) }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}
