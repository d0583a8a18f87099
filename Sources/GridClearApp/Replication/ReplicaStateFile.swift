import GridClearCore
import GridClearSystem
import LedgerLite

/// A replica's persisted protocol state (`DurableState`: view, double-sign guard, prepared
/// certificates), one file written atomically and fsynced (`Ready.persist`, before any send).
/// Keep it beside the ledger (`node<I>/state.pbft`), never inside the ledger folder.
public enum ReplicaStateFile {
    /// The state, or nil when the file does not exist (first start). Damage is an error:
    /// starting without the guard could let this replica sign twice.
    public static func load(path: String) throws(AppError) -> DurableState? {
        guard FileSystem.exists(path) else { return nil }
        let bytes: [UInt8]
        do { bytes = try FileSystem.read(path, maxBytes: 256 << 20) } catch { throw .file("replica state \(path): \(error)") }
        do { return try DurableState.decode(bytes) } catch {
            throw .file("replica state \(path) is damaged (\(error)); do not delete it while the replica's key is in use — restore it from a backup, or retire the key with a membership change")
        }
    }

    /// Writes `state` atomically (fsync of file and directory) before returning.
    public static func save(_ state: DurableState, to path: String) throws(AppError) {
        do { try AtomicFile.write(state.encoded(), to: path, mode: 0o600) } catch { throw .file("cannot write replica state \(path): \(error)") }
    }
}
