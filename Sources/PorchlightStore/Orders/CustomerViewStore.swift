import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// What customer views are built from: an order's stored document and the fields its merchant
/// hides from customers.
public struct CustomerViewStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The order's document with its version, and the merchant's hidden fields, in one query;
    /// nil for no such order.
    public func source(of orderID: UUID, merchant: MerchantID,
                       logger: Logger) async throws -> (document: OrderDocument, orderVersion: Int, hidden: Set<CustomerViewField>)? {
        let rows = try await database.query("""
            SELECT d.document::text, d.version, coalesce(s.hidden, '{}')
            FROM order_documents d LEFT JOIN customer_view_settings s ON s.merchant_id = d.merchant_id
            WHERE d.merchant_id = \(merchant.rawValue) AND d.order_id = \(orderID)
            """, logger: logger)
        for (json, orderVersion, hidden) in try rows.decode((String, Int, [String]).self) {
            return (try OrderDocument(json: Data(json.utf8)), orderVersion, try Self.fields(hidden))
        }
        return nil
    }

    public func hiddenFields(merchant: MerchantID, logger: Logger) async throws -> Set<CustomerViewField> {
        let rows = try await database.query("SELECT hidden FROM customer_view_settings WHERE merchant_id = \(merchant.rawValue)", logger: logger)
        return try Self.fields(rows.decode([String].self).first ?? [])
    }

    public func setHiddenFields(_ fields: Set<CustomerViewField>, merchant: MerchantID, logger: Logger) async throws {
        let values = CustomerViewField.allCases.filter(fields.contains).map(\.rawValue)
        try await database.query("""
            INSERT INTO customer_view_settings (merchant_id, hidden) VALUES (\(merchant.rawValue), \(values))
            ON CONFLICT (merchant_id) DO UPDATE SET hidden = excluded.hidden, updated_at = excluded.updated_at
            """, logger: logger)
    }

    private static func fields(_ stored: [String]) throws -> Set<CustomerViewField> {
        Set(try stored.map { try StoredValue.decode(CustomerViewField.self, $0, "customer_view_settings.hidden") })
    }
}
