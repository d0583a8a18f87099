import GridClearCore

/// Fixed-point encoding of real quantities as signed integers with ONE explicit
/// scale per quantity type (no growing exponents, unlike python-paillier's
/// `EncodedNumber`). Negative values map to N − |x| inside Paillier.
///
/// Guarantees: encoding rounds half away from zero, rejects non-finite values and
/// magnitudes above `maxMagnitude`; `checkedAdd`/`checkedMultiply` refuse results
/// that leave the range, so homomorphic sums never silently wrap modulo N.
public struct FixedPointCodec: Sendable, Equatable {
    /// What the scale is for (appears in error messages).
    public let name: String
    /// Units per 1.0 (e.g. 10_000 for price ticks of 0.0001).
    public let scale: Int64
    /// Largest |encoded| value accepted.
    public let maxMagnitude: Int64

    public init(name: String, scale: Int64, maxMagnitude: Int64 = 1 << 53) {
        precondition(scale > 0 && maxMagnitude > 0)
        self.name = name; self.scale = scale; self.maxMagnitude = maxMagnitude
    }

    /// Energy in integer Wh (SPEC §1).
    public static let energyWh = FixedPointCodec(name: "energy (Wh)", scale: 1)
    /// Price in ticks of 0.0001 CNY/kWh (SPEC §1).
    public static let priceTicks = FixedPointCodec(name: "price (1e-4 CNY/kWh)", scale: 10_000)
    /// Money in units of 1e-7 CNY (SPEC §1).
    public static let money = FixedPointCodec(name: "money (1e-7 CNY)", scale: 10_000_000)
    /// RCI consensus factors and powers (SPEC §5): 1e-6 resolution.
    public static let consensus = FixedPointCodec(name: "consensus factor (1e-6)", scale: 1_000_000)

    /// round(x · scale), or throws on overflow / non-finite input.
    public func encode(_ x: Double) throws -> Int64 {
        guard x.isFinite else { throw PrivacyError.fixedPointOverflow("\(name): \(x) is not finite") }
        let y = (x * Double(scale)).rounded(.toNearestOrAwayFromZero)
        guard abs(y) <= Double(maxMagnitude) else { throw PrivacyError.fixedPointOverflow("\(name): |\(x)| exceeds \(Double(maxMagnitude) / Double(scale))") }
        return Int64(y)
    }

    /// Checks an already-scaled integer against the range.
    public func validate(_ v: Int64) throws -> Int64 {
        guard v.magnitude <= UInt64(maxMagnitude) else { throw PrivacyError.fixedPointOverflow("\(name): \(v) exceeds ±\(maxMagnitude)") }
        return v
    }

    public func decode(_ v: Int64) -> Double { Double(v) / Double(scale) }

    /// a + b with range check.
    public func checkedAdd(_ a: Int64, _ b: Int64) throws -> Int64 {
        let (s, o) = a.addingReportingOverflow(b)
        guard !o else { throw PrivacyError.fixedPointOverflow("\(name): \(a) + \(b) overflows Int64") }
        return try validate(s)
    }

    /// k · a where k is a plain integer multiplier (keeps this codec's scale).
    public func checkedMultiply(_ a: Int64, by k: Int64) throws -> Int64 {
        let (s, o) = a.multipliedReportingOverflow(by: k)
        guard !o else { throw PrivacyError.fixedPointOverflow("\(name): \(a) × \(k) overflows Int64") }
        return try validate(s)
    }

    /// The codec for a product of a value in `self` by a value in `other` (scales multiply).
    public func product(with other: FixedPointCodec) -> FixedPointCodec {
        let (s, o) = scale.multipliedReportingOverflow(by: other.scale)
        precondition(!o, "product scale overflows")
        return FixedPointCodec(name: "\(name)×\(other.name)", scale: s, maxMagnitude: Int64.max / 4)
    }
}

extension PaillierPublicKey {
    /// Encrypts a real value under `codec`.
    public func encrypt(_ x: Double, codec: FixedPointCodec) throws -> PaillierCiphertext {
        try encrypt(codec.encode(x))
    }
}

extension PaillierPrivateKey {
    /// Decrypts and checks the range of `codec`, then decodes.
    public func decrypt(_ c: PaillierCiphertext, codec: FixedPointCodec) throws -> Double {
        codec.decode(try codec.validate(decrypt(c)))
    }
}
