import Testing
import GridClearCore

@Suite struct TimeTests {
    @Test func cycleIDRoundTripsAndRequiresQuarterHours() throws {
        let c = try #require(CycleID("20261120T1000Z"))
        #expect(c.description == "20261120T1000Z")
        #expect(c.startSeconds == 1_795_168_800)
        #expect(c.next.description == "20261120T1015Z")
        #expect(c.previous.description == "20261120T0945Z")
        #expect(CycleID("20261120T1007Z") == nil)
        #expect(CycleID("20261131T1000Z") == nil)
        #expect(CycleID("20240229T2345Z")?.next.description == "20240301T0000Z")
        #expect(CycleID("20230229T0000Z") == nil)
        #expect(CycleID("2026112T10000Z") == nil)
        #expect(CycleID("20261120T1000z") == nil)
        #expect(CycleID(startSeconds: 901) == nil)
    }

    @Test func cycleIDRoundTripsOverARangeOfDays() throws {
        var g = SplitMix64(seed: 7)
        for _ in 0..<2000 {
            let secs = Int64(g.next() % 8_000_000_000) - 2_000_000_000
            let c = CycleID(containing: UTCTime(seconds: secs))
            #expect(c.startSeconds <= secs && secs < c.startSeconds + 900)
            #expect(CycleID(c.description) == c)
            let t = UTCTime(millis: secs * 1000 + Int64(g.next() % 1000))
            #expect(UTCTime(rfc3339: t.rfc3339) == t)
        }
    }

    @Test func rfc3339ParsesOffsetsAndFractions() throws {
        #expect(UTCTime(rfc3339: "2026-11-20T10:00:00Z")?.millis == 1_795_168_800_000)
        #expect(UTCTime(rfc3339: "2026-11-20T11:00:00.5+01:00")?.millis == 1_795_168_800_500)
        #expect(UTCTime(rfc3339: "2026-11-20T09:59:59.999999-00:00")?.millis == 1_795_168_799_999)
        #expect(UTCTime(rfc3339: "2026-11-20T10:00:00") == nil)
        #expect(UTCTime(rfc3339: "2026-11-20T24:00:00Z") == nil)
        #expect(UTCTime(rfc3339: "2026-02-30T10:00:00Z") == nil)
        #expect(UTCTime(millis: 1_795_168_800_123).rfc3339 == "2026-11-20T10:00:00.123Z")
        #expect(UTCTime(millis: -1).rfc3339 == "1969-12-31T23:59:59.999Z")
    }

    @Test func commandLineTimes() {
        #expect(UTCTime(commandLine: "20261120T1000Z")?.seconds == 1_795_168_800)
        #expect(UTCTime(commandLine: "2026-11-20T10:07Z")?.seconds == 1_795_169_220)
        #expect(UTCTime(commandLine: "2026-11-20T10:07:30Z")?.seconds == 1_795_169_250)
        #expect(UTCTime(commandLine: "yesterday") == nil)
    }
}

@Suite struct CodecTests {
    @Test func crcCheckValues() {
        let v = Array("123456789".utf8)
        #expect(CRC32.checksum(v) == 0xCBF4_3926)
        #expect(CRC32C.checksum(v) == 0xE306_9283)
        #expect(CRC32C.update(CRC32C.checksum(v[0..<4]), v[4...]) == 0xE306_9283)
    }

    @Test func splitMixReferenceOutput() {
        var g = SplitMix64(seed: 0)
        #expect(g.next() == 0xE220_A839_7B1D_CDAF)
        #expect(g.next() == 0x6E78_9E6A_A1B9_65F4)
    }

    @Test func hexRoundTrip() {
        #expect(Hex.encode([0, 1, 0xAB, 0xFF]) == "0001abff")
        #expect(Hex.decode("0001ABff") == [0, 1, 0xAB, 0xFF])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
    }

    @Test func byteCodecRoundTripAndRejectsHostileInput() throws {
        var w = ByteWriter()
        w.u8(7); w.u16(0x1234); w.u32(0xDEAD_BEEF); w.i64(-5); w.i128(-(Int128(1) << 100)); w.bool(true)
        w.text("Wh"); w.optionalBlob(nil); w.optionalBlob([1, 2])
        var r = ByteReader(w.bytes)
        #expect(try r.u8() == 7)
        #expect(try r.u16() == 0x1234)
        #expect(try r.u32() == 0xDEAD_BEEF)
        #expect(try r.i64() == -5)
        #expect(try r.i128() == -(Int128(1) << 100))
        #expect(try r.bool())
        #expect(try r.text() == "Wh")
        #expect(try r.optionalBlob() == nil)
        #expect(try r.optionalBlob() == [1, 2])
        try r.finish()
        var bad = ByteReader([0xFF, 0xFF, 0xFF, 0xFF], cap: 1024)
        #expect(throws: DecodeError.lengthOverCap(at: 0, length: Int(UInt32.max), cap: 1024)) { try bad.blob() }
        var short = ByteReader([0, 0, 0, 9, 1])
        #expect(throws: DecodeError.self) { try short.blob() }
        var b = ByteReader([2])
        #expect(throws: DecodeError.badTag(at: 0, tag: 2, what: "boolean")) { try b.bool() }
    }

    @Test func jsonEscapesEveryControlCharacter() {
        #expect(CanonicalText.jsonString("a\"b\\c\n\u{1}") == "\"a\\\"b\\\\c\\n\\u0001\"")
        var j = JSONWriter()
        j.add("k", "v"); j.add("n", Int64(3)); j.add("ok", true)
        #expect(j.renderCompact() == "{\"k\":\"v\",\"n\":3,\"ok\":true}")
        #expect(CanonicalText.csvField("a,\"b") == "\"a,\"\"b\"")
    }

    @Test func unitsAreExact() {
        #expect(Units.kWhString(1_234_567) == "1234.567")
        #expect(Units.priceString(-5) == "-0.0005")
        #expect(Units.meanPrice(3, 4) == 4)
        #expect(Units.meanPrice(5, 6) == 6)
    }
}
