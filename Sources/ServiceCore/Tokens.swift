/// Bearer tokens: `base64url("creatorID.expiryUnixSeconds") + "." + base64url(HMAC-SHA256(secret, first part))`.
public struct TokenSigner: Sendable {
    public let secret: [UInt8]
    public let ttlSeconds: Int

    public init(secret: [UInt8], ttlSeconds: Int = 3600) {
        self.secret = secret
        self.ttlSeconds = ttlSeconds
    }

    public struct Claims: Sendable, Equatable {
        public let creatorID: Int64
        public let expiresAt: Int64
    }

    public enum Failure: Error, Equatable { case malformed, badSignature, expired }

    public func issue(creatorID: Int64, now: Int64) -> (token: String, expiresAt: Int64) {
        let expiry = now + Int64(ttlSeconds)
        let payload = Crypto.base64url(Array("\(creatorID).\(expiry)".utf8))
        let signature = Crypto.base64url(Crypto.hmacSHA256(key: secret, message: Array(payload.utf8)))
        return (payload + "." + signature, expiry)
    }

    public func verify(_ token: String, now: Int64) throws(Failure) -> Claims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let given = Crypto.base64urlDecode(String(parts[1])),
              let payloadBytes = Crypto.base64urlDecode(String(parts[0])) else { throw .malformed }
        let expected = Crypto.hmacSHA256(key: secret, message: Array(parts[0].utf8))
        guard Crypto.constantTimeEqual(given, expected) else { throw .badSignature }
        let fields = String(decoding: payloadBytes, as: UTF8.self).split(separator: ".")
        guard fields.count == 2, let id = Int64(fields[0]), let expiry = Int64(fields[1]) else { throw .malformed }
        guard now < expiry else { throw .expired }
        return Claims(creatorID: id, expiresAt: expiry)
    }
}
