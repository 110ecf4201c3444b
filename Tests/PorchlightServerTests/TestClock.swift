import Foundation
import PorchlightCore
import Synchronization

/// A clock a test sets and moves, given to the service it starts (`withService(clock:)`) and to
/// the stores it calls. It starts weeks ahead of the real time: the other tests' services share
/// the database on the system clock, and their passes must find nothing of this test's due, nor
/// this test's passes anything of theirs (they are run for this test's merchant only).
final class TestClock: Sendable {
    private let time: Mutex<Date>

    /// At `hour`:00 in `timeZone` on the first `weekday` (1 Sunday … 7 Saturday) at least four
    /// weeks from now.
    init(weekday: Int, hour: Int, in timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let start = calendar.nextDate(after: Date.now.addingTimeInterval(28 * 86_400),
                                      matching: DateComponents(hour: hour, minute: 0, second: 0, weekday: weekday), matchingPolicy: .strict)
        time = Mutex(start ?? Date.now.addingTimeInterval(28 * 86_400))
    }

    var now: Date { time.withLock { $0 } }

    func set(_ date: Date) { time.withLock { $0 = date } }

    func advance(seconds: Double) { time.withLock { $0 += seconds } }

    var wallClock: WallClock { WallClock { [self] in now } }
}
