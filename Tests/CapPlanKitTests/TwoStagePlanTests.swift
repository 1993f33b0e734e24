// The plan document of a two-stage plan (docs/plan-format.md `twoStage`, Plan/TwoStagePlan.swift):
// its fields on the newsvendor worked out by hand in TwoStageTests, the body of the most
// probable case, the schema, the extras' budget, an infeasible case named in the diagnosis,
// the reports, byte-identical JSON, and sweep and break-even refusing a scenario with cases.

import Foundation
import TestSupport
import XCTest
@testable import CapPlanKit

final class TwoStagePlanTests: XCTestCase {
    /// Low, base and high demand of 2, 4 and 8 units (1000 tokens/s each), probabilities 0.25,
    /// 0.5, 0.25; the numbers are TwoStageTests.testNewsvendorByHand's: the plan buys 4 units.
    static var newsvendor: Scenario {
        NewsvendorScenarios.withCases(NewsvendorScenarios.scenario(), [("low", 0.25, [2]), ("base", 0.5, [4]), ("high", 0.25, [8])])
    }

    static func options(extrasTimeLimit: Double = 60) -> PlanOptions {
        var options = PlanOptions()
        options.mipGap = 1e-9
        options.extrasTimeLimit = extrasTimeLimit
        return options
    }

    /// Every field of `twoStage` and the body, by hand:
    ///   cases' costs: low and base 4 · 30 000 = 120 000; high 120 000 + 4 · 63 072 = 372 288
    ///     (the high case's API line: 4 units of 1000 tokens/s for a year at 2 USD/MTok =
    ///     4 · 63 072 = 252 288; capex 120 000 in every case)
    ///   perfect foresight 60 000, 120 000, 240 000; regret 60 000, 0, 132 288
    ///   RP 183 072, WS 135 000, EVPI 48 072; the EV plan buys 5 units (150 000), EEV 197 304,
    ///   VSS 14 232; cost with the EV plan 150 000, 150 000, 339 216.
    /// The body is the base case (probability 0.5): 4 units in service serving its 4000 tokens/s
    /// (4000 · 31 536 000 = 1.26144e11 tokens), totals 120 000; the purchase is 4 units of srv
    /// arriving and ordered in 2027 (no lead time) for 120 000.
    func testDocumentFieldsByHand() throws {
        let plan = try TwoStagePlanner.planDocument(Self.newsvendor, options: Self.options())
        XCTAssertEqual(plan.status, .optimal)
        let t = try XCTUnwrap(plan.twoStage)
        XCTAssertEqual(t.bodyCase, "base")
        XCTAssertEqual(t.cases.map(\.name), ["low", "base", "high"])
        XCTAssertEqual(t.cases.map(\.probability), [0.25, 0.5, 0.25])
        XCTAssertEqual(t.cases.map(\.apiPriceScale), [1, 1, 1])
        let expected: [(cost: Double, foresight: Double, regret: Double, ev: Double)] = [
            (120_000, 60_000, 60_000, 150_000), (120_000, 120_000, 0, 150_000), (372_288, 240_000, 132_288, 339_216)]
        for (line, e) in zip(t.cases, expected) {
            XCTAssertEqual(line.discountedCost, e.cost, accuracy: 1e-3, line.name)
            XCTAssertEqual(line.cost, e.cost, accuracy: 1e-3, "no discounting, no salvage (one-year life)")
            XCTAssertEqual(try XCTUnwrap(line.perfectForesightCost), e.foresight, accuracy: 1e-3, line.name)
            XCTAssertEqual(try XCTUnwrap(line.regret), e.regret, accuracy: 1e-3, line.name)
            XCTAssertEqual(try XCTUnwrap(line.expectedValuePlanCost), e.ev, accuracy: 1e-3, line.name)
            XCTAssertEqual(line.periods.map(\.period), ["2027"])
            XCTAssertEqual(line.periods[0].cost.capex, 120_000, accuracy: 1e-3)
            XCTAssertEqual(line.periods[0].cost.total, e.cost, accuracy: 1e-3)
            XCTAssertEqual(line.periods[0].discountedCost.total, e.cost, accuracy: 1e-3)
        }
        XCTAssertEqual(t.cases[2].periods[0].cost.api, 252_288, accuracy: 1e-3)
        XCTAssertEqual(t.cases[0].periods[0].cost.api, 0, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(t.expectedCost), 183_072, accuracy: 1e-3)
        XCTAssertEqual(try XCTUnwrap(t.waitAndSee), 135_000, accuracy: 1e-3)
        XCTAssertEqual(try XCTUnwrap(t.expectedValueOfPerfectInformation), 48_072, accuracy: 1e-3)
        XCTAssertEqual(try XCTUnwrap(t.valueOfStochasticSolution), 14_232, accuracy: 1e-3)
        let ev = try XCTUnwrap(t.expectedValuePlan)
        XCTAssertEqual(try XCTUnwrap(ev.discountedCost), 150_000, accuracy: 1e-3)
        XCTAssertEqual(try XCTUnwrap(ev.expectedCost), 197_304, accuracy: 1e-3)
        XCTAssertEqual(ev.purchases, [.init(offering: "srv", period: "2027", units: 5)])
        XCTAssertEqual(ev.reservedUnits, [])
        XCTAssertEqual(ev.infeasibleCases, [])
        XCTAssertEqual(t.cvarWeight, 0)
        XCTAssertEqual(t.cvarLevel, 0.9)
        // CVaR_0.9: the worst 10% is inside the high case (probability 0.25): 372 288.
        XCTAssertEqual(try XCTUnwrap(t.cvar), 372_288, accuracy: 1e-3)
        XCTAssertEqual(t.valuesFor, "this plan")

        // The first stage and the body (the base case).
        XCTAssertEqual(plan.purchases.count, 1)
        XCTAssertEqual(plan.purchases[0].offering, "srv")
        XCTAssertEqual(plan.purchases[0].period, "2027")
        XCTAssertEqual(plan.purchases[0].orderPeriod, "2027")
        XCTAssertEqual(plan.purchases[0].units, 4)
        XCTAssertEqual(plan.purchases[0].capex, 120_000, accuracy: 1e-6)
        let totals = try XCTUnwrap(plan.totals)
        XCTAssertEqual(totals.discountedCost, 120_000, accuracy: 1e-3)
        XCTAssertEqual(totals.tokensServed, 4000 * NewsvendorScenarios.secondsPerYear, accuracy: 1)
        XCTAssertEqual(plan.periods.count, 1)
        XCTAssertEqual(plan.periods[0].fleet.first { $0.offering == "srv" }?.unitsInService, 4)
        XCTAssertEqual(plan.periods[0].workloads[0].servedTokens["srv"] ?? 0, 4000 * NewsvendorScenarios.secondsPerYear, accuracy: 1)
        XCTAssertEqual(plan.periods[0].workloads[0].servedTokens["api"] ?? 0, 0, accuracy: 1)
        XCTAssertNotNil(plan.finance)
        // The audit: Σ π_c cost_c against the solver's objective (λ = 0: the whole objective).
        let audit = try XCTUnwrap(plan.audit)
        XCTAssertEqual(audit.evaluatorDiscountedCost, 183_072, accuracy: 1e-3)
        XCTAssertEqual(audit.solverObjective, 183_072, accuracy: 1e-3)
        XCTAssertEqual(audit.violations, [])
        // The solver section describes the extensive form: one column b and n of srv, then per
        // case its second stage, so more columns than one case's model.
        let single = CapacityModelBuilder.buildModel(NewsvendorScenarios.scenario(), options: CapacityModelOptions(names: false))
        XCTAssertGreaterThan(plan.solver.columns, single.lp.variableCount)
        XCTAssertGreaterThan(plan.solver.rows, single.lp.constraintCount)
        XCTAssertEqual(plan.solver.method, .branchAndCut)
        // No extras of a deterministic plan.
        XCTAssertNil(plan.baselines)
        XCTAssertNil(plan.priceThresholds)
        XCTAssertNil(plan.insights)
        XCTAssertTrue(plan.warnings.contains(TwoStagePlanner.notComputedWarning))
    }

    /// The body is the most probable case, the first on ties.
    func testBodyCaseIsTheMostProbableFirstOnTies() {
        func cases(_ probabilities: [Double]) -> [DemandCase] {
            probabilities.enumerated().map { DemandCase(name: "c\($0.offset)", probability: $0.element, demand: [:]) }
        }
        XCTAssertEqual(TwoStagePlanner.bodyCaseIndex(cases([0.25, 0.5, 0.25])), 1)
        XCTAssertEqual(TwoStagePlanner.bodyCaseIndex(cases([0.4, 0.2, 0.4])), 0)
        XCTAssertEqual(TwoStagePlanner.bodyCaseIndex(cases([0.2, 0.4, 0.4])), 1)
        XCTAssertEqual(TwoStagePlanner.bodyCaseIndex(cases([1])), 0)
    }

    /// With no extras' budget at all (0 s: less than `Deadline.minimumSeconds` from the start)
    /// the plan and its RP stand; every extra solve is absent with its note. No wall clock: a
    /// budget of 0 is spent before any extra starts, on any machine.
    func testExtrasBudgetSpentLeavesFiguresNotComputed() throws {
        let plan = try TwoStagePlanner.planDocument(Self.newsvendor, options: Self.options(extrasTimeLimit: 0))
        XCTAssertEqual(plan.status, .optimal)
        let t = try XCTUnwrap(plan.twoStage)
        XCTAssertEqual(try XCTUnwrap(t.expectedCost), 183_072, accuracy: 1e-3)
        XCTAssertEqual(plan.purchases.map(\.units), [4])
        XCTAssertNil(t.waitAndSee)
        XCTAssertNil(t.expectedValueOfPerfectInformation)
        XCTAssertNil(t.valueOfStochasticSolution)
        XCTAssertNil(t.expectedValuePlan?.expectedCost)
        for line in t.cases {
            XCTAssertNil(line.perfectForesightCost, line.name)
            XCTAssertNil(line.regret, line.name)
            XCTAssertNil(line.expectedValuePlanCost, line.name)
        }
        XCTAssertTrue(t.notes.contains { $0.contains(Deadline.notComputed) }, "\(t.notes)")
        // The text report says so rather than printing a number.
        let text = PlanReport.text(plan)
        XCTAssertTrue(text.contains("WS not computed"), text)
        XCTAssertTrue(text.contains(Deadline.notComputed), text)

        // Risk-averse: the risk-neutral re-solve is an extra too.
        var averse = Self.newsvendor
        averse.risk = RiskPolicy(cvarWeight: 0.5, cvarLevel: 0.5)
        let risky = try XCTUnwrap(try TwoStagePlanner.planDocument(averse, options: Self.options(extrasTimeLimit: 0)).twoStage)
        XCTAssertNotNil(risky.expectedCost)
        XCTAssertNil(risky.expectedValueOfPerfectInformation)
        XCTAssertTrue(risky.notes.contains("the risk-neutral plan: \(Deadline.notComputed); VSS and EVPI not computed"), "\(risky.notes)")
        XCTAssertTrue(risky.notes.contains("perfect foresight for case low, base, high: \(Deadline.notComputed); WS and EVPI not computed"), "\(risky.notes)")
    }

    /// A plan stopped without any (status error): the text says why, not a column of "not computed".
    func testNoPlanTextShowsOnlyTheNotes() throws {
        var plan = try TwoStagePlanner.planDocument(Self.newsvendor, options: Self.options())
        plan.status = .error
        plan.totals = nil
        plan.purchases = []
        plan.periods = []
        plan.twoStage?.cases = []
        plan.twoStage?.expectedCost = nil
        plan.twoStage?.notes = ["the extensive form has no plan (timeLimit)"]
        let text = PlanReport.text(plan)
        XCTAssertTrue(text.contains("note: the extensive form has no plan (timeLimit)"), text)
        XCTAssertFalse(text.contains("Expected cost"), text)
        XCTAssertFalse(text.contains("not computed"), text)
    }

    func testCaseListInNotes() {
        XCTAssertEqual(TwoStagePlanner.caseList(["a", "b"]), "a, b")
        XCTAssertEqual(TwoStagePlanner.caseList((1...12).map { "c\($0)" }), "c1, c2, c3, c4, c5, c6, c7, c8, c9, c10 and 2 more")
    }

    /// A case no first stage can serve: the API carries at most 1000 tokens/s and srv at most
    /// 3 units, so 4 units of demand at most; the high case's 8 is infeasible alone, the low
    /// case's 2 is not. The plan is infeasible, its diagnosis names the high case and gives its
    /// shortfall: 8000 − 3000 − 1000 = 4000 tokens/s in 2027.
    func testInfeasibleCaseIsNamedInTheDiagnosis() throws {
        var base = NewsvendorScenarios.scenario(maxUnitsPerPeriod: 3)
        base.offerings[1] = .api(APIOffering(id: "api", inputPricePerMTok: 1, outputPricePerMTok: 3, serves: ["chat"], maxTokensPerSecond: 1000))
        let scenario = NewsvendorScenarios.withCases(base, [("low", 0.5, [2]), ("high", 0.5, [8])])
        let plan = try TwoStagePlanner.planDocument(scenario, options: Self.options())
        XCTAssertEqual(plan.status, .infeasible)
        let diagnosis = try XCTUnwrap(plan.diagnosis)
        XCTAssertTrue(diagnosis.summary.hasPrefix("demand case high infeasible alone; case high: "), diagnosis.summary)
        XCTAssertEqual(diagnosis.shortfalls.map(\.workload), ["chat"])
        XCTAssertEqual(diagnosis.shortfalls.first?.tokensPerSecond ?? 0, 4000, accuracy: 1e-3)
        XCTAssertNil(plan.totals)
        XCTAssertEqual(plan.purchases.count, 0)
        XCTAssertEqual(plan.twoStage?.cases.count, 0)
        let text = PlanReport.text(plan)
        XCTAssertTrue(text.contains("No feasible plan: demand case high infeasible alone"), text)
        XCTAssertTrue(text.contains("model (the extensive form over the demand cases): "), text)
        try validate(["infeasible": try PlanReport.json(plan)], expectValid: true)
    }

    /// docs/plan.schema.json accepts a two-stage plan (risk-averse, so every field is there)
    /// and rejects one whose `twoStage` lacks `bodyCase` or carries an unknown key.
    func testSchemaValidatesTwoStagePlan() throws {
        var scenario = Self.newsvendor
        scenario.risk = RiskPolicy(cvarWeight: 0.5, cvarLevel: 0.5)
        let json = try PlanReport.json(try TwoStagePlanner.planDocument(scenario, options: Self.options()))
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        var twoStage = try XCTUnwrap(object["twoStage"] as? [String: Any])
        XCTAssertEqual(twoStage["valuesFor"] as? String, "risk-neutral plan (λ = 0)")
        twoStage["bodyCase"] = nil
        object["twoStage"] = twoStage
        let missing = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        twoStage["bodyCase"] = "base"
        twoStage["scenarios"] = 3
        object["twoStage"] = twoStage
        let unknown = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        try validate(["plan": json], expectValid: true)
        try validate(["missing": missing, "unknown": unknown], expectValid: false)
    }

    /// The same scenario gives the same bytes (JSON and the text report).
    func testSameJSONTwice() throws {
        let first = try TwoStagePlanner.planDocument(Self.newsvendor, options: Self.options())
        let second = try TwoStagePlanner.planDocument(Self.newsvendor, options: Self.options())
        XCTAssertEqual(try PlanReport.json(first), try PlanReport.json(second))
        XCTAssertEqual(PlanReport.text(first), PlanReport.text(second))
    }

    /// The text, Markdown and HTML reports: the expected cost first, the cases' table, the
    /// figures with their meanings, and a bar per case.
    func testReports() throws {
        let plan = try TwoStagePlanner.planDocument(Self.newsvendor, options: Self.options())
        let text = PlanReport.text(plan)
        for needle in ["Expected cost (RP) $183,072 over 3 demand cases", "Demand cases", "perfect foresight",
                       "with the mean-demand plan", "RP $183,072:", "CVaR_0.9 $372,288:", "WS $135,000:", "EEV $197,304:",
                       "VSS $14,232:", "EVPI $48,072:", "Case base: discounted cost $120,000", "periods, fleet and costs of case base"] {
            XCTAssertTrue(text.contains(needle), "missing \(needle) in\n\(text)")
        }
        // The RP line comes before the body's cost.
        let rp = try XCTUnwrap(text.range(of: "Expected cost (RP)")), body = try XCTUnwrap(text.range(of: "Case base: discounted cost"))
        XCTAssertLessThan(rp.lowerBound, body.lowerBound)
        let markdown = PlanReport.markdown(plan)
        XCTAssertTrue(markdown.contains("| high | 0.25 | $372,288 | $240,000 | $132,288 | $339,216 |"), markdown)
        let review = try PlanHTMLReport.markdown(ReportInputs(plan: plan))
        XCTAssertTrue(review.contains("## Demand cases (two-stage plan)"), review)
        XCTAssertTrue(review.contains("- VSS $14,232:"), review)
        let html = try PlanHTMLReport.html(ReportInputs(plan: plan))
        XCTAssertTrue(html.contains("<h2>Demand cases (two-stage plan)</h2>"))
        XCTAssertEqual(html.components(separatedBy: "data-series=\"perfect foresight\"").count - 1, 3)
        // The base case has no regret: no regret bar.
        XCTAssertEqual(html.components(separatedBy: "data-series=\"regret\"").count - 1, 2)
    }

    /// A sweep and a break-even curve plan one demand: refused with a message saying what to do,
    /// in the library (so not only the command line).
    func testSweepAndBreakevenRefuseDemandCases() throws {
        let scenario = Self.newsvendor
        let parameter = try SweepParameter(parsing: "site.pue=1.2:1.4:2")
        XCTAssertThrowsError(try Sweep.run(scenario, parameters: [parameter], options: PlanOptions())) { error in
            let message = (error as? InsightsError)?.message ?? ""
            XCTAssertTrue(message.contains("3 demand cases"), message)
            XCTAssertTrue(message.contains("remove `demandCases`"), message)
        }
        XCTAssertThrowsError(try Breakeven.run(scenario, workload: "chat", options: PlanOptions())) { error in
            XCTAssertTrue(((error as? InsightsError)?.message ?? "").contains("a break-even curve plans a single demand"))
        }
        // Without cases both still run their checks as before.
        XCTAssertNoThrow(try Sweep.validate([parameter], scenario: NewsvendorScenarios.scenario()))
    }

    // MARK: schema

    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("capplan-two-stage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    func validate(_ documents: [String: String], expectValid: Bool, file: StaticString = #filePath, line: UInt = #line) throws {
        var names: [String: String] = [:]
        for (name, json) in documents {
            let path = directory.appendingPathComponent(name + ".json").path
            try json.write(toFile: path, atomically: true, encoding: .utf8)
            names[path] = name
        }
        let outcome = try JSONSchemaCheck.run(schema: PlanSchemaTests.schemaPath, files: names.keys.sorted())
        XCTAssertEqual(outcome.status, 0, "python3 with the jsonschema module is required:\n\(outcome.errors)", file: file, line: line)
        for (path, name) in names {
            guard let verdict = outcome.verdicts[path] else {
                XCTFail("no verdict for \(name)", file: file, line: line)
                continue
            }
            if expectValid {
                XCTAssertNil(verdict, "\(name): \(verdict ?? "")", file: file, line: line)
            } else {
                XCTAssertNotNil(verdict, "\(name) should be rejected", file: file, line: line)
            }
        }
    }
}
