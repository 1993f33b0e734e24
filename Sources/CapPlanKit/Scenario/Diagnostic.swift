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

    public init(
        severity: Severity, file: String, path: String, line: Int? = nil, column: Int? = nil,
        value: String? = nil, message: String
    ) {
        self.severity = severity
        self.file = file
        self.path = path
        self.line = line
        self.column = column
        self.value = value
        self.message = message
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

/// Limits that protect the machine from scenarios whose model would be too large.
public struct ScenarioLimits: Sendable {
    /// Largest estimated number of nonzeros in the constraint matrix.
    public var maxNonzeros: Int

    public init(maxNonzeros: Int) {
        self.maxNonzeros = maxNonzeros
    }

    public static let `default` = ScenarioLimits(maxNonzeros: 5_000_000)
}

// MARK: - Collecting diagnostics

/// Collects diagnostics from every pass; sorts them into file order at the end.
final class DiagnosticSink {
    /// The scenario file's display name.
    let file: String
    private var items: [(diagnostic: Diagnostic, order: (Int, Int, Int))] = []
    private var counter = 0

    init(file: String) {
        self.file = file
    }

    var hasErrors: Bool { items.contains { $0.diagnostic.severity == .error } }

    /// A diagnostic at `node` (or at `at` when the finding belongs to another file, e.g. a CSV,
    /// but should sort where that file is referenced).
    func add(
        _ severity: Diagnostic.Severity, _ path: String, at node: DocNode?, value: String? = nil,
        _ message: String, file otherFile: String? = nil, line otherLine: Int? = nil, sortAt: DocNode? = nil
    ) {
        counter += 1
        let line = otherFile == nil ? node?.line : otherLine
        let column = otherFile == nil ? node?.column : nil
        let anchor = sortAt ?? node
        let order = (anchor?.line ?? Int.max, otherFile == nil ? (anchor?.column ?? 0) : Int.max - 1, counter)
        items.append((Diagnostic(
            severity: severity, file: otherFile ?? file, path: path, line: line, column: column,
            value: value, message: message
        ), order))
    }

    func error(_ path: String, at node: DocNode?, value: String? = nil, _ message: String) {
        add(.error, path, at: node, value: value, message)
    }

    func warning(_ path: String, at node: DocNode?, value: String? = nil, _ message: String) {
        add(.warning, path, at: node, value: value, message)
    }

    private func sorted(_ severity: Diagnostic.Severity) -> [Diagnostic] {
        items.filter { $0.diagnostic.severity == severity }
            .sorted { $0.order < $1.order }
            .map(\.diagnostic)
    }

    var errors: [Diagnostic] { sorted(.error) }
    var warnings: [Diagnostic] { sorted(.warning) }
}

// MARK: - Did you mean

/// Levenshtein distance, case-insensitive.
func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a.lowercased().unicodeScalars), y = Array(b.lowercased().unicodeScalars)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var previous = Array(0...y.count)
    var current = [Int](repeating: 0, count: y.count + 1)
    for i in 1...x.count {
        current[0] = i
        for j in 1...y.count {
            let cost = x[i - 1] == y[j - 1] ? 0 : 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        }
        swap(&previous, &current)
    }
    return previous[y.count]
}

/// The closest candidate within edit distance 2, if any.
func closestMatch(to word: String, in candidates: [String]) -> String? {
    var best: (String, Int)?
    for candidate in candidates {
        let d = editDistance(word, candidate)
        if d <= 2, d < (best?.1 ?? Int.max) { best = (candidate, d) }
    }
    return best?.0
}

/// " Did you mean `x`?" or "".
func didYouMean(_ word: String, in candidates: [String]) -> String {
    closestMatch(to: word, in: candidates).map { "; did you mean `\($0)`?" } ?? ""
}
