import CapsimModel
import Foundation
import Testing
@testable import Checks
@testable import Simulation

/// `capsim check`'s per-scenario logic, without a process: the flag rules, the input files,
/// the verdicts for a run (expectations, baseline, golden decisions) and the text it prints.
@Suite("check: plans, inputs and the printed summary")
struct CheckPlanTests {
    func temp(_ name: String, _ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-checkplan-\(UUID().uuidString)-\(name)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("a changed policy: the expectations' verdicts, then the baseline's, the decisions last and failed")
    func failingBaseline() throws {
        let (_, before) = try run(surge)
        let (s, after) = try run(surge, overrides: ["services.web.autoscaling.hpa.metrics[0].target=50%"])
        let plan = CheckPlan(expectations: s.expectations, baseline: Baseline(before), tolerance: 0.1)
        let out = plan.outcomes(scenario: s, result: after)
        let expected = ExpectationChecker.check(s.expectations, scenario: s, result: after)
        let compared = BaselineComparator.compare(after, with: Baseline(before), tolerance: 0.1)
        #expect(out == expected + compared)
        #expect(out.count == s.expectations.count + compared.count && compared.count > 1)
        let last = try #require(out.last)
        #expect(last.name == "scaling decisions match the baseline" && !last.passed)
        #expect(last.detail.hasPrefix("decision 1 differs: baseline "))
        // The same run against its own baseline fails only what its expectations fail.
        let same = CheckPlan(expectations: s.expectations, baseline: Baseline(after)).outcomes(scenario: s, result: after)
        #expect(same.filter { !$0.passed }.map(\.name) == expected.filter { !$0.passed }.map(\.name))
    }

    @Test("the tolerance decides a latency regression")
    func tolerance() throws {
        let (s, before) = try run(surge, overrides: ["traffic.surges[0].multiplier=1"])
        let (_, after) = try run(surge, overrides: ["traffic.surges[0].multiplier=1", "services.web.capacity.service_time=30ms"])
        func p99(_ tolerance: Double) throws -> CheckOutcome {
            let out = CheckPlan(expectations: [], baseline: Baseline(before), tolerance: tolerance).outcomes(scenario: s, result: after)
            return try #require(out.first { $0.name.hasPrefix("web latency p99 within ") })
        }
        #expect(try !p99(0.1).passed)
        #expect(try p99(10).passed)
        #expect(try p99(10).name == "web latency p99 within 1000% of baseline")
    }

    @Test("golden decisions pass the run that wrote them and fail, naming the file, when a decision moves")
    func golden() throws {
        let (s, before) = try run(surge)
        let (_, after) = try run(surge, overrides: ["services.web.autoscaling.hpa.metrics[0].target=50%"])
        let golden = GoldenDecisions(file: "web.decisions.csv", text: DecisionRecord.csv(before))
        let plan = CheckPlan(expectations: [], golden: golden)
        let same = plan.outcomes(scenario: s, result: before)
        #expect(same.count == 1 && same[0].passed && same[0].name == "scaling decisions match web.decisions.csv")
        let moved = plan.outcomes(scenario: s, result: after)
        #expect(moved.count == 1 && !moved[0].passed && moved[0].detail.contains("--write-decisions"))
    }

    @Test("nothing to check unless something is checked or written; files are the baseline, then the decisions")
    func nothingAndFiles() throws {
        let (s, r) = try run(surge)
        #expect(CheckPlan(expectations: []).checksNothing)
        #expect(!CheckPlan(expectations: s.expectations).checksNothing)
        #expect(!CheckPlan(expectations: [], baseline: Baseline(r)).checksNothing)
        #expect(!CheckPlan(expectations: [], golden: GoldenDecisions(file: "g.csv", text: "")).checksNothing)
        #expect(!CheckPlan(expectations: [], writeDecisions: "d.csv").checksNothing)
        #expect(CheckPlan(expectations: []).files(for: r).isEmpty)
        let files = CheckPlan(expectations: [], writeBaseline: "b.json", writeDecisions: "d.csv").files(for: r)
        #expect(files.map(\.path) == ["b.json", "d.csv"])
        #expect(files[0].text == Baseline(r).json() && files[1].text == DecisionRecord.csv(r))
        #expect(try Baseline.decode(Data(files[0].text.utf8)) == Baseline(r))
    }

    @Test("flag rules: the tolerance, the duration, one scenario for baselines and decisions")
    func flags() {
        #expect(CheckPlan.flagProblem(tolerance: "10%", duration: nil, oneScenarioOnly: true, scenarioFiles: 1) == nil)
        #expect(CheckPlan.flagProblem(tolerance: "5%", duration: "30m", oneScenarioOnly: false, scenarioFiles: 3) == nil)
        #expect(CheckPlan.flagProblem(tolerance: "abc", duration: nil, oneScenarioOnly: false, scenarioFiles: 1)
                == "--tolerance expects a percentage like 10%, got \"abc\"")
        #expect(CheckPlan.flagProblem(tolerance: "10%", duration: "0s", oneScenarioOnly: false, scenarioFiles: 1)
                == "--duration expects a positive duration like 30m, got \"0s\"")
        #expect(CheckPlan.flagProblem(tolerance: "10%", duration: "soon", oneScenarioOnly: false, scenarioFiles: 1)
                == "--duration expects a positive duration like 30m, got \"soon\"")
        #expect(CheckPlan.flagProblem(tolerance: "10%", duration: nil, oneScenarioOnly: true, scenarioFiles: 2)
                == "--baseline, --write-baseline, --decisions and --write-decisions take exactly one scenario file")
        // Several bad flags: the tolerance is named first.
        #expect(CheckPlan.flagProblem(tolerance: "x", duration: "0s", oneScenarioOnly: true, scenarioFiles: 2)?.hasPrefix("--tolerance") == true)
        #expect(CheckPlan.tolerance(parsing: "10%") == 0.1)
        #expect(CheckPlan.tolerance(parsing: "ten") == nil)
    }

    @Test("input files: a missing or foreign baseline and a missing decisions file are named with how to make one")
    func inputs() throws {
        #expect(throws: CheckInputProblem(file: "/no/such.json", message: "cannot read the baseline file")) { try Baseline.read("/no/such.json") }
        let foreign = try temp("foreign.json", "{\"x\": 1}")
        do { _ = try Baseline.read(foreign); Issue.record("a foreign file read as a baseline") } catch {
            #expect(error.file == foreign)
            #expect(error.message.hasPrefix("not a capsim baseline (write one with --write-baseline): "))
            #expect(error.description.hasPrefix("\(foreign): error: not a capsim baseline"))
        }
        let (_, r) = try run(surge)
        #expect(try Baseline.read(try temp("base.json", Baseline(r).json())) == Baseline(r))
        #expect(throws: CheckInputProblem(file: "/no/such.csv", message: "cannot read the decisions file (write one with --write-decisions)")) {
            try GoldenDecisions.read("/no/such.csv")
        }
        let path = try temp("g.csv", "time_s,service,policy,rule,from,to\n")
        #expect(try GoldenDecisions.read(path) == GoldenDecisions(file: path, text: "time_s,service,policy,rule,from,to\n"))
        #expect(CheckInputProblem(file: "a.yaml", message: CheckPlan.nothingToCheck).description
                == "a.yaml: error: nothing to check: add an expect: block, --expect FILE, --baseline or --decisions")
    }

    @Test("the summary: a verdict line, one line per outcome, and findings no failure already states")
    func summary() {
        let backlog = Finding(kind: .starvedRoute("browse"), subject: "browse", message: "route browse: 10 of 100 requests completed (10.0%)")
        let other = Finding(kind: .starvedRoute("pay"), subject: "pay", message: "route pay: 1 of 50 requests completed (2.0%)")
        let outcomes = [CheckOutcome(name: "shop latency_p99 below 100ms", passed: true, detail: "observed 23ms; expected below 100ms"),
                        CheckOutcome(name: "no backlog anywhere", passed: false, detail: backlog.message + "; and more")]
        let text = CheckSummary.text(file: "a.yaml", scenario: "shop", seed: 3, duration: 600, outcomes: outcomes, findings: [backlog, other])
        #expect(text == """
            a.yaml: FAIL — 1 of 2 checks passed (shop, seed 3, 10m simulated)
              ✔ shop latency_p99 below 100ms: observed 23ms; expected below 100ms
              ✘ no backlog anywhere: route browse: 10 of 100 requests completed (10.0%); and more
              ! warning: route pay: 1 of 50 requests completed (2.0%)

            """)
        // A passed outcome judges nothing: both findings are warnings.
        let passed = CheckSummary.text(file: "a.yaml", scenario: "shop", seed: 3, duration: 600, outcomes: [outcomes[0]], findings: [backlog, other])
        #expect(passed.hasPrefix("a.yaml: PASS — 1 of 1 checks passed (shop, seed 3, 10m simulated)\n"))
        #expect(passed.hasSuffix("  ! warning: \(backlog.message)\n  ! warning: \(other.message)\n"))
    }
}
