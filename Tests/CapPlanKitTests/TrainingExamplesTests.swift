// The issue-14 examples plan as their headers say (examples/training-llama2-70b.yaml and
// examples/training-alongside-inference.yaml).
import Foundation
import XCTest
@testable import CapPlanKit

final class TrainingExamplesTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func scenario(_ name: String) throws -> Scenario {
        try ScenarioLoader.load(path: Self.root.appendingPathComponent("examples/" + name).path).scenario
    }

    func plan(_ scenario: Scenario) throws -> PlanDocument {
        var options = PlanOptions()
        options.baselines = false
        let plan = try Planner.plan(scenario, options: options)
        XCTAssertEqual(plan.status, .optimal)
        XCTAssertLessThanOrEqual(plan.audit?.relativeDifference ?? 1, 1e-6, "the evaluator disagrees")
        return plan
    }

    /// 6 N D = 6 x 70e9 x 2e12 = 8.4e23 FLOPs at 312 dense BF16 TFLOPS and MFU 0.42:
    /// 8.4e23 / (3,600 x 312e12 x 0.42) = 1,780,626.78 A100-hours, 3.5% over Meta's 1,720,320.
    func testLlama2PretrainingPlansWithinTenPercentOfMetasA100Hours() throws {
        let scenario = try scenario("training-llama2-70b.yaml")
        let expected = 6 * 70e9 * 2e12 / (3600 * 312e12 * 0.42)
        XCTAssertEqual(expected, 1_780_626.78, accuracy: 0.01)
        let plan = try plan(scenario)
        let job = try XCTUnwrap(plan.jobs?.first)
        XCTAssertEqual(job.offering, "a100-node")
        XCTAssertEqual(job.acceleratorHours, expected, accuracy: 1e-6 * expected)
        let meta = 1_720_320.0
        XCTAssertLessThan(abs(job.acceleratorHours - meta) / meta, 0.10)
        XCTAssertEqual(job.acceleratorHours / meta - 1, 0.035, accuracy: 0.001)
        // Two quarters, 256 owned A100s: the rest is bought (21 servers, then 1 for inference).
        XCTAssertEqual(job.start, "2027Q1")
        XCTAssertEqual(job.finish, "2027Q2")
        XCTAssertEqual(plan.purchases.map(\.units), [21, 1])
        XCTAssertGreaterThan(try XCTUnwrap(job.laterDeadline).saving, 0)
    }

    /// The job fills nights and evenings, never the daytime peak; it pulls two purchases forward
    /// to 2027Q2, and a later deadline saves exactly what it added.
    func testJobFillsOffPeakHoursAndPullsPurchasesForward() throws {
        let withJob = try scenario("training-alongside-inference.yaml")
        var withoutJob = withJob
        withoutJob.jobs = []
        let planned = try plan(withJob)
        let baseline = try plan(withoutJob)

        XCTAssertEqual(baseline.purchases.map(\.period), ["2027Q2", "2027Q3", "2027Q4"])
        XCTAssertEqual(baseline.purchases.map(\.units), [3, 1, 1])
        XCTAssertEqual(planned.purchases.map(\.period), ["2027Q2"])
        XCTAssertEqual(planned.purchases.map(\.units), [5])

        let job = try XCTUnwrap(planned.jobs?.first)
        // 6 x 70e9 x 400e9 / (3,600 x 989e12 x 0.40) = 117,964.27 GPU-hours on the owned servers.
        XCTAssertEqual(job.acceleratorHours, 6 * 70e9 * 400e9 / (3600 * 989e12 * 0.40), accuracy: 1e-3)
        XCTAssertEqual(job.offering, "h100-node")
        let q2 = try XCTUnwrap(job.periods.first { $0.period == "2027Q2" })
        XCTAssertEqual(q2.accelerators["day"] ?? -1, 0, accuracy: 1e-9)
        XCTAssertGreaterThanOrEqual(q2.accelerators["night"] ?? 0, 64)

        let added = planned.totals!.discountedCost - baseline.totals!.discountedCost
        XCTAssertGreaterThan(added, 0)
        XCTAssertEqual(try XCTUnwrap(job.laterDeadline).saving, added, accuracy: 1e-6 * planned.totals!.discountedCost)
    }

    /// A sweep edit that leaves a rental too small for the job's cluster (10 servers x 8 = 80
    /// A100s < 256) drops it from the job's pools; the unedited scenario has it.
    func testSweepEditsFindTheJobsPoolsAgain() throws {
        let scenario = try scenario("training-llama2-70b.yaml")
        XCTAssertTrue(scenario.jobs[0].pools.contains { $0.offering == "aws-p4de-a100-on-demand" })
        let edited = try ScenarioEdit.setting("offerings.aws-p4de-a100-on-demand.maxUnits", to: 10, in: scenario)
        XCTAssertFalse(edited.jobs[0].pools.contains { $0.offering == "aws-p4de-a100-on-demand" })
        XCTAssertTrue(edited.jobs[0].pools.contains { $0.offering == "a100-node" })
    }
}
