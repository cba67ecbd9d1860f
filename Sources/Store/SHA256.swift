import Hashing

/// SHA-256 fingerprints of scenario text; the algorithm is the shared `SHA256Digest`.
public enum SHA256 {
    /// The lowercase hex digest (64 characters) of `text`'s UTF-8 bytes.
    public static func hex(_ text: String) -> String { hexString(SHA256Digest.hash(Array(text.utf8))) }

    /// The lowercase hex digest (64 characters) of `bytes`.
    public static func hex(_ bytes: [UInt8]) -> String { hexString(SHA256Digest.hash(bytes)) }

    /// The 32-byte digest of `bytes`.
    public static func digest(_ bytes: [UInt8]) -> [UInt8] { SHA256Digest.hash(bytes) }
}
