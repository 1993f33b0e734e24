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

    /// The next cycle: the rolled scenario and its plan are the inputs of the next re-plan. Two
    /// more quarters elapse (2027Q2, 2027Q3): the server in flight for 2027Q3 arrives there and
    /// becomes owned with 12 − (2 − 1) = 11 quarters left; the first server has 7 − 2 = 5 left;
    /// the reservation started in 2027Q1 (3 quarters left at 2027Q2) has 1 left.
    func testTheRolledScenarioAndPlanAreTheNextCyclesInputs() throws {
        let first = try temporaryDirectory(), second = try temporaryDirectory()
        let one = try run(["replan", "--previous", example + "plan.json", "--actuals", example + "actuals.yaml", example + "forecast.yaml",
                           "-o", first.path, "--no-thresholds", "--no-baselines"])
        XCTAssertEqual(one.status, 0, one.stderr)
        let actuals = first.appendingPathComponent("actuals-2.yaml")
        try "elapsed: [2027Q2, 2027Q3]\ndemand: {chat: [2.3e11, 2.8e11]}\n".write(to: actuals, atomically: true, encoding: .utf8)
        let two = try run(["replan", "--previous", first.appendingPathComponent("plan.json").path, "--actuals", actuals.path,
                           first.appendingPathComponent("scenario.yaml").path, "-o", second.path, "--no-thresholds", "--no-baselines"])
        XCTAssertEqual(two.status, 0, two.stderr)
        let changes = try json(second.appendingPathComponent("changes.json"))
        let carried = try XCTUnwrap(changes["carriedIn"] as? [String: Any])
        let cohorts = try XCTUnwrap(carried["cohorts"] as? [[String: Any]])
        XCTAssertEqual(cohorts.compactMap { $0["remainingPeriods"] as? Int }.prefix(2), [5, 11])
        XCTAssertEqual(cohorts.dropFirst().first?["arrived"] as? String, "2027Q3")
        let contracts = try XCTUnwrap(carried["contractsInTerm"] as? [[String: Any]])
        XCTAssertEqual(contracts.first?["remainingPeriods"] as? Int, 1)
        XCTAssertEqual(contracts.first?["origin"] as? String, "in term before 2027Q2")
        XCTAssertEqual((changes["horizon"] as? [String: Any])?["start"] as? String, "2027Q4")
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
