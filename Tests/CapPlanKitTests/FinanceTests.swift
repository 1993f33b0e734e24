// Cash flow, depreciation and attribution (docs/finance.md) against figures computed by hand
// for a two-workload, two-year scenario, and on solved plans: attributed costs sum to the total.

import Foundation
import Testing
@testable import CapPlanKit

enum FinanceExample {
    // chat: 1000 tokens/s all year; code: 200 tokens/s. One server (60,000 USD, 2 years, 1 kW,
    // 1,000 USD/year opex) serves chat at 1000 tokens/s per unit or code at 500; the API serves
    // chat at 2 USD/MTok (input 1, output 3, half output). Electricity 0.1 USD/kWh, PUE 1.5.
    static let seconds = 8760.0 * 3600  // a year

    static func scenario(_ accounting: CapexAccounting) -> Scenario {
        Scenario(
            name: "finance example", horizon: Horizon(start: PeriodLabel("2027")!, periods: 2),
            discountRate: 0, capexAccounting: accounting,
            timeSlices: [TimeSlice(name: "all-day", hours: 24, share: 1)],
            workloads: [
                Workload(id: "chat", outputShare: 0.5, model: nil, demand: [1000 * seconds, 1000 * seconds]),
                Workload(id: "code", outputShare: 0.5, model: nil, demand: [200 * seconds, 200 * seconds]),
            ],
            offerings: [
                .purchase(PurchaseOffering(id: "srv", unitPrice: 60_000, lifetimePeriods: 2, powerKW: 1, opexPerUnitPeriod: 1000,
                                           throughput: ["chat": 1000, "code": 500])),
                .api(APIOffering(id: "api", inputPricePerMTok: 1, outputPricePerMTok: 3, serves: ["chat"])),
            ],
            site: Site(electricityPricePerKWh: 0.1, pue: 1.5), policy: Policy(utilizationCap: 0.8))
    }

    // One server from 2027; on it chat 400 tokens/s (0.4 of a unit) and code 200 (0.4): 80% busy.
    static let decisions = PlanDecisions(
        arrivals: ["srv": [1, 0]],
        served: ["srv": ["chat": [[400], [400]], "code": [[200], [200]]], "api": ["chat": [[600], [600]]]])

    /// The plan document of these decisions, with the evaluator's cost lines.
    static func plan(_ accounting: CapexAccounting) -> (PlanDocument, PlanEvaluation) {
        let scenario = scenario(accounting)
        let evaluation = PlanEvaluator(scenario: scenario).evaluate(decisions)
        func lines(_ c: CostBreakdown) -> PlanDocument.CostLines {
            .init(capex: c.capex, energy: c.energy, fixedOpex: c.fixedOpex, rental: c.rental, api: c.api,
                  unservedPenalty: c.unservedPenalty, total: c.total)
        }
        let document = PlanDocument(
            scenario: .init(name: scenario.name, capexAccounting: accounting, discountRate: 0, integerUnits: false),
            status: .optimal,
            solver: .init(version: "5.0", method: .simplex, termination: "optimal", glpkReturnCode: "0", glpkStatus: "GLP_OPT",
                          rows: 0, columns: 0, nonzeros: 0, integerColumns: 0, relaxed: false, reductions: [],
                          simplexIterations: 0, nodes: 0),
            horizon: .init(start: "2027", kind: .year, periods: 2, periodLabels: ["2027", "2028"], hoursPerPeriod: 8760,
                           timeSlices: [.init(name: "all-day", hours: 24, share: 1)]),
            totals: nil,
            purchases: [.init(offering: "srv", period: "2027", orderPeriod: "2027", units: 1, accelerators: 0, capex: 60_000)],
            periods: evaluation.periods.map {
                .init(period: $0.label, discountFactor: 1, cost: lines($0.cost), discountedCost: lines($0.discountedCost),
                      fleet: [], rentals: [], workloads: [])
            },
            warnings: [])
        return (document, evaluation)
    }
}

@Suite struct FinanceTests {
    // Per year: owned cost 30,000 (60,000 / 2 years) + energy 1 × 1.5 × 8760 × 0.1 = 1,314 +
    // opex 1,000 = 32,314, shared 0.4 chat, 0.4 code, 0.2 idle; the API serves chat
    // 600 × 31,536,000 tokens at 2 USD/MTok = 37,843.20.
    @Test(arguments: [CapexAccounting.amortized, .cash])
    func attributionByHand(_ accounting: CapexAccounting) throws {
        let scenario = FinanceExample.scenario(accounting)
        let evaluation = PlanEvaluator(scenario: scenario).evaluate(FinanceExample.decisions)
        #expect(evaluation.isFeasible)
        let attribution = CostAttribution.attribute(scenario: scenario, decisions: FinanceExample.decisions, evaluation: evaluation)
        let chat = attribution.workloads[0], code = attribution.workloads[1]
        #expect(chat.workload == "chat" && code.workload == "code")
        #expect(abs(chat.cost.owned - 2 * 12_925.6) < 1e-6)
        #expect(abs(chat.cost.api - 2 * 37_843.2) < 1e-6)
        #expect(abs(code.cost.owned - 2 * 12_925.6) < 1e-6)
        #expect(code.cost.api == 0)
        #expect(abs(attribution.idle.owned - 2 * 6_462.8) < 1e-6)
        #expect(abs(chat.byPeriod[0] - 50_768.8) < 1e-6 && abs(chat.byPeriod[1] - 50_768.8) < 1e-6)
        #expect(abs(attribution.idleByPeriod[1] - 6_462.8) < 1e-6)
        // chat is served 1000 tokens/s for two years: 63,072 million tokens.
        #expect(abs(chat.tokensServed - 63_072e6) < 1e-3)
        #expect(abs(chat.costPerMillionTokens! - 101_537.6 / 63_072) < 1e-9)
        #expect(abs(code.costPerMillionTokens! - 25_851.2 / 12_614.4) < 1e-9)
        // The sum is the plan's undiscounted total in either accounting: 140,314.40.
        #expect(abs(attribution.total - 140_314.4) < 1e-6)
        #expect(abs(attribution.total - evaluation.totalCost) < 1e-6)
    }

    // Deposit 25% at order (2027), balance 400 days after arrival: 400 / 365 days per period
    // puts it one year later, in 2028. Running costs 1,314 + 1,000 + 37,843.20 = 40,157.20 a year.
    @Test func cashFlowByHand() throws {
        let (plan, _) = FinanceExample.plan(.cash)
        let terms = FinanceTerms(depositFraction: 0.25, balanceDelayDays: 400, fiscalYearStartMonth: 7)
        let cash = try FinanceComputation.cashFlow(plan, usefulLifePeriods: ["srv": 2], terms: terms)
        #expect(cash.periods.map(\.label) == ["2027", "2028"])
        #expect(abs(cash.periods[0].capital - 15_000) < 1e-9 && abs(cash.periods[1].capital - 45_000) < 1e-9)
        #expect(abs(cash.periods[0].operating - 40_157.2) < 1e-6)
        #expect(abs(cash.periods[1].total - 85_157.2) < 1e-6)
        #expect(abs(cash.total - 140_314.4) < 1e-6)
        #expect(cash.salvageValue == 0)
        // A fiscal year starting in July holds January of its own year: 2027 is FY2027.
        #expect(cash.fiscalYears.map(\.label) == ["FY2027", "FY2028"])

        // Paid at delivery (the default): everything in 2027, none of it before the horizon.
        let atDelivery = try FinanceComputation.cashFlow(plan, usefulLifePeriods: ["srv": 2], terms: FinanceTerms())
        #expect(abs(atDelivery.periods[0].capital - 60_000) < 1e-9 && atDelivery.periods[1].capital == 0)
        #expect(atDelivery.periods.allSatisfy { $0.inHorizon })
    }

    @Test func ordersBeforeTheHorizonAndLateBalances() throws {
        var (plan, _) = FinanceExample.plan(.cash)
        plan.purchases[0].orderPeriod = "2026"
        let cash = try FinanceComputation.cashFlow(plan, usefulLifePeriods: ["srv": 2],
                                                   terms: FinanceTerms(depositFraction: 0.5, balanceDelayDays: 800))
        // Deposit 30,000 in 2026 (before the horizon), balance 30,000 in 2029 (after it).
        #expect(cash.periods.map(\.label) == ["2026", "2027", "2028", "2029"])
        #expect(cash.periods.map(\.inHorizon) == [false, true, true, false])
        #expect(cash.periods[0].capital == 30_000 && cash.periods[3].capital == 30_000)
        #expect(cash.periods[0].operating == 0)
    }

    // srv's own terms (half at order, the balance 400 days after delivery, a 4-year book life)
    // replace the defaults (all at delivery, the useful life).
    @Test func termsPerOffering() throws {
        let (plan, _) = FinanceExample.plan(.cash)
        let terms = FinanceTerms(offerings: ["srv": .init(depositFraction: 0.5, balanceDelayDays: 400, bookLifePeriods: 4)])
        let cash = try FinanceComputation.cashFlow(plan, usefulLifePeriods: ["srv": 2], terms: terms)
        #expect(cash.periods.map(\.capital) == [30_000, 30_000])
        let books = try FinanceComputation.depreciation(plan, usefulLifePeriods: ["srv": 2], terms: terms)
        #expect(books.expense == [15_000, 15_000] && books.writeOff == [0, 30_000])
        #expect(FinanceTerms(offerings: ["srv": .init(depositFraction: 2)]).problem == "offering srv: the deposit fraction must be in 0...1, got 2.0")
    }

    @Test func fiscalYears() {
        #expect(FinanceComputation.fiscalYear(of: PeriodLabel("2027Q3")!, startMonth: 7) == 2028)
        #expect(FinanceComputation.fiscalYear(of: PeriodLabel("2027Q2")!, startMonth: 7) == 2027)
        #expect(FinanceComputation.fiscalYear(of: PeriodLabel("2027-10")!, startMonth: 10) == 2028)
        #expect(FinanceComputation.fiscalYear(of: PeriodLabel("2027-09")!, startMonth: 10) == 2027)
        #expect(FinanceComputation.fiscalYear(of: PeriodLabel("2027Q4")!, startMonth: 1) == 2027)
    }

    // 60,000 over the useful life (2 years): 30,000 a year. Over a 4-year book life: 15,000 a
    // year, and the 30,000 left is written off when the server retires at the end of 2028.
    // Double-declining over 4 years (rate 0.5): 30,000, then max(15,000, 30,000 / 3) = 15,000,
    // and 15,000 written off.
    @Test func depreciationByHand() throws {
        let (plan, _) = FinanceExample.plan(.amortized)
        let useful = try FinanceComputation.depreciation(plan, usefulLifePeriods: ["srv": 2], terms: FinanceTerms())
        #expect(useful.cohorts.count == 1 && useful.cohorts[0].bookLifePeriods == 2)
        #expect(useful.expense == [30_000, 30_000] && useful.bookValue == [30_000, 0] && useful.writeOff == [0, 0])

        let long = try FinanceComputation.depreciation(plan, usefulLifePeriods: ["srv": 2], terms: FinanceTerms(bookLifePeriods: 4))
        #expect(long.expense == [15_000, 15_000] && long.writeOff == [0, 30_000] && long.bookValue == [45_000, 0])

        let declining = try FinanceComputation.depreciation(
            plan, usefulLifePeriods: ["srv": 2], terms: FinanceTerms(bookLifePeriods: 4, depreciation: .decliningBalance))
        #expect(declining.expense == [30_000, 15_000] && declining.writeOff == [0, 15_000])
        // The whole schedule reaches zero at the end of the book life.
        #expect(FinanceComputation.schedule(cost: 60_000, bookLife: 4, method: .decliningBalance, factor: 2) == [30_000, 15_000, 7_500, 7_500])
    }

    @Test func termsOutOfRangeAreRefused() {
        let (plan, _) = FinanceExample.plan(.cash)
        for terms in [FinanceTerms(depositFraction: 1.5), FinanceTerms(balanceDelayDays: -1), FinanceTerms(fiscalYearStartMonth: 13),
                      FinanceTerms(bookLifePeriods: 0)] {
            #expect(throws: FinanceError.self) {
                try FinanceComputation.finance(plan, usefulLifePeriods: ["srv": 2],
                                               attribution: Attribution(workloads: [], idle: .init(), idleByPeriod: [], total: 0), terms: terms)
            }
        }
    }

    // On solved plans: the attribution adds up to totals.cost, cash out to the paid lines, and
    // the salvage value to the plan's salvage credit under cash accounting.
    @Test(arguments: [CapexAccounting.amortized, .cash])
    func solvedPlanAddsUp(_ accounting: CapexAccounting) throws {
        var scenario = FinanceExample.scenario(accounting)
        scenario.discountRate = 0.1
        let plan = try Planner.plan(scenario, options: PlanOptions())
        let totals = try #require(plan.totals)
        let finance = try #require(plan.finance)
        #expect(abs(finance.attribution.total - totals.cost) <= 1e-9 * totals.cost)
        let paid = totals.capex + totals.energy + totals.fixedOpex + totals.rental + totals.api + totals.platform + totals.commitmentsBeyondHorizon
        if accounting == .cash {
            #expect(abs(finance.cashFlow.total - paid) <= 1e-9 * paid)
            #expect(abs(finance.cashFlow.salvageValue - totals.salvage) <= 1e-9 * max(1, totals.salvage))
        }
        #expect(abs(finance.cashFlow.capital - plan.purchases.reduce(0) { $0 + $1.capex }) < 1e-6)
        #expect(abs(finance.depreciation.expense.reduce(0, +) + finance.depreciation.bookValue.last! + finance.depreciation.writeOff.reduce(0, +)
                    - finance.cashFlow.capital) < 1e-6)
    }
}
