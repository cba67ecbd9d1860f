import Foundation
import Testing
import CapsimModel

/// A corpus of small invalid scenarios, one problem (or one deliberate mix of problems) per
/// file, in `Tests/Fixtures/invalid/`. Each file lists, in `# expect:` comment lines at its
/// top, every diagnostic loading it must produce, in order, without the `file:` prefix:
///
///     # expect: 15:16: error: services.payments.autoscaling.triggers[1].for: expected a duration like "5m", got "five"
///
/// The comparison is of whole arrays, so a missing, extra, reordered or relocated diagnostic
/// fails. Files under `Tests/Fixtures/invalid-pending/` show known loader bugs and are not read.
@Suite("Invalid scenario corpus")
struct InvalidScenarioCorpusTests {
    static let expectPrefix = "# expect: "

    /// The package root: the nearest ancestor of this file that holds `Package.swift`.
    static let packageRoot: URL = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) { return dir }
            dir = dir.deletingLastPathComponent()
        }
        fatalError("no Package.swift above \(#filePath)")
    }()

    static let fixtureDirectory = packageRoot.appendingPathComponent("Tests/Fixtures/invalid")

    /// Every `.yaml` fixture, by file name, sorted so test names are stable.
    static let fixtures: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: fixtureDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }()

    /// Every `*.yaml` under `scenarios/`, recursively, as paths relative to the package root.
    static let shippedScenarios: [String] = {
        let base = packageRoot.appendingPathComponent("scenarios")
        guard let walker = FileManager.default.enumerator(atPath: base.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".yaml") }.map { "scenarios/" + $0 }.sorted()
    }()

    static func path(ofFixture name: String) -> String { fixtureDirectory.appendingPathComponent(name).path }

    static func expectedDiagnostics(inFixture name: String) throws -> [String] {
        let text = try String(contentsOfFile: path(ofFixture: name), encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { $0.hasPrefix(expectPrefix) }
            .map { String($0.dropFirst(expectPrefix.count)) }
    }

    /// `Diagnostic.description` without the `file:` prefix.
    static func located(_ d: Diagnostic) -> String {
        "\(d.line):\(d.column): error: " + (d.path.isEmpty ? d.message : "\(d.path): \(d.message)")
    }

    @Test("the corpus is large enough to cover the format's contradictions")
    func corpusIsNotEmpty() {
        #expect(Self.fixtures.count >= 25, "only \(Self.fixtures.count) fixtures found in \(Self.fixtureDirectory.path)")
    }

    @Test("every invalid fixture states at least one expected diagnostic", arguments: fixtures)
    func fixtureStatesItsExpectations(_ name: String) throws {
        let expected = try Self.expectedDiagnostics(inFixture: name)
        #expect(!expected.isEmpty, "\(name) has no \"# expect:\" line")
    }

    @Test("an invalid scenario is rejected with exactly its expected diagnostics, in file order", arguments: fixtures)
    func invalidScenarioReportsExactlyItsDiagnostics(_ name: String) throws {
        let expected = try Self.expectedDiagnostics(inFixture: name)
        let path = Self.path(ofFixture: name)
        do {
            let scenario = try ScenarioLoader.load(path: path)
            Issue.record("\(name) loaded as scenario \"\(scenario.name)\" but should have been rejected")
        } catch {
            let actual = error.diagnostics.map(Self.located)
            #expect(actual == expected, "\(name)")
            #expect(error.diagnostics.allSatisfy { $0.file == path }, "\(name): diagnostics name another file")
        }
    }

    @Test("every scenario shipped in scenarios/ loads without errors", arguments: shippedScenarios)
    func shippedScenarioLoads(_ relativePath: String) {
        let path = Self.packageRoot.appendingPathComponent(relativePath).path
        do {
            _ = try ScenarioLoader.load(path: path)
        } catch {
            Issue.record("\(relativePath) should load but reported:\n\(error.description)")
        }
    }

    @Test("scenarios/ holds at least one scenario to check")
    func shippedScenariosExist() {
        #expect(!Self.shippedScenarios.isEmpty)
    }
}
