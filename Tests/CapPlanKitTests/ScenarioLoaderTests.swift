import Foundation
import XCTest
@testable import CapPlanKit

/// A small catalog, so these tests do not depend on the shipped one.
enum TestCatalog {
    static let source = CatalogSource(source: "test", asOf: "2025-01")
    static func tput(_ x: Double) -> CatalogThroughput { CatalogThroughput(tokensPerSecond: x, provenance: source, note: "test") }

    static let catalog = Catalog(
        models: [
            CatalogModel(id: "llama-3.1-70b", description: "70B", parametersBillions: 70),
            CatalogModel(id: "llama-3.1-8b", description: "8B", parametersBillions: 8),
        ],
        purchases: [
            CatalogPurchase(
                id: "test-h100-node", accelerator: "H100", acceleratorsPerUnit: 8, unitPrice: 300_000, lifetimeYears: 5,
                powerKW: 10.2, throughputByModel: ["llama-3.1-70b": tput(20_000), "llama-3.1-8b": tput(90_000)],
                price: source, power: source),
        ],
        rentals: [
            CatalogRental(
                id: "test-h100-cloud", provider: "Cloud", accelerator: "H100", acceleratorsPerUnit: 1, pricePerUnitHour: 3,
                commitment: .none, term: "on-demand", throughputByModel: ["llama-3.1-70b": tput(2_500)], price: source),
        ],
        apis: [
            CatalogAPI(id: "test-api-70b", provider: "API", inputPricePerMTok: 0.9, outputPricePerMTok: 0.9,
                       substitutesFor: ["llama-3.1-70b"], price: source),
            CatalogAPI(id: "test-api-8b", provider: "API", inputPricePerMTok: 0.2, outputPricePerMTok: 0.2,
                       substitutesFor: ["llama-3.1-8b"], price: source),
        ]
    )
}

func fixturesURL() throws -> URL {
    try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil), "Fixtures resource missing")
}

/// Loads and returns the diagnostics of a refused scenario (fails the test if it loads).
func loadErrors(
    _ text: String, fileName: String = "scenario.yaml", baseDirectory: String = ".", limits: ScenarioLimits = .default,
    file: StaticString = #filePath, line: UInt = #line
) -> [Diagnostic] {
    do {
        let loaded = try ScenarioLoader.load(text: text, fileName: fileName, baseDirectory: baseDirectory, catalog: TestCatalog.catalog, limits: limits)
        XCTFail("expected errors, loaded \(loaded.scenario.name)", file: file, line: line)
        return []
    } catch let error as ScenarioLoadError {
        return error.diagnostics
    } catch {
        XCTFail("unexpected error type \(error)", file: file, line: line)
        return []
    }
}

final class ScenarioLoaderTests: XCTestCase {
    struct Expectation {
        var path: String
        var line: Int
        /// For errors in another file (CSV): the end of its path.
        var file: String?
        /// Text the first diagnostic must contain.
        var says: String?
    }

    /// `# expect: <path> [file <csv>] line <N> [says <text>]` on the first line.
    static func expectation(in text: String) -> Expectation? {
        guard var first = text.split(separator: "\n", maxSplits: 1).first, first.hasPrefix("# expect:") else { return nil }
        var says: String?
        if let marker = first.range(of: " says ") {
            says = String(first[marker.upperBound...])
            first = first[..<marker.lowerBound]
        }
        let words = first.dropFirst("# expect:".count).split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let lineIndex = words.lastIndex(of: "line"), lineIndex + 1 < words.count, let n = Int(words[lineIndex + 1]) else { return nil }
        var rest = Array(words[..<lineIndex])
        var file: String?
        if let f = rest.firstIndex(of: "file"), f + 1 < rest.count {
            file = rest[f + 1]
            rest.removeSubrange(f...(f + 1))
        }
        return Expectation(path: rest.first ?? "", line: n, file: file, says: says)
    }

    /// JSON fixtures cannot carry a comment: their expectations live here.
    static let jsonExpectations: [String: Expectation] = [
        "json-string-number.json": Expectation(path: "offerings[0].inputPricePerMTok", line: 7),
        "json-unknown-key.json": Expectation(path: "workloads[0].outputshare", line: 4),
        "json-trailing-comma.json": Expectation(path: "", line: 5),
        "json-unquoted-keys.json": Expectation(path: "", line: 2),
        "json-comment.json": Expectation(path: "", line: 3),
        "json-periods-string.json": Expectation(path: "horizon.periods", line: 3),
    ]

    func testEveryInvalidFixtureFailsWithItsExactPathAndLine() throws {
        let dir = try fixturesURL().appendingPathComponent("invalid")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { ["yaml", "yml", "json"].contains(($0 as NSString).pathExtension) }
            .sorted()
        XCTAssertGreaterThanOrEqual(names.count, 45)
        for name in names {
            let url = dir.appendingPathComponent(name)
            let text = try String(contentsOf: url, encoding: .utf8)
            let expected: Expectation
            if name.hasSuffix(".json") {
                guard let e = Self.jsonExpectations[name] else { XCTFail("\(name): no expectation in jsonExpectations"); continue }
                expected = e
            } else {
                guard let e = Self.expectation(in: text) else { XCTFail("\(name): first line must be `# expect: <path> line <N>`"); continue }
                expected = e
            }
            do {
                let loaded = try ScenarioLoader.load(path: url.path, catalog: TestCatalog.catalog)
                XCTFail("\(name): loaded without error (\(loaded.scenario.name))")
            } catch let error as ScenarioLoadError {
                guard let first = error.diagnostics.first else { XCTFail("\(name): no diagnostics"); continue }
                // SCENARIO_FIXTURE_DUMP=1 prints every message, to review their wording.
                if ProcessInfo.processInfo.environment["SCENARIO_FIXTURE_DUMP"] != nil {
                    print("== \(name)\n" + error.description.replacingOccurrences(of: dir.path + "/", with: ""))
                }
                XCTAssertTrue(error.diagnostics.allSatisfy { $0.severity == .error }, name)
                XCTAssertEqual(first.path, expected.path, "\(name): \(first)")
                XCTAssertEqual(first.line, expected.line, "\(name): \(first)")
                if let file = expected.file {
                    XCTAssertTrue(first.file.hasSuffix(file), "\(name): \(first)")
                } else {
                    XCTAssertEqual(first.file, url.path, "\(name): \(first)")
                    if first.line != nil { XCTAssertNotNil(first.column, "\(name): \(first)") }
                }
                XCTAssertFalse(first.message.isEmpty, name)
                if let says = expected.says {
                    XCTAssertTrue(first.description.contains(says), "\(name): expected `\(says)` in \(first)")
                }
                // Issue 17 item 7: no control character from the input reaches the terminal.
                XCTAssertFalse(error.description.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, name)
            } catch {
                XCTFail("\(name): threw \(type(of: error)), not ScenarioLoadError: \(error)")
            }
        }
    }

    func testValidFixturesLoad() throws {
        let dir = try fixturesURL().appendingPathComponent("valid")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { ["yaml", "yml", "json"].contains(($0 as NSString).pathExtension) }
        XCTAssertGreaterThanOrEqual(names.count, 4)
        for name in names {
            do {
                let loaded = try ScenarioLoader.load(path: dir.appendingPathComponent(name).path, catalog: TestCatalog.catalog)
                XCTAssertFalse(loaded.scenario.workloads.isEmpty, name)
                XCTAssertTrue(loaded.warnings.allSatisfy { $0.severity == .warning }, name)
            } catch {
                XCTFail("\(name): \(error)")
            }
        }
    }

    func testShippedExamplesLoadWithTheBuiltInCatalog() throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: examples.path))?
            .filter { ["yaml", "yml", "json"].contains(($0 as NSString).pathExtension) } ?? []
        for name in names {
            XCTAssertNoThrow(try ScenarioLoader.load(path: examples.appendingPathComponent(name).path), name)
        }
    }

    func testFullFixtureReadsEveryKey() throws {
        let url = try fixturesURL().appendingPathComponent("valid/full.yaml")
        let s = try ScenarioLoader.load(path: url.path, catalog: TestCatalog.catalog).scenario
        XCTAssertEqual(s.name, "acme-chat")
        XCTAssertEqual(s.horizon, Horizon(start: PeriodLabel(kind: .quarter, year: 2027, subperiod: 1), periods: 12))
        XCTAssertEqual(s.discountRate, 0.08)
        XCTAssertEqual(s.capexAccounting, .amortized)
        XCTAssertEqual(s.timeSlices.map(\.name), ["night", "day", "peak"])
        XCTAssertEqual(s.timeSlices.map(\.hours), [8, 12, 4])
        XCTAssertEqual(s.workloads.map(\.id), ["chat", "code"])
        XCTAssertEqual(s.workloads[0].outputShare, 0.3)
        XCTAssertEqual(s.workloads[0].model, "llama-3.1-70b")
        XCTAssertEqual(s.workloads[0].demand.count, 12)
        XCTAssertEqual(s.workloads[1].outputShare, 0.5)
        XCTAssertEqual(s.workloads[1].demand[2], 1.0e11 * 1.12 * 1.12, accuracy: 1)
        XCTAssertEqual(s.offerings.map(\.id), ["h100-node", "h100-cloud", "gpt-4o", "catalog-node"])
        let node = s.purchases[0]
        XCTAssertEqual(node.unitPrice, 300_000)
        XCTAssertEqual(node.accelerator, "H100")
        XCTAssertEqual(node.acceleratorsPerUnit, 8)
        XCTAssertEqual(node.lifetimePeriods, 16)
        XCTAssertEqual(node.powerKW, 10.2)
        XCTAssertEqual(node.opexPerUnitPeriod, 4500)
        XCTAssertEqual(node.throughput, ["chat": 20000, "code": 30000])
        XCTAssertEqual(node.availableFromIndex, 1)
        XCTAssertEqual(node.leadTimePeriods, 1)
        XCTAssertEqual(node.maxUnitsPerPeriod, 8)
        XCTAssertEqual(node.existingUnits, 4)
        XCTAssertEqual(node.existingRemainingPeriods, 6)
        let cloud = s.rentals[0]
        XCTAssertEqual(cloud.pricePerUnitHour, 24)
        XCTAssertEqual(cloud.commitment, RentalCommitment.none)
        XCTAssertEqual(cloud.maxUnits, 64)
        XCTAssertEqual(cloud.throughput, ["chat": 2500])
        let api = s.apis[0]
        XCTAssertEqual(api.inputPricePerMTok, 2.5)
        XCTAssertEqual(api.outputPricePerMTok, 10)
        XCTAssertEqual(api.serves, ["chat"])
        XCTAssertEqual(api.maxTokensPerSecond, 50000)
        let catalogNode = s.purchases[1]
        XCTAssertEqual(catalogNode.id, "catalog-node")
        XCTAssertEqual(catalogNode.unitPrice, 210_000)
        XCTAssertEqual(catalogNode.lifetimePeriods, 20)  // 5 years x 4 quarters
        XCTAssertEqual(catalogNode.throughput, ["chat": 20_000])
        XCTAssertEqual(s.site, Site(electricityPricePerKWh: 0.08, pue: 1.3, powerCapKW: Array(repeating: 2000, count: 12)))
        XCTAssertEqual(s.budget.capexPerPeriod?.count, 12)
        XCTAssertEqual(s.budget.capexPerPeriod?[4], 3.0e6)
        XCTAssertEqual(s.policy, Policy(integerUnits: true, utilizationCap: 0.85, unservedPenaltyPerMTok: 500))
    }

    func testJSONAndYAMLGiveTheSameScenario() throws {
        let yaml = """
        name: same
        horizon: {start: 2027-01, periods: 3}
        workloads:
          - id: chat
            demand: {tokensPerPeriod: [1e11, 1.1e11, 1.2e11]}
        offerings:
          - {id: api, kind: api, inputPricePerMTok: 0.5, outputPricePerMTok: 1.5, serves: [chat]}
        """
        let url = try fixturesURL().appendingPathComponent("valid/minimal.json")
        let json = try String(contentsOf: url, encoding: .utf8)
        let a = try ScenarioLoader.load(text: yaml, fileName: "a.yaml", baseDirectory: ".", catalog: TestCatalog.catalog).scenario
        var b = try ScenarioLoader.load(text: json, fileName: "b.json", baseDirectory: ".", catalog: TestCatalog.catalog).scenario
        b.name = "same"
        XCTAssertEqual(a, b)
        // `-` detects JSON by its first character.
        let c = try ScenarioLoader.load(text: "  \n" + json, fileName: "-", baseDirectory: ".", catalog: TestCatalog.catalog).scenario
        XCTAssertEqual(c.name, "json-minimal")
        let d = try ScenarioLoader.load(text: yaml, fileName: "-", baseDirectory: ".", catalog: TestCatalog.catalog).scenario
        XCTAssertEqual(d, a)
    }

    func testCSVDemandIsReadByLabelNotByRowOrder() throws {
        let url = try fixturesURL().appendingPathComponent("valid/csv-demand.yaml")
        let s = try ScenarioLoader.load(path: url.path, catalog: TestCatalog.catalog).scenario
        XCTAssertEqual(s.horizon.kind, .year)
        XCTAssertEqual(s.workloads[0].demand, [1.0e12, 1.2e12, 1.4e12])
    }

    func testOtherExtensionsAndUnreadableFilesNameTheFile() throws {
        let dir = try fixturesURL().appendingPathComponent("invalid")
        for (name, needle) in [("not-a-scenario.csv", ".csv"), ("wrong-extension.txt", ".txt"), ("missing.yaml", "readable")] {
            let path = dir.appendingPathComponent(name).path
            XCTAssertThrowsError(try ScenarioLoader.load(path: path, catalog: TestCatalog.catalog)) { error in
                guard let e = error as? ScenarioLoadError else { return XCTFail("\(error)") }
                XCTAssertEqual(e.diagnostics.count, 1)
                XCTAssertEqual(e.diagnostics.first?.file, path)
                XCTAssertTrue(e.description.contains(needle), e.description)
                XCTAssertTrue(e.description.hasPrefix(path + ": error: "), e.description)
            }
        }
    }

    func testAliasBombIsRefusedAtItsFirstAnchor() throws {
        // 9 levels of 9 aliases: ~387 million strings if expanded. The first anchor is refused,
        // so nothing after it is read.
        var text = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i", "j"] {
            text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
            previous = name
        }
        let errors = loadErrors(text)
        XCTAssertEqual(errors.count, 1)
        XCTAssertEqual(errors.first?.path, "a")
        XCTAssertEqual(errors.first?.line, 1)
        XCTAssertEqual(errors.first?.column, 4)
        XCTAssertTrue(errors.first?.message.contains("anchors (`&a`)") ?? false, errors.first?.message ?? "")
    }

    func testAliasWithoutAnchorIsRefused() {
        let errors = loadErrors("name: t\nhorizon: *h\n")
        XCTAssertEqual(errors.map(\.path), ["horizon"])
        XCTAssertEqual(errors.first?.line, 2)
        XCTAssertTrue(errors.first?.message.contains("aliases (`*h`)") ?? false, errors.first?.message ?? "")
    }

    /// Issue 17 item 7: a tag is read as it says, or refused.
    func testTaggedScalarsReadAsTheirTagSays() throws {
        let text = """
        name: !!str 2027
        horizon: {start: !!str 2027Q1, periods: !!int 4}
        discountRate: !!float 0.05
        workloads: [{id: chat, demand: {tokensPerPeriod: [!!int "100000000000", 1e11, 1e11, 1e11]}}]
        offerings: [{id: a, kind: api, inputPricePerMTok: 1, outputPricePerMTok: 1, serves: [chat]}]
        policy: {integerUnits: !!bool false}
        """
        let s = try ScenarioLoader.load(text: text, fileName: "s.yaml", baseDirectory: ".", catalog: TestCatalog.catalog).scenario
        XCTAssertEqual(s.name, "2027")
        XCTAssertEqual(s.horizon.periods, 4)
        XCTAssertEqual(s.discountRate, 0.05)
        XCTAssertEqual(s.workloads[0].demand[0], 1e11)
        XCTAssertFalse(s.policy.integerUnits)
    }

    func testTagsThatDoNotFitAreRefused() {
        let cases: [(String, String, String)] = [
            ("horizon: {start: 2027Q1, periods: !!int 4.5}", "horizon.periods", "the YAML tag `!!int` says a whole number, got `4.5`"),
            ("horizon: {start: 2027Q1, periods: !!float four}", "horizon.periods", "the YAML tag `!!float` says a number, got `four`"),
            ("horizon: !!binary aGVsbG8=", "horizon", "YAML tag `!!binary` is not supported in scenarios"),
            ("horizon: !custom {start: 2027Q1}", "horizon", "YAML tag `!custom` is not supported in scenarios"),
            ("horizon: !!seq {start: 2027Q1}", "horizon", "YAML tag `!!seq` is not supported in scenarios"),
        ]
        for (line, path, message) in cases {
            let errors = loadErrors("name: t\n" + line + "\n")
            XCTAssertEqual(errors.map(\.path), [path], line)
            XCTAssertTrue(errors.first?.message.contains(message) ?? false, "\(line): \(errors)")
        }
    }

    func testDeepNestingIsRefusedNotACrash() {
        let text = "name: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n"
        let errors = loadErrors(text)
        XCTAssertEqual(errors.count, 1)
        XCTAssertTrue(errors[0].message.contains("nesting"), errors[0].message)
        XCTAssertEqual(errors[0].line, 1)
    }

    func testSyntaxErrorHasLineAndColumn() {
        let errors = loadErrors("name: x\nhorizon: {start: 2027Q1\nworkloads: []\n")
        XCTAssertEqual(errors.count, 1)
        XCTAssertNotNil(errors[0].line)
        XCTAssertNotNil(errors[0].column)
        XCTAssertTrue(errors[0].message.hasPrefix("invalid YAML"), errors[0].message)
    }

    func testDescriptionFormat() {
        let d = Diagnostic(severity: .error, file: "scenario.yaml", path: "offerings[2].throughput.chat", line: 14, column: 7, value: "-5", message: "expected tokens per second > 0")
        XCTAssertEqual(d.description, "scenario.yaml:14:7: error: offerings[2].throughput.chat: expected tokens per second > 0, got -5")
        let root = Diagnostic(severity: .warning, file: "-", path: "", message: "too big")
        XCTAssertEqual(root.description, "-: warning: too big")
        let empty = Diagnostic(severity: .error, file: "s.yaml", path: "name", line: 2, column: 6, value: "", message: "expected a name")
        XCTAssertEqual(empty.description, "s.yaml:2:6: error: name: expected a name, got nothing")
        let e = ScenarioLoadError(diagnostics: [d, d])
        XCTAssertEqual(e.description.split(separator: "\n").count, 2)
    }

    func testErrorValueAndColumnFromTheDocument() {
        let text = """
        name: t
        horizon: {start: 2027Q1, periods: 1}
        workloads: [{id: chat, demand: {tokensPerPeriod: [1e11]}}]
        offerings:
          - id: n
            kind: purchase
            unitPrice: 1000
            lifetimePeriods: 4
            throughput: {chat: -5}
        """
        let errors = loadErrors(text)
        XCTAssertEqual(errors.map(\.description), ["scenario.yaml:9:24: error: offerings[0].throughput.chat: expected tokens per second in (0, 1e12], got -5"])
    }
}
