#if canImport(Glibc)
import Glibc
#endif

/// How a child process ended.
public enum ExitStatus: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)

    public var succeeded: Bool { self == .exited(0) }
    public var description: String {
        switch self {
        case .exited(let c): return "exit status \(c)"
        case .signalled(let s): return "signal \(s)"
        }
    }
}

/// A child process started with `posix_spawn`: the one way GridClear starts processes.
///
/// Guarantees: the child starts with the default signal dispositions and an empty signal
/// mask, in the parent's process group (a terminal's Ctrl-C reaches it too); its stdout and
/// stderr go to the given files; with a `SupervisionPipe` the child holds the pipe's read
/// end as fd 3 (and `GRIDCLEAR_SUPERVISION_FD=3` in its environment) so that it can exit on
/// its own when the parent dies, even by SIGKILL (see `Supervision`). No other descriptor
/// of the parent leaks into the child unless it lacks `O_CLOEXEC`.
public final class ChildProcess {
    public let pid: pid_t
    public let name: String
    public private(set) var status: ExitStatus?

    private init(pid: pid_t, name: String) { self.pid = pid; self.name = name }

    /// Starts `executable` with `arguments` (argv[0] is `executable`).
    public static func spawn(name: String, executable: String, arguments: [String], stdout: String, stderr: String,
                             supervision: SupervisionPipe?) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if let supervision { posix_spawn_file_actions_adddup2(&actions, supervision.readEnd, Supervision.childDescriptor) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var environment: [String] = []
        var e = environ
        while let p = e.pointee {
            let entry = String(cString: p)
            if !entry.hasPrefix(Supervision.environmentKey + "=") { environment.append(entry) }
            e += 1
        }
        if supervision != nil { environment.append("\(Supervision.environmentKey)=\(Supervision.childDescriptor)") }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid = pid_t()
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw SystemError(call: "posix_spawn", path: executable, errno: rc) }
        return ChildProcess(pid: pid, name: name)
    }

    /// The exit status if the child has ended (reaps it), nil while it runs.
    @discardableResult
    public func poll() -> ExitStatus? {
        if let status { return status }
        var raw: Int32 = 0
        let r = waitpid(pid, &raw, WNOHANG)
        guard r == pid else { return nil }
        status = Self.decode(raw)
        return status
    }

    public var isRunning: Bool { poll() == nil }

    /// Sends `signal` unless the child has already been reaped.
    public func send(_ signal: Int32) {
        if poll() == nil { kill(pid, signal) }
    }

    /// Waits for the child to end.
    @discardableResult
    public func wait() -> ExitStatus {
        if let status { return status }
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) == -1 && errno == EINTR {}
        status = Self.decode(raw)
        return status!
    }

    /// SIGTERM, up to `graceMillis` for it to end, then SIGKILL; returns when it has ended.
    public func stop(graceMillis: Int = 1000) {
        send(SIGTERM)
        var waited = 0
        while poll() == nil && waited < graceMillis { usleep(10_000); waited += 10 }
        if poll() == nil { kill(pid, SIGKILL) }
        wait()
    }

    private static func decode(_ raw: Int32) -> ExitStatus {
        let sig = raw & 0x7F
        return sig == 0 ? .exited((raw >> 8) & 0xFF) : .signalled(sig)
    }
}

