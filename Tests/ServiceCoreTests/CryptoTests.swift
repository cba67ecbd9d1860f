import Testing
import Hashing
@testable import ServiceCore

@Suite struct CryptoTests {
    func bytes(_ hex: String) -> [UInt8] {
        var out = [UInt8]()
        var it = hex.makeIterator()
        while let a = it.next(), let b = it.next() { out.append(UInt8(String([a, b]), radix: 16)!) }
        return out
    }

    @Test func sha256FIPSVectors() {
        #expect(Crypto.hex(Crypto.sha256([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Crypto.hex(Crypto.sha256(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Crypto.hex(Crypto.sha256(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // Streaming in two pieces agrees with one-shot hashing on lengths around the block boundary.
        for n in [55, 56, 63, 64, 65, 119, 120, 1000] {
            let message = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            var streamed = SHA256Digest()
            streamed.update(message.prefix(n / 3)); streamed.update(message.dropFirst(n / 3))
            #expect(streamed.finalize() == Crypto.sha256(message))
        }
    }

    // RFC 4231 test cases 1, 2, 3 and 6 (HMAC-SHA-256).
    @Test func hmacRFC4231() {
        #expect(Crypto.hex(Crypto.hmacSHA256(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8)))
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(Crypto.hex(Crypto.hmacSHA256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(Crypto.hex(Crypto.hmacSHA256(key: [UInt8](repeating: 0xaa, count: 20), message: [UInt8](repeating: 0xdd, count: 50)))
                == "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe")
        #expect(Crypto.hex(Crypto.hmacSHA256(key: [UInt8](repeating: 0xaa, count: 131),
                                             message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    // The RFC 6070 inputs with SHA-256 (the widely published PBKDF2-HMAC-SHA256 vectors) and
    // RFC 7914 §11's first PBKDF2-HMAC-SHA256 vector.
    @Test func pbkdf2SHA256Vectors() {
        let p = Array("password".utf8), s = Array("salt".utf8)
        #expect(Crypto.hex(Crypto.pbkdf2SHA256(password: p, salt: s, iterations: 1)) == "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b")
        #expect(Crypto.hex(Crypto.pbkdf2SHA256(password: p, salt: s, iterations: 2)) == "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43")
        #expect(Crypto.hex(Crypto.pbkdf2SHA256(password: p, salt: s, iterations: 4096)) == "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a")
        #expect(Crypto.hex(Crypto.pbkdf2SHA256(password: Array("passwordPASSWORDpassword".utf8),
                                               salt: Array("saltSALTsaltSALTsaltSALTsaltSALTsalt".utf8), iterations: 4096, keyLength: 40))
                == "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1c635518c7dac47e9")
        #expect(Crypto.hex(Crypto.pbkdf2SHA256(password: Array("passwd".utf8), salt: s, iterations: 1, keyLength: 64))
                == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783")
    }

    @Test func base64urlRoundTrips() {
        for n in 0..<40 {
            let b = (0..<n).map { UInt8(truncatingIfNeeded: $0 * 67 + 5) }
            let text = Crypto.base64url(b)
            #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
            #expect(Crypto.base64urlDecode(text) == b)
        }
        #expect(Crypto.base64url(Array("any carnal pleas".utf8)) == "YW55IGNhcm5hbCBwbGVhcw")
        #expect(Crypto.base64urlDecode("a*b") == nil)
    }

    @Test func tokensVerifyAndExpire() throws {
        let signer = TokenSigner(secret: Array("k".utf8), ttlSeconds: 60)
        let (token, expiry) = signer.issue(creatorID: 42, now: 1_000)
        #expect(expiry == 1_060)
        #expect(try signer.verify(token, now: 1_059) == TokenSigner.Claims(creatorID: 42, expiresAt: 1_060))
        #expect(throws: TokenSigner.Failure.expired) { try signer.verify(token, now: 1_060) }
        #expect(throws: TokenSigner.Failure.badSignature) { try TokenSigner(secret: Array("other".utf8)).verify(token, now: 1_000) }
        // A payload edited to another creator no longer matches its signature.
        let forged = Crypto.base64url(Array("1.99999999999".utf8)) + "." + token.split(separator: ".")[1]
        #expect(throws: TokenSigner.Failure.badSignature) { try signer.verify(forged, now: 1_000) }
        #expect(throws: TokenSigner.Failure.malformed) { try signer.verify("not a token", now: 1_000) }
    }

    @Test func lruEvictsLeastRecentlyUsed() {
        let cache = LRUCache<Int>(capacity: 2)
        cache.put("a", 1); cache.put("b", 2)
        #expect(cache.get("a") == 1)  // b is now the least recent
        cache.put("c", 3)
        #expect(cache.get("b") == nil)
        #expect(cache.get("a") == 1 && cache.get("c") == 3)
        #expect(cache.stats.hits == 3 && cache.stats.misses == 1 && cache.stats.size == 2)
    }
}
