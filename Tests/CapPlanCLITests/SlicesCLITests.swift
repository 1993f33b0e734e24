import Foundation
import XCTest

/// `--slices N` (docs/cli.md): builds N slices from a scenario's hourly profile in every command
/// that reads a scenario; on a scenario that lists its slices, or out of range, it is a usage
/// error (exit 2) that says why.
final class SlicesCLITests: XCTestCase {
    func testSlicesOverridesTheHourlyProfileCount() throws {
        let scenario = "examples/hourly-profile.yaml"
        for n in ["1", "4", "168"] {
            let r = try run(["validate", scenario, "--slices", n])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.contains(", \(n) slices,"), r.stdout)
        }
        let plan = try run(["plan", scenario, "--slices", "2", "--format", "json", "--no-baselines", "--no-thresholds"])
        XCTAssertEqual(plan.status, 0, plan.stderr)
        XCTAssertTrue(plan.stdout.contains("\"h02\""), plan.stdout)
        XCTAssertFalse(plan.stdout.contains("\"h03\""))
    }

    func testSlicesIsAUsageErrorWhereItMeansNothing() throws {
        let listed = try run(["plan", "examples/midsize-3year.yaml", "--slices", "3"])
        XCTAssertEqual(listed.status, 2)
        XCTAssertTrue(listed.stderr.contains("--slices 3 needs time slices built from an hourly profile"), listed.stderr)
        XCTAssertTrue(listed.stderr.contains("examples/midsize-3year.yaml lists its slices"), listed.stderr)
        for command in [["validate"], ["export", "--lp", "/dev/null"], ["sweep", "--set", "discountRate=0:0.1:2"]] {
            let r = try run([command[0], "examples/midsize-3year.yaml"] + command.dropFirst() + ["--slices", "3"])
            XCTAssertEqual(r.status, 2, "\(command): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("--slices 3 needs"), "\(command): \(r.stderr)")
        }
        let zero = try run(["validate", "examples/hourly-profile.yaml", "--slices", "0"])
        XCTAssertEqual(zero.status, 2)
        XCTAssertTrue(zero.stderr.contains("--slices must be at least 1, got 0"), zero.stderr)
        let tooMany = try run(["validate", "examples/hourly-profile.yaml", "--slices", "169"])
        XCTAssertEqual(tooMany.status, 2)
        XCTAssertTrue(tooMany.stderr.contains("timeSlices.slices: expected at most 168 slices"), tooMany.stderr)
        XCTAssertTrue(tooMany.stderr.contains("got 169 (--slices)"), tooMany.stderr)
    }
}
