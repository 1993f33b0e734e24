import Foundation
import XCTest

/// SIGINT, SIGTERM, SIGHUP and SIGQUIT during a solve (docs/cli.md, "Signals"): one line on standard
/// error, exit 128 + the signal's number, no output file and no temporary file left.
final class SignalCLITests: XCTestCase {
    /// A generated scenario whose solve runs far longer than the test waits (`--mip-gap 0`).
    private func longScenario() throws -> URL {
        let directory = try temporaryDirectory()
        XCTAssertEqual(try run(["generate", "--size", "large", "-o", directory.appendingPathComponent("large.yaml").path]).status, 0)
        return directory
    }

    private func interrupt(with signal: Int32, name: String, expecting status: Int32) throws {
        let directory = try longScenario()
        // --verbose: GLPK's first simplex line shows the solve has started. The time limit only
        // bounds the run should the signal never be sent.
        let result = try run(
            ["plan", "large.yaml", "--mip-gap", "0", "--time-limit", "600", "--verbose", "-o", "plan.json"], in: directory, signal: signal,
            after: ": obj =")
        XCTAssertEqual(result.status, status, result.stderr)
        XCTAssertTrue(result.stderr.hasSuffix("capplan: interrupted (\(name))\n"), result.stderr)
        XCTAssertEqual(result.stderr.components(separatedBy: "capplan: interrupted").count, 2, "one line")
        XCTAssertFalse(result.stderr.contains("error:"), result.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["large.yaml"], "no plan, no temporary file")
    }

    func testSIGINTStopsTheSolveAndExits130() throws {
        try interrupt(with: SIGINT, name: "SIGINT", expecting: 130)
    }

    func testSIGTERMStopsTheSolveAndExits143() throws {
        try interrupt(with: SIGTERM, name: "SIGTERM", expecting: 143)
    }

    func testSIGHUPStopsTheSolveAndExits129() throws {
        try interrupt(with: SIGHUP, name: "SIGHUP", expecting: 129)
    }

    /// SIGQUIT gets the same treatment instead of a core dump or Swift's backtracer.
    func testSIGQUITStopsTheSolveAndExits131() throws {
        try interrupt(with: SIGQUIT, name: "SIGQUIT", expecting: 131)
    }

    /// A signal during branch-and-cut reaches the solve through its cancellation token: the solve
    /// stops at its next callback and the command exits through its own path. (Medium seed 6
    /// takes branch-and-cut many seconds at `--mip-gap 0`; the signal follows its first line.)
    func testSIGINTDuringBranchAndCutCancelsTheSolve() throws {
        let directory = try temporaryDirectory()
        XCTAssertEqual(try run(["generate", "--size", "medium", "--seed", "6", "-o", directory.appendingPathComponent("medium.yaml").path]).status, 0)
        let result = try run(
            ["plan", "medium.yaml", "--mip-gap", "0", "--time-limit", "600", "--no-baselines", "--no-thresholds", "--verbose", "-o", "plan.json"],
            in: directory, signal: SIGINT, after: "mip =")
        XCTAssertEqual(result.status, 130, result.stderr)
        XCTAssertTrue(result.stderr.hasSuffix("\ncapplan: interrupted (SIGINT)\n"), result.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["medium.yaml"])
    }
}
