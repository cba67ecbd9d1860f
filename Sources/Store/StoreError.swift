/// Why the results store refused or failed, in words a user can act on.
///
/// SQLite's own errors (a locked or corrupt file, a full disk) pass through as GRDB's
/// `DatabaseError`; these cases are the store's own rules.
public enum StoreError: Error, Equatable, CustomStringConvertible, Sendable {
    /// No run has this id (never saved, or deleted).
    case noRun(Int64)
    /// The run exists but is of another kind (`plan(12)` on a simulation, `load(3)` on a plan).
    case wrongKind(id: Int64, actual: RunKind, expected: RunKind)
    /// `parameters` must be JSON text (an object, usually) so SQL can `json_extract` it.
    case invalidParameters(String)
    /// The run's stored result no longer decodes: the result types changed since `capsimVersion`
    /// wrote it without a migration that carries old rows forward.
    case undecodable(id: Int64, capsimVersion: String, reason: String)
    /// The stored rows of a run disagree with its recorded counts (should never happen: saves are
    /// single transactions).
    case incomplete(id: Int64, detail: String)
    /// A stored calibration that cannot be shown: its levels disagree with its count, or its
    /// stored JSON no longer decodes (`problem` says which, after "calibration N").
    case calibration(id: Int64, problem: String)
    /// The database file can't be created or opened.
    case cannotOpen(path: String, reason: String)
    /// Neither `--db`, `$CAPSIM_DB`, `$XDG_DATA_HOME` nor `$HOME` says where the store is.
    case noDataDirectory

    public var description: String {
        switch self {
        case .noRun(let id):
            return "no run \(id)"
        case let .wrongKind(id, actual, expected):
            return "run \(id) is \(Self.article(actual)), not \(Self.article(expected))"
        case .invalidParameters(let why):
            return "run parameters must be JSON text: \(why)"
        case let .undecodable(id, version, reason):
            return "run \(id) (saved by capsim \(version)) can no longer be read by this version: \(reason)"
        case let .incomplete(id, detail):
            return "run \(id) is incomplete: \(detail)"
        case let .calibration(id, problem):
            return "calibration \(id) \(problem)"
        case let .cannotOpen(path, reason):
            return "cannot open the results store \(path): \(reason)"
        case .noDataDirectory:
            return "no place for the results store: neither $XDG_DATA_HOME nor $HOME is an absolute directory; pass --db PATH or set $CAPSIM_DB"
        }
    }

    private static func article(_ kind: RunKind) -> String {
        switch kind {
        case .plan: return "a plan"
        case .simulate: return "a simulation"
        case .load: return "a load run"
        }
    }
}
