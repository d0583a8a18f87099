import Testing
@testable import Privacy

@Test func PrivacyModuleLinks() {
    #expect(String(describing: PrivacyModule.self) == "PrivacyModule")
}
