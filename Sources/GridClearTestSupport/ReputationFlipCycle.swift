/// A cycle whose K-prototypes match turns on one seller's reputation (SPEC §3.7 tests): two
/// sellers alike but for reputation, one buyer of 50 kWh. With the CSV column (S1 90, S2 60,
/// P1 90) P1 buys from S1 (O1); with S1's reputation at 10 — e.g. the ledger's after a
/// penalty — P1 buys from S2 (O2). Files for `Inputs/market.json` beside the cycle folder.
public enum ReputationFlipCycle {
    public static let cycle = "20261120T1000Z"
    public static let offersCSV = """
        offer_id,seller_id,price,quantity_kwh,energy_type,lat,lon,reputation
        O1,S1,0.5000,100,solar,39.9000,116.4000,90
        O2,S2,0.5000,100,solar,39.9000,116.4000,60

        """
    public static let bidsCSV = """
        bid_id,buyer_id,price,quantity_kwh,lat,lon,reputation
        B1,P1,0.8000,50,39.9000,116.4000,90

        """
    /// The ledger's reputation (milli-points) that flips the match: S1 penalised to 10, the
    /// others as their CSV values (P1 90, S2 at the base 60).
    public static let ledgerReputation: [String: Int64] = ["S1": 10_000, "P1": 90_000]
    /// The accepted trade's first two columns with the CSV and with the ledger's reputation.
    public static let tradeWithCSV = "B1,O1,", tradeWithLedger = "B1,O2,"
}
