/// A step-size schedule s_k = initial / (1 + k/halfLife)^power (constant when `halfLife` is 0).
///
/// `power` is a multiple of ½ in [0, 8] so the schedule is computed with multiplications and
/// one square root only (exact IEEE operations, identical on every machine, no libm).
///
/// Guarantees: s_k is finite and in [0, 1] for every k ≥ 0 when `validated()` passes.
public struct StepSchedule: Sendable, Equatable, Codable {
    public var initial: Double
    public var halfLife: Double
    public var power: Double

    public init(initial: Double, halfLife: Double = 0, power: Double = 1) {
        self.initial = initial; self.halfLife = halfLife; self.power = power
    }
    public static func constant(_ s: Double) -> StepSchedule { StepSchedule(initial: s) }

    public func value(at k: Int) -> Double {
        guard halfLife > 0 else { return initial }
        let base = 1 + Double(k) / halfLife
        let halves = Int((power * 2).rounded())
        var d = 1.0
        for _ in 0..<(halves / 2) { d *= base }
        if halves % 2 == 1 { d *= base.squareRoot() }
        return initial / d
    }

    func validated(_ name: String) throws -> StepSchedule {
        guard initial.isFinite, initial >= 0, initial <= 1, halfLife >= 0, halfLife.isFinite,
              power.isFinite, power >= 0, power <= 8, (power * 2).rounded() == power * 2 else {
            throw RCIError.outOfRange("\(name) schedule (initial in [0,1], halfLife ≥ 0, power a multiple of 0.5 in [0, 8])", initial)
        }
        return self
    }
}
