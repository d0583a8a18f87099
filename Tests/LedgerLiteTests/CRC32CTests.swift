import GridClearCore
import Testing
@testable import LedgerLite

@Suite struct CRC32CTests {
    /// RFC 3720 §B.4 check values, plus the common "123456789" check value.
    @Test func rfc3720Vectors() {
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).reversed().map { UInt8($0) }) == 0x113F_DB5C)
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
    }

    /// Bitwise (table-free) CRC-32C as an independent oracle; also checks incremental use.
    @Test func matchesBitwiseOracle() {
        func slow(_ b: [UInt8]) -> UInt32 {
            var c: UInt32 = 0xFFFF_FFFF
            for x in b { c ^= UInt32(x); for _ in 0..<8 { c = c & 1 == 1 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 } }
            return ~c
        }
        var rng = SeededRNG(42)
        for _ in 0..<200 {
            let b = rng.bytes(Int(rng.next() % 300))
            #expect(CRC32C.checksum(b) == slow(b))
            let cut = b.isEmpty ? 0 : Int(rng.next() % UInt64(b.count))
            #expect(CRC32C.update(CRC32C.checksum(b[0..<cut]), b[cut...]) == slow(b))
        }
    }

    /// The slicing-by-8 path (contiguous input, any length and start offset) against the
    /// bitwise oracles of both CRCs, also across the 8-byte boundary and for non-contiguous input.
    @Test func slicingBy8MatchesBitwiseOracleForBothCRCs() {
        func slow(_ b: ArraySlice<UInt8>, _ poly: UInt32) -> UInt32 {
            var c: UInt32 = 0xFFFF_FFFF
            for x in b { c ^= UInt32(x); for _ in 0..<8 { c = c & 1 == 1 ? (c >> 1) ^ poly : c >> 1 } }
            return ~c
        }
        var rng = SeededRNG(7)
        for round in 0..<300 {
            let b = rng.bytes(round < 40 ? round : Int(rng.next() % 5000))
            let start = b.isEmpty ? 0 : Int(rng.next() % UInt64(min(b.count, 9)))
            let s = b[start...]
            #expect(CRC32C.checksum(s) == slow(s, 0x82F6_3B78))
            #expect(CRC32.checksum(s) == slow(s, 0xEDB8_8320))
            #expect(CRC32C.checksum(s.lazy.map { $0 }) == slow(s, 0x82F6_3B78))
        }
    }
}
