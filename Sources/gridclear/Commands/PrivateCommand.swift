import ArgumentParser
import Foundation
import GridClearApp
import GridClearCore
import GridClearSystem
import LedgerLite
import PrivateMarket

/// `gridclear private` — the privacy-preserving market (SPEC §4.3–4.4, issue 14).
struct PrivateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "private",
        abstract: "Run the privacy-preserving market: pseudonyms, anonymous plans, encrypted matching.",
        discussion: """
        `private run` drives a whole private cycle: a key holder, a registration authority issuing per-round pseudonym certificates by cut-and-choose RSA blind signatures, (t, n) tracing trustees, one participant per bid and offer publishing committed plans with capacity/balance proofs, and a matching service running K-prototypes on Paillier ciphertexts. It writes trades.csv and summary.json exactly as `gridclear clear --mechanism kproto` would, plus one transcript per role. See docs/privacy.md for what each role learns.
        """,
        subcommands: [PrivateRunCommand.self, PrivateNodeCommand.self])
}

struct PrivateRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Clear one cycle folder through the private market and write trades.csv, summary.json and transcripts.",
        discussion: """
        With --ledger the ledger is opened before the cycle runs: a cycle it already holds is refused, and every participant clears with the ledger's reputation (as `clear --ledger`; a CSV reputation column is then optional, and a value that differs is ignored with a warning), recorded with the cycle as its reputation.json, so `replay` re-clears it identically.

        Examples:
          gridclear private run Inputs/20261120T1000Z
          gridclear private run Inputs/20261120T1000Z --out /tmp/gc-private --paillier-bits 1024
        Exit codes: 0 ok (and equal to plaintext kproto), 1 failure, 2 partial (a plan was rejected or the result differs from plaintext kproto), 64 usage.
        """)

    @Argument(help: "The cycle folder, e.g. Inputs/20261120T1000Z.")
    var cycleDir: String
    @OptionGroup var market: MarketFileOption
    @Option(help: "Output root; results go to <out>/<cycle>/, transcripts to <out>/<cycle>/private/.")
    var out: String = "Outputs"
    @Option(help: "Paillier modulus bits of the key holder (2048 or 3072; >= 512 for experiments).")
    var paillierBits: Int = 2048
    @Option(help: "Cut-and-choose candidates per registration (a false tracing tag escapes with probability 1/k).")
    var candidates: Int = 8
    @Option(help: "Tracing threshold t of (t, n) trustees.")
    var threshold: Int = 2
    @Option(help: "Number n of tracing trustees.")
    var trustees: Int = 3
    @Flag(help: "Run every role in this process over an in-memory bus (same messages and transcripts; for benchmarks).")
    var inProcess = false
    @Option(help: "Transport between role processes: unix (sockets in a private 0700 directory) or tcp (loopback TCP, one port per process).")
    var transport: String = "unix"
    @Option(help: "Deploy every role as its own `private node --role …` process over loopback TCP with files in this directory (setup files 0600, node key files, the peers file); implies --transport tcp.")
    var deployDir: String?
    @Option(help: "Participant roles hosted per participant process (process mode).")
    var participantsPerProcess: Int = 25
    @OptionGroup var recording: LedgerOptions
    @Option(help: "Meter-data file (as `settle --meters`): settle the matched records privately (encrypted deviations, the key holder decides) and compare with plaintext settle.")
    var meters: String?
    @OptionGroup var now: NowOption
    @Option(help: "Clock for the per-step times: wall, or cpu (this process's CPU time; with --in-process it is the whole protocol's CPU time, undisturbed by other load).")
    var clock: String = "wall"
    @Option(help: "The registration authority's blind-RSA private key (made by 'gridclear keygen --blind-rsa --out PREFIX'; mode 0600; default: a fresh key for this run).")
    var registrationKey: String?
    @Option(help: .hidden)   // test flag: trustees that answer trace requests (fewer than --threshold shows tracing fails)
    var trusteesAnswering: Int?

    func validate() throws {
        guard paillierBits >= 512, paillierBits % 2 == 0 else { throw ValidationError("--paillier-bits must be even and at least 512") }
        guard candidates >= 2 else { throw ValidationError("--candidates must be at least 2") }
        guard threshold >= 1, trustees >= threshold else { throw ValidationError("need 1 <= threshold <= trustees") }
        guard clock == "wall" || clock == "cpu" else { throw ValidationError("--clock must be wall or cpu") }
        if let k = trusteesAnswering {
            guard k >= 0, k <= trustees else { throw ValidationError("--trustees-answering must be between 0 and --trustees") }
        }
        guard transport == "unix" || transport == "tcp" else { throw ValidationError("--transport must be unix or tcp") }
    }

    func run() throws {
        try reportingErrors {
            var o = PrivateCycleOptions()
            o.paillierBits = paillierBits; o.candidates = candidates; o.threshold = threshold; o.trustees = trustees; o.tracingAnswering = trusteesAnswering
            o.authorityKeyPEM = try registrationKey.map { p throws(KeyFileError) in
                try SecretKeyFile.read(path: p, what: "registration key", make: "gridclear keygen --blind-rsa --out PREFIX")
            }
            let r: PrivateRunReport
            if let d = deployDir { try FileSystem.makeDirectories(d); chmod(d, 0o700) }
            let clockNow: @Sendable () -> UInt64
            if clock == "cpu" { clockNow = { PrivateProcesses.cpuNanos() } } else { clockNow = { SystemClock().monotonicNanos() } }
            let wallNow = try now.time()
            let meterInput = meters.map { PrivateMeterInput(metersFile: $0, now: wallNow) }
            let target = recording.opener(now: wallNow).map { PrivateLedgerTarget(open: $0, now: wallNow) }
            if inProcess {
                r = try PrivateCycleRunner.run(cycleDirectory: cycleDir, marketFile: market.market, outputRoot: out, options: o, clock: clockNow, ledger: target, meters: meterInput)
            } else {
                let runDir = try PrivateProcesses.makeRunDirectory()
                defer { PrivateProcesses.removeRunDirectory(runDir) }
                r = try PrivateProcessRun.run(cycleDirectory: cycleDir, marketFile: market.market, outputRoot: out, runDir: runDir, options: o,
                                              participantsPerProcess: participantsPerProcess, clock: clockNow,
                                              spawn: deployDir.map { d in PrivateProcesses.spawnDeployed(dir: d) } ?? PrivateProcesses.spawn,
                                              ledger: target, tcp: transport == "tcp" || deployDir != nil, meters: meterInput)
            }
            for w in r.warnings { printError("warning: " + w) }
            print("Cycle \(r.cycleID) — private K-prototypes: \(r.bids) bids, \(r.offers) offers, \(r.matches) confirmed match records")
            for s in r.steps { print("  \(s.name): \(String(format3: s.seconds)) s") }
            print("  plaintext kproto on the same inputs: \(String(format3: r.plaintextSeconds)) s; trades equal: \(r.equalsPlaintext ? "yes" : "NO")")
            for x in r.rejected { print("  rejected \(x)") }
            if let st = r.settlement {
                if !st.pending.isEmpty { print("  private settlement pending: meter data incomplete for \(st.pending.joined(separator: ", "))") }
                else { print("  private settlement: \(st.outcomes.count) records decided by the key holder on encrypted deviations; equal to plaintext settle: \(st.equalsPlaintext ? "yes" : "NO")")
                    print("  balances: \(st.balances.count) buyer balance commitments debited by the settled amounts, each with a b' >= 0 proof verified by the matching service") }
            }
            for t in r.traced {
                if let who = t.identity { print("  traced pseudonym \(t.tagDigest.prefix(16)) to \(who): \(t.reason)") }
                else { print("  NOT traced: pseudonym \(t.tagDigest.prefix(16)) (\(t.reason)): fewer than \(threshold) trustees answered; no identity written") }
            }
            if let h = r.ledgerHeight { print("ledger \(recording.ledger!): appended cycle \(r.cycleID), its plans and match records\(r.settlement?.outcomes.isEmpty == false ? " and private settlements" : "") at height \(h)") }
            print("wrote \(r.outputDirectory)/trades.csv\(r.traced.contains { $0.identity != nil } ? ", traced.csv" : "") and summary.json; transcripts in \(r.transcriptDirectory)")
            if !r.rejected.isEmpty || !r.equalsPlaintext || r.settlement?.equalsPlaintext == false || r.traced.contains(where: { $0.identity == nil }) { throw ExitCode(2) }
        }
    }
}

/// `gridclear private node` — one role process: started by `private run` (setup on stdin), or
/// deployed with its own files over TCP (`--role --setup --key --peers --listen`).
struct PrivateNodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run one private-market role process (a deployment's role, or one started by `private run`).",
        discussion: """
        Deployed role, for example:
          gridclear private node --role key-holder --setup D/key-holder.setup --key D/key-holder.key --peers D/peers --listen 127.0.0.1:7001
        Roles: key-holder, registration-authority, trustee, matching-service, participant. The setup file (0600) holds the role's secrets and configuration, as `private run --deploy-dir D` deals them; --key files are Ed25519 keys in the node key-file format (`gridclear keygen --ed25519`), one per market address the process serves (a participant: its identity and its anonymous address); the peers file lists every address, its endpoint and public key. Without --setup the setup is read on stdin (as `private run` starts its roles).
        """)

    @Option(help: "The role: key-holder, registration-authority, trustee, matching-service or participant.")
    var role: String?
    @Option(help: "The role's setup file (secrets; 0600).")
    var setup: String?
    @Option(help: "Channel key file (node key-file format); repeat for each address this process serves.")
    var key: [String] = []
    @Option(help: "Peers file: '<address> <endpoint> <ed25519-public-hex>' per line.")
    var peers: String?
    @Option(help: "Listen endpoint, e.g. 127.0.0.1:7001.")
    var listen: String?

    func run() throws {
        try reportingErrors {
            if let setup {
                guard let role, let peers, let listen, !key.isEmpty else {
                    throw CLIFailure("private node --setup needs --role, --key, --peers and --listen")
                }
                let bytes = try FileSystem.read(setup)
                var secrets: [[UInt8]] = []
                for k in key { secrets.append(try NodeKeyFile.load(path: k).secret) }
                let p = try PeersFile.parse(try FileSystem.readText(peers), name: peers)
                try PrivateNodeMain.runDeployed(role: role, setupBytes: bytes, channelSecrets: secrets, peers: p, listen: try MarketEndpoint(parsing: listen))
                return
            }
            // u32 length ‖ setup: read exactly that much (other children may hold the pipe open).
            func read(_ n: Int) throws -> [UInt8] {
                var out: [UInt8] = []
                while out.count < n {
                    let d = FileHandle.standardInput.readData(ofLength: n - out.count)
                    if d.isEmpty { throw CLIFailure("private node: setup on stdin ended early (start roles through `gridclear private run`)") }
                    out += d
                }
                return out
            }
            let n = try read(4).reduce(0) { $0 << 8 | Int($1) }
            guard n > 0, n <= 1 << 28 else { throw CLIFailure("private node: bad setup length \(n)") }
            try PrivateNodeMain.run(setupBytes: try read(n))
        }
    }
}

/// Process plumbing for `private run` (the only place that spawns processes).
enum PrivateProcesses {
    static func makeRunDirectory() throws -> String {
        var template = Array("/tmp/gc-private-XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw CLIFailure("cannot create a private run directory in /tmp") }
        return String(cString: p)
    }

    /// CPU time of this process (all threads), in nanoseconds.
    @Sendable static func cpuNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// Deployment: writes each role's setup file (0600, no channel keys), its NodeKeyFile-format
    /// channel key file(s) and the peers file into `dir`, then starts the role as
    /// `private node --role R --setup F --key K… --peers P --listen E` (TCP).
    static func spawnDeployed(dir: String) -> NodeSpawner {
        { setup in
            let name = String(setup.transcriptPath.split(separator: "/").last ?? "node")
            let base = FileSystem.join(dir, name)
            try AtomicFile.write(setup.forDeployment.encode(), to: base + ".setup", mode: 0o600)
            var keyFiles: [String] = []
            for (i, k) in setup.channelKeys.enumerated() {
                let path = base + (i == 0 ? "" : ".\(i)") + ".key"
                try NodeKeyFile.write(try NodeKey(secret: k.key), to: path, overwrite: true)
                keyFiles.append(path)
            }
            let peersPath = FileSystem.join(dir, "peers")
            do {   // the same content for every role of a run; rewritten so a reused directory never holds a stale one
                let p = PeersFile(peers: try setup.directory.map { d in
                    (address: d.address, endpoint: try MarketEndpoint(parsing: setup.endpoints.first { $0.address == d.address }?.endpoint ?? "unix:/nonexistent"), publicKey: d.key)
                })
                try AtomicFile.write(Array(p.render().utf8), to: peersPath, mode: 0o644)
            }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            p.arguments = ["private", "node", "--role", setup.kind.roleName, "--setup", base + ".setup", "--peers", peersPath,
                           "--listen", setup.listen ?? ""] + keyFiles.flatMap { ["--key", $0] }
            try p.run()
            return { p.waitUntilExit(); return p.terminationStatus }
        }
    }

    static func removeRunDirectory(_ dir: String) {
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// Starts this executable as `private node` with the setup on stdin.
    static func spawn(_ setup: NodeSetup) throws -> () throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        p.arguments = ["private", "node"]
        let stdin = Pipe()
        p.standardInput = stdin
        try p.run()
        let bytes = setup.encode(), n = bytes.count
        stdin.fileHandleForWriting.write(Data([UInt8(truncatingIfNeeded: n >> 24), UInt8(truncatingIfNeeded: n >> 16), UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n)] + bytes))
        try stdin.fileHandleForWriting.close()
        return { p.waitUntilExit(); return p.terminationStatus }
    }
}

extension String {
    init(format3 x: Double) { self = String(Int64((x * 1000).rounded())).leftPadded(4).inserting(".", fromEnd: 3) }
    fileprivate func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
    fileprivate func inserting(_ s: String, fromEnd k: Int) -> String { String(dropLast(k)) + s + String(suffix(k)) }
}
