import Foundation

/// An input file `capsim check` cannot use: the file and why, printed as `FILE: error: WHY`
/// (bad input: exit 2). The message says how to make a usable one.
public struct CheckInputProblem: Error, CustomStringConvertible, Sendable, Equatable {
    public let file: String
    public let message: String
    public init(file: String, message: String) { self.file = file; self.message = message }
    public var description: String { "\(file): error: \(message)" }
}

/// A golden decisions file's text and the path it was read from (its outcome names the path).
public struct GoldenDecisions: Sendable, Equatable {
    public let file: String
    public let text: String
    public init(file: String, text: String) { self.file = file; self.text = text }

    /// Reads the file; whether it is a decisions file is for `DecisionRecord.compare` to say,
    /// as a failed check naming the file, not as bad input.
    public static func read(_ path: String) throws(CheckInputProblem) -> GoldenDecisions {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckInputProblem(file: path, message: "cannot read the decisions file (write one with --write-decisions)")
        }
        return GoldenDecisions(file: path, text: String(decoding: data, as: UTF8.self))
    }
}

extension Baseline {
    /// A baseline file written by `--write-baseline`.
    public static func read(_ path: String) throws(CheckInputProblem) -> Baseline {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckInputProblem(file: path, message: "cannot read the baseline file")
        }
        do { return try decode(data) } catch {
            throw CheckInputProblem(file: path, message: "not a capsim baseline (write one with --write-baseline): \(error)")
        }
    }
}
