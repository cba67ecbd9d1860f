import Calibration
import Foundation

/// `capsim calibrate --format json`: the fit and every comparison, for scripts. The model is
/// the one written beside the scenario (its histogram file named) without its bins: the
/// histogram is in that file, and thousands of bins would drown the figures a reader wants.
public struct CalibrationReport: Encodable, Sendable {
    public let target: String
    public let model: RouteModel
    /// The calibrated scenario's path.
    public let scenario: String
    public let comparisons: [Calibration.Comparison]
    /// The same levels simulated with the cost per request measured at each (empty when
    /// the server does not send Server-Timing).
    public let givenMeasuredCost: [Calibration.Comparison]
    /// Signed and absolute errors per level and metric, and the mean absolute error.
    public let accuracy: AccuracyTable
    public let meanAbsoluteError: Double?
    /// How saturation was found, and what the server's CPU says.
    public let saturation: SaturationFinding
    public let cpuSaturation: Double?

    public init(target: String, outcome: CalibrationOutcome, files: CalibratedFiles) {
        var model = files.model
        model.bins = []
        self.target = target
        self.model = model
        self.scenario = files.scenarioPath
        self.comparisons = outcome.comparisons
        self.givenMeasuredCost = outcome.givenMeasuredCost
        self.accuracy = outcome.accuracy
        self.meanAbsoluteError = outcome.accuracy.meanAbsoluteError
        self.saturation = outcome.saturation
        self.cpuSaturation = outcome.cpuSaturation
    }

    /// Pretty, sorted keys, slashes as they are; no trailing newline.
    public func json() throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(self), as: UTF8.self)
    }
}
