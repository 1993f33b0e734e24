// examples/uncertain-demand.yaml plans as its header says: a two-stage plan over low, base and
// high demand whose expected cost is below the mean-demand plan's (VSS > 0), with EVPI and the
// regret table, and a risk-averse variant that buys more and earlier.
import Foundation
import XCTest
@testable import CapPlanKit

final class TwoStageExampleTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func result(_ scenario: Scenario) throws -> TwoStageResult {
        var options = PlanOptions()
        options.baselines = false
        let result = try TwoStagePlanner.plan(scenario, options: options)
        XCTAssertEqual(result.status, .optimal)
        return result
    }

    func arrivals(_ result: TwoStageResult) -> [Double] {
        result.cases.first?.decisions.arrivals["h100-node"] ?? []
    }

    func testTheCasesPlanBeatsTheMeanPlanAndSaysByHowMuch() throws {
        let scenario = try ScenarioLoader.load(path: Self.root.appendingPathComponent("examples/uncertain-demand.yaml").path).scenario
        XCTAssertEqual(scenario.demandCases.map(\.name), ["low", "base", "high"])
        // Case demand: the forecast times the case's scale, 3.0e11 · 1.1^p.
        XCTAssertEqual(scenario.demandCases[2].demand["chat"]?[1] ?? 0, 1.5 * 3.0e11 * 1.1, accuracy: 1)
        let plan = try result(scenario)
        let rp = try XCTUnwrap(plan.expectedCost), ws = try XCTUnwrap(plan.waitAndSee)
        let eev = try XCTUnwrap(plan.expectedValuePlan?.expectedCost)
        // RP is the probability-weighted sum of the cases' costs; VSS and EVPI their definitions.
        XCTAssertEqual(rp, plan.cases.reduce(0) { $0 + $1.probability * $1.discountedCost }, accuracy: 1e-6 * rp)
        XCTAssertEqual(plan.valueOfStochasticSolution ?? .nan, eev - rp, accuracy: 1e-6 * rp)
        XCTAssertEqual(plan.expectedValueOfPerfectInformation ?? .nan, rp - ws, accuracy: 1e-6 * rp)
        XCTAssertGreaterThan(eev - rp, 1_000, "planning over the cases beats planning for the mean")
        XCTAssertGreaterThan(rp - ws, 0)
        for c in plan.cases { XCTAssertGreaterThanOrEqual(c.regret ?? -1, -1e-6 * rp, c.name) }
        // The measured figures of the header.
        XCTAssertEqual(rp, 913_657, accuracy: 1)
        XCTAssertEqual(eev, 919_816, accuracy: 1)
        XCTAssertEqual(ws, 869_266, accuracy: 1)
        // One purchase plan for every case: 2 in 2027Q2, 1 in 2028Q1, 1 in 2028Q3; the mean plan
        // buys its third and fourth earlier (2027Q3, 2028Q2).
        XCTAssertEqual(arrivals(plan), [0, 2, 0, 0, 1, 0, 1, 0])
        for c in plan.cases { XCTAssertEqual(c.decisions.arrivals["h100-node"], arrivals(plan), "first stage shared: \(c.name)") }
        XCTAssertEqual(plan.expectedValuePlan?.decisions?.arrivals["h100-node"], [0, 2, 1, 0, 0, 1, 0, 0])
        // CVaR at 0.9 is the high case's cost (its 25% covers the worst 10%).
        XCTAssertEqual(plan.cvar ?? .nan, plan.cases[2].discountedCost, accuracy: 1e-6 * rp)

        var averse = scenario
        averse.risk = RiskPolicy(cvarWeight: 1, cvarLevel: 0.75)
        let riskAverse = try result(averse)
        XCTAssertEqual(arrivals(riskAverse).reduce(0, +), 5)
        XCTAssertGreaterThan(try XCTUnwrap(riskAverse.expectedCost), rp)
        XCTAssertLessThan(riskAverse.cases[2].discountedCost, plan.cases[2].discountedCost)
        XCTAssertEqual(riskAverse.valuesFor == "this plan", false, "VSS and EVPI are the risk-neutral plan's")
    }
}
