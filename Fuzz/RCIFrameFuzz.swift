// libFuzzer entry point for the RCI frame decoder (`RCIFrame.decode` → `RCIMessage.decode`,
// Sources/ConsensusFactor/Wire with the value types it decodes, compiled directly with swiftc).
// This is what every RCI process runs on the bytes a peer sends over its socket.
//
// Properties checked on every input:
// - the checksum is checked, and (with the checksum fixed up by the harness) the message
//   decoders see arbitrary bodies;
// - decoding never traps and never takes unbounded memory (lengths are capped before use);
// - whatever decodes is canonical: encoding the message gives back exactly the frame
//   (length prefix + the bytes), so one message has one wire form;
// - read as a stream the way `RCISocket` reads it (u32 length, then that many bytes, lengths
//   outside [6, RCIFrame.maxLength] refused), every frame obeys the same.

import GridClearCore

private func checkFrame(_ frame: [UInt8]) {
    guard let m = try? RCIFrame.decode(frame) else { return }
    guard let wire = try? RCIFrame.encode(m) else {
        preconditionFailure("a decoded \(m.kind) message cannot be encoded again")
    }
    var prefix = ByteWriter()
    prefix.u32(UInt32(frame.count))
    precondition(wire == prefix.bytes + frame, "\(m.kind) frame is not canonical")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func rciFrameFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    // The input as one frame (after the length prefix), as sent.
    checkFrame(bytes)
    // The input as version · type · body with a correct CRC appended, so mutations reach the
    // message decoders instead of stopping at the checksum.
    if bytes.count >= 2 {
        var w = ByteWriter()
        w.raw(bytes); w.u32(CRC32.checksum(bytes))
        checkFrame(w.bytes)
    }
    // The input as a socket stream of length-prefixed frames.
    var at = 0
    while at + 4 <= bytes.count {
        let length = Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
        guard length >= 6, length <= RCIFrame.maxLength, at + 4 + length <= bytes.count else { break }
        checkFrame(Array(bytes[(at + 4)..<(at + 4 + length)]))
        at += 4 + length
    }
    return 0
}
