// Not a timed test: prints the table of docs/benchmarks.md "Two-stage plans" when
// CAPPLAN_TWO_STAGE_BENCH is set (scripts/two-stage-bench.sh, a release build); skipped otherwise.

import Foundation
import XCTest
@testable import CapPlanKit

final class TwoStageBenchmarkTests: XCTestCase {
    func testTwoStageTimeAgainstCases() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let spec = environment["CAPPLAN_TWO_STAGE_BENCH"] else { throw XCTSkip("set CAPPLAN_TWO_STAGE_BENCH=1 (scripts/two-stage-bench.sh)") }
        let counts = spec == "1" ? [10, 50, 200] : spec.split(separator: ",").compactMap { Int($0) }
        let modes = (environment["CAPPLAN_TWO_STAGE_MODES"] ?? "relax,whole").split(separator: ",")
        // CAPPLAN_TWO_STAGE_SOLVERS=monolithic,automatic: before and after decomposition.
        let solvers = (environment["CAPPLAN_TWO_STAGE_SOLVERS"] ?? "automatic").split(separator: ",").compactMap { PlanOptions.Decomposition(rawValue: String($0)) }
        let limit = Double(environment["CAPPLAN_TWO_STAGE_LIMIT"] ?? "60") ?? 60
        let scenario = ScenarioGenerator(size: .medium, seed: 1).scenario()
        print("| cases | mode | solver | rows | columns | integer columns | build s | EV start s | solve s | termination | method | RP | bound | gap | rounded: s, RP, bound |")
        print("|---:|---|---|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---|")
        for count in counts {
            for mode in modes {
                for solver in solvers {
                    let row = try TwoStageBenchmark.run(
                        scenario, cases: count, seed: 1, growthSpread: 0.1, relax: mode == "relax", timeLimit: limit, decomposition: solver)
                    let gap = row.mipGap.map { String(format: "%.2g%%", 100 * max(0, $0)) } ?? "–"
                    let money = { (value: Double?) in value.map { String(format: "%.0f", $0) } ?? "–" }
                    let rounded = row.heuristicSeconds.map { String(format: "%.2f", $0) + ", \(money(row.heuristicObjective)), \(money(row.heuristicBound))" } ?? "–"
                    print("| \(row.cases) | \(row.mode) | \(row.solver) | \(row.rows) | \(row.columns) | \(row.integerColumns) | "
                          + String(format: "%.2f | %.2f | %.2f", row.buildSeconds, row.startSeconds, row.solveSeconds)
                          + " | \(row.termination) | \(row.method) | \(money(row.objective)) | \(money(row.bound)) | \(gap) | \(rounded) |")
                }
            }
        }
    }
}
