import CapsimModel
import Foundation
import Planning
import Testing
@testable import Simulation

/// The simulator against exact queueing theory. Each check runs R independent replications
/// (named seeds), takes the mean time in system of each, and requires the theoretical value
/// to lie inside the replications' 99.9 % confidence interval (Student's t with R − 1 degrees
/// of freedom). Replications, not one long run, because within-run samples are strongly
/// autocorrelated at high load; the interval's half-width is also bounded, so a test cannot
/// pass by being noisy.
@Suite("Simulation against queueing theory")
struct QueueingTheoryTests {
    struct MMc: CustomTestStringConvertible, Sendable {
        let lambda: Double, mu: Double, c: Int, seconds: Double, maxHalfWidth: Double
        var testDescription: String { "λ=\(lambda), μ=\(mu), c=\(c)" }
    }

    /// Time in system W = Wq + 1/μ by Erlang C, at ρ = 0.5, 0.8 and 0.9. Each replication runs
    /// `seconds` after a warm-up of 10 % (the empty start biases W low); customers per
    /// replication = λ × seconds (10⁵ at ρ = 0.5, 9·10⁵ at ρ = 0.9, where the variance of a
    /// run's mean is ~25× larger: the 8 replications then bound W to about ±2 %).
    @Test("M/M/c mean time in system matches Erlang C", arguments: [
        MMc(lambda: 5, mu: 1, c: 10, seconds: 20_000, maxHalfWidth: 0.01),
        MMc(lambda: 8, mu: 1, c: 10, seconds: 40_000, maxHalfWidth: 0.02),
        MMc(lambda: 9, mu: 1, c: 10, seconds: 100_000, maxHalfWidth: 0.03),
    ])
    func mmc(_ q: MMc) throws {
        let erlang = ErlangC(lambda: q.lambda, mu: q.mu, servers: q.c)
        let theory = erlang.meanResponse
        let s = try load(singleStation(rate: "\(q.lambda)/s", serviceTime: "\(1 / q.mu)s", concurrency: q.c))
        let reps = 8
        let runs = try (0..<reps).map { i -> ServiceSummary in
            let (r, _) = try simulate(s, seed: 1000 + UInt64(i), duration: q.seconds * 1.1, warmup: q.seconds * 0.1)
            return r.services[0]
        }
        let ws = try runs.map { try #require($0.latency?.mean) }
        let (m, se) = meanAndStandardError(ws)
        let half = t9995(reps - 1) * se
        #expect(abs(m - theory) <= half, "W = \(m) ± \(half) (99.9 % CI), Erlang C \(theory)")
        #expect(half / theory < q.maxHalfWidth, "the interval is too wide to be a test: ±\(half / theory * 100) %")
        // The wait and the service apart, each against its own theory, on the same replications:
        // Wq and P(wait) by Erlang C, the time holding a slot with mean 1/μ.
        for (name, values, exact) in [("Wq", try runs.map { try #require($0.wait?.mean) }, erlang.meanWait),
                                      ("P(wait)", try runs.map { try #require($0.waitProbability) }, erlang.probabilityOfWaiting),
                                      ("service time", try runs.map { try #require($0.serviceTime?.mean) }, 1 / q.mu)] {
            let (mv, sev) = meanAndStandardError(values)
            let h = t9995(reps - 1) * sev
            #expect(abs(mv - exact) <= h, "\(name) = \(mv) ± \(h) (99.9 % CI), theory \(exact)")
        }
    }

    /// M/D/1 by Pollaczek–Khinchine: Wq = λ·E[S²] / (2(1 − ρ)) = ρ·D / (2(1 − ρ)) for S ≡ D.
    /// At ρ = 0.8, D = 1 s: Wq = 2 s, W = 3 s.
    @Test("M/D/1 mean time in system matches Pollaczek–Khinchine")
    func md1() throws {
        let yaml = singleStation(rate: "0.8/s", serviceTime: "{distribution: deterministic, value: 1s}", concurrency: 1)
        let s = try load(yaml)
        let reps = 8
        let runs = try (0..<reps).map { i -> ServiceSummary in
            let (r, _) = try simulate(s, seed: 2000 + UInt64(i), duration: 110_000, warmup: 10_000)
            return r.services[0]
        }
        let ws = try runs.map { try #require($0.latency?.mean) }
        let theory = 1.0 + 0.8 * 1.0 / (2 * (1 - 0.8))
        let (m, se) = meanAndStandardError(ws)
        let half = t9995(reps - 1) * se
        #expect(abs(m - theory) <= half, "W = \(m) ± \(half), P-K \(theory)")
        #expect(half / theory < 0.04)
        // The wait alone against P-K's Wq = 2 s; a single server waits with P = ρ = 0.8; every
        // service takes exactly 1 s (the histogram keeps 3 significant digits).
        let wq = try runs.map { try #require($0.wait?.mean) }
        let (mw, sew) = meanAndStandardError(wq)
        #expect(abs(mw - 2.0) <= t9995(reps - 1) * sew, "Wq = \(mw), P-K 2 s")
        let pw = try runs.map { try #require($0.waitProbability) }
        let (mp, sep) = meanAndStandardError(pw)
        #expect(abs(mp - 0.8) <= t9995(reps - 1) * sep, "P(wait) = \(mp), ρ 0.8")
        for r in runs {
            let st = try #require(r.serviceTime)
            #expect(abs(st.mean - 1) < 1e-9 && abs(st.p50 - 1) < 2e-3 && abs(st.p99 - 1) < 2e-3, "\(st)")
        }
    }

    /// Little's law (L = λW) holds for any discipline: checked on per-instance queues with
    /// random balancing, where Erlang C does not apply. L is the mean of in-flight snapshots
    /// every 15 s: four M/M/1 queues at ρ = 0.75 have Var(L) = 4·ρ/(1−ρ)² = 48 and relax in
    /// about 6 s, so ~1260 nearly independent snapshots give L to ±0.2 (1.6 %); the 5 % band
    /// is three standard errors.
    @Test("Little's law holds on per-instance queues")
    func littlesLaw() throws {
        let s = try load(singleStation(rate: "30/s", serviceTime: "100ms", concurrency: 1, replicas: 4,
                                       queue: "{discipline: per-instance, balancing: random}"))
        let (r, _) = try simulate(s, seed: 5, duration: 20_000, warmup: 1000)
        let samples = r.timeline.filter { $0.time > 1000 }
        let l = Double(samples.reduce(0) { $0 + $1.inFlight }) / Double(samples.count)
        let lambda = Double(r.services[0].arrivals) / 19_000
        let w = try #require(r.services[0].latency?.mean)
        #expect(abs(l - lambda * w) / (lambda * w) < 0.05, "L = \(l), λW = \(lambda * w)")
    }
}

@Suite("Empirical service times")
struct EmpiricalTests {
    /// Service 10 ms or 30 ms with equal counts: E[S] = 20 ms, E[S²] = 0.0005 s². M/G/1 at
    /// λ = 25/s (ρ = 0.5): Pollaczek–Khinchine W = E[S] + λE[S²]/(2(1−ρ)) = 32.5 ms. Eight
    /// replications of 10⁵ customers; the theory must sit in the 99.9 % interval.
    @Test("an empirical histogram file drives M/G/1 to Pollaczek–Khinchine")
    func mg1() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = root.appendingPathComponent("Tests/Fixtures/histograms/scenario.yaml").path
        let yaml = singleStation(rate: "25/s", serviceTime: "{distribution: empirical, file: two-point.csv}", concurrency: 1)
        let s = try ScenarioLoader.parse(yaml, file: file)
        #expect(abs(s.services["s"]!.capacity.serviceTime.mean - 0.02) < 1e-12)
        #expect(abs(s.services["s"]!.capacity.serviceTime.scv - 0.25) < 1e-12)
        let ws = try (0..<8).map { i -> Double in
            let (r, _) = try simulate(s, seed: 500 + UInt64(i), duration: 4400, warmup: 400)
            return try #require(r.services[0].latency?.mean)
        }
        let (m, se) = meanAndStandardError(ws)
        let half = t9995(7) * se
        #expect(abs(m - 0.0325) <= half, "W = \(m) ± \(half)")
        #expect(half / 0.0325 < 0.03)
    }

    @Test("a missing or malformed histogram file is a located error")
    func badFile() throws {
        let yaml = singleStation(rate: "25/s", serviceTime: "{distribution: empirical, file: nosuch.csv}", concurrency: 1)
        #expect(throws: ScenarioErrors.self) { try ScenarioLoader.parse(yaml, file: "/tmp/x/scenario.yaml") }
    }
}
