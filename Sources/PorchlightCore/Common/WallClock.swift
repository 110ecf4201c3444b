import Foundation

/// Where the service reads the time: the system's in production; a test sets and moves its own,
/// so rules about days passing (weekends, expiry, edit windows, requests falling due) are tested
/// by moving time rather than by backdating data. Every "now" in Server and Store comes from the
/// one clock the application is built with (`SourceRulesTests` refuses a `Date()` elsewhere).
public struct WallClock: Sendable {
    private let read: @Sendable () -> Date

    public init(_ read: @escaping @Sendable () -> Date) {
        self.read = read
    }

    public static let system = WallClock { Date() }

    public var now: Date { read() }
}
