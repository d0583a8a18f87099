import GridClearCore

/// The bounds of SPEC §2 that every input value is checked against while parsing, and the
/// arithmetic they prove safe.
///
/// Per row: energy ≤ 10,000,000 kWh = 1e10 Wh and price ≤ 1,000 CNY/kWh = 1e7 ticks, so one
/// trade's amount (Wh × ticks) ≤ 1e17 < 2^63 ≈ 9.22e18. Sums over a cycle need one more bound
/// that the per-row ones do not give (100,000 rows × 1e17 = 1e22 would overflow): each side's
/// total energy is at most `maxSideTotalWh` = 4e11 Wh (400,000,000 kWh), so any sum of amounts
/// over a cycle's trades, buyers' and sellers' together, is ≤ (4e11 + 4e11) × 1e7 = 8e18 < 2^63.
/// Every energy sum is ≤ 8e11 and every price sum of two quotes ≤ 2e7.
public enum InputBounds {
    /// Largest quantity of one row: 10,000,000 kWh.
    public static let maxQuantityWh: Wh = 10_000_000 * Units.whPerKWh
    /// Largest price of one row or of `market.json`: 1,000 CNY/kWh.
    public static let maxPriceTicks: PriceTicks = 1_000 * Units.ticksPerCNYPerKWh
    /// Most rows per side (offers, bids) in one cycle.
    public static let maxRowsPerSide = 100_000
    /// Most bid–offer pairs in one cycle (the CMAP and K-prototypes pair matrices are m × n;
    /// `CMAPRoundProblem.maxPairs` is the same bound). 100,000 rows on one side leave 200 on
    /// the other; memory for the matrices stays below a few GiB.
    public static let maxPairs = 20_000_000
    /// Largest total energy of one side of a cycle: 400,000,000 kWh (see the type's doc).
    public static let maxSideTotalWh: Wh = 400_000_000 * Units.whPerKWh
    /// Largest input file: 256 MiB, regular files only (`FileSystem.defaultMaxBytes`).
    public static let maxFileBytes = 256 << 20
    /// Most fields in one CSV record (the widest header has 13 columns).
    public static let maxFieldsPerRecord = 64
    /// Identifier length bounds, in characters of `[A-Za-z0-9._:-]`.
    public static let identifierLength = 1...64

    /// Nil when `s` is a valid identifier (1–64 characters of `[A-Za-z0-9._:-]`), else what
    /// is wrong with it, echoing it escaped and cut so the message stays one short line.
    public static func identifierProblem(_ s: String, what: String) -> String? {
        let u = s.utf8
        if identifierLength.contains(u.count) && u.allSatisfy(isIdentifierByte) { return nil }
        if u.isEmpty { return "\(what) is empty; an id is 1–64 characters of A-Z a-z 0-9 . _ : -" }
        if u.count > identifierLength.upperBound {
            return "\(what) '\(CanonicalText.echo(s, limit: 16))' has \(u.count) bytes; an id is 1–64 characters of A-Z a-z 0-9 . _ : -"
        }
        let bad = s.unicodeScalars.first { !($0.isASCII && isIdentifierByte(UInt8($0.value))) }!
        let hex = String(bad.value, radix: 16, uppercase: true)
        return "\(what) '\(CanonicalText.echo(s))' contains U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex); an id is 1–64 characters of A-Z a-z 0-9 . _ : -"
    }

    static func isIdentifierByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}
