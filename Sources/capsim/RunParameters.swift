import Foundation
import Store

/// The resolved parameters a run is stored with, so a report can rebuild its exact scenario
/// (file text + overrides) and say how it was run.
struct RunParameters: Codable {
    var command: String
    var file: String
    var overrides: [String] = []
    var seed: UInt64?
    var duration: Double?
    var warmup: Double?
    var horizons: [Int]?
    var draws: Int?

    func json() -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? e.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func decode(_ text: String) -> RunParameters? {
        try? JSONDecoder().decode(RunParameters.self, from: Data(text.utf8))
    }
}

/// `--db` and `--no-store`, shared by the commands that record runs.
struct StoreOptions: ParsableArguments {
    @Option(help: "Results database (default: \(ResultsStore.defaultPathHelp)).")
    var db: String?

    @Flag(help: "Do not record this run in the results database.")
    var noStore = false
}

import ArgumentParser
