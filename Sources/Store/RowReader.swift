import GRDB
import GRDBSQLite

/// Decodes one `Decodable` value per result row of a prepared SELECT, reading columns with
/// SQLite's C API.
///
/// Why: the result types can only be built through `Decodable` (their memberwise initialisers
/// are internal to their modules), and GRDB's row decoder looks each key up among the
/// columns by case-insensitive name for every row. Here the key → column table is built once
/// per statement, so reading a 10⁵-row timeline costs about what writing it does.
/// Columns are named after the Swift properties (`cpu_utilization AS cpuUtilization`).
enum RowReader {
    static func fetchAll<T: Decodable>(_ type: T.Type, _ db: Database, sql: String, runID: Int64) throws -> [T] {
        let statement = try db.makeStatement(sql: sql)
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        sqlite3_bind_int64(handle, 1, runID)
        var columns: [String: Int32] = [:]
        for i in 0..<sqlite3_column_count(handle) { columns[String(cString: sqlite3_column_name(handle, i))] = i }
        let decoder = ColumnDecoder(handle: handle, columns: columns)
        var values: [T] = []
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return values }
            guard code == SQLITE_ROW else {
                let message = sqlite3_errmsg(db.sqliteConnection).map { String(cString: $0) }
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
            }
            values.append(try T(from: decoder))
        }
    }
}

/// A `Decoder` over the current row of a stepped statement: scalars and NULLs only.
private struct ColumnDecoder: Decoder {
    let handle: OpaquePointer
    let columns: [String: Int32]
    var codingPath: [CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Container<Key>(handle: handle, columns: columns))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: [], debugDescription: "a row decodes as keyed values only"))
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(Any.self, .init(codingPath: [], debugDescription: "a row decodes as keyed values only"))
    }

    struct Container<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let handle: OpaquePointer
        let columns: [String: Int32]
        var codingPath: [CodingKey] { [] }
        var allKeys: [Key] { columns.keys.compactMap(Key.init(stringValue:)) }

        func contains(_ key: Key) -> Bool { columns[key.stringValue] != nil }

        func decodeNil(forKey key: Key) throws -> Bool {
            sqlite3_column_type(handle, try column(key)) == SQLITE_NULL
        }

        func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
            let i = try notNull(key)
            return sqlite3_column_double(handle, i)
        }

        func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
            let i = try notNull(key)
            return Int(sqlite3_column_int64(handle, i))
        }

        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 {
            let i = try notNull(key)
            return sqlite3_column_int64(handle, i)
        }

        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
            let i = try notNull(key)
            return sqlite3_column_int64(handle, i) != 0
        }

        func decode(_ type: String.Type, forKey key: Key) throws -> String {
            let i = try notNull(key)
            guard let text = sqlite3_column_text(handle, i) else { return "" }
            return String(decoding: UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, i))), as: UTF8.self)
        }

        /// Every other type (the scalars above are all the timeline rows hold).
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            throw DecodingError.typeMismatch(T.self, .init(codingPath: [key], debugDescription: "no column decoding for \(T.self)"))
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            throw DecodingError.typeMismatch(type, .init(codingPath: [key], debugDescription: "a column holds a scalar"))
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer {
            throw DecodingError.typeMismatch([Any].self, .init(codingPath: [key], debugDescription: "a column holds a scalar"))
        }

        func superDecoder() throws -> Decoder { ColumnDecoder(handle: handle, columns: columns) }
        func superDecoder(forKey key: Key) throws -> Decoder { ColumnDecoder(handle: handle, columns: columns) }

        private func column(_ key: Key) throws -> Int32 {
            guard let i = columns[key.stringValue] else {
                throw DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: "no column \(key.stringValue)"))
            }
            return i
        }

        private func notNull(_ key: Key) throws -> Int32 {
            let i = try column(key)
            if sqlite3_column_type(handle, i) == SQLITE_NULL {
                throw DecodingError.valueNotFound(Key.self, .init(codingPath: [key], debugDescription: "column \(key.stringValue) is NULL"))
            }
            return i
        }
    }
}

/// The SELECTs that read a run's timelines back, columns named after the Swift properties
/// for `RowReader`, rows in saved order.
enum TimelineQueries {
    static let serviceSamples = """
        SELECT time, service, replicas, ready, starting, cpu_utilization AS cpuUtilization, in_flight AS inFlight,
               queue_length AS queueLength, arrival_rate AS arrivalRate, throughput, latency_mean AS latencyMean,
               latency_p50 AS latencyP50, latency_p95 AS latencyP95, latency_p99 AS latencyP99, dropped, timed_out AS timedOut,
               blocked, wait_mean AS waitMean, blocked_wait_mean AS blockedWaitMean
        FROM service_sample WHERE run_id = ? ORDER BY seq
        """

    static let routeSamples = """
        SELECT time, route, completed, latency_p50 AS latencyP50, latency_p99 AS latencyP99, in_flight AS inFlight
        FROM route_sample WHERE run_id = ? ORDER BY seq
        """

    static let scalingEvents = """
        SELECT time, service, policy, rule, metric_value AS metricValue, window_seconds AS window,
               from_replicas AS "from", to_replicas AS "to", reason, alert
        FROM scaling_event WHERE run_id = ? ORDER BY seq
        """
}
