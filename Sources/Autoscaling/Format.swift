import CapsimModel
import Foundation

// Small, deterministic formatters for `Decision.reason` (locale-independent: `%.2f` in the
// POSIX locale that `String(format:)` uses without a locale argument).

/// A ratio with two decimals: 1.2 → "1.20".
func fmt2(_ x: Double) -> String { String(format: "%.2f", x) }

/// "1 unready pod", "3 unready pods".
func countText(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

/// A value in its metric's unit, as the scenario writes it: 74 %, 620ms, 5.2k, 1.5k/s.
func formatValue(_ v: Double, of metric: Metric) -> String {
    switch metric.unit {
    case .fraction: return trim((v * 100 * 10).rounded() / 10) + "%"
    case .seconds: return formatDuration(v)
    case .count: return formatCount(v)
    case .rate: return formatCount(v) + "/s"
    case .money: return trim(v)
    }
}

/// Seconds as written in reasons: 300 → "300 s", 22.5 → "22.5 s".
func seconds(_ s: Double) -> String { "\(trim(s)) s" }
