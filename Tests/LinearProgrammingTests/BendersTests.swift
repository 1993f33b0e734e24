import XCTest
@testable import LinearProgramming

/// Benders decomposition in the LP layer, on models small enough to check by hand.
final class BendersTests: XCTestCase {
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

    /// A two-stage LP: capacity costs 3 a unit and is shared by two blocks with the given
    /// demands, where anything not covered costs 2 a unit.
    func twoStage(demands: [Double], integerCapacity: Bool = false) -> (LinearModel, Variable, BendersDecomposition) {
        var model = LinearModel()
        let capacity = model.addVariable(name: "cap", kind: integerCapacity ? .integer : .continuous, objective: 3)
        var blocks: [[Constraint]] = []
        for (k, demand) in demands.enumerated() {
            let served = model.addVariable(name: "served\(k)")
            let bought = model.addVariable(name: "bought\(k)", objective: 2)
            let d = model.addConstraint(name: "demand\(k)", terms: [(served, 1), (bought, 1)], .greaterOrEqual(demand))
            let c = model.addConstraint(name: "cap\(k)", terms: [(served, 1), (capacity, -1)], .lessOrEqual(0))
            blocks.append([d, c])
        }
        return (model, capacity, BendersDecomposition(masterColumns: [capacity], blocks: blocks))
    }

    /// Demands 4 and 6. A unit of capacity up to 4 saves 2 in each block (4 > 3): bought;
    /// beyond 4 it saves 2 in one block only (< 3): not bought. Optimum x = 4, cost
    /// 3·4 + 2·2 = 16.
    func testTwoStageTextbookLP() throws {
        let (model, capacity, decomposition) = twoStage(demands: [4, 6])
        let whole = try GLPKSolver.solve(model)
        let split = try GLPKSolver.solveByBenders(model, decomposition: decomposition)
        XCTAssertEqual(split.termination, .optimal)
        XCTAssertEqual(split.algorithm, .benders)
        XCTAssertEqual(whole.algorithm, .simplex)
        XCTAssertEqual(split.objectiveValue!, whole.objectiveValue!, accuracy: 1e-9)
        XCTAssertEqual(whole.objectiveValue!, 3 * 4 + 2 * 2, accuracy: 1e-9)
        XCTAssertEqual(split[capacity], 4, accuracy: 1e-9)
        XCTAssertEqual(split.dualStatus, .feasiblePoint)
        XCTAssertFalse(split.dualsFromFixedIntegers)
        // Demand 6's row: one more unit is bought at 2.
        XCTAssertEqual(split.dual(Constraint(index: 2))!, 2, accuracy: 1e-9)
        XCTAssertGreaterThan(split.bendersIterations, 1)
        XCTAssertGreaterThan(split.simplexIterations, 0)
        XCTAssertEqual(split.raw.routine, .simplex)
    }

    /// Stopped after one round, the point is feasible but not optimal: no duals, termination
    /// `iterationLimit`, the gap by the one formula.
    func testEarlyStopsAreHonest() throws {
        var (model, _, decomposition) = twoStage(demands: [4, 6])
        decomposition.maxIterations = 1
        let split = try GLPKSolver.solveByBenders(model, decomposition: decomposition)
        XCTAssertEqual(split.termination, .iterationLimit)
        XCTAssertEqual(split.bendersIterations, 1)
        XCTAssertEqual(split.primalStatus, .feasiblePoint)
        XCTAssertEqual(split.dualStatus, .noSolution)
        XCTAssertNil(split.rowDuals)
        XCTAssertNil(split.reducedCosts)
        let objective = try XCTUnwrap(split.objectiveValue), bound = try XCTUnwrap(split.objectiveBound)
        XCTAssertGreaterThan(objective, 16 + 1e-6, "one round cannot be optimal here")
        XCTAssertLessThanOrEqual(bound, 16 + 1e-9)
        XCTAssertEqual(split.relativeGap!, Solution.relativeGap(objective: objective, bound: bound))
    }

    /// A cancelled token stops before the first round: no point, termination `cancelled`.
    func testCancellationStopsBetweenRounds() throws {
        let (model, _, decomposition) = twoStage(demands: [4, 6])
        var options = SolveOptions()
        options.mip.cancellation = SolveCancellation()
        options.mip.cancellation!.cancel()
        let split = try GLPKSolver.solveByBenders(model, decomposition: decomposition, options: options)
        XCTAssertEqual(split.termination, .cancelled)
        XCTAssertEqual(split.primalStatus, .noSolution)
        XCTAssertEqual(split.bendersIterations, 0)
    }

    /// Whole units of capacity, demands 4.3 and 6: x = 4 costs 12 + 2·0.3 + 2·2 = 16.6, x = 5
    /// costs 15 + 2·1 = 17; the relaxation's x = 4.3 costs 16.3. The master becomes a MIP after
    /// the relaxation's cuts and reaches the whole model's optimum; its duals are those of the
    /// LP with the capacity fixed.
    func testIntegerMasterReachesTheMIPOptimum() throws {
        let (model, capacity, decomposition) = twoStage(demands: [4.3, 6], integerCapacity: true)
        let whole = try GLPKSolver.solve(model)
        XCTAssertEqual(whole.objectiveValue!, 16.6, accuracy: 1e-9)
        let split = try GLPKSolver.solveByBenders(model, decomposition: decomposition)
        XCTAssertEqual(split.termination, .optimal)
        XCTAssertTrue(split.isMIP)
        XCTAssertEqual(split.objectiveValue!, 16.6, accuracy: 1e-9)
        XCTAssertEqual(split[capacity], 4)
        XCTAssertTrue(split.dualsFromFixedIntegers)
        XCTAssertEqual(split.raw.routine, .intopt)
        // With the capacity fixed at 4, one more unit of demand 4.3 is bought at 2.
        XCTAssertEqual(split.dual(Constraint(index: 0))!, 2, accuracy: 1e-9)

        // Stopped in the relaxation's rounds, it has no whole point, only the bound.
        var short = decomposition
        short.maxIterations = 1
        let stopped = try GLPKSolver.solveByBenders(model, decomposition: short)
        XCTAssertEqual(stopped.termination, .iterationLimit)
        XCTAssertEqual(stopped.primalStatus, .noSolution)
        XCTAssertTrue(stopped.values.isEmpty)
        XCTAssertLessThanOrEqual(try XCTUnwrap(stopped.objectiveBound), 16.6)
    }
}
