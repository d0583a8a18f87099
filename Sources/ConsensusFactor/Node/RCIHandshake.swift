import GridClearCore
import Privacy

/// The signed handshake every connection of a run starts with (issue 13 item 7, issue 19):
///
///     acceptor → dialer: challenge(run id, fresh 32-byte nonce)
///     dialer → acceptor: hello (platform) or partnerHello (partner), signature, challenge(run id, its own nonce)
///     acceptor → dialer: signature (the acceptance)
///
/// Both directions are authenticated: the dialer signs `.hello` (its hello, bound to the
/// acceptor's nonce and name), the acceptor — the platform or a generator — signs
/// `.acceptance` (bound to the dialer's nonce and both names). The dialer checks the
/// acceptance against the key it has for the acceptor: the generator's from the setup, the
/// platform's pinned in its configuration.
///
/// Guarantees: one transcript builder for both statements, domain-separated and
/// length-prefixed field by field, so a signature is valid for exactly one statement, one run,
/// one nonce and one pair of parties; it cannot be replayed on another connection, in another
/// run, to another party, or as the other kind of statement.
public enum RCIHandshake {
    public static let domain = "GridClear/rci/handshake/v2"
    /// Bytes of a run id and of a nonce.
    public static let randomBytes = 32

    /// What a party of the handshake signs.
    public enum Statement: Sendable, Equatable {
        /// The dialer's hello (`.hello` or `.partnerHello`) to `acceptor` ("platform" or a generator's id).
        case hello(RCIMessage, acceptor: String)
        /// The acceptor `acceptor` ("platform" or a generator's id) answering the challenge of `dialer`.
        case acceptance(acceptor: String, dialer: String)
    }

    /// The signed bytes: domain ‖ run id ‖ nonce ‖ the statement's kind and fields.
    public static func transcript(runID: [UInt8], nonce: [UInt8], _ statement: Statement) -> [UInt8] {
        var w = ByteWriter()
        w.text(domain); w.blob(runID); w.blob(nonce)
        switch statement {
        case .hello(.hello(let id, let role, let address), let acceptor):
            w.text("hello"); w.text(id); w.text(role.rawValue); w.text(address); w.text(acceptor)
        case .hello(.partnerHello(let id), let acceptor):
            w.text("partnerHello"); w.text(id); w.text(acceptor)
        case .hello(_, let acceptor):
            w.text("invalid"); w.text(acceptor)
        case .acceptance(let acceptor, let dialer):
            w.text("accept"); w.text(acceptor); w.text(dialer)
        }
        return w.bytes
    }

    public static func sign(_ identity: RCIIdentity, runID: [UInt8], nonce: [UInt8], _ statement: Statement) throws -> [UInt8] {
        try identity.sign(transcript(runID: runID, nonce: nonce, statement))
    }

    /// Whether `signature` is `publicKey`'s signature of this statement for this run and nonce.
    public static func verify(signature: [UInt8], publicKey: [UInt8], runID: [UInt8], nonce: [UInt8], _ statement: Statement) -> Bool {
        RCIIdentity.isValid(signature, by: publicKey, of: transcript(runID: runID, nonce: nonce, statement))
    }

    /// A fresh nonce from the system CSPRNG.
    static func freshNonce() -> [UInt8] {
        var rng = SystemCSPRNG()
        return (0..<randomBytes).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }
}
