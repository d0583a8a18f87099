// libFuzzer entry point for the ledger record and block reader (Sources/LedgerLite/Format on
// GridClearCore, compiled directly with swiftc -sanitize=fuzzer; see build.sh and docs/ledger-format.md).
//
// Properties checked on every input:
// - the scanner, block decoder and entry decoder never trap (bounds, caps, overflow);
// - records found by the scanner are contiguous from offset 0 and their frames re-encode to
//   exactly the scanned bytes; a clean end leaves only zero padding after them;
// - whatever decodes is canonical: re-encoding gives back the same bytes, in both readable
//   formats (2 and 3);
// - the leaf hashes a decoded block carries (computed from the stored bytes, version 3 in one
//   pass) equal the leaves recomputed from the decoded entries.

import GridClearCore

@_cdecl("LLVMFuzzerTestOneInput")
public func ledgerReaderFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    let (records, end) = RecordScanner.scan(bytes)
    var at = 0
    for r in records {
        precondition(r.offset == at, "records not contiguous")
        let frame = RecordFrame.encode(kind: r.kind, payload: r.payload, format: r.format)
        precondition(Array(bytes[r.offset..<r.end]) == frame, "frame does not re-encode")
        at = r.end
        if let b = try? Block.decode(r.payload, format: r.format) { check(b, r.payload) }
    }
    switch end {
    case .clean: precondition(bytes[at...].allSatisfy { $0 == 0 }, "clean end with a non-zero byte after the records")
    case .tornTail(let o): precondition(o == at && o < bytes.count)
    case .corrupt(let o, _): precondition(o >= at && o < bytes.count)
    }
    for format in [LedgerFormat.v2, .v3] {
        if let b = try? Block.decode(bytes, format: format) { check(b, bytes) }
        if let e = try? LedgerEntry.decode(bytes, format: format) { precondition(e.encoded(format: format) == bytes, "entry not canonical") }
    }
    return 0
}

func check(_ b: Block, _ payload: [UInt8]) {
    precondition(b.encoded() == payload, "block not canonical")
    precondition(b.leafHashes == b.entries.map { $0.leafHash(format: b.format) }, "stored leaves differ from the entries' leaves")
}
