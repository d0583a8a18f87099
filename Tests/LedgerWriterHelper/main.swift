// gridclear-ledger-writer: the ledger writer the crash harness (CLITests) kills with SIGKILL.
// Test-only; never part of the product. Appends blocks whose entries are a pure function of
// (height, index, seed) and writes `ack <height>` to stdout (unbuffered) only after the
// append returned, i.e. after fsync. Usage: gridclear-ledger-writer DIR [BLOCKS] [SEED] [SCALE]
// SCALE (default 1) multiplies every entry's size, with a one-letter text beyond 1 (cheap to
// make): blocks of up to ~700 KB at 40, so appends often grow the file past its padding.
import GridClearApp
import GridClearCore
import GridClearSystem
import LedgerLite

func entry(height: UInt64, index: Int, seed: UInt64, size: Int, scale: Int) -> LedgerEntry {
    var rng = SplitMix64(seed: seed &* 1_000_003 &+ height &* 31 &+ UInt64(index))
    let text = scale > 1 ? String(repeating: Character(Unicode.Scalar(UInt8(97 + rng.next() % 26))), count: size * scale)
        : String((0..<size).map { _ in Character(Unicode.Scalar(UInt8(97 + rng.next() % 26))) })
    return .settlement(SettlementEntry(cycleID: "h\(height)", participantID: "p\(index)", energyWh: Int64(height),
                                       amount: Int64(index), reason: text))
}

let args = CommandLine.arguments
guard args.count >= 2 else {
    StandardStreams.writeError("usage: gridclear-ledger-writer DIR [BLOCKS] [SEED] [SCALE]\n")
    ProcessControl.exit(64)
}
let blocks = args.count > 2 ? Int(args[2]) ?? 1_000_000 : 1_000_000
let seed = args.count > 3 ? UInt64(args[3]) ?? 1 : 1
let scale = args.count > 4 ? max(Int(args[4]) ?? 1, 1) : 1
do {
    let ledger = try NodeLedger(directory: args[1], keyFile: nil, now: UTCTime(millis: 0),
                                cutting: CuttingConfig(maxEntriesPerBlock: 1000, maxBatchMillis: Int64.max / 2))
    StandardStreams.writeOutput("ready \(ledger.store.state.lastHeight ?? 0)\n")
    for _ in 0..<blocks {
        let h = ledger.store.state.nextHeight
        let k = Int((h &+ seed) % 3) + 1
        let size = Int(h % 5) * 1500 + 20
        try ledger.commit((0..<k).map { entry(height: h, index: $0, seed: seed, size: size, scale: scale) }, now: UTCTime(seconds: Int64(h)))
        StandardStreams.writeOutput("ack \(h)\n")
    }
} catch {
    StandardStreams.writeError("error: \(error)\n")
    ProcessControl.exit(1)
}
