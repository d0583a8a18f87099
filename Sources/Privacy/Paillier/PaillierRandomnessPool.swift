import GridClearSystem

/// A pool of precomputed Paillier randomisers r^N mod N² for fast online encryption.
///
/// Guarantees: each entry is handed out at most once — `take` removes it under a
/// lock and the entry is zeroed after use — so no two ciphertexts ever share
/// randomness; entries come from the system CSPRNG (or an injected generator for
/// tests); a pool only serves the key it was built for.
public final class PaillierRandomnessPool: @unchecked Sendable {
    public let publicKey: PaillierPublicKey
    private var entries: [MPZ] = []
    private let lock = Mutex()
    private var issued = 0

    /// Precomputes `count` randomisers with the system CSPRNG (the expensive, offline step).
    public init(publicKey: PaillierPublicKey, count: Int) {
        self.publicKey = publicKey
        refill(count: count)
    }

    /// Adds `count` fresh entries from the system CSPRNG.
    public func refill(count: Int) {
        var rng = SystemCSPRNG()
        refill(count: count, using: &rng)
    }

    public func refill<G: RandomNumberGenerator>(count: Int, using rng: inout G) {
        var fresh: [MPZ] = []
        fresh.reserveCapacity(count)
        for _ in 0..<count { fresh.append(publicKey.randomizer(using: &rng)) }
        append(fresh)
    }

    func append(_ fresh: [MPZ]) {
        lock.lock(); entries += fresh; lock.unlock()
    }

    /// Unused entries left.
    public var available: Int { lock.lock(); defer { lock.unlock() }; return entries.count }
    /// Entries handed out so far.
    public var used: Int { lock.lock(); defer { lock.unlock() }; return issued }

    /// Removes one entry; it can never be returned again.
    func take() throws -> MPZ {
        lock.lock(); defer { lock.unlock() }
        guard let e = entries.popLast() else { throw PrivacyError.randomnessPoolExhausted }
        issued += 1
        return e
    }
}

extension PaillierPublicKey {
    /// Encrypts `m` using one precomputed randomiser from `pool` (one modular multiplication online).
    /// Throws `randomnessPoolExhausted` when the pool is empty.
    public func encrypt(_ m: Int64, pool: PaillierRandomnessPool) throws -> PaillierCiphertext {
        precondition(pool.publicKey.fingerprint == fingerprint, "randomness pool belongs to a different Paillier key")
        let rn = try pool.take()
        defer { rn.wipe() }
        return PaillierCiphertext(value: (encodeResidue(MPZ(Int(m))) * rn).mod(nSquared), key: self)
    }

    /// Re-randomises with one pool entry.
    public func rerandomize(_ a: PaillierCiphertext, pool: PaillierRandomnessPool) throws -> PaillierCiphertext {
        check(a)
        precondition(pool.publicKey.fingerprint == fingerprint, "randomness pool belongs to a different Paillier key")
        let rn = try pool.take()
        defer { rn.wipe() }
        return PaillierCiphertext(value: (a.value * rn).mod(nSquared), key: self)
    }
}
