import GridClearCore

/// Internal consistency of one replica, checked after every `step` in debug and test builds
/// (swift-collections `_checkInvariants` style). A violation is a bug in this file's
/// neighbours, never a consequence of hostile input, so it traps.
extension Replica {
    public func invariantViolations() -> [String] {
        var v: [String] = []
        if executedHashes[tip.height] != tip.hash { v.append("executed hash of the tip is missing or wrong") }
        for (s, _) in durable.prepared where s <= lowWatermark { v.append("prepared certificate \(s) at or below the low watermark") }
        for (s, slot) in slots {
            if s <= lowWatermark || s > highWatermark { v.append("slot \(s) outside the watermarks") }
            if let pp = slot.prePrepare, case .prePrepare(let p) = pp.message, p.view != view { v.append("slot \(s) holds a PRE-PREPARE of view \(p.view)") }
            if slot.prepared && slot.sentPrepare == nil { v.append("slot \(s) prepared without our PREPARE") }
            if slot.sentCommit != nil && !slot.prepared { v.append("slot \(s) committed without being prepared") }
            if let d = slot.digest, let mine = slot.sentPrepare, case .prepare(let x) = mine.message, x.digest != d {
                v.append("slot \(s) voted for another block")
            }
        }
        if !isActive && !slots.isEmpty { v.append("normal-case slots during a view change") }
        if durable.signingGuard.view > view { v.append("signed in a view above the current one") }
        if pending.contains(where: { committedIDs.contains($0.id) }) { v.append("a committed request is still pending") }
        return v
    }

    #if DEBUG
    func checkInvariants() {
        let v = invariantViolations()
        precondition(v.isEmpty, "replica \(id) invariants: \(v.joined(separator: "; "))")
    }
    #endif
}
