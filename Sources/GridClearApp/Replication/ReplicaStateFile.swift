import GridClearCore
import GridClearSystem
import LedgerLite

/// A replica's persisted protocol state (`DurableState`: view, double-sign guard, prepared
/// certificates), written and synced before any message that depends on it (`Ready.persist`).
/// Keep it beside the ledger (`node<I>/state.pbft`), never inside the ledger folder.
///
/// Layout (two slots, so that a save is one in-place write and one fdatasync — no temporary
/// file, rename or directory sync on the path of every vote):
///
///     header (16 bytes): "GCPS" | u8 version = 2 | 3 zero bytes | u32 slot size | u32 CRC-32C of the 12 bytes before
///     slot 0, slot 1 (slot size bytes each): u64 sequence | u32 length | u32 CRC-32C of (sequence, length, state) | state | zeros
///
/// Save n (n = 1, 2, …) goes to slot n mod 2, so the newest durable state is never
/// overwritten: a save that a crash tears leaves its slot failing the checksum and the other
/// slot, the previous state, is read. A state larger than a slot rewrites the whole file
/// atomically (`AtomicFile`) with slots twice its size. A file holding only a bare
/// `DurableState` encoding (version 1) is read too; the next save converts it.
///
/// Guarantees: `load` returns the state of the last `save` that returned (or the one before,
/// for a save a crash interrupted, which sent nothing); damage that leaves no valid slot is
/// an error, never an empty state (starting without the guard could let the replica sign twice).
public final class ReplicaStateFile {
    public let path: String
    /// The state read when opening (nil: no file yet, first start).
    public let loaded: DurableState?
    private var file: OverwriteFile?
    private var slotSize = 0
    private var sequence: UInt64 = 0

    static let magic: [UInt8] = Array("GCPS".utf8)
    static let headerSize = 16
    static let slotHeaderSize = 16

    /// Opens the state file at `path` (missing: `loaded` is nil and the first save creates it).
    public init(path: String) throws(AppError) {
        self.path = path
        guard FileSystem.exists(path) else { loaded = nil; return }
        let bytes: [UInt8]
        do { bytes = try FileSystem.read(path, maxBytes: 1 << 30) } catch { throw .file("replica state \(path): \(error)") }
        guard bytes.starts(with: Self.magic) else {
            do { loaded = try DurableState.decode(bytes) } catch { throw Self.damaged(path, "\(error)") }
            return
        }
        guard let (size, found) = Self.parse(bytes) else { throw Self.damaged(path, "no slot holds a valid state") }
        slotSize = size; sequence = found.sequence; loaded = found.state
        do { file = try OverwriteFile(path: path) } catch { throw .file("replica state \(path): \(error)") }
    }

    /// Writes `state` durably (fdatasync) before returning.
    public func save(_ state: DurableState) throws(AppError) {
        let payload = state.encoded()
        sequence += 1
        var w = ByteWriter(reservingCapacity: payload.count + Self.slotHeaderSize)
        w.u64(sequence); w.u32(UInt32(payload.count))
        w.u32(CRC32C.update(CRC32C.checksum(w.bytes), payload)); w.raw(payload)
        let record = w.bytes
        do {
            if let file, record.count <= slotSize {
                try file.write(record, at: Self.headerSize + Int(sequence % 2) * slotSize)
                return
            }
            // First save, an old-format file, or a state larger than a slot: a new file.
            let size = max(64 << 10, (2 * record.count + 4095) / 4096 * 4096)
            var h = ByteWriter(reservingCapacity: Self.headerSize + 2 * size)
            h.raw(Self.magic); h.u8(2); h.raw([0, 0, 0]); h.u32(UInt32(size)); h.u32(CRC32C.checksum(h.bytes))
            var bytes = h.bytes
            bytes += [UInt8](repeating: 0, count: 2 * size)
            let at = Self.headerSize + Int(sequence % 2) * size
            bytes.replaceSubrange(at..<(at + record.count), with: record)
            file = nil
            try AtomicFile.write(bytes, to: path, mode: 0o600)
            file = try OverwriteFile(path: path)
            slotSize = size
        } catch { throw .file("cannot write replica state \(path): \(error)") }
    }

    /// The slot size and the valid slot with the highest sequence, or nil.
    static func parse(_ bytes: [UInt8]) -> (Int, (sequence: UInt64, state: DurableState))? {
        var r = ByteReader(bytes)
        guard (try? r.raw(4)) == magic, (try? r.u8()) == 2, (try? r.raw(3)) == [0, 0, 0],
              let size = try? Int(r.u32()), let crc = try? r.u32(), crc == CRC32C.checksum(bytes[0..<12]),
              size >= slotHeaderSize, bytes.count >= headerSize + 2 * size else { return nil }
        var best: (sequence: UInt64, state: DurableState)?
        for slot in 0..<2 {
            let at = headerSize + slot * size
            var s = ByteReader(Array(bytes[at..<(at + size)]))
            guard let seq = try? s.u64(), let len = try? Int(s.u32()), let c = try? s.u32(),
                  seq > 0, len <= size - slotHeaderSize else { continue }
            let payload = Array(bytes[(at + slotHeaderSize)..<(at + slotHeaderSize + len)])
            guard CRC32C.update(CRC32C.checksum(bytes[at..<(at + 12)]), payload) == c,
                  let state = try? DurableState.decode(payload) else { continue }
            if best.map({ seq > $0.sequence }) ?? true { best = (seq, state) }
        }
        return best.map { (size, $0) }
    }

    static func damaged(_ path: String, _ why: String) -> AppError {
        .file("replica state \(path) is damaged (\(why)); do not delete it while the replica's key is in use — restore it from a backup, or retire the key with a membership change")
    }
}
