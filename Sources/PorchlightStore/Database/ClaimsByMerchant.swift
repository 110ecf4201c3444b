import Logging
import PorchlightCore

extension Database {
    /// Claims due work merchant by merchant (on Citus a query locks rows only within one
    /// merchant's shard), each merchant its share of `slots` (`SlotShares`); slots a merchant
    /// leaves unused (it had less due) go to the next. One merchant's failure (a row no Core type
    /// can read) does not lose what the others' claims leased.
    func claimByMerchant<Claimed>(_ slots: Int, among candidates: [SlotShares.Candidate], logger: Logger,
                                  claim: (MerchantID, Int) async throws -> [Claimed]) async throws -> [Claimed] {
        var claimed: [Claimed] = []
        var unused = 0
        for (merchant, share) in SlotShares.split(slots, among: candidates) {
            let limit = share + unused
            do {
                let taken = try await claim(merchant, limit)
                claimed += taken
                unused = limit - taken.count
            } catch where Database.meansUnavailable(error) {
                // What was leased is sent; the rest waits for the next claim.
                if claimed.isEmpty { throw error }
                return claimed
            } catch {
                logger.error("claim failed for a merchant", metadata: [
                    "merchant_id": "\(merchant.rawValue)", "error": "\(String(reflecting: error))"])
                unused = limit
            }
        }
        return claimed
    }
}
