import ArgumentParser
import Checks

/// Access to the results store for commands (filled in with the store).
enum StoredRuns {
    static func baseline(id: Int64, db: String?) throws -> Baseline {
        printErr("error: baselines from stored runs need the results store (not available in this build)")
        throw ExitCode(2)
    }
}
