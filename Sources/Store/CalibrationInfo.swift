import Calibration

/// A stored calibration, as `runs calibrations` lists it.
public struct CalibrationInfo: Hashable, Sendable {
    public let id: Int64
    public let target: String
    public let route: String
    public let saturation: Double
    /// The saturation search's bracket: the highest rate kept up with, the lowest not.
    public let low: Double
    public let high: Double
    /// Levels the calibration owes, and level rows stored.
    public let levels: Int
    public let stored: Int
    /// Over every metric and level; nil without levels.
    public let meanAbsoluteError: Double?
    public let capsimVersion: String
    public let createdAt: String
    /// Nil for a calibration a writer never finished (only possible for a row written outside
    /// `saveCalibration`'s transaction): its levels cannot be trusted.
    public let completedAt: String?
}

/// A stored calibration, whole.
public struct StoredCalibration: Sendable {
    public let info: CalibrationInfo
    public let record: CalibrationRecord
}
