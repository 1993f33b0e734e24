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
