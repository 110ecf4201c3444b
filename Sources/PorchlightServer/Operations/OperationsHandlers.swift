import Foundation
import OpenAPIRuntime
import PorchlightAPI

extension APIHandlers {
    func getLiveness(_ input: Operations.GetLiveness.Input) async throws -> Operations.GetLiveness.Output {
        .ok(.init(body: .json(.init(status: .ok))))
    }

    /// Ready when the database answers within two seconds and the schema is fully migrated; not
    /// while the servers of a multi-host URL are being asked which is the primary, or none is.
    func getReadiness(_ input: Operations.GetReadiness.Input) async throws -> Operations.GetReadiness.Output {
        switch databaseServers.status {
        case .inUse: break
        case .searching:
            throw Problem.notReady("a database failover or switchover is under way: the \(databaseServers.clients.count) servers are being asked which accepts writes.")
        case .noneWillDo:
            throw Problem.notReady("none of the \(databaseServers.clients.count) database servers will do yet (a failover is under way: no primary).")
        }
        let migrator = self.migrator
        let ready = await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await migrator.isUpToDate()) ?? false }
            group.addTask {
                try? await Task.sleep(for: .seconds(2))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        guard ready else { throw Problem.notReady("the database did not answer within 2 seconds, or migrations are pending.") }
        return .ok(.init(body: .json(.init(status: .ok))))
    }

    func getMetrics(_ input: Operations.GetMetrics.Input) async throws -> Operations.GetMetrics.Output {
        .ok(.init(body: .plainText(HTTPBody(registry.emitToString()))))
    }

    func getOpenAPISpec(_ input: Operations.GetOpenAPISpec.Input) async throws -> Operations.GetOpenAPISpec.Output {
        .ok(.init(body: .yaml(HTTPBody(Self.specification))))
    }
}
