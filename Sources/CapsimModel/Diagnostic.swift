/// A problem found in a scenario, located in its file.
///
/// Printed as compilers print them, so editors and CI annotate the line:
/// `scenarios/x.yaml:41:12: error: services.payments-service.autoscaling.triggers[1].for: expected a duration like "5m", got "five"`.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let column: Int
    /// Dotted key path from the document root; empty for file-level problems.
    public let path: String
    public let message: String

    /// The flag a problem without a place in the file came from (`--set` unless said).
    public var flag: String? = nil

    public init(file: String, line: Int, column: Int, path: String, message: String, flag: String? = nil) {
        self.file = file; self.line = line; self.column = column; self.path = path; self.message = message; self.flag = flag
    }

    /// Line 0 marks a problem in a `--set` override (or the flag named) rather than in the file.
    public var description: String {
        let place = line == 0 ? "\(file): error: (from \(flag ?? "--set")) " : "\(file):\(line):\(column): error: "
        return place + (path.isEmpty ? message : "\(path): \(message)")
    }
}

/// Every problem in one scenario file, in file order.
public struct ScenarioErrors: Error, Sendable, CustomStringConvertible {
    public let diagnostics: [Diagnostic]
    public init(diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Edit distance, for "did you mean" suggestions.
func levenshtein(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev = Array(0...b.count), cur = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        cur[0] = i
        for j in 1...b.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[b.count]
}

/// The closest candidate to `word`, if close enough to be a likely typo.
public func suggestion(for word: String, among candidates: [String]) -> String? {
    // Short words tolerate one edit: "EUR" is not a typo of "ETB".
    let limit = word.count <= 4 ? 1 : max(2, word.count / 3)
    let scored = candidates.map { ($0, levenshtein(word.lowercased(), $0.lowercased())) }
        .filter { $0.1 <= limit }
        .sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
    return scored.first?.0
}

func didYouMean(_ word: String, _ candidates: [String]) -> String {
    suggestion(for: word, among: candidates).map { "; did you mean \"\($0)\"?" } ?? ""
}
