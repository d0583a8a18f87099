/// The key holder (SPEC §4.4): holds the Paillier secret key and decrypts only what the
/// protocol routes to it — per-column shuffled range batches (returns min/max), one
/// buyer's candidate distances at a time (returns one slot: the least dissimilar),
/// blinded energy comparisons with the chosen minimum (the traded energy), and
/// settlement shortfalls (returns the decision).
///
/// What it learns (`transcript.learned`): each range column's multiset of values (not
/// whose), the dissimilarities of each buyer's candidates and their slots (not the
/// buyer's or sellers' attributes or identities), the sign of remaining − available and
/// the traded energy of each match, and each match's shortfalls at settlement.
/// It never sees plans, certificates, commitments or identities.
///
/// Ranking rule (identical to `KPrototypesMechanism`): d = D/2^96 + pairTerm, compared
/// after rounding d·1e9, ties to the lowest slot (the earliest-arriving offer).
public final class KeyHolderRole: MarketRole {
    public let address: MarketAddress
    public var transcript: MarketTranscript
    private let secretKey: PaillierPrivateKey
    private var sessions: [Int: [(slot: Int, key: Double)]] = [:]

    public init(address: MarketAddress = "key-holder", secretKey: PaillierPrivateKey) {
        self.address = address; self.secretKey = secretKey
        transcript = MarketTranscript(role: address)
    }

    public var publicKey: PaillierPublicKey { secretKey.publicKey }

    public func handle(_ message: MarketMessage, from peer: MarketAddress) throws -> [MarketEnvelope] {
        switch message {
        case .rangeQuery(let columns):
            var lo: [Int64] = [], hi: [Int64] = []
            for (c, col) in columns.enumerated() {
                let vs = try col.map { try secretKey.decrypt($0) }
                lo.append(vs.min() ?? 0); hi.append(vs.max() ?? 0)
                transcript.learn("range column \(c): \(vs.count) values, min \(lo[c]), max \(hi[c])")
            }
            return [MarketEnvelope(to: peer, .rangeAnswer(lo: lo, hi: hi))]

        case .rankOpen(let session, let candidates):
            var ranked: [(slot: Int, key: Double)] = []
            for c in candidates {
                let d = FixedPointFeature.decodeSquared(secretKey.decryptBig(c.distance)) + c.pairTerm
                ranked.append((c.slot, (d * 1e9).rounded()))
                transcript.learn("session \(session) slot \(c.slot) dissimilarity \(d)")
            }
            sessions = [session: ranked]   // one buyer's turn at a time
            return [MarketEnvelope(to: peer, .rankAnswer(session: session, slot: best(session)))]

        case .rankOpenPacked(let session, let slots, let terms, let packed, let bits, let per):
            sessions = [session: try rankPacked(session, slots, terms, packed, bits, per, admissible: nil)]
            return [MarketEnvelope(to: peer, .rankAnswer(session: session, slot: best(session)))]

        case .rankOpenFiltered(let session, let slots, let terms, let packed, let bits, let per, let checks):
            // ask ≤ bid first (amended SPEC §3.2): only the comparison outcome per slot is decrypted.
            let admissible = try checks.decode(with: secretKey)
            guard admissible.count == slots.count else { throw PrivacyError.malformedEncoding("\(admissible.count) price comparisons for \(slots.count) candidates") }
            for (slot, ok) in zip(slots, admissible) { transcript.learn("session \(session) slot \(slot) ask≤bid \(ok)") }
            sessions = [session: try rankPacked(session, slots, terms, packed, bits, per, admissible: admissible)]
            return [MarketEnvelope(to: peer, .rankAnswer(session: session, slot: best(session)))]

        case .rankNext(let session, let exclude):
            guard sessions[session] != nil else { throw PrivacyError.malformedEncoding("rank session \(session) is not open") }
            sessions[session]!.removeAll { $0.slot == exclude }
            return [MarketEnvelope(to: peer, .rankAnswer(session: session, slot: best(session)))]

        case .energyQuery(let session, let remNotBelow, let availNotBelow, let remaining, let available):
            // Each blinded value's sign is exactly one comparison; both non-negative means equal.
            let remGE = secretKey.decryptBig(remNotBelow).signum >= 0
            let availGE = secretKey.decryptBig(availNotBelow).signum >= 0
            let energy = try secretKey.decrypt(remGE ? available : remaining)
            transcript.learn("session \(session) energy \(energy) remaining≥available \(remGE) available≥remaining \(availGE)")
            return [MarketEnvelope(to: peer, .energyAnswer(session: session, energy: energy, buyerDone: availGE, sellerDone: remGE))]

        case .deviationQuery(let record, let matched, let tol, let sellerShort, let buyerShort):
            let ds = try secretKey.decrypt(sellerShort), db = try secretKey.decrypt(buyerShort)
            let o = PrivateSettlementOutcome.decide(matched: matched, toleranceBP: tol, sellerShortfall: ds, buyerShortfall: db)
            transcript.learn("record \(record) shortfalls seller \(ds) buyer \(db) within \(o.withinTolerance)")
            return [MarketEnvelope(to: peer, .deviationAnswer(record: record, outcome: o))]

        default:
            throw PrivacyError.malformedEncoding("key holder does not accept \(message.kind)")
        }
    }

    /// Decrypts packed distances (one decryption per `per`) and keys the admissible ones as
    /// `KPrototypesMechanism` does: d = D/2^96 + pair term, rounded at 1e−9.
    private func rankPacked(_ session: Int, _ slots: [Int], _ terms: [Double], _ packed: [PaillierCiphertext],
                            _ bits: Int, _ per: Int, admissible: [Bool]?) throws -> [(slot: Int, key: Double)] {
        guard bits * per < publicKey.bits - 1 else { throw PrivacyError.malformedEncoding("\(per) slots of \(bits) bits exceed the plaintext space") }
        var ranked: [(slot: Int, key: Double)] = []
        let mask = MPZ(1).shiftedLeft(bits)
        for (ci, c) in packed.enumerated() {
            let k = min(per, slots.count - ci * per)
            if let admissible, !admissible[(ci * per)..<(ci * per + k)].contains(true) { continue }   // nothing to rank here
            let m = secretKey.decryptBig(c).value
            for j in 0..<k {
                let i = ci * per + j
                if let admissible, !admissible[i] { continue }
                let chunk = PaillierBigInt(per == 1 ? m : m.shiftedRight(bits * (k - 1 - j)).mod(mask))
                let d = FixedPointFeature.decodeSquared(chunk) + terms[i]
                ranked.append((slots[i], (d * 1e9).rounded()))
                transcript.learn("session \(session) slot \(slots[i]) dissimilarity \(d)")
            }
        }
        return ranked
    }

    private func best(_ session: Int) -> Int? {
        var best: (slot: Int, key: Double)? = nil
        for c in sessions[session] ?? [] {
            if best == nil || c.key < best!.key || (c.key == best!.key && c.slot < best!.slot) { best = c }
        }
        return best?.slot
    }
}
