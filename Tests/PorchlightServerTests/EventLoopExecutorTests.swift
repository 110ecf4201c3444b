import NIOCore
import NIOPosix
@testable import PorchlightServer
import Testing

@Suite struct EventLoopExecutorTests {
    /// A request's work preferring its connection's loop runs on that loop's thread, also after
    /// it waited on something that finishes elsewhere (as a database answer does).
    @Test func workPreferringALoopRunsOnItsThread() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let executor = try #require(EventLoopTaskExecutor.of(loop))
        let (before, after) = await withTaskExecutorPreference(executor) {
            let before = loop.inEventLoop
            try? await Task.sleep(for: .milliseconds(5))
            return (before, loop.inEventLoop)
        }
        #expect(before)
        #expect(after)
    }

    /// A loop of another group has no executor: its work stays on Swift's global pool.
    @Test func aLoopOfAnotherGroupHasNone() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        #expect(EventLoopTaskExecutor.of(group.next()) == nil)
        try await group.shutdownGracefully()
    }
}
