// Two-stage plans (docs/formulation.md section 12, Planner/TwoStage.swift): a newsvendor worked
// out by hand (RP, WS, EEV, VSS, EVPI, regret), the extensive form against an independently
// written one (each case built by the builder from its own scenario, the first stage tied by
// non-anticipativity rows) and against brute force over the first stage, CVaR by hand with
// the atom split, risk aversion buying more, one case equal to the deterministic plan, and
// byte-identical JSON.

import Foundation
import XCTest
@testable import CapPlanKit
import LinearProgramming

/// One workload `chat` (output share 0.5), one slice, yearly periods, U = 1, no discounting.
///
/// Reference numbers: a slice-year is 31 536 000 s. `srv` (30 000 USD, one-year life, no power,
/// no opex, 1000 tokens/s) costs 30 000 USD per unit-year; the API (1 and 3 USD/MTok, ψ = 2 USD
/// per MTok) costs 2 · 31.536 = 63 072 USD per (1000 tokens/s)-year. Demand in units of
/// 1000 tokens/s: d units of demand cost 30 000 k + 63 072 max(0, d − k) with k units bought.
enum NewsvendorScenarios {
    static let secondsPerYear = 31_536_000.0

    static func scenario(periods: Int = 1, maxUnitsPerPeriod: Double? = nil) -> Scenario {
        let server = PurchaseOffering(
            id: "srv", unitPrice: 30_000, lifetimePeriods: 1, powerKW: 0, opexPerUnitPeriod: 0, throughput: ["chat": 1000],
            maxUnitsPerPeriod: maxUnitsPerPeriod)
        let api = APIOffering(id: "api", inputPricePerMTok: 1, outputPricePerMTok: 3, serves: ["chat"])
        return Scenario(
            name: "newsvendor", horizon: Horizon(start: PeriodLabel("2027")!, periods: periods),
            workloads: [Workload(id: "chat", outputShare: 0.5, model: nil, demand: [Double](repeating: 4000 * secondsPerYear, count: periods))],
            offerings: [.purchase(server), .api(api)], site: Site(electricityPricePerKWh: 0.1, pue: 1.5),
            policy: Policy(utilizationCap: 1))
    }

    /// Cases of `units` thousand tokens/s in every period.
    static func withCases(_ scenario: Scenario, _ cases: [(String, Double, [Double])], risk: RiskPolicy = RiskPolicy()) -> Scenario {
        var copy = scenario
        copy.demandCases = cases.map { name, probability, units in
            DemandCase(name: name, probability: probability, demand: ["chat": units.map { $0 * 1000 * secondsPerYear }])
        }
        copy.risk = risk
        return copy
    }
}

final class TwoStageTests: XCTestCase {
    func plan(_ scenario: Scenario, relax: Bool = false) throws -> TwoStageResult {
        var options = PlanOptions()
        options.relax = relax
        options.mipGap = 1e-9
        options.baselines = false
        return try TwoStagePlanner.plan(scenario, options: options)
    }

    func units(_ result: TwoStageResult, case c: Int = 0) -> Double {
        result.cases[c].decisions.arrivals["srv"]!.reduce(0, +)
    }

    // MARK: (a) RP, WS, EEV, VSS, EVPI and regret by hand

    /// Low, base and high demand of 2, 4 and 8 units, probabilities 0.25, 0.5, 0.25.
    ///
    /// Two-stage: the k-th unit pays when P(D ≥ k) · 63 072 ≥ 30 000, i.e. P(D ≥ k) ≥ 0.4757:
    /// P(D ≥ 3) = P(D ≥ 4) = 0.75, P(D ≥ 5) = 0.25, so k = 4, between the low (2) and high (8)
    /// perfect-foresight plans.
    ///   cost: low 4 · 30 000 = 120 000; base 120 000; high 120 000 + 4 · 63 072 = 372 288
    ///   RP = 0.25 · 120 000 + 0.5 · 120 000 + 0.25 · 372 288 = 30 000 + 60 000 + 93 072 = 183 072
    /// Perfect foresight buys the demand: z* = 60 000, 120 000, 240 000;
    ///   WS = 15 000 + 60 000 + 60 000 = 135 000; EVPI = RP − WS = 48 072;
    ///   regret: low 60 000, base 0, high 372 288 − 240 000 = 132 288.
    /// EV: mean demand 0.5 + 2 + 2 = 4.5 units; 5 units (150 000) beat 4 and half a unit of API
    /// (120 000 + 31 536 = 151 536), so the EV plan buys 5:
    ///   in the cases: 150 000, 150 000, 150 000 + 3 · 63 072 = 339 216;
    ///   EEV = 37 500 + 75 000 + 84 804 = 197 304; VSS = EEV − RP = 14 232.
    func testNewsvendorByHand() throws {
        let scenario = NewsvendorScenarios.withCases(
            NewsvendorScenarios.scenario(), [("low", 0.25, [2]), ("base", 0.5, [4]), ("high", 0.25, [8])])
        let result = try plan(scenario)
        XCTAssertEqual(result.status, .optimal)
        XCTAssertEqual(result.cases.map(\.name), ["low", "base", "high"])
        for c in 0..<3 { XCTAssertEqual(units(result, case: c), 4) }
        XCTAssertEqual(result.cases.map(\.discountedCost), [120_000, 120_000, 372_288].map { Double($0) }, accuracy: 1e-3)
        XCTAssertEqual(result.expectedCost!, 183_072, accuracy: 1e-3)
        XCTAssertEqual(result.objective!, 183_072, accuracy: 1e-3)
        XCTAssertEqual(result.cases.map { $0.perfectForesightCost! }, [60_000, 120_000, 240_000], accuracy: 1e-3)
        XCTAssertEqual(result.cases.map { $0.regret! }, [60_000, 0, 132_288], accuracy: 1e-3)
        XCTAssertEqual(result.waitAndSee!, 135_000, accuracy: 1e-3)
        XCTAssertEqual(result.expectedValueOfPerfectInformation!, 48_072, accuracy: 1e-3)
        XCTAssertEqual(result.expectedValuePlan!.discountedCost!, 150_000, accuracy: 1e-3)
        XCTAssertEqual(result.expectedValuePlan!.decisions!.arrivals["srv"]!, [5])
        XCTAssertEqual(result.cases.map { $0.expectedValuePlanCost! }, [150_000, 150_000, 339_216], accuracy: 1e-3)
        XCTAssertEqual(result.expectedValuePlan!.expectedCost!, 197_304, accuracy: 1e-3)
        XCTAssertEqual(result.valueOfStochasticSolution!, 14_232, accuracy: 1e-3)
        XCTAssertEqual(result.valuesFor, "this plan")
        // The high case's shortfall goes to the API: 4 units of 1000 tokens/s.
        XCTAssertEqual(result.cases[2].decisions.served["api"]!["chat"]![0][0], 4000, accuracy: 1e-6)
        XCTAssertEqual(result.cases[0].decisions.served["api"]?["chat"]?[0][0] ?? 0, 0, accuracy: 1e-6)
    }

    /// The EV fleet cannot serve a case: EEV +∞ (nil), VSS not computed, said in a note. With
    /// the API limited to 1000 tokens/s, the EV plan (mean 4.5: 4 units and 500 tokens/s of API;
    /// 5 units cost more) leaves the high case 8 − 4 − 1 = 3 units short.
    func testExpectedValuePlanThatCannotServeACase() throws {
        var base = NewsvendorScenarios.scenario()
        base.offerings[1] = .api(APIOffering(id: "api", inputPricePerMTok: 1, outputPricePerMTok: 3, serves: ["chat"], maxTokensPerSecond: 1000))
        let scenario = NewsvendorScenarios.withCases(base, [("low", 0.25, [2]), ("base", 0.5, [4]), ("high", 0.25, [8])])
        let result = try plan(scenario)
        XCTAssertEqual(result.status, .optimal)
        XCTAssertEqual(units(result), 7, "the high case needs 7 units besides the API's 1")
        XCTAssertNil(result.expectedValuePlan!.expectedCost)
        XCTAssertEqual(result.expectedValuePlan!.infeasibleCases, ["high"])
        XCTAssertNil(result.valueOfStochasticSolution)
        XCTAssertNotNil(result.expectedValueOfPerfectInformation)
        XCTAssertTrue(result.notes.contains { $0.contains("EEV is +∞") })
    }

    // MARK: (b) the extensive form against independent ones

    /// Brute force over the first stage: two periods, `srv` at most 3 units a period, cases of
    /// (1, 3), (2, 5) and (4, 2) units with probabilities 0.3, 0.45, 0.25. For every fleet
    /// (b_0, b_1) ∈ {0..3}², each case's optimum with the arrivals fixed (its own model, built
    /// from its own scenario), weighted; the least of the 16 is the two-stage optimum.
    func testExtensiveFormAgainstBruteForce() throws {
        let base = NewsvendorScenarios.scenario(periods: 2, maxUnitsPerPeriod: 3)
        let scenario = NewsvendorScenarios.withCases(base, [("a", 0.3, [1, 3]), ("b", 0.45, [2, 5]), ("c", 0.25, [4, 2])])
        var best = Double.infinity
        for b0 in 0...3 {
            for b1 in 0...3 {
                var total = 0.0
                for demandCase in scenario.demandCases {
                    var model = CapacityModelBuilder.buildModel(scenario.withDemandCase(demandCase), options: CapacityModelOptions(names: false))
                    model.lp.setBounds(model.index.arrivals[0].variable(0)!, lower: Double(b0), upper: Double(b0))
                    model.lp.setBounds(model.index.arrivals[0].variable(1)!, lower: Double(b1), upper: Double(b1))
                    let solution = try GLPKSolver.solve(model.lp)
                    XCTAssertEqual(solution.termination, .optimal)
                    total += demandCase.probability * solution.objectiveValue!
                }
                best = min(best, total)
            }
        }
        let result = try plan(scenario)
        XCTAssertEqual(result.objective!, best, accuracy: 1e-6 * best)
        XCTAssertEqual(result.expectedCost!, best, accuracy: 1e-6 * best)
    }

    /// The optimum of the extensive form written another way: each case's model built by the
    /// builder from the case's own scenario (not rescaled from one build), side by side, π_c
    /// times its objective, and every first-stage column of case c tied to case 0's by an
    /// equality row (non-anticipativity).
    func independentOptimum(_ scenario: Scenario, integer: Bool) throws -> Double {
        let reductions = scenario.demandCases.allSatisfy { $0.apiPriceScale == 1 }
        let models = scenario.demandCases.map {
            CapacityModelBuilder.buildModel(scenario.withDemandCase($0), options: CapacityModelOptions(names: false, integerUnits: integer, reductions: reductions))
        }
        let index = models[0].index
        var first: [Int] = []
        for block in index.arrivals { for q in 0..<index.periods { if let b = block.variable(q) { first.append(b.index) } } }
        for block in index.inService { first.append(contentsOf: (0..<index.periods).map { block.start + $0 }) }
        for block in index.reservedUnits.compactMap({ $0 }) { first.append(contentsOf: (0..<index.periods).map { block.start + $0 }) }
        for block in index.contractStarts.compactMap({ $0 }) { first.append(contentsOf: (0..<index.periods).map { block.start + $0 }) }
        first.append(contentsOf: index.commitments.map(\.taken.index))
        var lp = LinearModel()
        var offsets: [Int] = []
        for (c, model) in models.enumerated() {
            XCTAssertEqual(model.lp.variableCount, models[0].lp.variableCount)
            let columnOffset = lp.variableCount, rowOffset = lp.constraintCount
            offsets.append(columnOffset)
            for v in model.lp.variables {
                let (lower, upper) = model.lp.bounds(of: v)
                lp.addVariable(lowerBound: lower, upperBound: upper, kind: model.lp.kind(of: v),
                               objective: scenario.demandCases[c].probability * model.lp.objectiveCoefficient(of: v))
            }
            for r in model.lp.constraints {
                let (lower, upper) = model.lp.bounds(of: r)
                let bound: ConstraintBound = lower == upper ? .equal(lower!) : lower == nil ? .lessOrEqual(upper!) : upper == nil ? .greaterOrEqual(lower!) : .range(lower!, upper!)
                lp.addConstraint(variables: [], coefficients: [], bound)
            }
            for k in 0..<model.lp.entryCount {
                lp.addTerm(Constraint(index: rowOffset + Int(model.lp.entryRows[k])), Variable(index: columnOffset + Int(model.lp.entryColumns[k])), model.lp.entryValues[k])
            }
        }
        for c in 1..<models.count {
            for j in first {
                lp.addConstraint(variables: [Variable(index: offsets[c] + j), Variable(index: j)], coefficients: [1, -1], .equal(0))
            }
        }
        var options = SolveOptions()
        options.mip.relativeGap = 1e-9
        let solution = try GLPKSolver.solve(lp, options: options)
        XCTAssertEqual(solution.termination, .optimal)
        return solution.objectiveValue!
    }

    /// Generated tiny scenarios (every feature the seed picks), cases 0.6x, 1x and 1.5x the
    /// demand, the last with API prices 1.2x; LP relaxation and whole units.
    func testExtensiveFormAgainstNonAnticipativityForm() throws {
        for seed: UInt64 in 1...12 {
            var scenario = ScenarioGenerator(size: .tiny, seed: seed).scenario()
            let cases: [(String, Double, Double, Double)] = [("low", 0.3, 0.6, 1), ("base", 0.5, 1, 1), ("high", 0.2, 1.5, 1.2)]
            scenario.demandCases = cases.map { name, probability, scale, prices in
                DemandCase(name: name, probability: probability,
                           demand: Dictionary(uniqueKeysWithValues: scenario.workloads.map { ($0.id, $0.demand.map { $0 * scale }) }), apiPriceScale: prices)
            }
            for integer in [false, true] {
                scenario.policy.integerUnits = integer
                let result = try plan(scenario)
                guard result.status == .optimal else {
                    XCTFail("seed \(seed) integer \(integer): \(result.status) \(result.notes)")
                    continue
                }
                let expected = try independentOptimum(scenario, integer: integer)
                XCTAssertEqual(result.objective!, expected, accuracy: 1e-6 * max(1, abs(expected)), "seed \(seed), integer \(integer)")
                // WS ≤ RP ≤ EEV (EEV when the EV fleet serves every case).
                XCTAssertLessThanOrEqual(result.waitAndSee!, result.expectedCost! * (1 + 1e-6), "seed \(seed)")
                if let eev = result.expectedValuePlan?.expectedCost { XCTAssertLessThanOrEqual(result.expectedCost!, eev * (1 + 1e-6), "seed \(seed)") }
            }
        }
    }

    // MARK: (c) CVaR

    /// Costs 100, 200, 300, 400 with probabilities 0.4, 0.3, 0.2, 0.1.
    ///   α = 0.75 (tail 0.25): 400 · 0.1 + 300 · 0.15 = 40 + 45 = 85, / 0.25 = 340 (300 split: 0.15 of 0.2)
    ///   α = 0.5 (tail 0.5): 40 + 300 · 0.2 + 200 · 0.2 = 140, / 0.5 = 280 (200 split: 0.2 of 0.3)
    ///   α = 0: the mean, 40 + 60 + 60 + 40 = 200.
    func testConditionalValueAtRiskByHand() {
        let costs = [300.0, 100, 400, 200], probabilities = [0.2, 0.4, 0.1, 0.3]
        XCTAssertEqual(TwoStagePlanner.conditionalValueAtRisk(costs: costs, probabilities: probabilities, level: 0.75), 340, accuracy: 1e-9)
        XCTAssertEqual(TwoStagePlanner.conditionalValueAtRisk(costs: costs, probabilities: probabilities, level: 0.5), 280, accuracy: 1e-9)
        XCTAssertEqual(TwoStagePlanner.conditionalValueAtRisk(costs: costs, probabilities: probabilities, level: 0), 200, accuracy: 1e-9)
    }

    /// Four cases of 1, 2, 3, 4 units with probabilities 0.4, 0.3, 0.2, 0.1.
    ///
    /// Risk neutral: P(D ≥ 2) = 0.6 ≥ 0.4757 > P(D ≥ 3) = 0.3, so k = 2; costs 60 000, 60 000,
    /// 60 000 + 63 072 = 123 072, 60 000 + 2 · 63 072 = 186 144;
    ///   RP = 24 000 + 18 000 + 24 614.4 + 18 614.4 = 85 228.8
    ///   CVaR_0.75 = (186 144 · 0.1 + 123 072 · 0.15) / 0.25 = (18 614.4 + 18 460.8) / 0.25 = 148 300.8
    ///   CVaR_0.5 = (18 614.4 + 123 072 · 0.2 + 60 000 · 0.2) / 0.5 = 55 228.8 / 0.5 = 110 457.6
    /// λ = 1, α = 0.75: minimize E + CVaR_0.75 over k:
    ///   k = 2: 85 228.8 + 148 300.8 = 233 529.6
    ///   k = 3: costs 90 000 (d ≤ 3), 153 072 (d = 4); E = 81 000 + 15 307.2 = 96 307.2,
    ///          CVaR = (15 307.2 + 90 000 · 0.15) / 0.25 = 115 228.8; total 211 536
    ///   k = 4: 120 000 + 120 000 = 240 000;  k = 1: 93 072 + 181 372.8 = 274 444.8
    /// so the risk-averse plan buys 3 units, one more; its RP is 96 307.2 and CVaR 115 228.8.
    /// VSS and EVPI are then the risk-neutral plan's: RP 85 228.8, WS = 30 000 · 2 = 60 000
    /// (0.4 + 0.6 + 0.6 + 0.4 = 2 units expected), EVPI = 25 228.8.
    func testCVaRByHandAndRiskAversionBuysMore() throws {
        let cases: [(String, Double, [Double])] = [("d1", 0.4, [1]), ("d2", 0.3, [2]), ("d3", 0.2, [3]), ("d4", 0.1, [4])]
        let neutral = try plan(NewsvendorScenarios.withCases(NewsvendorScenarios.scenario(), cases, risk: RiskPolicy(cvarWeight: 0, cvarLevel: 0.75)))
        XCTAssertEqual(units(neutral), 2)
        XCTAssertEqual(neutral.cases.map(\.discountedCost), [60_000, 60_000, 123_072, 186_144], accuracy: 1e-3)
        XCTAssertEqual(neutral.expectedCost!, 85_228.8, accuracy: 1e-3)
        XCTAssertEqual(neutral.cvar!, 148_300.8, accuracy: 1e-3)
        let half = try plan(NewsvendorScenarios.withCases(NewsvendorScenarios.scenario(), cases, risk: RiskPolicy(cvarWeight: 0, cvarLevel: 0.5)))
        XCTAssertEqual(half.cvar!, 110_457.6, accuracy: 1e-3)

        for relax in [false, true] {
            let averse = try plan(NewsvendorScenarios.withCases(NewsvendorScenarios.scenario(), cases, risk: RiskPolicy(cvarWeight: 1, cvarLevel: 0.75)), relax: relax)
            XCTAssertEqual(averse.status, .optimal)
            XCTAssertEqual(units(averse), 3, accuracy: 1e-9, "relax \(relax)")
            XCTAssertEqual(averse.expectedCost!, 96_307.2, accuracy: 1e-3)
            XCTAssertEqual(averse.cvar!, 115_228.8, accuracy: 1e-3)
            XCTAssertEqual(averse.objective!, 211_536, accuracy: 1e-3)
            XCTAssertEqual(averse.valuesFor, "risk-neutral plan (λ = 0)")
            XCTAssertEqual(averse.riskNeutralExpectedCost!, 85_228.8, accuracy: 1e-3)
            XCTAssertEqual(averse.waitAndSee!, 60_000, accuracy: 1e-3)
            XCTAssertEqual(averse.expectedValueOfPerfectInformation!, 25_228.8, accuracy: 1e-3)
        }
    }

    // MARK: (d) one case

    /// One case of probability 1 with the scenario's own demand: the deterministic plan's cost,
    /// no regret, VSS = EVPI = 0.
    func testOneCaseIsTheDeterministicPlan() throws {
        for seed: UInt64 in [2, 5] {
            var scenario = ScenarioGenerator(size: .tiny, seed: seed).scenario()
            scenario.demandCases = [DemandCase(name: "only", probability: 1, demand: Dictionary(uniqueKeysWithValues: scenario.workloads.map { ($0.id, $0.demand) }))]
            let result = try plan(scenario)
            var options = PlanOptions()
            options.mipGap = 1e-9
            options.baselines = false
            let deterministic = try Planner.plan(scenario.withDemandCase(scenario.demandCases[0]), options: options)
            XCTAssertEqual(deterministic.status, .optimal)
            let cost = deterministic.totals!.discountedCost
            XCTAssertEqual(result.expectedCost!, cost, accuracy: 1e-6 * max(1, cost), "seed \(seed)")
            XCTAssertEqual(result.waitAndSee!, cost, accuracy: 1e-6 * max(1, cost))
            XCTAssertEqual(result.cases[0].regret!, 0, accuracy: 1e-6 * max(1, cost))
            XCTAssertEqual(result.valueOfStochasticSolution!, 0, accuracy: 1e-6 * max(1, cost))
            XCTAssertEqual(result.expectedValueOfPerfectInformation!, 0, accuracy: 1e-6 * max(1, cost))
        }
    }

    func testNoCasesIsAnError() {
        XCTAssertThrowsError(try TwoStagePlanner.plan(NewsvendorScenarios.scenario())) { error in
            XCTAssertTrue("\(error)".contains("demand cases"))
        }
    }

    // MARK: (e) determinism and names

    func testSameJSONTwiceAndNames() throws {
        let scenario = NewsvendorScenarios.withCases(
            NewsvendorScenarios.scenario(), [("low", 0.25, [2]), ("base", 0.5, [4]), ("high", 0.25, [8])], risk: RiskPolicy(cvarWeight: 0.5, cvarLevel: 0.5))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let first = try encoder.encode(try plan(scenario)), second = try encoder.encode(try plan(scenario))
        XCTAssertEqual(first, second)
        let model = TwoStagePlanner.extensiveForm(scenario, integer: true, names: true, risk: scenario.risk)
        let names = Set(model.lp.variables.map { model.lp.name(of: $0) })
        XCTAssertTrue(names.contains("b[srv,2027]"), "first stage once, unsuffixed")
        XCTAssertTrue(names.contains("y[api,chat,2027,all-day]@high"))
        XCTAssertTrue(names.contains("cvarThreshold"))
        let rows = Set(model.lp.constraints.map { model.lp.name(of: $0) })
        XCTAssertTrue(rows.contains("fleet[srv,2027]"))
        XCTAssertTrue(rows.contains("demand[chat,2027,all-day]@low"))
        XCTAssertTrue(rows.contains("cvarExcess[base]"))
    }
}

private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, "\(a) vs \(b)", file: file, line: line) }
}
