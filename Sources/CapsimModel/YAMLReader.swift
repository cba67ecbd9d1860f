import Yams

/// Reads a Yams node tree while recording every problem with its location and key path.
///
/// Each accessor returns nil after reporting when a value is malformed, so decoding goes on
/// and the user sees every problem in the file at once. Locations of all values read are
/// kept by key path for the validator, which runs after decoding.
final class YAMLReader {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []
    private(set) var locations: [String: Mark] = [:]

    init(file: String) { self.file = file }

    func error(at mark: Mark?, _ path: String, _ message: String) {
        // A value without a mark came from `--set`, not from the file: line 0 says so.
        // Fault rows without a mark came from `--fault`.
        let flag = mark == nil && path.hasPrefix("faults") ? "--fault" : nil
        diagnostics.append(Diagnostic(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0, path: path, message: message, flag: flag))
    }

    /// Set once decoding is done: from then on a problem on a path that already has one (or
    /// under a path that does) is not reported again, since it follows from the first.
    var validating = false {
        didSet { decodeErrors = diagnostics.count }
    }
    /// How many diagnostics decoding produced; only those suppress validation errors, so one
    /// validation error never hides another.
    private var decodeErrors = 0

    /// Reports at the recorded location of `path`, or of its nearest recorded ancestor.
    func error(_ path: String, _ message: String) {
        if validating && diagnostics.prefix(decodeErrors).contains(where: { d in
            d.path == path || path.hasPrefix(d.path + ".") || path.hasPrefix(d.path + "[") || d.path.hasPrefix(path + ".")
        }) { return }
        error(at: location(of: path), path, message)
    }

    func isRecorded(_ path: String) -> Bool { locations[path] != nil }

    func location(of path: String) -> Mark? {
        var p = Substring(path)
        while true {
            if let m = locations[String(p)] { return m }
            // A value a flag added has no place in the file: its problems name the flag instead.
            if unmarked.contains(String(p)) { return nil }
            guard let cut = p.lastIndex(where: { $0 == "." || $0 == "[" }) else { return locations[""] }
            p = p[..<cut]
        }
    }

    /// For lists decoded with `Obj.items`: the original index of each element kept, so the
    /// validator names `triggers[2]` even when `triggers[1]` failed to decode and was dropped.
    private var kept: [String: [Int]] = [:]

    func keep(_ list: String, _ indices: [Int]) { kept[list] = indices }

    /// The path of the i-th decoded element of `list`, by its index in the file.
    func item(_ list: String, _ i: Int) -> String {
        "\(list)[\(kept[list].flatMap { $0.indices.contains(i) ? $0[i] : nil } ?? i)]"
    }

    func record(_ path: String, _ node: Node) {
        if node.mark == nil { unmarked.insert(path) } else if locations[path] == nil { locations[path] = node.mark }
    }
    /// Paths recorded from values without a mark (added by `--set` or `--fault`).
    private var unmarked: Set<String> = []

    func sortedDiagnostics() -> [Diagnostic] {
        diagnostics.enumerated().sorted { a, b in
            (a.element.line, a.element.column, a.offset) < (b.element.line, b.element.column, b.offset)
        }.map(\.element)
    }
}

/// The text of a scalar as written, for messages ("got \"five\"").
func shown(_ node: Node) -> String {
    switch node {
    case .scalar(let s): return isNull(s) ? "an empty value" : "\"\(s.string)\""
    case .mapping: return "a mapping"
    case .sequence: return "a list"
    case .alias: return "an alias"
    }
}

func describe(_ node: Node) -> String { shown(node) }

/// One YAML mapping being read as an object of the format: checks keys against
/// `ScenarioFormat.objects[kind]`, and offers typed accessors that report at the value.
struct Obj {
    let r: YAMLReader
    let path: String
    let node: Node
    private(set) var values: [String: Node] = [:]
    private var keyNodes: [String: Node] = [:]
    /// Known keys that unknown keys were taken to be typos of ("replcias" → "replicas"), so
    /// the missing key is not reported a second time.
    private(set) var typoTargets: Set<String> = []

    /// Returns nil (after reporting) when `node` is not a mapping.
    init?(_ r: YAMLReader, _ node: Node, _ path: String, kind: String, required: [String] = []) {
        self.r = r; self.path = path; self.node = node
        r.record(path, node)
        guard case .mapping(let m) = node else {
            r.error(at: node.mark, path, "expected a mapping (\(kind.replacingOccurrences(of: "_", with: " "))), got \(shown(node))")
            return nil
        }
        let allowed = ScenarioFormat.objects[kind] ?? []
        var merged: [(Node, Node)] = []
        for (k, v) in m {
            // YAML merge keys (`<<: *base`): the base's keys, where this mapping has none of its own.
            if case .scalar(let ks) = k, ks.string == "<<", ks.style == .plain {
                let bases: [Node] = { if case .sequence(let s) = v { return Array(s) }; return [v] }()
                for b in bases {
                    guard case .mapping(let bm) = b else { r.error(at: v.mark, join(path, "<<"), "a merge key takes a mapping (or a list of them), got \(shown(v))"); continue }
                    merged += bm.map { ($0.key, $0.value) }.filter { k, _ in
                        guard case .scalar(let bk) = k else { return true }
                        return !m.contains { mk, _ in mk.string == bk.string }
                    }
                }
                continue
            }
            merged.append((k, v))
        }
        for (k, v) in merged {
            guard case .scalar(let ks) = k else { r.error(at: k.mark, path.isEmpty ? "(top level)" : path, "keys must be plain words, got \(shown(k))"); continue }
            let key = ks.string
            if !allowed.contains(key) {
                let suggestion = suggestion(for: key, among: allowed)
                if let sgg = suggestion { typoTargets.insert(sgg) }
                // No near key: show the keys this mapping takes, so the expected form is one look away.
                r.error(at: k.mark, join(path, key), "unknown key \"\(key)\"" + (suggestion.map { "; did you mean \"\($0)\"?" }
                        ?? "; \(kind.replacingOccurrences(of: "_", with: " ")) takes \(allowed.joined(separator: ", "))"))
                continue
            }
            values[key] = v
            keyNodes[key] = k
            r.record(join(path, key), v)
        }
        for key in required where values[key] == nil && !typoTargets.contains(key) {
            r.error(at: node.mark, join(path, key), "missing required key")
        }
    }

    func sub(_ key: String) -> String { join(path, key) }
    subscript(key: String) -> Node? { values[key] }
    var keys: [String] { values.keys.sorted() }
    func has(_ key: String) -> Bool { values[key] != nil }

    /// A scalar's text, reporting non-scalars.
    func text(_ key: String) -> String? {
        guard let v = values[key] else { return nil }
        return scalarText(r, v, sub(key))
    }

    func string(_ key: String) -> String? { text(key) }

    func parse<T>(_ key: String, _ what: String, _ example: String, _ f: (String) -> T?) -> T? {
        guard let v = values[key] else { return nil }
        return parseScalar(r, v, sub(key), what, example, f)
    }

    // Every number is bounded as it is read (`Bounds`), so nothing downstream can trap on it.
    func duration(_ key: String) -> Double? {
        within(key, parse(key, "a duration", Duration.example) { Duration(parsing: $0)?.seconds }, { $0 }, Bounds.seconds, "366d")
    }
    func rate(_ key: String) -> Double? { within(key, parse(key, "a rate", Rate.example) { Rate(parsing: $0)?.perSecond }, { $0 }, Bounds.perSecond, "1G/s") }
    func percent(_ key: String) -> Double? {
        within(key, parse(key, "a percentage", Percent.example) { Percent(parsing: $0)?.fraction }, { $0 }, Bounds.fraction, "10000%")
    }
    func cpu(_ key: String) -> CPU? {
        guard let c = within(key, parse(key, "a CPU quantity", CPU.example, CPU.init(parsing:)), { $0.millicores }, Bounds.millicoresCeiling, "1000000 cores") else { return nil }
        if c.millicores > 0 && c.millicores < Bounds.millicoresFloor {
            r.error(at: values[key]?.mark, sub(key), "expected at least 1m (Kubernetes refuses CPU finer than a millicore), got \"\(text(key) ?? "")\"")
            return nil
        }
        return c
    }
    func memory(_ key: String) -> Memory? { within(key, parse(key, "a memory quantity", Memory.example, Memory.init(parsing:)), { $0.bytes }, Bounds.bytes, "1Pi") }
    func money(_ key: String) -> Money? {
        within(key, parse(key, "an amount with a currency", Money.example, Money.init(parsing:)), { $0.amount }, Bounds.amount, "1000000000000")
    }
    func number(_ key: String) -> Double? { within(key, parse(key, "a number", "\"2.5\"", parseDecimal), { $0 }, Bounds.number, "1000000000") }
    func count(_ key: String) -> Double? { within(key, parse(key, "a count", "\"100k\"", parseCount), { $0 }, Bounds.count, "1e18") }

    func int(_ key: String) -> Int? {
        within(key, parse(key, "a whole number", "\"3\"", parseWhole), { Double($0) }, Double(Bounds.whole), "2147483647")
    }

    func bool(_ key: String) -> Bool? {
        parse(key, "true or false", "\"true\"") { ["true": true, "false": false, "yes": true, "no": false][$0.lowercased()] }
    }

    func choice<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type) -> E? where E.RawValue == String {
        guard let t = text(key) else { return nil }
        if let e = E(rawValue: t) { return e }
        let names = E.allCases.map(\.rawValue)
        r.error(at: values[key]?.mark, sub(key), "expected one of \(names.joined(separator: ", ")), got \"\(t)\"" + didYouMean(t, names))
        return nil
    }

    func list(_ key: String) -> [(Node, String)]? {
        guard let v = values[key] else { return nil }
        guard case .sequence(let s) = v else {
            r.error(at: v.mark, sub(key), "expected a list, got \(shown(v))")
            return nil
        }
        return s.enumerated().map { i, n in
            let p = "\(sub(key))[\(i)]"
            r.record(p, n)
            return (n, p)
        }
    }

    /// Decodes each element of a list with `f`, dropping (already reported) failures while
    /// remembering the survivors' original indices for later messages.
    func items<T>(_ key: String, _ f: (Node, String) -> T?) -> [T]? {
        guard let list = list(key) else { return nil }
        var out: [T] = [], idx: [Int] = []
        for (i, (n, p)) in list.enumerated() { if let v = f(n, p) { out.append(v); idx.append(i) } }
        r.keep(sub(key), idx)
        return out
    }

    /// A mapping of user-chosen names (services, routes, topics) to objects.
    func named(_ key: String) -> [(name: String, node: Node, path: String)]? {
        guard let v = values[key] else { return nil }
        guard case .mapping(let m) = v else {
            r.error(at: v.mark, sub(key), "expected a mapping of names, got \(shown(v))")
            return nil
        }
        var out: [(String, Node, String)] = []
        for (k, n) in m {
            guard case .scalar(let ks) = k else { r.error(at: k.mark, sub(key), "names must be plain words"); continue }
            let p = join(sub(key), ks.string)
            r.record(p, n)
            out.append((ks.string, n, p))
        }
        return out
    }
}

func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

/// A plain scalar YAML reads as null: nothing, `~` or `null`.
func isNull(_ s: Node.Scalar) -> Bool {
    s.style == .plain && ["", "~", "null", "Null", "NULL"].contains(s.string)
}

func scalarText(_ r: YAMLReader, _ v: Node, _ path: String, what: String = "a single value") -> String? {
    guard case .scalar(let s) = v else {
        r.error(at: v.mark, path, "expected \(what), got \(shown(v))")
        return nil
    }
    if isNull(s) {
        r.error(at: v.mark, path, "missing value: expected \(what)")
        return nil
    }
    return s.string
}

func parseScalar<T>(_ r: YAMLReader, _ v: Node, _ path: String, _ what: String, _ example: String, _ f: (String) -> T?) -> T? {
    guard case .scalar(let s) = v else {
        r.error(at: v.mark, path, "expected \(what) like \(example), got \(shown(v))")
        return nil
    }
    if isNull(s) {
        r.error(at: v.mark, path, "missing value: expected \(what) like \(example)")
        return nil
    }
    if let x = f(s.string) { return x }
    r.error(at: v.mark, path, "expected \(what) like \(example), got \"\(s.string)\"")
    return nil
}

/// A whole number, allowing SI suffixes (`1.5k` = 1500) within floating-point rounding.
func parseWhole(_ t: String) -> Int? {
    guard let v = parseCount(t), abs(v) < 1e15 else { return nil }
    let r = v.rounded()
    return abs(v - r) <= 1e-9 * max(1, abs(v)) ? Int(r) : nil
}
