import Privacy

/// The platform's side: the Paillier private key. It decrypts exactly two kinds of
/// ciphertext — masked consensus factors (returned to their sender only) and blinded sign
/// tests (of which only the conjunction "all ≥ 0" is returned).
public struct RCIPlatformCipher: Sendable {
    public let privateKey: PaillierPrivateKey
    public init(privateKey: PaillierPrivateKey) { self.privateKey = privateKey }

    public func decrypt(_ bytes: [UInt8]) throws -> Int128 {
        let c = try PaillierCiphertext(bytes: bytes, publicKey: privateKey.publicKey)
        let text = privateKey.decryptDecimal(c)
        guard let v = Int128(text) else { throw RCIError.arithmeticOverflow("decrypted value wider than 128 bits") }
        return v
    }

    public func verdict(_ blinded: [[UInt8]]) throws -> Bool {
        try blinded.allSatisfy { try decrypt($0) >= 0 }
    }
}
