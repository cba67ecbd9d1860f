/// What produced a stored run. The raw values are what the `run.kind` column holds.
public enum RunKind: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// `capsim plan`: the result is a `CapacityPlan`.
    case plan
    /// `capsim simulate`: the result is a `SimulationResult`.
    case simulate
    /// `capsim load`: the result is a `LoadResult`, measured against a real service.
    case load

    public var description: String { rawValue }
}

/// One stored run without its result: a row of `capsim runs list` and the header of
/// `runs show`.
///
/// A value type, cheap to list by the thousand, because listing must not read timelines; the
/// result itself comes from `ResultsStore.plan(_:)`, `ResultsStore.simulation(_:)` or
/// `ResultsStore.load(_:)`.
public struct RunInfo: Hashable, Sendable, Codable {
    /// Assigned by the store; never reused, even after a delete (the table is AUTOINCREMENT),
    /// so "run 12" in an old note or CI log can't come to mean a different run.
    public let id: Int64
    public let kind: RunKind
    /// The scenario's `name:`; for a load run, the target (or the scenario whose traffic it replayed).
    public let scenarioName: String
    /// SHA-256 of the scenario file's text, lowercase hex: runs of the same file share it. For a
    /// load run, of the plan's canonical text: runs of the same plan share it.
    public let scenarioHash: String
    public let seed: UInt64
    /// The resolved parameters of the run as JSON text (duration, warm-up, seed, horizons,
    /// draws, overrides …), as the command passed them.
    public let parameters: String
    /// The capsim version that produced the run (`capsim --version`).
    public let capsimVersion: String
    /// When the run was saved, ISO 8601 in UTC (`2025-09-11T06:00:00Z`), as the caller passed it.
    public let createdAt: String
    /// One line for `runs list`, written when the run was saved.
    public let summary: String

    public init(id: Int64, kind: RunKind, scenarioName: String, scenarioHash: String, seed: UInt64, parameters: String,
                capsimVersion: String, createdAt: String, summary: String) {
        self.id = id
        self.kind = kind
        self.scenarioName = scenarioName
        self.scenarioHash = scenarioHash
        self.seed = seed
        self.parameters = parameters
        self.capsimVersion = capsimVersion
        self.createdAt = createdAt
        self.summary = summary
    }
}
