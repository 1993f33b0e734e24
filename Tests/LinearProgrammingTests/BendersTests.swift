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

    /// Strengthened cuts by hand. Capacity n ∈ [0, 0.25] costs 2 a unit; two blocks with
    /// demands d = 2 and 1 serve x_k ≤ 2n from it and rent the rest, r_k ≤ 4 z_k, where z_k
    /// (a lump of 4, whole in the MIP) costs 3:
    ///
    ///     x_k − 2n ≤ 0        r_k − 4 z_k ≤ 0        x_k + r_k ≥ d_k        0 ≤ z_k ≤ 1
    ///
    /// LP: z_k = (d_k − 2n)/4, block cost 0.75 d_k − 1.5 n, total 2.25 − n: n = 0.25, 2.0,
    /// and each block's cut has slope −1.5 (unique: 2n < d_k). Whole z: 2n ≤ 0.5 < d_k, so
    /// z_k = 1 at every n, and the block's MIP min 3 z_k + 1.5 n is 3: the cuts become
    /// θ_k ≥ 3 − 1.5 n, and the master min 2n + θ_1 + θ_2 = 6 − n gives 5.75 at n = 0.25.
    /// The MIP's optimum is 6 (n = 0), so the bound is valid and short of it only by what a
    /// cut's slope taken from the LP leaves.
    func testStrengthenedCutsByHand() throws {
        var model = LinearModel()
        let n = model.addVariable(name: "n", lowerBound: 0, upperBound: 0.25, objective: 2)
        var blocks: [[Constraint]] = [], lumps: [Variable] = []
        for (k, demand) in [2.0, 1.0].enumerated() {
            let x = model.addVariable(name: "x\(k)")
            let r = model.addVariable(name: "r\(k)")
            let z = model.addVariable(name: "z\(k)", lowerBound: 0, upperBound: 1, objective: 3)
            lumps.append(z)
            blocks.append([
                model.addConstraint(terms: [(x, 1), (n, -2)], .lessOrEqual(0)),
                model.addConstraint(terms: [(r, 1), (z, -4)], .lessOrEqual(0)),
                model.addConstraint(terms: [(x, 1), (r, 1)], .greaterOrEqual(demand)),
            ])
        }
        var kinds = model.variableKinds
        for z in lumps { kinds[z.index] = .binary }
        var decomposition = BendersDecomposition(masterColumns: [n], blocks: blocks)
        let plain = try GLPKSolver.solveByBenders(model, decomposition: decomposition)
        XCTAssertEqual(try XCTUnwrap(plain.objectiveBound), 2.0, accuracy: 1e-9)
        decomposition.strengthening = CutStrengthening(kinds: kinds)
        let strengthened = try GLPKSolver.solveByBenders(model, decomposition: decomposition)
        XCTAssertEqual(strengthened.termination, .optimal)
        XCTAssertEqual(try XCTUnwrap(strengthened.objectiveBound), 5.75, accuracy: 1e-6)
        XCTAssertLessThanOrEqual(try XCTUnwrap(strengthened.objectiveBound), 5.75)
        XCTAssertNil(strengthened.relativeGap, "the bound is the MIP's, above the LP point's cost")
        // The point stays the LP's optimum, with its duals.
        XCTAssertEqual(try XCTUnwrap(strengthened.objectiveValue), 2.0, accuracy: 1e-9)
        XCTAssertEqual(strengthened[n], 0.25, accuracy: 1e-9)
        XCTAssertEqual(strengthened.dualStatus, .feasiblePoint)
        // The MIP itself.
        var mip = model
        for z in lumps { mip.setKind(z, .binary) }
        XCTAssertEqual(try XCTUnwrap(try GLPKSolver.solve(mip).objectiveValue), 6, accuracy: 1e-9)
        // Searching the slopes: each block's MIP value is 3 at every n (z = 1 always), so the
        // best slope is 0 (θ_k ≥ 3), the master moves to n = 0 and the bound reaches 6, the
        // MIP's optimum. From c = 1.5 at n̂ = 0.25, L(c) − 0.25 c has supergradient 0 − 0.25,
        // and the steps bring c down toward 0.
        decomposition.strengthening = CutStrengthening(kinds: kinds, slopeSteps: 10)
        let searched = try GLPKSolver.solveByBenders(model, decomposition: decomposition)
        XCTAssertEqual(try XCTUnwrap(searched.objectiveBound), 6, accuracy: 1e-6)
        XCTAssertLessThanOrEqual(try XCTUnwrap(searched.objectiveBound), 6)
        XCTAssertEqual(try XCTUnwrap(searched.objectiveValue), 2.0, accuracy: 1e-9, "the point stays the LP's")
        // With every kind continuous the block MIPs are the LPs: the bound stays 2.0.
        decomposition.strengthening = CutStrengthening(kinds: model.variableKinds)
        XCTAssertEqual(try XCTUnwrap(try GLPKSolver.solveByBenders(model, decomposition: decomposition).objectiveBound), 2.0, accuracy: 1e-9)
        // Kinds for another model are refused.
        decomposition.strengthening = CutStrengthening(kinds: [.binary])
        XCTAssertThrowsError(try GLPKSolver.solveByBenders(model, decomposition: decomposition)) { error in
            XCTAssertTrue(error is BendersNotApplicable, "\(error)")
        }
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
