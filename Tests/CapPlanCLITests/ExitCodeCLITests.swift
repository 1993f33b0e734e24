import Foundation
import XCTest

/// Representative failures of every command and the exit code each must give (docs/cli.md):
/// 2 invalid input or usage, 3 no feasible plan, 4 solver, audit or output failure. Nothing
/// exits with 1, and the same failure gives the same code in every command.
final class ExitCodeCLITests: XCTestCase {
    struct Case {
        let arguments: [String]
        let status: Int32
        /// Standard error must contain this.
        let message: String
    }

    func testEveryCommandMapsItsFailuresToTheDocumentedCodes() throws {
        let directory = try temporaryDirectory()
        let missingDirectory = directory.appendingPathComponent("no/such/dir").path
        let scenario = repositoryRoot.appendingPathComponent("examples/startup-api-breakeven.yaml").path
        let plan = repositoryRoot.appendingPathComponent("examples/plans/startup-api-breakeven.yaml").path
        let existing = directory.appendingPathComponent("existing.yaml").path
        try "name: x\n".write(toFile: existing, atomically: true, encoding: .utf8)
        let cases: [Case] = [
            // Usage: bad option values, unknown commands, missing arguments.
            Case(arguments: ["plan", scenario, "--mip-gap", "2"], status: 2, message: "--mip-gap"),
            Case(arguments: ["plan", scenario, "--time-limit", "0"], status: 2, message: "--time-limit"),
            Case(arguments: ["plan", scenario, "--max-nonzeros", "0"], status: 2, message: "--max-nonzeros"),
            Case(arguments: ["plan", scenario, "--format", "yaml"], status: 2, message: "--format"),
            Case(arguments: ["evaluate", scenario, "--plan", plan, "--mip-gap", "-1"], status: 2, message: "--mip-gap"),
            Case(arguments: ["sweep", scenario, "--set", "discountRate=0:0.1:2", "--time-limit", "nan"], status: 2, message: "--time-limit"),
            Case(arguments: ["breakeven", scenario, "--workload", "assistant", "--mip-gap", "1"], status: 2, message: "--mip-gap"),
            Case(arguments: ["bench", "--method", "simplex"], status: 2, message: "--method"),
            Case(arguments: ["bench", "--cuts", "gomory,bogus"], status: 2, message: "--cuts"),
            Case(arguments: ["bench", "--branching", "strong"], status: 2, message: "--branching"),
            Case(arguments: ["bench", "--backtracking", "best"], status: 2, message: "--backtracking"),
            Case(arguments: ["generate", "--size", "huge"], status: 2, message: "--size"),
            Case(arguments: ["export", scenario], status: 2, message: "--lp"),
            Case(arguments: ["export", scenario, "--lp", "same.out", "--mps", "same.out"], status: 2, message: "different files"),
            Case(arguments: ["no-such-command"], status: 2, message: "no-such-command"),
            // Unreadable or invalid input.
            Case(arguments: ["plan", "/nonexistent/scenario.yaml"], status: 2, message: "/nonexistent/scenario.yaml"),
            Case(arguments: ["validate", "/nonexistent/scenario.yaml"], status: 2, message: "/nonexistent/scenario.yaml"),
            Case(arguments: ["export", "/nonexistent/scenario.yaml", "--lp", "x.lp"], status: 2, message: "/nonexistent/scenario.yaml"),
            Case(arguments: ["evaluate", "/nonexistent/scenario.yaml", "--plan", "p.yaml"], status: 2, message: "/nonexistent/scenario.yaml"),
            Case(arguments: ["sweep", "/nonexistent/scenario.yaml", "--set", "discountRate=0:0.1:2"], status: 2, message: "/nonexistent/scenario.yaml"),
            Case(arguments: ["breakeven", "/nonexistent/scenario.yaml", "--workload", "chat"], status: 2, message: "/nonexistent/scenario.yaml"),
            Case(arguments: ["bench", "/nonexistent/scenario.yaml"], status: 2, message: "/nonexistent/scenario.yaml"),
            Case(arguments: ["validate", scenario, "--max-nonzeros", "1"], status: 2, message: "nonzeros"),
            Case(arguments: ["init", existing], status: 2, message: "--force"),
            // An output that names an input.
            Case(arguments: ["plan", scenario, "-o", scenario], status: 2, message: "inputs"),
            Case(arguments: ["export", scenario, "--mps", scenario], status: 2, message: "inputs"),
            Case(arguments: ["evaluate", scenario, "--plan", plan, "--json", plan], status: 2, message: "inputs"),
            Case(arguments: ["sweep", scenario, "--set", "discountRate=0:0.1:2", "--csv", scenario], status: 2, message: "inputs"),
            // Outputs that cannot be written: one code, 4, in every command.
            Case(arguments: ["plan", scenario, "--no-baselines", "--no-thresholds", "-o", missingDirectory + "/plan.json"], status: 4, message: "cannot write"),
            Case(arguments: ["plan", scenario, "--no-baselines", "--no-thresholds", "-o", "/dev/full"], status: 4, message: "cannot write /dev/full"),
            Case(arguments: ["export", scenario, "--mps", missingDirectory + "/model.mps"], status: 4, message: "cannot write"),
            Case(arguments: ["export", scenario, "--mathprog-data", "/dev/full"], status: 4, message: "cannot write /dev/full"),
            Case(arguments: ["evaluate", scenario, "--plan", plan, "--no-optimal", "--json", missingDirectory + "/r.json"], status: 4, message: "cannot write"),
            Case(arguments: ["sweep", scenario, "--set", "discountRate=0:0.1:2", "--csv", missingDirectory + "/s.csv"], status: 4, message: "cannot write"),
            Case(arguments: ["init", missingDirectory + "/s.yaml"], status: 4, message: "cannot write"),
            Case(arguments: ["generate", "-o", missingDirectory + "/s.yaml"], status: 4, message: "cannot write"),
            Case(arguments: ["generate", "-o", directory.path], status: 4, message: "directory"),
        ]
        for item in cases {
            let result = try run(item.arguments, in: directory)
            XCTAssertEqual(result.status, item.status, "\(item.arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(item.message), "\(item.arguments): \(result.stderr)")
            XCTAssertFalse(result.stderr.contains("ExitCode"), "\(item.arguments): \(result.stderr)")
        }
    }

    /// The old `export` bug: a failed write was turned into exit 4 with "error: ExitCode(…)"
    /// printed. A write failure is now 4 with the path and the reason, in `export` as in `plan`.
    func testExportWriteFailureNamesThePathAndTheReason() throws {
        let directory = try temporaryDirectory()
        let target = directory.appendingPathComponent("missing/model.mps").path
        let export = try run(["export", "examples/midsize-3year.yaml", "--mps", target])
        XCTAssertEqual(export.status, 4)
        XCTAssertEqual(export.stderr, "error: cannot write \(target): No such file or directory\n")
        let plan = try run(["plan", "examples/midsize-3year.yaml", "--no-baselines", "--no-thresholds", "-o", target])
        XCTAssertEqual(plan.status, export.status, "the same failure, the same code")
        XCTAssertTrue(plan.stderr.hasSuffix("error: cannot write \(target): No such file or directory\n"), plan.stderr)
    }

    /// Standard output and standard error on a full device: reported and exit 4, never a crash or 0.
    func testFullStandardStreamsExitFour() throws {
        let stdout = try run(["plan", "examples/startup-api-breakeven.yaml", "--no-baselines", "--no-thresholds"], redirecting: (stdout: "/dev/full", stderr: nil))
        XCTAssertEqual(stdout.status, 4)
        XCTAssertEqual(stdout.stderr, "error: cannot write standard output: No space left on device\n")
        for arguments in [["catalog"], ["generate"], ["init"], ["--help"], ["--version"], ["validate", "examples/midsize-3year.yaml"]] {
            let result = try run(arguments, redirecting: (stdout: "/dev/full", stderr: nil))
            XCTAssertEqual(result.status, 4, "\(arguments)")
            XCTAssertTrue(result.stderr.contains("cannot write standard output"), "\(arguments): \(result.stderr)")
        }
        // --verbose writes GLPK's output to standard error; losing it is a failure too.
        let stderr = try run(["plan", "examples/startup-api-breakeven.yaml", "--no-baselines", "--no-thresholds", "--verbose"], redirecting: (stdout: nil, stderr: "/dev/full"))
        XCTAssertEqual(stderr.status, 4)
        XCTAssertTrue(stderr.stdout.contains("What to buy"))
        // A usage error keeps its own code when standard error is full.
        XCTAssertEqual(try run(["plan"], redirecting: (stdout: nil, stderr: "/dev/full")).status, 2)
    }

    /// Demand of 1e308 overflows the totals to infinity, which JSON cannot hold: never
    /// `EncodingError` and exit 1. Validation may refuse it first (exit 2, naming the field);
    /// otherwise the JSON writer reports the field (exit 4).
    func testNumbersJSONCannotHoldGiveADocumentedCode() throws {
        let directory = try temporaryDirectory()
        let scenario = directory.appendingPathComponent("huge.yaml")
        try """
            name: huge
            horizon: {start: 2027Q1, periods: 2}
            workloads:
              - id: chat
                demand: {tokensPerPeriod: [1.0e308, 1.0e308]}
            offerings:
              - id: api
                kind: api
                inputPricePerMTok: 1
                outputPricePerMTok: 2
                serves: [chat]
            """.write(to: scenario, atomically: true, encoding: .utf8)
        let plan = directory.appendingPathComponent("plan.json")
        let result = try run(["plan", scenario.path, "-o", plan.path, "--format", "json"])
        switch result.status {
        case 2: XCTAssertTrue(result.stderr.contains("tokensPerPeriod"), result.stderr)
        case 4: XCTAssertTrue(result.stderr.contains("cannot be written as JSON: totals.tokensDemanded is inf"), result.stderr)
        default: XCTFail("exit \(result.status): \(result.stderr)")
        }
        XCTAssertFalse(result.stderr.contains("EncodingError"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: plan.path))
    }
}
