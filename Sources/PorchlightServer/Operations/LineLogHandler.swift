import Foundation
import Logging
import PorchlightCore

/// Writes each log event as one line, in `LOG_FORMAT`:
/// - `text` (the default), as swift-log's `StreamLogHandler` does: time, level, label, sorted
///   `key=value` metadata, source and message;
/// - `json`, one object per line for log collectors: `time` (RFC 3339, milliseconds), `level`,
///   `label`, `message`, `source`, and the metadata's keys at the top level, so a request's lines
///   carry its `request_id` as a field.
///
/// The metadata is formatted when a line is written, not whenever it changes (as
/// `StreamLogHandler` does): every request sets its `request_id`, and formatting it on each
/// change was 3% of a light request's CPU, for lines that are mostly never written.
public struct LineLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String
    let format: AppConfiguration.LogFormat
    let write: @Sendable (String) -> Void

    /// Writes to standard error, a line at a time. A line that cannot be written (the reader of
    /// stderr went away) is dropped: losing a log line must not stop the service.
    public static func standardError(label: String, format: AppConfiguration.LogFormat) -> LineLogHandler {
        LineLogHandler(label: label, format: format) { line in try? FileHandle.standardError.write(contentsOf: Data(line.utf8)) }
    }

    public init(label: String, format: AppConfiguration.LogFormat, write: @escaping @Sendable (String) -> Void) {
        (self.label, self.format, self.write) = (label, format, write)
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let fields = metadata.merging(event.metadata ?? [:], uniquingKeysWith: { _, new in new })
        switch format {
        case .text: write(textLine(event, fields))
        case .json: jsonLine(event, fields).map(write)
        }
    }

    func textLine(_ event: LogEvent, _ fields: Logger.Metadata) -> String {
        var fields = fields
        if let error = event.error {
            fields["error.message"] = "\(error)"
            fields["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        let pairs = fields.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        return "\(Self.localTime()) \(event.level) \(label):\(pairs) [\(event.source)] \(event.message)\n"
    }

    func jsonLine(_ event: LogEvent, _ fields: Logger.Metadata) -> String? {
        var object = fields.mapValues(Self.json)
        if let error = event.error { object["error"] = String(reflecting: error) }
        object["time"] = APITime.text(Date())
        object["level"] = event.level.rawValue
        object["label"] = label
        object["message"] = event.message.description
        object["source"] = event.source
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return nil }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func json(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let text): text
        case .stringConvertible(let value): value.description
        case .array(let values): values.map(json)
        case .dictionary(let values): values.mapValues(json)
        }
    }

    /// Local time to the second with its offset, as `StreamLogHandler` writes it.
    static func localTime() -> String {
        var now = time_t(Date().timeIntervalSince1970)
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let length = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
