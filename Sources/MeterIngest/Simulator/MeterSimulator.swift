// OS-facing test support: a thread serving a pseudo-terminal (poll, read, write).
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GridClearSystem

/// A fault the simulator injects into its answer to one request.
public enum SimulatedFault: Sendable, Hashable {
    /// Answer correctly.
    case none
    /// Send `count` noise bytes, then the correct answer.
    case noiseBefore(Int)
    /// Send the answer with a corrupted CRC / checksum.
    case badChecksum
    /// Send nothing.
    case silent
    /// Send the correct answer after `millis`.
    case late(millis: Int)
    /// Send the answer after `millis`, with the value the register held when the request came;
    /// the register holds `importWh` from then on (a late answer that is also out of date).
    case lateThenChange(millis: Int, importWh: Int64)
    /// Answer with a Modbus exception (DL/T 645: an error frame).
    case exception(UInt8)
    /// Send a valid answer to a different request (another slave or data item) first, then nothing.
    case staleAnswer
    /// Close the pty (the device vanishes) and plug a new one in after `millis`.
    case unplug(replugAfterMillis: Int)
}

/// An in-process fake meter bus on a pseudo-terminal, serving Modbus RTU (SDM-style float32
/// energy registers) and DL/T 645-2007 meters, with scripted faults and optional wire-timing
/// emulation (answers paced at the character rate of `wire`). Runs on its own thread.
/// Clients open `linkPath` (a symlink re-pointed on replug).
public final class MeterSimulator: @unchecked Sendable {
    public struct Meter: Sendable {
        public var importWh: Int64
        public var exportWh: Int64
        public init(importWh: Int64, exportWh: Int64) { self.importWh = importWh; self.exportWh = exportWh }
    }

    public let linkPath: String
    private let lock = Mutex()
    private var pty: PseudoTerminal
    private var modbus: [UInt8: Meter] = [:]
    private var dlt: [[UInt8]: Meter] = [:]
    private var faults: [SimulatedFault] = []
    private var running = false
    private var thread: Thread?
    private let wire: SerialSettings?
    private let turnaroundNanos: UInt64
    private let clock: MeterClock
    /// Requests answered (or deliberately not), by fault kind.
    public private(set) var served = 0
    public private(set) var injected: [String: Int] = [:]

    /// - Parameters:
    ///   - linkPath: symlink clients open; it points at the current pty slave.
    ///   - wire: when set, answers are delayed by the request's wire time and paced per character.
    public init(linkPath: String, wire: SerialSettings? = nil, turnaroundMillis: Int = 0, clock: MeterClock = SystemMeterClock()) throws {
        self.linkPath = linkPath
        self.wire = wire
        self.turnaroundNanos = UInt64(turnaroundMillis) * 1_000_000
        self.clock = clock
        pty = try PseudoTerminal()
        try replaceSymlink(linkPath, to: pty.slavePath)
    }

    deinit { stop(); pty.close(); try? FileSystem.remove(linkPath) }

    public func setModbusMeter(slave: UInt8, _ m: Meter) { lock.lock(); modbus[slave] = m; lock.unlock() }
    public func setDLT645Meter(address: DLT645Address, _ m: Meter) { lock.lock(); dlt[address.wire] = m; lock.unlock() }
    /// Faults applied to the next requests, in order (then `.none`).
    public func enqueue(_ f: [SimulatedFault]) { lock.lock(); faults += f; lock.unlock() }
    public func injectedCount(_ kind: String) -> Int { lock.lock(); defer { lock.unlock() }; return injected[kind] ?? 0 }

    public func start() {
        lock.lock(); running = true; lock.unlock()
        let t = Thread { [weak self] in self?.loop() }
        t.stackSize = 1 << 20
        thread = t
        t.start()
    }

    public func stop() {
        lock.lock(); let wasRunning = running; running = false; lock.unlock()
        if wasRunning { while !finished { usleep(1000) } }
    }
    private var finished = false

    private var isRunning: Bool { lock.lock(); defer { lock.unlock() }; return running }

    private func loop() {
        var buf: [UInt8] = []
        while isRunning {
            let fd = pty.masterFD
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let r = poll(&p, 1, 10)
            if r <= 0 || p.revents & Int16(POLLIN) == 0 { if r > 0 { usleep(1000) }; continue }
            var chunk = [UInt8](repeating: 0, count: 256)
            let n = read(fd, &chunk, 256)
            if n <= 0 { usleep(1000); continue }
            buf += chunk[0..<n]
            while let (req, used) = nextRequest(buf) {
                buf.removeFirst(used)
                handle(req)
            }
            if buf.count > 512 { buf.removeAll() }
        }
        lock.lock(); finished = true; lock.unlock()
    }

    private enum Request { case modbus(ModbusReadRequest), dlt(DLT645Frame) }

    private func nextRequest(_ buf: [UInt8]) -> (Request, Int)? {
        if case let .frame(f, off, len) = DLT645.scan(buf), f.control & 0x80 == 0 { return (.dlt(f), off + len) }
        var i = 0
        while i + 8 <= buf.count {
            if (buf[i + 1] == 3 || buf[i + 1] == 4), (1...247).contains(buf[i]), ModbusCRC.check(buf[i..<(i + 8)]) {
                let count = UInt16(buf[i + 4]) << 8 | UInt16(buf[i + 5])
                if (1...125).contains(count) {
                    let req = ModbusReadRequest(slave: buf[i], function: ModbusFunction(rawValue: buf[i + 1])!,
                                                start: UInt16(buf[i + 2]) << 8 | UInt16(buf[i + 3]), count: count)
                    return (.modbus(req), i + 8)
                }
            }
            i += 1
        }
        return nil
    }

    private func handle(_ req: Request) {
        lock.lock()
        let fault = faults.isEmpty ? SimulatedFault.none : faults.removeFirst()
        served += 1
        let key: String
        switch fault {
        case .none: key = "none"
        case .noiseBefore: key = "noise"
        case .badChecksum: key = "badChecksum"
        case .silent: key = "silent"
        case .late, .lateThenChange: key = "late"
        case .exception: key = "exception"
        case .staleAnswer: key = "stale"
        case .unplug: key = "unplug"
        }
        injected[key, default: 0] += 1
        let mb = modbus, dl = dlt
        lock.unlock()

        // Emulated wire: the request takes its wire time to arrive, and the meter answers only after
        // t3.5 of silence marks the end of the request frame.
        if let w = wire { clock.sleep(nanos: w.wireNanos(bytes: requestLength(req)) + w.silenceNanos + turnaroundNanos) }
        guard var answer = answerBytes(req, modbus: mb, dlt: dl) else { return } // unknown meter: silent
        switch fault {
        case .none: send(answer)
        case let .noiseBefore(k): send((0..<k).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) } + answer)
        case .badChecksum: answer[answer.count - 2] ^= 0x5A; send(answer)
        case .silent: break
        case let .late(ms): clock.sleep(nanos: UInt64(ms) * 1_000_000); send(answer)
        case let .lateThenChange(ms, wh):
            lock.lock()
            switch req {
            case let .modbus(q): modbus[q.slave]?.importWh = wh
            case let .dlt(f): dlt[f.address.wire]?.importWh = wh
            }
            lock.unlock()
            clock.sleep(nanos: UInt64(ms) * 1_000_000); send(answer)
        case let .exception(code): send(exceptionBytes(req, code: code))
        case .staleAnswer: send(staleBytes(req, modbus: mb, dlt: dl))
        case let .unplug(ms):
            pty.close()
            clock.sleep(nanos: UInt64(ms) * 1_000_000)
            if let fresh = try? PseudoTerminal() {
                pty = fresh
                try? replaceSymlink(linkPath, to: fresh.slavePath)
            }
        }
    }

    private func requestLength(_ r: Request) -> Int {
        switch r { case .modbus: return 8; case let .dlt(f): return f.encode().count }
    }

    private func send(_ bytes: [UInt8]) {
        if let w = wire {
            for b in bytes {
                var one = b
                _ = write(pty.masterFD, &one, 1)
                clock.sleep(nanos: w.characterNanos)
            }
        } else {
            _ = bytes.withUnsafeBytes { write(pty.masterFD, $0.baseAddress!, $0.count) }
        }
    }

    /// SDM-style float32 kWh registers: 0x48 import, 0x4A export; others read as zero.
    private func answerBytes(_ r: Request, modbus: [UInt8: Meter], dlt: [[UInt8]: Meter]) -> [UInt8]? {
        switch r {
        case let .modbus(q):
            guard let m = modbus[q.slave] else { return nil }
            var regs = [UInt16](repeating: 0, count: Int(q.count))
            func put(_ reg: UInt16, _ wh: Int64) {
                let bits = Float(Double(wh) / 1000).bitPattern
                for (k, w) in [UInt16(bits >> 16), UInt16(bits & 0xFFFF)].enumerated() {
                    let idx = Int(reg) + k - Int(q.start)
                    if idx >= 0 && idx < regs.count { regs[idx] = w }
                }
            }
            put(0x48, m.importWh); put(0x4A, m.exportWh)
            var f: [UInt8] = [q.slave, q.function.rawValue, UInt8(2 * q.count)]
            for v in regs { f += [UInt8(v >> 8), UInt8(v & 0xFF)] }
            return ModbusCRC.appending(to: f)
        case let .dlt(f):
            let isBroadcast = f.address.wire == [UInt8](repeating: 0xAA, count: 6)
            guard let entry = isBroadcast ? dlt.first : dlt[f.address.wire].map({ (key: f.address.wire, value: $0) }) else { return nil }
            let di = f.data.prefix(4)
            let wh: Int64
            if Array(di) == DLT645.diBytes(DLT645DataID.forwardActiveTotal) { wh = entry.value.importWh }
            else if Array(di) == DLT645.diBytes(DLT645DataID.reverseActiveTotal) { wh = entry.value.exportWh }
            else { return DLT645Frame(address: DLT645Address(wire: entry.key), control: 0xD1, data: [0x02]).encode() }
            let data = Array(di) + DLT645.bcdBytes(wh / 10, count: 4)
            return DLT645Frame(address: DLT645Address(wire: entry.key), control: 0x91, data: data).encode()
        }
    }

    private func exceptionBytes(_ r: Request, code: UInt8) -> [UInt8] {
        switch r {
        case let .modbus(q): return ModbusCRC.appending(to: [q.slave, q.function.rawValue | 0x80, code])
        case let .dlt(f): return DLT645Frame(address: f.address, control: 0xD1, data: [code]).encode()
        }
    }

    private func staleBytes(_ r: Request, modbus: [UInt8: Meter], dlt: [[UInt8]: Meter]) -> [UInt8] {
        switch r {
        case let .modbus(q):
            // A CRC-valid answer with a different register count (an earlier, different request).
            let other = ModbusReadRequest(slave: q.slave, function: q.function, start: q.start, count: q.count == 1 ? 2 : q.count - 1)
            return answerBytes(.modbus(other), modbus: modbus, dlt: dlt) ?? []
        case let .dlt(f):
            let otherDI = Array(f.data.prefix(4)) == DLT645.diBytes(DLT645DataID.forwardActiveTotal) ? DLT645DataID.reverseActiveTotal : DLT645DataID.forwardActiveTotal
            return answerBytes(.dlt(DLT645Frame.readRequest(address: f.address, di: otherDI)), modbus: modbus, dlt: dlt) ?? []
        }
    }
}
