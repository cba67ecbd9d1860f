import Foundation

extension RunInfo {
    /// `capsim runs list --format json`: one object per run, newest first, with the table's
    /// fields under snake_case keys; `parameters` is the run's parameters as a JSON object,
    /// not a string to parse again. An empty store is `[]`.
    public static func listJSON(_ runs: [RunInfo]) -> String {
        guard !runs.isEmpty else { return "[]" }
        let rows: [[String: Any]] = runs.map { r in
            ["id": r.id, "kind": r.kind.rawValue, "scenario": r.scenarioName, "scenario_sha256": r.scenarioHash,
             "seed": NSNumber(value: r.seed), "capsim_version": r.capsimVersion, "created_at": r.createdAt, "summary": r.summary,
             "parameters": (try? JSONSerialization.jsonObject(with: Data(r.parameters.utf8))) ?? r.parameters]
        }
        let data = (try? JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
