import Foundation
import XCTest
@testable import CapPlanKit

/// Semantics of the validation pass: defaults, catalog `use:`, demand forms, warnings, limits.
final class ScenarioValidationTests: XCTestCase {
    func load(_ text: String, limits: ScenarioLimits = .default, baseDirectory: String = ".") throws -> LoadedScenario {
        try ScenarioLoader.load(text: text, fileName: "s.yaml", baseDirectory: baseDirectory, catalog: TestCatalog.catalog, limits: limits)
    }

    let header = """
    name: t
    horizon: {start: 2027Q1, periods: 4}

    """

    func testDefaults() throws {
        let s = try load(header + """
        workloads: [{id: chat, demand: {tokensPerPeriod: [1e11, 1e11, 1e11, 1e11]}}]
        offerings: [{id: n, kind: purchase, unitPrice: 1000, lifetimePeriods: 8, throughput: {chat: 100}}]
        """).scenario
        XCTAssertEqual(s.discountRate, 0)
        XCTAssertEqual(s.capexAccounting, .amortized)
        XCTAssertEqual(s.timeSlices, [TimeSlice(name: "all-day", hours: 24, share: 1)])
        XCTAssertEqual(s.workloads[0].outputShare, 0.5)
        XCTAssertNil(s.workloads[0].model)
        XCTAssertEqual(s.site, Site())
        XCTAssertEqual(s.budget, Budget())
        XCTAssertEqual(s.policy, Policy())
        let p = s.purchases[0]
        XCTAssertEqual(p.acceleratorsPerUnit, 1)
        XCTAssertEqual(p.powerKW, 0)
        XCTAssertEqual(p.opexPerUnitPeriod, 0)
        XCTAssertEqual(p.availableFromIndex, 0)
        XCTAssertEqual(p.leadTimePeriods, 0)
        XCTAssertNil(p.maxUnitsPerPeriod)
        XCTAssertEqual(p.existingUnits, 0)
        XCTAssertEqual(p.existingRemainingPeriods, 8)
    }

    func testGrowthDemandCompounds() throws {
        let s = try load(header + """
        workloads: [{id: chat, demand: {start: 100, growthPerPeriod: 0.5}}]
        offerings: [{id: a, kind: api, inputPricePerMTok: 1, outputPricePerMTok: 1, serves: [chat]}]
        """).scenario
        XCTAssertEqual(s.workloads[0].demand, [100, 150, 225, 337.5])
    }

    func testAvailableFromBeforeAndWithinHorizon() throws {
        let s = try load(header + """
        workloads: [{id: chat, demand: {tokensPerPeriod: [1e11, 1e11, 1e11, 1e11]}}]
        offerings:
          - {id: early, kind: purchase, unitPrice: 1000, lifetimePeriods: 8, throughput: {chat: 100}, availableFrom: 2025Q3}
          - {id: late, kind: purchase, unitPrice: 1000, lifetimePeriods: 8, throughput: {chat: 100}, availableFrom: 2027Q3}
          - {id: after, kind: purchase, unitPrice: 1000, lifetimePeriods: 8, throughput: {chat: 100}, availableFrom: 2030Q1}
        """).scenario
        XCTAssertEqual(s.purchases.map(\.availableFromIndex), [0, 2, 12])
    }

    func testPerPeriodScalarIsRepeated() throws {
        let s = try load(header + """
        workloads: [{id: chat, demand: {tokensPerPeriod: [1e11, 1e11, 1e11, 1e11]}}]
        offerings: [{id: n, kind: purchase, unitPrice: 1000, lifetimePeriods: 8, throughput: {chat: 100}}]
        site: {powerCapKW: 500}
        budget: {capexPerPeriod: [1e6, 2e6, 3e6, 4e6]}
        """).scenario
        XCTAssertEqual(s.site.powerCapKW, [500, 500, 500, 500])
        XCTAssertEqual(s.budget.capexPerPeriod, [1e6, 2e6, 3e6, 4e6])
    }

    func testCatalogUseResolution() throws {
        let s = try load(header + """
        workloads:
          - {id: chat, model: llama-3.1-70b, demand: {tokensPerPeriod: [1e11, 1e11, 1e11, 1e11]}}
          - {id: small, model: llama-3.1-8b, demand: {tokensPerPeriod: [1e11, 1e11, 1e11, 1e11]}}
          - {id: custom, demand: {tokensPerPeriod: [1e11, 1e11, 1e11, 1e11]}}
        offerings:
          - {use: test-h100-node}
          - {use: test-h100-node, id: tuned, lifetimePeriods: 12, throughput: {chat: 25000, custom: 5000}}
          - {use: test-h100-cloud, commitment: period}
          - {use: test-api-70b}
          - {use: test-api-8b, serves: [small, custom]}
        """).scenario
        XCTAssertEqual(s.offerings.map(\.id), ["test-h100-node", "tuned", "test-h100-cloud", "test-api-70b", "test-api-8b"])
        let base = s.purchases[0]
        XCTAssertEqual(base.unitPrice, 300_000)
        XCTAssertEqual(base.accelerator, "H100")
        XCTAssertEqual(base.acceleratorsPerUnit, 8)
        XCTAssertEqual(base.powerKW, 10.2)
        XCTAssertEqual(base.lifetimePeriods, 20)  // 5 years x 4
        XCTAssertEqual(base.throughput, ["chat": 20_000, "small": 90_000])
        let tuned = s.purchases[1]
        XCTAssertEqual(tuned.lifetimePeriods, 12)
        XCTAssertEqual(tuned.throughput, ["chat": 25_000, "small": 90_000, "custom": 5000])
        let cloud = s.rentals[0]
        XCTAssertEqual(cloud.pricePerUnitHour, 3)
        XCTAssertEqual(cloud.commitment, .period)
        XCTAssertEqual(cloud.throughput, ["chat": 2500])
        XCTAssertEqual(s.apis[0].serves, ["chat"])
        XCTAssertEqual(s.apis[0].inputPricePerMTok, 0.9)
        XCTAssertEqual(s.apis[1].serves, ["small", "custom"])
    }

    func testCatalogLifetimeUsesPeriodsPerYearAndAtLeastOne() throws {
        let monthly = try load("""
        name: t
        horizon: {start: 2027-01, periods: 2}
        workloads: [{id: chat, model: llama-3.1-70b, demand: {tokensPerPeriod: [1e11, 1e11]}}]
        offerings: [{use: test-h100-node}]
        """).scenario
        XCTAssertEqual(monthly.purchases[0].lifetimePeriods, 60)
        let short = Catalog(
            models: TestCatalog.catalog.models,
            purchases: [CatalogPurchase(id: "short", accelerator: "X", acceleratorsPerUnit: 1, unitPrice: 1000, lifetimeYears: 0.1,
                                        powerKW: 1, throughputByModel: ["llama-3.1-70b": TestCatalog.tput(10)], price: TestCatalog.source, power: TestCatalog.source)],
            rentals: [], apis: [])
        let yearly = try ScenarioLoader.load(text: """
        name: t
        horizon: {start: 2027, periods: 2}
        workloads: [{id: chat, model: llama-3.1-70b, demand: {tokensPerPeriod: [1e11, 1e11]}}]
        offerings: [{use: short}]
        """, fileName: "s.yaml", baseDirectory: ".", catalog: short).scenario
        XCTAssertEqual(yearly.purchases[0].lifetimePeriods, 1)
    }

    func testAllErrorsAreReportedInFileOrder() {
        let errors = loadErrors("""
        name: t
        horizon: {start: 2027Q1, periods: 2}
        discountRate: 2
        workloads:
          - {id: chat, outputShare: -1, demand: {tokensPerPeriod: [1, 2, 3]}}
        offerings:
          - {id: n, kind: purchase, unitPrice: -1, lifetimePeriods: 0, throughput: {chat: 0}}
        policy: {utilizationCap: 2, bogus: 1}
        """)
        XCTAssertEqual(errors.map(\.path), [
            "discountRate", "workloads[0].outputShare", "workloads[0].demand.tokensPerPeriod",
            "offerings[0].unitPrice", "offerings[0].lifetimePeriods", "offerings[0].throughput.chat",
            "policy.utilizationCap", "policy.bogus",
        ])
        XCTAssertEqual(errors.map { $0.line! }, [3, 5, 5, 7, 7, 7, 8, 8])
        XCTAssertTrue(errors.allSatisfy { $0.file == "scenario.yaml" })
    }

    func testWarnings() throws {
        let loaded = try load(header + """
        workloads:
          - {id: chat, demand: {tokensPerPeriod: [0, 0, 0, 0]}}
          - {id: tiny, demand: {tokensPerPeriod: [10, 20, 30, 40]}}
        offerings:
          - {id: cheap, kind: purchase, unitPrice: 50, lifetimePeriods: 8, throughput: {chat: 100, tiny: 100}}
          - {id: unused, kind: rental, pricePerUnitHour: 2, throughput: {}}
        site: {powerCapKW: 5.0e6}
        """)
        let paths = loaded.warnings.map(\.path)
        XCTAssertEqual(paths, ["workloads[0].demand.tokensPerPeriod", "workloads[1].demand.tokensPerPeriod", "offerings[0].unitPrice", "offerings[1]", "site.powerCapKW"])
        XCTAssertTrue(loaded.warnings.allSatisfy { $0.severity == .warning })
        XCTAssertTrue(loaded.warnings[1].message.contains("tokens per second"))
    }

    func testReferencesAndDidYouMean() {
        let errors = loadErrors(header + """
        workloads:
          - {id: chat, model: llama-3.1-70B, demand: {tokensPerPeriod: [1, 1, 1, 1]}}
        offerings:
          - {use: test-api-7b}
          - {id: a, kind: api, inputPricePerMTok: 1, outputPricePerMTok: 1, serves: [chta]}
        """)
        XCTAssertEqual(errors.map(\.path), ["workloads[0].model", "offerings[0].use", "offerings[1].serves[0]"])
        XCTAssertTrue(errors[0].message.contains("did you mean `llama-3.1-70b`?"), errors[0].message)
        XCTAssertTrue(errors[1].message.contains("did you mean `test-api-70b`?"), errors[1].message)
        XCTAssertTrue(errors[2].message.contains("did you mean `chat`?"), errors[2].message)
        XCTAssertEqual(errors[2].value, "chta")
    }

    func testUnknownKeyWithoutCloseMatchHasNoSuggestion() {
        let errors = loadErrors(header + """
        workloads: [{id: chat, demand: {tokensPerPeriod: [1, 1, 1, 1]}}]
        offerings: [{id: a, kind: api, inputPricePerMTok: 1, outputPricePerMTok: 1, serves: [chat]}]
        colour: blue
        """)
        XCTAssertEqual(errors.map(\.path), ["colour"])
        XCTAssertFalse(errors[0].message.contains("did you mean"))
    }

    func testSizeLimitStatesTheDimensions() {
        let text = header + """
        timeSlices: [{name: a, hours: 12, share: 0.5}, {name: b, hours: 12, share: 0.5}]
        workloads: [{id: chat, demand: {tokensPerPeriod: [1e11, 1e11, 1e11, 1e11]}}]
        offerings:
          - {id: n, kind: purchase, unitPrice: 1000, lifetimePeriods: 2, throughput: {chat: 100}}
          - {id: r, kind: rental, pricePerUnitHour: 1, throughput: {chat: 100}}
          - {id: a, kind: api, inputPricePerMTok: 1, outputPricePerMTok: 1, serves: [chat]}
        policy: {unservedPenaltyPerMTok: 100}
        """
        // 2*4*2*3 pairs + 4*2*2 purchase and rental capacity + 4*(2+3) fleet, power, budget + 4*2*1 penalty
        // = 48 + 16 + 20 + 8 = 92
        XCTAssertNoThrow(try load(text, limits: ScenarioLimits(maxNonzeros: 92)))
        let errors = loadErrors(text, limits: ScenarioLimits(maxNonzeros: 91))
        XCTAssertEqual(errors.count, 1)
        XCTAssertEqual(errors[0].path, "")
        XCTAssertEqual(errors[0].line, 1)
        for fragment in ["92", "4 periods", "2 time slices", "1 workloads", "3 offerings", "model-size limit"] {
            XCTAssertTrue(errors[0].message.contains(fragment), "\(fragment) missing: \(errors[0].message)")
        }
    }

    func testCSVErrorsNameTheFileAndLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capplan-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "period,tokens\n2027Q1,1e11\n2027Q2,abc\n2027Q4,1e11\n".write(to: dir.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
        let text = header + """
        workloads: [{id: chat, demand: {csv: d.csv}}]
        offerings: [{id: a, kind: api, inputPricePerMTok: 1, outputPricePerMTok: 1, serves: [chat]}]
        """
        let errors = loadErrors(text, baseDirectory: dir.path)
        XCTAssertEqual(errors.count, 2)
        XCTAssertEqual(errors[0].file, dir.path + "/d.csv")
        XCTAssertEqual(errors[0].line, 3)
        XCTAssertEqual(errors[0].value, "abc")
        XCTAssertEqual(errors[0].path, "workloads[0].demand.csv")
        XCTAssertNil(errors[1].line)
        XCTAssertTrue(errors[1].message.contains("2027Q3"), errors[1].message)
    }

    func testYearAndMonthHorizons() throws {
        let s = try load("""
        name: t
        horizon: {start: 2027-11, periods: 3}
        workloads: [{id: chat, demand: {tokensPerPeriod: [1e11, 1e11, 1e11]}}]
        offerings: [{id: n, kind: purchase, unitPrice: 1000, lifetimePeriods: 8, throughput: {chat: 100}, availableFrom: 2028-01}]
        """).scenario
        XCTAssertEqual(s.horizon.labels, ["2027-11", "2027-12", "2028-01"])
        XCTAssertEqual(s.purchases[0].availableFromIndex, 2)
        let errors = loadErrors("""
        name: t
        horizon: {start: 2027, periods: 3}
        workloads: [{id: chat, demand: {tokensPerPeriod: [1e11, 1e11, 1e11]}}]
        offerings: [{id: n, kind: purchase, unitPrice: 1000, lifetimePeriods: 8, throughput: {chat: 100}, availableFrom: 2028Q1}]
        """)
        XCTAssertEqual(errors.map(\.path), ["offerings[0].availableFrom"])
    }

    func testNumbersInEveryWrittenForm() throws {
        XCTAssertEqual(parseNumber("3.0e11"), 3.0e11)
        XCTAssertEqual(parseNumber("3e11"), 3e11)
        XCTAssertEqual(parseNumber("300_000"), 300_000)
        XCTAssertEqual(parseNumber("-.5"), -0.5)
        XCTAssertEqual(parseNumber("+2"), 2)
        XCTAssertEqual(parseNumber(".inf"), .infinity)
        XCTAssertNil(parseNumber("1e"))
        XCTAssertNil(parseNumber("0x10"))
        XCTAssertNil(parseNumber("1,000"))
        XCTAssertNil(parseNumber("_1"))
        XCTAssertNil(parseNumber(""))
        let errors = loadErrors(header + """
        workloads: [{id: chat, demand: {tokensPerPeriod: [.inf, 1, 1, 1]}}]
        offerings: [{id: a, kind: api, inputPricePerMTok: .nan, outputPricePerMTok: 1, serves: [chat]}]
        """)
        XCTAssertEqual(errors.map(\.path), ["workloads[0].demand.tokensPerPeriod[0]", "offerings[0].inputPricePerMTok"])
        XCTAssertTrue(errors.allSatisfy { $0.message.contains("finite") })
    }

    func testIDRules() {
        XCTAssertTrue(ScenarioValidator.isValidID("h100-node_v2.1"))
        XCTAssertTrue(ScenarioValidator.isValidID(String(repeating: "x", count: 64)))
        XCTAssertFalse(ScenarioValidator.isValidID(String(repeating: "x", count: 65)))
        XCTAssertFalse(ScenarioValidator.isValidID(""))
        XCTAssertFalse(ScenarioValidator.isValidID("a b"))
        XCTAssertFalse(ScenarioValidator.isValidID("é"))
    }
}
