import Foundation
import Testing
@testable import Autoscaling
@testable import CapsimModel

/// Upstream's own test tables, row by row, through the entry point `capsim replay` uses
/// (`Replayer`): Tests/Fixtures/hpa-upstream/replica-calculator.json (kubernetes
/// `replica_calculator_test.go`), horizontal.json (`horizontal_test.go`) and keda-kafka.json
/// (kedacore/keda's Kafka scaler tests). Each test checks every row of one file and reports every
/// row that differs, by its upstream test name. docs/hpa-reference.md "Upstream's tables" says
/// what was ported from which version, and which rows could not be.
@Suite("Upstream's own tables through capsim replay")
struct UpstreamTableTests {
    @Test func replicaCalculatorTable() throws { try check("replica-calculator.json") }

    @Test func horizontalTable() throws { try check("horizontal.json") }

    @Test func kedaKafkaTable() throws { try check("keda-kafka.json") }

    /// Every row of `file`; one recorded issue per row that differs, naming its upstream test.
    func check(_ file: String) throws {
        let cases = try UpstreamTables.load(file)
        #expect(!cases.isEmpty, "\(file) has no cases")
        let names = cases.map(\.name)
        #expect(Set(names).count == names.count, "\(file) repeats a case name")
        var failed: [String] = []
        for c in cases {
            if let why = UpstreamTables.mismatch(c) {
                failed.append(c.name)
                Issue.record(Comment(rawValue: "\(c.title): \(why)"))
            }
        }
        #expect(failed.isEmpty, Comment(rawValue: "\(failed.count) of \(cases.count) rows of \(file) differ from upstream: \(failed.joined(separator: ", "))"))
    }
}
