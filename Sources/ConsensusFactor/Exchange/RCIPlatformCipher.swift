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

    /// The `count` slot values of an agent's packed consensus factors (see `RCIAgentCipher.pack`).
    public func decryptPacked(_ packed: [[UInt8]], count: Int) throws -> [Int128] {
        let slots = PaillierPacking.slots(of: privateKey.publicKey, slotBits: RCIAgentCipher.slotBits)
        guard packed.count == (count + slots - 1) / slots else {
            throw RCIError.protocolViolation("\(packed.count) packed ciphertexts for \(count) consensus factors (\(slots) per ciphertext)")
        }
        var out: [Int128] = []
        for (i, bytes) in packed.enumerated() {
            let c = try PaillierCiphertext(bytes: bytes, publicKey: privateKey.publicKey)
            out += privateKey.decryptPacked(c, count: min(slots, count - i * slots), slotBits: RCIAgentCipher.slotBits)
        }
        return out
    }

    /// Whether every blinded test decrypts to ≥ 0 (they are wider than 128 bits when shifted into a slot).
    public func verdict(_ blinded: [[UInt8]]) throws -> Bool {
        try blinded.allSatisfy { privateKey.decryptBig(try PaillierCiphertext(bytes: $0, publicKey: privateKey.publicKey)).signum >= 0 }
    }
}
