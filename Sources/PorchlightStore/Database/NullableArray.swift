import NIOCore
import PostgresNIO

/// An array whose elements may be NULL: a parameter for set-based writes with `unnest` of
/// nullable columns, and an aggregate of one read back (PostgresNIO's arrays take non-optional
/// elements only).
struct NullableArray<Element: PostgresArrayEncodable>: PostgresEncodable {
    var elements: [Element?]

    init(_ elements: [Element?]) {
        self.elements = elements
    }

    static var psqlType: PostgresDataType { Element.psqlArrayType }
    static var psqlFormat: PostgresFormat { .binary }

    /// PostgreSQL's binary array format: dimensions, a has-nulls flag, the element type, then
    /// for each element its length (-1 for NULL) and bytes.
    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) throws {
        buffer.writeInteger(elements.isEmpty ? 0 : 1, as: Int32.self)
        buffer.writeInteger(elements.contains { $0 == nil } ? 1 : 0, as: Int32.self)
        buffer.writeInteger(Element.psqlType.rawValue)
        guard !elements.isEmpty else { return }
        buffer.writeInteger(Int32(elements.count))
        buffer.writeInteger(1, as: Int32.self)  // lower bound
        for element in elements {
            guard let element else {
                buffer.writeInteger(-1, as: Int32.self)
                continue
            }
            let lengthIndex = buffer.writerIndex
            buffer.writeInteger(0, as: Int32.self)
            let start = buffer.writerIndex
            try element.encode(into: &buffer, context: context)
            buffer.setInteger(Int32(buffer.writerIndex - start), at: lengthIndex)
        }
    }
}

/// Read as well: an aggregate of a nullable column (`array_agg(category)`), which PostgresNIO's
/// arrays refuse as soon as one element is NULL.
extension NullableArray: PostgresDecodable where Element: PostgresArrayDecodable, Element == Element._DecodableType {
    init<JSONDecoder: PostgresJSONDecoder>(from buffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat,
                                           context: PostgresDecodingContext<JSONDecoder>) throws {
        guard format == .binary, let (dimensions, _, elementType) = buffer.readMultipleIntegers(endianness: .big, as: (Int32, Int32, UInt32).self),
              0...1 ~= dimensions else { throw PostgresDecodingError.Code.failure }
        guard dimensions == 1 else {
            self.init([])
            return
        }
        guard let (count, lowerBound) = buffer.readMultipleIntegers(endianness: .big, as: (Int32, Int32).self), count > 0, lowerBound == 1 else {
            throw PostgresDecodingError.Code.failure
        }
        var elements: [Element?] = []
        elements.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let length = buffer.readInteger(as: Int32.self) else { throw PostgresDecodingError.Code.failure }
            guard length >= 0 else {
                elements.append(nil)
                continue
            }
            guard var bytes = buffer.readSlice(length: Int(length)) else { throw PostgresDecodingError.Code.failure }
            elements.append(try Element(from: &bytes, type: PostgresDataType(elementType), format: format, context: context))
        }
        self.init(elements)
    }
}
