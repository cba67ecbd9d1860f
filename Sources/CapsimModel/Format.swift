/// The keys each object of the scenario format accepts, named as in the JSON Schema's `$defs`.
///
/// The decoder checks mappings against this table (unknown key → error with "did you mean"),
/// and a test checks `schema/scenario.schema.json` against it, so the schema editors use and
/// the decoder capsim uses cannot drift apart.
public enum ScenarioFormat {
    public static let version = 1

    public static let objects: [String: [String]] = [
        "scenario": ["capsim", "name", "description", "seed", "platform", "currency", "planning", "services",
                     "traffic", "event_bus", "databases", "dependencies", "cdn", "seasons", "simulation", "expect", "sweep", "faults", "clients"],
        "platform": ["dau", "peak", "node_cpu", "zones", "survives"],
        "survives": ["zones"],
        /// A `faults:` row written as a mapping (the short form is a string: see `FaultShortForm`).
        "fault": ["name", "kind", "service", "zone", "dependency", "database", "pods", "mtbf", "latency", "error_rate", "share", "rate", "notice", "spot_price",
                  "at", "duration", "enabled"],
        /// An external dependency (`dependencies.NAME`): a partner API routes call.
        "dependency": ["latency", "error_rate", "concurrency"],
        /// `clients:`: the users' side of traffic.routes (networks, timeout, retries).
        "clients": ["timeout", "retries", "backoff", "networks"],
        "client_backoff": ["base", "max", "jitter"],
        /// A network class users reach the platform over (`clients.networks.NAME`).
        "network": ["share", "rtt", "loss"],
        "currency": ["etb_per_usd", "report_in", "show_both"],
        "planning": ["horizons", "growth", "seasonal_factor", "season_label", "feature_interaction_factor",
                     "safety_factor", "draws", "target_utilization", "start"],
        "factors": ["growth", "seasonal_factor", "feature_interaction_factor", "safety_factor"],
        "range": ["low", "mid", "high"],
        "service": ["description", "peak", "capacity", "cpu_per_request", "resources", "replicas", "startup",
                    "slo", "cost_per_instance_hour", "queue", "autoscaling", "database", "cache",
                    "queries_per_request", "publishes", "jobs", "planning"],
        "capacity": ["rps", "service_time", "concurrency"],
        "service_time": ["distribution", "mean", "value", "p99", "shape", "file", "scv"],
        "resources": ["requests", "limits"],
        "resource_spec": ["cpu", "memory"],
        "replicas": ["min", "max", "initial"],
        "slo": ["latency_mean", "latency_p50", "latency_p90", "latency_p95", "latency_p99"],
        "queue": ["discipline", "balancing", "limit", "timeout"],
        "autoscaling": ["hpa", "triggers", "schedule"],
        /// A scheduled minimum: KEDA's cron window (`start`, `end`, `timezone`) or capsim's
        /// `before` an occasion with a `lead`.
        "schedule_rule": ["name", "start", "end", "timezone", "before", "lead", "replicas"],
        "hpa": ["metrics", "sync_period", "tolerance", "behavior", "cpu_initialization_period", "initial_readiness_delay"],
        "hpa_metric": ["metric", "target", "type", "target_type"],
        "behavior": ["scale_up", "scale_down"],
        "scaling_rules": ["stabilization_window", "select_policy", "policies", "tolerance"],
        "hpa_policy": ["type", "value", "period"],
        "trigger": ["label", "metric", "route", "above", "below", "for", "add", "add_queue_workers", "alert", "cooldown"],
        "cache": ["hit_ratio"],
        "publication": ["topic", "per_request"],
        "job": ["every", "work"],
        "traffic": ["entry", "peak", "profile", "surges", "multiplier", "routes", "hop_latency"],
        "profile": ["kind", "hourly", "points"],
        "profile_point": ["at", "multiplier"],
        "surge": ["name", "at", "duration", "multiplier", "ramp"],
        "route": ["share", "path"],
        /// A path item written as a mapping: one call with its policy…
        "call": ["service", "probability", "timeout", "retries", "backoff", "pool"],
        /// …or parallel calls.
        "fanout": ["fanout"],
        "event_bus": ["kind", "topics", "consumer_groups"],
        "topic": ["partitions"],
        "consumer_group": ["service", "topic", "workers", "service_time", "triggers", "lag_scaler"],
        "lag_scaler": ["lag_threshold", "activation_lag", "allow_idle_consumers"],
        "database": ["owner", "engine", "cpus", "max_connections", "query_time", "read_replicas", "replication_lag",
                     "read_ratio", "key_skew", "keys", "cost_per_hour", "triggers"],
        "cdn_path": ["path", "ttl", "compression", "service", "hit_ratio", "rate", "objects"],
        "season": ["holidays", "multiplier", "services", "shift"],
        "simulation": ["duration", "warmup", "sample_period", "start", "replications"],
        /// `capsim sweep`'s grid: `vary: {PATH: [values]}` and replications per point.
        "sweep": ["vary", "replications"],
        "expectation": ["name", "service", "route", "network", "metric", "below", "at_most", "above", "at_least", "equals",
                        "no_alert", "no_backlog", "for", "scales_up_within", "after", "during", "holds_in", "compliance",
                        "recovers_within", "survives"],
        /// `during: {from: 10m, to: 30m}`: an interval of simulated time.
        "window": ["from", "to"],
        /// A separate checks file for `capsim check --expect FILE`: expectations kept apart from the scenario.
        "checks": ["capsim", "expect"],
    ]

    /// Holiday and observance identifiers a season may name (the calendar module computes them).
    public static let holidays = [
        "enkutatash", "meskel", "genna", "genna-eve", "timkat", "adwa", "labour-day", "patriots-victory",
        "derg-downfall", "fasika", "siklet", "eid-al-fitr", "eid-al-adha", "mawlid",
        "abiy-tsom", "ramadan", "tsome-nebiyat", "filseta",
    ]
}
