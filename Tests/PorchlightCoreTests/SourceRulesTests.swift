import Foundation
import Testing

/// Rules about the source itself, checked by reading it.
@Suite struct SourceRulesTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// The files that may read the system's time: the clock itself, and the log handler (a log
    /// line says when it was written, whatever time a test has set).
    static let readersOfTheSystemTime: Set<String> = ["PorchlightCore/Common/WallClock.swift", "PorchlightServer/Operations/LineLogHandler.swift"]

    /// Every "now" comes from the application's `WallClock`, so that tests can move time.
    @Test func onlyTheClockReadsTheSystemTime() throws {
        let files = try Self.swiftFiles()
        #expect(files.count > 100, "the sources were not found at \(Self.sources.path)")
        let readers = try files.filter { try String(contentsOf: $0.url, encoding: .utf8).contains(/(^|[^A-Za-z0-9_.])Date\(\)/) }.map(\.path)
        #expect(Set(readers) == Self.readersOfTheSystemTime,
                "read the time from the application's WallClock (a store's `database.clock`, a handler's `clock`) instead of Date()")
    }

    static func swiftFiles() throws -> [(url: URL, path: String)] {
        let enumerator = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        return enumerator.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }.map { url in
            (url, String(url.standardizedFileURL.path.dropFirst(sources.standardizedFileURL.path.count + 1)))
        }
    }
}
