import Testing
@testable import Clearing

@Test func ClearingModuleLinks() {
    #expect(String(describing: ClearingModule.self) == "ClearingModule")
}
