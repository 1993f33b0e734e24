import XCTest
@testable import LinearProgramming

/// A solve's limits hold across the several simplex runs it makes, and a bound is a number.
final class LimitsAndBoundsTests: XCTestCase {
    /// max x + y  s.t.  −x + y ≤ 1, 3x + 2y ≤ 12, 2x + 3y ≤ 12, x, y integer ≥ 0: relaxation
    /// optimum 4.8 at (2.4, 2.4), integer optimum 4.
    func twoVariableMIP() -> LinearModel {
        var model = LinearModel(direction: .maximize)
        let x = model.addVariable(name: "x", kind: .integer, objective: 1)
        let y = model.addVariable(name: "y", kind: .integer, objective: 1)
        model.addConstraint(name: "a", terms: [(x, -1), (y, 1)], .lessOrEqual(1))
        model.addConstraint(name: "b", terms: [(x, 3), (y, 2)], .lessOrEqual(12))
        model.addConstraint(name: "c", terms: [(x, 2), (y, 3)], .lessOrEqual(12))
        return model
    }

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

    /// The dual simplex alone (GLP_DUAL), run by the split of dualThenPrimal, gives GLPK's own
    /// GLP_DUALP result where the dual succeeds: same point, same iterations.
    func testDualThenPrimalMatchesGLPKWhereTheDualSucceeds() throws {
        var model = twoVariableMIP().relaxed()
        model.direction = .maximize
        for method in [SimplexOptions.Method.dualThenPrimal, .dual] {
            var options = SolveOptions()
            options.simplex.method = method
            let solution = try GLPKSolver.solve(model, options: options)
            XCTAssertEqual(solution.termination, .optimal)
            XCTAssertEqual(solution.objectiveValue!, 4.8, accuracy: 1e-9)
        }
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
}

private final class BoundLog: @unchecked Sendable {
    private let lock = NSLock()
    private var log: [Double?] = []
    func append(_ bound: Double?) { lock.lock(); log.append(bound); lock.unlock() }
    var values: [Double?] { lock.lock(); defer { lock.unlock() }; return log }
}
