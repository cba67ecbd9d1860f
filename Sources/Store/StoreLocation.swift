/// Where the results store lives when a command is not told: `--db PATH`, else `$CAPSIM_DB`,
/// else the user's data directory by the XDG Base Directory specification —
/// `$XDG_DATA_HOME/capsim/capsim.sqlite`, falling back to `$HOME/.local/share/capsim/capsim.sqlite`.
///
/// A per-user directory rather than a path relative to the working directory, so every run is
/// in one place whichever directory capsim was started from, and a checkout never fills with
/// databases. The environment is a parameter so tests need not change the process's.
extension ResultsStore {
    /// Names the database file when `--db` is not given.
    public static let environmentVariable = "CAPSIM_DB"
    /// The folder under the data directory, and the file in it.
    public static let dataFolder = "capsim"
    public static let fileName = "capsim.sqlite"
    /// Said in every `--db` help text, so the commands cannot disagree.
    public static let defaultPathHelp = "$CAPSIM_DB, else $XDG_DATA_HOME/capsim/capsim.sqlite, else ~/.local/share/capsim/capsim.sqlite"

    /// The database to use. Empty values count as absent (`CAPSIM_DB= capsim …` falls back to
    /// the default rather than to ""), and so, as the XDG specification asks, does a relative
    /// `$XDG_DATA_HOME`. Folders are created when the store is opened. Throws when neither
    /// `$XDG_DATA_HOME` nor `$HOME` gives an absolute directory: there is then no default to use.
    public static func resolvePath(explicit: String?, environment: [String: String]) throws(StoreError) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment[environmentVariable], !fromEnvironment.isEmpty { return fromEnvironment }
        guard let data = dataHome(environment) else { throw StoreError.noDataDirectory }
        return data + "/" + dataFolder + "/" + fileName
    }

    /// `$XDG_DATA_HOME`, else `$HOME/.local/share`; nil when neither is an absolute path.
    static func dataHome(_ environment: [String: String]) -> String? {
        func absolute(_ key: String) -> String? {
            guard let v = environment[key], v.hasPrefix("/") else { return nil }
            return v.count > 1 && v.hasSuffix("/") ? String(v.dropLast()) : v
        }
        if let xdg = absolute("XDG_DATA_HOME") { return xdg }
        return absolute("HOME").map { ($0 == "/" ? "" : $0) + "/.local/share" }
    }
}
