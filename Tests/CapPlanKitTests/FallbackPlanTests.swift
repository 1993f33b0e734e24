import XCTest
import LinearProgramming
@testable import CapPlanKit

/// The fallback plan (FallbackPlan): a whole-unit plan with its bound and gap when the main
/// solve stops before an incumbent, and the per-block completion it is built from.
final class FallbackPlanTests: XCTestCase {
    /// Generated scenarios with whole replicas (section 8's features, `capplan bench --features`).
    static func featured(_ size: ScenarioSize, _ seed: UInt64, _ features: Set<ProcurementBenchmark.Feature> = Set(ProcurementBenchmark.Feature.allCases)) -> Scenario {
        ProcurementBenchmark.withFeatures(ScenarioGenerator(size: size, seed: seed, procurementFeatures: false).scenario(), features).withIntegerUnits(true)
    }

    /// With the fleet fixed, no row links two periods or two slices: the blocks are at least
    /// one per period and slice, and solving them one by one gives the optimum of the whole
    /// MIP with the same columns fixed (both to a gap of 1e-9).
    func testBlockCompletionMatchesTheWholeMIPWithTheFleetFixed() throws {
        var options = PlanOptions()
        options.mipGap = 1e-9
        var compared = 0
        for (size, seed) in [(ScenarioSize.tiny, UInt64(1)), (.tiny, 2), (.tiny, 3), (.tiny, 4), (.small, 1), (.small, 3)] {
            let model = CapacityModelBuilder.buildModel(Self.featured(size, seed), options: CapacityModelOptions(names: false))
            guard !model.index.replicaPairs.isEmpty else { continue }
            let deadline = Deadline(seconds: 60)
            let relaxation = try XCTUnwrap(try FallbackPlan.relaxation(model, options: options, deadline: deadline), "\(size) seed \(seed)")
            // The first candidate whose fleet keeps its own rows (capital budget, power cap).
            let completions = try FallbackPlan.candidates(model, relaxation: relaxation.values).lazy.compactMap {
                try FallbackPlan.completeByBlocks(model, proposal: $0.values, options: options, deadline: deadline)
            }
            let completed = try XCTUnwrap(completions.first, "\(size) seed \(seed): no candidate has a completion")
            let master = FallbackPlan.masterColumns(model)
            let structure = FallbackPlan.blockStructure(model.lp, rows: FallbackPlan.RowMatrix(model.lp), master: master)
            let periods = model.scenario.horizon.periods, slices = model.scenario.timeSlices.count
            XCTAssertGreaterThanOrEqual(structure.blocks.count, periods * slices, "\(size) seed \(seed)")
            // The whole MIP with the same master columns fixed.
            var lp = model.lp
            for j in master { lp.setBounds(Variable(index: j), lower: completed.values[j], upper: completed.values[j]) }
            var solveOptions = SolveOptions()
            solveOptions.mip.relativeGap = 1e-9
            let whole = try GLPKSolver.solve(lp, options: solveOptions)
            XCTAssertEqual(whole.termination, .optimal, "\(size) seed \(seed)")
            let expected = try XCTUnwrap(whole.objectiveValue)
            XCTAssertEqual(completed.objective, expected, accuracy: 1e-7 * max(1, abs(expected)), "\(size) seed \(seed)")
            // Every integer column whole, and the LP with them fixed gives the same cost.
            for variable in model.lp.variables where model.lp.kind(of: variable) != .continuous {
                XCTAssertEqual(completed.values[variable.index], completed.values[variable.index].rounded(), accuracy: 1e-6)
            }
            let fixed = try XCTUnwrap(try FallbackPlan.fixedLP(model, values: completed.values, options: options, deadline: deadline))
            XCTAssertEqual(fixed.termination, .optimal)
            XCTAssertEqual(try XCTUnwrap(fixed.objectiveValue), expected, accuracy: 1e-7 * max(1, abs(expected)), "\(size) seed \(seed)")
            compared += 1
        }
        XCTAssertGreaterThanOrEqual(compared, 3)
    }

    /// A node limit of 1 without the rounding start stops branch-and-cut at its root, before
    /// any incumbent (the relaxation's replicas are fractional). The planner still returns a
    /// whole-unit plan: status feasible, with the relaxation's bound and the gap to it (on the
    /// small scenarios; the root node from its start may prove a tiny one optimal), and the
    /// independent evaluator's audit passes.
    func testNodeLimitStopBeforeAnIncumbentGivesAFeasibleAuditedPlan() throws {
        var stopped = 0, feasible = 0, compared = 0
        for (size, seed) in [(ScenarioSize.tiny, UInt64(1)), (.tiny, 2), (.tiny, 3), (.tiny, 4), (.small, 1), (.small, 2), (.small, 3)] {
            let scenario = Self.featured(size, seed, [.replicas])
            var options = PlanOptions()
            options.roundUpStart = false
            options.mip.nodeLimit = 1
            options.baselines = false
            let plan = try Planner.plan(scenario, options: options)
            guard plan.warnings.contains(where: { $0.contains("branch-and-cut found no whole-unit plan before its limit (nodeLimit)") }) else {
                continue
            }
            stopped += 1
            let audit = try XCTUnwrap(plan.audit, "\(size) seed \(seed)")
            XCTAssertTrue(audit.violations.isEmpty, "\(size) seed \(seed): \(audit.violations)")
            let gap = try XCTUnwrap(plan.solver.mipGap, "\(size) seed \(seed)")
            // On tiny scenarios the root node from the fallback's start may close the gap.
            if plan.status == .feasible {
                XCTAssertGreaterThan(gap, options.mipGap, "\(size) seed \(seed)")
                feasible += 1
            } else {
                XCTAssertEqual(plan.status, .optimal, "\(size) seed \(seed): \(plan.warnings)")
                XCTAssertLessThanOrEqual(gap, options.mipGap, "\(size) seed \(seed)")
            }
            for purchase in plan.purchases { XCTAssertEqual(purchase.units, purchase.units.rounded(), "whole units") }
            // Where the optimum is proven quickly: the plan is never below it (it is a
            // whole-unit plan), and the bound it reports is never above it.
            guard size == .tiny else { continue }
            var exact = PlanOptions()
            exact.baselines = false
            exact.timeLimit = 30
            exact.mipGap = 1e-7
            let optimum = try Planner.plan(scenario, options: exact)
            guard optimum.status == .optimal else { continue }
            let cost = try XCTUnwrap(plan.totals?.discountedCost), best = try XCTUnwrap(optimum.totals?.discountedCost)
            XCTAssertGreaterThanOrEqual(cost, best * (1 - 1e-6), "\(size) seed \(seed)")
            XCTAssertGreaterThanOrEqual(best, cost * (1 - gap) - 1e-6 * cost, "\(size) seed \(seed): the bound is a lower bound")
            compared += 1
        }
        XCTAssertGreaterThan(stopped, 0, "no scenario stopped before an incumbent")
        XCTAssertGreaterThan(feasible, 0, "no plan with a gap")
        XCTAssertGreaterThan(compared, 0)
    }

    /// `--relax` keeps the on/off binaries, so a relaxed model can stop before an incumbent
    /// too (generated large seed 1 did, exit 4). A node limit of 1 stops it there; the planner
    /// still returns a plan through the fallback (its first candidate is the relaxation's own
    /// fleet, unrounded), audited, never below the relaxed optimum.
    func testRelaxedModelStoppedBeforeAnIncumbentStillGetsAPlan() throws {
        var stopped = 0
        for (size, seed) in [(ScenarioSize.tiny, UInt64(1)), (.tiny, 2), (.tiny, 3), (.tiny, 4), (.small, 1), (.small, 2), (.small, 3)] {
            let scenario = Self.featured(size, seed, [.replicas])
            var options = PlanOptions()
            options.relax = true
            options.roundUpStart = false
            options.mip.nodeLimit = 1
            options.baselines = false
            options.priceThresholds = false
            let plan = try Planner.plan(scenario, options: options)
            guard plan.warnings.contains(where: { $0.contains("(nodeLimit)") && $0.contains("heuristic") }) else { continue }
            stopped += 1
            XCTAssertTrue([.feasible, .optimal].contains(plan.status), "\(size) seed \(seed): \(plan.status)")
            XCTAssertTrue(plan.audit?.violations.isEmpty ?? false, "\(size) seed \(seed)")
            guard size == .tiny else { continue }
            var exact = PlanOptions()
            exact.relax = true
            exact.baselines = false
            exact.priceThresholds = false
            exact.mipGap = 1e-7
            let optimum = try Planner.plan(scenario, options: exact)
            guard optimum.status == .optimal else { continue }
            let cost = try XCTUnwrap(plan.totals?.discountedCost), best = try XCTUnwrap(optimum.totals?.discountedCost)
            XCTAssertGreaterThanOrEqual(cost, best * (1 - 1e-6), "\(size) seed \(seed)")
        }
        XCTAssertGreaterThan(stopped, 0, "no relaxed scenario stopped before an incumbent")
    }

    /// A completion is a whole point of the model as it is (its blocks solved with the fleet
    /// fixed): when the LP with the integers fixed does not finish in time it is the plan, and
    /// the independent evaluator accepts it at the cost the fallback states.
    func testCompletionWithoutTheFixedLPPassesTheAudit() throws {
        var compared = 0
        for (size, seed) in [(ScenarioSize.tiny, UInt64(1)), (.tiny, 2), (.tiny, 3), (.small, 1), (.small, 3)] {
            let scenario = Self.featured(size, seed)
            let model = CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(names: false))
            var options = PlanOptions()
            options.baselines = false
            guard let result = try FallbackPlan.solve(
                model, options: options, stop: .nodeLimit, knownBound: nil, deadline: Deadline(seconds: 60), fixedIntegerLP: false) else { continue }
            XCTAssertEqual(result.solution.termination, .nodeLimit)
            let (document, _) = try Planner.auditedDocument(scenario, model: model, solution: result.solution, integer: true, options: options)
            XCTAssertEqual(document.status, .feasible, "\(size) seed \(seed)")
            XCTAssertTrue(document.audit?.violations.isEmpty ?? false, "\(size) seed \(seed)")
            let cost = try XCTUnwrap(document.totals?.discountedCost)
            let stated = try XCTUnwrap(result.solution.objectiveValue)
            XCTAssertEqual(cost, stated, accuracy: 1e-6 * max(1, abs(stated)), "\(size) seed \(seed)")
            compared += 1
        }
        XCTAssertGreaterThanOrEqual(compared, 3)
    }

    /// With spare units the model does not decompose as it is; the fallback's relaxation
    /// (forced by decomposition here) gives each block its own copy of y_op, so it stays a
    /// lower bound and is never weaker than the relaxation that holds the spare units for free,
    /// which it was until 2026-12-05. Its strengthened cuts make it a bound of the MIP (never
    /// above its optimum), no longer of the relaxation.
    func testDecomposedRelaxationWithSpareUnitsIsALowerBound() throws {
        // With whole units and with continuous ones (`--relax`: the copies too since their
        // cuts' round-off terms are raised in the LP layer).
        var checked = [false: 0, true: 0], stronger = [false: 0, true: 0], strengthened = [false: 0, true: 0]
        var searched = [false: 0, true: 0]
        for seed in UInt64(1)...16 {
            for wholeUnits in [true, false] {
                let model = CapacityModelBuilder.buildModel(Self.featured(.tiny, seed), options: CapacityModelOptions(names: false, integerUnits: wholeUnits))
                guard !model.index.poolsInUse.isEmpty else { continue }
                var options = PlanOptions()
                options.decomposition = .benders
                guard let relaxation = try FallbackPlan.relaxation(model, options: options, deadline: Deadline(seconds: 60)), relaxation.decomposed else { continue }
                var solveOptions = SolveOptions()
                solveOptions.relaxIntegrality = true
                // The strengthened cuts' bound is the MIP's (with its binaries, whatever the
                // units): at most its optimum, and above the whole relaxation where they bite.
                let whole = try XCTUnwrap(try GLPKSolver.solve(model.lp, options: solveOptions).objectiveValue)
                var exact = SolveOptions()
                exact.mip.relativeGap = 0
                let optimum = try XCTUnwrap(try GLPKSolver.solve(model.lp, options: exact).objectiveValue)
                XCTAssertLessThanOrEqual(relaxation.bound, optimum + 1e-7 * max(1, abs(optimum)), "seed \(seed)")
                if relaxation.bound > whole + 1e-6 * max(1, abs(whole)) { strengthened[wholeUnits]! += 1 }
                // With the slopes searched (the tightened bound): never below, still a bound.
                let tightened = try XCTUnwrap(try FallbackPlan.relaxation(
                    model, options: options, deadline: Deadline(seconds: 60), slopeSteps: FallbackPlan.slopeSteps))
                XCTAssertLessThanOrEqual(tightened.bound, optimum + 1e-7 * max(1, abs(optimum)), "seed \(seed)")
                XCTAssertGreaterThanOrEqual(tightened.bound, relaxation.bound - 1e-9 * max(1, abs(relaxation.bound)), "seed \(seed)")
                if tightened.bound > relaxation.bound + 1e-6 * max(1, abs(relaxation.bound)) { searched[wholeUnits]! += 1 }
                // The spare units held for free, solved whole: the old bound.
                let rows = FallbackPlan.RowMatrix(model.lp)
                let pools = model.index.poolsInUse.flatMap { pool in
                    (0..<model.scenario.horizon.periods).map { p in
                        (y: pool.inUse.variable(p), rows: (0..<model.scenario.timeSlices.count).map { pool.rows!.constraint(p, $0) })
                    }
                }
                let held = try XCTUnwrap(try GLPKSolver.solve(FallbackPlan.sparesHeldFree(model.lp.relaxed(), pools: pools, rows: rows), options: solveOptions).objectiveValue)
                XCTAssertGreaterThanOrEqual(relaxation.bound, held - 1e-4 * max(1, abs(held)), "seed \(seed)")
                if relaxation.bound > held * (1 + 1e-3) { stronger[wholeUnits]! += 1 }
                // Pools in use are whole in the point handed to the candidates.
                for pool in model.index.poolsInUse {
                    for p in 0..<model.scenario.horizon.periods {
                        let y = relaxation.values[pool.inUse.variable(p).index]
                        XCTAssertTrue(y == 0 || y == 1, "seed \(seed): y = \(y)")
                    }
                }
                checked[wholeUnits]! += 1
            }
        }
        for wholeUnits in [true, false] {
            XCTAssertGreaterThan(checked[wholeUnits]!, 0, "whole units: \(wholeUnits)")
            XCTAssertGreaterThan(stronger[wholeUnits]!, 0, "the copies never raised the bound (whole units: \(wholeUnits))")
        }
        // 4 of the 16 seeds with whole units, 1 without, when written (and as many for the
        // searched slopes).
        XCTAssertGreaterThan(strengthened[true]!, 0, "the strengthened cuts never raised the bound")
        XCTAssertGreaterThan(searched[true]!, 0, "searching the slopes never raised the bound")
    }

    /// `withBlockCopies` by hand. One pool with one spare unit (k = 1, U = 1) at 10 USD a
    /// unit, serving demand 2 in slice 1 and 1 in slice 2, or an API at 100 USD a unit:
    ///
    ///     capacity_s:  x_s + y − n ≤ 0        poolInUse_s:  x_s − d_s y ≤ 0        x_s + a_s ≥ d_s
    ///
    /// The whole relaxation buys n = 3: serving x_1 = 2 needs y ≥ 2/2 = 1, so n ≥ 2 + 1 (30).
    /// Spares held for free buy n = 2 (20). With a copy of y per slice, y_1 ≥ 1 again and
    /// n = 3 (30): the copies keep the whole bound here, and Benders on them finds it.
    func testBlockCopiesOfTheSpareUnitsKeepTheirCostByHand() throws {
        var lp = LinearModel()
        let n = lp.addVariable(objective: 10)
        let y = lp.addVariable(lowerBound: 0, upperBound: 1)
        let demand = [2.0, 1.0]
        var poolRows: [Constraint] = []
        for d in demand {
            let x = lp.addVariable(), a = lp.addVariable(objective: 100)
            lp.addConstraint(terms: [(x, 1), (y, 1), (n, -1)], .lessOrEqual(0))
            poolRows.append(lp.addConstraint(terms: [(x, 1), (y, -d)], .lessOrEqual(0)))
            lp.addConstraint(terms: [(x, 1), (a, 1)], .greaterOrEqual(d))
        }
        let rows = FallbackPlan.RowMatrix(lp)
        let master: Set<Int> = [n.index, y.index]
        func optimum(_ model: LinearModel) throws -> Double { try XCTUnwrap(try GLPKSolver.solve(model).objectiveValue) }
        XCTAssertEqual(try optimum(lp), 30, accuracy: 1e-9)
        XCTAssertEqual(try optimum(FallbackPlan.sparesHeldFree(lp, pools: [(y, poolRows)], rows: rows)), 20, accuracy: 1e-9)
        let (copied, originals) = try XCTUnwrap(FallbackPlan.withBlockCopies(of: [y], in: lp, rows: rows, master: master))
        XCTAssertEqual(originals, [y.index, y.index])
        XCTAssertEqual(copied.variableCount, lp.variableCount + 2, "one copy per slice")
        XCTAssertEqual(copied.bounds(of: y).upper, 0)
        XCTAssertEqual(try optimum(copied), 30, accuracy: 1e-9)
        let structure = FallbackPlan.blockStructure(copied, rows: FallbackPlan.RowMatrix(copied), master: master)
        XCTAssertEqual(structure.blocks.count, 2)
        let benders = try GLPKSolver.solveByBenders(copied, decomposition: structure.decomposition())
        XCTAssertEqual(benders.termination, .optimal)
        XCTAssertEqual(try XCTUnwrap(benders.objectiveValue), 30, accuracy: 1e-6)
        // A master row holding y cannot be copied into blocks: no relaxation is offered.
        var withMasterRow = lp
        withMasterRow.addConstraint(terms: [(n, 1), (y, -1)], .greaterOrEqual(0))
        XCTAssertNil(FallbackPlan.withBlockCopies(of: [y], in: withMasterRow, rows: FallbackPlan.RowMatrix(withMasterRow), master: master))
    }

    /// The dive closes exactly the options the relaxation runs below their minimum replicas,
    /// and its relaxation (with those z at 0) is never cheaper than the first one: closing
    /// options only removes points. Decomposed, as on large models.
    func testTheDiveClosesOptionsBelowTheirMinimum() throws {
        var dived = 0
        var options = PlanOptions()
        options.decomposition = .benders
        for (size, seed) in [(ScenarioSize.tiny, UInt64(1)), (.tiny, 2), (.tiny, 3), (.tiny, 4), (.small, 1)] {
            let model = CapacityModelBuilder.buildModel(Self.featured(size, seed), options: CapacityModelOptions(names: false))
            let deadline = Deadline(seconds: 60)
            let relaxation = try XCTUnwrap(try FallbackPlan.relaxation(model, options: options, deadline: deadline, spareCopies: false))
            let closed = FallbackPlan.closedOptions(model, relaxation: relaxation.values)
            guard !closed.isEmpty else { continue }
            for pair in model.index.replicaPairs {
                guard let inUse = pair.inUse else { continue }
                for p in 0..<model.scenario.horizon.periods {
                    for s in 0..<model.scenario.timeSlices.count {
                        let below = relaxation.values[pair.replicas.variable(p, s).index] < Double(pair.minimum) - 1e-9
                        XCTAssertEqual(closed[inUse.variable(p, s).index] != nil, below, "\(size) seed \(seed)")
                    }
                }
            }
            let dive = try XCTUnwrap(try FallbackPlan.relaxation(model, options: options, deadline: deadline, fixed: closed, spareCopies: false))
            XCTAssertGreaterThanOrEqual(dive.bound, relaxation.bound - 1e-7 * max(1, abs(relaxation.bound)), "\(size) seed \(seed)")
            for (j, _) in closed { XCTAssertEqual(dive.values[j], 0, "\(size) seed \(seed)") }
            dived += 1
        }
        XCTAssertGreaterThan(dived, 0)
    }

    /// A plan stopped at a limit, stated against an outside bound (`Planner.raised`), by hand:
    /// min x + y with 2x + 2y ≥ 3 and x, y whole costs 2, its relaxation 1.5.
    func testAnOutsideBoundRaisesTheGapOnlyWhereItIsValid() throws {
        var lp = LinearModel()
        let x = lp.addVariable(kind: .integer, objective: 1), y = lp.addVariable(kind: .integer, objective: 1)
        lp.addConstraint(terms: [(x, 2), (y, 2)], .greaterOrEqual(3))
        let optimum = try GLPKSolver.solve(lp)
        XCTAssertEqual(try XCTUnwrap(optimum.objectiveValue), 2, accuracy: 1e-9)
        let stopped = optimum.asMIPIncumbent(termination: .timeLimit, bound: 1.5, seconds: 0)
        XCTAssertEqual(try XCTUnwrap(stopped.relativeGap), 0.25, accuracy: 1e-12)
        // A higher bound: the gap to it, still stopped at the limit.
        let raised = Planner.raised(stopped, bound: 1.9, mipGap: 1e-4)
        XCTAssertEqual(raised.termination, .timeLimit)
        XCTAssertEqual(try XCTUnwrap(raised.objectiveBound), 1.9)
        XCTAssertEqual(try XCTUnwrap(raised.relativeGap), 0.05, accuracy: 1e-12)
        XCTAssertEqual(raised.values, stopped.values)
        // Within the gap requested: optimal.
        let proven = Planner.raised(stopped, bound: 1.9999, mipGap: 1e-4)
        XCTAssertEqual(proven.termination, .optimal)
        XCTAssertEqual(try XCTUnwrap(proven.relativeGap), 5e-5, accuracy: 1e-12)
        // Lower than branch-and-cut's, or above the plan's cost (no bound at all): unchanged.
        for bound in [1.4, 2.5] {
            let kept = Planner.raised(stopped, bound: bound, mipGap: 1e-4)
            XCTAssertEqual(kept.objectiveBound, 1.5, "\(bound)")
            XCTAssertEqual(kept.termination, .timeLimit, "\(bound)")
        }
    }

    /// Plans stopped at a node limit on generated scenarios with whole replicas: the blocks'
    /// bound (`FallbackPlan.blockBound`) that the planner states them against is never above
    /// the MIP's optimum, is at least branch-and-cut's bound where the note gives both, and
    /// raises some.
    func testPlansStoppedAtALimitGetTheBlocksBoundBelowTheOptimum() throws {
        var raised = 0, stopped = 0
        for (size, seed) in [(ScenarioSize.tiny, UInt64(1)), (.tiny, 2), (.tiny, 3), (.tiny, 4), (.tiny, 5), (.tiny, 6), (.small, 1), (.small, 3)] {
            let scenario = Self.featured(size, seed)
            var options = PlanOptions()
            options.baselines = false
            options.priceThresholds = false
            options.mip.nodeLimit = 2
            options.mip.cuts = []
            let plan = try Planner.plan(scenario, options: options)
            guard plan.status == .feasible || plan.status == .optimal, plan.solver.termination != "optimal" || plan.warnings.contains(where: { $0.contains("without proving") }) else { continue }
            stopped += 1
            let model = CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(names: false, integerUnits: true))
            var exact = SolveOptions()
            exact.mip.relativeGap = 1e-9
            let optimum = try XCTUnwrap(try GLPKSolver.solve(model.lp, options: exact).objectiveValue, "\(size) seed \(seed)")
            let cost = try XCTUnwrap(plan.totals).discountedCost, gap = try XCTUnwrap(plan.solver.mipGap, "\(size) seed \(seed)")
            // GLPK's formula: gap = (cost − bound) / cost.
            let bound = cost - gap * cost
            XCTAssertLessThanOrEqual(bound, optimum + 1e-6 * optimum, "\(size) seed \(seed)")
            guard let note = plan.warnings.first(where: { $0.contains(FallbackPlan.blockBoundText) }) else { continue }
            raised += 1
            let direct = try XCTUnwrap(try FallbackPlan.blockBound(model, options: options, deadline: Deadline(seconds: 60)))
            XCTAssertEqual(bound, direct, accuracy: 1e-6 * optimum, "\(size) seed \(seed): the plan's bound is the blocks'")
            XCTAssertTrue(note.contains("bound raised from "), note)
            if plan.status == .optimal { XCTAssertLessThanOrEqual(gap, options.mipGap) }
        }
        XCTAssertGreaterThan(stopped, 2)
        XCTAssertGreaterThan(raised, 0, "the blocks' bound raised none of \(stopped) plans stopped at the node limit")
    }
}
