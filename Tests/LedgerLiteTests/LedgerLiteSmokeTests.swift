import Testing
@testable import LedgerLite

@Test func LedgerLiteModuleLinks() {
    #expect(String(describing: LedgerLiteModule.self) == "LedgerLiteModule")
}
