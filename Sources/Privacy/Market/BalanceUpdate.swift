/// Balance update after private settlement (SPEC §4.4, seed 003 §3.4 step 6): the settled
/// amount a = v_f·p_m is public to the two parties and the matching service, so the new
/// balance commitments follow homomorphically — buyer C_b′ = C_b − a·G, seller
/// C_s′ = C_s + a·G, blindings unchanged — and the buyer proves b′ ≥ 0 with a range proof
/// bound to the match record, so nobody learns either balance.
///
/// Guarantees: `verify` accepts exactly when the new commitment is the old one minus
/// (plus) a·G and, for a debit, the range proof shows 0 ≤ b′ < 2^bits.
public struct BalanceUpdate: Sendable {
    public var newBalance: PedersenCommitment
    public var nonNegative: RangeProof?
    public static let bits = 48

    /// The buyer's side: debits `amount`, proves the result non-negative. Throws
    /// `statementFalse` if the balance does not cover the amount.
    public static func debit(_ balance: PedersenOpening, amount: Int64, record: MatchRecord,
                             params: PedersenParameters = .standard) throws -> (update: BalanceUpdate, opening: PedersenOpening) {
        let o = PedersenOpening(value: balance.value - amount, blinding: balance.blinding)
        let c = params.commit(o)
        let proof = try RangeProof.prove(c, opening: o, lo: 0, hi: (Int64(1) << Int64(bits)) - 1, params: params, context: record.digest)
        return (BalanceUpdate(newBalance: c, nonNegative: proof), o)
    }

    /// The seller's side: credits `amount` (nothing to prove).
    public static func credit(_ balance: PedersenCommitment, amount: Int64, params: PedersenParameters = .standard) -> BalanceUpdate {
        BalanceUpdate(newBalance: balance + params.publicCommitment(amount), nonNegative: nil)
    }

    /// Checks a debit (with proof) or a credit against the old commitment and the public amount.
    public func verify(old: PedersenCommitment, amount: Int64, debit: Bool, record: MatchRecord, params: PedersenParameters = .standard) throws {
        let expected = debit ? old - params.publicCommitment(amount) : old + params.publicCommitment(amount)
        guard expected == newBalance else { throw PrivacyError.proofRejected("new balance is not the old one \(debit ? "minus" : "plus") the settled amount") }
        if debit {
            guard let p = nonNegative else { throw PrivacyError.proofRejected("a debit needs a non-negativity proof") }
            try p.verify(newBalance, lo: 0, hi: (Int64(1) << Int64(Self.bits)) - 1, params: params, context: record.digest)
        }
    }
}
