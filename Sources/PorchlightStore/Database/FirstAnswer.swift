import NIOCore
import NIOPosix
import Synchronization

/// What `firstAnswer` does when its limit passes or its caller is cancelled.
public enum Fallback<Value: Sendable>: Sendable {
    /// Answer this, without waiting for the work.
    case answer(Value)
    /// Wait for the work's own answer (a lease's limit is on the wait for a connection, not
    /// on the work done with it).
    case waitForWork
}

/// What `work` answers, or what `otherwise` says when it has not answered within `limit` or the
/// caller is cancelled (`cancelled`), without waiting for `work` to end: it is cancelled and left
/// to finish on its own. For waits that must end whatever PostgresNIO does: a lease on a server
/// that is down can outlast its cancellation (the pool keeps trying to connect), and a statement
/// on a dead server can get neither an answer nor an error.
///
/// The limit is an event-loop timer (`otherwise` runs on that loop: keep it short): `Task.sleep`
/// costs a dispatch timer and a thread's wake-up, on every database call.
public func firstAnswer<Value: Sendable>(
    within limit: Duration, otherwise: @escaping @Sendable (_ cancelled: Bool) -> Fallback<Value>,
    _ work: @escaping @Sendable () async -> Value
) async -> Value {
    let answer = FirstAnswer<Value>()
    let working = Task { answer.give(await work()) }
    let timer = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: TimeAmount(limit)) {
        guard case .answer(let value) = otherwise(false) else { return }
        // Answered before the work is cancelled: its error on cancellation must not come first.
        answer.give(value)
        working.cancel()
    }
    defer { timer.cancel() }
    return await withTaskCancellationHandler {
        await answer.value
    } onCancel: {
        if case .answer(let value) = otherwise(true) { answer.give(value) }
        working.cancel()
    }
}

/// The first answer given, for one waiter; later answers are ignored. A wait that ends at a
/// deadline, or on cancellation, without awaiting the work it gave up on.
private final class FirstAnswer<Value: Sendable>: Sendable {
    private enum State: Sendable {
        case open(waiter: CheckedContinuation<Value, Never>?)
        case answered(Value)
        case closed
    }

    private let state = Mutex(State.open(waiter: nil))

    func give(_ value: Value) {
        let waiter = state.withLock { state -> CheckedContinuation<Value, Never>? in
            switch state {
            case .open(let waiter?):
                state = .closed
                return waiter
            case .open(nil):
                state = .answered(value)
                return nil
            case .answered, .closed:
                return nil
            }
        }
        waiter?.resume(returning: value)
    }

    /// Waits for the first answer (at most one waiter).
    var value: Value {
        get async {
            await withCheckedContinuation { continuation in
                let given = state.withLock { state -> Value? in
                    switch state {
                    case .answered(let value):
                        state = .closed
                        return value
                    case .open:
                        state = .open(waiter: continuation)
                        return nil
                    case .closed:
                        preconditionFailure("a FirstAnswer has one waiter")
                    }
                }
                if let given { continuation.resume(returning: given) }
            }
        }
    }
}
