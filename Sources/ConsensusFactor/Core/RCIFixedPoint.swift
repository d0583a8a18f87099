/// The fixed-point scales of the consensus-factor exchange (one explicit scale per quantity).
///
/// - values exchanged between partners (λ in €/MWh, P in MW) are integers at `valueScale` = 10⁶
///   (1 µ€/MWh, 1 W);
/// - step-size coefficients (α in €/MWh per MW, β dimensionless) are integers at
///   `coefficientScale` = 10⁷;
/// - the updated consensus factor λ^{k+1} = (1−β)λ_nm + βλ_mn − α(P_nm + P_mn) is therefore an
///   exact integer at `resultScale` = 10¹³, whatever the mode: the plaintext core and the
///   Paillier exchange compute the very same integer.
///
/// Bounds: |λ|, |P| ≤ `maxMagnitude` = 10⁵ (so ≤ 10¹¹ at value scale) and 0 ≤ α, β ≤ 1
/// (≤ 10⁷ at coefficient scale) keep every term ≤ 10¹⁸ and the three-term sum ≤ 3·10¹⁸ < 2⁶³.
/// ADMM's two-term update λ − c·(P_nm + P_mn) allows its one coefficient c ≤ 1.6
/// (`ADMMAgent.stepCoefficient`): at most 10¹⁸ + 2·1.6·10¹⁸ = 4.2·10¹⁸ < 2⁶² (a packed slot's bound).
public enum RCIFixedPoint {
    public static let valueScale: Int64 = 1_000_000
    public static let coefficientScale: Int64 = 10_000_000
    public static let resultScale: Int64 = valueScale * coefficientScale
    public static let maxMagnitude: Double = 100_000

    /// x at value scale, rounded half away from zero. Throws when |x| > `maxMagnitude`.
    public static func value(_ x: Double, _ what: @autoclosure () -> String) throws -> Int64 {
        guard x.isFinite, abs(x) <= maxMagnitude else { throw RCIError.outOfRange(what(), x) }
        return Int64((x * Double(valueScale)).rounded(.toNearestOrAwayFromZero))
    }

    /// A step coefficient in [0, `limit`] at coefficient scale (`limit` 1, or ADMM's 1.6).
    public static func coefficient(_ x: Double, _ what: @autoclosure () -> String, limit: Double = 1) throws -> Int64 {
        guard x.isFinite, x >= 0, x <= limit else { throw RCIError.outOfRange(what(), x) }
        return Int64((x * Double(coefficientScale)).rounded(.toNearestOrAwayFromZero))
    }

    /// A result-scale integer as a Double.
    public static func fromResult(_ r: Int64) -> Double { Double(r) / Double(resultScale) }

    /// A result-scale integer rounded to value scale (half away from zero), exactly in integers.
    public static func resultToValue(_ r: Int64) -> Int64 {
        let c = coefficientScale
        let q = r / c, rem = r % c
        if abs(rem) * 2 >= c { return q + (r < 0 ? -1 : 1) }
        return q
    }
}
