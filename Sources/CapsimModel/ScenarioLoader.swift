import Foundation
import Yams

/// The one way to get a `Scenario`: parse YAML, apply `--set` overrides, decode with
/// defaults, validate. Either a scenario or every problem found, never a partial value.
public enum ScenarioLoader {
    /// Loads `path`; `overrides` are `key.path=value` strings applied before decoding.
    public static func load(path: String, overrides: [String] = [], for use: ScenarioUse = .any) throws(ScenarioErrors) -> Scenario {
        try loadWithText(path: path, overrides: overrides, for: use).scenario
    }

    /// The scenario and the exact text it was read from: a command that stores the text with
    /// its run must not read the file again afterwards (it may have been edited meanwhile).
    public static func loadWithText(path: String, overrides: [String] = [], for use: ScenarioUse = .any) throws(ScenarioErrors) -> (scenario: Scenario, text: String) {
        let text = try read(path)
        return (try parse(text, file: path, overrides: overrides, for: use), text)
    }

    /// A file's text, or a located "cannot read" diagnostic.
    static func read(_ path: String) throws(ScenarioErrors) -> String {
        do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ScenarioErrors(diagnostics: [Diagnostic(file: path, line: 1, column: 1, path: "", message: "cannot read the file: \((error as NSError).localizedDescription)")])
        }
    }

    /// The YAML node tree of `text`, or every syntax problem as located diagnostics;
    /// `empty` says what the file should have held.
    static func compose(_ text: String, file: String, empty: String) throws(ScenarioErrors) -> Node {
        do {
            if let node = try Yams.compose(yaml: text) { return node }
        } catch let e as YamlError {
            throw ScenarioErrors(diagnostics: [yamlDiagnostic(e, file: file, text: text)])
        } catch {
            throw ScenarioErrors(diagnostics: [Diagnostic(file: file, line: 1, column: 1, path: "", message: "\(error)")])
        }
        throw ScenarioErrors(diagnostics: [Diagnostic(file: file, line: 1, column: 1, path: "", message: "the file is empty; \(empty)")])
    }

    public static func parse(_ text: String, file: String, overrides: [String] = [], for use: ScenarioUse = .any) throws(ScenarioErrors) -> Scenario {
        let r = YAMLReader(file: file)
        var tree = try compose(text, file: file, empty: "a scenario starts with \"capsim: 1\"")
        for o in overrides { Overrides.apply(o, to: &tree, r: r) }
        let decoded = ScenarioDecoder(r: r).scenario(tree)
        // Validate even after decoding errors, so the user sees every problem at once; the
        // reader drops a validation error on a path that already has one (see `YAMLReader.error`).
        if let s = decoded {
            r.validating = true
            ScenarioValidator(r: r, s: s).run()
            if use == .simulation { for problem in s.unfitForSimulation { r.error(problem.path, problem.message) } }
        }
        guard let s = decoded, r.diagnostics.isEmpty else { throw ScenarioErrors(diagnostics: r.sortedDiagnostics()) }
        return s
    }

    /// libyaml's errors, reworded: its context ("while parsing a flow mapping") names where
    /// the trouble began, which is the place the user must look, so that is the location given.
    /// Reads a checks file (`capsim: 1` and an `expect:` list in the scenario's own format) and
    /// validates its expectations against `scenario`: names must resolve there.
    public static func loadExpectations(path: String, for scenario: Scenario) throws(ScenarioErrors) -> [Expectation] {
        let text = try read(path)
        let r = YAMLReader(file: path)
        let root = try compose(text, file: path, empty: "a checks file holds \"capsim: 1\" and an expect: list")
        let d = ScenarioDecoder(r: r)
        var list: [Expectation] = []
        if let o = Obj(r, root, "", kind: "checks", required: ["capsim", "expect"]) {
            if let v = o.int("capsim"), v != ScenarioFormat.version { r.error(o.sub("capsim"), "unsupported format version \(v); this capsim reads version \(ScenarioFormat.version)") }
            list = o.items("expect") { d.expectation($0, $1, currency: scenario.currency) } ?? []
        }
        r.validating = true
        ScenarioValidator(r: r, s: scenario.with(expectations: list)).expectations()
        if !r.diagnostics.isEmpty { throw ScenarioErrors(diagnostics: r.sortedDiagnostics()) }
        return list
    }

    static func yamlDiagnostic(_ e: YamlError, file: String, text: String) -> Diagnostic {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        func d(_ line: Int, _ col: Int, _ msg: String) -> Diagnostic {
            Diagnostic(file: file, line: min(max(1, line), max(1, lines.count)), column: max(1, col), path: "", message: "invalid YAML: " + msg)
        }
        switch e {
        case .scanner(let ctx, let problem, let mark, _), .parser(let ctx, let problem, let mark, _), .composer(let ctx, let problem, let mark, _):
            let lineText = mark.line >= 1 && mark.line <= lines.count ? String(lines[mark.line - 1]) : ""
            if problem.contains("cannot start any token"), lineText.prefix(while: { $0 == " " || $0 == "\t" }).contains("\t") {
                return d(mark.line, 1, "a tab indents this line; YAML indents with spaces only")
            }
            guard let ctx else { return d(mark.line, mark.column, problem) }
            let where_ = "(the parser stopped at \(mark.line):\(mark.column))"
            switch ctx.text {
            case "while scanning a quoted scalar":
                return d(ctx.mark.line, ctx.mark.column, "this quoted value is never closed (the file ends inside it)")
            case "while parsing a flow mapping":
                return d(ctx.mark.line, ctx.mark.column, "this flow mapping is never closed: \(problem) \(where_)")
            case "while parsing a flow sequence":
                return d(ctx.mark.line, ctx.mark.column, "this flow list is never closed: \(problem) \(where_)")
            case "while parsing a block mapping":
                return d(mark.line, mark.column, "\(problem): is this line indented to match the mapping that starts at \(ctx.mark.line):\(ctx.mark.column)?")
            default:
                return d(mark.line, mark.column, "\(problem) (\(ctx.text) at \(ctx.mark.line):\(ctx.mark.column))")
            }
        case .duplicatedKeysInMapping(let dups, let ctx):
            return duplicateKey(dups.first ?? "", mappingAt: ctx.mark, lines: lines, file: file)
        default:
            return d(1, 1, "\(e)")
        }
    }

    /// Yams reports a duplicate key at the start of its mapping; find the second occurrence
    /// (same indentation, same key) so the message points at the line to delete.
    static func duplicateKey(_ key: String, mappingAt mark: Mark, lines: [Substring], file: String) -> Diagnostic {
        let indent = mark.column - 1
        var seen: (Int, Int)?
        var l = mark.line
        while l <= lines.count {
            let line = lines[l - 1]
            let lead = line.prefix(while: { $0 == " " }).count
            if l > mark.line && lead < indent && !line.trimmingCharacters(in: .whitespaces).isEmpty && !line.trimmingCharacters(in: .whitespaces).hasPrefix("#") { break }
            let rest = line.dropFirst(lead)
            if lead == indent && (rest.hasPrefix(key + ":") || rest.hasPrefix("\"\(key)\":")) {
                if let first = seen {
                    return Diagnostic(file: file, line: l, column: lead + 1, path: "",
                                      message: "duplicate key \"\(key)\" (first written at \(first.0):\(first.1)); YAML allows each key once per mapping")
                }
                seen = (l, lead + 1)
            }
            l += 1
        }
        return Diagnostic(file: file, line: mark.line, column: mark.column, path: "",
                          message: "duplicate key \"\(key)\" in the mapping that starts here; YAML allows each key once per mapping")
    }
}

/// `--set key.path=value`: replaces (or adds) one scalar in the node tree before decoding, so
/// an override is validated exactly like the file. Names containing dots (topics such as
/// `transaction.completed`) match greedily against the keys present.
enum Overrides {
    static func apply(_ text: String, to root: inout Node, r: YAMLReader) {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
            r.error(at: nil, "", "expected key.path=value, got \"\(text)\"")
            return
        }
        let key = String(text[..<eq]), value = String(text[text.index(after: eq)...])
        if key == FaultFlag.key { FaultFlag.apply(value, to: &root); return }
        let segments = key.split(separator: ".").map(String.init)
        // A value may be YAML of its own (`{low: 4%, mid: 6%, high: 8%}`, `[6, 12]`, a quoted
        // string, which loses its quotes as in the file); a plain scalar stays text. Either way
        // it carries no mark, so errors name the override.
        var node = Node(value, .implicit, .plain)
        if value.hasPrefix("{") || value.hasPrefix("[") || value.hasPrefix("\"") || value.hasPrefix("'"), let parsed = try? Yams.compose(yaml: value) { node = stripMarks(parsed) }
        if !set(&root, segments[...], value: node) {
            r.error(at: nil, key, "no such place in the scenario to set (a value can be replaced inside an existing mapping or list)")
        }
    }

    /// The same tree without source marks (an override's values are not in the file).
    static func stripMarks(_ n: Node) -> Node {
        switch n {
        case .scalar(let s): return .scalar(.init(s.string, s.tag, s.style, nil))
        case .mapping(let m): return .mapping(.init(m.map { (stripMarks($0.key), stripMarks($0.value)) }, m.tag, m.style, nil))
        case .sequence(let q): return .sequence(.init(q.map(stripMarks), q.tag, q.style, nil))
        case .alias: return n
        }
    }

    private static func set(_ node: inout Node, _ segs: ArraySlice<String>, value: Node) -> Bool {
        guard let first = segs.first else { return false }
        if case .mapping(var m) = node {
            // The longest run of segments that names an existing key (names may contain dots).
            for n in stride(from: segs.count, through: 1, by: -1) {
                var key = segs.prefix(n).joined(separator: ".")
                var index: Int? = nil
                if let b = key.firstIndex(of: "["), key.hasSuffix("]"), let i = Int(key[key.index(after: b)..<key.index(before: key.endIndex)]) {
                    index = i
                    key = String(key[..<b])
                }
                let rest = segs.dropFirst(n)
                if var child = m[key] {
                    if let i = index {
                        guard case .sequence(var seq) = child, i >= 0, i < seq.count else { return false }
                        var item = seq[i]
                        if rest.isEmpty { item = value } else if !set(&item, rest, value: value) { return false }
                        seq[i] = item
                        child = .sequence(seq)
                    } else if rest.isEmpty {
                        child = value
                    } else if !set(&child, rest, value: value) {
                        return false
                    }
                    m[key] = child
                    node = .mapping(m)
                    return true
                }
            }
            // A new leaf key in an existing mapping.
            if segs.count == 1 && !first.contains("[") {
                m[first] = value
                node = .mapping(m)
                return true
            }
        }
        return false
    }
}
