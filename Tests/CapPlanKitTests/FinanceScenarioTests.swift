// Payment terms, book life and fiscal year read from the scenario (docs/scenario-format.md)
// into the plan's finance section; out-of-range values refused with their path.

import Foundation
import TestSupport
import Testing
@testable import CapPlanKit

@Suite struct FinanceScenarioTests {
    /// The finance example (FinanceTests.swift) as YAML, with `extra` lines added to the server.
    static func yaml(server extra: String = "", budget: String = "") -> String {
        """
        name: finance example
        horizon: {start: 2027Q1, periods: 8}
        discountRate: 0
        capexAccounting: cash
        timeSlices: [{name: all-day, hours: 24, share: 1}]
        workloads:
          - {id: chat, outputShare: 0.5, demand: {start: 7.884e9, growthPerPeriod: 0}}
        offerings:
          - id: srv
            kind: purchase
            unitPrice: 60000
            lifetimePeriods: 8
            powerKW: 1
            opexPerUnitPeriod: 250
            throughput: {chat: 1000}
        \(extra)
          - {id: api, kind: api, inputPricePerMTok: 10, outputPricePerMTok: 30, serves: [chat]}
        site: {electricityPricePerKWh: 0.1, pue: 1.5}
        \(budget)
        """
    }

    static func load(_ text: String) throws -> Scenario {
        try ScenarioLoader.load(text: text, fileName: "finance.yaml", baseDirectory: ".").scenario
    }

    @Test func termsComeFromTheScenario() throws {
        let scenario = try Self.load(Self.yaml(
            server: "    depositFraction: 0.25\n    balanceDaysAfterDelivery: 100\n    bookLifePeriods: 12",
            budget: "budget: {fiscalYearStartMonth: 7}"))
        let server = try #require(scenario.purchases.first)
        #expect(server.depositFraction == 0.25 && server.balanceDaysAfterDelivery == 100 && server.bookLifePeriods == 12)
        #expect(scenario.budget.fiscalYearStartMonth == 7)
        // Written back and read again: the same scenario.
        #expect(try Self.load(ScenarioWriter.yaml(scenario)) == scenario)

        // 1000 tokens/s all quarter (7.884e9 tokens) at 20 USD/MTok through the API costs
        // 157,680 a quarter: one server (60,000) arrives in 2027Q1.
        let plan = try Planner.plan(scenario, options: PlanOptions())
        let finance = try #require(plan.finance)
        #expect(finance.terms.fiscalYearStartMonth == 7)
        #expect(finance.terms.offerings == ["srv": .init(depositFraction: 0.25, balanceDelayDays: 100, bookLifePeriods: 12)])
        #expect(plan.purchases.map(\.period) == ["2027Q1"])
        // Deposit 15,000 in the order period 2027Q1; 100 days after delivery is 1 quarter later
        // (91.25 days a quarter): the balance of 45,000 in 2027Q2.
        #expect(finance.cashFlow.periods[0].capital == 15_000 && finance.cashFlow.periods[1].capital == 45_000)
        // Fiscal year from July: 2027Q1-Q2 are FY2027, 2027Q3-2028Q2 FY2028, 2028Q3-Q4 FY2029.
        #expect(finance.cashFlow.fiscalYears.map(\.label) == ["FY2027", "FY2028", "FY2029"])
        // Book life 12 quarters: 5,000 a quarter; the server retires after its 8 quarters of
        // useful life (end of 2028Q4) with 20,000 of book value left, written off then.
        #expect(finance.depreciation.cohorts[0].expense.allSatisfy { $0 == 5_000 })
        #expect(finance.depreciation.writeOff.last == 20_000 && finance.depreciation.bookValue.last == 0)
    }

    @Test func defaultsKeepOldScenariosAsTheyWere() throws {
        let scenario = try Self.load(Self.yaml())
        #expect(scenario.purchases[0].depositFraction == 0 && scenario.purchases[0].bookLifePeriods == nil)
        #expect(scenario.budget.fiscalYearStartMonth == 1)
        #expect(FinanceTerms(scenario: scenario) == FinanceTerms())
        #expect(!ScenarioWriter.yaml(scenario).contains("fiscalYearStartMonth"))
    }

    @Test(arguments: [
        ("    depositFraction: 1.5", "", "offerings[0].depositFraction"),
        ("    balanceDaysAfterDelivery: -1", "", "offerings[0].balanceDaysAfterDelivery"),
        ("    bookLifePeriods: 2.5", "", "offerings[0].bookLifePeriods"),
        ("", "budget: {fiscalYearStartMonth: 13}", "budget.fiscalYearStartMonth"),
    ])
    func outOfRangeIsRefusedWithItsPath(_ server: String, _ budget: String, _ path: String) throws {
        do {
            _ = try Self.load(Self.yaml(server: server, budget: budget))
            Issue.record("accepted \(server)\(budget)")
        } catch let error as ScenarioLoadError {
            #expect(error.description.contains(path), "\(error)")
        }
    }

    // docs/scenario.schema.json, through Python's jsonschema like ScenarioSchemaTests: the new
    // keys are accepted in range and refused out of it.
    @Test func theSchemaAgrees() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("capplan-finance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let cases = [
            ("good.yaml", Self.yaml(server: "    depositFraction: 0.25\n    balanceDaysAfterDelivery: 100\n    bookLifePeriods: 12",
                                    budget: "budget: {fiscalYearStartMonth: 7}"), true),
            ("deposit.yaml", Self.yaml(server: "    depositFraction: 1.5"), false),
            ("book-life.yaml", Self.yaml(server: "    bookLifePeriods: 2.5"), false),
            ("fiscal.yaml", Self.yaml(budget: "budget: {fiscalYearStartMonth: 0}"), false),
        ]
        var paths: [String] = []
        for (name, text, _) in cases {
            let path = directory.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            paths.append(path)
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let outcome = try JSONSchemaCheck.run(schema: root.appendingPathComponent("docs/scenario.schema.json").path, files: paths)
        #expect(outcome.status == 0, "\(outcome.errors)")
        for ((name, _, valid), path) in zip(cases, paths) {
            let verdict = try #require(outcome.verdicts[path], "\(name): \(outcome.output)")
            #expect((verdict == nil) == valid, "\(name): \(verdict ?? "accepted")")
        }
    }
}
