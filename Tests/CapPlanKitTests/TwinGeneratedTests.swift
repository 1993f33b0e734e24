import XCTest
@testable import CapPlanKit

/// The planner against the MathProg twin (models/capacity.mod, solved by glpsol) on generated
/// scenarios: two formulations written separately must reach the same optimum.
final class TwinGeneratedTests: XCTestCase {
    func testPlannerAndMathProgTwinAgreeOnGeneratedScenarios() throws {
        var compared = 0
        for seed in UInt64(1)...40 {
            var scenario = ScenarioGenerator(size: .tiny, seed: seed).scenario()
            if seed % 10 == 0 { scenario = ScenarioGenerator(size: .small, seed: seed).scenario() }
            var options = PlanOptions()
            options.baselines = false
            options.mipGap = 1e-9
            let plan = try Planner.plan(scenario, options: options)
            let twin = try GLPSol.solve(scenario)
            XCTAssertEqual(twin.status, 0, "seed \(seed): glpsol failed\n\(twin.output)")
            guard plan.status == .optimal else {
                XCTAssertFalse(twin.optimal, "seed \(seed): the twin is optimal, the planner says \(plan.status)")
                continue
            }
            XCTAssertTrue(twin.optimal, "seed \(seed): \(twin.output.suffix(400))")
            let expected = try XCTUnwrap(plan.totals?.discountedCost)
            let objective = try XCTUnwrap(twin.objective, "seed \(seed): no OBJECTIVE line")
            XCTAssertEqual(objective, expected, accuracy: 1e-6 * max(1, abs(expected)), "seed \(seed)")
            compared += 1
        }
        XCTAssertGreaterThanOrEqual(compared, 35)
    }
}
