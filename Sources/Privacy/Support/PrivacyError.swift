/// Every failure the Privacy module reports. Each case says what was wrong and,
/// where it helps, what to do instead.
public enum PrivacyError: Error, Equatable, CustomStringConvertible {
    /// A key size outside what this module supports.
    case unsupportedKeySize(Int)
    /// Serialised bytes could not be parsed (wrong length, version, tag or checksum).
    case malformedEncoding(String)
    /// A ciphertext is not an element of Z*_{N²} for this key.
    case invalidCiphertext(String)
    /// A plaintext does not fit where it was asked to go.
    case plaintextOutOfRange(String)
    /// A fixed-point value overflowed its scale's range.
    case fixedPointOverflow(String)
    /// The precomputed randomness pool has no unused entries left; refill it.
    case randomnessPoolExhausted
    /// A group element or scalar was rejected (not canonical, identity, or zero where forbidden).
    case invalidGroupElement(String)
    /// A zero-knowledge proof did not verify.
    case proofRejected(String)
    /// The prover was asked to prove a false statement (e.g. a value outside the range).
    case statementFalse(String)
    /// A secret share failed verification, was duplicated or had index zero.
    case invalidShare(String)
    /// Not enough shares to reach the threshold.
    case insufficientShares(have: Int, need: Int)
    /// A signature or certificate did not verify.
    case invalidSignature(String)
    /// The system CSPRNG failed.
    case randomnessUnavailable

    public var description: String {
        switch self {
        case .unsupportedKeySize(let b): return "unsupported key size \(b) bits (use 2048 or 3072; >= 512 for tests)"
        case .malformedEncoding(let s): return "malformed encoding: \(s)"
        case .invalidCiphertext(let s): return "invalid ciphertext: \(s)"
        case .plaintextOutOfRange(let s): return "plaintext out of range: \(s)"
        case .fixedPointOverflow(let s): return "fixed-point overflow: \(s)"
        case .randomnessPoolExhausted: return "randomness pool exhausted: refill it before encrypting"
        case .invalidGroupElement(let s): return "invalid group element: \(s)"
        case .proofRejected(let s): return "proof rejected: \(s)"
        case .statementFalse(let s): return "cannot prove a false statement: \(s)"
        case .invalidShare(let s): return "invalid share: \(s)"
        case .insufficientShares(let h, let n): return "insufficient shares: have \(h), need \(n)"
        case .invalidSignature(let s): return "invalid signature: \(s)"
        case .randomnessUnavailable: return "system randomness unavailable"
        }
    }
}
