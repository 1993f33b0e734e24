// Fiscal budgets (docs/formulation.md, "Fiscal budgets"): capex and opex caps per fiscal year,
// worked out by hand on two- and three-year scenarios, through the builder, the planner's
// shadow prices, the evaluator and the MathProg twin; and the `budget.fiscalYears` input.

import Foundation
import XCTest
@testable import CapPlanKit

enum FiscalScenarios {
    /// Yearly periods 2027-2029 (fiscal year = calendar year), chat at 2000 tokens/s every year,
    /// `srv` (60 000 USD, 3 years, 1 kW, 1000 USD opex: 1314 + 1000 = 2314 USD a year running,
    /// 20 000 a year amortized) and an API at 2 USD/MTok (63 072 USD a year per 1000 tokens/s).
    /// Without budgets: two units arrive in 2027, 6 · 22 314 = 133 884 USD.
    static func capex(_ budget: Double, deposit: Double = 0, balanceDays: Double = 0, integer: Bool = true) -> Scenario {
        var server = PlannerScenarios.server(lifetime: 3)
        server.depositFraction = deposit
        server.balanceDaysAfterDelivery = balanceDays
        return PlannerScenarios.make(
            offerings: [.purchase(server), .api(PlannerScenarios.api())],
            demand: [63_072_000_000, 63_072_000_000, 63_072_000_000],
            budget: Budget(fiscalYears: [FiscalYearBudget(year: 2027, capex: budget)]),
            policy: Policy(integerUnits: integer, utilizationCap: 1))
    }

    /// Yearly 2027-2028, chat at 1000 then 2000 tokens/s; a reserved rental `cloud` at 1 USD an
    /// hour (8760 USD a year, all opex) and `srv` (60 000 USD over 2 years: 30 000 capex +
    /// 2314 opex a year). Without budgets cloud serves everything: 8760 + 17 520 = 26 280 USD.
    static func opex(_ budget: Double, integer: Bool = false) -> Scenario {
        PlannerScenarios.make(
            offerings: [
                .purchase(PlannerScenarios.server(lifetime: 2)),
                .rental(RentalOffering(id: "cloud", pricePerUnitHour: 1, commitment: .period, throughput: ["chat": 1000])),
            ],
            budget: Budget(fiscalYears: [FiscalYearBudget(year: 2028, opex: budget)]),
            policy: Policy(integerUnits: integer, utilizationCap: 1))
    }
}

final class FiscalBudgetTests: XCTestCase {
    func plan(_ scenario: Scenario, file: StaticString = #filePath, line: UInt = #line) throws -> PlanDocument {
        let plan = try Planner.plan(scenario)
        XCTAssertEqual(plan.status, .optimal, plan.diagnosis?.summary ?? "", file: file, line: line)
        XCTAssertEqual(plan.audit?.violations ?? ["no audit"], [], file: file, line: line)
        return plan
    }

    func arrivals(_ plan: PlanDocument) -> [String: Double] {
        var result: [String: Double] = [:]
        for purchase in plan.purchases { result[purchase.period, default: 0] += purchase.units }
        return result
    }

    func shadowPrice(_ plan: PlanDocument, _ limit: String) -> PlanDocument.ShadowPrice? {
        plan.insights?.shadowPrices.first { $0.limit == limit }
    }

    func testRowsAreBuiltOnlyWhenABudgetIsSet() {
        let model = CapacityModelBuilder.buildModel(FiscalScenarios.capex(60_000))
        XCTAssertEqual(model.index.fiscalCapexRows.map(\.year), [2027])
        XCTAssertEqual(model.index.fiscalOpexRows.count, 0)
        XCTAssertEqual(model.lp.name(of: model.index.fiscalCapexRows[0].row), "fiscalCapex[FY2027]")
        let plain = CapacityModelBuilder.buildModel(PlannerScenarios.base)
        XCTAssertTrue(plain.index.fiscalCapexRows.isEmpty && plain.index.fiscalOpexRows.isEmpty)
    }

    /// FY2027 capex 60 000 USD: one unit in 2027, the second in 2028 (FY2028), the API for
    /// 1000 tokens/s in 2027: 22 314 + 63 072 + 4 · 22 314 = 174 642 USD.
    func testCapexBudgetForcesAPurchaseIntoTheNextFiscalYear() throws {
        let free = try plan(PlannerScenarios.make(
            offerings: [.purchase(PlannerScenarios.server(lifetime: 3)), .api(PlannerScenarios.api())],
            demand: [63_072_000_000, 63_072_000_000, 63_072_000_000], policy: Policy(utilizationCap: 1)))
        XCTAssertEqual(arrivals(free), ["2027": 2])
        XCTAssertEqual(free.totals?.discountedCost ?? 0, 133_884, accuracy: 1e-6)
        let budgeted = try plan(FiscalScenarios.capex(60_000))
        XCTAssertEqual(arrivals(budgeted), ["2027": 1, "2028": 1])
        XCTAssertEqual(budgeted.totals?.discountedCost ?? 0, 174_642, accuracy: 1e-6)
    }

    /// Half the price at order (2027, no lead time), the balance 365 days after delivery, in
    /// 2028: two units pay 60 000 in FY2027 and fit a 60 000 budget (the free plan, 133 884);
    /// under 59 999 only one unit's deposit fits (174 642 as above).
    func testPaymentTermsDecideTheFiscalYearPaid() throws {
        let fits = try plan(FiscalScenarios.capex(60_000, deposit: 0.5, balanceDays: 365))
        XCTAssertEqual(arrivals(fits), ["2027": 2])
        XCTAssertEqual(fits.totals?.discountedCost ?? 0, 133_884, accuracy: 1e-6)
        let short = try plan(FiscalScenarios.capex(59_999, deposit: 0.5, balanceDays: 365))
        XCTAssertEqual(arrivals(short), ["2027": 1, "2028": 1])
        XCTAssertEqual(short.totals?.discountedCost ?? 0, 174_642, accuracy: 1e-6)
    }

    /// Continuous units: one more USD of FY2027 budget brings 1/60 000 unit forward from 2028
    /// to 2027, where it replaces the API: −63 072 + 2314 + 20 000 per unit (its 2028 and 2029
    /// costs are the same either way), so 40 758 / 60 000 = 0.6793 USD per USD.
    func testCapexBudgetShadowPrice() throws {
        let plan = try plan(FiscalScenarios.capex(60_000, integer: false))
        XCTAssertEqual(plan.totals?.discountedCost ?? 0, 174_642, accuracy: 1e-6)
        let price = try XCTUnwrap(shadowPrice(plan, "fiscalCapex[FY2027]"), "\(plan.insights?.shadowPrices.map(\.limit) ?? [])")
        XCTAssertEqual(price.kind, .fiscalCapex)
        XCTAssertEqual(price.period, "FY2027")
        XCTAssertEqual(price.value, 40_758.0 / 60_000, accuracy: 1e-9)
        XCTAssertEqual(price.valueUndiscounted, 40_758.0 / 60_000, accuracy: 1e-9)
    }

    /// FY2028 opex 10 000 USD: cloud c and srv s units in 2028 with c + s = 2 and
    /// 8760 c + 2314 s ≤ 10 000, so c = 5372 / 6446; cost 8760 (2027) + 64 628 − 23 554 c.
    /// One more USD of budget moves 1/6446 unit from srv to cloud: 23 554 / 6446 USD per USD.
    func testOpexBudgetBindsWithItsShadowPrice() throws {
        let free = try plan(FiscalScenarios.opex(1e9))
        XCTAssertEqual(free.totals?.discountedCost ?? 0, 26_280, accuracy: 1e-6)
        let plan = try plan(FiscalScenarios.opex(10_000))
        let cloud = 5372.0 / 6446
        XCTAssertEqual(plan.totals?.discountedCost ?? 0, 8760 + 64_628 - 23_554 * cloud, accuracy: 1e-6)
        XCTAssertEqual(plan.periods[1].rentals.first { $0.offering == "cloud" }?.units ?? 0, cloud, accuracy: 1e-9)
        let price = try XCTUnwrap(shadowPrice(plan, "fiscalOpex[FY2028]"))
        XCTAssertEqual(price.kind, .fiscalOpex)
        XCTAssertEqual(price.value, 23_554.0 / 6446, accuracy: 1e-9)
        XCTAssertNil(shadowPrice(free, "fiscalOpex[FY2028]"))
    }

    /// The evaluator recomputes each fiscal year's cash from the decisions alone.
    func testEvaluatorFlagsAPlanThatOverspendsAFiscalYear() {
        // Two units in 2027 pay 120 000 in FY2027, 60 000 over its budget.
        let twoUnits = PlanDecisions(arrivals: ["srv": [2, 0, 0]], served: ["srv": ["chat": [[2000], [2000], [2000]]]])
        let capex = PlanEvaluator(scenario: FiscalScenarios.capex(60_000)).evaluate(twoUnits)
        XCTAssertEqual(capex.violations.map(\.family), [.fiscalCapex])
        XCTAssertEqual(capex.violations.first?.period, "FY2027")
        XCTAssertEqual(capex.violations.first?.amount ?? 0, 60_000, accuracy: 1e-6)
        XCTAssertEqual(capex.violations.first?.rowName, "fiscalCapex[FY2027]")
        // With the balance a year after delivery, FY2027 pays only the deposits: 60 000.
        XCTAssertEqual(PlanEvaluator(scenario: FiscalScenarios.capex(60_000, deposit: 0.5, balanceDays: 365)).evaluate(twoUnits).violations, [])
        // Cloud only: 2 · 8760 = 17 520 USD in FY2028, 7520 over a 10 000 budget.
        let cloudOnly = PlanDecisions(reservedUnits: ["cloud": [1, 2]], served: ["cloud": ["chat": [[1000], [2000]]]])
        let opex = PlanEvaluator(scenario: FiscalScenarios.opex(10_000)).evaluate(cloudOnly)
        XCTAssertEqual(opex.violations.map(\.family), [.fiscalOpex])
        XCTAssertEqual(opex.violations.first?.amount ?? 0, 7520, accuracy: 1e-6)
    }

    /// glpsol on models/capacity.mod agrees with the hand-computed optima.
    func testMathProgTwinAgrees() throws {
        for (scenario, expected) in [
            (FiscalScenarios.capex(60_000), 174_642.0),
            (FiscalScenarios.capex(60_000, deposit: 0.5, balanceDays: 365), 133_884),
            (FiscalScenarios.capex(59_999, deposit: 0.5, balanceDays: 365), 174_642),
            (FiscalScenarios.opex(10_000), 8760 + 64_628 - 23_554 * 5372.0 / 6446),
        ] {
            let solution = try GLPSol.solve(scenario)
            XCTAssertTrue(solution.optimal, solution.output)
            XCTAssertEqual(solution.objective ?? 0, expected, accuracy: 1e-6 * expected, solution.output)
        }
        // Without fiscal budgets the data section has none of the fiscal parameters.
        XCTAssertFalse(MathProgData.write(PlannerScenarios.base).contains("FY"))
    }

    // MARK: Input

    let header = """
    name: t
    horizon: {start: 2027Q3, periods: 4}
    workloads: [{id: chat, demand: {tokensPerPeriod: [1e11, 1e11, 1e11, 1e11]}}]
    offerings: [{id: n, kind: purchase, unitPrice: 1000, lifetimePeriods: 8, throughput: {chat: 100}}]

    """

    func load(_ text: String) throws -> LoadedScenario {
        try ScenarioLoader.load(text: text, fileName: "s.yaml", baseDirectory: ".", catalog: TestCatalog.catalog, limits: .default)
    }

    /// 2027Q3..2028Q2 with the fiscal year from July: all four quarters are FY2028.
    func testFiscalYearsAreReadAndWrittenBack() throws {
        let text = header + """
        budget:
          fiscalYearStartMonth: 7
          fiscalYears:
            FY2028: {capex: 5000000, opex: 1200000}
        """
        let scenario = try load(text).scenario
        XCTAssertEqual(scenario.budget.fiscalYears, [FiscalYearBudget(year: 2028, capex: 5_000_000, opex: 1_200_000)])
        let written = ScenarioWriter.yaml(scenario)
        XCTAssertTrue(written.contains("FY2028: {capex: 5000000, opex: 1200000}"), written)
        XCTAssertEqual(try load(written).scenario.budget, scenario.budget)
    }

    func testFiscalYearOutsideTheHorizonIsAnError() {
        let text = header + """
        budget:
          fiscalYears:
            FY2030: {capex: 5000000}
            FY2027: {opex: -1}
        """
        XCTAssertThrowsError(try load(text)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("budget.fiscalYears.FY2030"), message)
            XCTAssertTrue(message.contains("FY2027 to FY2028"), message)
            XCTAssertTrue(message.contains("s.yaml:7:5"), message)
            XCTAssertTrue(message.contains("budget.fiscalYears.FY2027.opex"), message)
        }
    }
}

extension FiscalBudgetTests {
    /// examples/fiscal-budget.yaml: the numbers of its header comment.
    func testExampleBindsAndReportsItsShadowPrice() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let scenario = try ScenarioLoader.load(path: root.appendingPathComponent("examples/fiscal-budget.yaml").path).scenario
        let plan = try plan(scenario)
        XCTAssertEqual(plan.totals?.discountedCost ?? 0, 174_642, accuracy: 1e-6)
        XCTAssertEqual(arrivals(plan)["2027"] ?? 0, 1, accuracy: 1e-9)
        XCTAssertEqual(arrivals(plan)["2028"] ?? 0, 1, accuracy: 1e-9)
        XCTAssertEqual(shadowPrice(plan, "fiscalCapex[FY2027]")?.value ?? 0, 40_758.0 / 60_000, accuracy: 1e-9)
        XCTAssertNil(shadowPrice(plan, "fiscalOpex[FY2028]"))
    }

    /// Generated scenarios: a modest share has fiscal budgets, and they plan (feasible by
    /// construction) with the evaluator agreeing.
    func testGeneratedFiscalBudgetsStayFeasible() throws {
        var budgeted = 0
        for seed in UInt64(1)...200 {
            let scenario = ScenarioGenerator(size: .tiny, seed: seed).scenario()
            guard !scenario.budget.fiscalYears.isEmpty else { continue }
            budgeted += 1
            _ = try plan(scenario)
            XCTAssertNil(FleetDecomposition.decomposition(of: CapacityModelBuilder.buildModel(scenario.withIntegerUnits(false)))
                .flatMap { _ in scenario.budget.fiscalYears.contains { $0.opex != nil } ? 1 : nil })
        }
        XCTAssertGreaterThanOrEqual(budgeted, 3)
        XCTAssertLessThanOrEqual(budgeted, 50)
        // Without the features the generator is unchanged.
        XCTAssertTrue(ScenarioGenerator(size: .tiny, seed: 7, procurementFeatures: false).scenario().budget.fiscalYears.isEmpty)
    }
}
