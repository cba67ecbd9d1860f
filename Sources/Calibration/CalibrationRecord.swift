/// A calibration as the results store keeps it and shows it again (`capsim runs calibration
/// ID`, its report): everything `capsim calibrate`'s table and report show. The fitted model is
/// kept without its histogram bins — thousands of (seconds, count) pairs that the histogram
/// file written beside the scenario holds, and that no table or chart shows.
public struct CalibrationRecord: Hashable, Sendable, Codable {
    /// One predicted level: measured, simulated and, when the server reported them, its CPU and
    /// the level simulated once more with the cost per request it measured there.
    public struct Level: Hashable, Sendable, Codable {
        /// The level as a fraction of saturation.
        public var fraction: Double
        public var measured: LevelMeasurement
        public var simulated: LevelMeasurement
        /// The server's CPU seconds per second during the level (its /metrics).
        public var serverCPU: Double?
        /// The cost per request the server measured at the level (seconds) and the level
        /// simulated with that cost: the queueing alone, apart from the capacity forecast.
        public var measuredCost: Double?
        public var simulatedAtMeasuredCost: LevelMeasurement?

        public init(fraction: Double, measured: LevelMeasurement, simulated: LevelMeasurement, serverCPU: Double? = nil,
                    measuredCost: Double? = nil, simulatedAtMeasuredCost: LevelMeasurement? = nil) {
            self.fraction = fraction; self.measured = measured; self.simulated = simulated; self.serverCPU = serverCPU
            self.measuredCost = measuredCost; self.simulatedAtMeasuredCost = simulatedAtMeasuredCost
        }

        public var comparison: Comparison { Comparison(level: fraction, measured: measured, simulated: simulated) }
    }

    /// The service, as given to `--target`.
    public var target: String
    /// Where the calibrated scenario was written.
    public var scenarioPath: String
    /// The fitted model, its `bins` empty.
    public var model: RouteModel
    public var saturation: SaturationFinding
    public var cpuSaturation: Double?
    public var levels: [Level]

    public init(target: String, scenarioPath: String, model: RouteModel, saturation: SaturationFinding, cpuSaturation: Double?, levels: [Level]) {
        var model = model
        model.bins = []
        self.target = target; self.scenarioPath = scenarioPath; self.model = model
        self.saturation = saturation; self.cpuSaturation = cpuSaturation; self.levels = levels
    }

    /// What `capsim calibrate` found, as kept. The measured costs and the levels simulated with
    /// them are kept only when every level has both (the outcome's `costs` lists the levels
    /// that had one, so a shorter list cannot be matched to its levels).
    public init(target: String, scenarioPath: String, outcome o: CalibrationOutcome) {
        let n = o.comparisons.count
        let aligned = o.costs.count == n && o.givenMeasuredCost.count == n
        let levels = o.comparisons.enumerated().map { i, c in
            Level(fraction: c.level, measured: c.measured, simulated: c.simulated, serverCPU: i < o.utilization.count ? o.utilization[i] : nil,
                  measuredCost: aligned ? o.costs[i] : nil, simulatedAtMeasuredCost: aligned ? o.givenMeasuredCost[i].simulated : nil)
        }
        self.init(target: target, scenarioPath: scenarioPath, model: o.model, saturation: o.saturation, cpuSaturation: o.cpuSaturation, levels: levels)
    }

    public var comparisons: [Comparison] { levels.map(\.comparison) }
    public var accuracy: AccuracyTable { AccuracyTable(comparisons) }
    /// Per level, the server's CPU seconds per second (nil without its /metrics).
    public var utilization: [Double?] { levels.map(\.serverCPU) }
    /// The measured cost per level, or empty unless every level has one and its simulation.
    public var costs: [Double] {
        let c = levels.compactMap { $0.simulatedAtMeasuredCost == nil ? nil : $0.measuredCost }
        return c.count == levels.count ? c : []
    }
    /// The levels simulated with the measured cost, or empty (as `costs`).
    public var givenMeasuredCost: [Comparison] {
        costs.isEmpty ? [] : levels.compactMap { l in l.simulatedAtMeasuredCost.map { Comparison(level: l.fraction, measured: l.measured, simulated: $0) } }
    }
}
