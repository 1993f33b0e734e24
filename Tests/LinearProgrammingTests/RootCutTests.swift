import CGLPK
import GLPKGuard
@testable import LinearProgramming
import XCTest

/// `MIPOptions.rootCutCandidates`, by hand: units N (whole, 15 each) serve up to 10 a unit
/// (x ≤ 10 N, x free of cost), an API y costs 2 a unit, and demand is x + y ≥ 25. The
/// relaxation buys 2.5 units (37.5); the optimum is N = 2, x = 20, y = 5 (40). The unit-rounding
/// cut for C = 10, q = 2, ϱ = 5 is x − 5 N ≤ 2 (10 − 5) = 10: the relaxation's point violates it
/// (25 − 12.5 = 12.5), and with it the relaxation's optimum is the optimum (for N ≤ 2 the cost is
/// 50 − 5 N, for N ∈ [2, 3] it is 30 + 5 N).
final class RootCutTests: XCTestCase {
    struct Example {
        var model = LinearModel()
        let units: Variable, served: Variable, api: Variable
        let capacity: Constraint, demand: Constraint
        let cut: CutCandidate

        init() {
            units = model.addVariable(name: "N", kind: .integer, objective: 15)
            served = model.addVariable(name: "x", objective: 0)
            api = model.addVariable(name: "y", objective: 2)
            capacity = model.addConstraint(name: "capacity", variables: [served, units], coefficients: [1, -10], .lessOrEqual(0))
            demand = model.addConstraint(name: "demand", variables: [served, api], coefficients: [1, 1], .greaterOrEqual(25))
            cut = CutCandidate(variables: [served, units], coefficients: [1, -5], upperBound: 10)
        }
    }

    func options(cuts: [CutCandidate], minimumGain: Double = 5e-4) -> SolveOptions {
        var options = SolveOptions()
        options.mip.rootCutCandidates = cuts
        options.mip.rootCutMinimumGain = minimumGain
        options.mip.computeFixedDuals = true
        return options
    }

    func testAViolatedCutClosesTheRootAndLeavesTheFixedDualsToTheModelsRows() throws {
        let example = Example()
        XCTAssertTrue(example.cut.isViolated(by: [2.5, 25, 0]))
        XCTAssertFalse(example.cut.isViolated(by: [2, 20, 5]))
        let relaxation = try GLPKSolver.solve(example.model, options: SolveOptions(relaxIntegrality: true))
        XCTAssertEqual(try XCTUnwrap(relaxation.objectiveValue), 37.5, accuracy: 1e-9)

        let solution = try GLPKSolver.solve(example.model, options: options(cuts: [example.cut]))
        XCTAssertEqual(solution.termination, .optimal)
        XCTAssertEqual(try XCTUnwrap(solution.objectiveValue), 40, accuracy: 1e-9)
        XCTAssertEqual(solution.values, [2, 20, 5])
        // The cut made the root's relaxation integral: no branching.
        XCTAssertEqual(solution.nodes, 1)
        // One activity and one dual per row of the model, none for the cut; with N fixed at 2
        // the cut would read x ≤ 20 like the capacity row and could take its dual.
        XCTAssertEqual(solution.rowActivities.count, 2)
        let duals = try XCTUnwrap(solution.rowDuals)
        XCTAssertEqual(duals.count, 2)
        XCTAssertEqual(duals[example.demand.index], 2, accuracy: 1e-9)
        XCTAssertEqual(duals[example.capacity.index], -2, accuracy: 1e-9)
    }

    func testCutsThatGainTooLittleAreTakenOutAgain() throws {
        let example = Example()
        // 37.5 → 40 is a gain of 6.7%: asked for 10%, the cut is removed before branch-and-cut.
        let without = try GLPKSolver.solve(example.model, options: options(cuts: []))
        let removed = try GLPKSolver.solve(example.model, options: options(cuts: [example.cut], minimumGain: 0.1))
        let kept = try GLPKSolver.solve(example.model, options: options(cuts: [example.cut], minimumGain: 0.05))
        for solution in [without, removed, kept] {
            XCTAssertEqual(solution.termination, .optimal)
            XCTAssertEqual(try XCTUnwrap(solution.objectiveValue), 40, accuracy: 1e-9)
            XCTAssertEqual(try XCTUnwrap(solution.rowDuals)[example.capacity.index], -2, accuracy: 1e-9)
        }
        XCTAssertGreaterThan(without.nodes, 1)
        XCTAssertEqual(removed.nodes, without.nodes)
        XCTAssertEqual(kept.nodes, 1)
        // A cut the relaxation's point satisfies is never added.
        let slack = CutCandidate(variables: [example.served], coefficients: [1], upperBound: 100)
        let unused = try GLPKSolver.solve(example.model, options: options(cuts: [slack], minimumGain: 0))
        XCTAssertEqual(unused.nodes, without.nodes)
    }

    /// A re-solve with the cuts stopped by the simplex's limits (here no iteration left) leaves
    /// the relaxation as it was: the cut rows deleted and GLPK's status optimal again, as
    /// branch-and-cut needs, without a limit of its own for that.
    func testACutReSolveStoppedByTheLimitsLeavesTheRelaxationAsItWas() throws {
        let example = Example()
        try withGLPK { session in
            let problem = try session.createProblem()
            GLPKSolver.load(example.model, matrix: example.model.compiledMatrix(), into: problem)
            var parm = GLPKSolver.simplexParameters(SimplexOptions(), verbose: false, timeLimit: nil)
            var budget = GLPKSolver.SimplexBudget(seconds: nil, iterations: nil)
            XCTAssertEqual(GLPKSolver.solveRelaxation(problem, parm: &parm, presolve: false, budget: &budget), 0)
            XCTAssertEqual(guarded_glp_get_obj_val(problem), 37.5, accuracy: 1e-9)
            // What the relaxation used is all there was.
            var exhausted = GLPKSolver.SimplexBudget(seconds: nil, iterations: budget.iterationsUsed)
            exhausted.iterationsUsed = budget.iterationsUsed
            let cuts = try GLPKSolver.separateRootCuts(
                problem, model: example.model, options: options(cuts: [example.cut], minimumGain: 0), parm: parm,
                budget: &exhausted, session: session)
            XCTAssertNil(cuts)
            XCTAssertEqual(guarded_glp_get_num_rows(problem), 2)
            XCTAssertEqual(guarded_glp_get_status(problem), GLP_OPT)
            XCTAssertEqual(guarded_glp_get_obj_val(problem), 37.5, accuracy: 1e-9)
            // With iterations left, the same cut stays and the relaxation is the optimum.
            var fresh = GLPKSolver.SimplexBudget(seconds: nil, iterations: nil)
            let kept = try GLPKSolver.separateRootCuts(
                problem, model: example.model, options: options(cuts: [example.cut], minimumGain: 0), parm: parm,
                budget: &fresh, session: session)
            XCTAssertEqual(kept?.rowCount, 1)
            XCTAssertEqual(guarded_glp_get_num_rows(problem), 3)
            XCTAssertEqual(guarded_glp_get_obj_val(problem), 40, accuracy: 1e-9)
            session.delete(problem)
        }
    }
}
