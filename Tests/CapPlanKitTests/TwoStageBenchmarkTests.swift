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
        let scenario = ScenarioGenerator(size: .medium, seed: 1).scenario()
        print("| cases | mode | rows | columns | nonzeros | integer columns | build s | EV start s | solve s | termination | gap |")
        print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|")
        for count in counts {
            for mode in modes {
                let row = try TwoStageBenchmark.run(scenario, cases: count, seed: 1, growthSpread: 0.1, relax: mode == "relax", timeLimit: 60)
                let gap = row.mipGap.map { String(format: "%.2g%%", 100 * max(0, $0)) } ?? "–"
                print("| \(row.cases) | \(row.mode) | \(row.rows) | \(row.columns) | \(row.nonzeros) | \(row.integerColumns) | "
                      + String(format: "%.2f | %.2f | %.2f", row.buildSeconds, row.startSeconds, row.solveSeconds) + " | \(row.termination) | \(gap) |")
            }
        }
    }
}
