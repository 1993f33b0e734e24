import CGLPK
import GLPKGuard
import XCTest
@testable import LinearProgramming

/// A solve's limits hold across the several simplex runs it makes, and a bound is a number.
final class LimitsAndBoundsTests: XCTestCase {
    // `twoVariableMIP()` (MIPTests.swift): relaxation optimum 4.8 at (2.4, 2.4), integer optimum 4.

    /// With a node limit of 1, branch-and-cut stops at its first node selection, before the
    /// root's LP: GLPK's node bound is then -DBL_MAX (+DBL_MAX here, maximizing), which is no
    /// bound. The solve states the relaxation's optimum instead.
    func testNodeLimitBeforeTheRootGivesTheRelaxationsBound() throws {
        var options = SolveOptions()
        options.mip.nodeLimit = 1
        let stopped = try GLPKSolver.solve(twoVariableMIP(), options: options)
        XCTAssertEqual(stopped.termination, .nodeLimit)
        let bound = try XCTUnwrap(stopped.objectiveBound)
        XCTAssertEqual(bound, 4.8, accuracy: 1e-9)
    }

    /// The progress closure never sees GLPK's placeholder bound of an unsolved node.
    func testProgressBoundsAreFinite() throws {
        let bounds = BoundLog()
        var options = SolveOptions()
        options.mip.progress = { bounds.append($0.bestBound) }
        let solution = try GLPKSolver.solve(twoVariableMIP(), options: options)
        XCTAssertEqual(solution.objectiveValue!, 4, accuracy: 1e-9)
        XCTAssertFalse(bounds.values.isEmpty)
        for bound in bounds.values {
            if let bound { XCTAssertLessThan(abs(bound), 1e300) }
        }
    }

    /// min −x₀ over rows Σ_{j≤i} x_j ≥ i + 1 (i < n), x ≥ 0: unbounded. The dual simplex
    /// starts from the slack basis, primal infeasible, and stops "dual infeasible" without
    /// classifying; the primal simplex then runs from there. Both share one iteration limit.
    func unboundedStaircase(_ n: Int) -> LinearModel {
        var model = LinearModel()
        let x = (0..<n).map { model.addVariable(name: "x\($0)", objective: $0 == 0 ? -1 : Double($0 % 3)) }
        for i in 0..<n {
            model.addConstraint(name: "r\(i)", terms: (0...i).map { (x[$0], Double(1 + ($0 * 7 + i) % 5)) }, .greaterOrEqual(Double(i + 1)))
        }
        return model
    }

    func testDualThenPrimalShareTheIterationLimit() throws {
        let model = unboundedStaircase(30)
        let unlimited = try GLPKSolver.solve(model)
        XCTAssertEqual(unlimited.termination, .unbounded)
        for limit in 1..<unlimited.simplexIterations {
            var options = SolveOptions()
            options.simplex.iterationLimit = limit
            let limited = try GLPKSolver.solve(model, options: options)
            XCTAssertEqual(limited.termination, .iterationLimit, "limit \(limit)")
            XCTAssertLessThanOrEqual(limited.simplexIterations, limit, "limit \(limit)")
        }
    }

    /// Where the dual simplex succeeds, the split run of dualThenPrimal is GLPK's own
    /// GLP_DUALP run: same iterations, same point, bit for bit.
    func testDualThenPrimalMatchesGLPKWhereTheDualSucceeds() throws {
        var model = LinearModel()
        let n = 40
        var x: [Variable] = []
        for j in 0..<n {
            let cost = Double(1 + (j * 13) % 11), upper = Double(5 + j % 7)
            x.append(model.addVariable(name: "x\(j)", upperBound: upper, objective: cost))
        }
        for i in 0..<30 {
            var terms: [(Variable, Double)] = []
            for j in 0..<n where (j * 7 + i * 3) % 5 < 2 {
                let coefficient = Double(1 + (j + i) % 4)
                terms.append((x[j], coefficient))
            }
            let demand = Double(10 + i % 9)
            model.addConstraint(name: "r\(i)", terms: terms, .greaterOrEqual(demand))
        }
        func run(_ split: Bool) throws -> (iterations: Int32, objective: Double, values: [Double]) {
            try withGLPK { session in
                let problem = try session.createProblem()
                GLPKSolver.load(model, matrix: model.compiledMatrix(), into: problem)
                GLPKSolver.scale(problem, .automatic)
                var parm = GLPKSolver.simplexParameters(SimplexOptions(), verbose: false, timeLimit: nil)
                XCTAssertEqual(parm.meth, GLP_DUALP)
                var budget = GLPKSolver.SimplexBudget(seconds: nil, iterations: nil)
                let code = split ? GLPKSolver.simplex(problem, parm: parm, budget: &budget) : guarded_glp_simplex(problem, &parm)
                XCTAssertEqual(code, 0)
                XCTAssertEqual(guarded_glp_get_status(problem), GLP_OPT)
                return (guarded_glp_get_it_cnt(problem), guarded_glp_get_obj_val(problem),
                        GLPKSolver.columnValues(problem, n, guarded_glp_get_col_prim))
            }
        }
        let glpk = try run(false), split = try run(true)
        XCTAssertGreaterThan(glpk.iterations, 0)
        XCTAssertEqual(split.iterations, glpk.iterations)
        XCTAssertEqual(split.objective, glpk.objective)
        XCTAssertEqual(split.values, glpk.values)
    }

    /// A decomposition whose simplex runs hit the iteration limit stops with that termination
    /// (it used to give up as "not applicable").
    func testBendersStopsAtTheIterationLimit() throws {
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
        let decomposition = BendersDecomposition(masterColumns: [capacity], blocks: blocks)
        let whole = try GLPKSolver.solveByBenders(model, decomposition: decomposition)
        XCTAssertEqual(whole.termination, .optimal)
        XCTAssertEqual(whole.objectiveValue!, 16, accuracy: 1e-9)
        var options = SolveOptions()
        options.simplex.iterationLimit = 0
        let stopped = try GLPKSolver.solveByBenders(model, decomposition: decomposition, options: options)
        XCTAssertEqual(stopped.termination, .iterationLimit)
    }

    /// A cut's round-off coefficients are dropped only where a bound makes that exact: x by
    /// its own upper bound, y by the one its master row implies (2y ≤ 8); z has none and keeps
    /// its term, raised to the threshold (1e-9 · max(1, largest)), which only weakens the cut
    /// (z ≥ 0) and keeps the master's coefficients within a ratio of 1e9. The right-hand side
    /// loses each dropped term's largest value and keeps z's term at its own coefficient.
    func testCutDropsNegligibleCoefficientsExactly() throws {
        var model = LinearModel()
        let x = model.addVariable(name: "x", upperBound: 5)
        let y = model.addVariable(name: "y")
        let z = model.addVariable(name: "z")
        let s = model.addVariable(name: "s", objective: 1)
        model.addConstraint(name: "cap", terms: [(y, 2)], .lessOrEqual(8))
        let demand = model.addConstraint(name: "demand", terms: [(s, 1), (x, 1), (y, 1), (z, 1)], .greaterOrEqual(10))
        let layout = try BendersLayout(model: model, decomposition: BendersDecomposition(masterColumns: [x, y, z], blocks: [[demand]]))
        XCTAssertEqual(layout.upperBounds[y.index]!, 4, accuracy: 1e-8)
        XCTAssertGreaterThanOrEqual(layout.upperBounds[y.index]!, 4)
        XCTAssertNil(layout.upperBounds[z.index])
        let cut = try withGLPK { session in
            let block = try BendersBlock(index: 0, layout: layout, session: session)
            // A dual of 1e-12 (round-off): coefficients of 1e-12 on x, y and z.
            let result = BendersBlock.Result(value: 7, rowDuals: [1e-12], columnValues: [7])
            return block.cut(from: result, at: [1, 1, 1, 0], theta: 0, tolerance: 1e-9, position: [1, 2, 3, 0])
        }
        let kept = try XCTUnwrap(cut)
        XCTAssertEqual(kept.positions, [3])
        XCTAssertEqual(kept.coefficients, [1e-9])
        // V + c·ẑ − c·(5 − 1) − c·(4 − 1): weaker by the dropped terms' largest values.
        XCTAssertEqual(kept.lowerBound, 7 + 1e-12 - 4e-12 - 3e-12, accuracy: 1e-14)
        XCTAssertLessThan(kept.lowerBound, 7 + 3e-12)
    }
}

private final class BoundLog: @unchecked Sendable {
    private let lock = NSLock()
    private var log: [Double?] = []
    func append(_ bound: Double?) { lock.lock(); log.append(bound); lock.unlock() }
    var values: [Double?] { lock.lock(); defer { lock.unlock() }; return log }
}
