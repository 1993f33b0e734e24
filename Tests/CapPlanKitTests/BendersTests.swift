import XCTest
import LinearProgramming
@testable import CapPlanKit

/// The Benders decomposition of the capacity LP reaches the whole model's optimum.
final class BendersTests: XCTestCase {
    func plan(_ scenario: Scenario, _ decomposition: PlanOptions.Decomposition) throws -> PlanDocument {
        var options = PlanOptions()
        options.relax = true
        options.baselines = false
        options.decomposition = decomposition
        return try Planner.plan(scenario, options: options)
    }

    func testSameOptimumAsTheWholeModel() throws {
        var decomposed = 0
        for (size, seeds) in [(ScenarioSize.tiny, UInt64(1)...60), (.small, 1...6), (.medium, 1...3)] {
            for seed in seeds {
                // Without section 8's features: their binaries make even a relaxed plan a MIP
                // (ProcurementExactnessTests covers Benders with them).
                let scenario = ScenarioGenerator(size: size, seed: seed, procurementFeatures: false).scenario()
                let whole = try plan(scenario, .monolithic)
                let split = try plan(scenario, .benders)
                XCTAssertEqual(split.status, whole.status, "\(size) \(seed)")
                guard let expected = whole.totals?.discountedCost, let got = split.totals?.discountedCost else { continue }
                XCTAssertEqual(got, expected, accuracy: 1e-7 * max(1, abs(expected)), "\(size) seed \(seed)")
                // The plan was audited by the evaluator like any other.
                XCTAssertLessThanOrEqual(split.audit!.relativeDifference, 1e-6)
                if split.solver.method == .bendersDecomposition {
                    decomposed += 1
                    XCTAssertEqual(split.insights!.dualSource, .benders)
                }
            }
        }
        XCTAssertGreaterThan(decomposed, 40, "most generated scenarios have complete recourse")
    }

    /// Without an unlimited option for some workload a block could be infeasible: the planner
    /// solves the whole model instead.
    func testFallsBackWithoutCompleteRecourse() throws {
        let scenario = Scenario(
            name: "limited", horizon: Horizon(start: PeriodLabel("2027Q1")!, periods: 2),
            workloads: [Workload(id: "chat", outputShare: 0.5, model: nil, demand: [1e10, 2e10])],
            offerings: [
                .purchase(PurchaseOffering(id: "node", unitPrice: 100_000, lifetimePeriods: 8, throughput: ["chat": 5000])),
                .api(APIOffering(id: "api", inputPricePerMTok: 5, outputPricePerMTok: 15, serves: ["chat"], maxTokensPerSecond: 1000)),
            ],
            policy: Policy(integerUnits: false))
        XCTAssertNil(FleetDecomposition.decomposition(of: CapacityModelBuilder.buildModel(scenario)))
        let split = try plan(scenario, .benders), whole = try plan(scenario, .monolithic)
        XCTAssertEqual(split.solver.method, .simplex)
        XCTAssertEqual(split.totals!.discountedCost, whole.totals!.discountedCost, accuracy: 1e-9 * whole.totals!.discountedCost)
    }

    /// Whole units: after the relaxation's cuts the master becomes a MIP; the plan matches
    /// branch-and-cut on the whole model within the gap.
    func testWholeUnitsReachTheSameOptimumWithinTheGap() throws {
        for seed in UInt64(1)...3 {
            let scenario = ScenarioGenerator(size: .small, seed: seed, procurementFeatures: false).scenario().withIntegerUnits(true)
            var options = PlanOptions()
            options.baselines = false
            options.mipGap = 1e-6
            options.decomposition = .monolithic
            let whole = try Planner.plan(scenario, options: options)
            options.decomposition = .benders
            let split = try Planner.plan(scenario, options: options)
            XCTAssertEqual(split.solver.method, .bendersDecomposition)
            XCTAssertEqual(split.status, .optimal)
            let expected = try XCTUnwrap(whole.totals?.discountedCost)
            XCTAssertEqual(try XCTUnwrap(split.totals?.discountedCost), expected, accuracy: 2e-6 * expected, "seed \(seed)")
            for purchase in split.purchases { XCTAssertEqual(purchase.units, purchase.units.rounded()) }
        }
    }
}
