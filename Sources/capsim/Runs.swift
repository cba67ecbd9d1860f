import ArgumentParser

/// `capsim runs`: the results database's runs. One file per subcommand (`RunsList.swift`, …);
/// the lookups that turn "no such run" into exit 2 are in `StoreAccess.swift`.
struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, show, compare, delete and export the runs recorded in the results database; list, show and merge sweeps; list and show calibrations.",
        subcommands: [List.self, Show.self, Compare.self, Delete.self, Export.self, Sweeps.self, SweepShow.self, Merge.self, Calibrations.self, CalibrationShow.self])
}
