internal import CSodium

/// Confidentiality for frames between market processes: an anonymous sealed box
/// (libsodium `crypto_box_seal`: ephemeral X25519 + XSalsa20-Poly1305) to the receiver's
/// X25519 key, derived from its Ed25519 channel key (`crypto_sign_ed25519_pk_to_curve25519`),
/// so the one key per address in the peers file both authenticates and receives.
///
/// Guarantees: only the holder of the receiver's Ed25519 secret opens the box; any changed
/// byte fails to open (`PrivacyError.invalidCiphertext`). Not provided: sender authentication
/// (the frame's Ed25519 signature over the sealed bytes does that) and forward secrecy (a
/// leaked channel key opens recorded frames to it).
public enum ChannelSeal {
    /// Bytes a sealed box adds to its message.
    public static let overhead = Int(crypto_box_sealbytes())

    public static func seal(_ message: [UInt8], toEd25519 publicKey: [UInt8]) throws -> [UInt8] {
        Sodium.ensureInitialized()
        guard publicKey.count == 32 else { throw PrivacyError.malformedEncoding("an Ed25519 public key has 32 bytes") }
        var x = [UInt8](repeating: 0, count: 32)
        guard crypto_sign_ed25519_pk_to_curve25519(&x, publicKey) == 0 else { throw PrivacyError.malformedEncoding("the receiver's Ed25519 key has no X25519 form") }
        var out = [UInt8](repeating: 0, count: message.count + overhead)
        guard crypto_box_seal(&out, message, UInt64(message.count), x) == 0 else { throw PrivacyError.malformedEncoding("sealing failed") }
        return out
    }

    /// Opens a box sealed to the Ed25519 key whose 32-byte seed is `secretSeed`.
    public static func open(_ box: [UInt8], ed25519Seed secretSeed: [UInt8]) throws -> [UInt8] {
        Sodium.ensureInitialized()
        guard secretSeed.count == 32, box.count >= overhead else { throw PrivacyError.invalidCiphertext("sealed frame is too short or the key is not a 32-byte seed") }
        var edPk = [UInt8](repeating: 0, count: 32), edSk = [UInt8](repeating: 0, count: 64)
        var xPk = [UInt8](repeating: 0, count: 32), xSk = [UInt8](repeating: 0, count: 32)
        defer { wipe(&edSk); wipe(&xSk) }
        guard crypto_sign_seed_keypair(&edPk, &edSk, secretSeed) == 0, crypto_sign_ed25519_pk_to_curve25519(&xPk, edPk) == 0,
              crypto_sign_ed25519_sk_to_curve25519(&xSk, edSk) == 0 else { throw PrivacyError.invalidCiphertext("the channel key has no X25519 form") }
        var out = [UInt8](repeating: 0, count: box.count - overhead)
        guard crypto_box_seal_open(&out, box, UInt64(box.count), xPk, xSk) == 0 else {
            throw PrivacyError.invalidCiphertext("sealed frame does not open with this address's key (changed in transit, or for another address)")
        }
        return out
    }
}
