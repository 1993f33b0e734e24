// Decisions that adapt (docs/formulation.md 12.6): the cases' tree by hand, an adaptive
// newsvendor over two periods worked out by hand (RP against the two-stage plan's, WS, EEV,
// VSS, the branches' orders), the extensive form's copies and rows counted, the evaluator's
// own non-anticipativity check catching decisions that peek, `caseDecisions` read, written and
// refused, and the example's adaptive plan no dearer than its two-stage plan.

import Foundation
import XCTest
@testable import CapPlanKit
import LinearProgramming

final class AdaptiveTreeTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Two yearly periods (2027, 2028) of the newsvendor (TwoStageTests: a `srv` unit serves 1000
    /// tokens/s for its one-year life at 30 000 USD; the API costs 63 072 USD per 1000 tokens/s
    /// and year), no lead time. Cases in units of 1000 tokens/s: A (4, 2) with probability 0.5,
    /// B (4, 8) 0.25, C (2, 8) 0.25. A and B agree on 2027: one node at the start of 2028.
    static func newsvendor(_ decisions: CaseDecisions) -> Scenario {
        var s = NewsvendorScenarios.withCases(
            NewsvendorScenarios.scenario(periods: 2), [("A", 0.5, [4, 2]), ("B", 0.25, [4, 8]), ("C", 0.25, [2, 8])])
        s.caseDecisions = decisions
        return s
    }

    func plan(_ scenario: Scenario) throws -> TwoStageResult {
        var options = PlanOptions()
        options.mipGap = 1e-9
        options.baselines = false
        return try TwoStagePlanner.plan(scenario, options: options)
    }

    // MARK: the tree

    /// At the start of 2027 nothing is known: one node. At the start of 2028 the 2027 demand
    /// (4, 4, 2) splits C from A and B. Branches: the root (2027, every case), {A, B} and {C}
    /// (2028), both split from the root.
    func testTreeByHand() {
        let tree = CaseTree(Self.newsvendor(.adaptive))
        XCTAssertEqual(tree.lead, [[0, 0, 0], [0, 0, 2]])
        XCTAssertEqual(tree.branches, [
            .init(from: 0, through: 0, cases: [0, 1, 2], parent: nil),
            .init(from: 1, through: 1, cases: [0, 1], parent: 0),
            .init(from: 1, through: 1, cases: [2], parent: 0),
        ])
        XCTAssertFalse(tree.isSingleNode)
        XCTAssertTrue(CaseTree(Self.newsvendor(.hereAndNow)).isSingleNode)
    }

    /// A different API price scale splits cases from the second period on even when their
    /// demand agrees; a branch that does not split runs on (one branch over several periods).
    func testPriceScaleSplitsAndBranchesRunOn() {
        var s = NewsvendorScenarios.withCases(
            NewsvendorScenarios.scenario(periods: 4), [("x", 0.5, [1, 1, 1, 1]), ("y", 0.25, [1, 1, 1, 2]), ("z", 0.25, [1, 1, 1, 2])])
        s.caseDecisions = .adaptive
        s.demandCases[2].apiPriceScale = 2
        let tree = CaseTree(s)
        // z leaves at t = 1 (its price scale); x and y agree until their 2030 demand differs, known at... never within 4
        // periods: y differs from x only in the last period, known after the horizon.
        XCTAssertEqual(tree.lead, [[0, 0, 0], [0, 0, 2], [0, 0, 2], [0, 0, 2]])
        XCTAssertEqual(tree.branches, [
            .init(from: 0, through: 0, cases: [0, 1, 2], parent: nil),
            .init(from: 1, through: 3, cases: [0, 1], parent: 0),
            .init(from: 1, through: 3, cases: [2], parent: 0),
        ])
    }

    // MARK: the adaptive newsvendor by hand

    /// 2027 (decided at the root, D ∈ {4 w.p. 0.75, 2 w.p. 0.25}): the k-th unit pays when
    /// P(D ≥ k) · 63 072 ≥ 30 000, P ≥ 0.4757: k = 4 (P(D ≥ 4) = 0.75), 120 000 in every case.
    /// 2028, node {A, B} (D ∈ {2 w.p. 2/3, 8 w.p. 1/3}): units 3..8 pay 1/3 · 63 072 = 21 024
    /// < 30 000: k = 2; node {C} (D = 8): k = 8.
    ///   A: 120 000 + 60 000 = 180 000
    ///   B: 120 000 + 60 000 + 6 · 63 072 = 558 432
    ///   C: 120 000 + 240 000 = 360 000
    ///   RP = 0.5 · 180 000 + 0.25 · 558 432 + 0.25 · 360 000 = 90 000 + 139 608 + 90 000 = 319 608.
    /// Two-stage (here-and-now), 2028: D ∈ {2 w.p. 0.5, 8 w.p. 0.5}: units 3..8 pay 0.5 · 63 072
    /// = 31 536 ≥ 30 000: k = 8, 240 000 in every case: RP = 360 000 (every case 360 000).
    /// WS: A 6 units 180 000, B 12 units 360 000, C 10 units 300 000: WS = 90 000 + 90 000 +
    /// 75 000 = 255 000; EVPI (adaptive) = 64 608; regret 0, 198 432, 60 000.
    /// EV: mean (3.5, 5): 4 units in 2027 (120 000 < 3 units + half a unit of API, 121 536), 5
    /// in 2028: in A 270 000, in B and C 120 000 + 150 000 + 3 · 63 072 = 459 216;
    /// EEV = 135 000 + 229 608 = 364 608; VSS = 364 608 − 319 608 = 45 000.
    func testAdaptiveNewsvendorByHand() throws {
        let result = try plan(Self.newsvendor(.adaptive))
        XCTAssertEqual(result.status, .optimal)
        let bought: [[Double]] = result.cases.map { $0.decisions.arrivals["srv"] ?? [] }
        XCTAssertEqual(bought, [[4, 2], [4, 2], [4, 8]])
        XCTAssertEqual(result.cases.map(\.discountedCost), [180_000, 558_432, 360_000], accuracy: 1e-3)
        XCTAssertEqual(result.expectedCost!, 319_608, accuracy: 1e-3)
        XCTAssertEqual(result.waitAndSee!, 255_000, accuracy: 1e-3)
        XCTAssertEqual(result.expectedValueOfPerfectInformation!, 64_608, accuracy: 1e-3)
        XCTAssertEqual(result.cases.map { $0.regret! }, [0, 198_432, 60_000], accuracy: 1e-3)
        XCTAssertEqual(result.expectedValuePlan!.decisions!.arrivals["srv"]!, [4, 5])
        XCTAssertEqual(result.expectedValuePlan!.expectedCost!, 364_608, accuracy: 1e-3)
        XCTAssertEqual(result.valueOfStochasticSolution!, 45_000, accuracy: 1e-3)

        let hereAndNow = try plan(Self.newsvendor(.hereAndNow))
        let once: [[Double]] = hereAndNow.cases.map { $0.decisions.arrivals["srv"] ?? [] }
        XCTAssertEqual(once, [[4, 8], [4, 8], [4, 8]])
        XCTAssertEqual(hereAndNow.expectedCost!, 360_000, accuracy: 1e-3)
        XCTAssertLessThan(result.expectedCost!, hereAndNow.expectedCost!)
    }

    /// The plan document's tree: the root orders 4 `srv` for 2027 now; {A, B} 2 and {C} 8 for
    /// 2028; the value of adapting against the two-stage plan.
    func testPlanDocumentTree() throws {
        var options = PlanOptions()
        options.mipGap = 1e-9
        options.baselines = false
        let document = try TwoStagePlanner.planDocument(Self.newsvendor(.adaptive), options: options)
        let t = try XCTUnwrap(document.twoStage)
        XCTAssertEqual(t.decisions, "adaptive")
        XCTAssertEqual(t.tree, [
            .init(from: "2027", through: "2027", cases: ["A", "B", "C"], probability: 1, parent: nil,
                  orders: [.init(kind: .purchase, offering: "srv", period: "2027", orderBy: "2027", units: 4)]),
            .init(from: "2028", through: "2028", cases: ["A", "B"], probability: 0.75, parent: 0,
                  orders: [.init(kind: .purchase, offering: "srv", period: "2028", orderBy: "2028", units: 2)]),
            .init(from: "2028", through: "2028", cases: ["C"], probability: 0.25, parent: 0,
                  orders: [.init(kind: .purchase, offering: "srv", period: "2028", orderBy: "2028", units: 8)]),
        ])
        // The value of adapting: here-and-now RP 360 000 − 319 608 = 40 392.
        XCTAssertEqual(t.hereAndNowExpectedCost ?? .nan, 360_000, accuracy: 1e-3)
        XCTAssertEqual(t.valueOfAdapting ?? .nan, 40_392, accuracy: 1e-3)
        let text = PlanReport.text(document)
        XCTAssertTrue(text.contains("order now"), text)
        XCTAssertTrue(text.contains("8 srv arriving 2028, ordered by 2028"), text)
        XCTAssertTrue(PlanReport.markdown(document).contains("| if C | 2028 | 0.25 | 8 srv arriving 2028, ordered by 2028 |"), PlanReport.markdown(document))
        // A and B agree on 2027: not a fan, no note.
        XCTAssertFalse(t.notes.contains { $0.contains("a fan") })
        // Here-and-now: neither key.
        let twoStage = try TwoStagePlanner.planDocument(Self.newsvendor(.hereAndNow), options: options)
        let json = try PlanReport.json(twoStage)
        XCTAssertFalse(json.contains("\"tree\""))
        XCTAssertFalse(json.contains("\"decisions\" : \"adaptive\""))
    }

    /// Cases given by scales part at the start of the second period: a fan, said in a note.
    func testFanIsSaid() throws {
        var s = NewsvendorScenarios.withCases(NewsvendorScenarios.scenario(periods: 2), [("lo", 0.5, [2, 2]), ("hi", 0.5, [4, 4])])
        s.caseDecisions = .adaptive
        var options = PlanOptions()
        options.baselines = false
        let document = try TwoStagePlanner.planDocument(s, options: options)
        XCTAssertTrue(try XCTUnwrap(document.twoStage).notes.contains { $0.contains("a fan") })
        // Each case buys its own demand in 2028 (known then); 2027 is a newsvendor on {2, 4} at
        // 1/2 each: units 3 and 4 pay 0.5 · 63 072 = 31 536 ≥ 30 000: 4.
        XCTAssertEqual(document.twoStage?.tree?.map { $0.orders.map(\.units) }, [[4], [2], [4]])
    }

    /// The newsvendor with a reserved rental in place of the purchase: `cloud`, one-period
    /// contracts at 30 000 / 8760 USD an hour (30 000 a unit-year, as `srv`), 1000 tokens/s.
    /// Reserved units of a period are decided at its start (12.6), so the numbers are the
    /// purchase's: 4 reserved in 2027 for every case, 2 in 2028 for A and B, 8 for C; RP 319 608.
    /// The tree reports them as `reserved`; B reserving 8 in 2028 would peek.
    func testReservedRentalAdaptsByHand() throws {
        var s = Self.newsvendor(.adaptive)
        s.offerings[0] = .rental(RentalOffering(id: "cloud", pricePerUnitHour: 30_000 / 8760, commitment: .period, throughput: ["chat": 1000]))
        var options = PlanOptions()
        options.mipGap = 1e-9
        options.baselines = false
        let document = try TwoStagePlanner.planDocument(s, options: options)
        let t = try XCTUnwrap(document.twoStage)
        XCTAssertEqual(t.expectedCost ?? .nan, 319_608, accuracy: 1e-3)
        XCTAssertEqual(t.tree?.map { $0.orders.map(\.units) }, [[4], [2], [8]])
        XCTAssertEqual(t.tree?.flatMap { $0.orders.map(\.kind) }, [.reserved, .reserved, .reserved])
        let result = try plan(s)
        var peek = result.cases.map(\.decisions)
        XCTAssertEqual(NonAnticipativityCheck.violations(s, decisions: peek), [])
        peek[1].reservedUnits["cloud"] = [4, 8]
        XCTAssertEqual(NonAnticipativityCheck.violations(s, decisions: peek).count, 1)
    }

    // MARK: the extensive form

    /// Columns of the newsvendor's first stage: b_2027, n_2027 (decided at the root, one copy),
    /// b_2028, n_2028 (decided at the start of 2028: a copy for {A, B} and one for {C}): 6, two
    /// more than here-and-now; `fleet[2028]` (n − b = 0, T = 2028) twice, `fleet[2027]` once.
    /// Case A's and B's copies of b_2028 are one column, C's another; the 2027 column is shared.
    func testExtensiveFormCopies() {
        let adaptive = TwoStagePlanner.extensiveForm(Self.newsvendor(.adaptive), integer: true, names: true, risk: RiskPolicy())
        let twoStage = TwoStagePlanner.extensiveForm(Self.newsvendor(.hereAndNow), integer: true, names: true, risk: RiskPolicy())
        XCTAssertEqual(adaptive.lp.variableCount, twoStage.lp.variableCount + 2)
        XCTAssertEqual(adaptive.lp.constraintCount, twoStage.lp.constraintCount + 1)
        let index = adaptive.caseModels[0].index
        let b0 = index.arrivals[0].variable(0)!.index, b1 = index.arrivals[0].variable(1)!.index
        XCTAssertEqual(Set(adaptive.columnMap.map { $0[b0] }).count, 1)
        XCTAssertEqual(adaptive.columnMap[0][b1], adaptive.columnMap[1][b1])
        XCTAssertNotEqual(adaptive.columnMap[0][b1], adaptive.columnMap[2][b1])
        XCTAssertEqual(adaptive.decisionPeriods[b1], 1)
        let names = (0..<adaptive.lp.variableCount).map { adaptive.lp.name(of: Variable(index: $0)) }
        XCTAssertEqual(adaptive.lp.name(of: Variable(index: adaptive.columnMap[0][b1])), twoStage.lp.name(of: Variable(index: twoStage.columnMap[0][b1])) + "@A|B")
        XCTAssertTrue(names.contains(twoStage.lp.name(of: Variable(index: twoStage.columnMap[0][b1])) + "@C"))
        // The copy's objective: Σ of its cases' π times 30 000 (capex at one-year life).
        XCTAssertEqual(adaptive.lp.objectiveCoefficient(of: Variable(index: adaptive.columnMap[0][b1])), 0.75 * 30_000, accuracy: 1e-9)
        XCTAssertEqual(adaptive.lp.objectiveCoefficient(of: Variable(index: adaptive.columnMap[2][b1])), 0.25 * 30_000, accuracy: 1e-9)
        // A fleet row of the last period: one per node.
        let fleet1 = index.fleetRows[0].constraint(1).index
        XCTAssertEqual(adaptive.rowMap[0][fleet1], adaptive.rowMap[1][fleet1])
        XCTAssertNotEqual(adaptive.rowMap[0][fleet1], adaptive.rowMap[2][fleet1])
    }

    // MARK: the evaluator's check

    /// Decisions that peek: B buying 8 in 2028 while A buys 2 (the two cannot be told apart at
    /// the start of 2028), or C buying 3 in 2027 (nothing is known then) are violations; C's 8 in
    /// 2028 is not. Here-and-now, C's 8 against A's 2 is one (B's 2 equals A's).
    func testNonAnticipativityCheck() throws {
        let result = try plan(Self.newsvendor(.adaptive))
        let decisions = result.cases.map(\.decisions)
        XCTAssertEqual(NonAnticipativityCheck.violations(Self.newsvendor(.adaptive), decisions: decisions), [])
        var peek = decisions
        peek[1].arrivals["srv"] = [4, 8]
        let found = NonAnticipativityCheck.violations(Self.newsvendor(.adaptive), decisions: peek)
        XCTAssertEqual(found.count, 1, "\(found)")
        XCTAssertTrue(found[0].contains("case B has 8.0 units of srv arriving in 2028, case A 2.0"), found[0])
        var early = decisions
        early[2].arrivals["srv"] = [3, 8]
        XCTAssertEqual(NonAnticipativityCheck.violations(Self.newsvendor(.adaptive), decisions: early).count, 1)
        // The adaptive plan is not a here-and-now plan: C's 2028 differs from A's.
        XCTAssertEqual(NonAnticipativityCheck.violations(Self.newsvendor(.hereAndNow), decisions: decisions).count, 1)
    }

    // MARK: evaluate

    /// `evaluate` fixes one first stage in every case: the two-stage plan (4, 8) costs 360 000
    /// in each case (4 units for 2027, 8 for 2028 whatever the demand; the API never needed),
    /// 40 392 above the adaptive optimum's 319 608; per case 360 000 − (180 000, 558 432,
    /// 360 000) = 180 000, −198 432, 0. A note says the plan is static against an adaptive optimum.
    func testEvaluateAStaticPlanAgainstTheAdaptiveOptimum() throws {
        let input = PlanInput(shape: .purchasesOnly, name: "two-stage", arrivals: ["srv": [4, 8]], reservedUnits: [:], onDemandUnits: [:],
                              otherRentals: .optimize, served: [:], unserved: [:])
        let report = try PlanEvaluationRun.evaluate(Self.newsvendor(.adaptive), input: input)
        let cases = try XCTUnwrap(report.cases)
        XCTAssertEqual(cases.cases.map { $0.plan?.discountedCost ?? .nan }, [360_000, 360_000, 360_000], accuracy: 1e-3)
        XCTAssertEqual(cases.optimalExpectedCost ?? .nan, 319_608, accuracy: 1e-3)
        XCTAssertEqual(cases.expectedCostDifference ?? .nan, 40_392, accuracy: 1e-3)
        XCTAssertEqual(cases.cases.map { $0.difference ?? .nan }, [180_000, -198_432, 0], accuracy: 1e-3)
        XCTAssertTrue(report.notes.contains { $0.contains("caseDecisions: adaptive") }, "\(report.notes)")
    }

    // MARK: input

    func testCaseDecisionsReadWrittenAndRefused() throws {
        let base = DemandCasesInputTests.scenario(DemandCasesInputTests.listed)
        let adaptive = try ScenarioLoader.load(text: base + "caseDecisions: adaptive\n", fileName: "s.yaml", baseDirectory: ".").scenario
        XCTAssertEqual(adaptive.caseDecisions, .adaptive)
        XCTAssertEqual(try ScenarioLoader.load(text: base, fileName: "s.yaml", baseDirectory: ".").scenario.caseDecisions, .hereAndNow)
        // The writer keeps it (and writes nothing for here-and-now).
        let written = ScenarioWriter.yaml(adaptive)
        XCTAssertTrue(written.contains("caseDecisions: adaptive"))
        XCTAssertEqual(try ScenarioLoader.load(text: written, fileName: "w.yaml", baseDirectory: ".").scenario.caseDecisions, .adaptive)
        XCTAssertFalse(ScenarioWriter.yaml(try ScenarioLoader.load(text: base, fileName: "s.yaml", baseDirectory: ".").scenario).contains("caseDecisions"))
        // A wrong value, and the key without cases: path, line, what was expected.
        func errors(_ text: String) -> [Diagnostic] {
            do { _ = try ScenarioLoader.load(text: text, fileName: "s.yaml", baseDirectory: "."); return [] } catch let e as ScenarioLoadError { return e.diagnostics } catch { return [] }
        }
        let wrong = errors(base + "caseDecisions: sometimes\n")
        XCTAssertEqual(wrong.map(\.path), ["caseDecisions"])
        XCTAssertTrue(wrong[0].description.contains("expected `here-and-now`"), wrong[0].description)
        XCTAssertTrue(wrong[0].description.contains("sometimes"), wrong[0].description)
        let alone = errors(DemandCasesInputTests.scenario("caseDecisions: adaptive\n"))
        XCTAssertEqual(alone.map(\.path), ["caseDecisions"])
        XCTAssertTrue(alone[0].description.contains("caseDecisions needs demandCases"), alone[0].description)
    }

    // MARK: the example

    /// examples/adaptive-orders.yaml: low leaves the others with the 2027Q3 demand (known at
    /// the start of 2027Q4), base and high part with 2028Q1's (known at the start of 2028Q2).
    /// The adaptive plan costs no more than the two-stage plan (its first stage is a point of
    /// the tree) and orders the same 2 servers now.
    func testExampleAdaptiveNoDearerThanTwoStage() throws {
        let path = Self.root.appendingPathComponent("examples/adaptive-orders.yaml").path
        let scenario = try ScenarioLoader.load(path: path).scenario
        XCTAssertEqual(scenario.caseDecisions, .adaptive)
        let tree = CaseTree(scenario)
        XCTAssertEqual(tree.branches.map(\.cases), [[0, 1, 2], [0], [1, 2], [1], [2]])
        XCTAssertEqual(tree.branches.map(\.from), [0, 3, 3, 5, 5])
        var options = PlanOptions()
        options.baselines = false
        let adaptive = try TwoStagePlanner.planDocument(scenario, options: options)
        var twoStageScenario = scenario
        twoStageScenario.caseDecisions = .hereAndNow
        let twoStage = try TwoStagePlanner.plan(twoStageScenario, options: options)
        let rp = try XCTUnwrap(adaptive.twoStage?.expectedCost)
        XCTAssertLessThanOrEqual(rp, try XCTUnwrap(twoStage.expectedCost) * (1 + 1e-9))
        let now = try XCTUnwrap(adaptive.twoStage?.tree?.first)
        XCTAssertEqual(now.orders.map(\.units), [2])
        XCTAssertEqual(now.orders.first?.period, "2027Q2")
    }
}

private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "\(a) vs \(b)", file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, "\(a) vs \(b)", file: file, line: line) }
}
