import Hummingbird
import NIOCore
import NIOPosix

/// Runs each request's handling on the event loop of its connection, not on Swift's global
/// concurrent pool. Otherwise every step of a request crosses threads: the connection's event
/// loop reads the request, a pool thread runs the handler, each database answer arrives on an
/// event loop and wakes a pool thread again. On two cores under saturating 1-event writes, running
/// on the loop cost the service 2–14% less CPU per write and gave 10% more writes a second
/// (docs/benchmarks.md). A connection's requests stay on one core: with many connections the
/// loops share the load.
struct EventLoopExecutorMiddleware: RouterMiddleware {
    func handle(_ request: Request, context: PorchlightRequestContext,
                next: (Request, PorchlightRequestContext) async throws -> Response) async throws -> Response {
        try await withTaskExecutorPreference(context.executor) {
            try await next(request, context)
        }
    }
}

/// An event loop as a task executor: its jobs run on the loop's thread, between its I/O.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    private init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// One for each loop of the group the server runs on (Hummingbird's default, the singleton).
    private static let all = Dictionary(uniqueKeysWithValues: MultiThreadedEventLoopGroup.singleton.makeIterator().map {
        (ObjectIdentifier($0), EventLoopTaskExecutor($0))
    })

    /// The executor of this loop; nil for a loop of another group (the global pool then runs the work).
    static func of(_ eventLoop: any EventLoop) -> EventLoopTaskExecutor? { all[ObjectIdentifier(eventLoop)] }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
