// A deterministic mutation fuzzer for the scenario reader and validator (issue 17). It mutates
// seed scenarios (examples/, test fixtures) with byte flips, splices, numeric extremes, deep
// nesting, long strings, control characters, anchors and aliases, tags and hostile data-file
// paths, feeds each result to `ScenarioLoader` in this process, and checks what comes back:
// a scenario that obeys `ScenarioRules`, or a `ScenarioLoadError` whose diagnostics obey the
// message limits (docs/input-limits.md). Anything else is an unexpected outcome. A crash ends
// the process; `CrashRecorder` first writes the input that caused it.
import CapPlanKit
import Foundation

/// One seed input.
public struct FuzzSeed: Sendable {
    public var name: String
    public var bytes: [UInt8]

    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }

    /// Every `.yaml`, `.yml` and `.json` file under `directories`, sorted by path (so the corpus,
    /// and with it the run, is the same on every machine).
    public static func corpus(in directories: [String]) -> [FuzzSeed] {
        var paths: [String] = []
        for directory in directories {
            guard let walker = FileManager.default.enumerator(atPath: directory) else { continue }
            while let relative = walker.nextObject() as? String {
                let ext = (relative as NSString).pathExtension.lowercased()
                if ["yaml", "yml", "json"].contains(ext) { paths.append(directory + "/" + relative) }
            }
        }
        return paths.sorted().compactMap { path in
            FileManager.default.contents(atPath: path).map { FuzzSeed(name: path, bytes: Array($0)) }
        }
    }
}

/// What a run found.
public struct FuzzReport: Sendable {
    public var inputs = 0
    /// Inputs that loaded as a valid scenario.
    public var accepted = 0
    /// Inputs refused with a `ScenarioLoadError` that obeyed the message rules.
    public var refused = 0
    /// Outcomes that break a rule: another error type, a scenario outside `ScenarioRules`, a
    /// diagnostic with a raw control character, a long excerpt or too many lines.
    public var unexpected = 0
    /// The first few unexpected outcomes, with the input that caused them.
    public var examples: [(problem: String, input: [UInt8])] = []
    public var seconds = 0.0
}

public struct ScenarioFuzzer {
    public let seeds: [FuzzSeed]
    /// Where relative data-file paths resolve (the seeds' CSV files live there).
    public let baseDirectory: String
    public let catalog: Catalog

    public init(seeds: [FuzzSeed], baseDirectory: String, catalog: Catalog = .builtIn) {
        precondition(!seeds.isEmpty, "the fuzzer needs at least one seed")
        self.seeds = seeds
        self.baseDirectory = baseDirectory
        self.catalog = catalog
    }

    /// Runs `inputs` mutated inputs from `seed`; `progress` every 10,000 inputs.
    public func run(inputs: Int, seed: UInt64, progress: ((FuzzReport) -> Void)? = nil) -> FuzzReport {
        var rng = ScenarioRNG(seed: seed)
        var report = FuzzReport()
        let start = Date()
        let valid = validSeeds
        for i in 0..<inputs {
            let (bytes, json) = mutated(&rng, valid: valid)
            CrashRecorder.current(bytes)
            let problem = check(bytes, json: json)
            report.inputs += 1
            switch problem {
            case .accepted: report.accepted += 1
            case .refused: report.refused += 1
            case .unexpected(let what):
                report.unexpected += 1
                if report.examples.count < 10 { report.examples.append((what, bytes)) }
            }
            if let progress, (i + 1) % 10_000 == 0 {
                report.seconds = Date().timeIntervalSince(start)
                progress(report)
            }
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    enum Outcome {
        case accepted, refused
        case unexpected(String)
    }

    /// What is wrong with the outcome of one input, or nil when it is expected (for a
    /// coverage-guided driver such as libFuzzer).
    public func problem(_ bytes: [UInt8], json: Bool) -> String? {
        if case .unexpected(let what) = check(bytes, json: json) { return what }
        return nil
    }

    /// Loads one input and checks the outcome against the rules.
    func check(_ bytes: [UInt8], json: Bool) -> Outcome {
        // The loader reads text; bytes that are not UTF-8 are refused before it, as the CLI does.
        guard let text = String(validating: bytes, as: UTF8.self) else { return .refused }
        do {
            let loaded = try ScenarioLoader.load(text: text, fileName: json ? "fuzz.json" : "fuzz.yaml", baseDirectory: baseDirectory, catalog: catalog)
            let violations = ScenarioRules.violations(in: loaded.scenario)
            if !violations.isEmpty { return .unexpected("accepted a scenario that breaks the rules: \(violations.prefix(3))") }
            if let bad = loaded.warnings.lazy.compactMap(Self.messageProblem).first { return .unexpected("warning: \(bad)") }
            return .accepted
        } catch let error as ScenarioLoadError {
            if error.diagnostics.isEmpty { return .unexpected("a refusal without a diagnostic") }
            if error.diagnostics.count > ScenarioLimits.default.maxDiagnostics + 1 {
                return .unexpected("\(error.diagnostics.count) diagnostics, more than \(ScenarioLimits.default.maxDiagnostics) and a count")
            }
            if let bad = error.diagnostics.lazy.compactMap(Self.messageProblem).first { return .unexpected(bad) }
            return .refused
        } catch {
            return .unexpected("unexpected error type \(type(of: error)): \(String(describing: error).prefix(200))")
        }
    }

    /// Why a diagnostic breaks the message rules, or nil.
    static func messageProblem(_ d: Diagnostic) -> String? {
        let text = d.description
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            return "a raw control character in: \(text.debugDescription.prefix(200))"
        }
        if let value = d.value, value.count > 61 { return "a value excerpt of \(value.count) characters" }
        if d.message.count > 1001 || d.path.count > 201 { return "a message or path longer than the limits" }
        return nil
    }

    // MARK: Mutations

    static let numbers = ["1e308", "-1e308", "1.7976931348623157e308", "4.9e-324", "-0", "0", "1e36", "1.0000001e36", "1e37",
                          "9223372036854775807", "9223372036854775808", "-9223372036854775809", "-1", ".nan", ".inf", "-.inf",
                          "1e-400", "99999999999999999999", "0x10", "1_000", "2999", "3000", "1e12", "1.0000001e12", "1e15", "1e9"]
    static let fragments = ["&a ", "*a", "<<: *a\n", "!!int ", "!!float ", "!!str ", "!!bool ", "!!null ", "!!binary ", "!custom ",
                            "!!map ", "!!seq ", "? ", "--- \n", "...\n", "%YAML 1.1\n---\n", "{", "}", "[", "]", ",", ": ", "\"", "'",
                            "\u{1B}[31m", "\u{0}", "\r", "\u{7F}", "\u{85}", "\u{2028}", "\u{202E}", "\u{FEFF}", "\t", "#", "|\n", ">\n",
                            "csv: /proc/self/environ", "csv: ../../../../etc/passwd", "csv: /dev/zero", "csv: /etc", "csv: .",
                            "csv: forecasts", "column: tokens", "start: 2999Q4", "periods: 1000", "periods: 1001",
                            "termMonths: 14", "termMonths: 1200", "commitment: period", "commitment: none", "spareUnits: 1",
                            "failureDerating: 0.999999", "acceleratorsPerReplica: {chat: 3}", "platforms: [{id: amd}]",
                            "platform: amd", "minReplicas: 1000000"]
    static let keys = ["name", "horizon", "start", "periods", "workloads", "offerings", "id", "kind", "use", "demand", "tokensPerPeriod",
                       "growthPerPeriod", "csv", "column", "unitPrice", "throughput", "serves", "lifetimePeriods", "policy", "site",
                       "budget", "capexPerPeriod", "powerCapKW", "unservedPenaltyPerMTok", "timeSlices", "hours", "share", "model",
                       // finance (issue 8) and contracts, replicas, platforms, margins (issue 11)
                       "depositFraction", "balanceDaysAfterDelivery", "bookLifePeriods", "fiscalYearStartMonth",
                       "termMonths", "upfrontPerUnit", "platform", "acceleratorsPerReplica", "spareUnits", "failureDerating",
                       "minReplicas", "platforms", "adoptionCost", "yearlyCost", "commitment"]

    /// Seeds that load (examples, valid fixtures): mutations of these reach the validator's
    /// deeper checks, so they are drawn more often than the refused fixtures.
    var validSeeds: [FuzzSeed] { seeds.filter { !$0.name.contains("/invalid/") } }

    func mutated(_ rng: inout ScenarioRNG, valid: [FuzzSeed]) -> (bytes: [UInt8], json: Bool) {
        let pool = !valid.isEmpty && rng.chance(0.7) ? valid : seeds
        let seed = pool[rng.int(0...(pool.count - 1))]
        var bytes = seed.bytes
        let json = seed.name.hasSuffix(".json")
        for _ in 0..<(rng.chance(0.5) ? 1 : rng.int(2...4)) { mutate(&bytes, &rng) }
        return (bytes, json)
    }

    func mutate(_ bytes: inout [UInt8], _ rng: inout ScenarioRNG) {
        func position() -> Int { bytes.isEmpty ? 0 : rng.int(0...bytes.count) }
        func insert(_ text: String) { bytes.insert(contentsOf: Array(text.utf8), at: position()) }
        switch rng.int(0...11) {
        case 0:  // a random byte
            if !bytes.isEmpty { bytes[rng.int(0...(bytes.count - 1))] = UInt8(truncatingIfNeeded: rng.next()) }
        case 1:  // a flipped bit
            if !bytes.isEmpty { bytes[rng.int(0...(bytes.count - 1))] ^= 1 << UInt8(rng.int(0...7)) }
        case 2:  // splice with another seed
            let other = seeds[rng.int(0...(seeds.count - 1))].bytes
            let cut = position(), from = other.isEmpty ? 0 : rng.int(0...other.count)
            bytes = Array(bytes[..<cut]) + Array(other[from...])
        case 3:  // a number replaced by an extreme
            replaceNumber(&bytes, with: Self.numbers[rng.int(0...(Self.numbers.count - 1))], &rng)
        case 4:  // deep nesting
            let depth = rng.int(1...200)
            let open = rng.chance(0.5) ? "[" : "{a: "
            let close = open == "[" ? "]" : "}"
            insert(String(repeating: open, count: depth) + "1" + String(repeating: close, count: depth))
        case 5:  // a long string
            let length = rng.chance(0.9) ? rng.int(50...5000) : rng.int(5000...300_000)
            insert(String(repeating: Character(Unicode.Scalar(UInt8(rng.int(0x61...0x7A)))), count: length))
        case 6:  // control characters and YAML syntax
            insert(Self.fragments[rng.int(0...(Self.fragments.count - 1))])
        case 7:  // delete a range
            if !bytes.isEmpty {
                let a = rng.int(0...(bytes.count - 1)), b = min(bytes.count, a + rng.int(1...64))
                bytes.removeSubrange(a..<b)
            }
        case 8:  // duplicate a line
            let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
            if !lines.isEmpty {
                let line = lines[rng.int(0...(lines.count - 1))]
                insert(String(decoding: line, as: UTF8.self) + "\n")
            }
        case 9:  // a known key somewhere
            insert("\n" + String(repeating: " ", count: rng.int(0...6)) + Self.keys[rng.int(0...(Self.keys.count - 1))] + ": ")
        case 10:  // an anchor and its alias
            insert("&x ")
            insert("*x")
        default:  // many copies of a line: many workloads, many errors
            let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
            if let line = lines.first(where: { $0.starts(with: Array("  - ".utf8)) }) {
                let copies = rng.int(2...400)
                insert(String(repeating: String(decoding: line, as: UTF8.self) + "\n", count: copies))
            }
        }
    }

    /// Replaces one number-looking token (digits, `.`, `e`, sign) with `replacement`.
    func replaceNumber(_ bytes: inout [UInt8], with replacement: String, _ rng: inout ScenarioRNG) {
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        let starts = bytes.indices.filter { isDigit(bytes[$0]) && ($0 == 0 || !isDigit(bytes[$0 - 1]) && bytes[$0 - 1] != UInt8(ascii: ".")) }
        guard !starts.isEmpty else { return }
        let start = starts[rng.int(0...(starts.count - 1))]
        var end = start
        while end < bytes.count, isDigit(bytes[end]) || bytes[end] == UInt8(ascii: ".") || bytes[end] == UInt8(ascii: "e")
            || bytes[end] == UInt8(ascii: "E") || ((bytes[end] == UInt8(ascii: "-") || bytes[end] == UInt8(ascii: "+")) && end > start && (bytes[end - 1] | 0x20) == UInt8(ascii: "e")) {
            end += 1
        }
        bytes.replaceSubrange(start..<end, with: Array(replacement.utf8))
    }
}
