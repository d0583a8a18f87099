extension MarketMessage {
    /// The canonical bytes: u8 tag ‖ fields.
    public func encode() -> [UInt8] {
        var w = MarketWriter()
        switch self {
        case .registrationRequest(let b): w.u8(1); w.array(b) { $0.blob($1) }
        case .registrationChallenge(let keep, let sigs):
            w.u8(2); w.u16(keep)
            w.array(sigs) { w, s in w.bool(s != nil); if let s { w.blob(s) } }
        case .registrationOpenings(let os):
            w.u8(3); w.array(os) { w, o in w.certificate(o.certificate); w.scalar(o.tagRandomness) }
        case .registrationIssued(let s): w.u8(4); w.blob(s)
        case .registrationRefused(let r): w.u8(5); w.text(r)
        case .plan(let p, let routing): w.u8(6); p.write(to: &w); w.blob(routing)
        case .planAccepted(let s): w.u8(7); w.u32(s)
        case .planRejected(let r): w.u8(8); w.text(r)
        case .gateClosed: w.u8(9)
        case .rangeQuery(let cols): w.u8(10); w.array(cols) { w, c in w.array(c) { $0.ciphertext($1) } }
        case .rangeAnswer(let lo, let hi): w.u8(11); w.array(lo) { $0.i64($1) }; w.array(hi) { $0.i64($1) }
        case .scales(let lo, let hi): w.u8(12); w.array(lo) { $0.i64($1) }; w.array(hi) { $0.i64($1) }
        case .sellerRow(let row): w.u8(13); row.write(to: &w)
        case .distanceRequest(let s, let cs): w.u8(14); w.u32(s); w.array(cs) { w, c in w.u32(c.slot); c.row.write(to: &w) }
        case .distanceReply(let s, let ds): w.u8(15); w.u32(s); w.array(ds) { $0.ciphertext($1) }
        case .rankOpen(let s, let cs): w.u8(16); w.u32(s); w.array(cs) { w, c in w.u32(c.slot); w.ciphertext(c.distance); w.f64(c.pairTerm) }
        case .rankNext(let s, let x): w.u8(17); w.u32(s); w.u32(x)
        case .rankAnswer(let s, let slot): w.u8(18); w.u32(s); w.bool(slot != nil); if let slot { w.u32(slot) }
        case .energyQuery(let s, let b1, let b2, let rem, let av): w.u8(19); w.u32(s); w.ciphertext(b1); w.ciphertext(b2); w.ciphertext(rem); w.ciphertext(av)
        case .energyAnswer(let s, let e, let bd, let sd): w.u8(20); w.u32(s); w.i64(e); w.bool(bd); w.bool(sd)
        case .matchRecord(let r, let blinding): w.u8(21); r.write(to: &w); w.scalar(blinding)
        case .matchConfirmation(let c): w.u8(22); c.write(to: &w)
        case .published(let ms):
            w.u8(23)
            w.array(ms) { w, m in m.record.write(to: &w); w.bool(m.price != nil); if let p = m.price { w.i64(p) }; w.bool(m.buyerConfirmed); w.bool(m.sellerConfirmed) }
        case .meterReading(let r, let side, let a): w.u8(24); w.u32(r); w.u8(side.rawValue); w.ciphertext(a)
        case .deviationQuery(let r, let m, let tol, let s, let b): w.u8(25); w.u32(r); w.i64(m); w.i64(tol); w.ciphertext(s); w.ciphertext(b)
        case .deviationAnswer(let r, let o):
            w.u8(26); w.u32(r); w.bool(o.withinTolerance); w.i64(o.settled); w.i64(o.deviationBP); w.bool(o.sellerAtFault); w.bool(o.buyerAtFault)
        case .traceRequest(let t): w.u8(27); w.blob(t)
        case .traceShare(let p): w.u8(28); w.u32(Int(p.index)); w.point(p.d); w.point(p.a1); w.point(p.a2); w.scalar(p.z)
        case .submitPlan: w.u8(29)
        case .partyReport(let q, let slot): w.u8(30); w.text(q); w.i64(Int64(slot))
        case .shutdown: w.u8(31)
        case .faultTag(let t, let why): w.u8(36); w.blob(t); w.text(why)
        case .balanceDebit(let r, let a): w.u8(39); w.u32(r); w.i64(a)
        case .balanceUpdate(let r, let c, let p): w.u8(40); w.u32(r); w.commitment(c); w.rangeProof(p)
        case .traceOrder(let t, let ts): w.u8(37); w.blob(t); w.array(ts) { $0.text($1) }
        case .traceResult(let t, let who): w.u8(38); w.blob(t); w.bool(who != nil); if let who { w.text(who) }
        case .revocations(let ks): w.u8(32); w.array(ks) { $0.blob($1) }
        case .rankOpenPacked(let s, let slots, let terms, let packed, let bits, let per):
            w.u8(33); w.u32(s); w.array(slots) { $0.u32($1) }; w.array(terms) { $0.f64($1) }
            w.array(packed) { $0.ciphertext($1) }; w.u16(bits); w.u16(per)
        case .rankOpenFiltered(let s, let slots, let terms, let packed, let bits, let per, let checks):
            w.u8(34); w.u32(s); w.array(slots) { $0.u32($1) }; w.array(terms) { $0.f64($1) }
            w.array(packed) { $0.ciphertext($1) }; w.u16(bits); w.u16(per); checks.write(to: &w)
        case .ledgerDigests(let plans, let confs):
            w.u8(35); w.array(plans) { w, p in p.write(to: &w) }
            w.array(confs) { w, c in w.u32(c.record); w.blob(c.buyer); w.blob(c.seller) }
        }
        return w.bytes
    }

    /// Parses canonical bytes; ciphertexts are validated against `publicKey`. Throws
    /// `malformedEncoding` on any unknown tag, short field or trailing byte.
    public static func decode(_ bytes: [UInt8], publicKey pk: PaillierPublicKey) throws -> MarketMessage {
        var r = MarketReader(bytes)
        let m: MarketMessage
        switch try r.u8() {
        case 1: m = .registrationRequest(blinded: try r.array(max: 64) { try $0.blob(max: 1024) })
        case 2:
            let keep = try r.u16()
            m = .registrationChallenge(keep: keep, signatures: try r.array(max: 64) { r in try r.bool() ? try r.blob(max: 1024) : nil })
        case 3: m = .registrationOpenings(try r.array(max: 64) { r in RegistrationOpening(certificate: try r.certificate(), tagRandomness: try r.scalar()) })
        case 4: m = .registrationIssued(signature: try r.blob(max: 1024))
        case 5: m = .registrationRefused(reason: try r.text())
        case 6: m = .plan(try MarketPlan.read(from: &r, publicKey: pk), routing: try r.blob(max: 1024))
        case 7: m = .planAccepted(slot: try r.u32())
        case 8: m = .planRejected(reason: try r.text())
        case 9: m = .gateClosed
        case 10: m = .rangeQuery(columns: try r.array(max: 16) { r in try r.array { try $0.ciphertext(pk) } })
        case 11: m = .rangeAnswer(lo: try r.array(max: 16) { try $0.i64() }, hi: try r.array(max: 16) { try $0.i64() })
        case 12: m = .scales(lo: try r.array(max: 16) { try $0.i64() }, hi: try r.array(max: 16) { try $0.i64() })
        case 13: m = .sellerRow(try EncryptedFeatureRow.read(from: &r, publicKey: pk))
        case 14: m = .distanceRequest(session: try r.u32(), candidates: try r.array { r in CandidateRow(slot: try r.u32(), row: try EncryptedFeatureRow.read(from: &r, publicKey: pk)) })
        case 15: m = .distanceReply(session: try r.u32(), distances: try r.array { try $0.ciphertext(pk) })
        case 16: m = .rankOpen(session: try r.u32(), candidates: try r.array { r in RankCandidate(slot: try r.u32(), distance: try r.ciphertext(pk), pairTerm: try r.f64()) })
        case 17: m = .rankNext(session: try r.u32(), exclude: try r.u32())
        case 18: let s = try r.u32(); m = .rankAnswer(session: s, slot: try r.bool() ? try r.u32() : nil)
        case 19: m = .energyQuery(session: try r.u32(), remainingNotBelow: try r.ciphertext(pk), availableNotBelow: try r.ciphertext(pk), remaining: try r.ciphertext(pk), available: try r.ciphertext(pk))
        case 20: m = .energyAnswer(session: try r.u32(), energy: try r.i64(), buyerDone: try r.bool(), sellerDone: try r.bool())
        case 21: m = .matchRecord(try MatchRecord.read(from: &r), blinding: try r.scalar())
        case 22: m = .matchConfirmation(try MatchConfirmation.read(from: &r))
        case 23:
            m = .published(try r.array { r in
                let rec = try MatchRecord.read(from: &r)
                let price = try r.bool() ? try r.i64() : nil
                return ConfirmedMatch(record: rec, price: price, buyerConfirmed: try r.bool(), sellerConfirmed: try r.bool())
            })
        case 24:
            let id = try r.u32()
            guard let side = PlanSide(rawValue: try r.u8()) else { throw PrivacyError.malformedEncoding("unknown side") }
            m = .meterReading(record: id, side: side, actual: try r.ciphertext(pk))
        case 25: m = .deviationQuery(record: try r.u32(), matched: try r.i64(), toleranceBP: try r.i64(), sellerShortfall: try r.ciphertext(pk), buyerShortfall: try r.ciphertext(pk))
        case 26:
            m = .deviationAnswer(record: try r.u32(), outcome: PrivateSettlementOutcome(withinTolerance: try r.bool(), settled: try r.i64(), deviationBP: try r.i64(),
                                                                                   sellerAtFault: try r.bool(), buyerAtFault: try r.bool()))
        case 27: m = .traceRequest(tag: try r.blob(max: 64))
        case 28:
            let idx = try r.u32()
            m = .traceShare(PartialDecryption(index: UInt32(idx), d: try r.point(), a1: try r.point(), a2: try r.point(), z: try r.scalar()))
        case 29: m = .submitPlan
        case 30:
            let q = try r.text(max: 200), slot = try r.i64()
            guard slot >= -1, slot < Int64(Int32.max) else { throw PrivacyError.malformedEncoding("slot \(slot)") }
            m = .partyReport(quote: q, slot: Int(slot))
        case 31: m = .shutdown
        case 32: m = .revocations(try r.array { try $0.blob(max: 64) })
        case 33:
            let s = try r.u32(), slots = try r.array { try $0.u32() }, terms = try r.array { try $0.f64() }
            let packed = try r.array { try $0.ciphertext(pk) }
            let bits = try r.u16(), per = try r.u16()
            guard bits >= 8, per >= 1, slots.count == terms.count, packed.count == (slots.count + per - 1) / per else {
                throw PrivacyError.malformedEncoding("packed rank request does not add up")
            }
            m = .rankOpenPacked(session: s, slots: slots, pairTerms: terms, packed: packed, slotBits: bits, perCiphertext: per)
        case 34:
            let s = try r.u32(), slots = try r.array { try $0.u32() }, terms = try r.array { try $0.f64() }
            let packed = try r.array { try $0.ciphertext(pk) }
            let bits = try r.u16(), per = try r.u16()
            let checks = try PackedSigns.read(from: &r, publicKey: pk)
            guard bits >= 8, per >= 1, slots.count == terms.count, packed.count == (slots.count + per - 1) / per, checks.count == slots.count else {
                throw PrivacyError.malformedEncoding("filtered rank request does not add up")
            }
            m = .rankOpenFiltered(session: s, slots: slots, pairTerms: terms, packed: packed, slotBits: bits, perCiphertext: per, askNotAboveBid: checks)
        case 35:
            m = .ledgerDigests(plans: try r.array { try PlanDigest.read(from: &$0) },
                               confirmations: try r.array { r in ConfirmationDigests(record: try r.u32(), buyer: try r.blob(max: 32), seller: try r.blob(max: 32)) })
        case 36: m = .faultTag(tag: try r.blob(max: 64), reason: try r.text(max: 400))
        case 37: m = .traceOrder(tag: try r.blob(max: 64), trustees: try r.array(max: 256) { try $0.text(max: 200) })
        case 38: m = .traceResult(tag: try r.blob(max: 64), identity: try r.bool() ? try r.text(max: 400) : nil)
        case 39: m = .balanceDebit(record: try r.u32(), amount: try r.i64())
        case 40: m = .balanceUpdate(record: try r.u32(), balance: try r.commitment(), proof: try r.rangeProof())
        case let t: throw PrivacyError.malformedEncoding("unknown market message tag \(t)")
        }
        try r.finish()
        return m
    }
}
