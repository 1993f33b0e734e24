import Foundation
import XCTest

/// `capplan evaluate` end to end: exit codes, summary, JSON report, written full plans.
final class EvaluateCLITests: XCTestCase {
    func testEveryExamplePlanIsCompletedAndComparedWithTheOptimum() throws {
        let directory = try temporaryDirectory()
        // Plans in examples/plans, each named like its scenario in examples/.
        for name in try exampleFiles(in: "examples/plans") {
            let first = directory.appendingPathComponent("first.json"), second = directory.appendingPathComponent("second.json")
            let result = try run(["evaluate", "examples/\(name)", "--plan", "examples/plans/\(name)", "--json", first.path])
            XCTAssertEqual(result.status, 0, "\(name): \(result.stderr)")
            if try String(contentsOf: repositoryRoot.appendingPathComponent("examples/\(name)"), encoding: .utf8).contains("\ndemandCases:") {
                // Demand cases: the first stage in every case, against the two-stage optimum.
                XCTAssertTrue(result.stdout.contains("vs the two-stage optimum's (RP)"), "\(name): \(result.stdout)")
                let cases = try XCTUnwrap(try json(first)["cases"] as? [String: Any], name)
                XCTAssertNotNil(cases["expectedCost"] as? Double, name)
                XCTAssertEqual(try run(["evaluate", "examples/\(name)", "--plan", "examples/plans/\(name)", "--json", second.path]).status, 0)
                XCTAssertEqual(try Data(contentsOf: first), try Data(contentsOf: second), "\(name): two reports differ")
                continue
            }
            XCTAssertTrue(result.stdout.contains("Compared with the optimal plan"), name)
            XCTAssertTrue(result.stdout.contains("more (+"), name)
            XCTAssertEqual(try run(["evaluate", "examples/\(name)", "--plan", "examples/plans/\(name)", "--json", second.path]).status, 0)
            XCTAssertEqual(try Data(contentsOf: first), try Data(contentsOf: second), "\(name): two reports differ")
            let report = try json(first)
            XCTAssertEqual(report["status"] as? String, "feasible")
            XCTAssertEqual(report["shape"] as? String, "purchasesOnly")
            let plan = try XCTUnwrap(report["plan"] as? [String: Any]), optimal = try XCTUnwrap(report["optimal"] as? [String: Any])
            let planCost = try XCTUnwrap(plan["discountedCost"] as? Double), optimalCost = try XCTUnwrap(optimal["discountedCost"] as? Double)
            XCTAssertGreaterThan(planCost, optimalCost, name)
            let comparison = try XCTUnwrap(report["comparison"] as? [String: Any])
            XCTAssertEqual(try XCTUnwrap(comparison["discountedCostDifference"] as? Double), planCost - optimalCost, accuracy: 1e-6 * optimalCost)
            XCTAssertEqual((report["violations"] as? [Any])?.count, 0)
        }
    }

    /// A stress test of a fixed plan (`--set`): the full plan that serves the base demand as
    /// written breaks the demand rows at 1.5x demand (exit 3), and the report records the edit;
    /// at 1x it still holds; a range is a usage error (exit 2).
    func testSetCostsAFixedPlanAgainstAnEditedScenario() throws {
        let directory = try temporaryDirectory()
        let full = directory.appendingPathComponent("full.yaml"), report = directory.appendingPathComponent("report.json")
        let scenario = "examples/startup-api-breakeven.yaml"
        XCTAssertEqual(try run(["evaluate", scenario, "--plan", "examples/plans/startup-api-breakeven.yaml", "--write-plan", full.path, "--no-optimal"]).status, 0)
        let same = try run(["evaluate", scenario, "--plan", full.path, "--no-optimal", "--set", "workloads.assistant.demandScale=1"])
        XCTAssertEqual(same.status, 0, same.stderr)
        let stressed = try run(["evaluate", scenario, "--plan", full.path, "--no-optimal", "--set", "workloads.assistant.demandScale=1.5", "--json", report.path])
        XCTAssertEqual(stressed.status, 3, stressed.stderr)
        XCTAssertTrue(stressed.stdout.contains("Scenario edited before costing: workloads.assistant.demandScale=1.5"), stressed.stdout)
        XCTAssertEqual(try json(report)["scenarioEdits"] as? [String], ["workloads.assistant.demandScale=1.5"])
        let violations = try XCTUnwrap(try json(report)["violations"] as? [[String: Any]])
        XCTAssertTrue(violations.contains { $0["family"] as? String == "demand" })
        let range = try run(["evaluate", scenario, "--plan", full.path, "--set", "workloads.assistant.demandScale=1:2:3"])
        XCTAssertEqual(range.status, 2)
        XCTAssertTrue(range.stderr.contains("expected PATH=VALUE"), range.stderr)
    }

    /// A completed plan written with --write-plan evaluates as a feasible full plan; with one served
    /// line removed, the demand row is reported with its period and slice, and the exit code is 3.
    func testWrittenFullPlanAndAPlantedShortfall() throws {
        let directory = try temporaryDirectory()
        let full = directory.appendingPathComponent("full.yaml")
        let scenario = "examples/startup-api-breakeven.yaml"
        XCTAssertEqual(try run(["evaluate", scenario, "--plan", "examples/plans/startup-api-breakeven.yaml", "--write-plan", full.path, "--no-optimal"]).status, 0)
        let checked = try run(["evaluate", scenario, "--plan", full.path])
        XCTAssertEqual(checked.status, 0, checked.stderr)
        XCTAssertTrue(checked.stdout.contains("full plan"))
        XCTAssertTrue(checked.stdout.contains("feasible: every constraint holds"))

        let lines = try String(contentsOf: full, encoding: .utf8).components(separatedBy: "\n")
        let target = try XCTUnwrap(lines.firstIndex { $0.contains("workload: assistant, period: 2027-01, slice: business") })
        let broken = directory.appendingPathComponent("broken.yaml"), report = directory.appendingPathComponent("report.json")
        try lines.enumerated().filter { $0.offset != target }.map(\.element).joined(separator: "\n").write(to: broken, atomically: true, encoding: .utf8)
        let result = try run(["evaluate", scenario, "--plan", broken.path, "--json", report.path, "--no-optimal"])
        XCTAssertEqual(result.status, 3, result.stderr)
        XCTAssertTrue(result.stdout.contains("VIOLATED"))
        XCTAssertTrue(result.stdout.contains("demand[assistant,2027-01,business]"), result.stdout)
        let violations = try XCTUnwrap(try json(report)["violations"] as? [[String: Any]])
        let demand = try XCTUnwrap(violations.first { $0["family"] as? String == "demand" })
        XCTAssertEqual(demand["period"] as? String, "2027-01")
        XCTAssertEqual(demand["slice"] as? String, "business")
        XCTAssertEqual(demand["workload"] as? String, "assistant")
        XCTAssertGreaterThan(try XCTUnwrap(demand["amount"] as? Double), 0)
    }

    func testPurchasesBeyondThePowerCapAndBudgetCannotBeCompleted() throws {
        let directory = try temporaryDirectory()
        let plan = directory.appendingPathComponent("too-much.yaml")
        try "purchases:\n  - {offering: b200-node, period: 2027Q3, units: 8}\n".write(to: plan, atomically: true, encoding: .utf8)
        let result = try run(["evaluate", "examples/enterprise-fleet.yaml", "--plan", plan.path, "--no-optimal"])
        XCTAssertEqual(result.status, 3, result.stderr)
        XCTAssertTrue(result.stdout.contains("CANNOT BE COMPLETED"))
        XCTAssertTrue(result.stdout.contains("powerCap[2027Q3]"), result.stdout)
        XCTAssertTrue(result.stdout.contains("capitalBudget[2027Q3]"), result.stdout)
    }

    func testInvalidPlanFilesExitWith2AndNameThePath() throws {
        let directory = try temporaryDirectory()
        let plan = directory.appendingPathComponent("bad.yaml")
        try """
            purchases:
              - {offering: h100-node, period: 2027-03, units: 1}
              - {offering: h100-nod, period: 2027-04, units: 1}
              - {offering: h100-node, period: 2027-13, units: 1}
            """.write(to: plan, atomically: true, encoding: .utf8)
        let result = try run(["evaluate", "examples/startup-api-breakeven.yaml", "--plan", plan.path])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("purchases[1].offering"), result.stderr)
        XCTAssertTrue(result.stderr.contains("did you mean `h100-node`?"), result.stderr)
        XCTAssertTrue(result.stderr.contains("purchases[2].period"), result.stderr)
        XCTAssertTrue(result.stderr.contains("2 errors; nothing was evaluated"), result.stderr)
        XCTAssertTrue(result.stdout.isEmpty)

        let wrongExtension = directory.appendingPathComponent("plan.txt")
        try "purchases: []".write(to: wrongExtension, atomically: true, encoding: .utf8)
        XCTAssertEqual(try run(["evaluate", "examples/startup-api-breakeven.yaml", "--plan", wrongExtension.path]).status, 2)
        XCTAssertEqual(try run(["evaluate", "examples/startup-api-breakeven.yaml", "--plan", directory.appendingPathComponent("missing.yaml").path]).status, 2)
        XCTAssertEqual(try run(["evaluate", "examples/startup-api-breakeven.yaml"]).status, 2)
    }

    func testACapPlanPlanJSONIsOptimal() throws {
        let directory = try temporaryDirectory()
        let plan = directory.appendingPathComponent("plan.json")
        XCTAssertEqual(try run(["plan", "examples/midsize-3year.yaml", "-o", plan.path, "--mip-gap", "1e-7"]).status, 0)
        let result = try run(["evaluate", "examples/midsize-3year.yaml", "--plan", plan.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("it is optimal"), result.stdout)
        XCTAssertTrue(result.stdout.contains("dispatch"))
    }

    /// A reservation listed for one quarter of its 12-month term is a violation that names the term
    /// (exit 3); the JSON report carries the contract start and charges the whole term.
    func testAReservationShorterThanItsTermIsAViolationNamingTheTerm() throws {
        let directory = try temporaryDirectory()
        let scenario = directory.appendingPathComponent("contracts.yaml"), plan = directory.appendingPathComponent("plan.yaml")
        let report = directory.appendingPathComponent("report.json")
        // 1500 tokens/s in 2027Q1 (1500 · 7 884 000 s = 1.1826e10 tokens); cloud: 2 USD/h, 12-month term.
        try """
            name: contracts
            horizon: {start: 2027Q1, periods: 4}
            workloads:
              - id: chat
                demand: {tokensPerPeriod: [1.1826e10, 0, 0, 0]}
            offerings:
              - id: cloud
                kind: rental
                pricePerUnitHour: 2
                commitment: period
                termMonths: 12
                throughput: {chat: 1000}
            policy: {utilizationCap: 1}
            """.write(to: scenario, atomically: true, encoding: .utf8)
        try """
            rentals:
              - {offering: cloud, period: 2027Q1, units: 2}
            served:
              - {offering: cloud, workload: chat, period: 2027Q1, tokensPerSecond: 1500}
            """.write(to: plan, atomically: true, encoding: .utf8)
        let result = try run(["evaluate", scenario.path, "--plan", plan.path, "--json", report.path])
        XCTAssertEqual(result.status, 3, result.stderr)
        XCTAssertTrue(result.stdout.contains("VIOLATED: 3 constraint(s) broken"), result.stdout)
        XCTAssertTrue(result.stdout.contains(
            "contractTerm[cloud,2027Q2]: units under contract fall before the 4-period (12-month) term of the contract started in 2027Q1 ends"),
            result.stdout)
        let json = try json(report)
        let violations = try XCTUnwrap(json["violations"] as? [[String: Any]])
        XCTAssertEqual(violations.map { $0["family"] as? String }, ["contractTerm", "contractTerm", "contractTerm"])
        let derived = try XCTUnwrap(json["derived"] as? [String: Any])
        XCTAssertEqual((derived["contractStarts"] as? [String: [Double]])?["cloud"], [2, 0, 0, 0])
        // Two units for four quarters at 2 USD · 2190 h = 4380 a unit-quarter: 35 040 (ρ = 0).
        XCTAssertEqual((json["plan"] as? [String: Any])?["cost"] as? Double, 35_040)
        // The optimal plan takes the same two contracts from 2027Q1 (1500 tokens/s needs 2 units).
        XCTAssertEqual((json["optimal"] as? [String: Any])?["cost"] as? Double, 35_040)
    }
}
