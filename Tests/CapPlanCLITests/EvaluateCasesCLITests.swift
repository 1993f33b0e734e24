import Foundation
import XCTest

/// `capplan evaluate` and `capplan export` on a scenario with demand cases (docs/evaluate-format.md
/// "Demand cases", docs/cli.md).
final class EvaluateCasesCLITests: XCTestCase {
    /// One year, chat at 1000 tokens/s (3.1536e10 tokens) in the base case; gpu 10,000 USD a
    /// unit for the year, 500 tokens/s; an API at 1 USD per MTok (31.536 USD a year per
    /// token/s). Cases low 0.6 (π 0.25), base 1 (0.5), high 1.5 (0.25). The two-stage optimum
    /// buys 2 units: 20,000, 20,000 and 20,000 + 500 · 31.536 = 35,768; RP 23,942.
    static let scenario = """
        name: newsvendor
        horizon: {start: 2027, periods: 1}
        discountRate: 0
        capexAccounting: amortized
        workloads:
          - {id: chat, outputShare: 0.5, demand: {tokensPerPeriod: [3.1536e10]}}
        offerings:
          - {id: gpu, kind: purchase, unitPrice: 10000, lifetimePeriods: 1, throughput: {chat: 500}}
          - {id: api, kind: api, inputPricePerMTok: 1, outputPricePerMTok: 1, serves: [chat]}
        demandCases:
          - {name: low, probability: 0.25, demandScale: 0.6}
          - {name: base, probability: 0.5}
          - {name: high, probability: 0.25, demandScale: 1.5}

        """

    func files() throws -> (directory: URL, scenario: URL) {
        let directory = try temporaryDirectory()
        let scenario = directory.appendingPathComponent("newsvendor.yaml")
        try Self.scenario.write(to: scenario, atomically: true, encoding: .utf8)
        return (directory, scenario)
    }

    /// One unit: the API serves 100, 500 and 1000 tokens/s: 13,153.6, 25,768 and 41,536;
    /// expected 26,556.4 against RP 23,942 (+2,614.4). With --set demandScale 0.5 (300, 500 and
    /// 750 tokens/s) one unit serves low and base alone and the API 250 tokens/s in high:
    /// 10,000, 10,000, 10,000 + 250 · 31.536 = 17,884; expected 11,971.
    func testEvaluatePerCase() throws {
        let (directory, scenario) = try files()
        let plan = directory.appendingPathComponent("plan.yaml"), report = directory.appendingPathComponent("report.json")
        try "name: one unit\npurchases:\n  - {offering: gpu, period: 2027, units: 1}\n".write(to: plan, atomically: true, encoding: .utf8)
        let result = try run(["evaluate", scenario.path, "--plan", plan.path, "--json", report.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("expected cost $26,556 vs the two-stage optimum's (RP) $23,942: +$2,614 (10.92%)"), result.stdout)
        let cases = try XCTUnwrap(try json(report)["cases"] as? [String: Any])
        XCTAssertEqual(try XCTUnwrap(cases["expectedCost"] as? Double), 26_556.4, accuracy: 1e-6 * 26_556.4)
        XCTAssertEqual(try XCTUnwrap(cases["optimalExpectedCost"] as? Double), 23_942, accuracy: 1e-6 * 23_942)
        let perCase = try XCTUnwrap(cases["cases"] as? [[String: Any]])
        XCTAssertEqual(perCase.compactMap { $0["name"] as? String }, ["low", "base", "high"])
        let costs = perCase.compactMap { ($0["plan"] as? [String: Any])?["discountedCost"] as? Double }
        XCTAssertEqual(costs, [13_153.6, 25_768, 41_536], accuracy: 1e-6 * 41_536)

        let stressed = try run(["evaluate", scenario.path, "--plan", plan.path, "--no-optimal", "--set", "workloads.chat.demandScale=0.5", "--json", report.path])
        XCTAssertEqual(stressed.status, 0, stressed.stderr)
        let edited = try XCTUnwrap(try json(report)["cases"] as? [String: Any])
        XCTAssertEqual(try XCTUnwrap(edited["expectedCost"] as? Double), 11_971, accuracy: 1e-6 * 11_971)
        XCTAssertNil(edited["optimalExpectedCost"])
    }

    /// The two-stage plan's own JSON (`capplan plan -o`): its first stage (2 units) evaluated in
    /// every case costs RP exactly: 20,000, 20,000 and 35,768, expected 23,942, difference 0.
    func testTheTwoStagePlansOwnJSONCostsRP() throws {
        let (directory, scenario) = try files()
        let plan = directory.appendingPathComponent("plan.json"), report = directory.appendingPathComponent("report.json")
        let planned = try run(["plan", scenario.path, "-o", plan.path])
        XCTAssertEqual(planned.status, 0, planned.stderr)
        let result = try run(["evaluate", scenario.path, "--plan", plan.path, "--json", report.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let cases = try XCTUnwrap(try json(report)["cases"] as? [String: Any])
        XCTAssertEqual(try XCTUnwrap(cases["expectedCost"] as? Double), 23_942, accuracy: 1e-6 * 23_942)
        XCTAssertEqual(try XCTUnwrap(cases["expectedCostDifference"] as? Double), 0, accuracy: 1e-6 * 23_942)
        let costs = try XCTUnwrap(cases["cases"] as? [[String: Any]]).compactMap { ($0["plan"] as? [String: Any])?["discountedCost"] as? Double }
        XCTAssertEqual(costs, [20_000, 20_000, 35_768], accuracy: 1e-6 * 35_768)
    }

    /// A full plan and --write-plan are usage errors for a scenario with cases (exit 2).
    func testFullPlanAndWritePlanAreRefused() throws {
        let (directory, scenario) = try files()
        let full = directory.appendingPathComponent("full.yaml"), purchases = directory.appendingPathComponent("purchases.yaml")
        try """
            purchases:
              - {offering: gpu, period: 2027, units: 2}
            served:
              - {offering: gpu, workload: chat, period: 2027, tokensPerSecond: 1000}

            """.write(to: full, atomically: true, encoding: .utf8)
        let refused = try run(["evaluate", scenario.path, "--plan", full.path])
        XCTAssertEqual(refused.status, 2, refused.stderr + refused.stdout)
        XCTAssertTrue(refused.stderr.contains("full plan"), refused.stderr)
        try "purchases:\n  - {offering: gpu, period: 2027, units: 2}\n".write(to: purchases, atomically: true, encoding: .utf8)
        let writing = try run(["evaluate", scenario.path, "--plan", purchases.path, "--write-plan", directory.appendingPathComponent("out.yaml").path])
        XCTAssertEqual(writing.status, 2, writing.stderr)
        XCTAssertTrue(writing.stderr.contains("--write-plan"), writing.stderr)
    }

    /// export: the extensive form (names `@case`) and the twin's data with its cases.
    func testExportWritesTheExtensiveFormAndTheCases() throws {
        let (directory, scenario) = try files()
        let lp = directory.appendingPathComponent("model.lp"), data = directory.appendingPathComponent("model.dat")
        let result = try run(["export", scenario.path, "--lp", lp.path, "--mathprog-data", data.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(try String(contentsOf: lp, encoding: .utf8).contains("@high"))
        let text = try String(contentsOf: data, encoding: .utf8)
        XCTAssertTrue(text.contains("set CASES := 'low' 'base' 'high';"), text)
        XCTAssertTrue(text.contains("  'high' 'chat' 1 47304000000.0\n"), text)
    }
}

private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "\(a) vs \(b)", file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, "\(a) vs \(b)", file: file, line: line) }
}
