import Foundation
import Testing

/// Adversarial input, as issue 21 found it by hand: seeded mutants of the bundled scenarios go
/// through `capsim validate`, and every mutant it accepts through a short `capsim simulate`.
/// The promise pinned: validation never traps and rejects with located errors (exit 2); an
/// accepted mutant runs to a result or a clear error (exit 0 or 2), never a trap (a signal),
/// an engine error (exit 3) or a hang. Each process runs in a child, so a trap fails one case
/// instead of killing the suite.
///
/// CI runs a small budget (`CAPSIM_FUZZ_MUTANTS`, default 96, seconds); set it higher
/// (and `CAPSIM_FUZZ_SEED`) to search longer. A failure names the seed and the mutation, and the
/// mutant is kept under the temporary folder it names.
@Suite("Mutation fuzzing", .serialized)
struct MutationFuzzTests {
    static let bases = ["scenarios/stan-store-et.yaml", "scenarios/examples/ticketing.yaml", "scenarios/teaching/holiday-surge.yaml",
                        "scenarios/teaching/saturated-database.yaml", "scenarios/what-if/genna-eve-partner-slowdown.yaml"]
    /// Values that broke things before, or sit on a boundary: zero, negative, huge, tiny, not a
    /// number, empty, the wrong shape.
    static let nasty = ["0", "-1", "1e308", "99999999999999999999", "0.0001m", "0s", "-5s", "1e-9s", "0.0001s", "100000%", "-50%", "0%",
                        "abc", "\"\"", "[]", "{}", "null", "999999999", "2147483648", "1.5", "1G/s", "0/s", "366d", "1e400", "65536", "-0",
                        // Valid but extreme, so more mutants get past validation into the engine.
                        "1", "2", "100", "10000", "1ms", "1us", "1h", "7d", "1%", "99%", "100%", "1000/s", "1M/s", "0.001/s", "1m", "64", "true", "false"]

    struct SplitMix { var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9; z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    /// One mutation of `text`: a value replaced by a nasty one, a line duplicated, or a line
    /// deleted; and what was done, for the failure message.
    static func mutate(_ text: String, _ rng: inout SplitMix) -> (String, String) {
        var lines = text.components(separatedBy: "\n")
        let candidates = lines.indices.filter { !lines[$0].trimmingCharacters(in: .whitespaces).hasPrefix("#") && lines[$0].contains(": ") }
        let i = candidates[rng.below(candidates.count)]
        switch rng.below(6) {
        case 0:
            let line = lines[i]
            lines.insert(line, at: i)
            return (lines.joined(separator: "\n"), "line \(i + 1) duplicated: \(line)")
        case 1:
            let line = lines.remove(at: i)
            return (lines.joined(separator: "\n"), "line \(i + 1) deleted: \(line)")
        default:
            let line = lines[i]
            let regex = try! NSRegularExpression(pattern: "([A-Za-z_][\\w-]*): ([^,{}\\[\\]\\n#]+)")
            let matches = regex.matches(in: line, range: NSRange(line.startIndex..., in: line))
            guard !matches.isEmpty else { return (text, "no value on line \(i + 1)") }
            let m = matches[rng.below(matches.count)]
            let value = nasty[rng.below(nasty.count)]
            let range = Range(m.range(at: 2), in: line)!
            lines[i] = line.replacingCharacters(in: range, with: value + (line[range].hasSuffix(" ") ? " " : ""))
            return (lines.joined(separator: "\n"), "line \(i + 1): \(line.trimmingCharacters(in: .whitespaces)) → \(lines[i].trimmingCharacters(in: .whitespaces))")
        }
    }

    struct Outcome { let status: Int32; let signalled: Bool; let timedOut: Bool; let err: String }

    /// Runs capsim with a time limit; a process still running then is killed and reported.
    static func run(_ args: [String], limit: TimeInterval) throws -> Outcome {
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = args
        p.environment = ProcessInfo.processInfo.environment.merging(["CAPSIM_DB": CLI.database]) { $1 }
        p.currentDirectoryURL = CLI.root
        let err = Pipe()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        try p.run()
        let deadline = Date().addingTimeInterval(limit)
        var timedOut = false
        while p.isRunning {
            // SIGKILL: a hung run may be past caring about SIGTERM, and the pipe below would wait.
            if Date() > deadline { kill(p.processIdentifier, SIGKILL); timedOut = true; break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Outcome(status: p.terminationStatus, signalled: p.terminationReason == .uncaughtSignal && !timedOut, timedOut: timedOut,
                       err: String(decoding: e, as: UTF8.self))
    }

    @Test("mutants of the bundled scenarios never trap: validate rejects with located errors, and what it accepts simulates to a result or a clear error")
    func mutantsNeverTrap() throws {
        let env = ProcessInfo.processInfo.environment
        let count = env["CAPSIM_FUZZ_MUTANTS"].flatMap(Int.init) ?? 96
        let seed = env["CAPSIM_FUZZ_SEED"].flatMap(UInt64.init) ?? 21
        var rng = SplitMix(state: seed)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-fuzz-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var accepted = 0, rejected = 0
        for n in 0..<count {
            let base = Self.bases[rng.below(Self.bases.count)]
            var text = try String(contentsOf: CLI.root.appendingPathComponent(base), encoding: .utf8)
            var done: [String] = []
            for _ in 0...rng.below(2) { let (t, what) = Self.mutate(text, &rng); text = t; done.append(what) }
            let file = dir.appendingPathComponent("mutant-\(n).yaml").path
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            let context = "seed \(seed), mutant \(n) of \(base) (\(file)): \(done.joined(separator: "; "))"
            let v = try Self.run(["validate", file], limit: 20)
            #expect(!v.signalled && !v.timedOut && (v.status == 0 || v.status == 2), "validate: exit \(v.status)\(v.signalled ? " by signal" : "")\(v.timedOut ? ", timed out" : ""); \(context)\n\(v.err.suffix(600))")
            if v.status == 2 {
                rejected += 1
                let located = v.err.split(separator: "\n").first.map { $0.range(of: "^\(NSRegularExpression.escapedPattern(for: file)):[0-9]+:[0-9]+: error: ", options: .regularExpression) != nil } ?? false
                #expect(located, "validate's first error is not located: \(context)\n\(v.err.prefix(400))")
                continue
            }
            guard v.status == 0 else { continue }
            accepted += 1
            let s = try Self.run(["simulate", file, "--duration", "20s", "--no-store", "--no-schedule-comparison", "--out", dir.appendingPathComponent("out").path], limit: 60)
            #expect(!s.signalled && !s.timedOut && (s.status == 0 || s.status == 2),
                    "simulate: exit \(s.status)\(s.signalled ? " by signal" : "")\(s.timedOut ? ", timed out after 60 s" : ""); \(context)\n\(s.err.suffix(800))")
        }
        print("fuzz: seed \(seed): \(count) mutants, \(rejected) rejected by validate, \(accepted) accepted and simulated")
        // The corpus must exercise both paths, or the test proves little.
        #expect(accepted > 0 && rejected > 0, "accepted \(accepted), rejected \(rejected) of \(count)")
    }
}

@Suite("Fuzzer finds, kept as regressions")
struct FuzzRegressionTests {
    @Test("a sample period that is not exact in binary does not stall the arrival loop")
    func sliceEndThatRoundsDownStillAdvances() throws {
        let r = try MutationFuzzTests.run(["simulate", "Tests/Fixtures/regressions/slice-end-rounds-down.yaml", "--duration", "20s", "--no-store",
                                           "--out", FileManager.default.temporaryDirectory.appendingPathComponent("capsim-slice-\(ProcessInfo.processInfo.processIdentifier)").path],
                                          limit: 30)
        #expect(!r.timedOut && !r.signalled && r.status == 0, "exit \(r.status)\(r.timedOut ? ", timed out" : ""): \(r.err.suffix(400))")
    }
}
