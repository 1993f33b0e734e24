import XCTest
@testable import LinearProgramming

/// max x + y  s.t.  −x + y ≤ 1, 3x + 2y ≤ 12, 2x + 3y ≤ 12, x, y integer ≥ 0.
/// Relaxation optimum (2.4, 2.4), z = 4.8; integer optimum z = 4 (e.g. (3, 1) or (4, 0)).
func twoVariableMIP() -> LinearModel {
    var model = LinearModel(direction: .maximize)
    let x = model.addVariable(name: "x", kind: .integer, objective: 1)
    let y = model.addVariable(name: "y", kind: .integer, objective: 1)
    model.addConstraint(name: "a", terms: [(x, -1), (y, 1)], .lessOrEqual(1))
    model.addConstraint(name: "b", terms: [(x, 3), (y, 2)], .lessOrEqual(12))
    model.addConstraint(name: "c", terms: [(x, 2), (y, 3)], .lessOrEqual(12))
    return model
}

final class MIPTests: XCTestCase {
    func makeTwoVariableMIP() -> LinearModel {
        twoVariableMIP()
    }

    func testIntegerOptimumAndRelaxation() throws {
        let model = makeTwoVariableMIP()
        let mip = try GLPKSolver.solve(model)
        XCTAssertTrue(mip.isMIP)
        XCTAssertEqual(mip.termination, .optimal)
        XCTAssertEqual(mip.objectiveValue!, 4, accuracy: 1e-9)
        XCTAssertEqual(mip.relativeGap!, 0, accuracy: 1e-9)
        for value in mip.values { XCTAssertEqual(value, value.rounded(), accuracy: 1e-9) }
        XCTAssertNil(mip.rowDuals)
        XCTAssertEqual(mip.raw.routine, .intopt)

        var options = SolveOptions()
        options.relaxIntegrality = true
        let lp = try GLPKSolver.solve(model, options: options)
        XCTAssertFalse(lp.isMIP)
        XCTAssertEqual(lp.objectiveValue!, 4.8, accuracy: 1e-9)
        XCTAssertEqual(try GLPKSolver.solve(model.relaxed()).objectiveValue!, 4.8, accuracy: 1e-9)
    }

    /// A point found outside branch-and-cut (the LP with x, y fixed at (3, 0)) stated as the
    /// MIP's result: its objective, the given bound, their gap, the fixed LP's duals.
    func testIncumbentFromAFixedLPStatedAsTheMIPResult() throws {
        var fixed = makeTwoVariableMIP().relaxed()
        for variable in fixed.variables { fixed.setBounds(variable, lower: variable.index == 0 ? 3 : 0, upper: variable.index == 0 ? 3 : 0) }
        let lp = try GLPKSolver.solve(fixed)
        let incumbent = lp.asMIPIncumbent(termination: .timeLimit, bound: 4.8, seconds: 1)
        XCTAssertTrue(incumbent.isMIP)
        XCTAssertEqual(incumbent.termination, .timeLimit)
        XCTAssertEqual(incumbent.objectiveValue!, 3, accuracy: 1e-9)
        XCTAssertEqual(incumbent.objectiveBound!, 4.8, accuracy: 1e-12)
        XCTAssertEqual(incumbent.relativeGap!, 1.8 / 3, accuracy: 1e-12)
        XCTAssertEqual(incumbent.values, lp.values)
        XCTAssertTrue(incumbent.dualsFromFixedIntegers)
    }

    func testEveryCutAndBranchingChoiceFindsTheSameOptimum() throws {
        let model = makeTwoVariableMIP()
        for cuts in [CutSet(), .all, [.gomory], [.mixedIntegerRounding], [.cover], [.clique]] {
            for branching in [MIPOptions.Branching.firstFractional, .lastFractional, .mostFractional, .driebeckTomlin, .pseudocost] {
                for presolve in [false, true] {
                    var options = SolveOptions()
                    options.mip = MIPOptions(presolve: presolve, cuts: cuts, branching: branching, backtracking: .depthFirst)
                    let solution = try GLPKSolver.solve(model, options: options)
                    XCTAssertEqual(solution.objectiveValue!, 4, accuracy: 1e-9)
                }
            }
        }
    }

    /// min 100b + 15y  s.t.  d: 10b + y ≥ 25, b integer. Two units and 5 on y: 200 + 75 = 275
    /// (three units cost 300). With b fixed at 2, the demand row's dual is 15: one more unit of
    /// demand is served by y.
    func testFixedIntegerDuals() throws {
        var model = LinearModel()
        let b = model.addVariable(name: "b", kind: .integer, objective: 100)
        let y = model.addVariable(name: "y", objective: 15)
        let d = model.addConstraint(name: "d", terms: [(b, 10), (y, 1)], .greaterOrEqual(25))
        var options = SolveOptions()
        options.mip.computeFixedDuals = true
        let solution = try GLPKSolver.solve(model, options: options)
        XCTAssertEqual(solution.objectiveValue!, 275, accuracy: 1e-9)
        XCTAssertEqual(solution[b], 2, accuracy: 1e-9)
        XCTAssertEqual(solution[y], 5, accuracy: 1e-9)
        XCTAssertTrue(solution.dualsFromFixedIntegers)
        XCTAssertEqual(solution.dual(d)!, 15, accuracy: 1e-9)
        XCTAssertEqual(solution.reducedCost(y)!, 0, accuracy: 1e-9)
        XCTAssertEqual(solution.dualStatus, .feasiblePoint)
    }

    /// 2x = 1 has no integer point although the relaxation (x = 0.5) is feasible.
    func testIntegerInfeasible() throws {
        var model = LinearModel()
        let x = model.addVariable(name: "x", kind: .integer, objective: 1)
        model.addConstraint(name: "c", terms: [(x, 2)], .equal(1))
        let solution = try GLPKSolver.solve(model)
        XCTAssertEqual(solution.termination, .infeasible)
        XCTAssertEqual(solution.primalStatus, .noSolution)
    }

    /// Fractional bounds on an integer variable are rounded inward (GLPK refuses them):
    /// 0.5 ≤ x ≤ 3.7 keeps x ∈ {1, 2, 3}.
    func testFractionalIntegerBoundsAreRoundedInward() throws {
        var model = LinearModel(direction: .maximize)
        let x = model.addVariable(name: "x", lowerBound: 0.5, upperBound: 3.7, kind: .integer, objective: 1)
        model.addConstraint(name: "c", terms: [(x, 1)], .lessOrEqual(10))
        XCTAssertEqual(try GLPKSolver.solve(model)[x], 3, accuracy: 1e-9)
        model.direction = .minimize
        XCTAssertEqual(try GLPKSolver.solve(model)[x], 1, accuracy: 1e-9)
    }

    func testUnboundedRelaxationIsInfeasibleOrUnbounded() throws {
        var model = LinearModel(direction: .maximize)
        let x = model.addVariable(name: "x", kind: .integer, objective: 1)
        let y = model.addVariable(name: "y")
        model.addConstraint(name: "c", terms: [(x, 1), (y, -1)], .lessOrEqual(1))
        let solution = try GLPKSolver.solve(model)
        XCTAssertEqual(solution.termination, .infeasibleOrUnbounded)
    }

    /// Kreher and Stinson's 0-1 knapsack P01 (10 items, capacity 165; optimum 309 with items
    /// 0, 1, 2, 3 and 5): its relaxation is fractional, so it needs branching.
    static func knapsackP01() -> (model: LinearModel, items: [Variable]) {
        var model = LinearModel(direction: .maximize)
        let weights: [Double] = [23, 31, 29, 44, 53, 38, 63, 85, 89, 82]
        let values: [Double] = [92, 57, 49, 68, 60, 43, 67, 84, 87, 72]
        let items = zip(weights, values).enumerated().map { k, wv in
            model.addVariable(name: "item\(k)", kind: .binary, objective: wv.1)
        }
        model.addConstraint(name: "capacity", variables: items, coefficients: weights, .lessOrEqual(165))
        return (model, items)
    }

    /// A 0-1 knapsack that needs branching: progress is reported with each new incumbent, and a
    /// starting solution is accepted.
    func testProgressAndStartingSolution() throws {
        let (model, items) = Self.knapsackP01()
        final class Recorder: @unchecked Sendable {
            var reports: [MIPProgress] = []
        }
        let recorder = Recorder()
        var options = SolveOptions()
        options.mip.cuts = []
        options.mip.progress = { recorder.reports.append($0) }
        let solution = try GLPKSolver.solve(model, options: options)
        // The classic instance (Kreher and Stinson's P01): optimum 309.
        XCTAssertEqual(solution.objectiveValue!, 309, accuracy: 1e-9)
        XCTAssertFalse(recorder.reports.isEmpty)
        XCTAssertNotNil(recorder.reports.last?.incumbent)

        options.mip.progress = nil
        var start = [Double](repeating: 0, count: items.count)
        start[0] = 1  // weight 23, value 92: feasible
        options.mip.startingSolution = start
        let started = try GLPKSolver.solve(model, options: options)
        XCTAssertEqual(started.objectiveValue!, 309, accuracy: 1e-9)
    }

    /// A starting point whose integer columns are whole only to round-off (as a simplex that
    /// completed it leaves them) is still taken: GLPK itself rejects any x ≠ floor(x). With a
    /// node limit of 2 (the root, then its first child's selection) the root's relaxation is
    /// fractional and branch-and-cut stops at its first branching, so the point it returns is
    /// the start.
    func testStartingSolutionWholeToRoundOffIsAccepted() throws {
        let model = Self.knapsackP01().model
        var options = SolveOptions()
        options.mip.cuts = []
        options.mip.nodeLimit = 2
        // P01's optimum {0, 1, 2, 3, 5} (value 309), as a simplex might give it back.
        options.mip.startingSolution = [1, 1 - 3e-10, 1, 1 + 2e-12, 1e-11, 1, 0, 0, 4e-10, 0]
        let solution = try GLPKSolver.solve(model, options: options)
        XCTAssertTrue(solution.hasPrimalPoint)
        XCTAssertEqual(solution.objectiveValue ?? 0, 309, accuracy: 1e-9)
        XCTAssertEqual(solution.values, [1, 1, 1, 1, 0, 1, 0, 0, 0, 0])
    }

    /// The rounding heuristic's proposal is completed by an LP and offered as an incumbent;
    /// feasible or not, the optimum is the same. min 100b + 15y, 10b + y ≥ 25: b = 2.5 in the
    /// relaxation, rounded up to 3 (cost 300, a feasible incumbent), optimum 275.
    func testRoundingHeuristic() throws {
        var model = LinearModel()
        let b = model.addVariable(name: "b", kind: .integer, objective: 100)
        let y = model.addVariable(name: "y", objective: 15)
        model.addConstraint(name: "d", terms: [(b, 10), (y, 1)], .greaterOrEqual(25))
        model.addConstraint(name: "cap", terms: [(b, 1)], .lessOrEqual(2.9))
        final class Seen: @unchecked Sendable { var relaxation: [Double] = [] }
        let seen = Seen()
        var options = SolveOptions()
        options.mip.cuts = []
        options.mip.roundingHeuristic = { relaxation in
            seen.relaxation = relaxation
            return relaxation.map { ($0 - 1e-6).rounded(.up) }
        }
        // b ≤ 2.9 makes the rounded-up proposal (b = 3) infeasible: the solve goes on without it.
        var solution = try GLPKSolver.solve(model, options: options)
        XCTAssertEqual(solution.objectiveValue!, 275, accuracy: 1e-9)
        XCTAssertEqual(seen.relaxation.count, 2)
        XCTAssertEqual(seen.relaxation[0], 2.5, accuracy: 1e-9)
        model.setBound(Constraint(index: 1), .lessOrEqual(10))
        solution = try GLPKSolver.solve(model, options: options)
        XCTAssertEqual(solution.objectiveValue!, 275, accuracy: 1e-9)
        XCTAssertEqual(solution[b], 2, accuracy: 1e-9)
    }

    /// `model` solved in full (optimal, with more than `branching` nodes) and with `options`,
    /// which stop it early (GLP_ESTOP from the callback) with `termination`.
    func stoppedEarly(
        _ model: LinearModel, branching: Int, options: SolveOptions, as termination: TerminationReason
    ) throws -> (full: Solution, stopped: Solution) {
        let full = try GLPKSolver.solve(model)
        XCTAssertEqual(full.termination, .optimal)
        XCTAssertGreaterThan(full.nodes, branching, "the test needs a model that branches")
        let stopped = try GLPKSolver.solve(model, options: options)
        XCTAssertEqual(stopped.termination, termination)
        XCTAssertEqual(stopped.raw.returnCodeName, "GLP_ESTOP")
        XCTAssertLessThan(stopped.nodes, full.nodes)
        return (full, stopped)
    }

    /// The node limit stops branch-and-cut at a count of nodes, whatever the machine's speed:
    /// termination `nodeLimit`, the best point so far (if any) and its gap by the one formula.
    func testNodeLimitStopsBranchAndCut() throws {
        let model = GuardAndThreadTests.knapsack(items: 40, seed: 7)
        var options = SolveOptions()
        options.mip.nodeLimit = 5
        let (full, limited) = try stoppedEarly(model, branching: 20, options: options, as: .nodeLimit)
        if let objective = limited.objectiveValue {
            XCTAssertLessThanOrEqual(objective, full.objectiveValue! + 1e-9)
            XCTAssertEqual(limited.relativeGap!, Solution.relativeGap(objective: objective, bound: limited.objectiveBound!))
        }
        XCTAssertEqual(full.relativeGap!, Solution.relativeGap(objective: full.objectiveValue!, bound: full.objectiveBound!))
    }

    /// An objective target turns branch-and-cut into the question "is there a point better
    /// than this?": it stops at the first incumbent better than the target (here maximizing:
    /// above it), with termination `objectiveTarget` and that point; a target no point
    /// reaches leaves the solve as it was, optimal.
    func testObjectiveTargetStopsAtTheFirstBetterIncumbent() throws {
        let model = GuardAndThreadTests.knapsack(items: 40, seed: 7)
        let full = try GLPKSolver.solve(model)
        XCTAssertEqual(full.termination, .optimal)
        let optimum = try XCTUnwrap(full.objectiveValue)
        XCTAssertGreaterThan(full.nodes, 20, "the test needs a model that branches")

        // Unreachable: the optimum itself is the target (nothing is strictly better).
        var options = SolveOptions()
        options.mip.objectiveTarget = optimum
        let unreachable = try GLPKSolver.solve(model, options: options)
        XCTAssertEqual(unreachable.termination, .optimal)
        XCTAssertEqual(unreachable.objectiveValue!, optimum, accuracy: 1e-9)

        // Reachable: 90% of the optimum. The point found is feasible and beats the target.
        options.mip.objectiveTarget = 0.9 * optimum
        let reached = try GLPKSolver.solve(model, options: options)
        XCTAssertEqual(reached.termination, .objectiveTarget)
        XCTAssertEqual(reached.raw.returnCodeName, "GLP_ESTOP")
        XCTAssertEqual(reached.primalStatus, .feasiblePoint)
        let value = try XCTUnwrap(reached.objectiveValue)
        XCTAssertGreaterThan(value, 0.9 * optimum)
        XCTAssertLessThanOrEqual(value, optimum + 1e-9)
        XCTAssertLessThan(reached.nodes, full.nodes)
        for value in reached.values { XCTAssertEqual(value, value.rounded(), accuracy: 1e-9) }
        for (i, activity) in reached.rowActivities.enumerated() {
            XCTAssertLessThanOrEqual(activity, model.constraintUpper[i]! + 1e-9)
        }

        // A starting point that already beats the target (offered after the root's LP and
        // accepted without GLPK's "better incumbent" callback) stops the search at the next
        // node selection: the root and its two children exist by then.
        options.mip.objectiveTarget = optimum - 1
        options.mip.startingSolution = full.values
        let started = try GLPKSolver.solve(model, options: options)
        XCTAssertEqual(started.termination, .objectiveTarget)
        XCTAssertEqual(started.objectiveValue!, optimum, accuracy: 1e-9)
        XCTAssertLessThanOrEqual(started.nodes, 3)
    }

    /// `incumbentTimeLimit`: a search with no incumbent at its first node selection after the
    /// deadline stops there (termination timeLimit, no point); one with an incumbent goes on.
    /// A deadline of 0 is past at every selection, so no clock is involved: 6a + 10b + 15c = 31
    /// has a fractional relaxation that GLPK's rounding cannot repair, and only a starting
    /// point (offered after the root's LP, before the first selection) gives an incumbent.
    func testIncumbentTimeLimitStopsOnlyASearchWithoutAnIncumbent() throws {
        var model = LinearModel()
        let columns = [(6.0, 7.0), (10, 11), (15, 17)].map { model.addVariable(lowerBound: 0, upperBound: 10, kind: .integer, objective: $0.1) }
        model.addConstraint(terms: zip(columns, [6.0, 10, 15]).map { ($0, $1) }, .equal(31))
        var options = SolveOptions()
        options.mip.incumbentTimeLimit = 0
        let (full, stopped) = try stoppedEarly(model, branching: 1, options: options, as: .timeLimit)
        XCTAssertEqual(try XCTUnwrap(full.objectiveValue), 7 + 11 + 17, accuracy: 1e-9)
        XCTAssertFalse(stopped.hasPrimalPoint)

        options.mip.startingSolution = full.values
        let started = try GLPKSolver.solve(model, options: options)
        XCTAssertEqual(started.termination, .optimal)
        XCTAssertEqual(try XCTUnwrap(started.objectiveValue), 7 + 11 + 17, accuracy: 1e-9)
    }

    /// A token cancelled from the progress closure (as a signal handler would, from anywhere)
    /// stops branch-and-cut at its next callback; one cancelled before the solve stops it
    /// before the simplex.
    func testCancellationStopsTheSolve() throws {
        let model = GuardAndThreadTests.knapsack(items: 40, seed: 7)
        let token = SolveCancellation()
        var options = SolveOptions()
        options.mip.cancellation = token
        options.mip.progress = { _ in token.cancel() }
        let stopped = try GLPKSolver.solve(model, options: options)
        XCTAssertTrue(token.isCancelled)
        XCTAssertEqual(stopped.termination, .cancelled)
        XCTAssertLessThan(stopped.nodes, try GLPKSolver.solve(model).nodes)

        options.mip.progress = nil
        let before = try GLPKSolver.solve(model, options: options)
        XCTAssertEqual(before.termination, .cancelled)
        XCTAssertEqual(before.primalStatus, .noSolution)
        XCTAssertEqual(before.simplexIterations, 0)
        // A fresh token does not stop anything.
        options.mip.cancellation = SolveCancellation()
        XCTAssertEqual(try GLPKSolver.solve(model, options: options).termination, .optimal)
    }

    /// Every branch-and-cut setting a corpus measurement may choose reaches the same optimum.
    func testEveryBranchAndCutSettingReachesTheSameOptimum() throws {
        let model = GuardAndThreadTests.knapsack(items: 16, seed: 11)
        var exact = SolveOptions()
        exact.mip.relativeGap = 0
        let reference = try XCTUnwrap(GLPKSolver.solve(model, options: exact).objectiveValue)
        var settings: [MIPOptions] = []
        for cuts in [CutSet.gomory, .mixedIntegerRounding, .cover, .clique, .all] { settings.append(MIPOptions(cuts: cuts)) }
        for backtracking in [MIPOptions.Backtracking.depthFirst, .breadthFirst, .bestLocalBound, .bestProjection] {
            settings.append(MIPOptions(backtracking: backtracking))
        }
        for branching in [MIPOptions.Branching.firstFractional, .lastFractional, .mostFractional, .driebeckTomlin, .pseudocost] {
            settings.append(MIPOptions(branching: branching))
            settings.append(MIPOptions(cuts: .all, branching: branching, backtracking: .bestProjection))
        }
        settings.append(MIPOptions(presolve: true))
        settings.append(MIPOptions(feasibilityPump: true))
        settings.append(MIPOptions(proximitySearch: true, proximitySearchTimeLimit: 1))
        for setting in settings {
            var options = SolveOptions()
            options.mip = setting
            options.mip.relativeGap = 0
            let solution = try GLPKSolver.solve(model, options: options)
            XCTAssertEqual(solution.termination, .optimal)
            XCTAssertEqual(solution.objectiveValue!, reference, accuracy: 1e-9 * reference)
        }
    }
}
