// ParametricLP (Sources/LinearProgramming/ParametricLP.swift): members of a family solved warm
// on one GLPK problem have the optimal values of the same members solved cold, with fewer
// simplex iterations, and the first solve is the cold solve itself.

import XCTest
@testable import LinearProgramming

final class ParametricLPTests: XCTestCase {
    /// A transportation problem: 8 plants with capacities, 10 markets with demands, and a
    /// budget row on plant 0's shipments. The family moves plant 0's costs (objective) and its
    /// budget coefficients (matrix entries), as a price does.
    func transportation(kind: VariableKind = .continuous) throws -> ParametricLP {
        let plants = 8, markets = 10
        var model = LinearModel()
        var ship: [[Variable]] = []
        for p in 0..<plants {
            ship.append((0..<markets).map { m in
                model.addVariable(name: "x_\(p)_\(m)", kind: kind, objective: Double(3 + (p * 7 + m * 5) % 11))
            })
        }
        for p in 0..<plants {
            model.addConstraint(name: "cap_\(p)", terms: ship[p].map { ($0, 1.0) }, .lessOrEqual(Double(30 + (p * 13) % 17)))
        }
        for m in 0..<markets {
            model.addConstraint(name: "dem_\(m)", terms: (0..<plants).map { (ship[$0][m], 1.0) }, .greaterOrEqual(Double(12 + (m * 7) % 9)))
        }
        let budget = model.addConstraint(name: "budget", terms: ship[0].map { ($0, 2.0) }, .lessOrEqual(60))
        var objectiveDelta = [Double](repeating: 0, count: model.variableCount)
        for v in ship[0] { objectiveDelta[v.index] = model.objectiveCoefficient(of: v) }
        let entries = ship[0].map { ParametricLP.EntryDelta(row: budget.index, column: $0.index, delta: 2) }
        return try ParametricLP(base: model, objectiveDelta: objectiveDelta, entryDeltas: entries)
    }

    /// t = f − 1 for price factors f of a bisection towards the break-even of plant 0.
    let steps: [Double] = [0, -0.999, -0.5, -0.75, -0.6, 99, 1, 0.3, -0.2, 0.05, -0.1]

    func testWarmSolvesHaveTheColdOptimaWithFewerIterations() throws {
        let family = try transportation()
        var coldIterations = 0, warmIterations = 0
        var cold: [Solution] = []
        for t in steps {
            let solution = try GLPKSolver.solve(family.model(at: t))
            cold.append(solution)
            coldIterations += solution.simplexIterations
        }
        let warm = try family.withSolver { solver in
            let solutions = try steps.map { try solver.solve(at: $0) }
            XCTAssertEqual(solver.coldSolves, 1, "only the first solve starts from scratch")
            XCTAssertEqual(solver.warmSolves, steps.count - 1)
            return solutions
        }
        for (k, t) in steps.enumerated() {
            XCTAssertEqual(warm[k].termination, cold[k].termination, "t = \(t)")
            let objective = try XCTUnwrap(cold[k].objectiveValue)
            XCTAssertEqual(try XCTUnwrap(warm[k].objectiveValue), objective, accuracy: 1e-9 * max(1, abs(objective)), "t = \(t)")
            warmIterations += warm[k].simplexIterations
        }
        // The first solve is the cold one, point for point.
        XCTAssertEqual(warm[0].values, cold[0].values)
        XCTAssertEqual(warm[0].simplexIterations, cold[0].simplexIterations)
        XCTAssertLessThan(warmIterations, coldIterations, "warm \(warmIterations), cold \(coldIterations)")
    }

    /// A member made infeasible by its matrix entries (the budget row's coefficient grown too
    /// high for the demand x must still carry) is stated as the cold solve states it, and the
    /// solves after it are optimal again.
    func testInfeasibleMemberThenOptimalAgain() throws {
        var base = LinearModel()
        let x = base.addVariable(name: "x", objective: 1)
        let y = base.addVariable(name: "y", upperBound: 4, objective: 3)
        base.addConstraint(name: "demand", terms: [(x, 1), (y, 1)], .greaterOrEqual(10))
        let budget = base.addConstraint(name: "budget", terms: [(x, 1)], .lessOrEqual(8))
        // At t the budget row reads (1 + t) x <= 8: infeasible from t = 1/3 on (x >= 6).
        let family = try ParametricLP(base: base, objectiveDelta: [1, 0], entryDeltas: [.init(row: budget.index, column: x.index, delta: 1)])
        let ts = [0.0, 0.5, 0.2, 2, 0.1]
        let cold = try ts.map { try GLPKSolver.solve(family.model(at: $0)) }
        let warm = try family.withSolver { solver in try ts.map { try solver.solve(at: $0) } }
        for (k, t) in ts.enumerated() {
            XCTAssertEqual(warm[k].termination, cold[k].termination, "t = \(t)")
            XCTAssertEqual(warm[k].objectiveValue ?? -1, cold[k].objectiveValue ?? -1, accuracy: 1e-9, "t = \(t)")
        }
        XCTAssertEqual(cold.map(\.termination), [.optimal, .infeasible, .optimal, .infeasible, .optimal])
    }

    func testMIPFamilyHasTheColdOptima() throws {
        let family = try transportation(kind: .integer)
        let ts: [Double] = [0, -0.5, 1, -0.25, 0.4]
        let warm = try family.withSolver { solver in try ts.map { try solver.solve(at: $0) } }
        for (k, t) in ts.enumerated() {
            var options = SolveOptions()
            options.mip.relativeGap = 0
            let cold = try GLPKSolver.solve(family.model(at: t), options: options)
            XCTAssertTrue(warm[k].isMIP)
            XCTAssertEqual(warm[k].termination, .optimal)
            XCTAssertEqual(try XCTUnwrap(warm[k].objectiveValue), try XCTUnwrap(cold.objectiveValue), accuracy: 1e-4 * abs(cold.objectiveValue!), "t = \(t)")
            for value in warm[k].values { XCTAssertEqual(value, value.rounded(), accuracy: 1e-6) }
        }
    }

    /// A member solved with an objective target answers "is there a point cheaper than the
    /// target?" as its cold optimum does: below a target above the optimum it stops at a
    /// point under the target, and with a target under the optimum it ends optimal at it.
    func testMIPFamilyWithTargetsDecidesAsTheColdOptima() throws {
        let family = try transportation(kind: .integer)
        let ts: [Double] = [0, -0.5, 1, -0.25, 0.4]
        var options = SolveOptions()
        options.mip.relativeGap = 0
        let optima = try ts.map { try XCTUnwrap(try GLPKSolver.solve(family.model(at: $0), options: options).objectiveValue) }
        try family.withSolver(options: options) { solver in
            for (k, t) in ts.enumerated() {
                let above = try solver.solve(at: t, objectiveTarget: optima[k] + 1)
                XCTAssertTrue([.objectiveTarget, .optimal].contains(above.termination), "t = \(t)")
                XCTAssertLessThan(try XCTUnwrap(above.objectiveValue), optima[k] + 1, "t = \(t)")
                let below = try solver.solve(at: t, objectiveTarget: optima[k] - 1)
                XCTAssertEqual(below.termination, .optimal, "t = \(t)")
                XCTAssertEqual(try XCTUnwrap(below.objectiveValue), optima[k], accuracy: 1e-9, "t = \(t)")
            }
        }
    }

    /// A rounding heuristic runs at every warm MIP solve, even with a known point to start
    /// from: a proposal that is the member's optimum ends a solve with an objective target at
    /// once (no branching), and proposals never change an optimum, even bad ones.
    func testRoundingHeuristicStartsEveryWarmMIPSolve() throws {
        let family = try transportation(kind: .integer)
        var options = SolveOptions()
        options.mip.relativeGap = 0
        let proposal = Proposal()
        options.mip.roundingHeuristic = { _ in proposal.get() }
        let first = try GLPKSolver.solve(family.base, options: options)
        // Members whose optimum the first one is not: only the proposal can meet their target.
        var members: [(t: Double, optimum: Solution)] = []
        for t in [-0.9, -0.5, -0.25, 0.5, 1, 3] {
            let optimum = try GLPKSolver.solve(family.model(at: t), options: options)
            var known = 0.0
            for j in first.values.indices { known += family.objective(j, at: t) * first.values[j] }
            if known > optimum.objectiveValue! * (1 + 1e-6) { members.append((t, optimum)) }
        }
        XCTAssertGreaterThanOrEqual(members.count, 2)
        try family.withSolver(options: options) { solver in
            proposal.set(first.values)
            _ = try solver.solve(at: 0)
            let coldCalls = proposal.calls
            for (k, member) in members.enumerated() {
                let optimum = try XCTUnwrap(member.optimum.objectiveValue)
                proposal.set(member.optimum.values)
                let solution = try solver.solve(at: member.t, objectiveTarget: optimum + 1e-6 * abs(optimum))
                XCTAssertEqual(proposal.calls, coldCalls + k + 1, "t = \(member.t)")
                XCTAssertEqual(solution.termination, .objectiveTarget, "t = \(member.t)")
                XCTAssertEqual(try XCTUnwrap(solution.objectiveValue), optimum, accuracy: 1e-9 * abs(optimum), "t = \(member.t)")
                XCTAssertLessThanOrEqual(solution.nodes, 1, "t = \(member.t)")
                // The row activities are the proposal's at t (the threshold search reads them).
                let model = family.model(at: member.t)
                var activities = [Double](repeating: 0, count: model.constraintCount)
                for k in model.entryValues.indices {
                    activities[Int(model.entryRows[k])] += model.entryValues[k] * solution.values[Int(model.entryColumns[k])]
                }
                for i in activities.indices { XCTAssertEqual(solution.rowActivities[i], activities[i], accuracy: 1e-9, "t = \(member.t), row \(i)") }
            }
            // A proposal that breaks a row (every shipment at 100) completes to nothing; the
            // solve proves the same optimum without it.
            proposal.set([Double](repeating: 100, count: family.base.variableCount))
            let solution = try solver.solve(at: members[0].t)
            XCTAssertEqual(solution.termination, .optimal)
            XCTAssertEqual(try XCTUnwrap(solution.objectiveValue), try XCTUnwrap(members[0].optimum.objectiveValue), accuracy: 1e-9)
        }
    }

    /// The heuristic's proposal, and how many times it was asked for.
    final class Proposal: @unchecked Sendable {
        private let lock = NSLock()
        private var point: [Double] = []
        private var count = 0
        var calls: Int { lock.withLock { count } }
        func get() -> [Double]? { lock.withLock { count += 1; return point } }
        func set(_ point: [Double]) { lock.withLock { self.point = point } }
    }

    func testTheBodyCannotOpenAnotherGLPKSession() throws {
        let family = try transportation()
        try family.withSolver { solver in
            _ = try solver.solve(at: 0)
            XCTAssertThrowsError(try GLPKSolver.solve(family.model(at: 1))) { error in
                XCTAssertEqual(error as? LinearProgrammingError, .nestedGLPKCall)
            }
        }
    }

    func testDeltasAreChecked() throws {
        let family = try transportation()
        XCTAssertThrowsError(try ParametricLP(base: family.base, objectiveDelta: [1], entryDeltas: []))
        XCTAssertThrowsError(try ParametricLP(
            base: family.base, objectiveDelta: family.objectiveDelta, entryDeltas: [.init(row: family.base.constraintCount, column: 0, delta: 1)]))
    }
}
