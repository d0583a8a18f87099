import Testing
import GridClearCore

/// The one JSON reader: what JSONWriter writes reads back; errors are located; hostile
/// input never traps.
@Suite struct JSONReaderTests {
    @Test func readsWhatTheWriterWrites() throws {
        var inner = JSONWriter()
        inner.add("n", Int64(-42))
        var w = JSONWriter()
        w.add("text", "a \"quoted\"\n\tline \u{1} é 😀")
        w.add("price", raw: "0.6500")
        w.add("ok", true)
        w.add("list", raw: "[1, \"x\", null, []]")
        w.add("inner", object: inner)
        let v = try JSONReader.parse(Array(w.render().utf8))
        #expect(v["text"]?.string == "a \"quoted\"\n\tline \u{1} é 😀")
        #expect(v["price"] == .number("0.6500") && v["ok"] == .bool(true))
        #expect(v["list"] == .array([.number("1"), .string("x"), .null, .array([])]))
        #expect(v["inner"]?["n"]?.int64 == -42 && v["missing"] == nil)
        guard case .object(let ms) = v else { Issue.record("not an object"); return }
        #expect(ms.map(\.key) == ["text", "price", "ok", "list", "inner"] && ms[1].line == 3 && ms[1].column == 3)
    }

    @Test func escapesAndByteOrderMark() throws {
        #expect(try JSONReader.parse(Array("\"\\ud83d\\ude00\\u00e9\\/\"".utf8)) == .string("😀é/"))
        #expect(try JSONReader.parse([0xEF, 0xBB, 0xBF] + Array(" {} ".utf8)) == .object([]))
    }

    @Test func errorsAreLocated() {
        let cases: [(String, Int, Int, String)] = [
            ("{\n  \"a\": 1,\n  \"a\": 2\n}", 3, 3, "duplicate key 'a'"),
            ("{\"a\" 1}", 1, 6, "expected ':'"),
            ("[1, 2", 1, 6, "unterminated array"),
            ("\"abc", 1, 5, "unterminated string"),
            ("01", 1, 2, "unexpected text"),
            ("\"\\ud800\"", 1, 8, "lone surrogate"),
            ("\"a\u{0A}\"", 1, 3, "control character"),
            ("-", 1, 2, "expected a JSON value"),
            ("1.", 1, 3, "digits after '.'"),
        ]
        for (text, line, column, says) in cases {
            #expect { _ = try JSONReader.parse(Array(text.utf8)) } throws: { e in
                guard let e = e as? JSONReader.Error else { return false }
                return e.line == line && e.column == column && e.message.contains(says)
            }
        }
    }

    @Test func hostileInputNeverTraps() {
        let deep = String(repeating: "[", count: 10_000)
        #expect(throws: JSONReader.Error.self) { _ = try JSONReader.parse(Array(deep.utf8)) }
        var rng = SplitMix64(seed: 8259)
        for _ in 0..<2_000 {
            let n = Int(rng.next() % 40)
            let alphabet = Array("{}[]\":,\\u0123abcdefn-+.eE tr\n".utf8)
            let bytes = (0..<n).map { _ in rng.next() % 8 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            _ = try? JSONReader.parse(bytes)
        }
    }
}
