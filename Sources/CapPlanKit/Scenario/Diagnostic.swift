// Diagnostics of scenario loading: what is wrong, where, and what was expected.

/// One finding about a scenario file: an error (the scenario is refused) or a warning.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Hashable, Sendable {
        case error
        case warning
    }

    public let severity: Severity
    /// The file the finding is in (the scenario file, or a CSV file it references).
    public let file: String
    /// Where in the document: `offerings[2].throughput.chat`, `horizon.start`; empty for the root.
    /// List indices are zero-based.
    public let path: String
    /// 1-based line, when known.
    public let line: Int?
    /// 1-based column, when known.
    public let column: Int?
    /// The offending value as written (quoted scalars keep their quotes; empty = nothing written).
    public let value: String?
    /// What was expected.
    public let message: String

    /// Every text part is made safe to print here (docs/input-limits.md): control characters
    /// escaped, the value cut to a short excerpt, the path and message bounded.
    public init(
        severity: Severity, file: String, path: String, line: Int? = nil, column: Int? = nil,
        value: String? = nil, message: String
    ) {
        self.severity = severity
        self.file = InputText.excerpt(file, limit: InputText.fileNameLength)
        self.path = InputText.excerpt(path, limit: InputText.pathLength)
        self.line = line
        self.column = column
        self.value = value.map { InputText.excerpt($0) }
        self.message = InputText.excerpt(message, limit: InputText.messageLength)
    }

    /// `scenario.yaml:14:7: error: offerings[2].throughput.chat: expected a number > 0, got -5`
    public var description: String {
        var location = file
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        var text = "\(location): \(severity.rawValue): "
        if !path.isEmpty { text += "\(path): " }
        guard let value else { return text + message }
        let got = value.isEmpty ? ", got nothing" : ", got \(value)"
        // The value reads best before a trailing suggestion.
        if let hint = message.range(of: "; did you mean") {
            return text + message[..<hint.lowerBound] + got + message[hint.lowerBound...]
        }
        return text + message + got
    }
}

/// The scenario was refused: every error found, in file order.
public struct ScenarioLoadError: Error, CustomStringConvertible {
    public let diagnostics: [Diagnostic]

    public init(diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// A validated scenario and the warnings found while reading it.
public struct LoadedScenario: Sendable {
    public let scenario: Scenario
    public let warnings: [Diagnostic]

    public init(scenario: Scenario, warnings: [Diagnostic]) {
        self.scenario = scenario
        self.warnings = warnings
    }
}

/// Limits that protect the machine from inputs that are too large (docs/input-limits.md).
public struct ScenarioLimits: Sendable {
    /// Largest estimated number of nonzeros in the constraint matrix.
    public var maxNonzeros: Int
    /// Largest scenario file or standard input, in bytes.
    public var maxScenarioBytes: Int
    /// Largest data file a scenario names (demand CSV), in bytes.
    public var maxDataFileBytes: Int
    /// Most errors reported (and most warnings); the rest are counted in a last line.
    public var maxDiagnostics: Int

    public init(maxNonzeros: Int = 5_000_000, maxScenarioBytes: Int = 8 << 20, maxDataFileBytes: Int = 8 << 20, maxDiagnostics: Int = 100) {
        self.maxNonzeros = maxNonzeros
        self.maxScenarioBytes = maxScenarioBytes
        self.maxDataFileBytes = maxDataFileBytes
        self.maxDiagnostics = maxDiagnostics
    }

    public static let `default` = ScenarioLimits()
}

// MARK: - Collecting diagnostics

/// Collects diagnostics from every pass; sorts them into file order at the end. Keeps at most
/// `limit` errors and `limit` warnings; past that it only counts, and never builds the message
/// (so a costly suggestion is computed at most `limit` times, however many mistakes a file has).
final class DiagnosticSink {
    /// The scenario file's display name.
    let file: String
    let limit: Int
    private var items: [(diagnostic: Diagnostic, order: (Int, Int, Int))] = []
    private var counter = 0
    private var kept: [Diagnostic.Severity: Int] = [:]
    private var dropped: [Diagnostic.Severity: Int] = [:]

    init(file: String, limit: Int = ScenarioLimits.default.maxDiagnostics) {
        self.file = file
        self.limit = limit
    }

    var hasErrors: Bool { (kept[.error] ?? 0) > 0 }

    /// A diagnostic at `node` (or at `at` when the finding belongs to another file, e.g. a CSV,
    /// but should sort where that file is referenced).
    func add(
        _ severity: Diagnostic.Severity, _ path: @autoclosure () -> String, at node: DocNode?, value: @autoclosure () -> String? = nil,
        _ message: @autoclosure () -> String, file otherFile: String? = nil, line otherLine: Int? = nil, sortAt: DocNode? = nil
    ) {
        guard kept[severity, default: 0] < limit else {
            dropped[severity, default: 0] += 1
            return
        }
        kept[severity, default: 0] += 1
        counter += 1
        let line = otherFile == nil ? node?.line : otherLine
        let column = otherFile == nil ? node?.column : nil
        let anchor = sortAt ?? node
        let order = (anchor?.line ?? Int.max, otherFile == nil ? (anchor?.column ?? 0) : Int.max - 1, counter)
        items.append((Diagnostic(
            severity: severity, file: otherFile ?? file, path: path(), line: line, column: column,
            value: value(), message: message()
        ), order))
    }

    func error(_ path: @autoclosure () -> String, at node: DocNode?, value: @autoclosure () -> String? = nil, _ message: @autoclosure () -> String) {
        add(.error, path(), at: node, value: value(), message())
    }

    func warning(_ path: @autoclosure () -> String, at node: DocNode?, value: @autoclosure () -> String? = nil, _ message: @autoclosure () -> String) {
        add(.warning, path(), at: node, value: value(), message())
    }

    private func sorted(_ severity: Diagnostic.Severity) -> [Diagnostic] {
        var list = items.filter { $0.diagnostic.severity == severity }
            .sorted { $0.order < $1.order }
            .map(\.diagnostic)
        if let more = dropped[severity], more > 0 {
            list.append(Diagnostic(severity: severity, file: file, path: "",
                                   message: "and \(more) more \(severity == .error ? "error" : "warning")\(more == 1 ? "" : "s") (only the first \(limit) are listed)"))
        }
        return list
    }

    var errors: [Diagnostic] { sorted(.error) }
    var warnings: [Diagnostic] { sorted(.warning) }
}

