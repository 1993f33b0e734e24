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
                let scenario = ScenarioGenerator(size: size, seed: seed).scenario()
                let whole = try plan(scenario, .monolithic)
                let split = try plan(scenario, .benders)
                XCTAssertEqual(split.status, whole.status, "\(size) \(seed)")
                guard let expected = whole.totals?.discountedCost, let got = split.totals?.discountedCost else { continue }
                XCTAssertEqual(got, expected, accuracy: 1e-7 * max(1, abs(expected)), "\(size) seed \(seed)")
                // The plan was audited by the evaluator like any other.
                XCTAssertLessThanOrEqual(split.audit!.relativeDifference, 1e-6)
                if split.solver.method == "benders decomposition" {
                    decomposed += 1
                    XCTAssertTrue(split.insights!.dualSource.hasPrefix("Benders"))
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
        XCTAssertEqual(split.solver.method, "simplex")
        XCTAssertEqual(split.totals!.discountedCost, whole.totals!.discountedCost, accuracy: 1e-9 * whole.totals!.discountedCost)
    }

    /// The layer refuses what it cannot decompose.
    func testLayerChecksTheDecomposition() throws {
        var model = LinearModel()
        let x = model.addVariable(name: "x", objective: 1)
        let y = model.addVariable(name: "y", objective: -1)  // a negative cost in a block
        model.addConstraint(name: "c", terms: [(x, 1), (y, 1)], .greaterOrEqual(1))
        model.addConstraint(name: "d", terms: [(y, 1)], .lessOrEqual(3))
        XCTAssertThrowsError(try GLPKSolver.solveByBenders(
            model, decomposition: BendersDecomposition(masterColumns: [x], blocks: [[Constraint(index: 0), Constraint(index: 1)]]))) { error in
            XCTAssertTrue(error is BendersNotApplicable, "\(error)")
        }
        XCTAssertThrowsError(try GLPKSolver.solveByBenders(
            model, decomposition: BendersDecomposition(masterColumns: [], blocks: [[Constraint(index: 0)], [Constraint(index: 1)]])))
    }

    /// A textbook two-stage LP: capacity costs 3 a unit and is shared by two blocks with demands
    /// 4 and 6, where anything not covered costs 2 a unit. A unit of capacity up to 4 saves 2 in
    /// each block (4 > 3): bought; beyond 4 it saves 2 in one block only (< 3): not bought.
    /// Optimum x = 4, cost 3·4 + 2·2 = 16.
    func testTwoStageTextbookLP() throws {
        var model = LinearModel()
        let capacity = model.addVariable(name: "cap", objective: 3)
        var blocks: [[Constraint]] = []
        for (k, demand) in [4.0, 6.0].enumerated() {
            let served = model.addVariable(name: "served\(k)")
            let bought = model.addVariable(name: "bought\(k)", objective: 2)
            let d = model.addConstraint(name: "demand\(k)", terms: [(served, 1), (bought, 1)], .greaterOrEqual(demand))
            let c = model.addConstraint(name: "cap\(k)", terms: [(served, 1), (capacity, -1)], .lessOrEqual(0))
            blocks.append([d, c])
        }
        let whole = try GLPKSolver.solve(model)
        let split = try GLPKSolver.solveByBenders(model, decomposition: BendersDecomposition(masterColumns: [capacity], blocks: blocks))
        XCTAssertEqual(split.termination, .optimal)
        XCTAssertEqual(split.objectiveValue!, whole.objectiveValue!, accuracy: 1e-9)
        // cap costs 3 and saves 2 per block where it is used: 4 units save 4 (both blocks), the next 2 save 2.
        XCTAssertEqual(whole.objectiveValue!, 3 * 4 + 2 * 2, accuracy: 1e-9)
        XCTAssertEqual(split[capacity], 4, accuracy: 1e-9)
    }

    /// Whole units: after the relaxation's cuts the master becomes a MIP; the plan matches
    /// branch-and-cut on the whole model within the gap.
    func testWholeUnitsReachTheSameOptimumWithinTheGap() throws {
        for seed in UInt64(1)...3 {
            let scenario = ScenarioGenerator(size: .small, seed: seed).scenario().withIntegerUnits(true)
            var options = PlanOptions()
            options.baselines = false
            options.mipGap = 1e-6
            options.decomposition = .monolithic
            let whole = try Planner.plan(scenario, options: options)
            options.decomposition = .benders
            let split = try Planner.plan(scenario, options: options)
            XCTAssertEqual(split.solver.method, "benders decomposition")
            XCTAssertEqual(split.status, .optimal)
            let expected = try XCTUnwrap(whole.totals?.discountedCost)
            XCTAssertEqual(try XCTUnwrap(split.totals?.discountedCost), expected, accuracy: 2e-6 * expected, "seed \(seed)")
            for purchase in split.purchases { XCTAssertEqual(purchase.units, purchase.units.rounded()) }
        }
    }
}
