import Testing
@testable import MeterIngest

@Test func MeterIngestModuleLinks() {
    #expect(String(describing: MeterIngestModule.self) == "MeterIngestModule")
}
