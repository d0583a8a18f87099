internal import CGMP

/// An arbitrary-precision integer owning exactly one GMP `mpz_t`.
///
/// Guarantees: the limb storage is zeroed before it is released (the module also
/// installs a GMP allocator that zeroes every freed or moved block), the raw
/// pointer never leaves this type except inside `withPtr` closures, and values are
/// mutated only through explicit in-place operations.
final class MPZ: @unchecked Sendable {
    private let ptr: UnsafeMutablePointer<__mpz_struct>

    init() {
        MPZ.installAllocatorOnce()
        ptr = .allocate(capacity: 1)
        gc_gmp_init(ptr)
    }
    convenience init(_ v: Int) { self.init(); gc_gmp_set_si(ptr, v) }
    convenience init(copying other: MPZ) { self.init(); gc_gmp_set(ptr, other.ptr) }
    /// Big-endian unsigned bytes.
    convenience init(bytes: [UInt8]) {
        self.init()
        if !bytes.isEmpty { bytes.withUnsafeBytes { gc_gmp_import(ptr, bytes.count, $0.baseAddress!) } }
    }
    convenience init?(decimal: String) {
        self.init()
        if gc_gmp_set_str(ptr, decimal, 10) != 0 { return nil }
    }
    deinit {
        gc_gmp_wipe(ptr)
        gc_gmp_clear(ptr)
        ptr.deallocate()
    }

    private static let allocatorInstalled: Bool = { gc_gmp_install_wiping_allocator(); return true }()
    static func installAllocatorOnce() { _ = allocatorInstalled }

    func withPtr<R>(_ body: (UnsafeMutablePointer<__mpz_struct>) throws -> R) rethrows -> R { try body(ptr) }

    /// Zeroes the value and its limbs now (for secrets whose lifetime ends early).
    func wipe() { gc_gmp_wipe(ptr) }

    // MARK: queries
    var sign: Int { Int(gc_gmp_sgn(ptr)) }
    var isZero: Bool { sign == 0 }
    var bitWidth: Int { isZero ? 0 : Int(gc_gmp_sizeinbase(ptr, 2)) }
    var byteWidth: Int { (bitWidth + 7) / 8 }
    /// 64-bit limbs of |self|.
    var limbCount: Int { Int(gc_gmp_size(ptr)) }
    func testBit(_ i: Int) -> Bool { gc_gmp_tstbit(ptr, mp_bitcnt_t(i)) != 0 }
    func compare(_ o: MPZ) -> Int { Int(gc_gmp_cmp(ptr, o.ptr)).signum() }
    func compare(_ v: UInt) -> Int { Int(gc_gmp_cmp_ui(ptr, v)).signum() }
    var int64Value: Int64? { gc_gmp_fits_slong_p(ptr) != 0 ? Int64(gc_gmp_get_si(ptr)) : nil }
    var decimal: String {
        let n = Int(gc_gmp_sizeinbase(ptr, 10)) + 2
        var buf = [CChar](repeating: 0, count: n)
        _ = buf.withUnsafeMutableBufferPointer { gc_gmp_get_str($0.baseAddress!, 10, ptr) }
        let digits = buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: digits, as: UTF8.self)
    }
    /// |self| big-endian in exactly `length` bytes; nil when it does not fit.
    func bytes(length: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: length)
        let ok = out.withUnsafeMutableBufferPointer { gc_gmp_export_fixed($0.baseAddress, length, ptr) }
        return ok != 0 ? out : nil
    }
    var minimalBytes: [UInt8] { bytes(length: byteWidth)! }

    // MARK: fresh-result arithmetic
    static func + (a: MPZ, b: MPZ) -> MPZ { let r = MPZ(); gc_gmp_add(r.ptr, a.ptr, b.ptr); return r }
    static func - (a: MPZ, b: MPZ) -> MPZ { let r = MPZ(); gc_gmp_sub(r.ptr, a.ptr, b.ptr); return r }
    static func * (a: MPZ, b: MPZ) -> MPZ { let r = MPZ(); gc_gmp_mul(r.ptr, a.ptr, b.ptr); return r }
    static func * (a: MPZ, b: Int) -> MPZ { let r = MPZ(); gc_gmp_mul_si(r.ptr, a.ptr, b); return r }
    static func + (a: MPZ, b: UInt) -> MPZ { let r = MPZ(); gc_gmp_add_ui(r.ptr, a.ptr, b); return r }
    static func - (a: MPZ, b: UInt) -> MPZ { let r = MPZ(); gc_gmp_sub_ui(r.ptr, a.ptr, b); return r }
    static prefix func - (a: MPZ) -> MPZ { let r = MPZ(); gc_gmp_neg(r.ptr, a.ptr); return r }
    /// Non-negative residue.
    func mod(_ m: MPZ) -> MPZ { let r = MPZ(); gc_gmp_mod(r.ptr, ptr, m.ptr); return r }
    func floorDiv(_ d: MPZ) -> MPZ { let r = MPZ(); gc_gmp_fdiv_q(r.ptr, ptr, d.ptr); return r }
    func divExact(_ d: MPZ) -> MPZ { let r = MPZ(); gc_gmp_divexact(r.ptr, ptr, d.ptr); return r }
    func shiftedRight(_ k: Int) -> MPZ { let r = MPZ(); gc_gmp_fdiv_q_2exp(r.ptr, ptr, mp_bitcnt_t(k)); return r }
    func shiftedLeft(_ k: Int) -> MPZ { let r = MPZ(); gc_gmp_mul_2exp(r.ptr, ptr, mp_bitcnt_t(k)); return r }
    func inverse(mod m: MPZ) -> MPZ? { let r = MPZ(); return gc_gmp_invert(r.ptr, ptr, m.ptr) != 0 ? r : nil }
    func gcd(_ o: MPZ) -> MPZ { let r = MPZ(); gc_gmp_gcd(r.ptr, ptr, o.ptr); return r }
    /// Variable-time modular exponentiation: public exponents only.
    func powPublic(_ e: MPZ, mod m: MPZ) -> MPZ { let r = MPZ(); gc_gmp_powm(r.ptr, ptr, e.ptr, m.ptr); return r }
    /// Constant-time (`mpz_powm_sec`) exponentiation for secret exponents; `m` must be odd, `e` > 0.
    func powSecret(_ e: MPZ, mod m: MPZ) -> MPZ { let r = MPZ(); gc_gmp_powm_sec(r.ptr, ptr, e.ptr, m.ptr); return r }
    func isProbablePrime(reps: Int = 40) -> Bool { gc_gmp_probab_prime_p(ptr, Int32(reps)) > 0 }
    func nextPrime() -> MPZ { let r = MPZ(); gc_gmp_nextprime(r.ptr, ptr); return r }

    /// Uniform in [0, bound) by rejection sampling from `rng`.
    static func random<G: RandomNumberGenerator>(below bound: MPZ, using rng: inout G) -> MPZ {
        let bits = bound.bitWidth
        let nbytes = (bits + 7) / 8
        let excess = nbytes * 8 - bits
        while true {
            var b = rng.bytes(nbytes)
            if excess > 0 { b[0] &= UInt8(0xFF >> excess) }
            let x = MPZ(bytes: b)
            wipeBytes(&b)
            if x.compare(bound) < 0 { return x }
        }
    }
    /// Uniform in [1, bound) and coprime to `bound`.
    static func randomUnit<G: RandomNumberGenerator>(mod bound: MPZ, using rng: inout G) -> MPZ {
        while true {
            let x = random(below: bound, using: &rng)
            if !x.isZero && x.gcd(bound).compare(1) == 0 { return x }
        }
    }
}

@inline(__always) func wipeBytes(_ a: inout [UInt8]) { wipe(&a) }
