/// The calibrated scenario as files under a folder: the scenario at the top level's rate (the
/// station as it is at the highest level) and, for an empirical fit, the histogram it names.
/// The scenario names its histogram beside itself, by file name only, so the folder can move.
public struct CalibratedFiles: Sendable {
    public struct File: Sendable, Equatable {
        public let path: String
        public let text: String
    }

    /// The model as written: with its histogram's file name (the JSON report shows this one).
    public let model: RouteModel
    public let scenarioPath: String
    /// In the order to write them: the histogram before the scenario that names it.
    public let files: [File]
}

extension CalibrationOutcome {
    /// The files `capsim calibrate` writes under `folder`, named for the route:
    /// `ROUTE.yaml`, and `ROUTE.histogram.csv` when the fit kept the measured histogram.
    public func files(in folder: String) -> CalibratedFiles {
        let name = model.fileSafeName
        var written = self.written
        var files: [CalibratedFiles.File] = []
        if written.shape == .empirical && !written.bins.isEmpty {
            files.append(.init(path: "\(folder)/\(name).histogram.csv", text: written.histogramCSV))
            written.histogramFile = "\(name).histogram.csv"
        }
        let scenarioPath = "\(folder)/\(name).yaml"
        files.append(.init(path: scenarioPath, text: written.scenarioYAML(rate: topRate, duration: 600) + "\n"))
        return CalibratedFiles(model: written, scenarioPath: scenarioPath, files: files)
    }
}
