import Foundation

/// PEM-style ASCII armor for GridClear key files:
/// `-----BEGIN GRIDCLEAR <LABEL>-----`, base64 in 64-column lines, `-----END GRIDCLEAR <LABEL>-----`.
/// The armored bytes are themselves checksummed records, so corruption is detected on load.
public enum Armor {
    public static func encode(label: String, _ bytes: [UInt8]) -> String {
        let b64 = Data(bytes).base64EncodedString()
        var lines = ["-----BEGIN GRIDCLEAR \(label)-----"]
        var i = b64.startIndex
        while i < b64.endIndex {
            let j = b64.index(i, offsetBy: 64, limitedBy: b64.endIndex) ?? b64.endIndex
            lines.append(String(b64[i..<j])); i = j
        }
        lines.append("-----END GRIDCLEAR \(label)-----")
        return lines.joined(separator: "\n") + "\n"
    }

    public static func decode(label: String, _ text: String) throws -> [UInt8] {
        let begin = "-----BEGIN GRIDCLEAR \(label)-----", end = "-----END GRIDCLEAR \(label)-----"
        guard let b = text.range(of: begin), let e = text.range(of: end), b.upperBound <= e.lowerBound else {
            throw PrivacyError.malformedEncoding("expected a '\(begin)' block")
        }
        let body = text[b.upperBound..<e.lowerBound].filter { !$0.isWhitespace }
        guard let d = Data(base64Encoded: String(body)) else { throw PrivacyError.malformedEncoding("\(label): bad base64") }
        return Array(d)
    }
}

extension PaillierPublicKey {
    public static let armorLabel = "PAILLIER PUBLIC KEY"
    public var armored: String { Armor.encode(label: Self.armorLabel, serialize()) }
    public convenience init(armored: String) throws { try self.init(serialized: Armor.decode(label: Self.armorLabel, armored)) }
}

extension PaillierPrivateKey {
    public static let armorLabel = "PAILLIER PRIVATE KEY"
    /// Holds the secret primes: write it with owner-only permissions.
    public var armored: String {
        var b = serialize(); defer { wipe(&b) }
        return Armor.encode(label: Self.armorLabel, b)
    }
    public convenience init(armored: String) throws {
        var b = try Armor.decode(label: Self.armorLabel, armored); defer { wipe(&b) }
        try self.init(serialized: b)
    }
}
