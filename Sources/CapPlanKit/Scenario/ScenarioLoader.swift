// Scenario input: a YAML or JSON file (or standard input) -> a validated `Scenario`.
// Pass 1 (ScenarioDocument.swift) checks structure and types, pass 2 (ScenarioValidator.swift)
// checks consistency; every error of both passes is reported together, in file order.
import Foundation

public enum ScenarioLoader {
    enum Format {
        case yaml, json
    }

    /// Loads a scenario file: `.yaml`/`.yml` as YAML, `.json` as JSON, `-` = standard input
    /// (JSON when it starts with `{` or `[`, YAML otherwise). Data files the scenario names
    /// (demand CSV, hourly profile) must lie inside the scenario's directory (for standard input, the current
    /// directory) unless `allowOutsidePaths`. `slices` (`--slices N`) replaces the slice count
    /// of `timeSlices: {hourlyProfile, slices}` and means nothing to a scenario that lists its
    /// slices (callers check `Scenario.hourlyProfile`). Throws `ScenarioLoadError` only.
    public static func load(
        path: String, catalog: Catalog = .builtIn, limits: ScenarioLimits = .default, allowOutsidePaths: Bool = false,
        slices: Int? = nil
    ) throws -> LoadedScenario {
        if path == "-" {
            let bytes: [UInt8]
            switch InputFile.readStandardInput(maxBytes: limits.maxScenarioBytes) {
            case .success(let b): bytes = b
            case .failure(let e): throw single(file: "<stdin>", "expected a scenario on standard input (\(e.message))")
            }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw single(file: "<stdin>", "expected UTF-8 text on standard input")
            }
            return try load(text: text, fileName: "-", baseDirectory: FileManager.default.currentDirectoryPath, catalog: catalog,
                            limits: limits, allowOutsidePaths: allowOutsidePaths, slices: slices)
        }
        _ = try format(of: path)  // refuse other extensions before reading
        let bytes: [UInt8]
        switch InputFile.read(path: path, maxBytes: limits.maxScenarioBytes) {
        case .success(let b): bytes = b
        case .failure(let e): throw single(file: path, "expected a readable scenario file (\(e.message))")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw single(file: path, "expected a UTF-8 text file")
        }
        let base = (path as NSString).deletingLastPathComponent
        return try load(text: text, fileName: path, baseDirectory: base.isEmpty ? "." : base, catalog: catalog, limits: limits,
                        allowOutsidePaths: allowOutsidePaths, slices: slices)
    }

    /// Loads scenario text; the format comes from `fileName`'s extension (`-` = detect).
    /// `baseDirectory` resolves relative data file paths, which must stay inside it unless
    /// `allowOutsidePaths`. `slices`: as for `load(path:)`.
    public static func load(
        text: String, fileName: String, baseDirectory: String, catalog: Catalog = .builtIn, limits: ScenarioLimits = .default,
        allowOutsidePaths: Bool = false, slices: Int? = nil
    ) throws -> LoadedScenario {
        let format = try format(of: fileName, text: text)
        let display = fileName == "-" ? "<stdin>" : fileName
        guard text.utf8.count <= limits.maxScenarioBytes else {
            throw single(file: display, "expected a scenario of at most \(InputFile.sizeText(limits.maxScenarioBytes))")
        }
        let sink = DiagnosticSink(file: display, limit: limits.maxDiagnostics)

        let root: DocNode
        do {
            root = try DocumentReader.parse(text)
        } catch let e as DocumentError {
            throw ScenarioLoadError(diagnostics: [Diagnostic(severity: .error, file: display, path: e.path, line: e.line, column: e.column, message: e.message)])
        }
        if format == .json, let problem = strictJSONProblem(text) {
            throw ScenarioLoadError(diagnostics: [Diagnostic(severity: .error, file: display, path: "", line: problem.line, column: problem.column, message: "invalid JSON: \(problem.message)")])
        }

        let raw = ScenarioDocumentDecoder(sink: sink, catalog: catalog).decode(root)
        var scenario: Scenario?
        if let raw {
            scenario = ScenarioValidator(sink: sink, catalog: catalog, limits: limits, baseDirectory: baseDirectory,
                                         allowOutsidePaths: allowOutsidePaths, slicesOverride: slices).validate(raw)
        }
        if sink.hasErrors || scenario == nil {
            var errors = sink.errors
            if errors.isEmpty { errors = [Diagnostic(severity: .error, file: display, path: "", line: nil, column: nil, message: "invalid scenario")] }
            throw ScenarioLoadError(diagnostics: errors)
        }
        return LoadedScenario(scenario: scenario!, warnings: sink.warnings)
    }

    // MARK: Helpers

    private static func single(file: String, _ message: String) -> ScenarioLoadError {
        ScenarioLoadError(diagnostics: [Diagnostic(severity: .error, file: file, path: "", message: message)])
    }

    static func format(of fileName: String, text: String? = nil) throws -> Format {
        if fileName == "-" {
            let first = text?.unicodeScalars.first { !CharacterSet.whitespacesAndNewlines.contains($0) && $0 != "\u{FEFF}" }
            return first == "{" || first == "[" ? .json : .yaml
        }
        let ext = (fileName as NSString).pathExtension.lowercased()
        switch ext {
        case "yaml", "yml": return .yaml
        case "json": return .json
        default:
            throw single(file: fileName, "expected a .yaml, .yml or .json scenario file, got " + (ext.isEmpty ? "no extension" : "a .\(ext) file")
                + (ext == "csv" ? " (CSV files hold demand and are referenced from a scenario: demand: {csv: FILE, column: NAME})" : ""))
        }
    }

    /// YAML accepts more than JSON (`{a: 1}`, comments, trailing commas): a `.json` file must
    /// also be strict JSON (RFC 8259). Returns the first problem with its line and column.
    static func strictJSONProblem(_ text: String) -> (line: Int, column: Int, message: String)? {
        var checker = StrictJSON(bytes: Array(text.utf8))
        return checker.check()
    }
}

/// A strict JSON syntax checker (no values built): the YAML parser builds the tree.
struct StrictJSON {
    let bytes: [UInt8]
    var i = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
    }

    struct Problem: Error {
        let offset: Int
        let message: String
    }

    mutating func check() -> (line: Int, column: Int, message: String)? {
        do {
            skipSpace()
            try value(depth: 0)
            skipSpace()
            if i < bytes.count { throw Problem(offset: i, message: "expected the end of the document after the top-level value") }
            return nil
        } catch let p as Problem {
            let before = bytes[..<min(p.offset, bytes.count)]
            let line = before.filter { $0 == 0x0A }.count + 1
            let lineStart = before.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
            let column = String(decoding: bytes[lineStart..<min(p.offset, bytes.count)], as: UTF8.self).unicodeScalars.count + 1
            return (line, column, p.message)
        } catch {
            return (1, 1, "\(error)")
        }
    }

    private var current: UInt8? { i < bytes.count ? bytes[i] : nil }

    private mutating func skipSpace() {
        while let c = current, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { i += 1 }
    }

    private func found() -> String {
        guard let c = current else { return "the end of the file" }
        if c == UInt8(ascii: "#") { return "a comment (JSON has none)" }
        return "`\(String(decoding: [c], as: UTF8.self))`"
    }

    private mutating func expect(_ c: Character) throws {
        guard current == c.asciiValue else { throw Problem(offset: i, message: "expected `\(c)`, found \(found())") }
        i += 1
    }

    private mutating func value(depth: Int) throws {
        guard depth < DocumentReader.maxDepth else { throw Problem(offset: i, message: "nesting deeper than \(DocumentReader.maxDepth) levels") }
        switch current {
        case UInt8(ascii: "{"):
            i += 1
            skipSpace()
            if current == UInt8(ascii: "}") { i += 1; return }
            while true {
                skipSpace()
                guard current == UInt8(ascii: "\"") else { throw Problem(offset: i, message: "expected a key in double quotes, found \(found())") }
                try string()
                skipSpace()
                try expect(":")
                skipSpace()
                try value(depth: depth + 1)
                skipSpace()
                if current == UInt8(ascii: ",") {
                    i += 1
                    skipSpace()
                    if current == UInt8(ascii: "}") { throw Problem(offset: i, message: "expected another key after `,` (JSON allows no trailing comma)") }
                    continue
                }
                try expect("}")
                return
            }
        case UInt8(ascii: "["):
            i += 1
            skipSpace()
            if current == UInt8(ascii: "]") { i += 1; return }
            while true {
                skipSpace()
                try value(depth: depth + 1)
                skipSpace()
                if current == UInt8(ascii: ",") {
                    i += 1
                    skipSpace()
                    if current == UInt8(ascii: "]") { throw Problem(offset: i, message: "expected another value after `,` (JSON allows no trailing comma)") }
                    continue
                }
                try expect("]")
                return
            }
        case UInt8(ascii: "\""):
            try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case let c? where c == UInt8(ascii: "-") || (c >= 0x30 && c <= 0x39):
            try number()
        default:
            throw Problem(offset: i, message: "expected a JSON value, found \(found())")
        }
    }

    private mutating func literal(_ word: String) throws {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w else {
            throw Problem(offset: i, message: "expected a JSON value, found \(found())")
        }
        i += w.count
    }

    private mutating func string() throws {
        let start = i
        i += 1
        while let c = current {
            i += 1
            if c == UInt8(ascii: "\"") { return }
            if c < 0x20 { throw Problem(offset: i - 1, message: "expected no control characters in a string") }
            if c == UInt8(ascii: "\\") {
                guard let e = current, "\"\\/bfnrtu".utf8.contains(e) else { throw Problem(offset: i, message: "expected a valid escape in a string") }
                i += 1
            }
        }
        throw Problem(offset: start, message: "expected the string to end with `\"`")
    }

    private mutating func number() throws {
        let start = i
        if current == UInt8(ascii: "-") { i += 1 }
        func digits() -> Int {
            var n = 0
            while let c = current, c >= 0x30 && c <= 0x39 { i += 1; n += 1 }
            return n
        }
        if current == UInt8(ascii: "0") { i += 1 } else if digits() == 0 { throw Problem(offset: start, message: "expected a number") }
        if current == UInt8(ascii: ".") {
            i += 1
            if digits() == 0 { throw Problem(offset: i, message: "expected digits after `.`") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            i += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { i += 1 }
            if digits() == 0 { throw Problem(offset: i, message: "expected digits in the exponent") }
        }
    }
}
