/// Public configuration of the matching service for one cycle.
public struct MatchingServiceConfig: Sendable {
    public var cycle: String
    public var publicKey: PaillierPublicKey
    public var authority: PseudonymAuthorityKey
    /// Anonymous account records (capacity and balance commitments) registered before the cycle.
    public var accountRecords: Set<PedersenCommitment>
    /// Loss terms from public routing data: [buyer][seller], nil = the pair cannot trade.
    public var pairTerms: @Sendable (_ buyers: [[UInt8]], _ sellers: [[UInt8]]) throws -> [[Double?]]
    /// Index of the quantity column in feature rows, and √α of that column.
    public var quantityColumn: Int
    public var sqrtQuantityWeight: Double
    public var toleranceBP: Int64
    /// Bits per packed distance (an upper bound on ‖x − u‖² in fixed point); 0 = no packing.
    public var distanceBits = 0
    public var keyHolder: MarketAddress = "key-holder"
    public var registrationAuthority: MarketAddress = "registration-authority"
    public var operatorAddress: MarketAddress = "operator"

    public init(cycle: String, publicKey: PaillierPublicKey, authority: PseudonymAuthorityKey, accountRecords: Set<PedersenCommitment>,
                pairTerms: @escaping @Sendable ([[UInt8]], [[UInt8]]) throws -> [[Double?]],
                quantityColumn: Int, sqrtQuantityWeight: Double, toleranceBP: Int64) {
        self.cycle = cycle; self.publicKey = publicKey; self.authority = authority; self.accountRecords = accountRecords
        self.pairTerms = pairTerms; self.quantityColumn = quantityColumn; self.sqrtQuantityWeight = sqrtQuantityWeight
        self.toleranceBP = toleranceBP
    }
}

/// A match as the matching service publishes it once both parties confirmed.
public struct ConfirmedMatch: Sendable, Equatable {
    public init(record: MatchRecord, price: Int64?, buyerConfirmed: Bool, sellerConfirmed: Bool) {
        self.record = record; self.price = price; self.buyerConfirmed = buyerConfirmed; self.sellerConfirmed = sellerConfirmed
    }
    public var record: MatchRecord
    public var price: Int64?
    public var buyerConfirmed: Bool, sellerConfirmed: Bool
}

/// The matching service (SPEC §3.2 on ciphertexts, §4.4): admits plans (certificate gate,
/// account record, signature and proofs), runs the range round through the key holder,
/// then K-prototypes buyer by buyer in arrival order — the buyer computes its encrypted
/// distances, the key holder returns the least dissimilar candidate and the traded energy —
/// and issues committed match records, which both parties confirm with proofs.
///
/// What it learns: pseudonyms, certificates and plans (commitments, proofs, ciphertexts),
/// public routing data, the cycle's per-column min and max, which seller each buyer is
/// matched with and the traded energy, the trade price (the seller's ask, revealed in the
/// seller's confirmation), and settlement decisions. It never decrypts anything and
/// never sees an identity, a balance or capacity, an unmatched price or a preference.
public final class MatchingServiceRole: MarketRole {
    public let address: MarketAddress
    public var transcript: MarketTranscript
    public let config: MatchingServiceConfig
    private var gate: CertificateGate
    private var usedRecords = Set<PedersenCommitment>()
    enum Phase { case collecting, ranging, rows, matching, done }
    private var phase = Phase.collecting
    private struct Entry { var plan: MarketPlan; var address: MarketAddress; var routing: [UInt8] }
    private var buyers: [Entry] = [], sellers: [Entry] = []
    private var rows: [Int: EncryptedFeatureRow] = [:]
    private var remaining: [PaillierCiphertext] = [], available: [PaillierCiphertext] = []
    private var exhausted: [Bool] = []
    private var terms: [[Double?]] = []
    private var scaleLo: [Int64] = [], scaleHi: [Int64] = []
    private var buyer = 0, session = 0, pendingSeller = -1, candidateSlots: [Int] = []
    public private(set) var matches: [ConfirmedMatch] = []
    public private(set) var settlements: [Int: PrivateSettlementOutcome] = [:]
    private var readings: [Int: [PlanSide: PaillierCiphertext]] = [:]
    private var announcedDone = false
    private var confirmations: [Int: [PlanSide: [UInt8]]] = [:]
    /// Buyers' balance commitments after verified settlement debits, by buyer slot (a slot
    /// absent here still holds its plan's account record).
    public private(set) var balances: [Int: PedersenCommitment] = [:]
    private var debits: [Int: Int64] = [:]

    /// What the ledger records of this cycle (LedgerLite tags 10, 11): every admitted plan
    /// (sellers, then buyers, by slot) and the digests of both confirmations of each record.
    public var ledgerDigests: (plans: [PlanDigest], confirmations: [ConfirmationDigests]) {
        let plans = sellers.enumerated().map { PlanDigest(side: .sell, slot: $0.offset, plan: $0.element.plan) }
            + buyers.enumerated().map { PlanDigest(side: .buy, slot: $0.offset, plan: $0.element.plan) }
        let confs = matches.compactMap { m -> ConfirmationDigests? in
            guard let b = confirmations[m.record.id]?[.buy], let s = confirmations[m.record.id]?[.sell] else { return nil }
            return ConfirmationDigests(record: m.record.id, buyer: b, seller: s)
        }
        return (plans, confs)
    }

    public init(address: MarketAddress = "matching-service", config: MatchingServiceConfig, revoked: Set<[UInt8]> = []) {
        self.address = address; self.config = config
        gate = CertificateGate(authority: config.authority, revoked: revoked)
        transcript = MarketTranscript(role: address)
    }

    /// Voids pseudonyms opened during registration (from the authority's `revoked` list).
    public func revoke(_ keys: Set<[UInt8]>) { gate.revoke(keys) }

    /// The tracing tag of the admitted certificate with this pseudonym key (what the
    /// registration authority asks the trustees to open when a winner is at fault).
    public func tracingTag(pseudonym key: [UInt8]) -> [UInt8]? {
        (sellers + buyers).first { $0.plan.certificate.pseudonymKey == key }?.plan.certificate.tracingTag
    }

    public var buyerCount: Int { buyers.count }
    public var sellerCount: Int { sellers.count }
    public var isDone: Bool { phase == .done }
    private var pk: PaillierPublicKey { config.publicKey }

    public func handle(_ message: MarketMessage, from peer: MarketAddress) throws -> [MarketEnvelope] {
        switch message {
        case .plan(let plan, let routing): return admit(plan, routing: routing, from: peer)
        case .revocations(let keys):
            guard peer == config.registrationAuthority else { throw PrivacyError.invalidSignature("revocations from \(peer), not the registration authority") }
            gate.revoke(keys)
            return []
        case .gateClosed:
            guard phase == .collecting else { throw PrivacyError.malformedEncoding("gate already closed") }
            phase = .ranging
            terms = try config.pairTerms(buyers.map(\.routing), sellers.map(\.routing))
            var rng = SystemCSPRNG()
            let all = buyers + sellers
            var cols: [[PaillierCiphertext]] = []
            for c in RangeColumn.allCases {
                var col = all.map { pk.rerandomizeFast($0.plan.attributes[c.rawValue]) }
                col.shuffle(using: &rng)
                cols.append(col)
            }
            return [MarketEnvelope(to: config.keyHolder, .rangeQuery(columns: cols))]
        case .rangeAnswer(let lo, let hi):
            guard phase == .ranging else { throw PrivacyError.malformedEncoding("unexpected range answer") }
            scaleLo = lo; scaleHi = hi
            transcript.learn("scales lo \(lo) hi \(hi)")
            phase = .rows
            let out = (buyers + sellers).map { MarketEnvelope(to: $0.address, .scales(lo: lo, hi: hi)) }
            return out + (sellers.isEmpty ? startMatching() : [])
        case .sellerRow(let row):
            guard phase == .rows, let s = sellers.firstIndex(where: { $0.address == peer }) else { throw PrivacyError.malformedEncoding("unexpected seller row from \(peer)") }
            rows[s] = row
            return rows.count == sellers.count ? startMatching() : []
        case .distanceReply(let s, let ds):
            guard phase == .matching, s == session, ds.count == candidateSlots.count else { throw PrivacyError.malformedEncoding("distance reply does not match session \(session)") }
            let packedPer = config.distanceBits > 0 ? (pk.bits - 2) / config.distanceBits : 0
            let per = max(1, packedPer), bits = packedPer >= 2 ? config.distanceBits : 8
            // Horner packing: P = (…(D_1·2^b + D_2)·2^b + …) — b squarings per distance here,
            // one decryption per `per` distances at the key holder (one each when unpacked).
            let shift = PaillierBigInt(1).shifted(bits)
            var packed: [PaillierCiphertext] = []
            var i = 0
            while i < ds.count {
                var p = ds[i]
                if packedPer >= 2 { for j in (i + 1)..<min(i + per, ds.count) { p = pk.add(pk.multiply(p, by: shift), ds[j]) } }
                packed.append(pk.rerandomizeFast(p))
                i += per
            }
            // ask ≤ bid (amended SPEC §3.2) on ciphertexts: Enc(ρ·(bid − ask) + ρ′) per candidate,
            // packed; the key holder decrypts only these blinded comparisons.
            var rng = SystemCSPRNG()
            let bid = buyers[buyer].plan.attributes[RangeColumn.price.rawValue]
            let checks = PackedSigns.compare(candidateSlots.map { (x: bid, y: sellers[$0].plan.attributes[RangeColumn.price.rawValue]) },
                                             publicKey: pk, using: &rng)
            return [MarketEnvelope(to: config.keyHolder, .rankOpenFiltered(session: session, slots: candidateSlots, pairTerms: candidateSlots.map { terms[buyer][$0]! },
                                                                           packed: packed, slotBits: bits, perCiphertext: per, askNotAboveBid: checks))]
        case .rankAnswer(let s, let slot):
            guard phase == .matching, s == session else { throw PrivacyError.malformedEncoding("stale rank answer") }
            guard let slot else { buyer += 1; return nextBuyer() }
            pendingSeller = slot
            // Enc(ρ·(x − y) + ρ'), 0 ≤ ρ' < ρ: non-negative exactly when x ≥ y, nothing more.
            var rng = SystemCSPRNG()
            func notBelow(_ x: PaillierCiphertext, _ y: PaillierCiphertext) throws -> PaillierCiphertext {
                let rho = Int64(rng.next() >> 2) | 1, rho2 = Int64(rng.next() >> 2) % rho
                return pk.rerandomizeFast(pk.addPlaintext(pk.multiply(pk.subtract(x, y), by: rho), rho2))
            }
            let rem = remaining[buyer], avail = available[slot]
            return [MarketEnvelope(to: config.keyHolder, .energyQuery(session: session, remainingNotBelow: try notBelow(rem, avail),
                                                                    availableNotBelow: try notBelow(avail, rem), remaining: rem, available: avail))]
        case .energyAnswer(let s, let energy, let buyerDone, let sellerDone):
            guard phase == .matching, s == session, pendingSeller >= 0 else { throw PrivacyError.malformedEncoding("stale energy answer") }
            return try recordMatch(energy: energy, buyerDone: buyerDone, sellerDone: sellerDone)
        case .matchConfirmation(let c):
            guard let i = matches.firstIndex(where: { $0.record.id == c.record }) else { throw PrivacyError.malformedEncoding("confirmation for unknown record \(c.record)") }
            let rec = matches[i].record
            let entry = c.side == .sell ? sellers[rec.sellerSlot] : buyers[rec.buyerSlot]
            guard entry.address == peer else { throw PrivacyError.proofRejected("confirmation from a party not in record \(rec.id)") }
            let price = try c.verify(record: rec, plan: entry.plan)
            confirmations[rec.id, default: [:]][c.side] = ConfirmationDigests.digest(c)
            if c.side == .sell { matches[i].sellerConfirmed = true; matches[i].price = price; transcript.learn("record \(rec.id) price \(price ?? 0)") }
            else { matches[i].buyerConfirmed = true }
            return announceIfDone()
        case .meterReading(let id, let side, let actual):
            guard let m = matches.first(where: { $0.record.id == id }) else { throw PrivacyError.malformedEncoding("meter reading for unknown record \(id)") }
            readings[id, default: [:]][side] = actual
            guard let sa = readings[id]?[.sell], let ba = readings[id]?[.buy] else { return [] }
            let t = m.record.energy
            let ss = pk.addPlaintext(pk.multiply(sa, by: -1), t), bs = pk.addPlaintext(pk.multiply(ba, by: -1), t)
            return [MarketEnvelope(to: config.keyHolder, .deviationQuery(record: id, matched: t, toleranceBP: config.toleranceBP,
                                                                       sellerShortfall: pk.rerandomizeFast(ss), buyerShortfall: pk.rerandomizeFast(bs)))]
        case .deviationAnswer(let id, let o):
            settlements[id] = o
            transcript.learn("record \(id) settled \(o.settled) Wh within \(o.withinTolerance)")
            var out = [MarketEnvelope(to: config.operatorAddress, .deviationAnswer(record: id, outcome: o))]   // for the record (ledger tag 12)
            // The buyer pays the settled amount: it debits its balance commitment with a proof.
            if let m = matches.first(where: { $0.record.id == id }), let price = m.price {
                let (amount, overflow) = o.settled.multipliedReportingOverflow(by: price)
                guard !overflow else { throw PrivacyError.malformedEncoding("record \(id): settled amount overflows") }
                debits[id] = amount
                out.append(MarketEnvelope(to: buyers[m.record.buyerSlot].address, .balanceDebit(record: id, amount: amount)))
            }
            // A side short beyond σ is handed over for tracing by its certificate's tag.
            if !o.withinTolerance, let m = matches.first(where: { $0.record.id == id }) {
                for (side, key, fault) in [("seller", m.record.sellerPseudonym, o.sellerAtFault), ("buyer", m.record.buyerPseudonym, o.buyerAtFault)] where fault {
                    if let tag = tracingTag(pseudonym: key) {
                        out.append(MarketEnvelope(to: config.operatorAddress,
                                                  .faultTag(tag: tag, reason: "\(side) deviated \(o.deviationBP) bp beyond tolerance on match record \(id)")))
                    }
                }
            }
            return out
        case .balanceUpdate(let id, let balance, let proof):
            guard let m = matches.first(where: { $0.record.id == id }), let amount = debits[id] else { throw PrivacyError.malformedEncoding("balance update for unknown record \(id)") }
            let slot = m.record.buyerSlot
            guard peer == buyers[slot].address else { throw PrivacyError.invalidSignature("balance update for record \(id) from \(peer), not its buyer") }
            try BalanceUpdate(newBalance: balance, nonNegative: proof).verify(old: balances[slot] ?? buyers[slot].plan.record, amount: amount, debit: true, record: m.record)
            debits[id] = nil
            balances[slot] = balance
            transcript.learn("record \(id): buyer slot \(slot) balance debited \(amount), b' >= 0 proven")
            return [MarketEnvelope(to: config.operatorAddress, .balanceUpdate(record: id, balance: balance, proof: proof))]
        default:
            throw PrivacyError.malformedEncoding("matching service does not accept \(message.kind)")
        }
    }

    private func admit(_ plan: MarketPlan, routing: [UInt8], from peer: MarketAddress) -> [MarketEnvelope] {
        func reject(_ why: String) -> [MarketEnvelope] {
            transcript.learn("rejected plan from \(peer): \(why)")
            return [MarketEnvelope(to: peer, .planRejected(reason: why))]
        }
        guard phase == .collecting else { return reject("the gate is closed for cycle \(config.cycle)") }
        guard plan.cycle == config.cycle else { return reject("plan is for cycle \(plan.cycle), not \(config.cycle)") }
        do { try gate.check(plan.certificate) } catch { return reject(error.description) }
        guard config.accountRecords.contains(plan.record) else { return reject("account record is not registered") }
        guard !usedRecords.contains(plan.record) else { return reject("account record already backs another plan this cycle") }
        do { try plan.verify(publicKey: pk) } catch { return reject("\(error)") }
        do { try gate.admit(plan.certificate) } catch { return reject(error.description) }
        usedRecords.insert(plan.record)
        let e = Entry(plan: plan, address: peer, routing: routing)
        let q = plan.attributes[RangeColumn.quantity.rawValue]
        let slot: Int
        if plan.side == .sell { slot = sellers.count; sellers.append(e); available.append(q); exhausted.append(false) }
        else { slot = buyers.count; buyers.append(e); remaining.append(q) }
        return [MarketEnvelope(to: peer, .planAccepted(slot: slot))]
    }

    private func startMatching() -> [MarketEnvelope] {
        phase = .matching
        buyer = 0
        return nextBuyer()
    }

    private func nextBuyer() -> [MarketEnvelope] {
        while buyer < buyers.count {
            let cands = sellers.indices.filter { !exhausted[$0] && terms[buyer][$0] != nil }
            if cands.isEmpty { buyer += 1; continue }
            session += 1
            candidateSlots = cands
            pendingSeller = -1
            return [MarketEnvelope(to: buyers[buyer].address, .distanceRequest(session: session, candidates: cands.map { CandidateRow(slot: $0, row: rows[$0]!) }))]
        }
        phase = .done
        return announceIfDone()
    }

    private func recordMatch(energy: Int64, buyerDone: Bool, sellerDone: Bool) throws -> [MarketEnvelope] {
        let s = pendingSeller
        pendingSeller = -1
        let (cm, om) = PedersenParameters.standard.commit(energy)
        let rec = MatchRecord(cycle: config.cycle, id: matches.count, buyerSlot: buyer, sellerSlot: s,
                              buyerPseudonym: buyers[buyer].plan.certificate.pseudonymKey, sellerPseudonym: sellers[s].plan.certificate.pseudonymKey,
                              energy: energy, energyCommitment: cm)
        matches.append(ConfirmedMatch(record: rec, price: nil, buyerConfirmed: false, sellerConfirmed: false))
        transcript.learn("record \(rec.id): buyer slot \(buyer) seller slot \(s) \(energy) Wh")
        remaining[buyer] = pk.addPlaintext(remaining[buyer], -energy)
        available[s] = pk.addPlaintext(available[s], -energy)
        let range = scaleHi[RangeColumn.quantity.rawValue] - scaleLo[RangeColumn.quantity.rawValue]
        if range > 0 {
            let delta = try FixedPointFeature.encode(config.sqrtQuantityWeight * (Double(energy) / Double(range)))
            rows[s] = rows[s]!.shifted(column: config.quantityColumn, by: delta, publicKey: pk)
        }
        if sellerDone { exhausted[s] = true }
        var out = [MarketEnvelope(to: buyers[buyer].address, .matchRecord(rec, blinding: om.blinding)),
                   MarketEnvelope(to: sellers[s].address, .matchRecord(rec, blinding: om.blinding))]
        if buyerDone { buyer += 1; out += nextBuyer() }
        else { out.append(MarketEnvelope(to: config.keyHolder, .rankNext(session: session, exclude: s))) }
        return out
    }

    private func announceIfDone() -> [MarketEnvelope] {
        guard phase == .done, !announcedDone, matches.allSatisfy({ $0.buyerConfirmed && $0.sellerConfirmed }) else { return [] }
        announcedDone = true
        let d = ledgerDigests
        return [MarketEnvelope(to: config.operatorAddress, .ledgerDigests(plans: d.plans, confirmations: d.confirmations)),
                MarketEnvelope(to: config.operatorAddress, .published(matches))]
    }
}
