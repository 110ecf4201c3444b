/// The schema, as numbered migrations. Every table carries `merchant_id` first in its primary key:
/// it is the tenant boundary and the distribution key should one PostgreSQL not be enough.
public enum Schema {
    /// Global tables, reference tables when distributed: `api_keys` (found by the key's hash
    /// before the merchant is known), `tracking_pages` (found by the page's address likewise) and
    /// `schema_migrations`.
    public static let distributionExceptions: Set<String> = ["api_keys", "tracking_pages", "schema_migrations"]

    static let migrations: [Migration] = [
        merchantsAndOrders,
        idempotencyKeys,
        deliveryPromises,
        storedDocumentsAndEvents,
        webhooks,
        apiKeyManagement,
        customerViews,
        distributableSchema,
        learningSample,
        webhookQueriesByMerchant,
        unusedIndexesDropped,
        adaptiveLevels,
        reviews,
        reviewRequestsAndVotes,
        returnPolicies,
        returns,
        returnParcelsAndClaims,
        disruptionAlerts,
        declaredDisruptions,
        remedies,
        disruptionSettings,
        customerTokens,
        disruptionMessageLanguages,
        trackingPages,
        deliveryExceptions,
        messages,
        shipmentDocumentsFromOrders,
        reviewTalliesInTheWritePath,
        readyToMoveShards,
    ]
}
