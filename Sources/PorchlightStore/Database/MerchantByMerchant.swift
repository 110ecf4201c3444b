import Logging
import PorchlightCore

/// The cross-merchant passes (webhook fan-out and claims, message planning and claims) go
/// merchant by merchant: on Citus a query locks rows only within one merchant's shard.
extension Database {
    /// Does `work` for each merchant in turn. One merchant's failure (a row no Core type can
    /// read) is logged and does not stop the others'; a database that is away ends the pass
    /// (it is not the merchant's: the whole pass tries again).
    func eachMerchant(_ merchants: [MerchantID], failing what: String, logger: Logger,
                      _ work: (MerchantID) async throws -> Void) async throws {
        for merchant in merchants {
            do {
                try await work(merchant)
            } catch where Database.meansUnavailable(error) {
                throw error
            } catch {
                logger.error("\(what) failed for a merchant", metadata: [
                    "merchant_id": "\(merchant.rawValue)", "error": "\(String(reflecting: error))"])
            }
        }
    }

    /// Claims due work merchant by merchant, each merchant its share of `slots` (`SlotShares`);
    /// slots a merchant leaves unused (it had less due) go to the next. Should the database go
    /// away midway, what the claims before leased is still returned, to be sent.
    func claimByMerchant<Claimed>(_ slots: Int, among candidates: [SlotShares.Candidate], logger: Logger,
                                  claim: (MerchantID, Int) async throws -> [Claimed]) async throws -> [Claimed] {
        let shares = SlotShares.split(slots, among: candidates)
        let slotsOf = Dictionary(uniqueKeysWithValues: shares.map { ($0.merchant, $0.slots) })
        var claimed: [Claimed] = []
        var unused = 0
        do {
            try await eachMerchant(shares.map(\.merchant), failing: "claim", logger: logger) { merchant in
                let limit = slotsOf[merchant, default: 0] + unused
                unused = limit  // until the claim says otherwise: a failed claim leaves its slots to the next
                let taken = try await claim(merchant, limit)
                claimed += taken
                unused = limit - taken.count
            }
        } catch where !claimed.isEmpty {
            return claimed
        }
        return claimed
    }
}
