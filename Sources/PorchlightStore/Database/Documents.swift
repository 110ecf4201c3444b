import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// A resource exactly as the API shows it: the JSON text Core built at the last change and the
/// transaction stored, sent to clients as it is.
public struct Document<Resource>: Sendable {
    public let id: UUID
    public let json: Data
    /// The version of the order the document belongs to (its shipments and returns are part of it).
    public let orderVersion: Int

    /// Its `ETag`.
    public var tag: EntityTag { EntityTag(orderVersion: orderVersion) }
}

public enum OrderResource {}
public enum ShipmentResource {}
public typealias OrderJSON = Document<OrderResource>
public typealias ShipmentJSON = Document<ShipmentResource>

enum Documents {
    /// Encodes a Core value for a jsonb column, with the API's snake_case keys.
    static func encode<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Decodes what `encode` wrote.
    static func decode<Value: Decodable>(_ type: Value.Type, from json: String) throws -> Value {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(type, from: Data(json.utf8))
    }

    /// Loads one document by merchant and id with a prepared statement.
    static func load<Statement: DocumentByID>(_ statement: Statement, on connection: PostgresConnection, logger: Logger) async throws -> Document<Statement.Resource>? {
        for try await (json, orderVersion) in try await connection.execute(statement, logger: logger) {
            return Document(id: statement.id, json: json, orderVersion: orderVersion)
        }
        return nil
    }
}

/// A document looked up by merchant and id: the hottest reads, so prepared once per connection
/// (parsing and planning would otherwise cost about as much as running them).
protocol DocumentByID: PreparedQuery where Row == (Data, Int), Key == UUID {
    associatedtype Resource
    var id: UUID { get }
}

extension DocumentByID {
    var key: UUID { id }

    func decodeRow(_ row: PostgresRow) throws -> (Data, Int) {
        let (json, orderVersion) = try row.decode((String, Int).self)
        return (Data(json.utf8), orderVersion)
    }
}

struct OrderDocumentByID: DocumentByID {
    typealias Resource = OrderResource
    static let sql = "SELECT document::text, version FROM order_documents WHERE merchant_id = $1 AND order_id = $2"
    let merchant: MerchantID
    let id: UUID
}

struct ShipmentDocumentByID: DocumentByID {
    typealias Resource = ShipmentResource
    static let sql = """
        SELECT d.document::text, o.version FROM shipments s \(ShipmentDocumentByID.joiningOrderDocument)
        WHERE s.merchant_id = $1 AND s.id = $2
        """
    let merchant: MerchantID
    let id: UUID

    /// Joins each shipment `s` to its order's document `o` and its own document `d.document`: the
    /// element of the order's `shipments` with its id, spliced there whole (`OrderDocument.texts(of:)`).
    static let joiningOrderDocument = """
        JOIN order_documents o ON o.merchant_id = s.merchant_id AND o.order_id = s.order_id
        CROSS JOIN LATERAL (
            SELECT e FROM json_array_elements(o.document -> 'shipments') e WHERE (e ->> 'id')::uuid = s.id
        ) d(document)
        """
}
