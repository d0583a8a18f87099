/// Standard base64 (RFC 4648 §4, with padding), as the etcd gateway encodes `bytes` fields.
/// Pure. Guarantees: `decode(encode(b)) == b`; `decode` rejects anything not canonical
/// enough to be unambiguous (bad characters, wrong length) with nil.
public enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    static let reverse: [UInt8] = {
        var r = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { r[Int(c)] = UInt8(i) }
        return r
    }()

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        encode(bytes, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the encoding of `bytes` to `out`.
    public static func encode(_ bytes: [UInt8], into out: inout [UInt8]) {
        let n = bytes.count
        let size = (n + 2) / 3 * 4
        let table = alphabet
        let encoded = [UInt8](unsafeUninitializedCapacity: size) { dst, count in
            table.withUnsafeBufferPointer { t in
                bytes.withUnsafeBufferPointer { src in
                    var i = 0, o = 0
                    while i + 3 <= n {
                        let v = UInt32(src[i]) << 16 | UInt32(src[i + 1]) << 8 | UInt32(src[i + 2])
                        dst[o] = t[Int(v >> 18 & 63)]; dst[o + 1] = t[Int(v >> 12 & 63)]
                        dst[o + 2] = t[Int(v >> 6 & 63)]; dst[o + 3] = t[Int(v & 63)]
                        i += 3; o += 4
                    }
                    let rest = n - i
                    if rest > 0 {
                        let v = UInt32(src[i]) << 16 | (rest == 2 ? UInt32(src[i + 1]) << 8 : 0)
                        dst[o] = t[Int(v >> 18 & 63)]; dst[o + 1] = t[Int(v >> 12 & 63)]
                        dst[o + 2] = rest == 2 ? t[Int(v >> 6 & 63)] : 61
                        dst[o + 3] = 61
                    }
                }
            }
            count = size
        }
        out += encoded
    }

    public static func encode(_ s: String) -> String { encode(Array(s.utf8)) }

    public static func decode(_ text: String) -> [UInt8]? {
        let u = Array(text.utf8)
        guard u.count % 4 == 0 else { return nil }
        if u.isEmpty { return [] }
        let pad = (u[u.count - 1] == 61 ? 1 : 0) + (u[u.count - 2] == 61 ? 1 : 0)
        let size = u.count / 4 * 3 - pad
        let rev = reverse
        var ok = true
        let out = [UInt8](unsafeUninitializedCapacity: size) { dst, count in
            rev.withUnsafeBufferPointer { r in
                u.withUnsafeBufferPointer { src in
                    var i = 0, o = 0
                    while i < src.count {
                        let last = i + 4 == src.count
                        var v: UInt32 = 0
                        for j in 0..<4 {
                            let c = src[i + j]
                            if c == 61 && last && j >= 4 - pad { v <<= 6; continue }
                            let d = r[Int(c)]
                            if d == 0xFF { ok = false; count = 0; return }
                            v = v << 6 | UInt32(d)
                        }
                        let take = last ? 3 - pad : 3
                        dst[o] = UInt8(v >> 16 & 0xFF)
                        if take > 1 { dst[o + 1] = UInt8(v >> 8 & 0xFF) }
                        if take > 2 { dst[o + 2] = UInt8(v & 0xFF) }
                        o += take; i += 4
                    }
                    count = o
                }
            }
        }
        return ok ? out : nil
    }
}
