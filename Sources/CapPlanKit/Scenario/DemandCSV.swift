// Demand from a CSV file: `{csv: forecasts/chat.csv, column: tokens}`.
// A header row names the columns (`period` and the demand column; others are ignored); then
// one row per horizon period, each period exactly once. Errors name the CSV file and its line.
// The file is read through `InputFile`: inside the scenario's directory, a regular file, capped.
import Foundation

enum DemandCSV {
    /// The CSV path as shown in diagnostics: relative paths joined to the scenario's directory.
    static func displayPath(_ path: String, baseDirectory: String) -> String {
        if path.hasPrefix("/") || baseDirectory.isEmpty || baseDirectory == "." { return path }
        return baseDirectory.hasSuffix("/") ? baseDirectory + path : baseDirectory + "/" + path
    }

    /// A CSV text's lines, a byte-order mark dropped (a spreadsheet's export).
    static func lines(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.first?.hasPrefix("\u{FEFF}") == true { lines[0].removeFirst() }
        return lines
    }

    /// A CSV line's cells, trimmed, one pair of surrounding quotes removed.
    static func cells(_ line: String) -> [String] {
        line.split(separator: ",", omittingEmptySubsequences: false).map { cell in
            var c = cell.trimmingCharacters(in: .whitespacesAndNewlines)
            if c.count >= 2, c.hasPrefix("\""), c.hasSuffix("\"") { c = String(c.dropFirst().dropLast()) }
            return c
        }
    }

    /// The text of a scenario's CSV data file (a demand CSV, an hourly profile): confined to the
    /// scenario's directory (docs/input-limits.md), at most `maxBytes`, UTF-8; every failure
    /// reported at the key that names the file. The one home of those checks.
    static func readText(file: Loc<String>, baseDirectory: String, allowOutsidePaths: Bool, maxBytes: Int, sink: DiagnosticSink) -> String? {
        let path: String
        switch InputFile.confined(file.value, root: baseDirectory, allowOutside: allowOutsidePaths) {
        case .success(let p): path = p
        case .failure(let e):
            sink.error(file.path, at: file.node, value: file.node.written, e.message)
            return nil
        }
        let bytes: [UInt8]
        switch InputFile.read(path: path, maxBytes: maxBytes) {
        case .success(let b): bytes = b
        case .failure(let e):
            sink.error(file.path, at: file.node, value: file.node.written, "expected a readable CSV file (\(e.message))")
            return nil
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let shown = displayPath(file.value, baseDirectory: baseDirectory)
            sink.error(file.path, at: file.node, value: file.node.written, "expected a UTF-8 CSV file (\(shown) is not UTF-8 text)")
            return nil
        }
        return text
    }

    static func read(
        file: Loc<String>, column: String, baseDirectory: String, allowOutsidePaths: Bool, maxBytes: Int,
        horizon: Horizon, sink: DiagnosticSink
    ) -> [Double]? {
        let shown = displayPath(file.value, baseDirectory: baseDirectory)
        guard let text = readText(file: file, baseDirectory: baseDirectory, allowOutsidePaths: allowOutsidePaths, maxBytes: maxBytes, sink: sink) else {
            return nil
        }
        func fail(_ line: Int?, _ value: String?, _ message: String) {
            sink.add(.error, file.path, at: file.node, value: value, message, file: shown, line: line, sortAt: file.node)
        }

        let lines = Self.lines(text)
        // Header: the first non-empty line.
        guard let headerIndex = lines.firstIndex(where: { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) else {
            fail(nil, nil, "expected a header row `period,\(column)` and one row per period; the file is empty")
            return nil
        }
        let header = cells(lines[headerIndex])
        let periodIndex = header.firstIndex(of: "period")
        let valueIndex = header.firstIndex(of: column)
        if periodIndex == nil || valueIndex == nil {
            var missing: [String] = []
            if periodIndex == nil { missing.append("`period`") }
            if valueIndex == nil { missing.append("`\(column)`") }
            let hint = valueIndex == nil ? didYouMean(column, in: header) : ""
            fail(headerIndex + 1, lines[headerIndex].trimmingCharacters(in: .whitespacesAndNewlines),
                 "expected a header row with columns `period` and `\(column)` (missing \(missing.joined(separator: " and ")))\(hint)")
            return nil
        }
        var values = [Double?](repeating: nil, count: horizon.periods)
        var firstLine = [Int](repeating: 0, count: horizon.periods)
        var ok = true
        for i in (headerIndex + 1)..<lines.count {
            let raw = lines[i]
            if raw.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { continue }
            let lineNumber = i + 1
            let row = cells(raw)
            guard row.count > max(periodIndex!, valueIndex!) else {
                fail(lineNumber, raw.trimmingCharacters(in: .whitespacesAndNewlines), "expected \(header.count) columns like the header")
                ok = false
                continue
            }
            let labelText = row[periodIndex!]
            guard let label = PeriodLabel(labelText) else {
                fail(lineNumber, labelText, "expected a period label: YYYYQn, YYYY-MM or YYYY")
                ok = false
                continue
            }
            guard label.kind == horizon.kind else {
                fail(lineNumber, labelText, "expected a \(horizon.kind.rawValue) label like \(horizon.start), the horizon's kind")
                ok = false
                continue
            }
            let offset = horizon.offset(of: label)
            guard offset >= 0, offset < horizon.periods else {
                fail(lineNumber, labelText, "expected a period of the horizon \(horizon.labels.first!)...\(horizon.labels.last!)")
                ok = false
                continue
            }
            if firstLine[offset] != 0 {
                fail(lineNumber, labelText, "expected each period once (\(label) is also on line \(firstLine[offset]))")
                ok = false
                continue
            }
            firstLine[offset] = lineNumber
            let valueText = row[valueIndex!]
            guard let value = parseNumber(valueText), ScenarioRules.tokens.allows(value) else {
                fail(lineNumber, valueText, "expected \(ScenarioRules.tokens.expected)")
                ok = false
                continue
            }
            values[offset] = value
        }
        let missing = (0..<horizon.periods).filter { firstLine[$0] == 0 }
        if !missing.isEmpty {
            let labels = missing.prefix(6).map { horizon.start.advanced(by: $0).description }.joined(separator: ", ")
            fail(nil, nil, "expected a row for every period of the horizon; missing \(missing.count): \(labels)\(missing.count > 6 ? ", ..." : "")")
            ok = false
        }
        return ok ? values.map { $0 ?? 0 } : nil
    }
}
