import Crypto
import Privacy

/// An authenticated frame between market processes:
/// `text from ‖ text to ‖ u64 seq ‖ blob message ‖ blob Ed25519 signature` where `message`
/// is the market message sealed to the receiver's key (`ChannelSeal`, by `MarketNode`) and the
/// signature covers `"GridClear/market/frame/v2" ‖ from ‖ to ‖ seq ‖ SHA-256(message)`
/// under the sender address's channel key. The receiver checks the key in its directory,
/// that the frame is addressed to it, and that `seq` strictly increases per (sender,
/// receiver address) pair (no replays). Channel keys authenticate addresses, not identities: a participant's
/// anonymous address has its own key, unlinked to its identity address.
struct MarketFrame {
    var from: MarketAddress, to: MarketAddress
    var seq: UInt64
    var message: [UInt8]

    static func signed(_ f: MarketFrame, key: Curve25519.Signing.PrivateKey) throws -> [UInt8] {
        var w = MarketWriter()
        w.text(f.from); w.text(f.to); w.u64(f.seq); w.blob(f.message)
        w.blob(Array(try key.signature(for: f.signedBytes)))
        return w.bytes
    }

    var signedBytes: [UInt8] {
        var w = MarketWriter()
        w.text("GridClear/market/frame/v2"); w.text(from); w.text(to); w.u64(seq); w.blob(Array(SHA256.hash(data: message)))
        return w.bytes
    }

    /// Parses and authenticates a frame for one of `mine`; throws what was wrong.
    static func open(_ bytes: [UInt8], directory: [MarketAddress: Curve25519.Signing.PublicKey], mine: Set<MarketAddress>,
                     lastSeq: inout [MarketAddress: UInt64]) throws -> MarketFrame {
        var r = MarketReader(bytes)
        let f = MarketFrame(from: try r.text(max: 128), to: try r.text(max: 128), seq: try r.u64(), message: try r.blob(max: 64 << 20))
        let sig = try r.blob(max: 128)
        try r.finish()
        guard let key = directory[f.from] else { throw PrivateMarketError.incomplete("frame from unknown address '\(f.from)'") }
        guard key.isValidSignature(sig, for: f.signedBytes) else { throw PrivateMarketError.incomplete("frame from '\(f.from)' fails authentication") }
        guard mine.contains(f.to) else { throw PrivateMarketError.incomplete("frame for '\(f.to)' delivered to the wrong process") }
        // Frames of one sender to one address arrive in order (one connection each, accepted
        // FIFO); across addresses of a process they may interleave, so sequence per pair.
        let pair = f.from + "\u{0}" + f.to
        guard f.seq > (lastSeq[pair] ?? 0) else { throw PrivateMarketError.incomplete("replayed or reordered frame from '\(f.from)'") }
        lastSeq[pair] = f.seq
        return f
    }
}
