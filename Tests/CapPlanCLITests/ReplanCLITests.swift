import Foundation
import XCTest

/// `capplan replan` end to end on examples/replan/ (docs/replan.md): the four files written, the
/// rolled scenario planned again by `plan` to the same plan, exit 2 on bad actuals.
final class ReplanCLITests: XCTestCase {
    let example = "examples/replan/"

    func testReplanWritesTheRolledScenarioThePlanAndTheChanges() throws {
        let directory = try temporaryDirectory()
        let result = try run(["replan", "--previous", example + "plan.json", "--actuals", example + "actuals.yaml", example + "forecast.yaml",
                              "-o", directory.path, "--no-thresholds", "--no-baselines"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("## What changed"), result.stdout)
        XCTAssertTrue(result.stdout.contains("| 2027Q1 | $16,140 | $27,300 |"), result.stdout)
        for name in ["scenario.yaml", "plan.json", "changes.json", "changes.md"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path), name)
        }
        let changes = try json(directory.appendingPathComponent("changes.json"))
        XCTAssertEqual(changes["elapsed"] as? [String], ["2027Q1"])
        XCTAssertEqual((changes["horizon"] as? [String: Any])?["start"] as? String, "2027Q2")
        // The rolled scenario is the next cycle's input: `plan` on it gives the same plan.
        let again = directory.appendingPathComponent("again.json")
        let plan = try run(["plan", directory.appendingPathComponent("scenario.yaml").path, "-o", again.path, "--no-thresholds", "--no-baselines"])
        XCTAssertEqual(plan.status, 0, plan.stderr)
        XCTAssertEqual(try String(contentsOf: again, encoding: .utf8), try String(contentsOf: directory.appendingPathComponent("plan.json"), encoding: .utf8))
    }

    func testBadActualsExitWithTwoAndSayWhere() throws {
        let directory = try temporaryDirectory()
        let actuals = directory.appendingPathComponent("actuals.yaml")
        try "elapsed: 2027Q1\ndemand:\n  chat: [-1]\n".write(to: actuals, atomically: true, encoding: .utf8)
        let result = try run(["replan", "--previous", example + "plan.json", "--actuals", actuals.path, example + "forecast.yaml"])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("actuals.yaml:3:10: error: demand.chat[0]: expected tokens >= 0, got -1"), result.stderr)
        XCTAssertTrue(result.stderr.contains("1 error; nothing was planned"), result.stderr)
    }

    func testAJobAcrossTheElapsedPeriodsWithoutItsProgressExitsWithTwo() throws {
        let directory = try temporaryDirectory()
        let forecast = try String(contentsOf: repositoryRoot.appendingPathComponent(example + "forecast.yaml"), encoding: .utf8)
        let scenario = directory.appendingPathComponent("forecast.yaml")
        // The job needs a pool the performance model knows: the servers become H100s.
        let withAccelerator = forecast.replacingOccurrences(of: "    unitPrice: 200000\n", with: "    unitPrice: 200000\n    accelerator: H100\n")
        try (withAccelerator + "jobs:\n  - {id: tune, flops: 1e18, earliestStart: 2027Q1, deadline: 2027Q3}\n").write(to: scenario, atomically: true, encoding: .utf8)
        let result = try run(["replan", "--previous", example + "plan.json", "--actuals", example + "actuals.yaml", scenario.path])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("job tune may run 2027Q1 .. 2027Q3, across the elapsed periods"), result.stderr)
    }
}
