import ArgumentParser
import Checks

/// Baselines taken from stored simulation runs (`check --baseline RUN`).
enum StoredRuns {
    static func baseline(id: Int64, db: String?) throws -> Baseline {
        Baseline(try RunLookup.simulation(try openStore(db), id))
    }
}
