import GridClearCore
import Privacy

/// What agents sign in per-iteration proofs, so that blame cannot be framed (issue 19): every
/// contribution that can end up blamed on its sender carries the sender's Ed25519 signature
/// (`RCIIdentity`) over a domain-separated statement binding the run id, the iteration, the
/// sender, the recipient and the exact bytes.
///
/// - `contribution`: n's own part of its update slot for m (sent to m, `RCIUpdateContribution`):
///   also binds the slot's shift, the Paillier key's fingerprint, D_n and C(P_nm); the ciphertext,
///   randomness, blinding, the share's Enc(P_nm) and its proof enter as one SHA-256 digest, so m can forward D_n, the digest and
///   the signature to the platform (which must never see the ciphertext) and the platform
///   checks n's signature all the same.
/// - `bundle`: an agent's iteration-proof bundle to the platform (its commitments, and the
///   slots it assembled with the owners' signed headers): one signature per message.
///
/// Guarantees: the two kinds, runs, iterations, parties and slots give different signed
/// bytes (length-prefixed fields under one domain), so a signature vouches for exactly one
/// contribution; whoever holds the signed bytes and the sender's registered key can check it
/// offline (`RCIBlameEvidence`).
public enum RCIContributionSignature {
    public static let domain = "GridClear/rci/contribution/v1"

    static func contribution(runID: [UInt8], iteration k: Int, sender: String, recipient: String, shift: Int, keyFingerprint: [UInt8],
                             ownCommitment: Point, powerCommitment: Point, secretDigest: [UInt8]) -> [UInt8] {
        statement("contribution", runID, k, sender, recipient) { w in
            w.u32(UInt32(shift)); w.blob(keyFingerprint); w.raw(ownCommitment.bytes); w.raw(powerCommitment.bytes); w.blob(secretDigest)
        }
    }

    static func bundle(runID: [UInt8], iteration k: Int, sender: String, body: [UInt8]) -> [UInt8] {
        statement("bundle", runID, k, sender, "platform") { w in w.blob(RCIIdentity.digest(body)) }
    }

    private static func statement(_ kind: String, _ runID: [UInt8], _ k: Int, _ sender: String, _ recipient: String,
                                  _ fields: (inout ByteWriter) -> Void) -> [UInt8] {
        var w = ByteWriter()
        w.text(domain); w.text(kind); w.blob(runID); w.i64(Int64(k)); w.text(sender); w.text(recipient)
        fields(&w)
        return w.bytes
    }
}

extension RCIUpdateContribution {
    /// The statement n signs for this contribution to `recipient`.
    func statement(runID: [UInt8], iteration k: Int, sender: String, recipient: String, shift: Int, publicKey pk: PaillierPublicKey) -> [UInt8] {
        RCIContributionSignature.contribution(runID: runID, iteration: k, sender: sender, recipient: recipient, shift: shift,
                                              keyFingerprint: pk.fingerprint, ownCommitment: ownCommitment, powerCommitment: powerCommitment,
                                              secretDigest: secretDigest)
    }
}

extension RCIIterationProofBundle {
    /// Whether `signature` is `sender`'s signature of this bundle for iteration `k` of run `runID`.
    func isSigned(by sender: String, key: [UInt8], runID: [UInt8], iteration k: Int) -> Bool {
        RCIIdentity.isValid(signature, by: key, of: RCIContributionSignature.bundle(runID: runID, iteration: k, sender: sender, body: body))
    }
}
