import Foundation
import XCTest

/// `capplan plan` on a scenario with demand cases writes a two-stage plan; `sweep` and
/// `breakeven` refuse it with exit 2 (docs/cli.md).
final class TwoStageCLITests: XCTestCase {
    /// examples/breakeven-70b.yaml with low, base and high demand cases.
    func scenarioWithCases() throws -> URL {
        let directory = try temporaryDirectory()
        let example = try String(contentsOf: repositoryRoot.appendingPathComponent("examples/breakeven-70b.yaml"), encoding: .utf8)
        let url = directory.appendingPathComponent("cases.yaml")
        try (example + """

            demandCases:
              - {name: low, probability: 0.25, demandScale: 0.6}
              - {name: base, probability: 0.5}
              - {name: high, probability: 0.25, demandScale: 1.5}

            """).write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// The JSON's twoStage section: three cases in order, the body the base case (its totals
    /// are that case's cost), RP the probability-weighted sum of the cases' costs, and the
    /// table headed by the expected cost.
    func testPlanWritesTwoStagePlan() throws {
        let scenario = try scenarioWithCases()
        let output = scenario.deletingLastPathComponent().appendingPathComponent("plan.json")
        let result = try run(["plan", scenario.path, "-o", output.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("Expected cost (RP) $"), result.stdout)
        XCTAssertTrue(result.stdout.contains("Demand cases"), result.stdout)
        XCTAssertTrue(result.stdout.contains("periods, fleet and costs of case base"), result.stdout)
        let plan = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [String: Any])
        let twoStage = try XCTUnwrap(plan["twoStage"] as? [String: Any])
        XCTAssertEqual(twoStage["bodyCase"] as? String, "base")
        let cases = try XCTUnwrap(twoStage["cases"] as? [[String: Any]])
        XCTAssertEqual(cases.compactMap { $0["name"] as? String }, ["low", "base", "high"])
        let costs = cases.compactMap { $0["discountedCost"] as? Double }
        XCTAssertEqual(costs.count, 3)
        let expected = 0.25 * costs[0] + 0.5 * costs[1] + 0.25 * costs[2]
        XCTAssertEqual(try XCTUnwrap(twoStage["expectedCost"] as? Double), expected, accuracy: 1e-6 * expected)
        let totals = try XCTUnwrap(plan["totals"] as? [String: Any])
        XCTAssertEqual(try XCTUnwrap(totals["discountedCost"] as? Double), costs[1], accuracy: 1e-6 * costs[1])
        // Demand 0.6, 1 and 1.5 times: the costs grow with the demand.
        XCTAssertLessThan(costs[0], costs[1])
        XCTAssertLessThan(costs[1], costs[2])
        XCTAssertNil(plan["baselines"])
        // The same bytes on a second run.
        let again = try run(["plan", scenario.path, "--format", "json"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(again.stdout, try String(contentsOf: output, encoding: .utf8))
    }

    func testSweepAndBreakevenRefuseDemandCases() throws {
        let scenario = try scenarioWithCases()
        let sweep = try run(["sweep", scenario.path, "--set", "site.pue=1.2:1.4:2"])
        XCTAssertEqual(sweep.status, 2, sweep.stderr)
        XCTAssertTrue(sweep.stderr.contains("3 demand cases"), sweep.stderr)
        XCTAssertTrue(sweep.stderr.contains("remove `demandCases`"), sweep.stderr)
        XCTAssertTrue(sweep.stdout.isEmpty)
        let breakeven = try run(["breakeven", scenario.path, "--workload", "chat"])
        XCTAssertEqual(breakeven.status, 2, breakeven.stderr)
        XCTAssertTrue(breakeven.stderr.contains("a break-even curve plans a single demand"), breakeven.stderr)
    }
}
