import Testing
@testable import CapsimModel

@Suite("Units as people write them")
struct UnitsTests {
    @Test("durations parse ms, s, m, min, h and d", arguments: [
        ("500ms", 0.5), ("30s", 30), ("5m", 300), ("5min", 300), ("1.5h", 5400), ("2d", 172_800), ("0s", 0), ("250us", 0.00025),
    ])
    func durations(text: String, seconds: Double) {
        #expect(Duration(parsing: text)?.seconds == seconds)
    }

    @Test("bad durations are rejected, never defaulted", arguments: ["five", "5", "", "5 parsecs", "-3s", "m", "1e3s", "nan s", "5hours"])
    func badDurations(text: String) {
        #expect(Duration(parsing: text) == nil)
    }

    @Test("rates parse SI counts per second, minute, hour and day", arguments: [
        ("10k/s", 10_000), ("600/min", 10), ("3600/h", 1), ("1.2M/h", 1_200_000 / 3600.0), ("86400/d", 1), ("9/s", 9),
    ])
    func rates(text: String, perSecond: Double) {
        let r = Rate(parsing: text)
        #expect(r != nil)
        #expect(abs((r?.perSecond ?? -1) - perSecond) < 1e-9)
    }

    @Test("bad rates are rejected", arguments: ["10k", "10k/fortnight", "/s", "ten/s", "10k/s/s", ""])
    func badRates(text: String) {
        #expect(Rate(parsing: text) == nil)
    }

    @Test("percentages need a percent sign")
    func percents() {
        #expect(Percent(parsing: "70%")?.fraction == 0.7)
        #expect(Percent(parsing: "12.5%")?.fraction == 0.125)
        #expect(Percent(parsing: "0.7") == nil)
        #expect(Percent(parsing: "%") == nil)
    }

    @Test("CPU is millicores or cores, as Kubernetes writes it")
    func cpu() {
        #expect(CPU(parsing: "250m")?.millicores == 250)
        #expect(CPU(parsing: "0.5")?.millicores == 500)
        #expect(CPU(parsing: "2")?.millicores == 2000)
        #expect(CPU(parsing: "two") == nil)
        #expect(CPU(parsing: "-1") == nil)
    }

    @Test("memory takes binary and decimal suffixes")
    func memory() {
        #expect(Memory(parsing: "256Mi")?.bytes == 268_435_456)
        #expect(Memory(parsing: "1Gi")?.bytes == 1_073_741_824)
        #expect(Memory(parsing: "512M")?.bytes == 512_000_000)
        #expect(Memory(parsing: "1024")?.bytes == 1024)
        #expect(Memory(parsing: "lots") == nil)
    }

    @Test("money carries its currency and converts at the scenario's rate")
    func money() throws {
        let m = try #require(Money(parsing: "ETB 12.50"))
        #expect(m.amount == 12.5 && m.currency == .etb)
        let u = try #require(Money(parsing: "USD 0.05"))
        #expect(abs(u.amount(in: .etb, etbPerUSD: 155) - 7.75) < 1e-12)
        #expect(abs(m.amount(in: .usd, etbPerUSD: 125) - 0.1) < 1e-12)
        #expect(Money(parsing: "12.50") == nil)
        #expect(Money(parsing: "EUR 3") == nil)
    }

    @Test("units print back the way people write them")
    func printing() {
        #expect(Duration(seconds: 0.25).description == "250ms")
        #expect(Duration(seconds: 300).description == "5m")
        #expect(Rate(perSecond: 10_000).description == "10k/s")
        #expect(Percent(fraction: 0.7).description == "70%")
        #expect(CPU(millicores: 250).description == "250m")
        #expect(Memory(bytes: 256 * 1024 * 1024).description == "256Mi")
    }

    @Test("ranges: a triangular distribution with its mode at mid")
    func uncertainQuantiles() {
        let u = Uncertain(low: 2, mid: 2.5, high: 3)
        #expect(u.quantile(0) == 2)
        #expect(abs(u.quantile(0.5) - 2.5) < 1e-12)
        // F(x) = (x−a)²/((b−a)(c−a)) below the mode: F⁻¹(0.1) = 2 + √(0.1·1·0.5).
        #expect(abs(u.quantile(0.1) - (2 + (0.05).squareRoot())) < 1e-12)
        #expect(abs(u.quantile(0.9) - (3 - (0.05).squareRoot())) < 1e-12)
        #expect(Uncertain(4).quantile(0.3) == 4)
    }

    @Test("lognormal service time fitted to mean and p99 reproduces both")
    func lognormalFit() {
        let st = ServiceTime.lognormal(mean: 0.04, p99: 0.3)
        #expect(abs(st.quantile(0.99) - 0.3) < 1e-6)
        let s = st.lognormalSigma
        #expect(abs(exp(log(0.04) - s * s / 2 + s * s / 2) - 0.04) < 1e-12)   // E[X] = exp(μ + σ²/2)
        #expect(ServiceTime.exponential(mean: 2).scv == 1)
        #expect(ServiceTime.deterministic(value: 2).scv == 0)
        #expect(ServiceTime.gamma(mean: 1, shape: 4).scv == 0.25)
    }

    @Test("named random streams are reproducible and independent of each other")
    func streams() {
        var a = RandomStream(seed: 42, name: "arrivals"), b = RandomStream(seed: 42, name: "arrivals")
        var c = RandomStream(seed: 42, name: "payments-service/service-time")
        let xs = (0..<5).map { _ in a.next() }, ys = (0..<5).map { _ in b.next() }, zs = (0..<5).map { _ in c.next() }
        #expect(xs == ys)
        #expect(xs != zs)
        var u = RandomStream(seed: 1, name: "u")
        let mean = (0..<100_000).reduce(0.0) { s, _ in s + u.uniform() } / 100_000
        // Uniform mean 0.5, sd of the mean √(1/12/1e5) ≈ 0.00091: 5 sd is 0.0046.
        #expect(abs(mean - 0.5) < 0.0046)
    }

    @Test("did-you-mean finds close keys and stays quiet for unrelated words")
    func suggestions() {
        #expect(suggestion(for: "replcias", among: ["replicas", "resources"]) == "replicas")
        #expect(suggestion(for: "cooldwn", among: ["cooldown", "for"]) == "cooldown")
        #expect(suggestion(for: "banana", among: ["replicas", "resources"]) == nil)
    }
}

import Foundation
