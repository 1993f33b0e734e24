import Foundation
import TestSupport
import XCTest

/// End-to-end tests of the `capplan` binary: arguments in, exit code, stdout, stderr and files out.
final class CLITests: XCTestCase {
    func examples() throws -> [String] {
        try exampleFiles(in: "examples").map { "examples/\($0)" }
    }

    func testVersionAndHelp() throws {
        let version = try run(["--version"])
        XCTAssertEqual(version.status, 0)
        XCTAssertFalse(version.stdout.isEmpty)
        let help = try run(["--help"])
        XCTAssertEqual(help.status, 0)
        for command in ["plan", "validate", "export", "catalog", "init"] { XCTAssertTrue(help.stdout.contains(command), command) }
        XCTAssertTrue(help.stdout.contains("Exit codes"))
    }

    func testEveryExamplePlansToOptimalAndWritesIdenticalJSON() throws {
        let directory = try temporaryDirectory()
        var plans: [String] = []
        for (index, example) in try examples().enumerated() {
            let first = directory.appendingPathComponent("first-\(index).json"), second = directory.appendingPathComponent("second-\(index).json")
            let result = try run(["plan", example, "-o", first.path])
            XCTAssertEqual(result.status, 0, "\(example): \(result.stderr)")
            XCTAssertTrue(result.stdout.contains("What to buy"), example)
            XCTAssertEqual(try run(["plan", example, "-o", second.path, "--format", "json"]).status, 0)
            let plan = try json(first)
            XCTAssertEqual(plan["status"] as? String, "optimal", example)
            let totals = try XCTUnwrap(plan["totals"] as? [String: Any])
            XCTAssertNotNil(totals["discountedCost"] as? Double)
            XCTAssertEqual(try Data(contentsOf: first), try Data(contentsOf: second), "\(example): two runs differ")
            // Small models get price thresholds by default (two-stage plans none: their warnings
            // say so); every one validates against the schema.
            if plan["twoStage"] == nil {
                let thresholds = try XCTUnwrap(plan["priceThresholds"] as? [[String: Any]], example)
                XCTAssertFalse(thresholds.isEmpty, example)
            } else {
                XCTAssertTrue((plan["warnings"] as? [String] ?? []).contains { $0.contains("price thresholds") }, example)
            }
            plans.append(first.path)
        }
        let check = try JSONSchemaCheck.run(schema: repositoryRoot.appendingPathComponent("docs/plan.schema.json").path, files: plans)
        XCTAssertEqual(check.status, 0, check.errors)
        for plan in plans { XCTAssertEqual(check.verdicts[plan], .some(nil), "\(plan): \(check.output)") }
    }

    func testExportedMPSSolvesToThePlansObjectiveInGlpsol() throws {
        let directory = try temporaryDirectory()
        for example in try examples() {
            let mps = directory.appendingPathComponent("model.mps"), plan = directory.appendingPathComponent("plan.json")
            let lp = directory.appendingPathComponent("model.lp")
            XCTAssertEqual(try run(["export", example, "--mps", mps.path, "--lp", lp.path]).status, 0)
            // Baselines and price thresholds do not change the plan's objective.
            XCTAssertEqual(try run(["plan", example, "-o", plan.path, "--no-baselines", "--no-thresholds"]).status, 0)
            // A two-stage plan's objective is its expected cost (λ = 0 in the examples), the
            // extensive form's that export writes; its totals are one case's.
            let document = try json(plan)
            let expected = try XCTUnwrap(
                (document["twoStage"] as? [String: Any])?["expectedCost"] as? Double
                    ?? (document["totals"] as? [String: Any])?["discountedCost"] as? Double)
            // MPS keeps the names as built; GLPK's CPLEX LP writer turns [ ] - into ( ) ~.
            XCTAssertTrue(try String(contentsOf: mps, encoding: .utf8).contains("demand["), "row names are readable")
            XCTAssertTrue(try String(contentsOf: lp, encoding: .utf8).contains("demand("))
            let glpsol = Process()
            glpsol.executableURL = URL(fileURLWithPath: "/usr/bin/glpsol")
            let output = directory.appendingPathComponent("glpsol.out")
            // A bound on glpsol's time, so a model it cannot close fails here instead of hanging CI
            // (the examples solve in well under a second).
            glpsol.arguments = ["--freemps", mps.path, "-o", output.path, "--tmlim", "300"]
            glpsol.standardOutput = Pipe()
            try glpsol.run()
            glpsol.waitUntilExit()
            let report = try String(contentsOf: output, encoding: .utf8)
            let line = try XCTUnwrap(report.split(separator: "\n").first { $0.hasPrefix("Objective:") })
            let value = try XCTUnwrap(Double(line.split(separator: "=")[1].split(separator: "(")[0].trimmingCharacters(in: .whitespaces)))
            XCTAssertEqual(value, expected, accuracy: 1e-6 * abs(expected), example)
        }
    }

    func testInvalidScenarioExitsTwoListsEveryErrorAndWritesNothing() throws {
        let directory = try temporaryDirectory()
        let scenario = directory.appendingPathComponent("bad.yaml")
        try """
            name: bad
            horizon: {start: 2027Q1, periods: 2}
            workloads:
              - id: chat
                demand: {tokensPerPeriod: [1.0e9, -5]}
            offerings:
              - id: api
                kind: api
                inputPricePerMTok: 1
                outputPricePerMTok: 2
                serves: [chat]
                maxTokensPerSecnd: 10
            """.write(to: scenario, atomically: true, encoding: .utf8)
        let plan = directory.appendingPathComponent("plan.json")
        let result = try run(["plan", scenario.path, "-o", plan.path])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("workloads[0].demand.tokensPerPeriod[1]"), result.stderr)
        XCTAssertTrue(result.stderr.contains("bad.yaml:5:"), result.stderr)
        XCTAssertTrue(result.stderr.contains("maxTokensPerSecond"), "did-you-mean: \(result.stderr)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: plan.path))
        XCTAssertEqual(try run(["validate", scenario.path]).status, 2)
    }

    func testUsageErrorsExitTwo() throws {
        XCTAssertEqual(try run(["plan", "examples/midsize-3year.yaml", "--mip-gap", "2"]).status, 2)
        XCTAssertEqual(try run(["plan"]).status, 2)
        XCTAssertEqual(try run(["no-such-command"]).status, 2)
        XCTAssertEqual(try run(["export", "examples/midsize-3year.yaml"]).status, 2)
        XCTAssertEqual(try run(["plan", "/nonexistent/scenario.yaml"]).status, 2)
    }

    /// The progress line is drawn only on a terminal: through a pipe, stderr carries nothing
    /// of it, with or without `--quiet`, and stdout is the same either way.
    func testProgressNeverReachesAPipe() throws {
        let loud = try run(["plan", "examples/startup-api-breakeven.yaml", "--no-baselines", "--no-thresholds"])
        let quiet = try run(["plan", "examples/startup-api-breakeven.yaml", "--no-baselines", "--no-thresholds", "--quiet"])
        XCTAssertEqual(loud.status, 0)
        XCTAssertEqual(quiet.status, 0)
        XCTAssertEqual(loud.stdout, quiet.stdout)
        XCTAssertFalse(loud.stderr.contains("incumbent"), loud.stderr)
    }

    /// `bench` reads a scenario's data files from the scenario's directory, as `plan` does
    /// (it used to look for them in the working directory).
    func testBenchFindsDataFilesBesideTheScenario() throws {
        let elsewhere = try temporaryDirectory()
        let scenario = repositoryRoot.appendingPathComponent("examples/startup-api-breakeven.yaml").path
        let result = try run(["bench", scenario, "--runs", "1", "--warmup", "0"], in: elsewhere)
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    /// `catalog` fits 100 columns; `--wide` keeps every field of an entry on its line.
    func testCatalogWidths() throws {
        let narrow = try run(["catalog"]), wide = try run(["catalog", "--wide"])
        XCTAssertEqual(narrow.status, 0)
        XCTAssertEqual(wide.status, 0)
        XCTAssertLessThanOrEqual(narrow.stdout.split(separator: "\n").map(\.count).max() ?? 0, 100)
        XCTAssertGreaterThan(wide.stdout.split(separator: "\n").map(\.count).max() ?? 0, 100)
    }

    func testInfeasibleScenarioExitsThreeWithDiagnosis() throws {
        let directory = try temporaryDirectory()
        let scenario = directory.appendingPathComponent("infeasible.yaml")
        try """
            name: capped
            horizon: {start: 2027Q1, periods: 2}
            workloads:
              - id: chat
                demand: {tokensPerPeriod: [1.0e12, 1.0e12]}
            offerings:
              - id: api
                kind: api
                inputPricePerMTok: 1
                outputPricePerMTok: 2
                serves: [chat]
                maxTokensPerSecond: 1000
            """.write(to: scenario, atomically: true, encoding: .utf8)
        let plan = directory.appendingPathComponent("plan.json")
        let result = try run(["plan", scenario.path, "-o", plan.path])
        XCTAssertEqual(result.status, 3, result.stderr)
        XCTAssertTrue(result.stdout.contains("api.maxTokensPerSecond"), result.stdout)
        let document = try json(plan)
        XCTAssertEqual(document["status"] as? String, "infeasible")
        let diagnosis = try XCTUnwrap(document["diagnosis"] as? [String: Any])
        let shortfalls = try XCTUnwrap(diagnosis["shortfalls"] as? [[String: Any]])
        XCTAssertEqual(shortfalls.count, 2)
        XCTAssertEqual(shortfalls.first?["workload"] as? String, "chat")
    }

    /// `-o` on a device or pipe (e.g. /dev/null) writes through it; the atomic rename is only
    /// for regular files, or it would replace the device with a file.
    func testOutputToAPipeIsWrittenThroughNotReplaced() throws {
        let directory = try temporaryDirectory()
        let fifo = directory.appendingPathComponent("plan.pipe").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        final class Received: @unchecked Sendable { var data = Data() }
        let received = Received()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let fd = open(fifo, O_RDONLY)  // blocks until the writer opens it
            var buffer = [UInt8](repeating: 0, count: 65536)
            while fd >= 0 {
                let count = read(fd, &buffer, buffer.count)
                if count <= 0 { break }
                received.data.append(contentsOf: buffer[0..<count])
            }
            if fd >= 0 { close(fd) }
            done.signal()
        }
        let result = try run(["plan", "examples/startup-api-breakeven.yaml", "-o", fifo])
        XCTAssertEqual(result.status, 0, result.stderr)
        var info = stat()
        XCTAssertEqual(stat(fifo, &info), 0)
        let stillPipe = (info.st_mode & S_IFMT) == S_IFIFO
        XCTAssertTrue(stillPipe, "the pipe was replaced by a file")
        if !stillPipe {
            let unblock = open(fifo, O_WRONLY | O_NONBLOCK)
            if unblock >= 0 { close(unblock) }
        }
        XCTAssertEqual(done.wait(timeout: .now() + 30), .success)
        let plan = try JSONSerialization.jsonObject(with: received.data) as? [String: Any]
        XCTAssertEqual(plan?["status"] as? String, "optimal")
    }

    func testMarkdownSummary() throws {
        let result = try run(["plan", "examples/midsize-3year.yaml", "--format", "markdown", "--no-thresholds"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("# Capacity plan: midsize-3year\n"))
        XCTAssertTrue(result.stdout.contains("## What to buy\n\n| order by | arrives | offering |"), result.stdout)
        XCTAssertTrue(result.stdout.contains("|---|---:|"))
        XCTAssertFalse(result.stdout.contains("```"))
    }

    /// A plan written before schemaVersion 2 (no platform or commitment lines, no contract,
    /// platform, replica or margin sections, no cash commitments) still loads for `report` and
    /// `evaluate`.
    func testVersionOnePlanLoadsForReportAndEvaluate() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("capplan-v1-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let current = directory.appendingPathComponent("current.json").path, old = directory.appendingPathComponent("v1.json").path
        let planned = try run(["plan", "examples/midsize-3year.yaml", "-o", current, "--no-baselines", "--no-thresholds"])
        XCTAssertEqual(planned.status, 0, planned.stderr)
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: current))) as? [String: Any])
        XCTAssertEqual(object["schemaVersion"] as? Int, 2)
        object["schemaVersion"] = 1
        for key in ["rentals", "platforms", "replicas", "margins"] { object[key] = nil }
        let added: Set<String> = ["platform", "commitmentsBeyondHorizon", "discountedCommitmentsBeyondHorizon", "commitments", "beyondHorizon"]
        func strip(_ value: Any) -> Any {
            if let dict = value as? [String: Any] {
                return Dictionary(uniqueKeysWithValues: dict.filter { !added.contains($0.key) }.map { ($0.key, strip($0.value)) })
            }
            if let array = value as? [Any] { return array.map(strip) }
            return value
        }
        try JSONSerialization.data(withJSONObject: strip(object), options: [.sortedKeys]).write(to: URL(fileURLWithPath: old))
        let report = try run(["report", old, "--format", "markdown"])
        XCTAssertEqual(report.status, 0, report.stderr)
        XCTAssertTrue(report.stdout.contains("## Cost per workload"))
        XCTAssertFalse(report.stdout.contains("## Reserved contracts"))
        let evaluated = try run(["evaluate", "examples/midsize-3year.yaml", "--plan", old])
        XCTAssertEqual(evaluated.status, 0, evaluated.stderr)
        XCTAssertTrue(evaluated.stdout.contains("completed: the fleet can serve the demand"), evaluated.stdout)
    }

    func testStandardInputAndValidate() throws {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("examples/midsize-3year.yaml"), encoding: .utf8)
        let result = try run(["validate", "-"], stdin: text)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("valid"))
    }

    func testCatalogAndInit() throws {
        let catalog = try run(["catalog", "--json"])
        XCTAssertEqual(catalog.status, 0)
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(catalog.stdout.utf8)))
        XCTAssertEqual(try run(["catalog"]).status, 0)
        let directory = try temporaryDirectory()
        let starter = directory.appendingPathComponent("starter.yaml")
        XCTAssertEqual(try run(["init", starter.path, "--name", "starter"]).status, 0)
        XCTAssertEqual(try run(["init", starter.path]).status, 2, "refuses to overwrite")
        let planned = try run(["plan", starter.path])
        XCTAssertEqual(planned.status, 0, planned.stderr)
    }
}

extension CLITests {
    /// A demand CSV outside the scenario's directory is refused (exit 2) unless
    /// `--allow-outside-paths`, in every command that reads a scenario.
    func testDataFilesOutsideTheScenarioNeedAllowOutsidePaths() throws {
        let directory = try temporaryDirectory()
        let sub = directory.appendingPathComponent("sub")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("examples/forecasts"), to: directory.appendingPathComponent("forecasts"))
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("examples/startup-api-breakeven.yaml"), encoding: .utf8)
        XCTAssertTrue(text.contains("csv: forecasts/"))
        try text.replacingOccurrences(of: "csv: forecasts/", with: "csv: ../forecasts/").write(to: sub.appendingPathComponent("s.yaml"), atomically: true, encoding: .utf8)
        for command in [["validate"], ["export", "--lp", "/dev/null"]] {
            let refused = try run([command[0], "sub/s.yaml"] + command.dropFirst(), in: directory)
            XCTAssertEqual(refused.status, 2, "\(command): \(refused.stderr)")
            XCTAssertTrue(refused.stderr.contains("../forecasts/"), refused.stderr)
            let allowed = try run([command[0], "sub/s.yaml", "--allow-outside-paths"] + command.dropFirst(), in: directory)
            XCTAssertEqual(allowed.status, 0, "\(command): \(allowed.stderr)")
        }
    }
}
