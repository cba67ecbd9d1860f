import GRDB

/// The store's tables, as a list of named migrations.
///
/// A migration, once released, is frozen: a database written by an older capsim records which
/// migrations it has (GRDB's `grdb_migrations` table) and only the newer ones run when a newer
/// capsim opens it. Change the schema by appending "v2", "v3" …, never by editing "v1" — a test
/// builds a database from a frozen copy of v1 and opens it with the current store.
///
/// Why these tables:
/// - `run` holds what every run has (one row per `plan`, `simulate` or `load`), so `runs list`
///   reads one small table. Its `kind` CHECK was widened to `load` by "v3-load", which rebuilds
///   the table (SQLite cannot alter a CHECK): see `v3Load`.
/// - `plan_result` keeps the whole `CapacityPlan` as JSON: it is small (rows × horizons) and
///   never queried piecewise, and JSON keeps every field the plan grows.
/// - `simulation_result` keeps the per-service and per-route summaries as JSON (a few rows)
///   and the row counts the save wrote, so a reader can prove a run is complete.
/// - `service_sample`, `route_sample` and `scaling_event` hold the timelines one row per
///   sample or event, so SQL can chart or filter them (`WHERE service = 'api-gateway'`). Their
///   key is (run_id, seq), seq being the position in the Swift array, so reading back restores
///   the exact order; WITHOUT ROWID clusters a run's rows together, which makes reading one
///   run and deleting it (the cascade) a range scan. They reference `simulation_result`, not
///   `run`, so samples can only hang off a simulation.
/// - `load_result` keeps a `capsim load` run's `LoadResult` as JSON (a few dozen fields, and
///   routes) and its latency histograms (from the intended send, from the actual send and, when
///   the server sent `Server-Timing`, its queue and handler times) in `HistogramCoding`'s
///   compact form, so any percentile can be recomputed later. For a
///   load run, `run.scenario_text` is the plan's canonical text (`LoadPlanRecord`), so
///   `scenario_hash` groups runs of the same plan.
///
/// Conventions: Swift `UInt64` values (seeds, event counts) are stored as the `Int64` with the
/// same bits (SQLite integers are signed 64-bit), so seeds above 2⁶³ read back exactly but
/// look negative in raw SQL. Doubles are SQLite REALs (IEEE 754 binary64, exact round trip,
/// infinities included; SQLite turns a NaN into NULL, so a NaN in a required column fails the
/// save — the simulator never produces one). Optional Swift values are NULL.
enum Schema {
    /// Migration names in order; the last is the current schema version.
    static let migrationNames = ["v1", "v2-history", "v3-load", "v4-waits", "v5-windows", "v6-schedule-effects", "v7-currencies", "v8-sweeps", "v9-calibrations"]

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in try db.execute(sql: v1) }
        migrator.registerMigration("v2-history") { db in try db.execute(sql: v2History) }
        // `.deferred`: GRDB turns foreign keys off, runs the migration in a transaction, runs
        // PRAGMA foreign_key_check and commits only if it finds nothing — SQLite's 12-step
        // procedure for changing a table (https://www.sqlite.org/lang_altertable.html#otheralter).
        // With foreign keys on, dropping `run` would delete every result through the cascades.
        migrator.registerMigration("v3-load", foreignKeyChecks: .deferred) { db in
            // Dropping `run` drops its AUTOINCREMENT counter, and the copy's counter only knows
            // the largest id still present: keep the old one, or a deleted run's id comes back.
            let sequence = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM sqlite_sequence WHERE name = 'run'")
            try db.execute(sql: v3Load)
            if let sequence {
                try db.execute(sql: """
                    UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'run';
                    INSERT INTO sqlite_sequence (name, seq) SELECT 'run', ? WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'run');
                    """, arguments: [sequence, sequence])
            }
        }
        migrator.registerMigration("v4-waits") { db in try db.execute(sql: v4Waits) }
        migrator.registerMigration("v5-windows") { db in try db.execute(sql: v5Windows) }
        migrator.registerMigration("v6-schedule-effects") { db in try db.execute(sql: v6ScheduleEffects) }
        migrator.registerMigration("v7-currencies") { db in try db.execute(sql: v7Currencies) }
        migrator.registerMigration("v8-sweeps") { db in try db.execute(sql: v8Sweeps) }
        migrator.registerMigration("v9-calibrations") { db in try db.execute(sql: v9Calibrations) }
        return migrator
    }

    /// `capsim calibrate`: one `calibration` row per calibration, one `calibration_level` row
    /// per predicted level, written in one transaction. Like sweeps, calibrations are not runs
    /// (a calibration is many load runs and simulations), so they have ids of their own.
    /// `completed_at` is NULL until every level is stored — the last statement of the save —
    /// so a row a killed writer left could never be taken for a finished one; `levels` is the
    /// number of level rows the calibration owes. The mean absolute errors are NULL without
    /// levels; `cpu_saturation`, the half-widths, the server's CPU and the measured cost are
    /// NULL when unknown. The model is `RouteModel` as JSON without its histogram bins (the
    /// histogram file beside the calibrated scenario has them), the search's runs
    /// `[SearchStep]` as JSON, and a level simulated with the cost the server measured a
    /// `LevelMeasurement` as JSON: each is read whole. Errors are signed and relative,
    /// (simulated − measured) ÷ measured, stored beside the values so SQL can filter on them.
    /// Frozen once released.
    static let v9Calibrations = """
        CREATE TABLE calibration (
            id                 INTEGER PRIMARY KEY AUTOINCREMENT,
            target             TEXT    NOT NULL,
            route              TEXT    NOT NULL,
            scenario_path      TEXT    NOT NULL,
            saturation         REAL    NOT NULL CHECK (saturation > 0),
            bracket_low        REAL    NOT NULL CHECK (bracket_low >= 0),
            bracket_high       REAL    NOT NULL CHECK (bracket_high >= bracket_low),
            precision          REAL    NOT NULL CHECK (precision > 0),
            cpu_saturation     REAL,
            levels             INTEGER NOT NULL CHECK (levels >= 0),
            mae                REAL,
            mae_p50            REAL,
            mae_p90            REAL,
            mae_p99            REAL,
            mae_throughput     REAL,
            model_json         TEXT    NOT NULL CHECK (json_valid(model_json)),
            steps_json         TEXT    NOT NULL CHECK (json_valid(steps_json)),
            capsim_version     TEXT    NOT NULL,
            created_at         TEXT    NOT NULL,
            completed_at       TEXT
        );
        CREATE TABLE calibration_level (
            calibration_id                  INTEGER NOT NULL REFERENCES calibration(id) ON DELETE CASCADE,
            seq                             INTEGER NOT NULL CHECK (seq >= 0),
            level                           REAL    NOT NULL,
            offered_rate                    REAL    NOT NULL,
            measured_p50                    REAL    NOT NULL,
            measured_p90                    REAL    NOT NULL,
            measured_p95                    REAL    NOT NULL,
            measured_p99                    REAL    NOT NULL,
            measured_throughput             REAL    NOT NULL,
            measured_p50_half_width         REAL,
            measured_p90_half_width         REAL,
            measured_p99_half_width         REAL,
            measured_throughput_half_width  REAL,
            simulated_p50                   REAL    NOT NULL,
            simulated_p90                   REAL    NOT NULL,
            simulated_p95                   REAL    NOT NULL,
            simulated_p99                   REAL    NOT NULL,
            simulated_throughput            REAL    NOT NULL,
            simulated_p50_half_width        REAL,
            simulated_p90_half_width        REAL,
            simulated_p99_half_width        REAL,
            simulated_throughput_half_width REAL,
            error_p50                       REAL    NOT NULL,
            error_p90                       REAL    NOT NULL,
            error_p99                       REAL    NOT NULL,
            error_throughput                REAL    NOT NULL,
            server_cpu                      REAL,
            measured_cost                   REAL,
            simulated_at_measured_cost_json TEXT    CHECK (simulated_at_measured_cost_json IS NULL OR json_valid(simulated_at_measured_cost_json)),
            PRIMARY KEY (calibration_id, seq)
        ) WITHOUT ROWID;
        """

    /// `capsim sweep`: one `sweep` row per sweep (or per shard of one), one `sweep_replication`
    /// row per replication of a point, written as each finishes so a long sweep keeps only
    /// summaries in memory. `definition_json` is the `SweepDefinition` (grid, replications,
    /// seed, run settings): shards of one sweep have equal definitions and scenario hashes.
    /// `shard_index`/`shard_count` are NULL for a sweep run whole (or merged); `completed_at` is
    /// NULL until every task of the sweep (or shard) is stored, so a killed sweep is never taken
    /// for a finished one. A replication's metrics and verdicts are JSON (a few hundred rows,
    /// read whole). Frozen once released.
    static let v8Sweeps = """
        CREATE TABLE sweep (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            scenario_name   TEXT    NOT NULL,
            scenario_hash   TEXT    NOT NULL CHECK (length(scenario_hash) = 64),
            scenario_text   TEXT    NOT NULL,
            definition_json TEXT    NOT NULL CHECK (json_valid(definition_json)),
            points          INTEGER NOT NULL CHECK (points >= 1),
            replications    INTEGER NOT NULL CHECK (replications >= 1),
            shard_index     INTEGER,
            shard_count     INTEGER,
            capsim_version  TEXT    NOT NULL,
            created_at      TEXT    NOT NULL,
            completed_at    TEXT,
            CHECK ((shard_index IS NULL) = (shard_count IS NULL)),
            CHECK (shard_count IS NULL OR (shard_index >= 0 AND shard_index < shard_count))
        );
        CREATE TABLE sweep_replication (
            sweep_id          INTEGER NOT NULL REFERENCES sweep(id) ON DELETE CASCADE,
            point             INTEGER NOT NULL CHECK (point >= 0),
            replication       INTEGER NOT NULL CHECK (replication >= 0),
            seed              INTEGER NOT NULL,
            metrics_json      TEXT    NOT NULL,
            expectations_json TEXT    NOT NULL,
            PRIMARY KEY (sweep_id, point, replication)
        ) WITHOUT ROWID;
        """

    /// The currencies a simulation's costs are shown in (`ShownCurrencies` as JSON: the
    /// reporting currency, and the other when the scenario shows both), so a stored run renders
    /// in the currency it was run in. NULL in rows saved before, which showed birr with dollars
    /// beside. Frozen once released.
    static let v7Currencies = """
        ALTER TABLE simulation_result ADD COLUMN currencies_json TEXT;
        """

    /// What each scheduled-scaling rule cost and saved against the run without schedules, as
    /// JSON beside the summaries. NULL when the run had no schedule or skipped the comparison.
    /// Frozen once released.
    static let v6ScheduleEffects = """
        ALTER TABLE simulation_result ADD COLUMN schedule_effects_json TEXT;
        """

    /// Windows measured on their own (a run's surges, and the windows its expectations name),
    /// as JSON beside the summaries: a few rows per run, read whole. NULL when the run measured
    /// none or was saved before. Frozen once released.
    static let v5Windows = """
        ALTER TABLE simulation_result ADD COLUMN windows_json TEXT;
        """

    /// Where requests wait: per service sample, the requests waiting outside the station (for a
    /// connection, a row lock, a caller's pool) and the mean waits; per route sample, the
    /// requests in flight. NULL in rows saved before. Frozen once released.
    static let v4Waits = """
        ALTER TABLE service_sample ADD COLUMN blocked INTEGER;
        ALTER TABLE service_sample ADD COLUMN wait_mean REAL;
        ALTER TABLE service_sample ADD COLUMN blocked_wait_mean REAL;
        ALTER TABLE route_sample ADD COLUMN in_flight INTEGER;
        """

    /// `load` runs. Rebuilds `run` with the wider `kind` CHECK (create the new table, copy every
    /// row with its id, drop the old, rename the new, recreate the index), then adds
    /// `load_result`. The child tables refer to `run` by name, so after the rename their
    /// foreign keys point at the new table. Frozen once released.
    static let v3Load = """
        CREATE TABLE run_new (
            id             INTEGER PRIMARY KEY AUTOINCREMENT,
            kind           TEXT    NOT NULL CHECK (kind IN ('plan', 'simulate', 'load')),
            scenario_name  TEXT    NOT NULL,
            scenario_hash  TEXT    NOT NULL CHECK (length(scenario_hash) = 64),
            scenario_text  TEXT    NOT NULL,
            seed           INTEGER NOT NULL,
            parameters     TEXT    NOT NULL CHECK (json_valid(parameters)),
            capsim_version TEXT    NOT NULL,
            created_at     TEXT    NOT NULL,
            summary        TEXT    NOT NULL
        );
        INSERT INTO run_new (id, kind, scenario_name, scenario_hash, scenario_text, seed, parameters, capsim_version, created_at, summary)
            SELECT id, kind, scenario_name, scenario_hash, scenario_text, seed, parameters, capsim_version, created_at, summary FROM run;
        DROP TABLE run;
        ALTER TABLE run_new RENAME TO run;
        CREATE INDEX run_by_scenario_hash ON run(scenario_hash);

        CREATE TABLE load_result (
            run_id                 INTEGER PRIMARY KEY REFERENCES run(id) ON DELETE CASCADE,
            result_json            TEXT    NOT NULL CHECK (json_valid(result_json)),
            latency_histogram      BLOB,   -- µs from the intended send; HistogramCoding; NULL if not kept
            service_time_histogram BLOB,   -- µs from the actual send
            server_queue_histogram BLOB,   -- µs the server reported waiting for a worker (Server-Timing); NULL if it did not
            server_app_histogram   BLOB    -- µs the server reported holding a worker
        );
        """

    /// Tracked growth metrics imported by `capsim forecast` (seed §2, "Growth Metrics
    /// Tracking"): one row per observation, keyed so re-importing the same file replaces rows
    /// rather than doubling them. Frozen once released.
    static let v2History = """
        CREATE TABLE history (
            metric       TEXT    NOT NULL,
            service      TEXT    NOT NULL DEFAULT '',
            day          INTEGER NOT NULL,   -- days since 1970-01-01
            value        REAL    NOT NULL CHECK (value > 0),
            source       TEXT    NOT NULL,
            imported_at  TEXT    NOT NULL,
            PRIMARY KEY (metric, service, day)
        ) WITHOUT ROWID;
        """

    /// Frozen: see the type's documentation.
    static let v1 = """
        CREATE TABLE run (
            id             INTEGER PRIMARY KEY AUTOINCREMENT,
            kind           TEXT    NOT NULL CHECK (kind IN ('plan', 'simulate')),
            scenario_name  TEXT    NOT NULL,
            scenario_hash  TEXT    NOT NULL CHECK (length(scenario_hash) = 64),
            scenario_text  TEXT    NOT NULL,
            seed           INTEGER NOT NULL,
            parameters     TEXT    NOT NULL CHECK (json_valid(parameters)),
            capsim_version TEXT    NOT NULL,
            created_at     TEXT    NOT NULL,
            summary        TEXT    NOT NULL
        );
        CREATE INDEX run_by_scenario_hash ON run(scenario_hash);

        CREATE TABLE plan_result (
            run_id    INTEGER PRIMARY KEY REFERENCES run(id) ON DELETE CASCADE,
            plan_json TEXT    NOT NULL
        );

        CREATE TABLE simulation_result (
            run_id              INTEGER PRIMARY KEY REFERENCES run(id) ON DELETE CASCADE,
            duration            REAL    NOT NULL,
            warmup              REAL    NOT NULL,
            sample_period       REAL    NOT NULL,
            events              INTEGER NOT NULL,
            services_json       TEXT    NOT NULL,
            routes_json         TEXT    NOT NULL,
            timeline_rows       INTEGER NOT NULL,
            route_timeline_rows INTEGER NOT NULL,
            scaling_rows        INTEGER NOT NULL
        );

        CREATE TABLE service_sample (
            run_id          INTEGER NOT NULL REFERENCES simulation_result(run_id) ON DELETE CASCADE,
            seq             INTEGER NOT NULL,
            time            REAL    NOT NULL,
            service         TEXT    NOT NULL,
            replicas        INTEGER NOT NULL,
            ready           INTEGER NOT NULL,
            starting        INTEGER NOT NULL,
            cpu_utilization REAL    NOT NULL,
            in_flight       INTEGER NOT NULL,
            queue_length    INTEGER NOT NULL,
            arrival_rate    REAL    NOT NULL,
            throughput      REAL    NOT NULL,
            latency_mean    REAL,
            latency_p50     REAL,
            latency_p95     REAL,
            latency_p99     REAL,
            dropped         INTEGER NOT NULL,
            timed_out       INTEGER NOT NULL,
            PRIMARY KEY (run_id, seq)
        ) WITHOUT ROWID;

        CREATE TABLE route_sample (
            run_id      INTEGER NOT NULL REFERENCES simulation_result(run_id) ON DELETE CASCADE,
            seq         INTEGER NOT NULL,
            time        REAL    NOT NULL,
            route       TEXT    NOT NULL,
            completed   INTEGER NOT NULL,
            latency_p50 REAL,
            latency_p99 REAL,
            PRIMARY KEY (run_id, seq)
        ) WITHOUT ROWID;

        CREATE TABLE scaling_event (
            run_id        INTEGER NOT NULL REFERENCES simulation_result(run_id) ON DELETE CASCADE,
            seq           INTEGER NOT NULL,
            time          REAL    NOT NULL,
            service       TEXT    NOT NULL,
            policy        TEXT    NOT NULL,
            rule          TEXT    NOT NULL,
            metric_value  REAL,
            window_seconds REAL,
            from_replicas INTEGER NOT NULL,
            to_replicas   INTEGER NOT NULL,
            reason        TEXT    NOT NULL,
            alert         TEXT,
            PRIMARY KEY (run_id, seq)
        ) WITHOUT ROWID;
        """
}
