// Reads YAML (and JSON, a subset of it) into a small document tree with line and column marks.
//
// The tree is built from libyaml's event stream (the system libyaml, through the CLibYAML
// module), never from a composed node graph: an anchor (`&name`) or alias (`*name`) is refused
// with its path and line the moment the parser reports it, before any mapping holding it is
// built or any key hashed, so an alias bomb ("billion laughs") never expands. Nesting depth is
// bounded for the same reason (no stack overflow on `[[[[...`). Tags are read as they say
// (`!!int 12` is the number 12, `!!str 12` the text "12") or refused.
import CLibYAML

/// A node of a parsed scenario document.
final class DocNode {
    enum Content {
        /// Text as written, and whether it was a plain (unquoted) scalar.
        case scalar(String, plain: Bool)
        case sequence([DocNode])
        /// Keys are scalars; `keyNode` carries the key's mark.
        case mapping([(key: String, keyNode: DocNode, value: DocNode)])
    }

    let content: Content
    /// 1-based.
    let line: Int
    /// 1-based.
    let column: Int

    init(_ content: Content, line: Int, column: Int) {
        self.content = content
        self.line = line
        self.column = column
    }

    /// Plain `null`, `~` or nothing.
    var isNull: Bool {
        if case .scalar(let text, let plain) = content, plain {
            return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
        }
        return false
    }

    /// The scalar's text as written (quoted scalars with their quotes), for diagnostics.
    var written: String? {
        if case .scalar(let text, let plain) = content { return plain ? text : "\"\(text)\"" }
        return nil
    }

    /// "a list", "a mapping", "nothing", or the scalar as written.
    var kindDescription: String {
        switch content {
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .scalar: return isNull ? "nothing" : (written ?? "")
        }
    }
}

/// A YAML/JSON syntax problem or a refused construct (anchor, alias, tag, nesting).
struct DocumentError: Error {
    let path: String
    let line: Int?
    let column: Int?
    let message: String
}

enum DocumentReader {
    static let maxDepth = 64

    /// Parses one YAML document. Throws `DocumentError`.
    static func parse(_ text: String) throws -> DocNode {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer -> DocNode in
            let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
            parser.initialize(to: yaml_parser_t())
            defer { parser.deallocate() }
            guard yaml_parser_initialize(parser) == 1 else {
                throw DocumentError(path: "", line: nil, column: nil, message: "cannot initialize the YAML parser")
            }
            defer { yaml_parser_delete(parser) }
            yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(parser, buffer.baseAddress, buffer.count)
            var builder = Builder(parser: parser)
            return try builder.document()
        }
    }

    private struct Builder {
        let parser: UnsafeMutablePointer<yaml_parser_t>
        /// The path of the node being read, for errors.
        var path = ""

        mutating func next() throws -> (type: yaml_event_type_t, event: yaml_event_t) {
            var event = yaml_event_t()
            guard yaml_parser_parse(parser, &event) == 1 else {
                let problem = parser.pointee.problem.map { String(cString: $0) } ?? "invalid syntax"
                let context = parser.pointee.context.map { String(cString: $0) + " " } ?? ""
                throw DocumentError(
                    path: path, line: Int(parser.pointee.problem_mark.line) + 1, column: Int(parser.pointee.problem_mark.column) + 1,
                    message: "invalid YAML: \(context)\(problem)")
            }
            return (event.type, event)
        }

        mutating func document() throws -> DocNode {
            var (type, event) = try next()
            yaml_event_delete(&event)
            guard type == YAML_STREAM_START_EVENT else { throw DocumentError(path: "", line: 1, column: 1, message: "invalid YAML stream") }
            (type, event) = try next()
            let docLine = Int(event.start_mark.line) + 1
            yaml_event_delete(&event)
            if type == YAML_STREAM_END_EVENT {
                return DocNode(.scalar("", plain: true), line: 1, column: 1)
            }
            guard type == YAML_DOCUMENT_START_EVENT else { throw DocumentError(path: "", line: docLine, column: 1, message: "invalid YAML stream") }
            (type, event) = try next()
            let root = try node(type, &event, depth: 0)
            (type, event) = try next()  // document end
            yaml_event_delete(&event)
            (type, event) = try next()
            let line = Int(event.start_mark.line) + 1
            yaml_event_delete(&event)
            if type != YAML_STREAM_END_EVENT {
                throw DocumentError(path: "", line: line, column: 1,
                                    message: "expected a single document, found another (`---`)")
            }
            return root
        }

        /// Builds the node that starts with `event` (which it deletes).
        mutating func node(_ type: yaml_event_type_t, _ event: inout yaml_event_t, depth: Int) throws -> DocNode {
            let line = Int(event.start_mark.line) + 1
            let column = Int(event.start_mark.column) + 1
            defer { yaml_event_delete(&event) }
            switch type {
            case YAML_ALIAS_EVENT:
                let name = Self.text(event.data.alias.anchor)
                throw DocumentError(path: path, line: line, column: column,
                                    message: "YAML aliases (`*\(InputText.excerpt(name))`) are not allowed in scenarios; write the value out")
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                try refuseAnchor(s.anchor, line: line, column: column)
                let text = s.value.map { ptr in
                    String(decoding: UnsafeBufferPointer(start: ptr, count: Int(s.length)), as: UTF8.self)
                } ?? ""
                var plain = s.style == YAML_PLAIN_SCALAR_STYLE && s.tag == nil
                if let tag = s.tag.map({ Self.text($0) }) {
                    plain = try resolveScalarTag(tag, text: text, line: line, column: column)
                }
                return DocNode(.scalar(text, plain: plain), line: line, column: column)
            case YAML_SEQUENCE_START_EVENT:
                try refuseAnchor(event.data.sequence_start.anchor, line: line, column: column)
                try refuseCollectionTag(event.data.sequence_start.tag, allowed: "tag:yaml.org,2002:seq", line: line, column: column)
                guard depth < DocumentReader.maxDepth else {
                    throw DocumentError(path: path, line: line, column: column, message: "nesting deeper than \(DocumentReader.maxDepth) levels")
                }
                let saved = path
                var items: [DocNode] = []
                while true {
                    var (t, e) = try next()
                    if t == YAML_SEQUENCE_END_EVENT { yaml_event_delete(&e); break }
                    path = saved + "[\(items.count)]"
                    items.append(try node(t, &e, depth: depth + 1))
                }
                path = saved
                return DocNode(.sequence(items), line: line, column: column)
            case YAML_MAPPING_START_EVENT:
                try refuseAnchor(event.data.mapping_start.anchor, line: line, column: column)
                try refuseCollectionTag(event.data.mapping_start.tag, allowed: "tag:yaml.org,2002:map", line: line, column: column)
                guard depth < DocumentReader.maxDepth else {
                    throw DocumentError(path: path, line: line, column: column, message: "nesting deeper than \(DocumentReader.maxDepth) levels")
                }
                let saved = path
                var pairs: [(key: String, keyNode: DocNode, value: DocNode)] = []
                var seen = Set<String>()
                while true {
                    var (t, e) = try next()
                    if t == YAML_MAPPING_END_EVENT { yaml_event_delete(&e); break }
                    let keyNode = try node(t, &e, depth: depth + 1)
                    guard case .scalar(let key, _) = keyNode.content else {
                        throw DocumentError(path: saved, line: keyNode.line, column: keyNode.column,
                                            message: "mapping keys must be plain names, not \(keyNode.kindDescription)")
                    }
                    let childPath = saved.isEmpty ? key : saved + "." + key
                    if key == "<<" {
                        throw DocumentError(path: childPath, line: keyNode.line, column: keyNode.column,
                                            message: "YAML merge keys (`<<`) are not allowed in scenarios")
                    }
                    if !seen.insert(key).inserted {
                        throw DocumentError(path: childPath, line: keyNode.line, column: keyNode.column,
                                            message: "duplicate key `\(InputText.excerpt(key))`")
                    }
                    path = childPath
                    var (vt, ve) = try next()
                    let value = try node(vt, &ve, depth: depth + 1)
                    pairs.append((key, keyNode, value))
                }
                path = saved
                return DocNode(.mapping(pairs), line: line, column: column)
            default:
                throw DocumentError(path: path, line: line, column: column, message: "unexpected YAML event")
            }
        }

        static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String {
            pointer.map { String(cString: $0) } ?? ""
        }

        /// Anchors exist only to be aliased, and aliases are refused: an anchor is refused where
        /// it is written, which is before anything that could alias it.
        func refuseAnchor(_ anchor: UnsafeMutablePointer<yaml_char_t>?, line: Int, column: Int) throws {
            guard let anchor else { return }
            throw DocumentError(path: path, line: line, column: column,
                                message: "YAML anchors (`&\(InputText.excerpt(Self.text(anchor)))`) are not allowed in scenarios; write the value out")
        }

        func refuseCollectionTag(_ tag: UnsafeMutablePointer<yaml_char_t>?, allowed: String, line: Int, column: Int) throws {
            guard let tag else { return }
            let name = Self.text(tag)
            guard name != allowed else { return }
            throw DocumentError(path: path, line: line, column: column,
                                message: "YAML tag `\(Self.shortTag(name))` is not supported in scenarios; write the value without a tag")
        }

        /// Whether a tagged scalar reads as a plain value (number, boolean, null) or as text.
        /// A tag the value does not fit, or a tag the format has no use for, is refused.
        func resolveScalarTag(_ tag: String, text: String, line: Int, column: Int) throws -> Bool {
            func refuse(_ expected: String) -> DocumentError {
                DocumentError(path: path, line: line, column: column,
                              message: "the YAML tag `\(Self.shortTag(tag))` says \(expected), got `\(InputText.excerpt(text))`")
            }
            switch tag {
            case "!", "tag:yaml.org,2002:str":
                return false
            case "tag:yaml.org,2002:int":
                guard let x = parseNumber(text), x.isFinite, x == x.rounded(), !text.contains("."), !text.lowercased().contains("e") else {
                    throw refuse("a whole number")
                }
                return true
            case "tag:yaml.org,2002:float":
                guard parseNumber(text) != nil else { throw refuse("a number") }
                return true
            case "tag:yaml.org,2002:bool":
                guard ["true", "True", "TRUE", "false", "False", "FALSE"].contains(text) else { throw refuse("true or false") }
                return true
            case "tag:yaml.org,2002:null":
                guard ["", "~", "null", "Null", "NULL"].contains(text) else { throw refuse("null") }
                return true
            default:
                throw DocumentError(path: path, line: line, column: column,
                                    message: "YAML tag `\(Self.shortTag(tag))` is not supported in scenarios; write the value without a tag")
            }
        }

        /// `!!int` for `tag:yaml.org,2002:int`; other tags as written, cut short.
        static func shortTag(_ tag: String) -> String {
            let prefix = "tag:yaml.org,2002:"
            return InputText.excerpt(tag.hasPrefix(prefix) ? "!!" + tag.dropFirst(prefix.count) : tag)
        }
    }
}
