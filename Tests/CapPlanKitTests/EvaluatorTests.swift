// The independent plan evaluator against hand-computed costs (docs/formulation.md, section 7)
// and one planted violation per constraint family.

import Foundation
import Testing
@testable import CapPlanKit

/// Hand-built scenarios of docs/formulation.md, section 7, and their optimal decisions.
enum AuditExamples {
    static let chatDemand: [Double] = [31_536_000_000, 63_072_000_000]  // r = 1000, 2000 tokens/s

    static var server: PurchaseOffering {
        PurchaseOffering(id: "srv", unitPrice: 60_000, lifetimePeriods: 2, powerKW: 1, opexPerUnitPeriod: 1000,
                         throughput: ["chat": 1000])
    }

    static var api: APIOffering {
        APIOffering(id: "api", inputPricePerMTok: 1, outputPricePerMTok: 3, serves: ["chat"])
    }

    /// The worked example: one workload, one slice, two years.
    static func worked(_ accounting: CapexAccounting, discountRate: Double = 0.1, server: PurchaseOffering? = nil,
                       site: Site = Site(electricityPricePerKWh: 0.1, pue: 1.5), budget: Budget = Budget(),
                       sliceName: String = "all-day") -> Scenario {
        Scenario(
            name: "worked example", horizon: Horizon(start: PeriodLabel("2027")!, periods: 2),
            discountRate: discountRate, capexAccounting: accounting,
            timeSlices: [TimeSlice(name: sliceName, hours: 24, share: 1)],
            workloads: [Workload(id: "chat", outputShare: 0.5, model: nil, demand: chatDemand)],
            offerings: [.purchase(server ?? Self.server), .api(api)],
            site: site, budget: budget, policy: Policy(utilizationCap: 0.8))
    }

    /// Its optimal decisions: one unit arriving in each year, the API takes the rest.
    static var workedDecisions: PlanDecisions {
        PlanDecisions(
            arrivals: ["srv": [1, 1]],
            served: ["srv": ["chat": [[800], [1600]]], "api": ["chat": [[200], [400]]]])
    }

    /// Case B: existing fleet, lead time, reserved rental, binding API rate limit (ρ = 0).
    static var caseB: Scenario {
        Scenario(
            name: "case B", horizon: Horizon(start: PeriodLabel("2027")!, periods: 2),
            workloads: [Workload(id: "chat", outputShare: 0.5, model: nil, demand: chatDemand)],
            offerings: [
                .purchase(PurchaseOffering(id: "srv", unitPrice: 60_000, lifetimePeriods: 2, powerKW: 1,
                                           opexPerUnitPeriod: 1000, throughput: ["chat": 1000], leadTimePeriods: 1,
                                           existingUnits: 1, existingRemainingPeriods: 1)),
                .rental(RentalOffering(id: "cloud", pricePerUnitHour: 3, commitment: .period, maxUnits: 1,
                                       throughput: ["chat": 1000])),
                .api(APIOffering(id: "api", inputPricePerMTok: 1, outputPricePerMTok: 3, serves: ["chat"],
                                 maxTokensPerSecond: 300)),
            ],
            site: Site(electricityPricePerKWh: 0.1, pue: 1.5), policy: Policy(utilizationCap: 0.8))
    }

    static var caseBDecisions: PlanDecisions {
        PlanDecisions(
            arrivals: ["srv": [0, 2]], reservedUnits: ["cloud": [0, 1]],
            served: ["srv": ["chat": [[800], [1600]]], "cloud": ["chat": [[0], [400]]], "api": ["chat": [[200], [0]]]])
    }

    /// Case C: two slices, on-demand rental, unserved penalty, zero budget, quarters, ρ = 0.1.
    static var caseC: Scenario {
        Scenario(
            name: "case C", horizon: Horizon(start: PeriodLabel("2027Q1")!, periods: 2), discountRate: 0.1,
            timeSlices: [TimeSlice(name: "peak", hours: 8, share: 0.5), TimeSlice(name: "offpeak", hours: 16, share: 0.5)],
            workloads: [Workload(id: "chat", outputShare: 0.25, model: nil, demand: [5_256_000_000, 10_512_000_000])],
            offerings: [
                .purchase(PurchaseOffering(id: "srv", unitPrice: 8000, lifetimePeriods: 8, throughput: ["chat": 1000])),
                .rental(RentalOffering(id: "spot", pricePerUnitHour: 2, commitment: .none, maxUnits: 2,
                                       throughput: ["chat": 500])),
                .api(APIOffering(id: "api", inputPricePerMTok: 2, outputPricePerMTok: 6, serves: ["chat"],
                                 maxTokensPerSecond: 500)),
            ],
            budget: Budget(capexPerPeriod: [0, 0]),
            policy: Policy(integerUnits: false, utilizationCap: 1, unservedPenaltyPerMTok: 10))
    }

    static var caseCDecisions: PlanDecisions {
        PlanDecisions(
            onDemandUnits: ["spot": [[2, 1], [2, 2]]],
            served: ["spot": ["chat": [[1000, 500], [1000, 1000]]], "api": ["chat": [[0, 0], [500, 0]]]],
            unserved: ["chat": [[0, 0], [500, 0]]])
    }

    static var caseCObjective: Double { 5840 + 25842 * pow(1.1, -0.25) }

    /// Case D: API only (no purchases, no rentals: empty sets in the MathProg data).
    static var caseD: Scenario {
        Scenario(
            name: "case D", horizon: Horizon(start: PeriodLabel("2027")!, periods: 2),
            timeSlices: [TimeSlice(name: "all day's", hours: 24, share: 1)],
            workloads: [Workload(id: "chat", outputShare: 0.5, model: nil, demand: chatDemand)],
            offerings: [.api(api)])
    }
}

/// Equal within 1e-9 relative (exact up to floating-point rounding of the hand formulas).
func nearlyEqual(_ a: Double, _ b: Double, relative: Double = 1e-9) -> Bool {
    abs(a - b) <= relative * max(1, abs(a), abs(b))
}

@Suite("Evaluator")
struct EvaluatorTests {
    // MARK: hand-computed costs

    @Test func workedExampleAmortizedDiscounted() {
        let result = PlanEvaluator(scenario: AuditExamples.worked(.amortized)).evaluate(AuditExamples.workedDecisions)
        #expect(result.violations.isEmpty, "\(result.violations)")
        let p1 = result.periods[0], p2 = result.periods[1]
        #expect(p1.label == "2027" && p2.label == "2028")
        #expect(nearlyEqual(p1.cost.capex, 30_000) && nearlyEqual(p1.cost.energy, 1314) && nearlyEqual(p1.cost.fixedOpex, 1000))
        #expect(nearlyEqual(p1.cost.api, 12_614.4) && p1.cost.rental == 0 && p1.cost.unservedPenalty == 0)
        #expect(nearlyEqual(p1.cost.total, 44_928.4))
        #expect(nearlyEqual(p2.cost.capex, 60_000) && nearlyEqual(p2.cost.energy, 2628) && nearlyEqual(p2.cost.fixedOpex, 2000))
        #expect(nearlyEqual(p2.cost.api, 25_228.8) && nearlyEqual(p2.cost.total, 89_856.8))
        #expect(nearlyEqual(p2.discountFactor, 1 / 1.1))
        #expect(nearlyEqual(p2.discountedCost.total, 81_688))
        #expect(result.salvage == 0 && result.discountedSalvage == 0)
        #expect(nearlyEqual(result.totalCost, 134_785.2))
        #expect(nearlyEqual(result.discountedCost, 126_616.4))
        #expect(nearlyEqual(result.costByComponent.capex, 90_000))
        #expect(result.unitsInService["srv"] == [1, 2])
        #expect(nearlyEqual(result.tokensServed, 94_608_000_000))
        #expect(nearlyEqual(result.tokensDemanded, 94_608_000_000))
        #expect(result.tokensUnserved == 0)
    }

    @Test func workedExampleCashDiscounted() {
        let result = PlanEvaluator(scenario: AuditExamples.worked(.cash)).evaluate(AuditExamples.workedDecisions)
        #expect(result.violations.isEmpty, "\(result.violations)")
        #expect(nearlyEqual(result.periods[0].cost.capex, 60_000) && nearlyEqual(result.periods[1].cost.capex, 60_000))
        #expect(nearlyEqual(result.periods[0].cost.total, 74_928.4))
        #expect(nearlyEqual(result.salvage, 30_000))
        #expect(nearlyEqual(result.discountedSalvage, 30_000 / 1.21))
        #expect(nearlyEqual(result.totalCost, 134_785.2))
        #expect(nearlyEqual(result.discountedCost, 131_823.01157024793))
    }

    @Test func undiscountedAccountingsAgree() {
        for accounting in CapexAccounting.allCases {
            let result = PlanEvaluator(scenario: AuditExamples.worked(accounting, discountRate: 0))
                .evaluate(AuditExamples.workedDecisions)
            #expect(result.violations.isEmpty)
            #expect(nearlyEqual(result.totalCost, 134_785.2), "\(accounting)")
            #expect(nearlyEqual(result.discountedCost, 134_785.2), "\(accounting)")
        }
    }

    @Test func cashSalvageOfLongLivedUnits() {
        // L = 5 years bought in year 1 of 2: 3 periods left, salvage 3/5 of the price.
        let server = PurchaseOffering(id: "srv", unitPrice: 60_000, lifetimePeriods: 5, throughput: ["chat": 1000])
        let scenario = AuditExamples.worked(.cash, discountRate: 0.1, server: server, site: Site())
        let decisions = PlanDecisions(arrivals: ["srv": [3, 0]],
                                      served: ["srv": ["chat": [[1000], [2000]]]])
        let result = PlanEvaluator(scenario: scenario).evaluate(decisions)
        #expect(result.violations.isEmpty, "\(result.violations)")
        #expect(nearlyEqual(result.salvage, 3 * 60_000 * 3 / 5))
        #expect(nearlyEqual(result.discountedCost, 180_000 - 108_000 / 1.21))
        // Amortized: 12 000 per unit-year, 3 units, 2 years, discounted.
        let amortized = PlanEvaluator(scenario: AuditExamples.worked(.amortized, server: server, site: Site()))
            .evaluate(decisions)
        #expect(nearlyEqual(amortized.discountedCost, 36_000 + 36_000 / 1.1))
        #expect(amortized.salvage == 0)
    }

    @Test func existingFleetRentalAndRateLimit() {
        let result = PlanEvaluator(scenario: AuditExamples.caseB).evaluate(AuditExamples.caseBDecisions)
        #expect(result.violations.isEmpty, "\(result.violations)")
        #expect(result.unitsInService["srv"] == [1, 2])
        let p1 = result.periods[0], p2 = result.periods[1]
        // Existing unit: energy and opex paid, no capex.
        #expect(p1.cost.capex == 0 && nearlyEqual(p1.cost.energy, 1314) && nearlyEqual(p1.cost.fixedOpex, 1000))
        #expect(nearlyEqual(p1.cost.api, 12_614.4) && nearlyEqual(p1.cost.total, 14_928.4))
        #expect(nearlyEqual(p2.cost.capex, 60_000) && nearlyEqual(p2.cost.rental, 26_280) && nearlyEqual(p2.cost.total, 90_908))
        #expect(nearlyEqual(result.discountedCost, 105_836.4))
        #expect(nearlyEqual(result.totalCost, 105_836.4))
    }

    @Test func existingUnitsAloneAreAConstant() {
        // Nothing bought: the existing unit's running cost is all the capex-free cost there is.
        let result = PlanEvaluator(scenario: AuditExamples.caseB).evaluate(PlanDecisions(
            served: ["srv": ["chat": [[800], [0]]], "api": ["chat": [[200], [0]]]]))
        #expect(result.unitsInService["srv"] == [1, 0])
        #expect(nearlyEqual(result.periods[0].cost.total, 14_928.4))
        #expect(result.periods[1].cost.total == 0)
        #expect(result.violations(of: .demand).count == 1)
    }

    @Test func onDemandRentalPenaltyAndQuarterDiscounting() {
        let result = PlanEvaluator(scenario: AuditExamples.caseC).evaluate(AuditExamples.caseCDecisions)
        #expect(result.violations.isEmpty, "\(result.violations)")
        let p1 = result.periods[0], p2 = result.periods[1]
        #expect(nearlyEqual(p1.cost.rental, 5840) && nearlyEqual(p1.cost.total, 5840))
        #expect(nearlyEqual(p2.cost.rental, 8760) && nearlyEqual(p2.cost.api, 3942) && nearlyEqual(p2.cost.unservedPenalty, 13_140))
        #expect(nearlyEqual(p2.cost.total, 25_842))
        #expect(nearlyEqual(p2.discountFactor, pow(1.1, -0.25)))
        #expect(nearlyEqual(result.discountedCost, AuditExamples.caseCObjective))
        #expect(nearlyEqual(result.totalCost, 31_682))
        // 500 tokens/s unserved over 91.25 · 8 hours.
        #expect(nearlyEqual(result.tokensUnserved, 500 * 91.25 * 8 * 3600))
        #expect(nearlyEqual(result.tokensDemanded, 5_256_000_000 + 10_512_000_000))
    }

    @Test func lifetimeEndsService() {
        let server = PurchaseOffering(id: "srv", unitPrice: 1000, lifetimePeriods: 1, powerKW: 1, throughput: ["chat": 1000],
                                      existingUnits: 2, existingRemainingPeriods: 1)
        let result = PlanEvaluator(scenario: AuditExamples.worked(.amortized, server: server))
            .evaluate(PlanDecisions(arrivals: ["srv": [1, 3]]))
        #expect(result.unitsInService["srv"] == [3, 3])
        #expect(nearlyEqual(result.periods[0].cost.capex, 1000))  // existing units carry no capex
        #expect(nearlyEqual(result.periods[1].cost.capex, 3000))
        #expect(nearlyEqual(result.periods[0].cost.energy, 3 * 1314))
    }

    // MARK: one planted violation per family

    private func families(_ scenario: Scenario, _ decisions: PlanDecisions) -> Set<ConstraintFamily> {
        Set(PlanEvaluator(scenario: scenario).evaluate(decisions).violations.map(\.family))
    }

    @Test func demandShortfall() {
        var d = AuditExamples.workedDecisions
        d.served["api"]!["chat"] = [[200], [300]]
        let result = PlanEvaluator(scenario: AuditExamples.worked(.amortized)).evaluate(d)
        #expect(result.violations.count == 1)
        let v = result.violations[0]
        #expect(v.family == .demand && v.workload == "chat" && v.period == "2028" && v.slice == "all-day")
        #expect(nearlyEqual(v.amount, 100))
        #expect(v.rowName == "demand[chat,2028,all-day]")
    }

    @Test func ownedCapacityWithUtilizationCap() {
        var d = AuditExamples.workedDecisions
        d.served["srv"]!["chat"] = [[900], [1600]]  // 0.9 units' load on one unit with U = 0.8
        d.served["api"]!["chat"] = [[100], [400]]
        let result = PlanEvaluator(scenario: AuditExamples.worked(.amortized)).evaluate(d)
        #expect(result.violations.map(\.family) == [.ownedCapacity])
        #expect(result.violations[0].offering == "srv" && result.violations[0].period == "2027")
        #expect(nearlyEqual(result.violations[0].amount, 0.1))
    }

    @Test func rentedCapacity() {
        var d = AuditExamples.caseBDecisions
        d.reservedUnits["cloud"] = [0, 0]
        #expect(families(AuditExamples.caseB, d) == [.rentedCapacity])
        var c = AuditExamples.caseCDecisions
        c.onDemandUnits["spot"] = [[2, 0.5], [2, 2]]  // off-peak of period 1 needs 1 unit
        let result = PlanEvaluator(scenario: AuditExamples.caseC).evaluate(c)
        #expect(result.violations.map(\.family) == [.rentedCapacity])
        #expect(result.violations[0].slice == "offpeak" && result.violations[0].period == "2027Q1")
    }

    @Test func apiRateLimit() {
        var d = AuditExamples.caseBDecisions
        d.served["srv"]!["chat"] = [[600], [1600]]
        d.served["api"]!["chat"] = [[400], [0]]
        let result = PlanEvaluator(scenario: AuditExamples.caseB).evaluate(d)
        #expect(result.violations.map(\.family) == [.apiRateLimit])
        #expect(result.violations[0].offering == "api" && nearlyEqual(result.violations[0].amount, 100))
    }

    @Test func powerCap() {
        let scenario = AuditExamples.worked(.amortized, site: Site(electricityPricePerKWh: 0.1, pue: 1.5, powerCapKW: [1, 1]))
        let result = PlanEvaluator(scenario: scenario).evaluate(AuditExamples.workedDecisions)
        #expect(result.violations.map(\.family) == [.powerCap])
        #expect(result.violations[0].period == "2028" && nearlyEqual(result.violations[0].amount, 1))
    }

    @Test func capitalBudget() {
        let scenario = AuditExamples.worked(.amortized, budget: Budget(capexPerPeriod: [60_000, 0]))
        let result = PlanEvaluator(scenario: scenario).evaluate(AuditExamples.workedDecisions)
        #expect(result.violations.map(\.family) == [.capitalBudget])
        #expect(result.violations[0].period == "2028" && nearlyEqual(result.violations[0].amount, 60_000))
    }

    @Test func nonNegativity() {
        var d = AuditExamples.workedDecisions
        d.served["api"]!["chat"] = [[-5], [400]]
        d.served["srv"]!["chat"] = [[800], [1600]]
        #expect(families(AuditExamples.worked(.amortized), d) == [.nonNegativity, .demand])
        var b = AuditExamples.workedDecisions
        b.arrivals["srv"] = [1, -1]
        #expect(families(AuditExamples.worked(.amortized), b).contains(.nonNegativity))
    }

    @Test func maxUnitsPerPeriod() {
        let server = PurchaseOffering(id: "srv", unitPrice: 60_000, lifetimePeriods: 2, powerKW: 1, opexPerUnitPeriod: 1000,
                                      throughput: ["chat": 1000], maxUnitsPerPeriod: 1)
        var d = AuditExamples.workedDecisions
        d.arrivals["srv"] = [2, 0]
        let result = PlanEvaluator(scenario: AuditExamples.worked(.amortized, server: server)).evaluate(d)
        #expect(result.violations.map(\.family) == [.maxUnitsPerPeriod])
        #expect(result.violations[0].period == "2027" && result.violations[0].amount == 1)
    }

    @Test func maxUnits() {
        var d = AuditExamples.caseBDecisions
        d.reservedUnits["cloud"] = [0, 2]
        #expect(families(AuditExamples.caseB, d) == [.maxUnits])
        var c = AuditExamples.caseCDecisions
        c.onDemandUnits["spot"] = [[3, 1], [2, 2]]
        #expect(families(AuditExamples.caseC, c) == [.maxUnits])
    }

    @Test func availabilityAndLeadTime() {
        var d = AuditExamples.caseBDecisions
        d.arrivals["srv"] = [1, 1]  // lead time 1: nothing can arrive in period 1
        let result = PlanEvaluator(scenario: AuditExamples.caseB).evaluate(d)
        #expect(result.violations.map(\.family) == [.availability])
        #expect(result.violations[0].period == "2027" && result.violations[0].offering == "srv")
        // availableFrom: first arrival index 1 even without lead time.
        let late = PurchaseOffering(id: "srv", unitPrice: 60_000, lifetimePeriods: 2, throughput: ["chat": 1000],
                                    availableFromIndex: 1)
        #expect(families(AuditExamples.worked(.amortized, server: late), AuditExamples.workedDecisions) == [.availability])
    }

    @Test func integrality() {
        var d = AuditExamples.workedDecisions
        d.arrivals["srv"] = [1.5, 0.5]
        #expect(families(AuditExamples.worked(.amortized), d) == [.integrality])
        var b = AuditExamples.caseBDecisions
        b.reservedUnits["cloud"] = [0, 0.6]
        b.served["cloud"]!["chat"] = [[0], [400]]
        #expect(families(AuditExamples.caseB, b) == [.integrality])
        // Continuous units (case C) accept fractions; within tolerance is whole.
        var w = AuditExamples.workedDecisions
        w.arrivals["srv"] = [1 + 1e-9, 1 - 1e-9]
        #expect(families(AuditExamples.worked(.amortized), w).isEmpty)
    }

    @Test func domain() {
        // Unserved demand without a penalty.
        var d = AuditExamples.workedDecisions
        d.unserved["chat"] = [[0], [10]]
        #expect(families(AuditExamples.worked(.amortized), d) == [.domain])
        // An offering that does not exist, a pair without throughput, a wrong length.
        var e = AuditExamples.workedDecisions
        e.served["nope"] = ["chat": [[1], [1]]]
        #expect(families(AuditExamples.worked(.amortized), e) == [.domain])
        var f = AuditExamples.workedDecisions
        f.arrivals["srv"] = [1, 1, 0]
        let result = PlanEvaluator(scenario: AuditExamples.worked(.amortized)).evaluate(f)
        #expect(result.violations.map(\.family) == [.domain])
        #expect(nearlyEqual(result.discountedCost, 126_616.4))
        let noThroughput = PurchaseOffering(id: "srv", unitPrice: 60_000, lifetimePeriods: 2, throughput: [:])
        #expect(families(AuditExamples.worked(.amortized, server: noThroughput), AuditExamples.workedDecisions)
            .isSuperset(of: [.domain, .demand]))
    }

    @Test func fleetIsRecomputedNotTrusted() {
        // The fleet row defines n; the evaluator derives it, so a lifetime-expired unit cannot serve.
        let server = PurchaseOffering(id: "srv", unitPrice: 60_000, lifetimePeriods: 1, powerKW: 1,
                                      opexPerUnitPeriod: 1000, throughput: ["chat": 1000])
        var d = AuditExamples.workedDecisions
        d.arrivals["srv"] = [1, 0]
        let result = PlanEvaluator(scenario: AuditExamples.worked(.amortized, server: server)).evaluate(d)
        #expect(result.unitsInService["srv"] == [1, 0])
        #expect(result.violations.map(\.family) == [.ownedCapacity])
    }

    @Test func toleranceIsRelativeToTheRightHandSide() {
        // r = 2000: tolerance 1e-6 · 2000 = 2e-3 tokens/s.
        var small = AuditExamples.workedDecisions
        small.served["api"]!["chat"] = [[200], [400 - 1e-3]]
        #expect(families(AuditExamples.worked(.amortized), small).isEmpty)
        var large = AuditExamples.workedDecisions
        large.served["api"]!["chat"] = [[200], [400 - 3e-3]]
        #expect(families(AuditExamples.worked(.amortized), large) == [.demand])
    }
}
