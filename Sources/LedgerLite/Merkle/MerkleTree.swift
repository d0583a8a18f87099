/// RFC 6962 / RFC 9162 Merkle tree hashing over SHA-256 with domain separation:
/// leaf = SHA-256(0x00 ‖ data), node = SHA-256(0x01 ‖ left ‖ right), empty = SHA-256("").
/// Guarantees: roots and proofs equal the transparency-dev reference values; verifiers
/// reject every malformed or mismatched proof without trapping.
public enum Merkle {
    public typealias Hash = [UInt8]

    public static func leafHash<C: Collection>(_ data: C) -> Hash where C.Element == UInt8 {
        var h = Sha256()
        h.update(byte: 0x00)
        // Contiguous data (arrays, slices) is hashed in place, without a copy.
        if data.withContiguousStorageIfAvailable({ h.update(UnsafeRawBufferPointer($0)) }) == nil {
            h.update(Array(data))
        }
        return h.finalize()
    }

    public static func nodeHash(_ left: Hash, _ right: Hash) -> Hash {
        // One 65-byte message on the stack, one update (a node hash is mostly per-call cost).
        withUnsafeTemporaryAllocation(byteCount: 1 + left.count + right.count, alignment: 1) { m in
            m[0] = 0x01
            UnsafeMutableRawBufferPointer(rebasing: m[1..<1 + left.count]).copyBytes(from: left)
            UnsafeMutableRawBufferPointer(rebasing: m[(1 + left.count)...]).copyBytes(from: right)
            var h = Sha256()
            h.update(UnsafeRawBufferPointer(m))
            return h.finalize()
        }
    }

    public static let emptyRoot: Hash = Sha256.hash([])

    /// Largest power of two strictly less than `n` (n ≥ 2).
    static func split(_ n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }

    /// MTH over leaf hashes.
    public static func root(_ leaves: ArraySlice<Hash>) -> Hash {
        switch leaves.count {
        case 0: return emptyRoot
        case 1: return leaves[leaves.startIndex]
        default:
            let k = split(leaves.count), s = leaves.startIndex
            return nodeHash(root(leaves[s..<s + k]), root(leaves[(s + k)...]))
        }
    }
    public static func root(_ leaves: [Hash]) -> Hash { root(leaves[...]) }

    /// PATH(m, D[n]) of RFC 6962 §2.1.1: the audit path of leaf `index`.
    public static func inclusionProof(index: Int, leaves: [Hash]) -> [Hash] {
        precondition(index >= 0 && index < leaves.count, "leaf index out of range")
        return path(index, leaves[...])
    }
    static func path(_ m: Int, _ d: ArraySlice<Hash>) -> [Hash] {
        if d.count <= 1 { return [] }
        let k = split(d.count), s = d.startIndex
        if m < k { return path(m, d[s..<s + k]) + [root(d[(s + k)...])] }
        return path(m - k, d[(s + k)...]) + [root(d[s..<s + k])]
    }

    /// PROOF(m, D[n]) of RFC 6962 §2.1.2: consistency between sizes `m` and `leaves.count`.
    public static func consistencyProof(oldSize m: Int, leaves: [Hash]) -> [Hash] {
        precondition(m >= 0 && m <= leaves.count, "old size out of range")
        if m == 0 || m == leaves.count { return [] }
        return subproof(m, leaves[...], true)
    }
    static func subproof(_ m: Int, _ d: ArraySlice<Hash>, _ b: Bool) -> [Hash] {
        let n = d.count
        if m == n { return b ? [] : [root(d)] }
        let k = split(n), s = d.startIndex
        if m <= k { return subproof(m, d[s..<s + k], b) + [root(d[(s + k)...])] }
        return subproof(m - k, d[(s + k)...], false) + [root(d[s..<s + k])]
    }

    /// RFC 9162 §2.1.3.2: does `proof` show `leafHash` at `index` in the tree of `size` with `root`?
    public static func verifyInclusion(leafHash: Hash, index: UInt64, size: UInt64, proof: [Hash], root: Hash) -> Bool {
        guard index < size, leafHash.count == 32, root.count == 32, proof.allSatisfy({ $0.count == 32 }) else { return false }
        guard let r = rootFromInclusion(leafHash: leafHash, index: index, size: size, proof: proof) else { return false }
        return constantTimeEqual(r, root)
    }

    /// The root implied by an inclusion proof, or nil if the proof has the wrong shape.
    public static func rootFromInclusion(leafHash: Hash, index: UInt64, size: UInt64, proof: [Hash]) -> Hash? {
        guard index < size else { return nil }
        var fn = index, sn = size - 1
        var r = leafHash
        for p in proof {
            if sn == 0 { return nil }
            if fn & 1 == 1 || fn == sn {
                r = nodeHash(p, r)
                if fn & 1 == 0 { while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 } }
            } else {
                r = nodeHash(r, p)
            }
            fn >>= 1; sn >>= 1
        }
        return sn == 0 ? r : nil
    }

    /// RFC 9162 §2.1.4.2: is the tree of `size2` with `root2` an append-only extension of
    /// the tree of `size1` with `root1`?
    public static func verifyConsistency(size1: UInt64, size2: UInt64, root1: Hash, root2: Hash, proof: [Hash]) -> Bool {
        guard size1 <= size2, proof.allSatisfy({ $0.count == 32 }) else { return false }
        if size1 == size2 { return proof.isEmpty && root1.count == 32 && constantTimeEqual(root1, root2) }
        if size1 == 0 { return proof.isEmpty }
        guard !proof.isEmpty, root1.count == 32, root2.count == 32 else { return false }
        var path = proof
        if size1 & (size1 - 1) == 0 { path.insert(root1, at: 0) }
        var fn = size1 - 1, sn = size2 - 1
        while fn & 1 == 1 { fn >>= 1; sn >>= 1 }
        var fr = path[0], sr = path[0]
        for c in path.dropFirst() {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                fr = nodeHash(c, fr); sr = nodeHash(c, sr)
                if fn & 1 == 0 { while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 } }
            } else {
                sr = nodeHash(sr, c)
            }
            fn >>= 1; sn >>= 1
        }
        return sn == 0 && constantTimeEqual(fr, root1) && constantTimeEqual(sr, root2)
    }

    /// Compares equal-length byte strings without an early exit.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var d: UInt8 = 0
        for i in a.indices { d |= a[i] ^ b[i] }
        return d == 0
    }
}

extension Merkle {
    /// Plain SHA-256 (no domain prefix), for displaying file digests comparable with `sha256sum`.
    public static func plainSHA256(_ b: [UInt8]) -> Hash { Sha256.hash(b) }
}
