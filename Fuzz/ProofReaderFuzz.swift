// libFuzzer entry point for the proof reader: what `gridclear verify-proof` does with a proof
// file (`TradeProof.parse`, then `verify`: hex, block header and cycle commitment decoders,
// both Merkle paths, the Ed25519 signature). Compiled directly with swiftc from
// Sources/LedgerLite/{Format,Merkle,Signing,Proof} against the swift-crypto objects SwiftPM
// built (see build.sh).
//
// Properties checked on every input:
// - parsing and verifying never trap and never take unbounded memory;
// - an accepted proof writes back (`jsonBytes`) to a file that parses to the same proof;
// - `verify` only succeeds for the block's own signer and returns exactly the proof's trade;
//   a proof is never accepted under a key that did not sign it;
// - the raw bytes, read as a block header or a cycle commitment (of either ledger format),
//   decode canonically or not at all.

import GridClearCore

/// A key nobody signs with: verification against it must always fail.
private let stranger = TrustedKeys([Array(repeating: 0x5A, count: 32)])

@_cdecl("LLVMFuzzerTestOneInput")
public func proofReaderFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    if let proof = try? TradeProof.parse(bytes) {
        let again = try? TradeProof.parse(proof.jsonBytes())
        precondition(again == proof, "a parsed proof does not survive writing it back")
        precondition((try? proof.verify(trusted: stranger)) == nil, "proof verified under a key that did not sign it")
        // Trust whatever key the header names, so the signature check itself is exercised.
        if let header = Hex.decode(proof.blockHeader), header.count >= 32 {
            var r = ByteReader(header)
            if let h = try? BlockHeader.decode(from: &r) {
                if let v = try? proof.verify(trusted: TrustedKeys([h.signer])) {
                    precondition(v.signer == h.signer && v.cycle == proof.cycle && v.row == proof.row)
                    precondition(v.fields.map(\.1) == proof.tradeFields && v.fields.map(\.0) == proof.tradeColumns)
                    precondition(v.blockHash == LedgerHash.blockHash(h, format: proof.ledgerFormat))
                }
            }
        }
    }
    var r = ByteReader(bytes)
    if let h = try? BlockHeader.decode(from: &r), (try? r.finish()) != nil {
        precondition(h.encoded() == bytes, "block header not canonical")
    }
    for format in [LedgerFormat.v2, .v3] {
        if let c = try? CycleCommitment.decode(bytes, format: format) { precondition(c.encoded() == bytes, "commitment not canonical") }
    }
    return 0
}
