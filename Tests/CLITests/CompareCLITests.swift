import Testing
import Foundation
import GridClearTestSupport

/// `gridclear compare` and `gridclear-bench kproto` run as real processes.
@Suite struct CompareCLITests {
    /// Example command lines of a `--help` text (argument-parser wraps long lines at 80
    /// columns; a continuation line is joined back to its example).
    func examples(_ help: String, prefix: String) -> [[String]] {
        var out: [String] = []
        var inExamples = false
        for raw in help.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line == "Examples:" { inExamples = true; continue }
            guard inExamples else { continue }
            if line.isEmpty || line.hasPrefix("USAGE:") { inExamples = false; continue }
            if line.hasPrefix(prefix) { out.append(line) } else if !out.isEmpty { out[out.count - 1] += " " + line }
        }
        return out.map { $0.split(separator: " ").dropFirst().map(String.init) }
    }

    func tempDir() throws -> TemporaryFolder { try TemporaryFolder("CompareCLITests") }

    @Test func helpExamplesRun() throws {
        let help = try runGridclear(["compare", "--help"])
        #expect(help.status == 0)
        let exs = examples(help.stdout, prefix: "gridclear compare ")
        #expect(exs.count == 2)
        defer { try? FileManager.default.removeItem(atPath: "/tmp/gridclear-compare") }  // the examples' --out
        for args in exs {
            let ex = args.joined(separator: " ")
            let r = try runGridclear(args)
            #expect(r.status == 0, "\(ex): \(r.stderr)")
            let md = try String(contentsOfFile: "/tmp/gridclear-compare/20261120T1000Z/compare.md", encoding: .utf8)
            #expect(md.contains("| metric |"))
            #expect(md.contains("| kproto |") || md.contains("| kproto | cda | uniform |"))
            let svg = try String(contentsOfFile: "/tmp/gridclear-compare/20261120T1000Z/compare.svg", encoding: .utf8)
            #expect(svg.hasPrefix("<svg") && svg.contains("uniform price"))
        }
    }

    @Test func writesAllMechanismsDeterministically() throws {
        let tmp1 = try tempDir(), tmp2 = try tempDir(), out1 = tmp1.path, out2 = tmp2.path
        for out in [out1, out2] {
            let r = try runGridclear(["compare", "Inputs/20261120T1000Z", "--solver", "simplex", "--out", out])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let md = try String(contentsOfFile: out1 + "/20261120T1000Z/compare.md", encoding: .utf8)
        #expect(md.contains("| metric | cmap | kproto | cda | uniform |"))
        for row in ["matched energy (kWh)", "clean-energy share", "APET", "transmission loss", "buyers left unmatched"] {
            #expect(md.contains(row), "missing row \(row)")
        }
        let s1 = try Data(contentsOf: URL(fileURLWithPath: out1 + "/20261120T1000Z/compare.svg"))
        let s2 = try Data(contentsOf: URL(fileURLWithPath: out2 + "/20261120T1000Z/compare.svg"))
        #expect(s1 == s2)
    }

    @Test func errorsAreOneLineAndWriteNothing() throws {
        let tmp = try tempDir(), out = tmp.path
        let bad = try runGridclear(["compare", "Inputs/20261120T1000Z", "--mechanisms", "kproto,auction", "--out", out])
        #expect(bad.status != 0)
        #expect(bad.stderr.split(separator: "\n").count == 1 && bad.stderr.contains("unknown mechanism 'auction'"))
        let missing = try runGridclear(["compare", "Inputs/does-not-exist", "--out", out])
        #expect(missing.status != 0)
        #expect(missing.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: out + "/20261120T1000Z/compare.md"))
    }

    @Test func benchKprotoHelpExampleRuns() throws {
        let help = try runBench(["kproto", "--help"])
        #expect(help.status == 0)
        let exs = examples(help.stdout, prefix: "gridclear-bench kproto ")
        #expect(!exs.isEmpty)
        for args in exs {
            let ex = args.joined(separator: " ")
            let r = try runBench(args)
            #expect(r.status == 0, "\(ex): \(r.stderr)")
            #expect(r.stdout.contains("GEMM path") && r.stdout.contains("× faster"))
        }
    }
}
