/// JUnit XML, the format CI systems (GitHub Actions reporters, GitLab, Jenkins) read:
/// one <testsuite> per scenario, one <testcase> per expectation or baseline comparison.
public enum JUnit {
    public struct Suite: Sendable {
        public let name: String
        public let outcomes: [CheckOutcome]
        public let seconds: Double
        public init(name: String, outcomes: [CheckOutcome], seconds: Double) { self.name = name; self.outcomes = outcomes; self.seconds = seconds }
    }

    public static func escape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // XML 1.0 forbids most control characters; replace them.
                if c.value < 0x20 && c != "\n" && c != "\t" && c != "\r" { out += "?" } else { out.unicodeScalars.append(c) }
            }
        }
        return out
    }

    public static func xml(_ suites: [Suite]) -> String {
        let tests = suites.reduce(0) { $0 + $1.outcomes.count }
        let failures = suites.reduce(0) { $0 + $1.outcomes.filter { !$0.passed }.count }
        let skipped = suites.reduce(0) { $0 + $1.outcomes.filter { $0.skipped != nil }.count }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"capsim check\" tests=\"\(tests)\" failures=\"\(failures)\"" + (skipped > 0 ? " skipped=\"\(skipped)\"" : "") + ">\n"
        for s in suites {
            let f = s.outcomes.filter { !$0.passed }.count
            out += "  <testsuite name=\"\(escape(s.name))\" tests=\"\(s.outcomes.count)\" failures=\"\(f)\" errors=\"0\" time=\"\(String(format: "%.3f", s.seconds))\">\n"
            for o in s.outcomes {
                out += "    <testcase classname=\"\(escape(s.name))\" name=\"\(escape(o.name))\">"
                if let why = o.skipped {
                    out += "<skipped message=\"\(escape(why))\"/></testcase>\n"
                } else if o.passed {
                    out += "<system-out>\(escape(o.detail))</system-out></testcase>\n"
                } else {
                    out += "<failure message=\"\(escape(o.detail))\">\(escape(o.detail))</failure></testcase>\n"
                }
            }
            out += "  </testsuite>\n"
        }
        return out + "</testsuites>\n"
    }
}
