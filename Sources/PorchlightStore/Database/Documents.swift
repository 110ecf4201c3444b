import Foundation
import PorchlightCore
import PostgresNIO

/// Decodes the JSON documents built by the `*_documents` views into the Core read models.
enum Documents {
    static func decode<Document: Decodable>(_ type: Document.Type, from json: String) throws -> Document {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .secondsSince1970
        return try decoder.decode(type, from: Data(json.utf8))
    }

    /// Encodes a Core value for a jsonb column, with the API's snake_case keys.
    static func encode<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
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
}
