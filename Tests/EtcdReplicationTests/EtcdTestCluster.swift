import Foundation
import EtcdClient
import GridClearTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A real etcd cluster for tests: `members` etcd processes on loopback, on free ports, with
/// their data in a fresh temporary folder. `stop()` kills every member it started and
/// removes the folder, so a test leaves nothing behind.
final class EtcdTestCluster: @unchecked Sendable {
    static let binary: String? = ["/usr/bin/etcd", "/usr/local/bin/etcd"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static var available: Bool { binary != nil }

    struct Member {
        var name: String
        var clientPort: Int
        var peerPort: Int
        var process: Process?
    }

    let dir: String
    var members: [Member]
    let initialCluster: String

    var endpoints: [EtcdEndpoint] { members.map { EtcdEndpoint(host: "127.0.0.1", port: $0.clientPort) } }
    var endpointList: String { endpoints.map(\.description).joined(separator: ",") }

    init(members n: Int = 3) throws {
        EtcdTestCluster.reapOrphans()
        var template = Array((NSTemporaryDirectory() + "gridclear-etcd-XXXXXX").utf8CString)
        guard let p = mkdtemp(&template) else { throw TestFailure("mkdtemp failed") }
        dir = String(cString: p)
        _ = FileManager.default.createFile(atPath: dir + "/owner", contents: Data(String(getpid()).utf8))
        var ports = try EtcdTestCluster.freePorts(2 * n)
        members = (0..<n).map { i in Member(name: "m\(i + 1)", clientPort: ports.removeFirst(), peerPort: ports.removeFirst(), process: nil) }
        initialCluster = members.map { "\($0.name)=http://127.0.0.1:\($0.peerPort)" }.joined(separator: ",")
        for i in members.indices { try start(i) }
        try waitHealthy()
    }

    deinit { stop() }

    func start(_ i: Int) throws {
        guard let bin = EtcdTestCluster.binary else { throw TestFailure("etcd is not installed (scripts/install-deps.sh --test installs etcd-server)") }
        let m = members[i]
        let p = Process()
        p.executableURL = URL(fileURLWithPath: bin)
        p.arguments = ["--name", m.name, "--data-dir", "\(dir)/\(m.name)",
                       "--listen-client-urls", "http://127.0.0.1:\(m.clientPort)", "--advertise-client-urls", "http://127.0.0.1:\(m.clientPort)",
                       "--listen-peer-urls", "http://127.0.0.1:\(m.peerPort)", "--initial-advertise-peer-urls", "http://127.0.0.1:\(m.peerPort)",
                       "--initial-cluster", initialCluster, "--initial-cluster-state", "new", "--initial-cluster-token", "gridclear-test",
                       "--heartbeat-interval", "50", "--election-timeout", "500"]
        p.standardOutput = FileHandle.nullDevice
        let log = FileManager.default.createFile(atPath: "\(dir)/\(m.name).stderr", contents: nil)
        _ = log
        p.standardError = FileHandle(forWritingAtPath: "\(dir)/\(m.name).stderr")
        try p.run()
        members[i].process = p
        if let h = FileHandle(forWritingAtPath: dir + "/owner") {
            h.seekToEndOfFile(); h.write(Data("\n\(p.processIdentifier)".utf8)); h.closeFile()
        }
    }

    /// Clusters left by a test process that died before `stop()` (killed, crashed): their
    /// folder names the dead owner and the etcd pids; each pid still running an etcd on
    /// that folder is killed, then the folder is removed. Touches nothing else.
    static func reapOrphans() {
        let tmp = NSTemporaryDirectory()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? [] where name.hasPrefix("gridclear-etcd-") {
            let d = (tmp as NSString).appendingPathComponent(name)
            guard let text = try? String(contentsOfFile: d + "/owner", encoding: .utf8) else { continue }
            let pids = text.split(separator: "\n").compactMap { Int32($0) }
            guard let owner = pids.first, owner != getpid(), Glibc.kill(owner, 0) != 0, errno == ESRCH else { continue }
            for pid in pids.dropFirst() {
                let cmd = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
                if cmd.contains("etcd"), cmd.contains(d) { Glibc.kill(pid, SIGKILL) }
            }
            usleep(100_000)
            try? FileManager.default.removeItem(atPath: d)
        }
    }

    /// kill -9 member `i`.
    func kill(_ i: Int) {
        guard let p = members[i].process else { return }
        Glibc.kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        members[i].process = nil
    }

    func waitHealthy(timeoutSeconds: Double = 20) throws {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        var last = ""
        while Date() < deadline {
            let c = EtcdClient(endpoints: endpoints, timeoutMillis: 500)
            do {
                let s = try c.status()
                if !s.leader.isEmpty, s.leader != "0" { _ = try c.put(Array("probe".utf8), [1]); return }
                last = "no raft leader yet"
            } catch { last = "\(error)" }
            usleep(100_000)
        }
        let logs = members.map { (try? String(contentsOfFile: "\(dir)/\($0.name).stderr", encoding: .utf8)).map { String($0.suffix(600)) } ?? "" }
        throw TestFailure("etcd cluster in \(dir) did not become healthy: \(last); \(logs.joined(separator: " | "))")
    }

    func stop() {
        for i in members.indices {
            if let p = members[i].process {
                Glibc.kill(p.processIdentifier, SIGKILL)
                p.waitUntilExit()
                members[i].process = nil
            }
        }
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// `n` free loopback ports (`GridClearTestSupport.ephemeralPorts`), or a test failure.
    static func freePorts(_ n: Int) throws -> [Int] {
        let ports = ephemeralPorts(n)
        guard ports.count == n else { throw TestFailure("no free port") }
        return ports
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ s: String) { description = s }
}
