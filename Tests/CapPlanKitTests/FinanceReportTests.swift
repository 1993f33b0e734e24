// The report renderer on the hand-computed finance example (FinanceTests.swift): what the page
// and the Markdown say, in which order, and that it is the same bytes every time.

import Foundation
import Testing
@testable import CapPlanKit

@Suite struct FinanceReportTests {
    /// The example plan with totals and its finance section, and purchase lines out of order.
    static func inputs(name: String = "finance example") throws -> ReportInputs {
        var (plan, evaluation) = FinanceExample.plan(.cash)
        plan.scenario.name = name
        plan.totals = PlanDocument.Totals(
            discountedCost: evaluation.discountedCost, cost: evaluation.totalCost, capex: 60_000, energy: 2_628, fixedOpex: 2_000,
            rental: 0, api: 75_686.4, unservedPenalty: 0, salvage: 0,
            discounted: PlanExtraction.costLines(evaluation.discountedCostByComponent), discountedSalvage: 0,
            tokensDemanded: evaluation.tokensDemanded, tokensServed: evaluation.tokensServed, tokensUnserved: 0, costPerMillionTokens: nil)
        plan.purchases = [
            .init(offering: "srv", period: "2028", orderPeriod: "2028", units: 1, accelerators: 0, capex: 60_000),
            .init(offering: "srv", period: "2027", orderPeriod: "2027", units: 1, accelerators: 0, capex: 60_000),
        ]
        let scenario = FinanceExample.scenario(.cash)
        plan.finance = try FinanceComputation.finance(plan, scenario: scenario, decisions: FinanceExample.decisions, evaluation: evaluation)
        return ReportInputs(plan: plan)
    }

    @Test func markdownStatesCashAndSalvageApartAndListsPurchasesByOrderDate() throws {
        let markdown = try PlanHTMLReport.markdown(try Self.inputs())
        // Two servers at 60,000 paid on delivery; running costs 2 × 40,157.20.
        #expect(markdown.contains("- Cash out $200,314 undiscounted: purchases $120,000, running costs $80,314"))
        // The 2028 server has one of its two years left at the end: 30,000, not cash.
        #expect(markdown.contains("- Salvage value at the horizon's end $30,000: value left in the units, not cash"))
        let first = try #require(markdown.range(of: "| 2027 | 2027 | srv |")), second = try #require(markdown.range(of: "| 2028 | 2028 | srv |"))
        #expect(first.lowerBound < second.lowerBound)
        #expect(markdown.contains("| chat | $25,851 | $0 | $0 | $75,686 |"))
        #expect(markdown.contains("| idle capacity | $12,926 |"))
    }

    @Test func htmlIsTheSameBytesAndEscapesNames() throws {
        let a = try PlanHTMLReport.html(try Self.inputs(name: "<b>&co</b>"))
        let b = try PlanHTMLReport.html(try Self.inputs(name: "<b>&co</b>"))
        #expect(a == b)
        #expect(a.contains("Capacity plan: &lt;b&gt;&amp;co&lt;/b&gt;"))
        #expect(!a.contains("<b>&co"))
        // One bar per nonzero cost line and period: capex in 2027 (the periods are the evaluated
        // decisions: one server), energy, opex and API in both years.
        let costChart = try #require(a.range(of: "data-chart=\"cost\"")).lowerBound
        let end = try #require(a[costChart...].range(of: "</svg>")).lowerBound
        #expect(a[costChart..<end].components(separatedBy: "class=\"mark\"").count - 1 == 7)
    }

    @Test func otherTermsRedoTheCashFlow() throws {
        var inputs = try Self.inputs()
        inputs.terms = FinanceTerms(depositFraction: 0.25, balanceDelayDays: 400)
        let markdown = try PlanHTMLReport.markdown(inputs)
        // 2027: 15,000 deposit + 40,157.20; 2028: 45,000 + 15,000 + 40,157.20; 2029: 45,000 (after the horizon).
        #expect(markdown.contains("| 2027 | $15,000 | $40,157 | $55,157 |"))
        #expect(markdown.contains("| 2028 | $60,000 | $40,157 | $100,157 |"))
        #expect(markdown.contains("| 2029 (outside the horizon) | $45,000 | $0 | $45,000 |"))
    }

    @Test func planWithoutSolutionIsRefused() throws {
        var inputs = try Self.inputs()
        inputs.plan.totals = nil
        #expect(throws: ReportError.self) { try PlanHTMLReport.html(inputs) }
    }

    @Test func niceScale() {
        #expect(SVGChart.niceScale(0).top == 1)
        #expect(SVGChart.niceScale(3.7e6) == (top: 4e6, step: 1e6))
        #expect(SVGChart.niceScale(0.83) == (top: 1, step: 0.2))
    }
}
