import Clearing
import GridClearCore
import LedgerLite

/// A replica's verdict on a proposed block (seed 002's endorsement).
public struct Endorsement: Sendable, Equatable {
    public var agrees: Bool
    /// Empty when it agrees; else the first difference, for `Input.endorsed(reason:)` and the
    /// disagreement entry.
    public var reason: String
    /// The cycle whose re-execution differed (nil when it agrees or the problem is elsewhere).
    public var cycleID: String?
    public init(agrees: Bool, reason: String, cycleID: String?) { self.agrees = agrees; self.reason = reason; self.cycleID = cycleID }
}

/// What a replica does with cycles: build the request a primary proposes (clear from the
/// inputs), and endorse a proposal by re-executing every cleared cycle in it from the
/// recorded inputs alone (`ReplayService`, byte-for-byte) and checking its committee entries
/// against the membership. Pure apart from the solve-time clock.
public enum EndorsementService {
    /// The request for one cycle (id = cycle id, one cleared-cycle entry), cleared now.
    public static func request(files: CycleFiles, options: ClearOptions, service: CycleService = CycleService()) throws(AppError) -> Request {
        let cleared = try service.clear(files, options: options)
        let entry: ClearedCycleEntry
        do { entry = try CycleRecord.entry(cleared, files: files, options: options) } catch {
            throw .clearingFailed(cycle: files.cycleID, message: "\(error)")
        }
        return Request(id: cleared.cycleID, entries: [.clearedCycle(entry)])
    }

    /// The request recording a disagreement this replica had (submit it like a cycle; its id
    /// is `disagreement:<height>:<node>`, so it is recorded once). With `signer` (this node's
    /// key) and `chain` (the ledger's chain id), the entry is signed and costs the node
    /// reputation (−T_down) at the next epoch boundary; unsigned, it is on record only.
    public static func disagreementRequest(height: UInt64, blockHash: [UInt8], nodeID: String, endorsement e: Endorsement,
                                           chain: String? = nil, signer: MessageSigner? = nil) throws -> Request {
        var d = DisagreementEntry(height: height, blockHash: blockHash, nodeID: nodeID, cycleID: e.cycleID ?? "", reason: e.reason)
        if let chain, let signer { d = try d.signed(chain: chain, key: signer) }
        return Request(id: "disagreement:\(height):\(nodeID)", entries: [.disagreement(d)])
    }

    /// Re-executes `block` (a proposal on top of `ledger`'s head): every cleared cycle must
    /// clear again to the same bytes, no cycle may already be recorded, and committee entries
    /// must be what the membership allows.
    public static func endorse(_ block: Block, membership: Membership, recorded: Set<String>) -> Endorsement {
        var seen = Set<String>()
        for e in block.entries {
            guard case .clearedCycle(let c) = e else { continue }
            guard !recorded.contains(c.cycleID), seen.insert(c.cycleID).inserted else {
                return Endorsement(agrees: false, reason: "cycle \(c.cycleID) is already recorded", cycleID: c.cycleID)
            }
            do throws(AppError) {
                let r = try ReplayService.replay(c)
                if let diff = r.comparisons.first(where: { !$0.identical }) {
                    return Endorsement(agrees: false, reason: "cycle \(c.cycleID): \(diff.name) differs on re-execution (\(diff.firstDifference ?? "?"))", cycleID: c.cycleID)
                }
            } catch {
                return Endorsement(agrees: false, reason: "cycle \(c.cycleID) does not clear again: \(error)", cycleID: c.cycleID)
            }
        }
        if let problem = membership.proposalProblem(block) {
            return Endorsement(agrees: false, reason: problem, cycleID: nil)
        }
        return Endorsement(agrees: true, reason: "", cycleID: nil)
    }

    /// `endorse` against a replica's ledger.
    public static func endorse(_ block: Block, ledger: ReplicatedLedger) -> Endorsement {
        endorse(block, membership: ledger.membership, recorded: ledger.recordedCycles)
    }
}
