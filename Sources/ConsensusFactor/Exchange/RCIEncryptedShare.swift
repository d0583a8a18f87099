/// A share as it travels between partners in the encrypted protocol: Enc(λ_nm), Enc(P_nm)
/// under the platform's Paillier key (value scale), plus the plaintext convergence flag.
/// `lambda` is empty when the algorithm's plans do not use the partner's λ (ADMM).
public struct RCIEncryptedShare: Sendable, Equatable {
    public var iteration: Int
    public var lambda: [UInt8]
    public var power: [UInt8]
    public var converged: Bool
    /// In a proof iteration: the sender's own part of its update slot for the receiver
    /// (`RCIUpdateContribution`), empty otherwise.
    public var contribution: [UInt8] = []
    public init(iteration: Int, lambda: [UInt8], power: [UInt8], converged: Bool, contribution: [UInt8] = []) {
        self.iteration = iteration; self.lambda = lambda; self.power = power; self.converged = converged; self.contribution = contribution
    }
}
