import Foundation
import OpenAPIRuntime
import PorchlightAPI
import PorchlightStore

extension APIHandlers {
    func getLiveness(_ input: Operations.GetLiveness.Input) async throws -> Operations.GetLiveness.Output {
        .ok(.init(body: .json(.init(status: .ok))))
    }

    /// Ready when the database answers within two seconds and the schema is fully migrated; not
    /// while none of the servers of a multi-host URL will do. (A search under way is not enough:
    /// a busy pool starts one too, and it ends within 2 s.)
    func getReadiness(_ input: Operations.GetReadiness.Input) async throws -> Operations.GetReadiness.Output {
        if databaseServers.status == .noneWillDo {
            throw Problem.notReady("none of the \(databaseServers.clients.count) database servers will do yet (a failover is under way: no primary).")
        }
        let migrator = self.migrator
        let ready = await firstAnswer(within: .seconds(2), otherwise: { _ in .answer(false) }) { (try? await migrator.isUpToDate()) ?? false }
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
