// `capplan evaluate` on a scenario with demand cases (docs/formulation.md section 12,
// docs/evaluate-format.md "Demand cases"): the plan's first stage completed in each case,
// costed by the evaluator, weighted by the cases' probabilities and set against RP.

import Foundation
import Testing
@testable import CapPlanKit

@Suite("Evaluate: demand cases")
struct EvaluateCasesTests {
    typealias E = ShapeExamples

    /// One year, chat at 1000 tokens/s in the base case; gpu 10,000 USD a unit for the year,
    /// 500 tokens/s; an API at 1 USD per MTok (31.536 USD a year per token/s). Cases low 0.6
    /// (π 0.25), base 1 (0.5), high 1.5 (0.25).
    private func scenario(risk: RiskPolicy = RiskPolicy()) -> Scenario {
        let gpu = PurchaseOffering(id: "gpu", unitPrice: 10_000, lifetimePeriods: 1, throughput: ["chat": 500])
        var scenario = E.scenario(workloads: [E.workload("chat", rate: 1000)], offerings: [.purchase(gpu), .api(E.api("api", serves: ["chat"]))])
        scenario.demandCases = [("low", 0.25, 0.6), ("base", 0.5, 1.0), ("high", 0.25, 1.5)].map { name, probability, scale in
            DemandCase(name: name, probability: probability, demand: ["chat": [scale * 1000 * E.yearSeconds]])
        }
        scenario.risk = risk
        return scenario
    }

    private func buying(_ units: Double) -> PlanInput {
        PlanInput(shape: .purchasesOnly, name: "buy \(units)", arrivals: ["gpu": [units]], reservedUnits: [:], onDemandUnits: [:],
                  otherRentals: .optimize, served: [:], unserved: [:])
    }

    private func close(_ a: Double?, _ b: Double) -> Bool { a.map { abs($0 - b) <= 1e-6 * max(1, abs(b)) } ?? false }

    @Test func oneUnitPaysTheAPIAboveIt() throws {
        // One unit serves 500 tokens/s; the API the rest at 31.536 USD per token/s:
        //   low 600:   10,000 + 100 · 31.536 = 13,153.6
        //   base 1000: 10,000 + 500 · 31.536 = 25,768
        //   high 1500: 10,000 + 1000 · 31.536 = 41,536
        // expected 0.25 · 13,153.6 + 0.5 · 25,768 + 0.25 · 41,536 = 3,288.4 + 12,884 + 10,384 = 26,556.4.
        // RP buys 2 (MathProgTwinTwoStageTests): 20,000, 20,000, 35,768, expected 23,942:
        // +2,614.4 (10.92%); per case −6,846.4, +5,768, +5,768. CVaR at 0.9 (tail 0.1, inside
        // the high case): 41,536 against 35,768.
        let report = try PlanEvaluationRun.evaluate(scenario(), input: buying(1))
        #expect(report.status == .feasible)
        let cases = try #require(report.cases)
        #expect(cases.cases.map(\.name) == ["low", "base", "high"])
        #expect(cases.cases.map(\.status) == [.feasible, .feasible, .feasible])
        let costs = cases.cases.map { $0.plan?.discountedCost ?? .nan }
        #expect(close(costs[0], 13_153.6) && close(costs[1], 25_768) && close(costs[2], 41_536), "\(costs)")
        // API tokens: 100, 500 and 1000 tokens/s for the year.
        let api = cases.cases.map { $0.plan?.apiTokens ?? .nan }
        #expect(close(api[0], 100 * E.yearSeconds) && close(api[1], 500 * E.yearSeconds) && close(api[2], 1000 * E.yearSeconds), "\(api)")
        #expect(close(cases.expectedCost, 26_556.4))
        #expect(close(cases.optimalExpectedCost, 23_942))
        #expect(close(cases.expectedCostDifference, 2_614.4))
        #expect(close(cases.relativeDifference, 2_614.4 / 23_942))
        let differences = cases.cases.map { $0.difference ?? .nan }
        #expect(close(differences[0], -6_846.4) && close(differences[1], 5_768) && close(differences[2], 5_768), "\(differences)")
        #expect(close(cases.cvar, 41_536) && close(cases.optimalCVaR, 35_768))
        // The one-scenario parts are absent; the text has the cases' table and the comparison.
        #expect(report.plan == nil && report.comparison == nil && report.optimal == nil)
        let text = PlanEvaluationRun.text(report)
        #expect(text.contains("completed in every demand case"), "\(text)")
        #expect(text.contains("  high         0.25  completed  $31,536  $41,536            $35,768      $5,768\n"), "\(text)")
        #expect(text.contains("expected cost $26,556 vs the two-stage optimum's (RP) $23,942: +$2,614 (10.92%)"), "\(text)")
    }

    @Test func twoUnitsAgainstARiskAverseOptimum() throws {
        // λ = 2, α = 0.75: the optimum buys 3 (30,000 in every case, CVaR 30,000). Two units pay
        // the API in the high case only: 20,000 + 500 · 31.536 = 35,768; expected 23,942, below
        // RP's 30,000 (−6,058), but CVaR_0.75 (the high case) 35,768 against 30,000: the
        // objective 23,942 + 2 · 35,768 = 95,478 against 90,000.
        let report = try PlanEvaluationRun.evaluate(scenario(risk: RiskPolicy(cvarWeight: 2, cvarLevel: 0.75)), input: buying(2))
        let cases = try #require(report.cases)
        let api = cases.cases.map { $0.plan?.apiTokens ?? .nan }
        #expect(api[0] == 0 && api[1] == 0 && close(api[2], 500 * E.yearSeconds), "\(api)")
        #expect(close(cases.expectedCost, 23_942) && close(cases.optimalExpectedCost, 30_000))
        #expect(close(cases.expectedCostDifference, -6_058))
        #expect(close(cases.cvar, 35_768) && close(cases.optimalCVaR, 30_000))
        #expect(cases.cvarWeight == 2 && cases.cvarLevel == 0.75)
        #expect(report.notes.contains { $0.contains("CVaR") })
    }

    @Test func aFleetThatCannotServeACaseWithoutTheAPI() throws {
        // Without the API and with whole units, one unit cannot serve any case (600 > 500): every
        // case cannot be completed, no expected cost; the least unmet demand in low is 100 tokens/s.
        var scenario = scenario()
        scenario.offerings.removeLast()
        let report = try PlanEvaluationRun.evaluate(scenario, input: buying(1), options: {
            var options = PlanEvaluationOptions()
            options.compareWithOptimal = false
            return options
        }())
        #expect(report.status == .infeasible)
        let cases = try #require(report.cases)
        #expect(cases.cases.map(\.status) == [.infeasible, .infeasible, .infeasible])
        #expect(cases.expectedCost == nil)
        #expect(close(cases.cases[0].unmetDemand.first?.tokensPerSecond, 100))
        #expect(close(cases.cases[2].unmetDemand.first?.tokensPerSecond, 1000))
    }

    @Test func contractsAreFirstStage() throws {
        // The API with a committed-use contract at 50% off and no minimum. Two units leave the
        // API 500 tokens/s in the high case only (15,768 at list). Without apiCommitments the
        // plan takes no contract in any case: 20,000, 20,000, 35,768, expected 23,942 (a note
        // says so). With the contract: 20,000 + 7,884 = 27,884 in high, expected
        // 5,000 + 10,000 + 6,971 = 21,971.
        var scenario = scenario()
        guard case .api(var api) = scenario.offerings[1] else { Issue.record("no API"); return }
        api.committedUse = CommittedUse(discount: 0.5, minSpendPerPeriod: 0)
        scenario.offerings[1] = .api(api)
        var options = PlanEvaluationOptions()
        options.compareWithOptimal = false
        let without = try PlanEvaluationRun.evaluate(scenario, input: buying(2), options: options)
        #expect(close(without.cases?.expectedCost, 23_942))
        #expect(without.notes.contains { $0.contains("no committed-use contract is taken in any case") }, "\(without.notes)")
        var taking = buying(2)
        taking.apiCommitments = ["api"]
        let with = try PlanEvaluationRun.evaluate(scenario, input: taking, options: options)
        #expect(close(with.cases?.expectedCost, 21_971))
        #expect(close(with.cases?.cases[2].plan?.discountedCost, 27_884))
    }

    @Test func aFullPlanIsRefused() {
        var full = buying(2)
        full.shape = .full
        full.served = ["gpu": ["chat": [[1000]]]]
        #expect(throws: CasePlanShapeError.self) { try PlanEvaluationRun.evaluate(scenario(), input: full) }
    }

    @Test func withoutCasesNothingChanges() throws {
        var plain = scenario()
        plain.demandCases = []
        var options = PlanEvaluationOptions()
        options.compareWithOptimal = false
        let report = try PlanEvaluationRun.evaluate(plain, input: buying(2), options: options)
        #expect(report.cases == nil)
        #expect(close(report.plan?.discountedCost, 20_000))
        #expect(!(try PlanEvaluationRun.json(report)).contains("\"cases\""))
    }
}
