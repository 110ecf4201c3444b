import Foundation
import PorchlightCore
import PorchlightServer
import PorchlightStore

/// A second key for the merchant that may only look orders up, as an app would ship.
func lookupOnlyKey(for merchant: TestMerchant) async throws -> String {
    try await withDatabase(url: databaseURL, logger: testLogger) { client in
        try await MerchantStore(database: Database(client: client)).createKey(
            for: MerchantID(UUID(uuidString: merchant.id)!), name: "App lookup key", scopes: [.ordersLookup], logger: testLogger).key
    }
}
