internal import CLibCrypto

/// SHA-256 (FIPS 180-4), the one hash function of the ledger: every Merkle leaf and node, every
/// labelled digest (`LedgerHash`), block hashes and fingerprints go through it. It runs
/// libcrypto's one-context API (`CLibCrypto`): the context is a value on the stack, so a digest
/// costs no allocation, and the block function uses the CPU's SHA extensions — a Merkle node
/// (65 bytes) takes ~126 ns where swift-crypto's wrapper, which allocates a context per digest
/// and per `finalize`, takes ~336 ns; appends hash three times per entry.
///
/// Guarantees: the digests of FIPS 180-4 (checked against its test vectors and against
/// swift-crypto on random inputs in the tests); a value is used for one digest (`finalize`
/// consumes it). Hashes only public data: nothing to wipe.
struct Sha256 {
    private var context = gcssl_sha256_ctx()

    init() { gcssl_sha256_init(&context) }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let p = bytes.baseAddress, bytes.count > 0 else { return }
        gcssl_sha256_update(&context, p, bytes.count)
    }

    mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    mutating func update(_ bytes: ArraySlice<UInt8>) { bytes.withUnsafeBytes { update($0) } }

    mutating func update(byte: UInt8) { withUnsafeBytes(of: byte) { update($0) } }

    /// The 32-byte digest of everything updated so far.
    consuming func finalize() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 32) { out, n in
            gcssl_sha256_final(&context, out.baseAddress!)
            n = 32
        }
    }

    /// The digest of `bytes` in one call.
    static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var h = Sha256()
        h.update(bytes)
        return h.finalize()
    }
}
