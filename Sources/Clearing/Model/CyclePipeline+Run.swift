import GridClearSystem

extension CycleFiles {
    /// Loads a cycle folder (`offers.csv`, `bids.csv`, optional `market.json` override) plus the
    /// market-wide `market.json` and optional `grid.json`. Without `marketFile`, the folder's
    /// parent is searched for `market.json` and `grid.json` (the `Inputs/` layout of SPEC §2).
    ///
    /// Every file is read by `FileSystem.read`: regular files only (a FIFO, device or directory,
    /// also behind a symlink, is refused before a byte is read) of at most
    /// `InputBounds.maxFileBytes`; any failure is an `InputError` naming the file.
    public static func load(cycleDirectory dir: String, marketFile: String? = nil) throws -> CycleFiles {
        var f = try loadMarket(cycleDirectory: dir, marketFile: marketFile)
        let d = f.offersName.hasSuffix("/offers.csv") ? String(f.offersName.dropLast("/offers.csv".count)) : dir
        func need(_ name: String) throws -> [UInt8] {
            let p = d + "/" + name
            guard FileSystem.exists(p) else { throw InputError(file: p, line: 0, column: 0, "missing file (each cycle folder needs offers.csv and bids.csv)") }
            return try readInput(p)
        }
        f.offersCSV = try need("offers.csv"); f.bidsCSV = try need("bids.csv")
        return f
    }

    /// The cycle folder's market-wide files only (`market.json` of the market and of the
    /// cycle, `grid.json`), found as `load` finds them; `offersCSV`/`bidsCSV` are empty and
    /// `offersName`/`bidsName` are `<dir>/offers.csv` and `<dir>/bids.csv`.
    public static func loadMarket(cycleDirectory dir: String, marketFile: String? = nil) throws -> CycleFiles {
        var d = dir
        while d.count > 1 && d.hasSuffix("/") { d.removeLast() }
        guard FileSystem.isDirectory(d) else {
            throw InputError(file: d, line: 0, column: 0, "not a cycle folder (expected a directory holding offers.csv and bids.csv)")
        }
        let id = String(d.split(separator: "/").last ?? Substring(d))
        let parent = d.contains("/") ? String(d[..<d.lastIndex(of: "/")!]) : "."
        func maybe(_ p: String) throws -> [UInt8]? { FileSystem.exists(p) ? try readInput(p) : nil }
        var f = CycleFiles(cycleID: id, offersCSV: [], bidsCSV: [])
        f.offersName = d + "/offers.csv"; f.bidsName = d + "/bids.csv"
        let marketPath = marketFile ?? parent + "/market.json"
        if let mf = marketFile, !FileSystem.exists(mf) { throw InputError(file: mf, line: 0, column: 0, "market file not found") }
        f.marketJSON = try maybe(marketPath); f.marketName = marketPath
        f.cycleMarketJSON = try maybe(d + "/market.json"); f.cycleMarketName = d + "/market.json"
        let gridDir = marketFile.map { $0.contains("/") ? String($0[..<$0.lastIndex(of: "/")!]) : "." } ?? parent
        f.gridJSON = try maybe(d + "/grid.json") ?? maybe(gridDir + "/grid.json")
        f.gridName = FileSystem.exists(d + "/grid.json") ? d + "/grid.json" : gridDir + "/grid.json"
        return f
    }

    /// One input file's bytes, or an `InputError` naming it (not a regular file, too large,
    /// unreadable).
    public static func readInput(_ path: String) throws -> [UInt8] {
        do {
            return try FileSystem.read(path, maxBytes: InputBounds.maxFileBytes)
        } catch FileSystem.Error.notRegularFile(_, let kind) {
            throw InputError(file: path, line: 0, column: 0, "is a \(kind), not a regular file; inputs must be regular files")
        } catch FileSystem.Error.tooLarge(_, let limit) {
            throw InputError(file: path, line: 0, column: 0, "larger than \(limit >> 20) MiB, the limit of an input file")
        } catch let e as SystemError {
            throw InputError(file: path, line: 0, column: 0, "cannot read: \(e)")
        }
    }
}

/// The whole clearing of one cycle: parse → mechanism → canonical outputs. Pure apart from
/// the injected clock (used for solve times only), so the ledger can replay it.
public enum CyclePipeline {
    /// Names accepted by `--mechanism`, in display order.
    public static var mechanismNames: [String] { ["cmap"] + extraMechanismNames }

    /// Parses and validates the files (all-or-nothing).
    public static func parse(_ files: CycleFiles) throws -> CycleInputs { try CycleParser.parse(files) }

    /// The mechanism for a name, or an error listing the known ones.
    public static func mechanism(named name: String, solver: String) throws -> ClearingMechanism {
        if name == "cmap" {
            guard let path = CMAPSolverPath(solverName: solver) else {
                throw UsageError("unknown solver '\(solver)'; expected auto or one of \(CMAPSolverPath.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return CMAPMechanism(solver: path)
        }
        if let m = extraMechanism(named: name) { return m }
        throw UsageError("unknown mechanism '\(name)'; expected one of \(mechanismNames.joined(separator: ", "))")
    }

    /// Clears a cycle from its files.
    public static func clear(_ files: CycleFiles, options: ClearOptions, context: ClearingContext) throws -> ClearedCycle {
        let inputs = try parse(files)
        return try clear(inputs: inputs, options: options, context: context)
    }

    /// Clears already-parsed inputs.
    public static func clear(inputs: CycleInputs, options: ClearOptions, context: ClearingContext) throws -> ClearedCycle {
        let mech = try mechanism(named: options.mechanism ?? inputs.market.mechanism, solver: options.solver)
        for w in inputs.warnings { context.events(.inputWarning(w)) }
        // Market rules on top of the mechanism's decision: the pricing rule, then fees.
        let result = try FeeSchedule.apply(PricingRule.apply(try mech.clear(inputs, context: context), inputs: inputs), inputs: inputs)
        result._checkInvariants(against: inputs)
        return ClearedCycle(cycleID: inputs.cycleID, inputs: inputs, result: result,
                            tradesCSV: Array(result.tradesCSV().utf8),
                            summaryJSON: Array(result.summaryJSON(inputs: inputs, includeTimings: true).utf8),
                            canonicalSummaryJSON: Array(result.summaryJSON(inputs: inputs, includeTimings: false).utf8))
    }
}

extension ClearedCycle {
    /// Writes `<root>/<cycle>/trades.csv` and `summary.json`, each atomically (summary last,
    /// so a present summary means complete results).
    public func write(to outputRoot: String) throws {
        let dir = outputRoot + "/" + cycleID
        try FileSystem.makeDirectories(dir)
        try AtomicFile.write(tradesCSV, to: dir + "/trades.csv")
        try AtomicFile.write(summaryJSON, to: dir + "/summary.json")
    }
}

/// A wrong command-line choice (unknown mechanism or solver).
public struct UsageError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}
