import Foundation
import GridClearTestSupport
import Testing
import GridClearApp
import GridClearCore
import GridClearSystem
import LedgerLite

/// The replica's two-slot state file: every save is read back, a torn save falls back to the
/// previous state, a bare version-1 state is read and converted, damage is an error.
@Suite struct ReplicaStateFileTests {
    func dir() throws -> TemporaryFolder { try TemporaryFolder("ReplicaStateFileTests") }

    /// A state whose guard signed `n` slots in view `view` (size grows with n).
    func state(view: UInt64, slots n: Int) -> DurableState {
        var d = DurableState(genesisHash: [UInt8](repeating: 7, count: 32))
        d.view = view
        for s in 0..<n { _ = d.signingGuard.permit(view: view, seq: UInt64(s + 1), digest: [UInt8](repeating: UInt8(s % 251), count: 32)) }
        return d
    }

    @Test func everySaveIsReadBackIncludingOnesThatOutgrowTheSlots() throws {
        let folder = try dir(), d = folder.path
        let path = d + "/state.pbft"
        #expect(try ReplicaStateFile(path: path).loaded == nil)
        let f = try ReplicaStateFile(path: path)
        // 2 000 guard slots ≈ 80 KB: larger than the first 64 KiB slots, so the file is rewritten.
        for (i, n) in [0, 1, 2, 3, 50, 2_000, 2_001, 5, 4].enumerated() {
            let s = state(view: UInt64(i), slots: n)
            try f.save(s)
            #expect(try ReplicaStateFile(path: path).loaded == s)
        }
    }

    @Test func aTornSaveFallsBackToThePreviousStateAndDamageIsAnError() throws {
        let folder = try dir(), d = folder.path
        let path = d + "/state.pbft"
        let f = try ReplicaStateFile(path: path)
        let first = state(view: 1, slots: 3), second = state(view: 2, slots: 4)
        try f.save(first)
        try f.save(second)
        var bytes = try FileSystem.read(path)
        // Save 2 went to slot 0 (save n → slot n mod 2): flip a byte of its state.
        let slotSize = Int(bytes[8]) << 24 | Int(bytes[9]) << 16 | Int(bytes[10]) << 8 | Int(bytes[11])
        bytes[16 + 16 + 3] ^= 0xFF
        try AtomicFile.write(bytes, to: path)
        #expect(try ReplicaStateFile(path: path).loaded == first)
        // Both slots damaged: refused, never an empty state.
        bytes[16 + slotSize + 16 + 3] ^= 0xFF
        try AtomicFile.write(bytes, to: path)
        #expect(throws: AppError.self) { try ReplicaStateFile(path: path) }
        // A damaged header too.
        try AtomicFile.write(Array("GCPS".utf8) + [UInt8](repeating: 9, count: 40), to: path)
        #expect(throws: AppError.self) { try ReplicaStateFile(path: path) }
    }

    @Test func aVersionOneStateIsReadAndConvertedOnTheNextSave() throws {
        let folder = try dir(), d = folder.path
        let path = d + "/state.pbft"
        let old = state(view: 3, slots: 2)
        try AtomicFile.write(old.encoded(), to: path)
        let f = try ReplicaStateFile(path: path)
        #expect(f.loaded == old)
        let next = state(view: 4, slots: 1)
        try f.save(next)
        #expect(try FileSystem.read(path).starts(with: Array("GCPS".utf8)))
        #expect(try ReplicaStateFile(path: path).loaded == next)
        try AtomicFile.write([1, 2, 3], to: path)
        #expect(throws: AppError.self) { try ReplicaStateFile(path: path) }
    }
}
