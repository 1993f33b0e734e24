// Scenario input: a YAML or JSON file (or standard input) -> a validated `Scenario`.
// Pass 1 (ScenarioDocument.swift) checks structure and types, pass 2 (ScenarioValidator.swift)
// checks consistency; every error of both passes is reported together, in file order.
import Foundation

public enum ScenarioLoader {
    enum Format {
        case yaml, json
    }

    /// Loads a scenario file: `.yaml`/`.yml` as YAML, `.json` as JSON, `-` = standard input
    /// (JSON when it starts with `{` or `[`, YAML otherwise). Throws `ScenarioLoadError` only.
    public static func load(path: String, catalog: Catalog = .builtIn, limits: ScenarioLimits = .default) throws -> LoadedScenario {
        if path == "-" {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            guard let text = String(data: data, encoding: .utf8) else {
                throw single(file: "<stdin>", "expected UTF-8 text on standard input")
            }
            return try load(text: text, fileName: "-", baseDirectory: FileManager.default.currentDirectoryPath, catalog: catalog, limits: limits)
        }
        _ = try format(of: path)  // refuse other extensions before reading
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw single(file: path, "expected a readable scenario file (\(DemandCSV.readableReason(error)))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw single(file: path, "expected a UTF-8 text file")
        }
        let base = (path as NSString).deletingLastPathComponent
        return try load(text: text, fileName: path, baseDirectory: base.isEmpty ? "." : base, catalog: catalog, limits: limits)
    }

    /// Loads scenario text; the format comes from `fileName`'s extension (`-` = detect).
    /// `baseDirectory` resolves relative CSV paths.
    public static func load(
        text: String, fileName: String, baseDirectory: String, catalog: Catalog = .builtIn, limits: ScenarioLimits = .default
    ) throws -> LoadedScenario {
        let format = try format(of: fileName, text: text)
        let display = fileName == "-" ? "<stdin>" : fileName
        let sink = DiagnosticSink(file: display)

        let root: DocNode
        do {
            root = try DocumentReader.parse(text)
        } catch let e as DocumentError {
            throw ScenarioLoadError(diagnostics: [Diagnostic(severity: .error, file: display, path: e.path, line: e.line, column: e.column, message: e.message)])
        }
        if format == .json, let problem = strictJSONProblem(text) {
            throw ScenarioLoadError(diagnostics: [Diagnostic(severity: .error, file: display, path: "", line: problem.line, column: nil, message: "invalid JSON: \(problem.message)")])
        }

        let raw = ScenarioDocumentDecoder(sink: sink, catalog: catalog).decode(root)
        var scenario: Scenario?
        if let raw {
            scenario = ScenarioValidator(sink: sink, catalog: catalog, limits: limits, baseDirectory: baseDirectory).validate(raw)
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

    /// YAML accepts more than JSON (`{a: 1}`, comments): a `.json` file must also be strict JSON.
    private static func strictJSONProblem(_ text: String) -> (line: Int?, message: String)? {
        guard let data = text.data(using: .utf8) else { return (nil, "not UTF-8") }
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return nil
        } catch {
            let ns = error as NSError
            let detail = (ns.userInfo[NSDebugDescriptionErrorKey] as? String) ?? ns.localizedDescription
            var line: Int?
            if let index = ns.userInfo["NSJSONSerializationErrorIndex"] as? Int {
                line = text.utf8.prefix(index).filter { $0 == UInt8(ascii: "\n") }.count + 1
            }
            return (line, detail)
        }
    }
}
