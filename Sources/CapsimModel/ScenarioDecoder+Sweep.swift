import Foundation
import Yams

// `sweep:`: the grid `capsim sweep` runs when no --vary flag is given.
//
//   sweep:
//     replications: 5
//     vary:
//       services.payments-service.replicas.max: [4, 6, 10]
//       services.payments-service.hpa.target: [60%, 70%]

extension ScenarioDecoder {
    func sweep(_ node: Node) -> SweepSpec? {
        guard let o = Obj(r, node, "sweep", kind: "sweep", required: ["vary"]) else { return nil }
        let replications = o.int("replications")
        if let n = replications, n < 1 || n > 10_000 { r.error(o.sub("replications"), "expected 1 to 10000 replications per point, got \(n)") }
        var axes: [SweepAxis] = []
        guard let vary = o["vary"] else { return nil }
        guard case .mapping(let m) = vary else {
            r.error(at: vary.mark, o.sub("vary"), "expected a mapping of scenario paths to lists of values, like {services.api.replicas.max: [4, 8]}, got \(shown(vary))")
            return nil
        }
        if m.isEmpty { r.error(at: vary.mark, o.sub("vary"), "names no path to vary; give at least one, like services.api.replicas.max: [4, 8]") }
        for (k, v) in m {
            guard case .scalar(let ks) = k else { r.error(at: k.mark, o.sub("vary"), "a path is a dotted key like services.api.replicas.max, got \(shown(k))"); continue }
            let path = "sweep.vary.\(ks.string)"
            r.record(path, v)
            guard case .sequence(let seq) = v else { r.error(at: v.mark, path, "expected a list of values, like [4, 6, 10], got \(shown(v))"); continue }
            if seq.isEmpty { r.error(at: v.mark, path, "the list of values is empty; give at least one"); continue }
            let values = seq.map { SweepValue(text: Self.overrideText($0), place: $0.mark.map { SourcePlace(line: $0.line, column: $0.column) }) }
            if let dup = SweepAxis.firstDuplicate(values.map(\.text)) { r.error(at: v.mark, path, "the value \"\(dup)\" is listed twice"); continue }
            axes.append(SweepAxis(path: ks.string, values: values, place: k.mark.map { SourcePlace(line: $0.line, column: $0.column) }))
        }
        return SweepSpec(axes: axes, replications: replications)
    }

    /// A value as `--set` reads it: a scalar's text, a mapping or list in flow style.
    static func overrideText(_ n: Node) -> String {
        switch n {
        case .scalar(let s): return s.style == .plain ? s.string : "\"" + s.string.replacingOccurrences(of: "\"", with: "\\\"") + "\""
        case .mapping(let m): return "{" + m.map { overrideText($0.key) + ": " + overrideText($0.value) }.joined(separator: ", ") + "}"
        case .sequence(let q): return "[" + q.map(overrideText).joined(separator: ", ") + "]"
        case .alias: return ""
        }
    }
}
