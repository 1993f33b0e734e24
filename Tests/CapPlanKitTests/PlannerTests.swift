// The planner (Sources/CapPlanKit/Planner) end to end: hand-computed costs of docs/formulation.md
// section 7, one test per constraint family showing it bind and change the plan, infeasibility
// diagnosis, the shipped examples against glpsol (exported MPS and the MathProg twin), and
// byte-identical JSON. glpsol is required: without it the example tests fail (`make test`
// installs it).

import Foundation
import XCTest
@testable import CapPlanKit
import LinearProgramming

/// Small hand-built scenarios: one workload `chat`, one slice, years 2027 and 2028 (unless said
/// otherwise), ρ = 0, U = 1, electricity 0.1 USD/kWh at PUE 1.5.
///
/// Reference numbers: a slice-year is 31 536 000 s; the API `api` costs 2 USD/MTok, i.e.
/// 63 072 USD per (1000 tokens/s) and year; a `srv` unit (60 000 USD, 2 years, 1 kW, 1000 USD
/// opex, 1000 tokens/s) costs 30 000 + 1314 + 1000 = 32 314 USD per year in service (amortized).
enum PlannerScenarios {
    static let secondsPerYear = 31_536_000.0
    /// r = 1000 and 2000 tokens/s.
    static let demand = AuditExamples.chatDemand

    static func server(
        price: Double = 60_000, lifetime: Int = 2, powerKW: Double = 1, opex: Double = 1000, availableFromIndex: Int = 0,
        leadTime: Int = 0, maxUnitsPerPeriod: Double? = nil, existingUnits: Double = 0
    ) -> PurchaseOffering {
        PurchaseOffering(
            id: "srv", unitPrice: price, lifetimePeriods: lifetime, powerKW: powerKW, opexPerUnitPeriod: opex,
            throughput: ["chat": 1000], availableFromIndex: availableFromIndex, leadTimePeriods: leadTime,
            maxUnitsPerPeriod: maxUnitsPerPeriod, existingUnits: existingUnits)
    }

    static func api(id: String = "api", input: Double = 1, output: Double = 3, limit: Double? = nil) -> APIOffering {
        APIOffering(id: id, inputPricePerMTok: input, outputPricePerMTok: output, serves: ["chat"], maxTokensPerSecond: limit)
    }

    static func make(
        offerings: [Offering], demand: [Double] = demand, discountRate: Double = 0, accounting: CapexAccounting = .amortized,
        site: Site = Site(electricityPricePerKWh: 0.1, pue: 1.5), budget: Budget = Budget(), policy: Policy = Policy(utilizationCap: 1)
    ) -> Scenario {
        Scenario(
            name: "planner test", horizon: Horizon(start: PeriodLabel("2027")!, periods: demand.count),
            discountRate: discountRate, capexAccounting: accounting,
            workloads: [Workload(id: "chat", outputShare: 0.5, model: nil, demand: demand)],
            offerings: offerings, site: site, budget: budget, policy: policy)
    }

    /// `srv` and `api`: the plan is n = (1, 2), no API, 32 314 + 64 628 = 96 942 USD.
    static var base: Scenario { make(offerings: [.purchase(server()), .api(api())]) }

    /// A power cap of 1 kW and an API limited to 500 tokens/s against 2000 tokens/s in 2028
    /// (U = 0.8 as in the worked example): 800 + 500 < 2000, infeasible in 2028 only.
    static var infeasible: Scenario {
        make(
            offerings: [.purchase(server(opex: 0)), .api(api(limit: 500))],
            site: Site(electricityPricePerKWh: 0.1, pue: 1.5, powerCapKW: [1, 1]), policy: Policy(utilizationCap: 0.8))
    }
}

final class PlannerTests: XCTestCase {
    // MARK: Helpers

    func optimalPlan(_ scenario: Scenario, options: PlanOptions = PlanOptions(), file: StaticString = #filePath, line: UInt = #line) throws -> PlanDocument {
        let plan = try Planner.plan(scenario, options: options)
        XCTAssertEqual(plan.status, .optimal, "\(scenario.name): \(plan.diagnosis?.summary ?? "")", file: file, line: line)
        return plan
    }

    /// Units arriving per period label, for one offering.
    func arrivals(_ plan: PlanDocument, _ offering: String = "srv") -> [String: Double] {
        var result: [String: Double] = [:]
        for purchase in plan.purchases where purchase.offering == offering { result[purchase.period, default: 0] += purchase.units }
        return result
    }

    /// Tokens of `chat` served by `offering` in period `p` (0-based).
    func served(_ plan: PlanDocument, _ offering: String, _ p: Int) -> Double {
        plan.periods[p].workloads.first { $0.workload == "chat" }?.servedTokens[offering] ?? 0
    }

    func unitsInService(_ plan: PlanDocument, _ p: Int, _ offering: String = "srv") -> Double {
        plan.periods[p].fleet.first { $0.offering == offering }?.unitsInService ?? 0
    }

    /// Tokens of a rate held for a year.
    func yearTokens(_ rate: Double) -> Double { rate * PlannerScenarios.secondsPerYear }

    func assertClose(_ actual: Double?, _ expected: Double, relative: Double = 1e-6, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
        guard let actual else { return XCTFail("nil, expected \(expected) \(message)", file: file, line: line) }
        XCTAssertTrue(abs(actual - expected) <= relative * max(1, abs(expected)), "\(actual) != \(expected) \(message)", file: file, line: line)
    }

    // MARK: Hand-computed small cases (docs/formulation.md, section 7)

    func testWorkedExampleAmortizedDiscounted() throws {
        let plan = try optimalPlan(AuditExamples.worked(.amortized))
        let totals = try XCTUnwrap(plan.totals)
        assertClose(totals.discountedCost, 126_616.4)
        assertClose(totals.cost, 134_785.2)
        assertClose(plan.audit?.solverObjective, 126_616.4)
        XCTAssertEqual(arrivals(plan), ["2027": 1, "2028": 1])
        XCTAssertEqual(totals.salvage, 0)
        let (p1, p2) = (plan.periods[0].cost, plan.periods[1].cost)
        assertClose(p1.capex, 30_000); assertClose(p1.energy, 1314); assertClose(p1.fixedOpex, 1000); assertClose(p1.api, 12_614.4)
        assertClose(p1.total, 44_928.4)
        assertClose(p2.capex, 60_000); assertClose(p2.energy, 2628); assertClose(p2.fixedOpex, 2000); assertClose(p2.api, 25_228.8)
        assertClose(p2.total, 89_856.8)
        assertClose(plan.periods[1].discountFactor, 1 / 1.1)
        assertClose(plan.periods[1].discountedCost.total, 81_688)
        assertClose(served(plan, "api", 0), yearTokens(200))
        assertClose(served(plan, "api", 1), yearTokens(400))
        assertClose(served(plan, "srv", 1), yearTokens(1600))
    }

    func testWorkedExampleCashDiscounted() throws {
        let plan = try optimalPlan(AuditExamples.worked(.cash))
        let totals = try XCTUnwrap(plan.totals)
        assertClose(totals.discountedCost, 131_823.01157024793)
        assertClose(totals.cost, 134_785.2)
        XCTAssertEqual(arrivals(plan), ["2027": 1, "2028": 1])
        assertClose(plan.periods[0].cost.capex, 60_000)
        assertClose(plan.periods[1].cost.capex, 60_000)
        assertClose(plan.periods[0].cost.total, 74_928.4)
        // The 2028 unit has one of its two years left after the horizon.
        assertClose(totals.salvage, 30_000)
        assertClose(totals.discountedSalvage, 30_000 / 1.21)
    }

    func testWorkedExampleUndiscountedBothAccountings() throws {
        for accounting in CapexAccounting.allCases {
            let plan = try optimalPlan(AuditExamples.worked(accounting, discountRate: 0))
            assertClose(plan.totals?.discountedCost, 134_785.2, "\(accounting)")
            assertClose(plan.totals?.cost, 134_785.2, "\(accounting)")
            XCTAssertEqual(arrivals(plan), ["2027": 1, "2028": 1], "\(accounting)")
            XCTAssertEqual(plan.periods.map(\.discountFactor), [1, 1])
        }
        let cash = try optimalPlan(AuditExamples.worked(.cash, discountRate: 0))
        assertClose(cash.totals?.salvage, 30_000)
        assertClose(cash.totals?.discountedSalvage, 30_000)
    }

    func testHandCasesBAndC() throws {
        assertClose(try optimalPlan(AuditExamples.caseB).totals?.discountedCost, 105_836.4)
        let c = try optimalPlan(AuditExamples.caseC)
        assertClose(c.totals?.discountedCost, AuditExamples.caseCObjective)
        XCTAssertTrue(c.purchases.isEmpty, "budget 0: nothing bought")
        assertClose(c.totals?.tokensUnserved, 500 * 91.25 * 8 * 3600)
        assertClose(try optimalPlan(AuditExamples.caseD).totals?.discountedCost, 189_216)
    }

    // MARK: One test per constraint family

    func testBaseCase() throws {
        let plan = try optimalPlan(PlannerScenarios.base)
        assertClose(plan.totals?.discountedCost, 96_942)
        XCTAssertEqual(arrivals(plan), ["2027": 1, "2028": 1])
        XCTAssertEqual(served(plan, "api", 0), 0)
        XCTAssertEqual(served(plan, "api", 1), 0)
        XCTAssertEqual(plan.purchases.map(\.orderPeriod), ["2027", "2028"])
    }

    func testPowerCapForcesAPIUse() throws {
        var capped = PlannerScenarios.base
        capped.site = Site(electricityPricePerKWh: 0.1, pue: 1.5, powerCapKW: [1, 1])
        let free = try optimalPlan(PlannerScenarios.base), plan = try optimalPlan(capped)
        XCTAssertEqual(unitsInService(free, 1), 2)
        XCTAssertEqual(unitsInService(plan, 1), 1, "the 1 kW cap allows one 1 kW unit")
        XCTAssertLessThanOrEqual(plan.periods[1].fleet.reduce(0) { $0 + $1.powerKW }, 1)
        XCTAssertEqual(served(free, "api", 1), 0)
        assertClose(served(plan, "api", 1), yearTokens(1000))
        assertClose(plan.totals?.discountedCost, 32_314 * 2 + 63_072)
    }

    func testLeadTimeDelaysPurchase() throws {
        let lead = PlannerScenarios.make(offerings: [.purchase(PlannerScenarios.server(leadTime: 1)), .api(PlannerScenarios.api())])
        let plan = try optimalPlan(lead)
        XCTAssertEqual(arrivals(plan), ["2028": 2], "nothing can arrive in 2027")
        XCTAssertEqual(plan.purchases.first?.orderPeriod, "2027", "ordered one period ahead")
        XCTAssertEqual(unitsInService(plan, 0), 0)
        assertClose(served(plan, "api", 0), yearTokens(1000))
        assertClose(plan.totals?.discountedCost, 63_072 + 64_628)
    }

    func testAvailableFromDelaysPurchase() throws {
        let later = PlannerScenarios.make(offerings: [.purchase(PlannerScenarios.server(availableFromIndex: 1)), .api(PlannerScenarios.api())])
        let plan = try optimalPlan(later)
        XCTAssertEqual(arrivals(plan), ["2028": 2])
        XCTAssertEqual(plan.purchases.first?.orderPeriod, "2028", "no lead time: ordered when it arrives")
        assertClose(served(plan, "api", 0), yearTokens(1000))
        assertClose(plan.totals?.discountedCost, 63_072 + 64_628)
    }

    /// Three years of 2000 tokens/s, 3-year units: without limits both units arrive in 2027.
    static func threeYears(budget: Budget = Budget(), maxUnitsPerPeriod: Double? = nil) -> Scenario {
        PlannerScenarios.make(
            offerings: [.purchase(PlannerScenarios.server(lifetime: 3, maxUnitsPerPeriod: maxUnitsPerPeriod)), .api(PlannerScenarios.api())],
            demand: [63_072_000_000, 63_072_000_000, 63_072_000_000], budget: budget)
    }

    func testCapitalBudgetSpreadsPurchases() throws {
        let free = try optimalPlan(Self.threeYears())
        XCTAssertEqual(arrivals(free), ["2027": 2])
        let plan = try optimalPlan(Self.threeYears(budget: Budget(capexPerPeriod: [60_000, 60_000, 60_000])))
        XCTAssertEqual(arrivals(plan), ["2027": 1, "2028": 1], "one unit's price per period")
        for purchase in plan.purchases { XCTAssertLessThanOrEqual(purchase.capex, 60_000) }
        assertClose(served(plan, "api", 0), yearTokens(1000))
        XCTAssertEqual(served(plan, "api", 1), 0)
        // 2027: one unit (20 000 + 2314) and the API for 1000 tokens/s; 2028, 2029: two units.
        assertClose(plan.totals?.discountedCost, 22_314 + 63_072 + 4 * 22_314)
    }

    func testMaxUnitsPerPeriodSpreadsPurchases() throws {
        let plan = try optimalPlan(Self.threeYears(maxUnitsPerPeriod: 1))
        XCTAssertEqual(arrivals(plan), ["2027": 1, "2028": 1])
        XCTAssertTrue(plan.purchases.allSatisfy { $0.units <= 1 })
        assertClose(served(plan, "api", 0), yearTokens(1000))
    }

    func testRentalMaxUnitsSendsOverflowToAPI() throws {
        func scenario(_ maxUnits: Double?) -> Scenario {
            PlannerScenarios.make(offerings: [
                .rental(RentalOffering(id: "cloud", pricePerUnitHour: 1, commitment: .period, maxUnits: maxUnits, throughput: ["chat": 1000])),
                .api(PlannerScenarios.api()),
            ])
        }
        let free = try optimalPlan(scenario(nil)), plan = try optimalPlan(scenario(1))
        XCTAssertEqual(free.periods.map { $0.rentals.first?.units }, [1, 2])
        XCTAssertEqual(served(free, "api", 1), 0)
        XCTAssertEqual(plan.periods.map { $0.rentals.first?.units }, [1, 1])
        assertClose(served(plan, "api", 1), yearTokens(1000))
        assertClose(plan.totals?.discountedCost, 2 * 8760 + 63_072)
    }

    func testAPIRateLimitForcesSecondAPI() throws {
        func scenario(_ limit: Double?) -> Scenario {
            PlannerScenarios.make(offerings: [
                .api(PlannerScenarios.api(limit: limit)), .api(PlannerScenarios.api(id: "premium", input: 5, output: 5)),
            ])
        }
        let free = try optimalPlan(scenario(nil)), plan = try optimalPlan(scenario(1500))
        XCTAssertEqual(served(free, "premium", 0) + served(free, "premium", 1), 0)
        XCTAssertEqual(served(plan, "premium", 0), 0, "1000 tokens/s fit under the limit")
        assertClose(served(plan, "api", 1), yearTokens(1500))
        assertClose(served(plan, "premium", 1), yearTokens(500))
        // 2 USD/MTok on 2500 tokens/s-years, 5 USD/MTok on 500.
        assertClose(plan.totals?.discountedCost, 31.536 * (2 * 2500 + 5 * 500))
    }

    func testExistingFleetIsUsedBeforeBuying() throws {
        let owned = PlannerScenarios.make(offerings: [.purchase(PlannerScenarios.server(existingUnits: 1)), .api(PlannerScenarios.api())])
        let free = try optimalPlan(PlannerScenarios.base), plan = try optimalPlan(owned)
        XCTAssertEqual(arrivals(free), ["2027": 1, "2028": 1])
        XCTAssertEqual(arrivals(plan), ["2028": 1], "the existing unit covers 2027")
        let fleet = try XCTUnwrap(plan.periods[0].fleet.first)
        XCTAssertEqual(fleet.existingUnits, 1)
        XCTAssertEqual(fleet.newUnits, 0)
        assertClose(fleet.averageUtilization, 1)
        XCTAssertEqual(served(plan, "api", 0), 0)
        // Existing units carry no capex but their running costs count.
        XCTAssertEqual(plan.periods[0].cost.capex, 0)
        assertClose(plan.periods[0].cost.energy, 1314)
        assertClose(plan.periods[0].cost.fixedOpex, 1000)
        assertClose(plan.totals?.discountedCost, 2314 + 2314 + 32_314)
    }

    /// Cash accounting: a unit (100 000 USD, 2 years) arriving in the last year is bought
    /// although its price exceeds the API cost it displaces (63 072): the salvage credit of half
    /// its price makes it worth 50 000. The 2027 unit ends with the horizon: no credit.
    func testSalvageCreditInCashMode() throws {
        let scenario = PlannerScenarios.make(
            offerings: [.purchase(PlannerScenarios.server(price: 100_000, powerKW: 0, opex: 0)), .api(PlannerScenarios.api())],
            discountRate: 0.1, accounting: .cash)
        let plan = try optimalPlan(scenario)
        XCTAssertEqual(arrivals(plan), ["2027": 1, "2028": 1])
        let totals = try XCTUnwrap(plan.totals)
        assertClose(totals.salvage, 50_000)
        assertClose(totals.discountedSalvage, 50_000 / 1.21)
        assertClose(totals.discountedCost, 100_000 + 100_000 / 1.1 - 50_000 / 1.21)
        assertClose(totals.cost, 200_000 - 50_000)
        XCTAssertGreaterThan(plan.purchases[1].capex, 63_072, "the late unit costs more than the API it replaces...")
        XCTAssertEqual(served(plan, "api", 1), 0, "...and is bought anyway, thanks to the salvage credit")
        // Amortized, the same unit costs 50 000 in 2027 and again in 2028: the same decisions, no salvage.
        var amortized = scenario
        amortized.capexAccounting = .amortized
        let straight = try optimalPlan(amortized)
        XCTAssertEqual(straight.totals?.salvage, 0)
        assertClose(straight.totals?.discountedCost, 50_000 + 100_000 / 1.1)
    }

    func testUtilizationCapLowersServedCapacity() throws {
        var capped = PlannerScenarios.base
        capped.policy = Policy(utilizationCap: 0.8)
        let free = try optimalPlan(PlannerScenarios.base), plan = try optimalPlan(capped)
        assertClose(served(free, "srv", 1), yearTokens(2000))
        XCTAssertEqual(unitsInService(plan, 1), 2)
        assertClose(served(plan, "srv", 1), yearTokens(1600), "two units at 80%")
        assertClose(served(plan, "api", 0), yearTokens(200))
        assertClose(served(plan, "api", 1), yearTokens(400))
        for period in plan.periods {
            for line in period.fleet { XCTAssertLessThanOrEqual(line.averageUtilization, 0.8 + 1e-9) }
        }
        assertClose(plan.totals?.discountedCost, 44_928.4 + 89_856.8)
    }

    func testUnservedPenaltyUsedWhenCheaper() throws {
        // Owning costs 32 314 / 31 536 ≈ 1.025 USD per million tokens, the API 2: a penalty of 0.5 wins.
        var cheap = PlannerScenarios.base
        cheap.policy = Policy(utilizationCap: 1, unservedPenaltyPerMTok: 0.5)
        let plan = try optimalPlan(cheap)
        XCTAssertTrue(plan.purchases.isEmpty)
        let demand = PlannerScenarios.demand.reduce(0, +)
        assertClose(plan.totals?.tokensUnserved, demand)
        XCTAssertEqual(plan.totals?.tokensServed, 0)
        assertClose(plan.totals?.discountedCost, 0.5 * demand / 1e6)
        assertClose(plan.totals?.unservedPenalty, 0.5 * demand / 1e6)
        // A penalty dearer than every option is never paid: the plan without a penalty.
        var dear = PlannerScenarios.base
        dear.policy = Policy(utilizationCap: 1, unservedPenaltyPerMTok: 5)
        let served = try optimalPlan(dear)
        XCTAssertEqual(served.totals?.tokensUnserved, 0)
        XCTAssertEqual(arrivals(served), ["2027": 1, "2028": 1])
        assertClose(served.totals?.discountedCost, 96_942)
    }

    // MARK: Infeasibility

    func testInfeasibleScenarioIsDiagnosed() throws {
        let plan = try Planner.plan(PlannerScenarios.infeasible)
        XCTAssertEqual(plan.status, .infeasible)
        XCTAssertNil(plan.totals)
        XCTAssertNil(plan.audit)
        XCTAssertTrue(plan.purchases.isEmpty)
        let diagnosis = try XCTUnwrap(plan.diagnosis)
        XCTAssertEqual(diagnosis.shortfalls.count, 1, diagnosis.summary)
        let shortfall = try XCTUnwrap(diagnosis.shortfalls.first)
        XCTAssertEqual(shortfall.workload, "chat")
        XCTAssertEqual(shortfall.period, "2028")
        XCTAssertEqual(shortfall.slice, "all-day")
        // 2000 − 0.8 · 1000 − 500 = 700 tokens/s short.
        assertClose(shortfall.tokensPerSecond, 700)
        assertClose(shortfall.tokens, yearTokens(700))
        XCTAssertTrue(shortfall.limits.contains { $0.hasPrefix("powerCap[2028]") }, "\(shortfall.limits)")
        XCTAssertTrue(shortfall.limits.contains { $0.hasPrefix("api.maxTokensPerSecond") }, "\(shortfall.limits)")
    }

    func testInfeasibleLeadTimeIsDiagnosed() throws {
        let scenario = PlannerScenarios.make(offerings: [.purchase(PlannerScenarios.server(leadTime: 1))])
        let plan = try Planner.plan(scenario)
        XCTAssertEqual(plan.status, .infeasible)
        let shortfall = try XCTUnwrap(plan.diagnosis?.shortfalls.first)
        XCTAssertEqual(plan.diagnosis?.shortfalls.count, 1)
        XCTAssertEqual(shortfall.period, "2027")
        assertClose(shortfall.tokensPerSecond, 1000)
        XCTAssertTrue(shortfall.limits.contains { $0.contains("srv") && $0.contains("leadTimePeriods") }, "\(shortfall.limits)")
    }

    /// 1500 tokens/s on `srv` units of 1000 tokens/s under a 1.5 kW cap, no API: 1.5 units
    /// would do (the LP relaxation is feasible), but one whole unit is too few and two draw 2 kW.
    static var wholeUnitsInfeasible: Scenario {
        PlannerScenarios.make(
            offerings: [.purchase(PlannerScenarios.server())], demand: [1500 * PlannerScenarios.secondsPerYear],
            site: Site(electricityPricePerKWh: 0.1, pue: 1.5, powerCapKW: [1.5]))
    }

    func testWholeUnitInfeasibilityNamesThePowerCapAndTheFeasibleRelaxation() throws {
        let plan = try Planner.plan(Self.wholeUnitsInfeasible)
        XCTAssertEqual(plan.status, .infeasible)
        let diagnosis = try XCTUnwrap(plan.diagnosis)
        XCTAssertTrue(diagnosis.summary.contains("not with whole units"), diagnosis.summary)
        let shortfall = try XCTUnwrap(diagnosis.shortfalls.first, diagnosis.summary)
        // One whole unit serves 1000 of the 1500 tokens/s.
        assertClose(shortfall.tokensPerSecond, 500)
        XCTAssertTrue(shortfall.limits.contains { $0.hasPrefix("powerCap[2027]") }, "\(shortfall.limits)")
        // Continuous units serve everything.
        var relaxed = PlanOptions()
        relaxed.relax = true
        XCTAssertEqual(try Planner.plan(Self.wholeUnitsInfeasible, options: relaxed).status, .optimal)
    }

    /// A branch-and-cut stopped by a node limit with the same scenario: no incumbent, and the
    /// least-unmet-demand MIP proves that none exists.
    func testBudgetStopWithoutAWholeUnitPlanProvesInfeasibility() throws {
        var options = PlanOptions()
        options.roundUpStart = false
        options.mip.nodeLimit = 1
        let plan = try Planner.plan(Self.wholeUnitsInfeasible, options: options)
        XCTAssertEqual(plan.status, .infeasible)
        XCTAssertTrue(plan.diagnosis?.summary.contains("not with whole units") ?? false, "\(String(describing: plan.diagnosis))")
    }

    /// 1500 tokens/s, `srv` far cheaper than the API: the relaxation buys 1.5 units. A node
    /// limit of 1 without the rounding start leaves branch-and-cut without a plan; the planner
    /// then offers the rounding candidates and returns an audited whole-unit plan with its gap
    /// and a warning that says where it came from.
    func testBudgetStopWithoutIncumbentGivesTheAuditedHeuristicPlan() throws {
        let scenario = PlannerScenarios.make(
            offerings: [.purchase(PlannerScenarios.server()), .api(PlannerScenarios.api(input: 10, output: 30))],
            demand: [1500 * PlannerScenarios.secondsPerYear, 1500 * PlannerScenarios.secondsPerYear])
        var options = PlanOptions()
        options.roundUpStart = false
        options.mip.nodeLimit = 1
        options.baselines = false
        let plan = try Planner.plan(scenario, options: options)
        // Two units are optimal here, and the root node of the heuristic's solve proves it.
        XCTAssertEqual(plan.status, .optimal, "\(plan.warnings)")
        XCTAssertNotNil(plan.audit)
        XCTAssertFalse(plan.purchases.isEmpty)
        for purchase in plan.purchases { XCTAssertEqual(purchase.units, purchase.units.rounded(), "whole units") }
        XCTAssertTrue(plan.warnings.contains { $0.contains("rounding heuristic's (fleet rounded up)") }, "\(plan.warnings)")
        XCTAssertEqual(try XCTUnwrap(plan.solver.mipGap), 0)
        // Whatever the stop, never more than the optimum's cost plus the reported gap.
        let optimum = try Planner.plan(scenario, options: { var o = PlanOptions(); o.baselines = false; return o }())
        let cost = try XCTUnwrap(plan.totals?.discountedCost), best = try XCTUnwrap(optimum.totals?.discountedCost)
        XCTAssertGreaterThanOrEqual(cost, best * (1 - 1e-9))
    }

    /// No time left for the extras (no main limit, an extras budget of 0): every baseline and
    /// the price thresholds say so instead of running.
    func testExtrasOutOfBudgetSaySo() throws {
        var options = PlanOptions()
        options.timeLimit = .infinity
        options.extrasTimeLimit = 0
        options.priceThresholds = true
        let plan = try Planner.plan(PlannerScenarios.base, options: options)
        XCTAssertEqual(plan.status, .optimal)
        let baselines = try XCTUnwrap(plan.baselines)
        // (No rental serves chat: the rent-only baseline needs no solve to say it has no plan.)
        for baseline in [baselines.allAPI, baselines.noAPI] {
            XCTAssertNil(baseline.discountedCost)
            XCTAssertTrue(baseline.unavailable?.contains("not computed: time budget") ?? false, "\(baseline)")
        }
        XCTAssertNil(plan.priceThresholds)
        XCTAssertTrue(plan.warnings.contains("price thresholds not computed: time budget"), "\(plan.warnings)")
    }

    /// The cancellation token reaches the extras: a cancelled plan runs none of them.
    func testCancellationReachesTheExtras() throws {
        var options = PlanOptions()
        options.mip.cancellation = SolveCancellation()
        options.mip.cancellation?.cancel()
        options.priceThresholds = true
        let plan = try Planner.plan(PlannerScenarios.base, options: options)
        if let baselines = plan.baselines {
            XCTAssertTrue(baselines.noAPI.unavailable?.contains("time budget") ?? false, "\(baselines.noAPI)")
        }
        XCTAssertNil(plan.priceThresholds)
    }

    // MARK: Numerics (regressions)

    /// The small generated scenario of seed 1 (four slices, two workloads, purchases with a
    /// power cap and budget, rentals, APIs) with the demand of every workload in period p set to
    /// `tokens(p)`: the mix where these cases were found.
    static func numericsScenario(_ tokens: (Int) -> Double) -> Scenario {
        // Without section 8's draws: whole replicas per slice keep small seed 1 from closing in
        // the default minute, and these tests are about numerics.
        var scenario = ScenarioGenerator(size: .small, seed: 1, procurementFeatures: false).scenario()
        scenario.workloads = scenario.workloads.map { workload in
            Workload(id: workload.id, outputShare: workload.outputShare, model: workload.model,
                     demand: (0..<scenario.horizon.periods).map(tokens))
        }
        return scenario
    }

    /// 1e21 tokens a period (3.2e13 tokens/s): once called infeasible by the dual simplex, and
    /// the threshold re-solves ran without limit. Now a plan, with every extra bounded.
    func testDemandOf1e21TokensAPeriodGivesAPlan() throws {
        let scenario = Self.numericsScenario { _ in 1e21 }
        var options = PlanOptions()
        options.priceThresholds = true
        let plan = try Planner.plan(scenario, options: options)
        XCTAssertTrue(plan.status == .optimal || plan.status == .feasible, "\(plan.status): \(String(describing: plan.diagnosis))")
        XCTAssertNotNil(plan.audit)
        XCTAssertTrue(plan.priceThresholds != nil || plan.warnings.contains { $0.hasPrefix("price thresholds not computed") })
    }

    /// Demand growing 100x a period, whole units: the rounding start's restoring simplex once
    /// left no optimal relaxation and branch-and-cut failed with GLP_EROOT (exit 4).
    func testDemandGrowing100xAPeriodGivesAPlan() throws {
        let scenario = Self.numericsScenario { p in 1e6 * pow(100, Double(p)) }
        let plan = try Planner.plan(scenario)
        XCTAssertEqual(plan.status, .optimal)
        XCTAssertNotNil(plan.audit)
    }

    /// A period of 24 tokens next to periods of 3e11: the solver leaves the small row short
    /// within its (scaled) tolerance, which the audit must accept; a real shortfall it must not.
    func testTinyPeriodNextToHugeOnesPassesTheAudit() throws {
        let scenario = Self.numericsScenario { p in p == 2 ? 24 : 3e11 }
        let plan = try Planner.plan(scenario)
        XCTAssertEqual(plan.status, .optimal)
        XCTAssertNotNil(plan.audit)
        let model = CapacityModelBuilder.buildModel(scenario)
        let within = ConstraintViolation(family: .demand, workload: "chat", period: "2028", amount: 1e-6, message: "short")
        let beyond = ConstraintViolation(family: .demand, workload: "chat", period: "2028", amount: 1, message: "short")
        XCTAssertEqual(Planner.auditedViolations([within, beyond], model: model, tolerance: 1e-6), [beyond])
    }

    // MARK: Exact strengthening

    /// Units in service declared integer (whole units, whole existing fleets) remove no plan:
    /// on generated scenarios the optimum equals the plain formulation's, within the gap, and
    /// the strengthened model really has the extra integer columns.
    func testWholeFleetKeepsTheOptimumOfThePlainModel() throws {
        var strengthened = 0
        for (size, seeds) in [(ScenarioSize.tiny, UInt64(1)...12), (.small, 1...4)] {
            for seed in seeds {
                // Proven optima without a time limit: small scenarios without section 8's draws
                // (whole replicas per slice keep GLPK from closing some of them).
                let scenario = ScenarioGenerator(size: size, seed: seed, procurementFeatures: size == .tiny).scenario().withIntegerUnits(true)
                var solveOptions = SolveOptions()
                solveOptions.mip.relativeGap = 1e-9
                var objectives: [Double] = []
                var integerColumns: [Int] = []
                for wholeFleet in [false, true] {
                    let model = CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(names: false, wholeFleet: wholeFleet))
                    let solution = try GLPKSolver.solve(model.lp, options: solveOptions)
                    XCTAssertEqual(solution.termination, .optimal, "\(size) seed \(seed)")
                    objectives.append(try XCTUnwrap(solution.objectiveValue))
                    integerColumns.append(model.lp.integerVariableCount)
                }
                XCTAssertEqual(objectives[1], objectives[0], accuracy: 1e-7 * max(1, abs(objectives[0])), "\(size) seed \(seed)")
                if integerColumns[1] > integerColumns[0] { strengthened += 1 }
            }
        }
        XCTAssertGreaterThan(strengthened, 10)
    }

    /// The `unitRounding` cuts (`CapacityModel.unitRoundingCuts`) remove no optimum: on generated
    /// whole-unit scenarios the model with every candidate added as a row has the plain model's
    /// optimum (within the gap) and a relaxation at least as high, higher on some; and the
    /// planner, which offers them to the root, plans at the cost it plans at without them.
    func testUnitRoundingCutsKeepTheOptimumOfThePlainModel() throws {
        var candidates = 0, raised = 0, planned = 0
        for (size, seeds) in [(ScenarioSize.tiny, UInt64(1)...12), (.small, 1...4)] {
            for seed in seeds {
                let scenario = ScenarioGenerator(size: size, seed: seed, procurementFeatures: size == .tiny).scenario().withIntegerUnits(true)
                let model = CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(names: false))
                let cuts = model.unitRoundingCuts()
                guard !cuts.isEmpty else { continue }
                candidates += cuts.count
                var strengthened = model.lp
                for cut in cuts {
                    XCTAssertEqual(cut.coefficients.dropLast(), Array(repeating: 1, count: cut.coefficients.count - 1))
                    XCTAssertLessThan(try XCTUnwrap(cut.coefficients.last), 0)
                    XCTAssertNotEqual(model.lp.variableKinds[try XCTUnwrap(cut.variables.last).index], .continuous)
                    strengthened.addConstraint(variables: cut.variables, coefficients: cut.coefficients, .lessOrEqual(cut.upperBound))
                }
                var solveOptions = SolveOptions()
                solveOptions.mip.relativeGap = 1e-9
                let plain = try GLPKSolver.solve(model.lp, options: solveOptions)
                let withCuts = try GLPKSolver.solve(strengthened, options: solveOptions)
                XCTAssertEqual(plain.termination, .optimal, "\(size) seed \(seed)")
                XCTAssertEqual(withCuts.termination, .optimal, "\(size) seed \(seed)")
                let optimum = try XCTUnwrap(plain.objectiveValue)
                XCTAssertEqual(try XCTUnwrap(withCuts.objectiveValue), optimum, accuracy: 1e-7 * max(1, abs(optimum)), "\(size) seed \(seed)")
                let relaxations = try [model.lp, strengthened].map {
                    try XCTUnwrap(GLPKSolver.solve($0, options: SolveOptions(relaxIntegrality: true)).objectiveValue)
                }
                XCTAssertGreaterThanOrEqual(relaxations[1], relaxations[0] - 1e-7 * max(1, abs(relaxations[0])))
                if relaxations[1] > relaxations[0] * (1 + 1e-6) { raised += 1 }
                if size == .small {
                    var options = PlanOptions()
                    options.baselines = false
                    let costs = try [true, false].map { cuts -> Double in
                        options.unitRoundingCuts = cuts
                        let plan = try Planner.plan(scenario, options: options)
                        XCTAssertEqual(plan.status, .optimal, "small seed \(seed)")
                        return try XCTUnwrap(plan.totals).discountedCost
                    }
                    XCTAssertEqual(costs[0], costs[1], accuracy: 2e-4 * costs[1], "small seed \(seed)")
                    planned += 1
                }
            }
        }
        XCTAssertGreaterThan(candidates, 100)
        XCTAssertGreaterThan(raised, 3)
        XCTAssertGreaterThan(planned, 1)
    }

    /// The planner's branching and backtracking rules (`PlanOptions().mip`, chosen on the corpus)
    /// prove the same optima as GLPK's defaults (Driebeck and Tomlin, best local bound) on
    /// generated whole-unit scenarios,
    /// and `SolverTuning` (`capplan bench`) starts from the planner's choices and sets each.
    func testDefaultBranchingProvesTheSameOptima() throws {
        var compared = 0
        for (size, seeds) in [(ScenarioSize.tiny, UInt64(1)...8), (.small, 1...3)] {
            for seed in seeds {
                let scenario = ScenarioGenerator(size: size, seed: seed, procurementFeatures: size == .tiny).scenario().withIntegerUnits(true)
                let model = CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(names: false))
                guard model.lp.hasIntegerVariables else { continue }
                let settings = [(PlanOptions().mip.branching, PlanOptions().mip.backtracking), (.driebeckTomlin, .bestLocalBound)].map {
                    var solveOptions = PlanOptions().solveOptions(timeLimit: nil, mipGap: 1e-9)
                    (solveOptions.mip.branching, solveOptions.mip.backtracking) = $0
                    return solveOptions
                }
                try sameOptima(model.lp, under: settings, accuracy: 1e-7, "\(size) seed \(seed)")
                compared += 1
            }
        }
        XCTAssertGreaterThan(compared, 6)
        XCTAssertEqual(PlanOptions().mip.branching, .pseudocost)
        XCTAssertEqual(PlanOptions().mip.backtracking, .bestProjection)

        var options = PlanOptions()
        SolverTuning().apply(to: &options)
        XCTAssertEqual(options.mip.branching, PlanOptions().mip.branching)
        XCTAssertEqual(options.mip.backtracking, PlanOptions().mip.backtracking)
        XCTAssertEqual(options.mip.cuts, PlanOptions().mip.cuts)
        var tuning = SolverTuning()
        tuning.branching = .firstFractional
        tuning.backtracking = .depthFirst
        tuning.feasibilityPump = true
        tuning.proximitySearch = true
        tuning.apply(to: &options)
        XCTAssertEqual(options.mip.branching, .firstFractional)
        XCTAssertEqual(options.mip.backtracking, .depthFirst)
        XCTAssertTrue(options.mip.feasibilityPump)
        XCTAssertTrue(options.mip.proximitySearch)
    }

    /// GLPK's MIP presolver (the first phase's, `PlanOptions.firstPhasePresolve`) finds the
    /// optima found without it. A solve that GLPK stops because its own gap fell under the
    /// requested one (GLP_EMIPGAP) reports a gap within it too: the callback's bound can be
    /// stale then (small-10-base reported 0.18% against the 0.01% asked).
    func testMIPPresolveFindsTheSameOptimaAndGapStopsKeepTheirGap() throws {
        var gapStops = 0, compared = 0
        for seed in UInt64(2)...12 {
            let scenario = ScenarioGenerator(size: .small, seed: seed).scenario()
            let model = CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(names: false))
            guard model.lp.hasIntegerVariables else { continue }
            let settings = [false, true].map {
                var solveOptions = PlanOptions().solveOptions(timeLimit: nil, mipGap: 1e-4)
                solveOptions.mip.presolve = $0
                return solveOptions
            }
            for solution in try sameOptima(model.lp, under: settings, accuracy: 1e-4, "small seed \(seed)") {
                let objective = try XCTUnwrap(solution.objectiveValue), bound = try XCTUnwrap(solution.objectiveBound)
                XCTAssertLessThanOrEqual(bound, objective + 1e-9 * abs(objective), "small seed \(seed)")
                XCTAssertLessThanOrEqual(try XCTUnwrap(solution.relativeGap), 1e-4 * (1 + 1e-9), "small seed \(seed), \(solution.raw.returnCodeName)")
                if solution.raw.returnCodeName == "GLP_EMIPGAP" { gapStops += 1 }
            }
            compared += 1
        }
        XCTAssertGreaterThan(compared, 8)
        XCTAssertGreaterThan(gapStops, 0, "a gap stop was checked")
        XCTAssertTrue(PlanOptions().firstPhasePresolve)
        var options = PlanOptions()
        var tuning = SolverTuning()
        tuning.firstPhasePresolve = false
        tuning.apply(to: &options)
        XCTAssertFalse(options.firstPhasePresolve)
    }

    /// `lp` solved under each of `settings`: every solve optimal, the optima equal within
    /// `accuracy` (relative, at least 1 absolute).
    @discardableResult
    func sameOptima(
        _ lp: LinearModel, under settings: [SolveOptions], accuracy: Double, _ what: String, file: StaticString = #filePath, line: UInt = #line
    ) throws -> [Solution] {
        let solutions = try settings.map { try GLPKSolver.solve(lp, options: $0) }
        for (k, solution) in solutions.enumerated() {
            XCTAssertEqual(solution.termination, .optimal, "\(what), setting \(k)", file: file, line: line)
            let objective = try XCTUnwrap(solution.objectiveValue, file: file, line: line)
            let first = try XCTUnwrap(solutions[0].objectiveValue, file: file, line: line)
            XCTAssertEqual(objective, first, accuracy: accuracy * max(1, abs(first)), "\(what), setting \(k)", file: file, line: line)
        }
        return solutions
    }

    /// Relax-and-fix and RINS give whole-unit points that the model accepts: integer columns
    /// whole, every row within tolerance, the objective no better than the proven optimum, and
    /// RINS never worse than relax-and-fix. Solving from them keeps the optimum.
    func testPrimalHeuristicsGiveFeasibleIncumbentsAboveTheOptimum() throws {
        var found = 0
        for (size, seeds) in [(ScenarioSize.tiny, UInt64(1)...8), (.small, 1...3)] {
            for seed in seeds {
                // The proven optimum has no time limit: small scenarios without section 8's draws.
                let scenario = ScenarioGenerator(size: size, seed: seed, procurementFeatures: size == .tiny).scenario().withIntegerUnits(true)
                let model = CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(names: false))
                guard model.lp.hasIntegerVariables else { continue }
                var solveOptions = SolveOptions()
                solveOptions.mip.relativeGap = 1e-9
                let optimum = try GLPKSolver.solve(model.lp, options: solveOptions)
                guard optimum.termination == .optimal, let best = optimum.objectiveValue else { continue }
                let options = PlanOptions()
                let deadline = Deadline(seconds: 30)
                let relaxation = try PrimalHeuristics.solveLP(model.lp.relaxed(), model: model, options: options, seconds: 30)
                guard let fixed = try PrimalHeuristics.relaxAndFix(model, relaxation: relaxation.values, options: options, deadline: deadline) else { continue }
                found += 1
                let outcome = try PrimalHeuristics.run(model, options: options, deadline: deadline)
                let incumbent = try XCTUnwrap(outcome.best)
                XCTAssertLessThanOrEqual(try XCTUnwrap(outcome.relaxationBound), best + 1e-7 * max(1, abs(best)))
                XCTAssertLessThanOrEqual(incumbent.objective, fixed.objective * (1 + 1e-9) + 1e-9, "\(size) seed \(seed)")
                for point in [fixed, incumbent] {
                    XCTAssertGreaterThanOrEqual(point.objective, best - 1e-7 * max(1, abs(best)), "\(size) seed \(seed) \(point.origin)")
                    for variable in model.lp.variables where model.lp.kind(of: variable) != .continuous {
                        XCTAssertEqual(point.values[variable.index], point.values[variable.index].rounded(), accuracy: 1e-6)
                    }
                    // The same point as an LP with the whole units fixed: feasible at the same cost.
                    var lp = model.lp.relaxed()
                    for variable in model.lp.variables where model.lp.kind(of: variable) != .continuous {
                        let value = point.values[variable.index].rounded()
                        lp.setBounds(variable, lower: value, upper: value)
                    }
                    let completed = try GLPKSolver.solve(lp, options: SolveOptions())
                    XCTAssertEqual(completed.termination, .optimal, "\(size) seed \(seed) \(point.origin)")
                    XCTAssertLessThanOrEqual(try XCTUnwrap(completed.objectiveValue), point.objective + 1e-7 * max(1, abs(point.objective)))
                }
                var started = solveOptions
                started.mip.startingSolution = incumbent.values
                let restarted = try GLPKSolver.solve(model.lp, options: started)
                XCTAssertEqual(try XCTUnwrap(restarted.objectiveValue), best, accuracy: 1e-7 * max(1, abs(best)), "\(size) seed \(seed)")
            }
        }
        XCTAssertGreaterThan(found, 5)
    }

    // MARK: Model size

    /// The validator's nonzero estimate is an upper bound on the built model, and not a loose
    /// one: at most twice the entries, on generated scenarios of every size up to large.
    func testNonzeroEstimateBoundsTheBuiltModel() throws {
        for size in [ScenarioSize.tiny, .small, .medium, .large] {
            for seed in [UInt64(1), 2, 3] {
                let scenario = ScenarioGenerator(size: size, seed: seed).scenario()
                let bound = CapacityModelBuilder.nonzeroUpperBound(
                    periods: scenario.horizon.periods, slices: scenario.timeSlices.count, workloads: scenario.workloads.count,
                    offerings: scenario.offerings, unservedPriced: scenario.policy.unservedPenaltyPerMTok != nil,
                    fiscalBudgets: !scenario.budget.fiscalYears.isEmpty, jobs: scenario.jobs)
                for reductions in [true, false] {
                    let entries = Double(CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(names: false, reductions: reductions)).lp.entryCount)
                    XCTAssertGreaterThanOrEqual(bound, entries, "\(size) seed \(seed)")
                    if !reductions { XCTAssertLessThanOrEqual(bound, 2 * entries, "\(size) seed \(seed)") }
                }
            }
        }
    }

    // MARK: Shipped examples against glpsol

    static var examples: [URL] { PlanSchemaTests.examples }

    /// `glpsol --freemps FILE -o OUT`: the objective and status from the report file.
    func glpsolMPS(_ scenario: Scenario) throws -> (objective: Double?, status: String, output: String) {
        guard let glpsol = GLPSol.executable else { throw GLPSol.Failure.missing }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capplan-mps-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let mps = dir.appendingPathComponent("model.mps").path, out = dir.appendingPathComponent("solution.txt").path
        let model = CapacityModelBuilder.buildModel(scenario)
        try model.lp.write(to: mps, format: .freeMPS)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: glpsol)
        process.arguments = ["--freemps", mps, "-o", out]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let log = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, log)
        let report = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        var objective: Double?, status = ""
        for line in report.split(separator: "\n") {
            if line.hasPrefix("Status:") { status = line.dropFirst("Status:".count).trimmingCharacters(in: .whitespaces) }
            // "Objective:  R0000000 = 2599802.979 (MINimum)"
            if line.hasPrefix("Objective:"), let eq = line.firstIndex(of: "=") {
                objective = Double(line[line.index(after: eq)...].split(separator: " ").first ?? "")
            }
        }
        return (objective, status, log + report.prefix(2000))
    }

    func testGlpsolIsInstalled() {
        XCTAssertNotNil(GLPSol.executable, "\(GLPSol.Failure.missing)")
    }

    func testEveryExampleIsOptimalAndMatchesGlpsolOnTheExportedMPS() throws {
        XCTAssertGreaterThanOrEqual(Self.examples.count, 3)
        for url in Self.examples {
            let name = url.lastPathComponent
            let scenario = try ScenarioLoader.load(path: url.path).scenario
            let plan = try optimalPlan(scenario)
            let cost = try XCTUnwrap(plan.totals?.discountedCost, name)
            let glpsol = try glpsolMPS(scenario)
            XCTAssertTrue(glpsol.status.contains("OPTIMAL"), "\(name): glpsol status \(glpsol.status)\n\(glpsol.output)")
            let objective = try XCTUnwrap(glpsol.objective, "\(name): no objective\n\(glpsol.output)")
            // glpsol prints 10 significant digits; the model's objective has no constant term.
            assertClose(objective, cost, "\(name): glpsol on the MPS vs capplan plan")
        }
    }

    func testEveryExampleMatchesTheMathProgTwin() throws {
        for url in Self.examples {
            let name = url.lastPathComponent
            let scenario = try ScenarioLoader.load(path: url.path).scenario
            let twin = try GLPSol.solve(scenario)
            XCTAssertEqual(twin.status, 0, "\(name):\n\(twin.output)")
            XCTAssertTrue(twin.optimal, "\(name):\n\(twin.output)")
            let objective = try XCTUnwrap(twin.objective, "\(name): no OBJECTIVE line\n\(twin.output)")
            if !scenario.demandCases.isEmpty {
                // A two-stage example: the twin's objective is the extensive form's (12.2).
                var options = PlanOptions()
                options.baselines = false
                assertClose(try TwoStagePlanner.plan(scenario, options: options).objective, objective, "\(name): two-stage plan vs models/capacity.mod")
                continue
            }
            let plan = try optimalPlan(scenario)
            assertClose(plan.totals?.discountedCost, objective, "\(name): capplan plan vs models/capacity.mod")
        }
    }

    /// Every workload's demand is covered in every period of every example, and the reported
    /// cost per million tokens is consistent with the reported tokens.
    ///
    /// Known planner bug, assertion left out (see the report of this change): served tokens
    /// can exceed demand. The demand rows are `≥` and x_owps costs nothing, so in slices with
    /// idle owned capacity the solution may over-assign; PlanExtraction reports x as served.
    /// In examples/startup-api-breakeven.yaml, period 2028-02, workload `tagging` has
    /// demandTokens 1.4e10 but servedTokens sum to 5.09e10 (h100-node 4.11e10); totals.tokensServed
    /// 8.153e11 > tokensDemanded 7.328e11. The omitted assertion is
    /// `served + unserved <= demand · (1 + 1e-6)` per workload and period.
    func testServedTokensCoverDemandInEveryExample() throws {
        for url in Self.examples {
            let plan = try optimalPlan(try ScenarioLoader.load(path: url.path).scenario)
            for period in plan.periods {
                for line in period.workloads {
                    let served = line.servedTokens.values.reduce(0, +)
                    XCTAssertGreaterThanOrEqual(served + line.unservedTokens, line.demandTokens * (1 - 1e-6),
                                                "\(url.lastPathComponent) \(period.period) \(line.workload)")
                    // Idle capacity is not reported as serving: no more than the demand.
                    XCTAssertLessThanOrEqual(served + line.unservedTokens, line.demandTokens * (1 + 1e-6),
                                             "\(url.lastPathComponent) \(period.period) \(line.workload)")
                    for (offering, tokens) in line.servedTokens {
                        XCTAssertGreaterThan(tokens, 1e-3 * line.demandTokens * 1e-6, "solver noise reported for \(offering)")
                    }
                }
            }
            let totals = try XCTUnwrap(plan.totals)
            // Per million inference tokens: training jobs' attributed cost left out (formulation.md section 10).
            if let perMTok = totals.costPerMillionTokens { assertClose(perMTok, (totals.cost - (totals.jobsCost ?? 0)) / (totals.tokensServed / 1e6)) }
            assertClose(totals.tokensDemanded, plan.periods.reduce(0) { $0 + $1.workloads.reduce(0) { $0 + $1.demandTokens } })
        }
    }

    // MARK: Determinism

    func testSameScenarioGivesByteIdenticalJSON() throws {
        let midsize = try XCTUnwrap(Self.examples.first { $0.lastPathComponent == "midsize-3year.yaml" })
        let scenario = try ScenarioLoader.load(path: midsize.path).scenario
        let first = try PlanReport.json(try Planner.plan(scenario))
        let second = try PlanReport.json(try Planner.plan(scenario))
        XCTAssertEqual(first, second)
        XCTAssertFalse(first.contains("\"seconds\""), "solver.seconds only with --timings")
        let infeasible = try PlanReport.json(try Planner.plan(PlannerScenarios.infeasible))
        XCTAssertEqual(infeasible, try PlanReport.json(try Planner.plan(PlannerScenarios.infeasible)))
        var options = PlanOptions()
        options.timings = true
        XCTAssertTrue(try PlanReport.json(try Planner.plan(scenario, options: options)).contains("\"seconds\""))
    }
}
