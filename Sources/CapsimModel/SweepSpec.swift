import Foundation

/// What `capsim sweep` varies: one or more scenario paths (the paths `--set` takes), each with
/// a list of values, crossed into a grid of points. From the scenario's `sweep:` section or
/// from `--vary path=v1,v2,…` flags.
public struct SweepSpec: Hashable, Sendable, Codable {
    public var axes: [SweepAxis]
    /// Replications per point (`sweep.replications`); nil: the command's flag, else
    /// `simulation.replications`.
    public var replications: Int?

    public init(axes: [SweepAxis], replications: Int? = nil) { self.axes = axes; self.replications = replications }

    /// Every combination of the axes' values, the last axis varying fastest; point i's values
    /// are in axis order.
    public var points: [[String]] {
        axes.reduce([[]]) { grid, axis in grid.flatMap { prefix in axis.values.map { prefix + [$0.text] } } }
    }

    /// The `--set` overrides that make point `values`.
    public func overrides(_ values: [String]) -> [String] {
        zip(axes, values).map { "\($0.path)=\($1)" }
    }
}

public struct SweepAxis: Hashable, Sendable, Codable {
    public let path: String
    public let values: [SweepValue]
    /// Where the axis was written (its key in `sweep.vary`); nil for a `--vary` flag.
    public let place: SourcePlace?

    public init(path: String, values: [SweepValue], place: SourcePlace? = nil) { self.path = path; self.values = values; self.place = place }

    /// Parses `--vary path=v1,v2,…`. Values are split at top-level commas, so a value may be
    /// YAML of its own: `planning.growth={low: 4%, high: 8%},{low: 6%, high: 10%}`.
    public static func parse(flag: String) -> Result<SweepAxis, SweepFlagError> {
        guard let eq = flag.firstIndex(of: "="), eq != flag.startIndex else {
            return .failure(SweepFlagError("--vary expects path=value1,value2,…, got \"\(flag)\""))
        }
        let path = String(flag[..<eq]), list = String(flag[flag.index(after: eq)...])
        let values = splitTopLevel(list).map { $0.trimmingCharacters(in: .whitespaces) }
        if values.allSatisfy(\.isEmpty) { return .failure(SweepFlagError("--vary \(path): the list of values is empty; give at least one, like \(path)=4,6")) }
        if let i = values.firstIndex(where: \.isEmpty) { return .failure(SweepFlagError("--vary \(path): value \(i + 1) is empty (two commas in a row, or one at an end)")) }
        if let dup = firstDuplicate(values) { return .failure(SweepFlagError("--vary \(path): the value \"\(dup)\" is listed twice")) }
        return .success(SweepAxis(path: path, values: values.map { SweepValue(text: $0) }))
    }

    static func splitTopLevel(_ s: String) -> [String] {
        var parts: [String] = [], current = "", depth = 0
        var quote: Character?
        for c in s {
            if let q = quote { if c == q { quote = nil } } else if c == "\"" || c == "'" { quote = c } else if c == "{" || c == "[" { depth += 1 } else if c == "}" || c == "]" { depth -= 1 } else if c == "," && depth == 0 {
                parts.append(current); current = ""; continue
            }
            current.append(c)
        }
        parts.append(current)
        return parts
    }

    static func firstDuplicate(_ xs: [String]) -> String? {
        var seen = Set<String>()
        return xs.first { !seen.insert($0).inserted }
    }
}

/// One value of an axis, as `--set` text, and where the file wrote it.
public struct SweepValue: Hashable, Sendable, Codable {
    public let text: String
    public let place: SourcePlace?
    public init(text: String, place: SourcePlace? = nil) { self.text = text; self.place = place }
}

/// A line and column in the scenario file.
public struct SourcePlace: Hashable, Sendable, Codable {
    public let line: Int
    public let column: Int
    public init(line: Int, column: Int) { self.line = line; self.column = column }
}

/// A `--vary` flag that cannot be read: the command exits 2 with this message.
public struct SweepFlagError: Error, Hashable, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}
