import Foundation
import Logging
import PorchlightCore
import PostgresNIO

/// Decodes the JSON documents built by the `*_documents` views into the Core read models.
/// Documents use the Core models' own property names, so no key conversion is needed.
enum Documents {
    static func decode<Document: Decodable>(_ type: Document.Type, from json: String) throws -> Document {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return try decoder.decode(type, from: Data(json.utf8))
    }

    /// Encodes a Core value for a jsonb column, keyed like the Core model.
    static func encode<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// The first row's single text column, decoded; nil when there is no row.
    static func first<Document: Decodable>(_ type: Document.Type, in rows: PostgresRowSequence) async throws -> Document? {
        for try await json in rows.decode(String.self) {
            return try decode(type, from: json)
        }
        return nil
    }

    /// Loads one document by merchant and id with a prepared statement.
    static func load<Statement: DocumentByID>(_ statement: Statement, on connection: PostgresConnection, logger: Logger) async throws -> Statement.Document? {
        for try await json in try await connection.execute(statement, logger: logger) {
            return try decode(Statement.Document.self, from: json)
        }
        return nil
    }
}

/// A document looked up by merchant and id. These run as prepared statements, once prepared per
/// connection: the document views take a few milliseconds to plan and well under one to run, so
/// planning them on every request would cost most of the read path.
protocol DocumentByID: PostgresPreparedStatement where Row == String {
    associatedtype Document: Decodable
    var merchant: MerchantID { get }
    var id: UUID { get }
}

extension DocumentByID {
    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(merchant.rawValue)
        bindings.append(id)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> String {
        try row.decode(String.self)
    }
}

struct OrderDocumentByID: DocumentByID {
    typealias Document = Order
    static let sql = "SELECT document::text FROM order_documents WHERE merchant_id = $1 AND id = $2"
    let merchant: MerchantID
    let id: UUID
}

struct ShipmentDocumentByID: DocumentByID {
    typealias Document = Shipment
    static let sql = "SELECT document::text FROM shipment_documents WHERE merchant_id = $1 AND id = $2"
    let merchant: MerchantID
    let id: UUID
}
