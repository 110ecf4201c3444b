import Foundation

/// Decodes JSON in the contract's shape (documents built by the database) into generated types,
/// with the same date format the generated server uses.
enum ContractJSON {
    static func decode<Value: Decodable>(_ type: Value.Type, from json: Data) throws -> Value {
        let decoder = JSONDecoder()
        let transcoder = RFC3339DateTranscoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            try transcoder.decode(try decoder.singleValueContainer().decode(String.self))
        }
        return try decoder.decode(type, from: json)
    }
}
