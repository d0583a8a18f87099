import Testing
import Foundation

@Test func cliHelpRuns() throws {
    let r = try runGridclear(["--help"])
    #expect(r.status == 0)
    #expect(r.stdout.contains("gridclear"))
}
