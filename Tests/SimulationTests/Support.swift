import CapsimModel
import Foundation
@testable import Simulation

func load(_ yaml: String, overrides: [String] = []) throws -> Scenario {
    try ScenarioLoader.parse(yaml, file: "test.yaml", overrides: overrides)
}

/// A single station fed by Poisson arrivals at `rate` per second.
func singleStation(rate: String, serviceTime: String, concurrency: Int, replicas: Int = 1, queue: String = "{discipline: shared}",
                   extra: String = "", duration: String = "1h", warmup: String = "0s") -> String {
    """
    capsim: 1
    name: station
    services:
      s:
        capacity: {service_time: \(serviceTime), concurrency: \(concurrency)}
        replicas: \(replicas)
        startup: 0s
        queue: \(queue)
    \(extra)
    traffic:
      entry: s
      peak: \(rate)
      hop_latency: 0s
      routes:
        all: {share: 100%, path: [s]}
    simulation:
      duration: \(duration)
      warmup: \(warmup)
    """
}

func simulate(_ s: Scenario, seed: UInt64? = nil, duration: Double? = nil, warmup: Double? = nil, check: Bool = false) throws -> (SimulationResult, String?) {
    var o = SimulationOptions(scenario: s)
    if let seed { o.seed = seed }
    if let duration { o.duration = duration }
    if let warmup { o.warmup = warmup }
    o.checkInvariants = check
    let sim = try Simulator(scenario: s, options: o)
    let r = try sim.run()
    return (r, sim.violation)
}

/// Mean and standard error of independent replications.
func meanAndStandardError(_ xs: [Double]) -> (mean: Double, se: Double) {
    let n = Double(xs.count)
    let m = xs.reduce(0, +) / n
    let v = xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)
    return (m, (v / n).squareRoot())
}

/// Student's t quantile at 0.9995 (a two-sided 99.9 % interval) for small degrees of freedom.
func t9995(_ df: Int) -> Double {
    let table: [Int: Double] = [4: 8.610, 5: 6.869, 6: 5.959, 7: 5.408, 8: 5.041, 9: 4.781, 10: 4.587, 11: 4.437, 12: 4.318, 15: 4.073, 19: 3.883]
    return table[df] ?? 3.291
}
