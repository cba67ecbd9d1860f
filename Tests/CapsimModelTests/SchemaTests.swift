import Foundation
import Testing
@testable import CapsimModel

/// Keeps `schema/scenario.schema.json` (what editors validate and complete with) in step with
/// the decoder (what capsim actually reads): the object table, the enums and the unit text forms.
@Suite("Scenario JSON Schema matches the decoder")
struct SchemaTests {

    // MARK: loading

    /// The package root: the nearest directory above this file that holds `Package.swift`.
    static func packageRoot(from file: String = #filePath) -> URL? {
        var dir = URL(fileURLWithPath: file).deletingLastPathComponent()
        while dir.pathComponents.count > 1 {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) { return dir }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    /// The schema's `$defs`, parsed with JSONSerialization.
    static func definitions() throws -> [String: [String: Any]] {
        let root = try #require(packageRoot(), "no Package.swift above \(#filePath)")
        let url = root.appendingPathComponent("schema/scenario.schema.json")
        let data = try Data(contentsOf: url)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(url.path) is not a JSON object")
        #expect(json["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        let defs = try #require(json["$defs"] as? [String: Any], "\(url.path) has no $defs")
        return defs.compactMapValues { $0 as? [String: Any] }
    }

    /// The `$defs` entries that describe objects (they have `properties`), by name.
    static func objectDefinitions() throws -> [String: [String: Any]] {
        try definitions().filter { $0.value["properties"] != nil }
    }

    static func enumValues(_ name: String) throws -> [String] {
        let def = try #require(try definitions()[name], "the schema has no $defs/\(name)")
        return try #require(def["enum"] as? [String], "$defs/\(name) has no string enum")
    }

    // MARK: object kinds

    @Test("every object kind of ScenarioFormat.objects has a $defs entry with exactly its keys",
          arguments: ScenarioFormat.objects.keys.sorted())
    func objectKindHasDefinitionWithTheSameKeys(kind: String) throws {
        let def = try #require(try Self.definitions()[kind], "the schema has no $defs/\(kind) for the decoder's object kind \(kind)")
        let properties = try #require(def["properties"] as? [String: Any], "$defs/\(kind) has no properties")
        let table = Set(ScenarioFormat.objects[kind] ?? [])
        let schema = Set(properties.keys)
        let missing = table.subtracting(schema).sorted(), extra = schema.subtracting(table).sorted()
        #expect(missing.isEmpty && extra.isEmpty,
                "$defs/\(kind).properties differs from ScenarioFormat.objects[\"\(kind)\"]: missing \(missing), extra \(extra)")
    }

    @Test("every $defs entry with properties is an object kind the decoder knows")
    func everyObjectDefinitionIsADecoderKind() throws {
        let unknown = try Self.objectDefinitions().keys.filter { ScenarioFormat.objects[$0] == nil }.sorted()
        #expect(unknown.isEmpty, "$defs with properties but no entry in ScenarioFormat.objects: \(unknown)")
    }

    @Test("every object definition rejects unknown keys, as the decoder does")
    func everyObjectDefinitionForbidsAdditionalProperties() throws {
        let open = try Self.objectDefinitions().filter { _, def in
            !((def["additionalProperties"] as? Bool) == false)
        }.keys.sorted()
        #expect(open.isEmpty, "$defs without additionalProperties: false: \(open)")
    }

    // MARK: enums

    @Test("the holiday enum lists exactly ScenarioFormat.holidays")
    func holidayEnumMatchesTheCalendar() throws {
        let schema = try Self.enumValues("holiday")
        #expect(schema == ScenarioFormat.holidays,
                "missing \(Set(ScenarioFormat.holidays).subtracting(schema).sorted()), extra \(Set(schema).subtracting(ScenarioFormat.holidays).sorted())")
    }

    @Test("the metric enum lists exactly Metric.allCases")
    func metricEnumMatchesMetricCases() throws {
        let schema = try Self.enumValues("metric")
        let decoder = Metric.allCases.map(\.rawValue)
        #expect(schema == decoder,
                "missing \(Set(decoder).subtracting(schema).sorted()), extra \(Set(schema).subtracting(decoder).sorted())")
    }

    @Test("the choice enums list exactly the decoder's cases", arguments: [
        ("discipline", QueueDiscipline.allCases.map(\.rawValue)),
        ("balancing", LoadBalancing.allCases.map(\.rawValue)),
        ("select_policy", SelectPolicy.allCases.map(\.rawValue)),
        ("policy_type", HPAPolicyType.allCases.map(\.rawValue)),
        ("currency_code", Currency.allCases.map(\.rawValue)),
    ])
    func choiceEnumMatchesDecoderCases(name: String, cases: [String]) throws {
        let schema = try Self.enumValues(name)
        #expect(Set(schema) == Set(cases), "$defs/\(name): missing \(Set(cases).subtracting(schema).sorted()), extra \(Set(schema).subtracting(cases).sorted())")
    }

    // MARK: unit text forms

    /// The text pattern of a unit definition: its own `pattern`, or that of its string branch.
    static func pattern(_ name: String) throws -> NSRegularExpression {
        let def = try #require(try definitions()[name], "the schema has no $defs/\(name)")
        let branches = [def] + ((def["anyOf"] as? [[String: Any]]) ?? [])
        let text = try #require(branches.compactMap { $0["pattern"] as? String }.first, "$defs/\(name) has no pattern")
        return try NSRegularExpression(pattern: text)
    }

    static func matches(_ re: NSRegularExpression, _ s: String) -> Bool {
        re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
    }

    /// Samples of each unit's text, and what Units.swift makes of them. The schema is allowed to
    /// be stricter only where the validator would reject the value anyway (negative rates,
    /// counts and prices), so those predicates require a non-negative value.
    static let unitSamples: [(def: String, samples: [String])] = [
        ("duration", ["500ms", "30s", "5m", "1.5h", "2d", "5min", "5 ms", "250us", "5µs", "0s", "1_000ms", ".5s", "5.s", "+5s",
                      "5", "-5s", "5 sec", "5mins", "5 hours", "ms", "1e3ms", "5M", "5S", "", "5μs"]),
        ("rate", ["10k/s", "600/min", "1.2M/h", "5/sec", "5/second", "3/minute", "2/hour", "1/day", "1/d", "10k / s", "7/m",
                  "10k", "10/x", "10k/s/s", "/s", "k/s", "-5/s", "10 per s", "1e3/s", "10kk/s"]),
        ("percent", ["70%", "12.5%", "-5%", "0%", "+3%", "70 %", "100%", "70", "%", "70%%", "seventy%", "0.7"]),
        ("cpu", ["250m", "0.5", "2", "1.5m", "0", "250 m", "250mi", "-1", "1 core", "m", "250M"]),
        ("memory", ["256Mi", "1Gi", "512M", "1k", "1024", "2Ti", "1.5Gi", "3T", "256MB", "256mi", "1K", "-1Mi", "Mi"]),
        ("money", ["ETB 12.50", "USD 0.05", "usd 1", "Etb  3", "ETB 0", "12.50 ETB", "EUR 5", "ETB", "ETB12", "ETB -1", "ETB 1 2"]),
        ("count", ["100k", "1.5M", "2G", "10000", "0", "5K", "1_000", "100 k", "100x", "-5", "1e5", "k", "1kk", "5m"]),
        ("whole", ["3", "2k", "1.5k", "0", "1_000", "2.0", "2.5", "-1", "3x", "1e3", "k"]),
        ("number", ["2", "2.5", "-3", "1_000", ".5", "5.", "+1", "1e3", "nan", "inf", "2k", "", "1.2.3"]),
        ("clock_time", ["19:30", "7:05", "00:00", "23:59:59", "2026-09-11T19:30", "2026-09-11T19:30:15", "2026-09-11T19:30Z",
                        "2026-09-11T19:30+03:00", "2026-09-11T19:30:00-05:00", "24:00", "19:60", "19:5", "1930", "7pm", "19:30:60",
                        "2026-09-11", "2026-09-11 19:30", "2026-09-11T7:30", "20m", ""]),
    ]

    static func decoderAccepts(_ def: String, _ text: String) -> Bool {
        switch def {
        case "duration": return Duration(parsing: text) != nil
        case "rate": return (Rate(parsing: text)?.perSecond).map { $0 >= 0 } ?? false
        case "percent": return Percent(parsing: text) != nil
        case "cpu": return CPU(parsing: text) != nil
        case "memory": return Memory(parsing: text) != nil
        case "money": return Money(parsing: text).map { $0.amount >= 0 } ?? false
        case "count": return parseCount(text).map { $0 >= 0 } ?? false
        case "whole": return parseCount(text).map { $0 >= 0 && $0 == $0.rounded() } ?? false
        case "number": return parseDecimal(text) != nil
        case "clock_time": return SurgeStart(parsing: text).map { if case .offset = $0 { false } else { true } } ?? false
        default: return false
        }
    }

    @Test("each unit pattern accepts the same sample texts as Units.swift", arguments: unitSamples.map(\.def))
    func unitPatternAgreesWithParser(def: String) throws {
        let re = try Self.pattern(def)
        let samples = Self.unitSamples.first { $0.def == def }?.samples ?? []
        for s in samples {
            let decoder = Self.decoderAccepts(def, s)
            #expect(Self.matches(re, s) == decoder, "$defs/\(def) pattern \(decoder ? "rejects" : "accepts") \"\(s)\", which the decoder \(decoder ? "accepts" : "rejects")")
        }
    }
}
