import Foundation
import XCTest

/// `capplan sweep` and `capplan breakeven` end to end.
final class InsightsCLITests: XCTestCase {

    func testHelpListsTheCommands() throws {
        let help = try run(["--help"])
        XCTAssertTrue(help.stdout.contains("breakeven"))
        XCTAssertTrue(help.stdout.contains("sweep"))
    }

    func testSweepCSVOnStdoutAndFiles() throws {
        let result = try run(["sweep", "examples/breakeven-70b.yaml", "--set", "workloads.chat.demandScale=1:4:4", "--set", "offerings.h100-node.unitPrice=300000:375000:2"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(result.stderr.contains("["), "no progress bar when stderr is not a terminal: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 9)
        let months = (1...12).map { "units:h100-node@2027-" + ($0 < 10 ? "0\($0)" : "\($0)") }.joined(separator: ",")
        XCTAssertEqual(lines[0], "workloads.chat.demandScale,offerings.h100-node.unitPrice,status,discountedCost,cost,units:h100-node,apiShare,message," + months)
        XCTAssertTrue(lines[1].hasPrefix("1,300000,optimal,"), String(lines[1]))
        XCTAssertTrue(lines[2].hasPrefix("1,375000,optimal,"), String(lines[2]))
        XCTAssertTrue(lines[8].hasPrefix("4,375000,optimal,"), String(lines[8]))

        let directory = try temporaryDirectory()
        let csv = directory.appendingPathComponent("sweep.csv"), json = directory.appendingPathComponent("sweep.json")
        XCTAssertEqual(try run(["sweep", "examples/breakeven-70b.yaml", "--set", "workloads.chat.demandScale=1:4:4", "--set", "offerings.h100-node.unitPrice=300000:375000:2", "--csv", csv.path, "--jobs", "1"]).status, 0)
        XCTAssertEqual(try String(contentsOf: csv, encoding: .utf8), result.stdout, "--jobs 1 writes what the parallel run printed")
        let written = try run(["sweep", "examples/breakeven-70b.yaml", "--set", "site.electricityPricePerKWh=0.05:0.2:4", "--json", json.path])
        XCTAssertEqual(written.status, 0, written.stderr)
        XCTAssertTrue(written.stdout.isEmpty)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        XCTAssertEqual((object["points"] as? [Any])?.count, 4)
    }

    func testSweepErrorsExitWith2() throws {
        let unknown = try run(["sweep", "examples/breakeven-70b.yaml", "--set", "offerings.h100-node.unitprice=1:2:2"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("did you mean 'offerings.h100-node.unitPrice'?"), unknown.stderr)
        let malformed = try run(["sweep", "examples/breakeven-70b.yaml", "--set", "discountRate=0:0.1"])
        XCTAssertEqual(malformed.status, 2)
        XCTAssertTrue(malformed.stderr.contains("FROM:TO:STEPS"), malformed.stderr)
        let range = try run(["sweep", "examples/breakeven-70b.yaml", "--set", "policy.utilizationCap=0:1:3"])
        XCTAssertEqual(range.status, 2)
        XCTAssertTrue(range.stderr.contains("(0, 1]"), range.stderr)
        XCTAssertEqual(try run(["sweep", "examples/breakeven-70b.yaml"]).status, 2)
        XCTAssertEqual(try run(["sweep", "examples/breakeven-70b.yaml", "--set", "discountRate=0:0.1:2", "--jobs", "0"]).status, 2)
    }

    func testBreakevenOnTheExample() throws {
        let directory = try temporaryDirectory()
        let csv = directory.appendingPathComponent("breakeven.csv"), json = directory.appendingPathComponent("breakeven.json")
        let result = try run(["breakeven", "examples/breakeven-70b.yaml", "--workload", "chat", "--from", "1e8", "--to", "1e11", "--points", "13", "--csv", csv.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("Break-even: owned capacity enters the optimal plan at about"), result.stdout)
        XCTAssertEqual(try String(contentsOf: csv, encoding: .utf8).split(separator: "\n").count, 14)
        XCTAssertEqual(try run(["breakeven", "examples/breakeven-70b.yaml", "--workload", "chat", "--from", "1e8", "--to", "1e11", "--points", "13", "--json", json.path]).status, 0)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        // docs/breakeven.md: about 2.0e9 tokens a month (8,860 USD a month / 4.375 USD per million).
        let value = try XCTUnwrap(object["breakevenMonthlyTokens"] as? Double)
        XCTAssertEqual(value, 2.03e9, accuracy: 0.03e9)
    }

    func testBreakevenErrors() throws {
        let unknown = try run(["breakeven", "examples/breakeven-70b.yaml", "--workload", "caht"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("did you mean 'chat'?"), unknown.stderr)
        XCTAssertEqual(try run(["breakeven", "examples/breakeven-70b.yaml", "--workload", "chat", "--from", "1e9", "--to", "1e8"]).status, 2)
        XCTAssertEqual(try run(["breakeven", "examples/breakeven-70b.yaml"]).status, 2, "--workload is required")
    }
}
