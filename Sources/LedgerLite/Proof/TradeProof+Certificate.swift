import GridClearCore

extension TradeProof {
    /// Format 3: the block's commit certificate must verify against the committee named in the
    /// proof, and that committee must be the trusted committee: exactly the set of `trusted` keys
    /// (`verify-proof --keys` with every member's key), or, with `minCommittee` (`--cluster`:
    /// the committee size of cluster.json), at least that many of the trusted keys — so a proof
    /// cannot name a smaller committee of its own. With `chain`, the certificate's chain id must
    /// match too. Throws the first broken link.
    func verifyCertificate(header: BlockHeader, trusted: TrustedKeys, chain: String? = nil, minCommittee: Int? = nil) throws {
        guard let certHex = certificate, let keysHex = committeeKeys else { throw ProofError("a format-3 proof needs 'certificate' and 'committee_keys'") }
        guard let certBytes = Hex.decode(certHex) else { throw ProofError("certificate is not hex") }
        var keys: [[UInt8]] = []
        for k in keysHex {
            guard let b = Hex.decode(k), b.count == 32 else { throw ProofError("committee_keys holds something that is not a 64-hex public key") }
            keys.append(b)
        }
        let qc: QuorumCertificate
        do { qc = try QuorumCertificate.decode(certBytes) } catch { throw ProofError("certificate: \(error)") }
        let fits = minCommittee.map { Set(keys).isSubset(of: trusted.keys) && keys.count >= $0 } ?? (Set(keys) == trusted.keys)
        guard fits, Set(keys).count == keys.count else {
            throw ProofError("the proof's committee (\(keys.map { NodeKey.fingerprint(publicKey: $0) }.joined(separator: ", "))) is not the trusted committee")
        }
        if let chain, qc.committee.chain != chain { throw ProofError("the certificate is for chain '\(qc.committee.chain)', not '\(chain)'") }
        let committee: Committee
        do { committee = try Committee(id: qc.committee, keys: keys) } catch { throw ProofError("committee_keys: \(error)") }
        let hash = LedgerHash.blockHash(header, format: ledgerFormat)
        guard qc.height == header.height, qc.blockHash == hash else { throw ProofError("the certificate is for another block (height \(qc.height))") }
        do { try qc.verify(against: committee) } catch { throw ProofError("the block's commit certificate does not verify: \(error)") }
    }

    /// Checks a proof against the replicas of `cluster.json` (their keys, chain id and committee
    /// size). Format 2 proofs are checked as by `verify(trusted:)` with these keys.
    public func verify(clusterKeys pinned: [[UInt8]], chain: String, committeeSize: Int) throws -> Verified {
        try verify(trusted: TrustedKeys(pinned), chain: chain, minCommittee: min(committeeSize, pinned.count))
    }
}
