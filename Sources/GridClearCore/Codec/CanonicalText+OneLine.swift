extension CanonicalText {
    /// `s` made safe to print as (part of) one line of a terminal or a log: every control
    /// character (C0, DEL, C1) and every Unicode line or paragraph separator is escaped as
    /// `\n`, `\r`, `\t` or `\u{XX}`, so the result never holds a line break, an escape sequence
    /// or a character that rewrites what was printed before. Backslashes are kept as they are,
    /// which makes the function idempotent (text escaped once, e.g. an echoed value inside an
    /// error message, is not escaped again when the whole message is).
    public static func oneLine(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                let v = u.value
                if v < 0x20 || (0x7F...0x9F).contains(v) || v == 0x2028 || v == 0x2029 {
                    out += "\\u{" + String(v, radix: 16) + "}"
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }

    /// A value echoed inside an error message: at most `limit` characters (longer values are
    /// cut and marked with "…(N bytes)"), then escaped by `oneLine`, so a hostile value can
    /// neither break the message's one line nor make it arbitrarily long.
    public static func echo(_ s: String, limit: Int = 64) -> String {
        var cut = Substring(s)
        var suffix = ""
        if s.unicodeScalars.count > limit {
            cut = Substring(String(String.UnicodeScalarView(s.unicodeScalars.prefix(limit))))
            suffix = "…(\(s.utf8.count) bytes)"
        }
        return oneLine(String(cut)) + suffix
    }
}
