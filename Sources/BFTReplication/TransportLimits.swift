import LedgerLite

/// Per-connection limits of the BFT transport. Hostile or broken peers cost at most one
/// frame buffer and are disconnected; honest peers reconnect with backoff.
public struct TransportLimits: Sendable {
    /// Largest peer frame. The replica cuts blocks so that its largest message (a NEW-VIEW)
    /// fits (`ReplicaConfig.frameBytes` is set from this; `BlockBudget`).
    public var maxPeerFrameBytes = ReplicationWire.maxFrameBytes
    /// Largest client query frame (a forwarded disagreement record is the largest).
    public var maxQueryFrameBytes = 64 << 10
    /// Frames per second one inbound connection may send before it is closed.
    public var maxFramesPerSecond = 50_000
    /// An inbound connection that sends nothing for this long is closed (peers retransmit
    /// every few hundred ms, so an honest peer is never idle that long).
    public var readIdleMillis: Int64 = 30_000
    /// A frame that is not complete this long after its first byte closes the connection.
    public var partialFrameMillis: Int64 = 10_000
    /// Messages queued for one peer while (re)connecting; older ones are dropped beyond it.
    public var maxQueuedPerPeer = 512
    /// Reconnection backoff: first delay, doubled up to the maximum.
    public var backoffMinMillis: Int64 = 50
    public var backoffMaxMillis: Int64 = 2_000
    public var connectTimeoutMillis: Int64 = 1_000
    /// Bytes buffered for one peer's socket before new messages to it are dropped.
    public var maxUnsentBytes = 64 << 20
    public init() {}
}
