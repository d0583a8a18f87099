import Testing
import Foundation
import GridClearCore
@testable import LedgerLite

struct Vectors: Decodable {
    struct Inc: Decodable { var leaf: UInt64; var size: UInt64; var proof: [String] }
    struct Con: Decodable { var size1: UInt64; var size2: UInt64; var proof: [String] }
    var leaves: [String]; var roots: [String]; var inclusion: [Inc]; var consistency: [Con]
    var empty_root: String; var some_hash: String
}

@Suite struct MerkleTests {
    let v: Vectors = try! JSONDecoder().decode(Vectors.self, from: try! fixture("merkle_vectors"))
    var leafHashes: [Merkle.Hash] { v.leaves.map { Merkle.leafHash(hex($0)) } }

    @Test func rootsMatchReference() {
        #expect(Merkle.root([Merkle.Hash]()) == hex(v.empty_root))
        for n in 1...8 {
            #expect(Merkle.root(Array(leafHashes[0..<n])) == hex(v.roots[n - 1]), "size \(n)")
            var f = MerkleFrontier()
            for h in leafHashes[0..<n] { f.append(leafHash: h) }
            #expect(f.root == hex(v.roots[n - 1]))
        }
    }

    @Test func inclusionVectorsAndNegativeProbes() {
        for t in v.inclusion {
            let idx = t.leaf - 1, size = t.size
            let proof = t.proof.map(hex), root = hex(v.roots[Int(size) - 1]), leaf = leafHashes[Int(idx)]
            #expect(Merkle.inclusionProof(index: Int(idx), leaves: Array(leafHashes[0..<Int(size)])) == proof)
            #expect(Merkle.verifyInclusion(leafHash: leaf, index: idx, size: size, proof: proof, root: root))
            // The probes of transparency-dev's corruptInclusionProof.
            var probes: [(UInt64, UInt64, [UInt8], [UInt8], [Merkle.Hash], String)] = [
                (idx &- 1, size, root, leaf, proof, "index-1"), (idx + 1, size, root, leaf, proof, "index+1"),
                (idx ^ 2, size, root, leaf, proof, "index^2"), (idx, size * 2, root, leaf, proof, "size*2"),
                (idx, size / 2, root, leaf, proof, "size/2"), (idx, size, root, Array("WrongLeaf".utf8), proof, "wrong leaf"),
                (idx, size, hex(v.empty_root), leaf, proof, "empty root"), (idx, size, hex(v.some_hash), leaf, proof, "random root"),
                (idx, size, root, leaf, proof + [[]], "trailing garbage"), (idx, size, root, leaf, proof + [root], "trailing root"),
                (idx, size, root, leaf, [[]] + proof, "preceding garbage"), (idx, size, root, leaf, [root] + proof, "preceding root"),
            ]
            for i in proof.indices {
                var w = proof; w[i][0] ^= 8
                probes.append((idx, size, root, leaf, w, "bit flip \(i)"))
            }
            if !proof.isEmpty { probes.append((idx, size, root, leaf, Array(proof.dropLast()), "removed")) }
            if proof.count > 1 { probes.append((idx, size, root, leaf, [proof[0], hex(v.some_hash)] + proof.dropFirst(), "inserted")) }
            for p in probes {
                #expect(!Merkle.verifyInclusion(leafHash: p.3, index: p.0, size: p.1, proof: p.4, root: p.2), "probe \(p.5) for leaf \(t.leaf) size \(t.size)")
            }
        }
    }

    @Test func consistencyVectorsAndNegativeProbes() {
        for t in v.consistency {
            let p = t.proof.map(hex), r1 = hex(v.roots[Int(t.size1) - 1]), r2 = hex(v.roots[Int(t.size2) - 1])
            #expect(Merkle.consistencyProof(oldSize: Int(t.size1), leaves: Array(leafHashes[0..<Int(t.size2)])) == p)
            #expect(Merkle.verifyConsistency(size1: t.size1, size2: t.size2, root1: r1, root2: r2, proof: p))
            guard !p.isEmpty else { continue }
            var probes: [(UInt64, UInt64, [UInt8], [UInt8], [Merkle.Hash])] = [
                (t.size1 - 1, t.size2, r1, r2, p), (t.size1 + 1, t.size2, r1, r2, p), (t.size1 ^ 2, t.size2, r1, r2, p),
                (t.size1, t.size2 * 2, r1, r2, p), (t.size1, t.size2 / 2, r1, r2, p),
                (t.size1, t.size2, Array("WrongRoot".utf8), r2, p), (t.size1, t.size2, r1, Array("WrongRoot".utf8), p),
                (t.size1, t.size2, r2, r1, p), (t.size1, t.size2, r1, r2, []),
                (t.size1, t.size2, r1, r2, p + [[]]), (t.size1, t.size2, r1, r2, p + [r1]), (t.size1, t.size2, r1, r2, p + [r2]),
                (t.size1, t.size2, r1, r2, [[]] + p), (t.size1, t.size2, r1, r2, [r1] + p), (t.size1, t.size2, r1, r2, [r2] + p),
                (t.size1, t.size2, r1, r2, [p[0]] + p), (t.size1, t.size2, r1, r2, Array(p.dropLast())),
            ]
            for i in p.indices { var w = p; w[i][0] ^= 16; probes.append((t.size1, t.size2, r1, r2, w)) }
            for (k, q) in probes.enumerated() {
                #expect(!Merkle.verifyConsistency(size1: q.0, size2: q.1, root1: q.2, root2: q.3, proof: q.4), "probe \(k) for \(t.size1)->\(t.size2)")
            }
        }
        // Trivial cases of TestVerifyConsistency.
        let e = hex(v.empty_root)
        #expect(Merkle.verifyConsistency(size1: 0, size2: 0, root1: e, root2: e, proof: []))
        #expect(Merkle.verifyConsistency(size1: 0, size2: 1, root1: e, root2: hex(v.some_hash), proof: []))
        #expect(!Merkle.verifyConsistency(size1: 1, size2: 0, root1: e, root2: e, proof: []))
        #expect(!Merkle.verifyConsistency(size1: 1, size2: 2, root1: e, root2: e, proof: []))
        #expect(!Merkle.verifyConsistency(size1: 0, size2: 0, root1: e, root2: e, proof: [e]))
        #expect(!Merkle.verifyConsistency(size1: 1, size2: 1, root1: e, root2: e, proof: [e]))
    }

    /// Property: for every size up to 40, every generated proof verifies, the frontier
    /// agrees with the recursive root, and a flipped bit anywhere in a proof is rejected.
    @Test func generatedProofsVerify() {
        var rng = SeededRNG(6962)
        let leaves = (0..<40).map { _ in Merkle.leafHash(rng.bytes(8)) }
        var f = MerkleFrontier()
        for n in 1...leaves.count {
            f.append(leafHash: leaves[n - 1])
            let t = Array(leaves[0..<n]), root = Merkle.root(t)
            #expect(f.root == root)
            for i in 0..<n {
                var p = Merkle.inclusionProof(index: i, leaves: t)
                #expect(Merkle.verifyInclusion(leafHash: t[i], index: UInt64(i), size: UInt64(n), proof: p, root: root))
                if !p.isEmpty {
                    let k = Int(rng.next() % UInt64(p.count)); p[k][Int(rng.next() % 32)] ^= 1 << (rng.next() % 8)
                    #expect(!Merkle.verifyInclusion(leafHash: t[i], index: UInt64(i), size: UInt64(n), proof: p, root: root))
                }
            }
            for m in 0...n {
                let p = Merkle.consistencyProof(oldSize: m, leaves: t)
                #expect(Merkle.verifyConsistency(size1: UInt64(m), size2: UInt64(n), root1: Merkle.root(Array(leaves[0..<m])), root2: root, proof: p))
            }
        }
    }
}
