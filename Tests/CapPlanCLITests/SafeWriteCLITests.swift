import Foundation
import XCTest

/// The one writer behind every output (docs/cli.md, "Safe writes").
final class SafeWriteCLITests: XCTestCase {
    private func leftovers(in directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".capplan-") || $0.hasSuffix(".tmp") }
    }

    /// A symbolic link at the old predictable temporary name, or at the target, is never written
    /// through: the file it points to keeps its contents and the target becomes a regular file.
    func testSymbolicLinksAreReplacedNotWrittenThrough() throws {
        let directory = try temporaryDirectory()
        let victim = directory.appendingPathComponent("victim.txt")
        try "precious\n".write(to: victim, atomically: true, encoding: .utf8)
        let mps = directory.appendingPathComponent("model.mps")
        try FileManager.default.createSymbolicLink(atPath: mps.path + ".tmp", withDestinationPath: victim.path)
        XCTAssertEqual(try run(["export", "examples/startup-api-breakeven.yaml", "--mps", mps.path]).status, 0)
        XCTAssertEqual(try String(contentsOf: victim, encoding: .utf8), "precious\n")

        let plan = directory.appendingPathComponent("plan.json")
        try FileManager.default.createSymbolicLink(atPath: plan.path, withDestinationPath: victim.path)
        let result = try run(["plan", "examples/startup-api-breakeven.yaml", "--no-baselines", "--no-thresholds", "-o", plan.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try String(contentsOf: victim, encoding: .utf8), "precious\n")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: plan.path)[.type] as? FileAttributeType, .typeRegular)
        XCTAssertEqual(try json(plan)["status"] as? String, "optimal")
        XCTAssertEqual(try leftovers(in: directory), [mps.lastPathComponent + ".tmp"], "only the planted link")
    }

    /// The output may not be an input under another name: a `..` path, a symbolic link, a hard
    /// link, or standard input redirected from the file. The scenario is left untouched.
    func testAnOutputThatNamesAnInputIsRefused() throws {
        let directory = try temporaryDirectory()
        let scenario = directory.appendingPathComponent("s.yaml")
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("examples/midsize-3year.yaml"), to: scenario)
        let original = try Data(contentsOf: scenario)
        let sub = directory.appendingPathComponent("sub")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: directory.appendingPathComponent("link.yaml").path, withDestinationPath: scenario.path)
        try FileManager.default.linkItem(atPath: scenario.path, toPath: directory.appendingPathComponent("hard.yaml").path)
        for output in ["s.yaml", "./sub/../s.yaml", "link.yaml", "hard.yaml"] {
            let result = try run(["plan", "s.yaml", "-o", output], in: directory)
            XCTAssertEqual(result.status, 2, "\(output): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("cannot write \(output): it is one of this run's inputs"), result.stderr)
        }
        let piped = Process()
        piped.executableURL = capplanBinary
        piped.arguments = ["validate", "-"]
        piped.currentDirectoryURL = directory
        piped.standardInput = try FileHandle(forReadingFrom: scenario)
        piped.standardOutput = FileHandle.nullDevice
        try piped.run()
        piped.waitUntilExit()
        XCTAssertEqual(piped.terminationStatus, 0)
        let fromStandardInput = Process()
        fromStandardInput.executableURL = capplanBinary
        fromStandardInput.arguments = ["plan", "-", "-o", "s.yaml"]
        fromStandardInput.currentDirectoryURL = directory
        fromStandardInput.standardInput = try FileHandle(forReadingFrom: scenario)
        fromStandardInput.standardOutput = FileHandle.nullDevice
        fromStandardInput.standardError = FileHandle.nullDevice
        try fromStandardInput.run()
        fromStandardInput.waitUntilExit()
        XCTAssertEqual(fromStandardInput.terminationStatus, 2, "standard input redirected from the output file")
        XCTAssertEqual(try Data(contentsOf: scenario), original)
        XCTAssertEqual(try leftovers(in: directory), [])
    }

    /// Written files get mode 0644 less the umask, and no temporary file stays behind.
    func testEveryFileOutputIsCompleteWithItsModeAndNoLeftovers() throws {
        let directory = try temporaryDirectory()
        let scenario = "examples/startup-api-breakeven.yaml", plan = "examples/plans/startup-api-breakeven.yaml"
        let runs: [[String]] = [
            ["plan", scenario, "--no-baselines", "--no-thresholds", "-o", "plan.json"],
            ["export", scenario, "--lp", "m.lp", "--mps", "m.mps", "--mathprog-data", "m.dat"],
            ["evaluate", scenario, "--plan", plan, "--no-optimal", "--json", "report.json", "--write-plan", "full.yaml"],
            ["init", "starter.yaml"],
            ["generate", "-o", "generated.yaml"],
            ["sweep", scenario, "--set", "discountRate=0:0.1:2", "--csv", "sweep.csv"],
            ["breakeven", "examples/breakeven-70b.yaml", "--workload", "chat", "--from", "1e8", "--to", "1e10", "--points", "3", "--json", "breakeven.json"],
        ]
        for arguments in runs {
            let absolute = arguments.map { $0.hasPrefix("examples/") ? repositoryRoot.appendingPathComponent($0).path : $0 }
            let result = try run(absolute, in: directory)
            XCTAssertEqual(result.status, 0, "\(arguments): \(result.stderr)")
        }
        let mask = umask(0)
        umask(mask)
        let expected = 0o644 & ~Int(mask)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        XCTAssertEqual(files, ["breakeven.json", "full.yaml", "generated.yaml", "m.dat", "m.lp", "m.mps", "plan.json", "report.json", "starter.yaml", "sweep.csv"])
        for file in files {
            let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(file).path)[.posixPermissions] as? Int)
            XCTAssertEqual(mode, expected, file)
        }
    }

    /// Devices are written through: /dev/null stays a device and the run succeeds.
    func testDevicesAreWrittenThrough() throws {
        let result = try run(["export", "examples/startup-api-breakeven.yaml", "--lp", "/dev/null", "--mps", "/dev/stdout"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("ROWS"), "the MPS file went to standard output")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: "/dev/null")[.type] as? FileAttributeType, .typeCharacterSpecial)
        XCTAssertEqual(try run(["init", "/dev/null"]).status, 0, "a device is not an existing file to protect")
    }
}
