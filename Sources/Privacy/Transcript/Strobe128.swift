/// The subset of STROBE v1.0.2 (128-bit security, Keccak-f[1600]) that Merlin uses:
/// meta-AD, AD, PRF and KEY operations. Byte-compatible with merlin's `strobe.rs`.
struct Strobe128 {
    private static let rate = 166
    private static let flagI: UInt8 = 1, flagA: UInt8 = 2, flagC: UInt8 = 4, flagT: UInt8 = 8, flagM: UInt8 = 16, flagK: UInt8 = 32

    private var state = [UInt8](repeating: 0, count: 200)
    private var pos = 0
    private var posBegin = 0
    private var curFlags: UInt8 = 0

    init(protocolLabel: [UInt8]) {
        state[0..<6] = [1, UInt8(Self.rate + 2), 1, 0, 1, 96]
        state.replaceSubrange(6..<18, with: Array("STROBEv1.0.2".utf8))
        Keccak.f1600(bytes: &state)
        metaAD(protocolLabel, more: false)
    }

    mutating func metaAD(_ data: [UInt8], more: Bool) { beginOp(Self.flagM | Self.flagA, more: more); absorb(data) }
    mutating func ad(_ data: [UInt8], more: Bool) { beginOp(Self.flagA, more: more); absorb(data) }
    mutating func prf(_ count: Int, more: Bool) -> [UInt8] { beginOp(Self.flagI | Self.flagA | Self.flagC, more: more); return squeeze(count) }
    mutating func key(_ data: [UInt8], more: Bool) { beginOp(Self.flagA | Self.flagC, more: more); overwrite(data) }

    private mutating func runF() {
        state[pos] ^= UInt8(posBegin)
        state[pos + 1] ^= 0x04
        state[Self.rate + 1] ^= 0x80
        Keccak.f1600(bytes: &state)
        pos = 0; posBegin = 0
    }
    private mutating func absorb(_ data: [UInt8]) {
        for b in data { state[pos] ^= b; pos += 1; if pos == Self.rate { runF() } }
    }
    private mutating func overwrite(_ data: [UInt8]) {
        for b in data { state[pos] = b; pos += 1; if pos == Self.rate { runF() } }
    }
    private mutating func squeeze(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        for i in 0..<count { out[i] = state[pos]; state[pos] = 0; pos += 1; if pos == Self.rate { runF() } }
        return out
    }
    private mutating func beginOp(_ flags: UInt8, more: Bool) {
        if more { precondition(curFlags == flags, "STROBE: continued operation with different flags"); return }
        precondition(flags & Self.flagT == 0, "STROBE: transport operations are not supported")
        let oldBegin = posBegin
        posBegin = pos + 1
        curFlags = flags
        absorb([UInt8(oldBegin), flags])
        if flags & (Self.flagC | Self.flagK) != 0 && pos != 0 { runF() }
    }
}
