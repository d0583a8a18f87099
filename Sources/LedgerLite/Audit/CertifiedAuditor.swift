import GridClearCore
import GridClearSystem

/// One verified block as the certified audit sees it: the certificate and the committee in
/// force at its height (both nil for an embedded ledger and for genesis).
public struct CertifiedVisit {
    public var block: Block
    public var certificate: QuorumCertificate?
    public var committee: Committee?
    public var offset: Int
}

/// What a certified audit found beyond `AuditReport`.
public struct CertifiedAuditReport: Sendable {
    public var audit: AuditReport
    /// True for a replicated ledger (its genesis names a committee); then every block above
    /// genesis had a valid certificate of the committee in force at its height.
    public var replicated: Bool
    public var certificates: Int
    /// Committee epochs in force, in order (epoch, first height).
    public var epochs: [(epoch: UInt64, fromHeight: UInt64)]
    /// The committee that certifies the next block (nil for an embedded ledger).
    public var committee: Committee?
    /// Certificates beyond the head (a crash between the certificate and its block; the next
    /// writer drops them). Not evidence of anything.
    public var extraCertificates: Int
    /// True when the genesis committee was compared with pinned keys (`audit --cluster`).
    public var pinned: Bool
}

/// The audit of a ledger with its certificates (SPEC §6, §7, issue 17): everything
/// `LedgerAuditor` checks, and, when the genesis names a committee, for every block h ≥ 1 a
/// certificate of the committee in force at h (from the genesis and the membership entries,
/// see `Membership`). With `pinned` (the committee keys of `cluster.json`), the genesis
/// committee must be exactly those keys in that order. An embedded ledger audits as before
/// (a `certificates.gcl` beside it, or a pin, is then a fault). Read-only; the first fault wins.
public enum CertifiedAuditor {
    public static func audit(_ blocks: [UInt8], certificates: [UInt8]?, trusted: TrustedKeys?, pinned: [[UInt8]]? = nil,
                             scheme: SignatureScheme = Ed25519Scheme(),
                             visit: ((CertifiedVisit) -> Void)? = nil) -> Result<CertifiedAuditReport, LedgerFault> {
        var check = CertificateCheck(certificates: certificates, pinned: pinned, scheme: scheme)
        let base = LedgerAuditor.audit(blocks, trusted: trusted, wantsBlock: { visit != nil || check.membership != nil }) { facts, block, offset in
            check.add(facts, block, offset: offset, visit: visit)
        }
        return check.finish(base)
    }

    /// Audits the ledger in `directory` (`blocks.gcl`, streamed by `LedgerAuditor`, and, when
    /// present, `certificates.gcl`). No lock taken: safe beside a writer.
    public static func audit(directory: String, trusted: TrustedKeys?, pinned: [[UInt8]]? = nil,
                             visit: ((CertifiedVisit) -> Void)? = nil) throws -> Result<CertifiedAuditReport, LedgerFault> {
        let certPath = FileSystem.join(directory, CertificateLog.fileName)
        let certs: [UInt8]?
        do { certs = FileSystem.exists(certPath) ? try FileSystem.read(certPath, maxBytes: Int.max) : nil } catch let e as SystemError {
            throw LedgerError.system(e)
        }
        var check = CertificateCheck(certificates: certs, pinned: pinned, scheme: Ed25519Scheme())
        let base = try LedgerAuditor.audit(directory: directory, trusted: trusted, wantsBlock: { visit != nil || check.membership != nil }) { facts, block, offset in
            check.add(facts, block, offset: offset, visit: visit)
        }
        return check.finish(base)
    }
}

/// The certificate side of one certified audit, fed the blocks `LedgerAuditor` verified: as
/// `Block`s once the genesis names a committee (membership is folded over whole blocks) or when
/// the caller visits blocks, else as `BlockFacts`.
struct CertificateCheck {
    var certs: [QuorumCertificate] = []
    var certEnd: ScanEnd = .clean
    let pinned: [[UInt8]]?
    let scheme: SignatureScheme
    var membership: Membership?
    var fault: LedgerFault?
    var epochs: [(epoch: UInt64, fromHeight: UInt64)] = []
    var heights = 0

    init(certificates: [UInt8]?, pinned: [[UInt8]]?, scheme: SignatureScheme) {
        self.pinned = pinned; self.scheme = scheme
        if let certificates {
            let s = CertificateFrame.scan(certificates)
            certs = s.certificates.map(\.certificate); certEnd = s.end
        }
    }

    mutating func add(_ facts: BlockFacts, _ decoded: Block?, offset: Int, visit: ((CertifiedVisit) -> Void)?) {
        guard fault == nil else { return }
        let h = facts.header.height
        heights = Int(h) + 1
        if h == 0 { return genesis(facts, decoded, offset: offset, visit: visit) }
        guard var m = membership else {
            if facts.entries.contains(where: { [.membership, .committeeEpoch, .disagreement].contains($0.tag) }) {
                fault = LedgerFault(offset: offset, height: h, "a committee entry (tag 7, 8 or 9) in an embedded ledger")
                return
            }
            if let visit, let decoded { visit(CertifiedVisit(block: decoded, certificate: nil, committee: nil, offset: offset)) }
            return
        }
        guard let block = decoded else {
            fault = LedgerFault(offset: offset, height: h, "internal: a replicated ledger's block was not decoded for its membership check")
            return
        }
        let qc = Int(h) <= certs.count ? certs[Int(h) - 1] : nil
        let inForce = m.committee
        do throws(MembershipError) {
            try m.check(block, certificate: qc, scheme: scheme)
            if let e = try m.apply(block, certificate: qc!) { epochs.append((e.epoch, h + 1)) }
        } catch {
            fault = LedgerFault(offset: offset, height: h, error.description)
            return
        }
        membership = m
        visit?(CertifiedVisit(block: block, certificate: qc, committee: inForce, offset: offset))
    }

    private mutating func genesis(_ facts: BlockFacts, _ decoded: Block?, offset: Int, visit: ((CertifiedVisit) -> Void)?) {
        func fail(_ m: String) { fault = LedgerFault(offset: offset, height: 0, m) }
        guard case .genesis(let g) = facts.entries.first else { return }
        do { membership = try Membership(genesis: g) } catch { return fail("genesis committee: \(error)") }
        if let m = membership {
            epochs.append((0, 1))
            if let pinned, pinned != m.committee.keys {
                return fail("the genesis committee (\(m.committee.keys.map { NodeKey.fingerprint(publicKey: $0) }.joined(separator: ", "))) is not the pinned committee (\(pinned.map { NodeKey.fingerprint(publicKey: $0) }.joined(separator: ", ")))")
            }
        } else if pinned != nil {
            return fail("the ledger's genesis names no committee (an embedded ledger), but a cluster was given to pin it")
        } else if !certs.isEmpty {
            return fail("an embedded ledger with a certificates file (\(CertificateLog.fileName)); remove the stray file or audit the right directory")
        }
        if let visit, let decoded { visit(CertifiedVisit(block: decoded, certificate: nil, committee: nil, offset: offset)) }
    }

    func finish(_ base: Result<AuditReport, LedgerFault>) -> Result<CertifiedAuditReport, LedgerFault> {
        switch base {
        case .failure(let f): return .failure(fault ?? f)
        case .success(let report):
            if let fault { return .failure(fault) }
            let certified = max(0, heights - 1)
            if membership != nil {
                switch certEnd {
                case .clean: break
                case .tornTail where certs.count >= certified: break  // an interrupted append beyond the head
                case .tornTail(let off):
                    return .failure(LedgerFault(offset: off, height: UInt64(certs.count + 1), "\(CertificateLog.fileName) ends inside a certificate"))
                case .corrupt(let off, let reason):
                    return .failure(LedgerFault(offset: off, height: UInt64(certs.count + 1), "\(CertificateLog.fileName): \(reason)"))
                }
                for (i, q) in certs.enumerated() where q.height != UInt64(i + 1) {
                    return .failure(LedgerFault(offset: 0, height: UInt64(i + 1), "\(CertificateLog.fileName): certificate \(i + 1) is for height \(q.height)"))
                }
            }
            return .success(CertifiedAuditReport(audit: report, replicated: membership != nil, certificates: min(certs.count, certified),
                                                 epochs: epochs, committee: membership?.committee,
                                                 extraCertificates: max(0, certs.count - certified), pinned: pinned != nil))
        }
    }
}
