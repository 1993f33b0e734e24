import Foundation
import XCTest
@testable import CapPlanKit

/// Issue 10: demand growing 100x a period made the rounding start's restoring simplex stop
/// short of an optimal relaxation basis, and branch-and-cut then refused to start
/// (GLP_EROOT, exit 4). The LP layer now checks that simplex and re-solves the relaxation
/// from a fresh basis when it fails. The same model, with the replicaRounding rows, is one
/// GLPK's MIP presolver calls infeasible (the planner's first phase uses it): the LP layer
/// checks that verdict by branch-and-cut without the presolver.
final class RestoredRelaxationTests: XCTestCase {
    func testHundredfoldGrowthStillSolves() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let example = try String(contentsOf: root.appendingPathComponent("examples/midsize-3year.yaml"), encoding: .utf8)
        let text = example.replacingOccurrences(
            of: #"growthPerPeriod: [0-9.]+"#, with: "growthPerPeriod: 99", options: .regularExpression)
        XCTAssertNotEqual(text, example)
        let scenario = try ScenarioLoader.load(text: text, fileName: "growth.yaml", baseDirectory: root.path).scenario
        var options = PlanOptions()
        options.baselines = false
        options.priceThresholds = false
        let plan = try Planner.plan(scenario, options: options)
        XCTAssertEqual(plan.status, .optimal, "\(plan.solver)")
        XCTAssertNotEqual(plan.solver.glpkReturnCode, "GLP_EROOT")
    }
}
