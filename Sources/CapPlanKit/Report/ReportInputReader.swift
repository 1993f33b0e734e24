import Foundation

// Reads the report's inputs through their own Codable types (PlanDocument, BreakevenResult,
// SweepResult): no second parser. A file that does not decode gets a message naming the file,
// the key path and, where the JSON itself is broken, the line.

public enum ReportInputReader {
    /// Plans of the largest scenarios are tens of megabytes; this leaves room and stops a runaway.
    public static let maxBytes = 512 << 20

    /// Reads and decodes one input file (a regular file, at most `maxBytes`).
    public static func read<T: Decodable>(_ type: T.Type, path: String, what: String) throws -> T {
        switch InputFile.read(path: path, maxBytes: maxBytes) {
        case .failure(let error): throw ReportError(message: error.message)
        case .success(let bytes): return try decode(type, from: Data(bytes), file: path, what: what)
        }
    }

    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, file: String, what: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw ReportError(message: "\(file): not \(what): \(describe(error, data: data))")
        }
    }

    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
        }
        return text.isEmpty ? "(top level)" : text
    }

    static func describe(_ error: DecodingError, data: Data) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            let at = path(context.codingPath)
            return "\(at == "(top level)" ? "" : at + ": ")missing key \(key.stringValue)"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(expected(type)); \(context.debugDescription)"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(expected(type)), found null"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty, let line = syntaxLine(context, data: data) {
                return "line \(line): not valid JSON (\(underlying(context)))"
            }
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    static func expected(_ type: Any.Type) -> String {
        switch type {
        case is Double.Type, is Int.Type: return "a number"
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        default: return type is [Any].Type ? "an array" : "an object"
        }
    }

    static func underlying(_ context: DecodingError.Context) -> String {
        (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String ?? context.debugDescription
    }

    /// The line of a syntax error, from the byte offset Foundation reports.
    static func syntaxLine(_ context: DecodingError.Context, data: Data) -> Int? {
        guard let info = (context.underlyingError as NSError?)?.userInfo else { return nil }
        if let index = info["NSJSONSerializationErrorIndex"] as? Int {
            return data.prefix(index).reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        }
        let text = underlying(context)
        if let range = text.range(of: "line ") {
            let digits = text[range.upperBound...].prefix { $0.isNumber }
            return Int(digits)
        }
        return nil
    }
}
