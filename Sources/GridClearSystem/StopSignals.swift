#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM as a stop request: long-running loops (scheduler, meter polling,
/// replicas) install this once and check `requested` between units of work, so a stop
/// never interrupts a ledger append half-way.
public enum StopSignals {
    nonisolated(unsafe) private static var flag: sig_atomic_t = 0

    /// Installs the handlers (without SA_RESTART, so a sleeping call returns with EINTR)
    /// and unblocks both signals (a parent may have blocked them).
    public static func install() {
        for s in [SIGINT, SIGTERM] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { _ in StopSignals.flag = 1 }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(s, &action, nil)
        }
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// True once SIGINT or SIGTERM has arrived.
    public static var requested: Bool { flag != 0 }

    /// Requests a stop from inside the process (tests, a fatal condition in another thread).
    public static func request() { flag = 1 }
}
