import Foundation
import XCTest

/// `capplan plan` on examples/adaptive-orders.yaml (caseDecisions: adaptive, docs/formulation.md
/// 12.6): the terminal report shows what to order now and the contingent orders, the JSON
/// carries the tree, and so do the HTML and Markdown reports; `export --lp` names a node's copy `name@case|case`.
final class AdaptiveCLITests: XCTestCase {
    func testPlanShowsOrderNowAndContingentOrders() throws {
        let directory = try temporaryDirectory()
        let output = directory.appendingPathComponent("plan.json")
        let result = try run(["plan", "examples/adaptive-orders.yaml", "-o", output.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("order now"), result.stdout)
        XCTAssertTrue(result.stdout.contains("if base, high"), result.stdout)
        XCTAssertTrue(result.stdout.contains("case base's path through the tree"), result.stdout)
        let plan = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [String: Any])
        let twoStage = try XCTUnwrap(plan["twoStage"] as? [String: Any])
        XCTAssertEqual(twoStage["decisions"] as? String, "adaptive")
        let tree = try XCTUnwrap(twoStage["tree"] as? [[String: Any]])
        XCTAssertEqual(tree.compactMap { $0["cases"] as? [String] }, [["low", "base", "high"], ["low"], ["base", "high"], ["base"], ["high"]])
        XCTAssertEqual(tree.map { $0["parent"] as? Int }, [nil, 0, 0, 2, 2])

        // The HTML and Markdown reports carry the tree too.
        let html = directory.appendingPathComponent("report.html"), markdown = directory.appendingPathComponent("report.md")
        XCTAssertEqual(try run(["report", output.path, "-o", html.path]).status, 0)
        XCTAssertEqual(try run(["report", output.path, "-o", markdown.path, "--format", "markdown"]).status, 0)
        XCTAssertTrue(try String(contentsOf: html, encoding: .utf8).contains("<td>order now</td>"))
        XCTAssertTrue(try String(contentsOf: markdown, encoding: .utf8).contains("| if high | 2028Q2-2028Q4 | 0.25 | 2 h100-node arriving 2028Q3, ordered by 2028Q2 |"))

        let lp = directory.appendingPathComponent("model.lp")
        XCTAssertEqual(try run(["export", "examples/adaptive-orders.yaml", "--lp", lp.path]).status, 0)
        let text = try String(contentsOf: lp, encoding: .utf8)
        XCTAssertTrue(text.contains("@base|high"), "a copy for the node {base, high}")
    }
}
