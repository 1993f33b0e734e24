// Plan files (docs/evaluate-format.md) with section 11's entries: `deferred` flows of
// window-deferrable workloads and `apiCommitments`; read, refused with every error at once, and
// written back.

import Foundation
import Testing
@testable import CapPlanKit

@Suite("Evaluate input: deferred flows and API commitments")
struct EvaluateShapesInputTests {
    typealias E = ShapeExamples

    /// batch: 1000 tokens/s in each of the four 6-hour slices, deferrable by 6 hours (to the next
    /// slice); chat: deferrable within the day; the API `api` has a committed-use contract, `plain` none.
    var scenario: Scenario {
        var batch = E.workload("batch", rate: 1000)
        batch.deferral = Deferral(maxDelayHours: 6)
        var chat = E.workload("chat", rate: 0)
        chat.deferral = Deferral()
        var api = E.api("api", serves: ["batch", "chat"])
        api.committedUse = CommittedUse(discount: 0.1, minSpendPerPeriod: 100)
        return E.scenario(slices: E.quarters, workloads: [batch, chat], offerings: [.api(api), .api(E.api("plain", serves: ["batch"]))])
    }

    private func load(_ text: String) throws -> PlanInput {
        try PlanInputLoader.load(text: text, fileName: "plan.yaml", scenario: scenario).input
    }

    private let validPlan = """
        purchases: []
        served:
          - {offering: api, workload: batch, period: "2027", tokensPerSecond: 1000}
        deferred:
          - {workload: batch, period: "2027", from: night, to: morning, rate: 1000}
          - {workload: batch, period: "2027", from: morning, to: afternoon, rate: 1000}
          - {workload: batch, period: "2027", from: afternoon, to: evening, rate: 1000}
          - {workload: batch, period: "2027", from: evening, to: night, rate: 1000}
        apiCommitments: [api]

        """

    @Test func flowsAndCommitmentsAreRead() throws {
        let input = try load(validPlan)
        #expect(input.shape == .full)
        #expect(input.deferred["batch"] == [[[0, 1000, 0, 0], [0, 0, 1000, 0], [0, 0, 0, 1000], [1000, 0, 0, 0]]])
        #expect(input.apiCommitments == ["api"])
        // 1000 tokens/s all year at 1 USD/MTok: list 31,536; with the contract 0.9 · 31,536 = 28,382.4 ≥ 100.
        let evaluation = PlanEvaluator(scenario: scenario).evaluate(input.fixedDecisions)
        #expect(evaluation.violations.isEmpty, "\(evaluation.violations)")
        #expect(nearlyEqual(evaluation.totalCost, 28_382.4))
    }

    @Test func badEntriesAreAllReported() {
        let text = """
            purchases: []
            deferred:
              - {workload: chat, period: "2027", from: night, to: morning, rate: 1}
              - {workload: nobody, period: "2027", from: night, to: morning, rate: 1}
              - {workload: batch, period: "2027", from: dusk, to: morning, rate: 1}
              - {workload: batch, period: "2027", from: night, to: afternoon, rate: 1}
              - {workload: batch, period: "2027", from: night, to: morning, rate: -1}
              - {workload: batch, period: "2027", from: night, to: morning}
            apiCommitments: [plain, nope, api, api]

            """
        #expect {
            try load(text)
        } throws: { error in
            guard let error = error as? PlanInputError else { return false }
            let paths = error.diagnostics.map(\.path)
            #expect(paths == ["deferred[0].workload", "deferred[1].workload", "deferred[2].from", "deferred[3].to",
                              "deferred[4].rate", "deferred[5].rate", "apiCommitments[0]", "apiCommitments[1]", "apiCommitments[3]"],
                    "\(error)")
            let messages = error.diagnostics.map(\.message)
            #expect(messages[0].contains("deferrable within the day"), "\(messages[0])")
            #expect(messages[3].contains("within 6 hours of night") && messages[3].contains("in reach: night, morning"), "\(messages[3])")
            #expect(messages[6].contains("plain offers no committedUse contract"), "\(messages[6])")
            #expect(messages[8].contains("duplicate"), "\(messages[8])")
            return true
        }
    }

    @Test func aWrittenPlanReadsBackTheSame() throws {
        let input = try load(validPlan)
        let yaml = PlanInputWriter.fullPlanYAML(scenario: scenario, decisions: input.fixedDecisions)
        #expect(yaml.contains("deferred:\n  - {workload: batch, period: 2027, from: night, to: morning, rate: 1000}\n"), "\(yaml)")
        #expect(yaml.contains("apiCommitments: [api]\n"), "\(yaml)")
        let again = try load(yaml)
        #expect(again.fixedDecisions == input.fixedDecisions)
    }
}

@Suite("Evaluate: completing purchases-only plans with section 11")
struct PlanCompletionShapesTests {
    typealias E = ShapeExamples

    /// The API at 1 USD/MTok with a contract (20 % off, at least 20,000 a year) and another at 0.9.
    func committed(rate: Double) -> Scenario {
        var api = E.api("api", serves: ["chat"])
        api.committedUse = CommittedUse(discount: 0.2, minSpendPerPeriod: 20_000)
        return E.scenario(workloads: [E.workload("chat", rate: rate)], offerings: [.api(api), .api(E.api("other", price: 0.9, serves: ["chat"]))])
    }

    private func complete(_ scenario: Scenario, _ text: String) throws -> PlanCompletionResult {
        let input = try PlanInputLoader.load(text: text, fileName: "plan.yaml", scenario: scenario).input
        return try PlanCompletion.complete(scenario, input: input)
    }

    @Test func theCompletionTakesAContractWhereItIsCheaperUnlessThePlanSays() throws {
        // 1000 tokens/s: the contract costs 0.8 · 31,536 = 25,228.8, the other API 28,382.4.
        let chosen = try complete(committed(rate: 1000), "purchases: []\n")
        #expect(chosen.outcome == .completed)
        #expect(nearlyEqual(chosen.objective ?? 0, 25_228.8))
        #expect(chosen.decisions?.apiCommitments == ["api"])
        // The plan takes none: the other API.
        let none = try complete(committed(rate: 1000), "purchases: []\napiCommitments: []\n")
        #expect(nearlyEqual(none.objective ?? 0, 28_382.4))
        #expect(none.decisions?.apiCommitments == [])
        // 500 tokens/s with the contract forced: max(20,000, 0.8 · 15,768) = 20,000 (the other
        // API would cost 14,191.2).
        let forced = try complete(committed(rate: 500), "purchases: []\napiCommitments: [api]\n")
        #expect(nearlyEqual(forced.objective ?? 0, 20_000))
        #expect(forced.decisions?.apiCommitments == ["api"])
    }

    @Test func aCompletedWindowPlanStatesItsFlowsAndReadsBack() throws {
        // The six-hour window case of the twin tests: one unit bought, the afternoon's batch on the
        // API (3,942), the evening's moved to the night: 13,942.
        var chat = E.workload("chat", rate: 500)
        chat.profile = [0, 0, 0.5, 0.5]
        var batch = E.workload("batch", rate: 250)
        batch.deferral = Deferral(maxDelayHours: 6)
        let gpu = PurchaseOffering(id: "gpu", unitPrice: 10_000, lifetimePeriods: 1, throughput: ["chat": 1000, "batch": 1000])
        let scenario = E.scenario(slices: E.quarters, workloads: [chat, batch],
                                  offerings: [.purchase(gpu), .api(E.api("api", price: 2, serves: ["chat", "batch"]))])
        let result = try complete(scenario, "purchases: [{offering: gpu, period: \"2027\", units: 1}]\n")
        #expect(result.outcome == .completed)
        #expect(nearlyEqual(result.objective ?? 0, 13_942))
        let decisions = try #require(result.decisions)
        #expect(decisions.deferred["batch"] != nil)
        let yaml = PlanInputWriter.fullPlanYAML(scenario: scenario, decisions: decisions)
        let again = try PlanInputLoader.load(text: yaml, fileName: "plan.yaml", scenario: scenario).input
        let evaluation = PlanEvaluator(scenario: scenario).evaluate(again.fixedDecisions)
        #expect(evaluation.violations.isEmpty, "\(evaluation.violations)\n\(yaml)")
        #expect(nearlyEqual(evaluation.discountedCost, 13_942))
    }
}

@Suite("Evaluate: the committed-use line against the optimal plan")
struct PlanComparisonShapesTests {
    @Test func theContractLineExplainsTheDifference() throws {
        // 1000 tokens/s; the plan takes no contract: the other API, 28,382.4. The optimum takes it:
        // list 31,536, line −6,307.2, 25,228.8. Lines: api +(28,382.4 − 31,536) = −3,153.6,
        // apiCommitment +6,307.2; together the difference 3,153.6.
        let scenario = PlanCompletionShapesTests().committed(rate: 1000)
        let input = try PlanInputLoader.load(text: "purchases: []\napiCommitments: []\n", fileName: "plan.yaml", scenario: scenario).input
        let report = try PlanEvaluationRun.evaluate(scenario, input: input)
        let comparison = try #require(report.comparison)
        #expect(nearlyEqual(comparison.discountedCostDifference, 3_153.6))
        let line = try #require(comparison.byComponent.first { $0.component == .apiCommitment })
        #expect(nearlyEqual(line.plan, 0) && nearlyEqual(line.optimal, -6_307.2) && nearlyEqual(line.difference, 6_307.2))
        let api = try #require(comparison.byComponent.first { $0.component == .api })
        #expect(nearlyEqual(api.difference, -3_153.6))
        #expect(nearlyEqual(comparison.byComponent.map(\.difference).reduce(0, +), 3_153.6))
        #expect(PlanEvaluationRun.text(report).contains("API commitment"))
    }
}
