import Foundation
import GridClearSystem

/// The child processes of one `rci run` (each the same binary); stdout/stderr go to files in
/// the run's work directory.
///
/// Guarantees: fails fast — the first child that exits non-zero or dies by a signal ends the
/// run, naming that child; SIGINT/SIGTERM of `rci run` stops every child (SIGTERM, then
/// SIGKILL after a second) and ends the run; if `rci run` itself is killed (even by SIGKILL)
/// every child exits on its own at once (supervision pipe, see `Supervision`); `terminateAll`
/// returns only when every child has been reaped.
final class RCIProcessGroup {
    let work: URL
    private let supervision: SupervisionPipe
    private let executable: String
    private var children: [(process: ChildProcess, out: String, err: String)] = []

    init(work: URL) throws {
        self.work = work
        supervision = try SupervisionPipe()
        executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        StopSignals.install()
    }
    var count: Int { children.count }

    func spawn(name: String, args: [String]) throws {
        let i = children.count
        let out = work.appendingPathComponent("\(i).out").path, err = work.appendingPathComponent("\(i).err").path
        do {
            let p = try ChildProcess.spawn(name: name, executable: executable, arguments: args, stdout: out, stderr: err,
                                           supervision: supervision)
            children.append((p, out, err))
        } catch { throw CLIFailure("cannot start \(name): \(error)") }
    }

    func waitForFile(_ path: String, seconds: Double) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let s = try? String(contentsOfFile: path, encoding: .utf8), s.hasSuffix("\n") {
                return s.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            try checkFailures()
            usleep(20_000)
        }
        throw CLIFailure("rci run: the platform did not become ready within \(Int(seconds)) s")
    }

    func waitAll(seconds: Double) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while children.contains(where: { $0.process.isRunning }) {
            try checkFailures()
            guard Date() < deadline else { throw CLIFailure("rci run: timed out after \(Int(seconds)) s") }
            usleep(20_000)
        }
        try checkFailures()
    }

    private func checkFailures() throws {
        if StopSignals.requested {
            let n = children.filter { $0.process.isRunning }.count
            terminateAll()
            throw CLIFailure("rci run: stopped by a signal; \(n) running children stopped")
        }
        let failedNow = children.filter { !($0.process.poll()?.succeeded ?? true) }
        guard !failedNow.isEmpty else { return }
        // Give the others a moment to notice, then blame a crashed (signalled) child first.
        usleep(200_000)
        let failed = children.filter { !($0.process.poll()?.succeeded ?? true) }
        let culprit = failed.first { if case .signalled = $0.process.status { return true } else { return false } } ?? failed[0]
        terminateAll()
        if case .signalled(let sig) = culprit.process.status {
            throw CLIFailure("rci run: \(culprit.process.name) (pid \(culprit.process.pid)) crashed with signal \(sig); run aborted")
        }
        let why = lastLine(at: culprit.err).isEmpty ? "\(culprit.process.status!)" : lastLine(at: culprit.err)
        throw CLIFailure("rci run: \(culprit.process.name) failed: \(why.replacingOccurrences(of: "error: ", with: ""))")
    }

    /// Stops every running child (SIGTERM, SIGKILL after a second) and reaps all of them.
    func terminateAll() {
        for c in children { c.process.send(SIGTERM) }
        for c in children { c.process.stop(graceMillis: 1000) }
    }

    func lastLine(_ name: String) throws -> String {
        guard let c = children.first(where: { $0.process.name == name }) else { throw CLIFailure("no process \(name)") }
        let l = lastLine(at: c.out)
        guard !l.isEmpty else { throw CLIFailure("rci run: \(name) printed no result") }
        return l
    }

    private func lastLine(at path: String) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").last.map(String.init) ?? ""
    }
}
