import LedgerLite

/// The audit every command runs before it uses a ledger that may be a replica's: the
/// certified audit (`CertifiedAuditor`: chain rules and, for a replicated ledger, every
/// certificate against the membership in force). An embedded ledger audits as before.
public enum ReplicaAudit {
    /// The report, or `AppError.ledgerFault` naming the first bad block.
    @discardableResult
    public static func require(directory: String, trusted: TrustedKeys?, pinned: [[UInt8]]? = nil) throws(AppError) -> CertifiedAuditReport {
        let result: Result<CertifiedAuditReport, LedgerFault>
        do { result = try CertifiedAuditor.audit(directory: directory, trusted: trusted, pinned: pinned) } catch {
            throw AppError.wrap(error, cycle: "-")
        }
        switch result {
        case .success(let r): return r
        case .failure(let f): throw .ledgerFault(f)
        }
    }
}
