/// Energy in integer watt-hours: the unit at every boundary (files, ledger, wire).
public typealias Wh = Int64

/// A price in integer ticks of 0.0001 CNY/kWh.
public typealias PriceTicks = Int64

/// Money in integer units of 1e-7 CNY. One Wh at one tick costs exactly one unit:
/// `amount = energyWh × priceTicks` (0.001 kWh × 0.0001 CNY/kWh = 1e-7 CNY).
public typealias MoneyUnits = Int64

/// Fixed-point conversions between the integer units and their printed decimals.
public enum Units {
    /// Ticks per CNY/kWh.
    public static let ticksPerCNYPerKWh: Int64 = 10_000
    /// Wh per kWh.
    public static let whPerKWh: Int64 = 1_000
    /// Money units per CNY.
    public static let moneyUnitsPerCNY: Int64 = 10_000_000

    /// Formats Wh as kWh with exactly 3 decimals (exact, no floating point).
    public static func kWhString(_ wh: Wh) -> String { fixed(wh, decimals: 3) }
    /// Formats ticks as CNY/kWh with exactly 4 decimals (exact).
    public static func priceString(_ t: PriceTicks) -> String { fixed(t, decimals: 4) }
    /// Formats money as CNY with 7 decimals (exact).
    public static func moneyString(_ m: MoneyUnits) -> String { fixed(m, decimals: 7) }
    /// Money in CNY rounded half away from zero to 2 decimals (for human summaries).
    public static func moneyStringCents(_ m: MoneyUnits) -> String {
        let q: Int64 = 100_000
        let r = m >= 0 ? (m + q / 2) / q : -((-m + q / 2) / q)
        return fixed(r, decimals: 2)
    }

    /// Exact decimal rendering of `value / 10^decimals`.
    public static func fixed(_ value: Int64, decimals: Int) -> String {
        var p: Int64 = 1
        for _ in 0..<decimals { p *= 10 }
        let neg = value < 0
        let mag = value.magnitude
        let ip = mag / UInt64(p), fp = mag % UInt64(p)
        var frac = String(fp)
        while frac.count < decimals { frac = "0" + frac }
        return (neg ? "-" : "") + String(ip) + (decimals > 0 ? "." + frac : "")
    }

    /// Mean of two prices in ticks, rounded half to even (the stated rule for
    /// "trade price = mean of the two quotes" when the sum is odd).
    public static func meanPrice(_ a: PriceTicks, _ b: PriceTicks) -> PriceTicks {
        let s = a + b
        let h = s / 2
        if s % 2 == 0 { return h }
        return h % 2 == 0 ? h : h + 1
    }
}
