import Testing
@testable import Privacy

@Suite struct TranscriptTests {
    /// dalek-cryptography/merlin `transcript.rs` test `equivalence_simple`.
    @Test func merlinEquivalenceSimpleVector() {
        var t = Transcript(label: "test protocol")
        t.append(label: "some label", Array("some data".utf8))
        let c = t.challengeBytes(label: "challenge", count: 32)
        #expect(hexString(c) == "d5a21972d0d5fe320c0d263fac7fffb8145aa640af6e9bca177c03c7efcf0615")
    }

    /// Keccak-f[1600] on the zero state (first lane of the published KAT: F1258F7940E1DDE7).
    @Test func keccakZeroStateKnownAnswer() {
        var lanes = [UInt64](repeating: 0, count: 25)
        Keccak.f1600(&lanes)
        #expect(lanes[0] == 0xF1258F7940E1DDE7)
        #expect(lanes[1] == 0x84D5CCF933C0478A)
    }

    @Test func framingSeparatesMessages() {
        var a = Transcript(label: "x"); a.append(label: "m", [1, 2]); a.append(label: "m", [3])
        var b = Transcript(label: "x"); b.append(label: "m", [1]); b.append(label: "m", [2, 3])
        var c = Transcript(label: "y"); c.append(label: "m", [1, 2]); c.append(label: "m", [3])
        let ca = a.challengeBytes(label: "c", count: 32)
        #expect(ca != b.challengeBytes(label: "c", count: 32))
        #expect(ca != c.challengeBytes(label: "c", count: 32))
        // long messages cross the STROBE rate boundary
        var d = Transcript(label: "x"); d.append(label: "m", [UInt8](repeating: 7, count: 1000))
        #expect(d.challengeBytes(label: "c", count: 200).count == 200)
    }
}
