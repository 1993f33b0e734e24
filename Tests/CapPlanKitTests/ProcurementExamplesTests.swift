// The issue-11 examples plan as their comments say: every figure below is worked out by hand in
// the example file's header (examples/contracts-and-platforms.yaml, examples/procurement/).
import Foundation
import XCTest
@testable import CapPlanKit

final class ProcurementExamplesTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func plan(_ name: String) throws -> PlanDocument {
        let scenario = try ScenarioLoader.load(path: Self.root.appendingPathComponent("examples/" + name).path).scenario
        var options = PlanOptions()
        options.baselines = false
        let plan = try Planner.plan(scenario, options: options)
        XCTAssertEqual(plan.status, .optimal, name)
        XCTAssertLessThanOrEqual(plan.audit?.relativeDifference ?? 1, 1e-6, "\(name): the evaluator disagrees")
        return plan
    }

    func units(_ plan: PlanDocument, _ offering: String) -> Double {
        plan.purchases.filter { $0.offering == offering }.reduce(0) { $0 + $1.units }
    }

    /// 2 GPUs on the 1-year contract (2 x 7.67 x 8,760 = 134,383.2) and the rest of the spike on
    /// demand (4.574146e11 tokens / (2,700.75 x 3,600) x 11.06 = 520,324.6): 654,707.8; no 3-year.
    func testSpikeRunsOnDemandOverAOneYearBase() throws {
        let plan = try plan("procurement/spike-reservation.yaml")
        let reserved = 2 * 2700.75 * 2190 * 3600
        let onDemand = (5e11 - reserved) / (2700.75 * 3600) * 11.06
        XCTAssertEqual(try XCTUnwrap(plan.totals).cost, 2 * 7.67 * 8760 + onDemand, accuracy: 0.01)
        XCTAssertEqual(try XCTUnwrap(plan.totals).commitmentsBeyondHorizon, 0, accuracy: 1e-6)
    }

    /// Two GPUs (one 70B replica) for the 243.33 business hours of each month: 3 x 2 x 243.33 x 11.06.
    func testTinyDemandPaysForAWholeReplica() throws {
        let plan = try plan("procurement/tiny-demand-per-gpu.yaml")
        XCTAssertEqual(try XCTUnwrap(plan.totals).cost, 3 * 2 * (8.0 / 24 * 730) * 11.06, accuracy: 0.01)
    }

    /// amd pays from 17.5 servers: at 10 H100s it is not adopted, at 96 servers it is.
    func testSecondPlatformIsAdoptedOnlyAtVolume() throws {
        let low = try plan("procurement/mi300x-adoption-low.yaml")
        XCTAssertEqual(units(low, "h100"), 10)
        XCTAssertEqual(units(low, "mi300x"), 0)
        XCTAssertEqual(try XCTUnwrap(low.totals).cost, 4 * 10 * 25_000, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(low.totals).platform, 0, accuracy: 1e-6)
        let volume = try plan("procurement/mi300x-adoption-volume.yaml")
        XCTAssertEqual(units(volume, "mi300x"), 96)
        XCTAssertEqual(units(volume, "h100"), 0)
        XCTAssertEqual(try XCTUnwrap(volume.totals).platform, 500_000 + 200_000, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(volume.totals).cost, 4 * 96 * 15_000 + 700_000, accuracy: 1e-6)
        XCTAssertEqual(volume.platforms?.first { $0.platform == "amd" }?.adoptionPeriod, "2027Q1")
    }

    /// Load of 3.2 servers on a pool of 4 with one spare: buys the fifth (25,000 amortized).
    func testNPlusOneBuysTheFifthServer() throws {
        let plan = try plan("procurement/n-plus-one.yaml")
        XCTAssertEqual(units(plan, "node"), 1)
        XCTAssertEqual(try XCTUnwrap(plan.totals).cost, 2 * 100_000 / 8, accuracy: 1e-6)
    }

    /// The spike on demand (9.10422e11 tokens beyond the two serving servers: 1,218,402 USD), one
    /// H100 server arriving 2028Q3 (2 x 26,870), the existing servers' 8 x 24,360: 1,467,024 USD.
    func testContractsAndPlatformsExample() throws {
        let plan = try plan("contracts-and-platforms.yaml")
        let server = 21_606 * 0.85 * 2190 * 3600
        let spike = (1.2e12 - 2 * server) / (2700.75 * 0.85 * 3600) * 11.06
        let energy = 10.2 * 2190 * 0.0826 * 1.42
        let existing = 8 * (3 * 5500 + 3 * energy)
        let newServer = 2 * (375_000 / 20 + 5500 + energy)
        XCTAssertEqual(try XCTUnwrap(plan.totals).cost, existing + spike + newServer, accuracy: 0.5)
        XCTAssertEqual(plan.purchases.map(\.offering), ["h100-node"])
        XCTAssertEqual(plan.purchases.first?.period, "2028Q3")
        XCTAssertEqual(try XCTUnwrap(plan.totals).platform, 0, accuracy: 1e-6)  // amd not adopted
        XCTAssertEqual(try XCTUnwrap(plan.totals).commitmentsBeyondHorizon, 0, accuracy: 1e-6)  // no reservation
    }
}
