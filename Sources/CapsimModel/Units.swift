import Foundation

/// Quantities as people write them in scenarios. Each type parses its own text form and
/// prints it back, so error messages and reports show values the way the user wrote them.
///
/// Parsing returns `nil` on bad text; the decoder turns that into a located error that
/// quotes an example of the expected form (`Duration.example` and friends).

/// A length of time, stored in seconds. Written `500ms`, `30s`, `5m`, `1.5h`, `2d`.
public struct Duration: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let seconds: Double
    public init(seconds: Double) { self.seconds = seconds }
    public static let example = "\"5m\""
    public static func < (a: Duration, b: Duration) -> Bool { a.seconds < b.seconds }

    static let units: [(String, Double)] = [("ms", 0.001), ("us", 1e-6), ("µs", 1e-6), ("s", 1), ("min", 60), ("m", 60), ("h", 3600), ("d", 86400)]

    public init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        for (suffix, scale) in Duration.units where t.hasSuffix(suffix) {
            let number = t.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
            guard let v = parseDecimal(number), v >= 0, (v * scale).isFinite else { return nil }
            self.seconds = v * scale
            return
        }
        return nil
    }

    public var description: String { formatDuration(seconds) }
}

/// Formats seconds with the largest unit that keeps the number short: `250ms`, `45s`, `5m`, `1.5h`.
public func formatDuration(_ s: Double) -> String {
    if s == 0 { return "0s" }
    if s < 1 { return trim(s * 1000) + "ms" }
    if s < 60 { return trim(s) + "s" }
    if s < 3600 { return trim(s / 60) + "m" }
    if s < 86400 { return trim(s / 3600) + "h" }
    return trim(s / 86400) + "d"
}

/// Thousands grouped with commas, locale-free: `4215178` → `4,215,178`.
public func formatGrouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return n < 0 ? "-" + out : out
}

/// Simulated time since the start of a run, to the second: `mm:ss`, or `h:mm:ss` from an hour on.
public func formatElapsed(_ t: Double) -> String {
    let s = Int(t.rounded())
    return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%02d:%02d", s / 60, s % 60)
}

/// A rate of events, stored per second. Written `10k/s`, `600/min`, `1.2M/h`.
public struct Rate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let perSecond: Double
    public init(perSecond: Double) { self.perSecond = perSecond }
    public static let example = "\"10k/s\""
    public static func < (a: Rate, b: Rate) -> Bool { a.perSecond < b.perSecond }

    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let count = parseCount(String(parts[0])) else { return nil }
        let per: Double
        switch parts[1].trimmingCharacters(in: .whitespaces) {
        case "s", "sec", "second": per = 1
        case "min", "m", "minute": per = 60
        case "h", "hour": per = 3600
        case "d", "day": per = 86400
        default: return nil
        }
        guard (count / per).isFinite else { return nil }
        self.perSecond = count / per
    }

    public var description: String { formatCount(perSecond) + "/s" }
}

/// A fraction written as a percentage: `70%` is stored as 0.70.
public struct Percent: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let fraction: Double
    public init(fraction: Double) { self.fraction = fraction }
    public static let example = "\"70%\""
    public static func < (a: Percent, b: Percent) -> Bool { a.fraction < b.fraction }

    public init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard t.hasSuffix("%"), let v = parseDecimal(String(t.dropLast()).trimmingCharacters(in: .whitespaces)) else { return nil }
        self.fraction = v / 100
    }

    public var description: String { trim(fraction * 100) + "%" }
}

/// CPU in millicores, as Kubernetes writes it: `250m`, or cores: `0.5`, `2`.
public struct CPU: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let millicores: Double
    public init(millicores: Double) { self.millicores = millicores }
    public static let example = "\"250m\""
    public static func < (a: CPU, b: CPU) -> Bool { a.millicores < b.millicores }

    public init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.hasSuffix("m"), let v = parseDecimal(String(t.dropLast())), v >= 0 {
            self.millicores = v
        } else if let v = parseDecimal(t), v >= 0, (v * 1000).isFinite {
            self.millicores = v * 1000
        } else {
            return nil
        }
    }

    public var description: String { trim(millicores) + "m" }
}

/// Memory in bytes, as Kubernetes writes it: `256Mi`, `1Gi`, `512M`.
public struct Memory: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let bytes: Double
    public init(bytes: Double) { self.bytes = bytes }
    public static let example = "\"256Mi\""
    public static func < (a: Memory, b: Memory) -> Bool { a.bytes < b.bytes }

    static let units: [(String, Double)] = [("Ki", 1024), ("Mi", 1024 * 1024), ("Gi", 1024 * 1024 * 1024), ("Ti", 1024 * 1024 * 1024 * 1024),
                                            ("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12)]

    public init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        for (suffix, scale) in Memory.units where t.hasSuffix(suffix) {
            guard let v = parseDecimal(String(t.dropLast(suffix.count))), v >= 0, (v * scale).isFinite else { return nil }
            self.bytes = v * scale
            return
        }
        guard let v = parseDecimal(t), v >= 0 else { return nil }
        self.bytes = v
    }

    public var description: String {
        let mi = bytes / (1024 * 1024)
        return mi >= 1024 ? trim(mi / 1024) + "Gi" : trim(mi) + "Mi"
    }
}

/// The currencies capsim reports in. The scenario's exchange rate converts between them.
public enum Currency: String, Hashable, Sendable, Codable, CaseIterable {
    case etb = "ETB"
    case usd = "USD"

    /// The one that is not this.
    public var other: Currency { self == .etb ? .usd : .etb }
}

/// An amount of money with its currency: `ETB 12.50`, `USD 0.05`.
public struct Money: Hashable, Sendable, Codable, CustomStringConvertible {
    public let amount: Double
    public let currency: Currency
    public init(_ amount: Double, _ currency: Currency) { self.amount = amount; self.currency = currency }
    public static let example = "\"ETB 12.50\""

    public init?(parsing text: String) {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, let c = Currency(rawValue: String(parts[0]).uppercased()),
              let v = parseDecimal(String(parts[1])) else { return nil }
        self.amount = v
        self.currency = c
    }

    /// The amount in `target`, given how many birr one US dollar buys.
    public func amount(in target: Currency, etbPerUSD: Double) -> Double {
        switch (currency, target) {
        case (.etb, .etb), (.usd, .usd): return amount
        case (.usd, .etb): return amount * etbPerUSD
        case (.etb, .usd): return amount / etbPerUSD
        }
    }

    public var description: String { "\(currency.rawValue) \(String(format: "%.2f", amount))" }
}

/// Parses a plain decimal (`12`, `0.5`, `-3`); rejects `nan`, `inf`, hex and empty text.
func parseDecimal(_ text: String) -> Double? {
    let t = text.trimmingCharacters(in: .whitespaces)
    guard !t.isEmpty, t.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" || $0 == "_" }),
          let v = Double(t.replacingOccurrences(of: "_", with: "")), v.isFinite else { return nil }
    return v
}

/// Parses a count with an optional SI suffix: `100k`, `1.5M`, `2G`, `10000`.
public func parseCount(_ text: String) -> Double? {
    let t = text.trimmingCharacters(in: .whitespaces)
    let scales: [Character: Double] = ["k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9]
    if let last = t.last, let scale = scales[last] {
        return parseDecimal(String(t.dropLast())).map { $0 * scale }.flatMap { $0.isFinite ? $0 : nil }
    }
    return parseDecimal(t)
}

/// `10000` → `10k`, `1500000` → `1.5M`, `12.5` → `12.5`.
public func formatCount(_ v: Double) -> String {
    let a = abs(v)
    if a >= 1e9 { return trim(v / 1e9) + "G" }
    if a >= 1e6 { return trim(v / 1e6) + "M" }
    if a >= 1e4 { return trim(v / 1e3) + "k" }
    return trim(v)
}

/// A number with at most three significant decimals and no trailing zeros.
public func trim(_ v: Double) -> String {
    if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) }
    var s = String(format: "%.3f", v)
    while s.hasSuffix("0") { s.removeLast() }
    if s.hasSuffix(".") { s.removeLast() }
    return s
}
