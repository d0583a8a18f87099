import Testing
import Crypto
import GridClearCore
@testable import LedgerLite

/// `Sha256` (libcrypto) against the FIPS 180-4 examples (NIST CSRC "Example Algorithms":
/// SHA256.pdf, SHA256 long message) and, differentially, against swift-crypto on random inputs
/// fed in random pieces.
@Suite struct Sha256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func fipsExamples(message: String, digest: String) {
        #expect(Hex.encode(Sha256.hash(Array(message.utf8))) == digest)
    }

    @Test func oneMillionA() {
        var h = Sha256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { h.update(chunk) }
        #expect(Hex.encode(h.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func agreesWithSwiftCryptoInPieces() {
        var rng = SplitMix64(seed: 256)
        for length in Array(0...200) + [511, 512, 513, 4096, 65_537] {
            let m = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            var h = Sha256()
            var i = 0
            while i < m.count {
                let n = min(m.count - i, Int(rng.next() % 97))
                if n == 1 { h.update(byte: m[i]) } else { h.update(m[i..<i + n]) }
                i += n
            }
            #expect(h.finalize() == Array(SHA256.hash(data: m)), "length \(length)")
        }
    }
}
