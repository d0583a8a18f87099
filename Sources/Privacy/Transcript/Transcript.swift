/// A Merlin transcript (STROBE-128 over Keccak-f[1600]) for Fiat–Shamir challenges.
///
/// Guarantees: byte-compatible with dalek-cryptography/merlin v1.0 (checked against
/// its `equivalence_simple` vector); every message is framed with its label and
/// length, so distinct sequences of appends give independent challenges; proofs in
/// this module append every public value and a domain label before any challenge.
public struct Transcript {
    private var strobe: Strobe128

    /// Starts a transcript with a domain-separation label.
    public init(label: String) {
        strobe = Strobe128(protocolLabel: Array("Merlin v1.0".utf8))
        append(label: "dom-sep", Array(label.utf8))
    }

    /// Appends a labelled message.
    public mutating func append(label: String, _ message: [UInt8]) {
        precondition(message.count <= Int(UInt32.max))
        strobe.metaAD(Array(label.utf8), more: false)
        strobe.metaAD(Self.le32(message.count), more: true)
        strobe.ad(message, more: false)
    }

    /// Appends a u64 as 8 little-endian bytes (merlin's `append_u64`).
    public mutating func append(label: String, _ x: UInt64) {
        append(label: label, withUnsafeBytes(of: x.littleEndian) { Array($0) })
    }

    /// Squeezes `count` challenge bytes bound to everything appended so far.
    public mutating func challengeBytes(label: String, count: Int) -> [UInt8] {
        strobe.metaAD(Array(label.utf8), more: false)
        strobe.metaAD(Self.le32(count), more: true)
        return strobe.prf(count, more: false)
    }

    private static func le32(_ n: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: n >> (8 * $0)) } }
}
