import Foundation

/// The values of each named enum schema in the contract, read once from the embedded
/// openapi.yaml, so that a value outside an enum is answered with the values allowed rather than
/// a pointer to the spec. (The generated decoders name only the Swift type that refused it.)
enum ContractEnumValues {
    static let byName: [String: [String]] = parse(String(decoding: APIHandlers.specification, as: UTF8.self))

    /// Schemas are named at four spaces of indentation under `components/schemas`, and their
    /// `enum: [...]` (which may wrap onto further lines) sits at six.
    static func parse(_ spec: String) -> [String: [String]] {
        var values: [String: [String]] = [:]
        var schema: String?
        var pending: String?
        for line in spec.split(separator: "\n", omittingEmptySubsequences: false) {
            if var text = pending {
                text += " " + line.trimmingCharacters(in: .whitespaces)
                pending = text.contains("]") ? nil : text
                if pending == nil, let schema { values[schema] = items(text) }
                continue
            }
            if line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                schema = String(line.dropFirst(4).dropLast())
            } else if line.hasPrefix("      enum: ["), let schema {
                let text = String(line.dropFirst("      enum: ".count))
                if text.contains("]") { values[schema] = items(text) } else { pending = text }
            }
        }
        return values
    }

    private static func items(_ flow: String) -> [String] {
        flow.trimmingCharacters(in: CharacterSet(charactersIn: "[] ")).split(separator: ",").map {
            $0.trimmingCharacters(in: CharacterSet(charactersIn: " '\""))
        }
    }
}
