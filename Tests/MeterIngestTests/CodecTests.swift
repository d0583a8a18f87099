import Testing
@testable import MeterIngest

@Suite struct ModbusCodecTests {
    @Test func publishedReadHoldingFrame() {
        // Modbus over serial line spec example / widely published: slave 1, read 10 holding regs from 0.
        let r = ModbusReadRequest(slave: 1, function: .readHoldingRegisters, start: 0, count: 10)
        #expect(r.frame == [0x01, 0x03, 0x00, 0x00, 0x00, 0x0A, 0xC5, 0xCD])
    }

    @Test func crcCheckValue() {
        // CRC-16/MODBUS check value for "123456789" (catalogue of CRC algorithms).
        #expect(ModbusCRC.compute(Array("123456789".utf8)) == 0x4B37)
    }

    @Test func framesMatchPymodbusFixtures() throws {
        for fx in try Fixtures.frames() {
            let req = ModbusReadRequest(slave: fx.slave, function: ModbusFunction(rawValue: fx.function)!, start: fx.start, count: fx.count)
            #expect(req.frame == fx.request, "request \(fx)")
            let scan = ModbusRTU.scan(fx.response, for: req)
            #expect(scan == .answer(.registers(fx.registers), offset: 0, length: fx.response.count))
        }
    }

    @Test func sdmFloatDecodesToWh() {
        let bits = Float(1234.5).bitPattern
        let regs: [UInt16] = [UInt16(bits >> 16), UInt16(bits & 0xFFFF), 0, 0]
        #expect(ModbusProfile.sdm630.importEnergy.wattHours(from: regs, base: 0x48) == 1_234_500)
        let little = RegisterSpec(register: 0x48, encoding: .float32, wordOrder: .little, whPerUnit: 1000)
        #expect(little.wattHours(from: [regs[1], regs[0]], base: 0x48) == 1_234_500)
        let nan = Float.nan.bitPattern
        #expect(ModbusProfile.sdm630.importEnergy.wattHours(from: [UInt16(nan >> 16), UInt16(nan & 0xFFFF)], base: 0x48) == nil)
    }

    @Test func scanSkipsNoiseAndRejectsBadCRC() {
        let req = ModbusReadRequest(slave: 7, function: .readInputRegisters, start: 0x48, count: 2)
        let good = ModbusCRC.appending(to: [7, 4, 4, 0x44, 0x9A, 0x50, 0x00])
        #expect(ModbusRTU.scan([0x00, 0xFF, 0x07] + good, for: req) == .answer(.registers([0x449A, 0x5000]), offset: 3, length: 9))
        var bad = good; bad[4] ^= 1
        #expect(ModbusRTU.scan(bad, for: req) == .incomplete)
        #expect(ModbusRTU.classify(bad, for: req) == .badCRC)
        let exc = ModbusCRC.appending(to: [7, 0x84, 2])
        #expect(ModbusRTU.scan(exc, for: req) == .answer(.exception(ModbusException(code: 2)), offset: 0, length: 5))
        // A CRC-valid answer with another register count answers an earlier request.
        let other = ModbusCRC.appending(to: [7, 4, 2, 0x12, 0x34])
        #expect(ModbusRTU.scan(other, for: req) == .incomplete)
        #expect(ModbusRTU.classify(other, for: req) == .staleAnswer)
    }

    @Test func profileCombinesContiguousRegisters() {
        let reqs = ModbusProfile.sdm120.requests(slave: 2)
        #expect(reqs == [ModbusReadRequest(slave: 2, function: .readInputRegisters, start: 0x48, count: 4)])
    }
}

@Suite struct DLT645CodecTests {
    @Test func publishedReadAddressFrame() {
        // DL/T 645-2007 read communication address (broadcast AA…AA, control 0x13): 68 AA×6 68 13 00 DF 16.
        let f = DLT645Frame(address: DLT645Address("AAAAAAAAAAAA")!, control: 0x13, data: [])
        #expect(f.encode(preamble: 0) == [0x68, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0x68, 0x13, 0x00, 0xDF, 0x16])
    }

    @Test func readForwardActiveEnergyRequest() {
        // Read 00 01 00 00 (forward active total) from meter 000000000001:
        // FE FE FE FE 68 01 00 00 00 00 00 68 11 04 33 33 34 33 B3 16.
        let f = DLT645Frame.readRequest(address: DLT645Address("000000000001")!, di: DLT645DataID.forwardActiveTotal)
        #expect(f.encode() == [0xFE, 0xFE, 0xFE, 0xFE, 0x68, 0x01, 0, 0, 0, 0, 0, 0x68, 0x11, 0x04, 0x33, 0x33, 0x34, 0x33, 0xB3, 0x16])
    }

    @Test func addressBCDLowByteFirst() {
        let a = DLT645Address("123456789012")!
        #expect(a.wire == [0x12, 0x90, 0x78, 0x56, 0x34, 0x12])
        #expect(a.description == "123456789012")
        #expect(DLT645Address("12345678901x") == nil)
        #expect(DLT645Address("1234567890123") == nil)
    }

    @Test func decodesEnergyAnswerFromFixtures() throws {
        for fx in try Fixtures.dltFrames() {
            guard case let .frame(f, off, len) = DLT645.scan(fx.bytes) else { Issue.record("no frame in \(fx.hex)"); continue }
            #expect(off == fx.preamble)
            #expect(len == fx.bytes.count - fx.preamble)
            #expect(f.control == 0x91)
            #expect(DLT645.bcdValue(f.data[4..<8]).map { $0 * 10 } == fx.wh)
            #expect(f.encode(preamble: fx.preamble) == fx.bytes)
        }
    }

    @Test func bcdRoundTripAndRejectsHexNibbles() {
        for v: Int64 in [0, 1, 99, 12_345_678, 99_999_999] {
            #expect(DLT645.bcdValue(DLT645.bcdBytes(v, count: 4)) == v)
        }
        #expect(DLT645.bcdValue([0x1A, 0x00]) == nil)
    }

    @Test func checksumErrorIsNotAFrame() {
        var bytes = DLT645Frame(address: DLT645Address("1")!, control: 0x91, data: DLT645.diBytes(0x0001_0000) + [0x00, 0x00, 0x01, 0x00]).encode()
        bytes[bytes.count - 2] &+= 1
        #expect(DLT645.scan(bytes) == .incomplete)
    }
}
