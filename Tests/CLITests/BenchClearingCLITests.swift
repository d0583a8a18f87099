import Foundation
import Testing

/// Runs every example of `gridclear-bench clearing --help` through the real binary.
@Suite struct BenchClearingCLITests {
    @Test func helpExamplesRun() throws {
        let help = try runBench(["clearing", "--help"])
        #expect(help.status == 0)
        let examples = help.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.hasPrefix("gridclear-bench clearing") }
        #expect(examples.count == 3)
        // The examples depend on each other in order (--dump writes the file --problem reads).
        defer { try? FileManager.default.removeItem(atPath: "/tmp/cmap-p.json") }
        for line in examples {
            let args = Array(line.split(separator: " ").dropFirst().map(String.init))
            let r = try runBench(args)
            #expect(r.status == 0, "\(line): \(r.stderr)")
            #expect(r.stdout.contains("path=simplex seconds="), "\(line)")
            #expect(r.stdout.contains("path=network seconds=") == !line.contains("--paths"), "\(line)")
        }
        #expect(FileManager.default.fileExists(atPath: "/tmp/cmap-p.json"))
    }

    @Test func errorsAreOneLine() throws {
        let r = try runBench(["clearing", "--paths", "nope"])
        #expect(r.status != 0)
        #expect(r.stderr.hasPrefix("error: --paths: unknown path 'nope'"))
        #expect(r.stderr.split(separator: "\n").count == 1)
        let missing = try runBench(["clearing", "--problem", "/nonexistent/p.json"])
        #expect(missing.status != 0 && missing.stderr.contains("--problem /nonexistent/p.json"))
    }
}
