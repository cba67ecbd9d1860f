import Foundation

/// What the accuracy table reports per level: the latency percentiles and the throughput.
public enum AccuracyMetric: String, Hashable, Sendable, Codable, CaseIterable, CodingKeyRepresentable {
    case p50, p90, p99, throughput
}

/// The accuracy of a calibrated model, as simulators publish it: per level, the signed relative
/// error of each metric (simulated − measured) ÷ measured and the measurement's own noise (its
/// 95 % half-width ÷ the measured value), and the mean absolute error over the levels — per
/// metric and over every metric and level together.
public struct AccuracyTable: Hashable, Sendable, Codable {
    public struct Row: Hashable, Sendable, Codable {
        public let level: Double
        public let measured: LevelMeasurement
        public let simulated: LevelMeasurement
        /// Signed relative errors by metric.
        public let errors: [AccuracyMetric: Double]
        /// The measurement's 95 % half-width as a fraction of the measured value, when known:
        /// an error within it cannot be told from the measurement's noise.
        public let noise: [AccuracyMetric: Double]
    }

    public let rows: [Row]

    public init(_ comparisons: [Comparison]) {
        rows = comparisons.map { c in
            var errors: [AccuracyMetric: Double] = [:], noise: [AccuracyMetric: Double] = [:]
            for m in AccuracyMetric.allCases {
                let (meas, sim, hw) = Self.values(m, c)
                errors[m] = meas > 0 ? (sim - meas) / meas : 0
                if let hw, meas > 0 { noise[m] = hw / meas }
            }
            return Row(level: c.level, measured: c.measured, simulated: c.simulated, errors: errors, noise: noise)
        }
    }

    static func values(_ m: AccuracyMetric, _ c: Comparison) -> (measured: Double, simulated: Double, halfWidth: Double?) {
        switch m {
        case .p50: return (c.measured.p50, c.simulated.p50, c.measured.p50HalfWidth)
        case .p90: return (c.measured.p90, c.simulated.p90, c.measured.p90HalfWidth)
        case .p99: return (c.measured.p99, c.simulated.p99, c.measured.p99HalfWidth)
        case .throughput: return (c.measured.throughput, c.simulated.throughput, c.measured.throughputHalfWidth)
        }
    }

    /// Mean absolute relative error of one metric over the levels; nil without levels.
    public func meanAbsoluteError(_ m: AccuracyMetric) -> Double? {
        let e = rows.compactMap { $0.errors[m] }.map(abs)
        return e.isEmpty ? nil : e.reduce(0, +) / Double(e.count)
    }

    /// Mean absolute relative error over every metric and level: the one figure.
    public var meanAbsoluteError: Double? {
        let e = rows.flatMap { r in AccuracyMetric.allCases.compactMap { r.errors[$0] } }.map(abs)
        return e.isEmpty ? nil : e.reduce(0, +) / Double(e.count)
    }

    /// The targets at one level: p50 within 10 %, p99 within 20 %.
    public static func meetsTargets(_ r: Row) -> Bool {
        abs(r.errors[.p50] ?? .infinity) <= 0.10 && abs(r.errors[.p99] ?? .infinity) <= 0.20
    }
}
