import Foundation
import Testing

/// The README and docs/ speak about capsim in its own words: a reader has only the repository,
/// so no page may send them to a file it does not ship or to the project's issue tracker.
@Suite("Docs hygiene")
struct DocsHygieneTests {
    static let root: URL = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) { dir.deleteLastPathComponent() }
        return dir
    }()

    static var pages: [URL] {
        let docs = root.appendingPathComponent("docs")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: docs.path)) ?? []
        return [root.appendingPathComponent("README.md"), root.appendingPathComponent("BENCHMARKS.md")]
            + names.filter { $0.hasSuffix(".md") }.sorted().map { docs.appendingPathComponent($0) }
    }

    @Test("no page refers to issues, to files outside the repository, or to the design document the example came from")
    func noOutsideReferences() throws {
        let forbidden = [#"\bissues? #?\d"#, #"\bthe issue\b"#, #"\.\./shared"#, #"shared/seed"#, #"\bthe seed (platform|scenario|formula|document)"#, #"\bseed's\b"#, #"\bseed §"#]
        var found: [String] = []
        for page in Self.pages {
            let text = try String(contentsOf: page, encoding: .utf8)
            for (n, line) in text.components(separatedBy: "\n").enumerated() {
                for p in forbidden where line.range(of: p, options: [.regularExpression, .caseInsensitive]) != nil {
                    found.append("\(page.lastPathComponent):\(n + 1): \(line.trimmingCharacters(in: .whitespaces).prefix(100))")
                }
            }
        }
        #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
        #expect(Self.pages.count > 10)
    }

    @Test("every relative link in the README and docs points at a file the repository has")
    func linksResolve() throws {
        var broken: [String] = []
        for page in Self.pages {
            let text = try String(contentsOf: page, encoding: .utf8)
            let regex = try NSRegularExpression(pattern: #"\]\(([^)#\s]+)(#[^)]*)?\)"#)
            for m in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let target = String(text[Range(m.range(at: 1), in: text)!])
                guard !target.contains("://"), !target.hasPrefix("mailto:") else { continue }
                let url = page.deletingLastPathComponent().appendingPathComponent(target).standardized
                if !FileManager.default.fileExists(atPath: url.path) { broken.append("\(page.lastPathComponent): \(target)") }
            }
        }
        #expect(broken.isEmpty, "\(broken.joined(separator: "\n"))")
    }
}
