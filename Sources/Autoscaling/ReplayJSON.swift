// A small JSON reader for `capsim replay`'s JSON Lines input. Foundation's decoders lose the
// order of an object's keys, accept duplicate keys silently and report syntax errors without a
// position; this one keeps keys in file order (so problems are listed in the order they are
// written), rejects duplicates and says at which column a line stops being JSON.

/// One JSON value. Numbers keep their text so an error message can quote them as written.
indirect enum JSONValue {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    /// How an error message quotes the value: strings in quotes, numbers and literals as
    /// written, containers by kind.
    var shown: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n
        case .string(let s): return quoted(s)
        case .array: return "a list"
        case .object: return "an object"
        }
    }

    /// The text of a scalar (what the unit parsers read); nil for null, lists and objects.
    var scalarText: String? {
        switch self {
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n
        case .string(let s): return s
        default: return nil
        }
    }

    var isNull: Bool { if case .null = self { return true } else { return false } }
}

/// `"text"` with JSON's escapes for quotes and backslashes, for messages.
func quoted(_ s: String) -> String {
    "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
}

struct JSONSyntaxError: Error {
    /// 1-based column, in characters.
    let column: Int
    let message: String
}

/// Parses one line holding exactly one JSON value (surrounding white space allowed).
struct JSONLineParser {
    private let bytes: [UInt8]
    private var i = 0
    /// Deep enough for any observation; stops a hostile line from exhausting the stack.
    private static let maxDepth = 64

    init(_ line: Substring) { bytes = Array(line.utf8) }

    static func parse(_ line: Substring) throws(JSONSyntaxError) -> JSONValue {
        var p = JSONLineParser(line)
        p.skipSpace()
        let v = try p.value(depth: 0)
        p.skipSpace()
        if p.i < p.bytes.count { throw p.fail("unexpected text after the JSON value (one observation per line)") }
        return v
    }

    private func column(_ at: Int) -> Int { String(decoding: bytes[0..<min(at, bytes.count)], as: UTF8.self).count + 1 }
    private func fail(_ message: String, at: Int? = nil) -> JSONSyntaxError { JSONSyntaxError(column: column(at ?? i), message: message) }

    private var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

    private mutating func skipSpace() {
        while let c = peek, c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A { i += 1 }
    }

    private mutating func value(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard depth < Self.maxDepth else { throw fail("nested too deeply") }
        guard let c = peek else { throw fail("expected a value, got the end of the line") }
        switch c {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw fail("expected a value (an object, list, string, number, true, false or null)")
        }
    }

    private mutating func literal(_ word: String) throws(JSONSyntaxError) {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count, Array(bytes[i..<i + w.count]) == w else {
            throw fail("expected a value (strings need double quotes)")
        }
        i += w.count
    }

    private mutating func number() throws(JSONSyntaxError) -> String {
        let start = i
        func digits() -> Int {
            var n = 0
            while let c = peek, c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") { i += 1; n += 1 }
            return n
        }
        if peek == UInt8(ascii: "-") { i += 1 }
        let intStart = i
        guard digits() > 0 else { throw fail("expected digits in a number", at: start) }
        if bytes[intStart] == UInt8(ascii: "0") && i - intStart > 1 { throw fail("a number cannot start with 0", at: start) }
        if peek == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { throw fail("expected digits after the decimal point", at: start) }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            i += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { throw fail("expected digits in the exponent", at: start) }
        }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard i + 4 <= bytes.count else { throw fail("expected four hex digits after \\u") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw fail("expected four hex digits after \\u")
            }
            v = v * 16 + d
            i += 1
        }
        return v
    }

    private mutating func string() throws(JSONSyntaxError) -> String {
        let open = i
        i += 1
        var out: [UInt8] = []
        while true {
            guard let c = peek else { throw fail("this string is never closed", at: open) }
            i += 1
            switch c {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let e = peek else { throw fail("this string is never closed", at: open) }
                i += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar), i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                        i += 2
                        let low = try hex4()
                        if (0xDC00...0xDFFF).contains(low) { scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00) }
                    }
                    let s = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                    out.append(contentsOf: Array(String(Character(s)).utf8))
                default:
                    throw fail("unknown escape \\\(Character(Unicode.Scalar(e)))", at: i - 2)
                }
            case 0x00..<0x20:
                throw fail("a control character inside a string must be escaped", at: i - 1)
            default:
                out.append(c)
            }
        }
    }

    private mutating func array(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        i += 1
        var items: [JSONValue] = []
        skipSpace()
        if peek == UInt8(ascii: "]") { i += 1; return .array(items) }
        while true {
            skipSpace()
            items.append(try value(depth: depth + 1))
            skipSpace()
            switch peek {
            case UInt8(ascii: ","): i += 1
            case UInt8(ascii: "]"): i += 1; return .array(items)
            case nil: throw fail("this list is never closed: expected \",\" or \"]\"")
            default: throw fail("expected \",\" or \"]\" after a list item")
            }
        }
    }

    private mutating func object(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        i += 1
        var members: [(key: String, value: JSONValue)] = []
        skipSpace()
        if peek == UInt8(ascii: "}") { i += 1; return .object(members) }
        while true {
            skipSpace()
            guard peek == UInt8(ascii: "\"") else {
                throw fail(peek == nil ? "this object is never closed: expected a key" : "expected a key in double quotes")
            }
            let keyAt = i
            let key = try string()
            if members.contains(where: { $0.key == key }) { throw fail("duplicate key \(quoted(key))", at: keyAt) }
            skipSpace()
            guard peek == UInt8(ascii: ":") else { throw fail("expected \":\" after the key \(quoted(key))") }
            i += 1
            skipSpace()
            members.append((key, try value(depth: depth + 1)))
            skipSpace()
            switch peek {
            case UInt8(ascii: ","): i += 1
            case UInt8(ascii: "}"): i += 1; return .object(members)
            case nil: throw fail("this object is never closed: expected \",\" or \"}\"")
            default: throw fail("expected \",\" or \"}\" after a value")
            }
        }
    }
}
