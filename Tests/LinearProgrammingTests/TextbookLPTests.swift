import XCTest
@testable import LinearProgramming

/// Small LPs whose optima, duals and reduced costs are derived by hand in the comments.
final class TextbookLPTests: XCTestCase {
    /// min 2x + 3y  s.t.  c1: x + y ≥ 10,  c2: x − y ≤ 2,  x, y ≥ 0.
    /// Vertex (6, 4): z = 24. Duals solve [2, 3] = π1·[1, 1] + π2·[1, −1]: π1 = 2.5, π2 = −0.5.
    /// A third column w (cost 10, coefficient 1 in c1) stays at 0 with reduced cost 10 − 2.5 = 7.5.
    func testMinimizationWithDualsAndReducedCosts() throws {
        var model = LinearModel()
        let x = model.addVariable(name: "x", objective: 2)
        let y = model.addVariable(name: "y", objective: 3)
        let w = model.addVariable(name: "w", objective: 10)
        let c1 = model.addConstraint(name: "c1", terms: [(x, 1), (y, 1), (w, 1)], .greaterOrEqual(10))
        let c2 = model.addConstraint(name: "c2", terms: [(x, 1), (y, -1)], .lessOrEqual(2))
        let solution = try GLPKSolver.solve(model)
        XCTAssertEqual(solution.termination, .optimal)
        XCTAssertEqual(solution.primalStatus, .feasiblePoint)
        XCTAssertEqual(solution.dualStatus, .feasiblePoint)
        XCTAssertEqual(solution.objectiveValue!, 24, accuracy: 1e-9)
        XCTAssertEqual(solution[x], 6, accuracy: 1e-9)
        XCTAssertEqual(solution[y], 4, accuracy: 1e-9)
        XCTAssertEqual(solution[w], 0, accuracy: 1e-9)
        XCTAssertEqual(solution.dual(c1)!, 2.5, accuracy: 1e-9)
        XCTAssertEqual(solution.dual(c2)!, -0.5, accuracy: 1e-9)
        XCTAssertEqual(solution.reducedCost(x)!, 0, accuracy: 1e-9)
        XCTAssertEqual(solution.reducedCost(w)!, 7.5, accuracy: 1e-9)
        XCTAssertEqual(solution.activity(c1), 10, accuracy: 1e-9)
        XCTAssertEqual(solution.raw.routine, .simplex)
        XCTAssertEqual(solution.raw.statusName, "GLP_OPT")
        XCTAssertFalse(solution.isMIP)
    }

    /// The same LP maximized: max −2x − 3y gives z = −24; GLPK's dual is ∂z/∂b, so the signs flip.
    func testMaximizationDualSignConvention() throws {
        var model = LinearModel(direction: .maximize)
        let x = model.addVariable(name: "x", objective: -2)
        let y = model.addVariable(name: "y", objective: -3)
        let c1 = model.addConstraint(name: "c1", terms: [(x, 1), (y, 1)], .greaterOrEqual(10))
        let c2 = model.addConstraint(name: "c2", terms: [(x, 1), (y, -1)], .lessOrEqual(2))
        let solution = try GLPKSolver.solve(model)
        XCTAssertEqual(solution.objectiveValue!, -24, accuracy: 1e-9)
        XCTAssertEqual(solution.dual(c1)!, -2.5, accuracy: 1e-9)
        XCTAssertEqual(solution.dual(c2)!, 0.5, accuracy: 1e-9)
    }

    /// min x + y  s.t.  e: x + 2y = 4,  x ≥ 1.  y is cheaper per unit of e, so x = 1, y = 1.5, z = 2.5.
    /// Dual of e: 0.5 (y's cost per unit of row). Reduced cost of x at its bound: 1 − 0.5 = 0.5.
    /// The objective constant 7 is added to z.
    func testEqualityConstraintAndObjectiveConstant() throws {
        var model = LinearModel()
        model.objectiveConstant = 7
        let x = model.addVariable(name: "x", lowerBound: 1, objective: 1)
        let y = model.addVariable(name: "y", objective: 1)
        let e = model.addConstraint(name: "e", terms: [(x, 1), (y, 2)], .equal(4))
        let solution = try GLPKSolver.solve(model)
        XCTAssertEqual(solution.termination, .optimal)
        XCTAssertEqual(solution.objectiveValue!, 9.5, accuracy: 1e-9)
        XCTAssertEqual(solution[x], 1, accuracy: 1e-9)
        XCTAssertEqual(solution[y], 1.5, accuracy: 1e-9)
        XCTAssertEqual(solution.dual(e)!, 0.5, accuracy: 1e-9)
        XCTAssertEqual(solution.reducedCost(x)!, 0.5, accuracy: 1e-9)
    }

    /// max x  s.t.  r: 2 ≤ x + y ≤ 5,  y ≥ 1,  x ≤ 10.  x = 4 with r at its upper end (dual 1);
    /// min x gives x = 0, y ≥ 2, z = 0 with r at its lower end.
    func testRangedConstraint() throws {
        var model = LinearModel(direction: .maximize)
        let x = model.addVariable(name: "x", lowerBound: 0, upperBound: 10, objective: 1)
        let y = model.addVariable(name: "y", lowerBound: 1)
        let r = model.addConstraint(name: "r", terms: [(x, 1), (y, 1)], .range(2, 5))
        var solution = try GLPKSolver.solve(model)
        XCTAssertEqual(solution.objectiveValue!, 4, accuracy: 1e-9)
        XCTAssertEqual(solution[y], 1, accuracy: 1e-9)
        XCTAssertEqual(solution.dual(r)!, 1, accuracy: 1e-9)
        model.direction = .minimize
        solution = try GLPKSolver.solve(model)
        XCTAssertEqual(solution.objectiveValue!, 0, accuracy: 1e-9)
        XCTAssertGreaterThanOrEqual(solution.activity(r), 2 - 1e-9)
    }

    /// max 3x + 2y  s.t.  x + y ≤ 4, x + 3y ≤ 6, x ≤ 3: three constraints meet at (3, 1), a
    /// degenerate vertex. z = 11 whichever basis the solver ends on.
    func testDegenerateVertex() throws {
        var model = LinearModel(direction: .maximize)
        let x = model.addVariable(name: "x", objective: 3)
        let y = model.addVariable(name: "y", objective: 2)
        model.addConstraint(name: "a", terms: [(x, 1), (y, 1)], .lessOrEqual(4))
        model.addConstraint(name: "b", terms: [(x, 1), (y, 3)], .lessOrEqual(6))
        model.addConstraint(name: "c", terms: [(x, 1)], .lessOrEqual(3))
        for method in [SimplexOptions.Method.primal, .dual, .dualThenPrimal] {
            let solution = try GLPKSolver.solve(model, options: SolveOptions(simplex: SimplexOptions(method: method, ratioTest: .harris)))
            XCTAssertEqual(solution.termination, .optimal)
            XCTAssertEqual(solution.objectiveValue!, 11, accuracy: 1e-9)
            XCTAssertEqual(solution[x], 3, accuracy: 1e-9)
            XCTAssertEqual(solution[y], 1, accuracy: 1e-9)
        }
    }

    /// x + y ≤ 1 and x + y ≥ 2 cannot both hold.
    func testInfeasible() throws {
        var model = LinearModel()
        let x = model.addVariable(name: "x", objective: 1)
        let y = model.addVariable(name: "y", objective: 1)
        model.addConstraint(name: "low", terms: [(x, 1), (y, 1)], .lessOrEqual(1))
        model.addConstraint(name: "high", terms: [(x, 1), (y, 1)], .greaterOrEqual(2))
        for presolve in [false, true] {
            for method in [SimplexOptions.Method.primal, .dualThenPrimal] {
                let solution = try GLPKSolver.solve(model, options: SolveOptions(simplex: SimplexOptions(method: method, presolve: presolve)))
                XCTAssertEqual(solution.termination, .infeasible, "presolve \(presolve) \(method)")
                XCTAssertEqual(solution.primalStatus, .noSolution)
                XCTAssertNil(solution.objectiveValue)
                XCTAssertTrue(solution.values.isEmpty)
            }
        }
    }

    /// max x  s.t.  x − y ≤ 1: x grows with y.
    func testUnbounded() throws {
        var model = LinearModel(direction: .maximize)
        let x = model.addVariable(name: "x", objective: 1)
        let y = model.addVariable(name: "y")
        model.addConstraint(name: "c", terms: [(x, 1), (y, -1)], .lessOrEqual(1))
        for presolve in [false, true] {
            let solution = try GLPKSolver.solve(model, options: SolveOptions(simplex: SimplexOptions(method: .primal, presolve: presolve)))
            XCTAssertEqual(solution.termination, .unbounded, "presolve \(presolve)")
            XCTAssertEqual(solution.primalStatus, .feasiblePoint)
            XCTAssertEqual(solution.dualStatus, .noSolution)
            XCTAssertNil(solution.rowDuals)
        }
    }

    /// A lower bound above the upper bound is not an error to GLPK: the solver returns GLP_EBOUND.
    func testInconsistentBoundsAreAnInvalidModel() throws {
        var model = LinearModel()
        let x = model.addVariable(name: "x", lowerBound: 2, upperBound: 1, objective: 1)
        model.addConstraint(name: "c", terms: [(x, 1)], .lessOrEqual(5))
        let solution = try GLPKSolver.solve(model)
        XCTAssertEqual(solution.termination, .invalidModel)
        XCTAssertEqual(solution.raw.returnCodeName, "GLP_EBOUND")
        XCTAssertEqual(solution.primalStatus, .noSolution)
    }

    /// Free and upper-bounded variables: min x − y with x free ≥ via c, y ≤ 3.
    /// c: x ≥ −2 as a row on a free x gives x = −2, y = 3, z = −5.
    func testFreeAndUpperBoundedVariables() throws {
        var model = LinearModel()
        let x = model.addVariable(name: "x", lowerBound: nil, objective: 1)
        let y = model.addVariable(name: "y", lowerBound: nil, upperBound: 3, objective: -1)
        model.addConstraint(name: "c", terms: [(x, 1)], .greaterOrEqual(-2))
        let fixed = model.addVariable(name: "f", lowerBound: 4, upperBound: 4, objective: 1)
        let solution = try GLPKSolver.solve(model)
        XCTAssertEqual(solution.objectiveValue!, -1, accuracy: 1e-9)
        XCTAssertEqual(solution[x], -2, accuracy: 1e-9)
        XCTAssertEqual(solution[y], 3, accuracy: 1e-9)
        XCTAssertEqual(solution[fixed], 4, accuracy: 1e-9)
    }

    /// Entries for the same row and column are summed; zeros are dropped.
    func testDuplicateEntriesAreSummed() throws {
        var model = LinearModel()
        let x = model.addVariable(name: "x", objective: 1)
        let c = model.addConstraint(name: "c", terms: [(x, 1), (x, 1)], .greaterOrEqual(4))
        model.addTerm(c, x, 2)
        let y = model.addVariable(name: "y", objective: 1)
        model.addTerm(c, y, 0)
        let matrix = model.compiledMatrix()
        XCTAssertEqual(matrix.count, 1)
        let solution = try GLPKSolver.solve(model)
        XCTAssertEqual(solution[x], 1, accuracy: 1e-9)  // 4x ≥ 4
    }

    func testEmptyModel() throws {
        var model = LinearModel()
        model.objectiveConstant = 3
        let solution = try GLPKSolver.solve(model)
        XCTAssertEqual(solution.termination, .optimal)
        XCTAssertEqual(solution.objectiveValue!, 3, accuracy: 1e-12)
    }
}
