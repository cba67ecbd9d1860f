import Hashing

/// HMAC-SHA256 (RFC 2104) and PBKDF2-HMAC-SHA256 (RFC 8018) over the shared `SHA256Digest`
/// (the Hashing module), written out because the package takes no crypto dependency.
public enum Crypto {
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] { SHA256Digest.hash(bytes) }

    public static func hex(_ bytes: [UInt8]) -> String { hexString(bytes) }

    /// HMAC-SHA256 (RFC 2104): H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)).
    public static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        let (inner, outer) = padStates(key: key)
        var i = inner
        i.update(message)
        var o = outer
        o.update(i.finalize())
        return o.finalize()
    }

    /// The SHA-256 states after absorbing K ⊕ ipad and K ⊕ opad (one block each).
    static func padStates(key: [UInt8]) -> (SHA256Digest, SHA256Digest) {
        var k = key.count > 64 ? sha256(key) : key
        k += [UInt8](repeating: 0, count: 64 - k.count)
        var inner = SHA256Digest(), outer = SHA256Digest()
        inner.update(k.map { $0 ^ 0x36 })
        outer.update(k.map { $0 ^ 0x5c })
        return (inner, outer)
    }

    /// PBKDF2 (RFC 8018 §5.2) with HMAC-SHA256 as the PRF.
    public static func pbkdf2SHA256(password: [UInt8], salt: [UInt8], iterations: Int, keyLength: Int = 32) -> [UInt8] {
        precondition(iterations >= 1 && keyLength >= 1)
        let (inner, outer) = padStates(key: password)
        var derived = [UInt8]()
        var blockIndex: UInt32 = 1
        // Each later iteration hashes a 32-byte U into a prepared state: one padded block, so the
        // block is built once and only its first 32 bytes change.
        var block = [UInt8](repeating: 0, count: 64)
        block[32] = 0x80
        block[62] = 0x03  // (64 + 32) * 8 = 768 bits = 0x0300
        while derived.count < keyLength {
            var first = inner
            first.update(salt + [UInt8(blockIndex >> 24), UInt8((blockIndex >> 16) & 0xff), UInt8((blockIndex >> 8) & 0xff), UInt8(blockIndex & 0xff)])
            var o = outer
            o.update(first.finalize())
            var u = o.finalize()
            var t = u
            if iterations > 1 {
                for _ in 2...iterations {
                    for j in 0..<32 { block[j] = u[j] }
                    let innerDigest = block.withUnsafeBufferPointer { inner.digest(afterPaddedBlock: $0.baseAddress!) }
                    for j in 0..<32 { block[j] = innerDigest[j] }
                    u = block.withUnsafeBufferPointer { outer.digest(afterPaddedBlock: $0.baseAddress!) }
                    for j in 0..<32 { t[j] ^= u[j] }
                }
            }
            derived += t
            blockIndex += 1
        }
        return Array(derived.prefix(keyLength))
    }

    /// Compares without an early exit, so timing does not reveal the first differing byte.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<a.count { diff |= a[i] ^ b[i] }
        return diff == 0
    }

    public static func base64url(_ bytes: [UInt8]) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var out = [UInt8]()
        var i = 0
        while i + 3 <= bytes.count {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [table[Int(v >> 18)], table[Int((v >> 12) & 63)], table[Int((v >> 6) & 63)], table[Int(v & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let v = UInt32(bytes[i]) << 16
            out += [table[Int(v >> 18)], table[Int((v >> 12) & 63)]]
        } else if rest == 2 {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [table[Int(v >> 18)], table[Int((v >> 12) & 63)], table[Int((v >> 6) & 63)]]
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func base64urlDecode(_ text: String) -> [UInt8]? {
        var values = [UInt8]()
        for c in text.utf8 {
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): values.append(c - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): values.append(c - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): values.append(c - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "-"): values.append(62)
            case UInt8(ascii: "_"): values.append(63)
            default: return nil
            }
        }
        if values.count % 4 == 1 { return nil }
        var out = [UInt8]()
        var i = 0
        while i < values.count {
            let chunk = values[i..<min(i + 4, values.count)]
            var v: UInt32 = 0
            for (n, x) in chunk.enumerated() { v |= UInt32(x) << UInt32(18 - 6 * n) }
            let bytes = chunk.count - 1
            for n in 0..<bytes { out.append(UInt8(truncatingIfNeeded: v >> UInt32(16 - 8 * n))) }
            i += 4
        }
        return out
    }
}
