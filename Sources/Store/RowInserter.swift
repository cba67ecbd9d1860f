import GRDB
import GRDBSQLite

/// Inserts many rows through one prepared statement, binding with SQLite's C API.
///
/// Why not `statement.execute(arguments: [...])`: GRDB builds a `StatementArguments` per row,
/// an array of boxed existentials, then converts each to a `DatabaseValue`; for a 10⁵-row
/// timeline that was most of a second in a debug build. Binding the values directly keeps
/// the save to one C call per value (GRDB documents `sqliteStatement` for exactly this).
/// The statement still belongs to GRDB, which finalizes it; we only bind, step and reset.
struct RowInserter {
    private let statement: Statement
    private let db: Database
    private var index: Int32 = 0

    init(_ db: Database, sql: String) throws {
        self.db = db
        statement = try db.makeStatement(sql: sql)
    }

    mutating func bind(_ value: Int64) { index += 1; sqlite3_bind_int64(statement.sqliteStatement, index, value) }
    mutating func bind(_ value: Int) { bind(Int64(value)) }
    mutating func bind(_ value: Int?) {
        if let value { bind(Int64(value)) } else { index += 1; sqlite3_bind_null(statement.sqliteStatement, index) }
    }
    mutating func bind(_ value: Double) { index += 1; sqlite3_bind_double(statement.sqliteStatement, index, value) }

    mutating func bind(_ value: Double?) {
        if let value { bind(value) } else { index += 1; sqlite3_bind_null(statement.sqliteStatement, index) }
    }

    mutating func bind(_ value: String) {
        index += 1
        var text = value
        text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else {
                _ = sqlite3_bind_text(statement.sqliteStatement, index, "", 0, nil)  // a static empty string
                return
            }
            // SQLITE_TRANSIENT: SQLite copies the bytes, which are only valid in this closure.
            _ = sqlite3_bind_text(statement.sqliteStatement, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self),
                                  Int32(bytes.count), Self.transient)
        }
    }

    mutating func bind(_ value: String?) {
        if let value { bind(value) } else { index += 1; sqlite3_bind_null(statement.sqliteStatement, index) }
    }

    /// Runs the statement with the values bound since the last row, then readies it for the next.
    mutating func insertRow() throws {
        let handle = statement.sqliteStatement
        index = 0
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else {
            let message = sqlite3_errmsg(db.sqliteConnection).map { String(cString: $0) }
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
        }
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
