// The MathProg twin (models/capacity.mod, data from MathProgData) on commitments carried in
// (docs/formulation.md 13.1): glpsol's optimum against the hand-computed optimum of
// examples/carried-in-commitments.yaml, and against the planner's (its own builder) on variants
// that exercise the other branches: moving rental prices (the carried-in rent on the starts'
// side), the one-period contract form, fiscal budgets with a deposit (units in flight paid
// theirs before the horizon), and a platform adopted before the horizon through units in flight.

import Foundation
import Testing
@testable import CapPlanKit

@Suite("MathProg twin: commitments carried in")
struct CarryInTwinTests {
    func planned(_ scenario: Scenario) throws -> Double {
        var options = PlanOptions()
        options.baselines = false
        options.priceThresholds = false
        options.mipGap = 1e-9
        let plan = try Planner.plan(scenario, options: options)
        #expect(plan.status == .optimal, "planner: \(plan.status)")
        return try #require(plan.totals?.discountedCost)
    }

    /// The example's optimum worked out in its header: 215,940 less the on-demand units the
    /// signed minimum's spare spend saves in 2027Q3. The optimal decisions, written by hand,
    /// cost the same in the evaluator with no violation.
    @Test func exampleByHand() throws {
        let scenario = try CarryInModelTests.example()
        let apiRate = 500 / 0.9 / (7.884 * 20)
        let expected = 215_940 - apiRate / 1000 * 24_090
        var decisions = CarryInModelTests.handPlan
        decisions.onDemandUnits["on-demand"] = [[0], [0], [4 - apiRate / 1000]]
        decisions.served["on-demand"] = ["chat": [[0], [0], [4000 - apiRate]]]
        decisions.served["api"] = ["chat": [[0], [0], [apiRate]]]
        try GLPSol.solveChecked(scenario, expected: expected, decisions: decisions)
        #expect(abs(try planned(scenario) - expected) <= 1e-6 * expected)
    }

    /// Variants: the twin and the planner agree (1e-6 relative).
    @Test func variantsAgreeWithThePlanner() throws {
        let base = try CarryInModelTests.example()
        var variants: [(String, Scenario)] = []

        var priced = base
        if case .rental(var r) = priced.offerings[1] {
            r.priceChange = .factors([0.9, 0.8, 0.7])
            r.availableUntilIndex = nil
            priced.offerings[1] = .rental(r)
        }
        variants.append(("moving rental prices", priced))

        var onePeriod = base
        if case .rental(var r) = onePeriod.offerings[1] {
            r.termPeriods = 1
            r.contractsInTerm = [UnitsInTerm(units: 2, remainingPeriods: 1)]
            r.availableUntilIndex = nil
            onePeriod.offerings[1] = .rental(r)
        }
        variants.append(("one-period form", onePeriod))

        var budget = base
        if case .purchase(var h) = budget.offerings[0] {
            h.depositFraction = 0.3
            h.maxUnitsPerPeriod = nil
            h.leadTimePeriods = 1
            h.ordersInFlight = [0: 1, 1: 2]
            budget.offerings[0] = .purchase(h)
        }
        budget.budget.fiscalYears = [FiscalYearBudget(year: 2027, capex: 200_000, opex: 300_000)]
        variants.append(("fiscal budgets with a deposit", budget))

        var platform = base
        if case .purchase(var h) = platform.offerings[0] {
            h.platform = "nvidia"
            h.existingUnits = 0
            h.existingCohorts = []
            h.maxUnitsPerPeriod = nil
            platform.offerings[0] = .purchase(h)
        }
        platform.platforms = [PlatformCost(id: "nvidia", adoptionCost: 50_000, yearlyCost: 8_000)]
        variants.append(("platform adopted through units in flight", platform))

        for (name, scenario) in variants {
            let solution = try GLPSol.solve(scenario)
            #expect(solution.optimal, "\(name): not optimal:\n\(solution.output)")
            let twin = try #require(solution.objective, "\(name): no OBJECTIVE:\n\(solution.output)")
            let plan = try planned(scenario)
            #expect(abs(twin - plan) <= 1e-6 * max(1, abs(plan)), "\(name): twin \(twin) vs planner \(plan)")
        }
    }

    /// Generated tiny scenarios that carry commitments in (`carryInFeatures`) and have no demand
    /// cases: the planner and the twin agree on each; and a seed that draws none writes the same
    /// file as with the draws off.
    @Test func generatedScenariosAgreeWithTheTwin() throws {
        func carries(_ s: Scenario) -> Bool {
            s.purchases.contains { !$0.existingCohorts.isEmpty || !$0.ordersInFlight.isEmpty }
                || s.rentals.contains { !$0.contractsInTerm.isEmpty } || s.apis.contains { $0.committedUse?.signed == true }
        }
        var checked = 0
        for seed in UInt64(1)...150 {
            let scenario = ScenarioGenerator(size: .tiny, seed: seed).scenario()
            guard carries(scenario) else {
                if seed <= 40 {
                    let off = ScenarioGenerator(size: .tiny, seed: seed, carryInFeatures: false).scenario()
                    #expect(ScenarioWriter.yaml(scenario) == ScenarioWriter.yaml(off), "seed \(seed)")
                }
                continue
            }
            #expect(ScenarioRules.violations(in: scenario).isEmpty)
            guard scenario.demandCases.isEmpty, checked < 6 else { continue }
            checked += 1
            let solution = try GLPSol.solve(scenario)
            let twin = try #require(solution.objective, "seed \(seed): no OBJECTIVE:\n\(solution.output)")
            let plan = try planned(scenario)
            #expect(abs(twin - plan) <= 1e-6 * max(1, abs(plan)), "seed \(seed): twin \(twin) vs planner \(plan)")
        }
        #expect(checked >= 4, "only \(checked) generated scenarios carry commitments in")
    }
}
