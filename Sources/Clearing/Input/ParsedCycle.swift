/// A cycle's files parsed and validated, the participants' reputation still to be applied
/// (`CycleParser.parseAwaitingReputation`): a front end checks the inputs before it opens a
/// ledger, then applies the ledger's reputation without parsing again.
///
/// Guarantees: `reputed(by:)` gives exactly the `CycleInputs` that `CycleParser.parse` gives
/// for the same files with the snapshot as `reputationJSON` (nil: without one), errors
/// included, except that without a snapshot a missing reputation is reported after the
/// other errors of the files rather than in file order.
public struct ParsedCycle: Sendable {
    /// The inputs, each row's reputation its CSV value (0 where the row has none).
    let inputs: CycleInputs
    /// Each offer's and bid's CSV reputation, in `inputs` order; nil where the row has none.
    let offerReputation: [Double?]
    let bidReputation: [Double?]
    /// What a missing reputation gives when no ledger supplies it (the offers' first).
    let missingReputation: InputError?
    let offersName: String
    let bidsName: String

    init(inputs: CycleInputs, offers: [Double?], bids: [Double?], missingReputation: InputError?, offersName: String, bidsName: String) {
        self.inputs = inputs; offerReputation = offers; bidReputation = bids
        self.missingReputation = missingReputation; self.offersName = offersName; self.bidsName = bidsName
    }

    public var cycleID: String { inputs.cycleID }

    /// The inputs with the participants' reputation (SPEC §3.7): the ledger's `snapshot` for
    /// every row — a CSV value that differs is ignored, with one warning in
    /// `CycleInputs.warnings` — or, without a snapshot, the CSV columns, which every row must
    /// then give (else the `InputError` a required column gives).
    public func reputed(by snapshot: ReputationSnapshot?) throws -> CycleInputs {
        guard let snapshot else {
            if let missingReputation { throw missingReputation }
            return inputs
        }
        var out = inputs
        var differing: [String] = []
        for k in out.offers.indices {
            let id = out.offers[k].sellerID, points = snapshot.points(of: id)
            if let csv = offerReputation[k], csv != points { differing.append("\(offersName):\(out.offers[k].line) \(id) \(csv) → \(points)") }
            out.offers[k].reputation = points
        }
        for k in out.bids.indices {
            let id = out.bids[k].buyerID, points = snapshot.points(of: id)
            if let csv = bidReputation[k], csv != points { differing.append("\(bidsName):\(out.bids[k].line) \(id) \(csv) → \(points)") }
            out.bids[k].reputation = points
        }
        if let first = differing.first {
            out.warnings.append("\(differing.count) row(s) give a reputation that differs from the ledger's; the ledger's is used (SPEC §3.7), e.g. \(first)")
        }
        return out
    }

    /// `reputed(by:)` with the snapshot as its canonical file (`ReputationSnapshot.canonicalJSON`,
    /// e.g. `CycleFiles.reputationJSON`), named `file` in errors; nil: the CSV columns.
    public func reputed(byFile json: [UInt8]?, file: String = "reputation.json") throws -> CycleInputs {
        try reputed(by: json.map { try ReputationSnapshot(json: $0, file: file) })
    }
}
