// The evaluator on section 11 of docs/formulation.md (profiles, deferrable workloads, spot and
// batch, caching, moving prices, availability windows, committed use), on hand-written
// decisions, against costs and violations worked out by hand in the comments.

import Foundation
import Testing
@testable import CapPlanKit

/// Hand-built scenarios for section 11. Horizons are years (h = 8760, d = 365): a rate of
/// 1000 tokens/s held all year is 31,536,000,000 tokens = 31,536 MTok.
enum ShapeExamples {
    static let yearSeconds = 31_536_000.0

    /// Two 12-hour slices, day then night, half the tokens each by default.
    static let dayNight = [TimeSlice(name: "day", hours: 12, share: 0.5), TimeSlice(name: "night", hours: 12, share: 0.5)]

    /// Four 6-hour slices on the clock: night 0-6, morning 6-12, afternoon 12-18, evening 18-24.
    static let quarters = [
        TimeSlice(name: "night", hours: 6, share: 0.25, start: 0), TimeSlice(name: "morning", hours: 6, share: 0.25, start: 6),
        TimeSlice(name: "afternoon", hours: 6, share: 0.25, start: 12), TimeSlice(name: "evening", hours: 6, share: 0.25, start: 18),
    ]

    /// A workload averaging `rate` tokens/s over each year.
    static func workload(_ id: String, rate: Double, periods: Int = 1, outputShare: Double = 0.5) -> Workload {
        Workload(id: id, outputShare: outputShare, model: nil, demand: Array(repeating: rate * yearSeconds, count: periods))
    }

    /// An API at `price` USD per MTok for input and output alike.
    static func api(_ id: String, price: Double = 1, serves: [String]) -> APIOffering {
        APIOffering(id: id, inputPricePerMTok: price, outputPricePerMTok: price, serves: serves)
    }

    static func scenario(periods: Int = 1, slices: [TimeSlice] = [TimeSlice(name: "all-day", hours: 24, share: 1)],
                         workloads: [Workload], offerings: [Offering], capexAccounting: CapexAccounting = .amortized,
                         budget: Budget = Budget(), utilizationCap: Double = 1) -> Scenario {
        Scenario(name: "shapes", horizon: Horizon(start: PeriodLabel("2027")!, periods: periods), capexAccounting: capexAccounting,
                 timeSlices: slices, workloads: workloads, offerings: offerings, budget: budget,
                 policy: Policy(utilizationCap: utilizationCap))
    }
}

@Suite("Evaluator: workload shapes, spot, caching, prices, windows, committed use")
struct EvaluatorShapesTests {
    typealias E = ShapeExamples

    // MARK: 11.1 profiles

    @Test func aWorkloadsProfileSetsItsRatesPerSlice() {
        // D = 1000 tokens/s a year; profile day 0.8, night 0.2 over two 12-hour slices:
        // r_day = 1000 · 24 · 0.8 / 12 = 1600, r_night = 400. Serving the slices' default shares
        // (1000 each) leaves the day short by 600.
        var chat = E.workload("chat", rate: 1000)
        chat.profile = [0.8, 0.2]
        let scenario = E.scenario(slices: E.dayNight, workloads: [chat], offerings: [.api(E.api("api", serves: ["chat"]))])
        let evaluator = PlanEvaluator(scenario: scenario)
        let right = evaluator.evaluate(PlanDecisions(served: ["api": ["chat": [[1600, 400]]]]))
        #expect(right.violations.isEmpty, "\(right.violations)")
        // 1600 · 12/24 + 400 · 12/24 = 1000 tokens/s on average: 31,536 MTok at 1 USD.
        #expect(nearlyEqual(right.totalCost, 31_536))
        let wrong = evaluator.evaluate(PlanDecisions(served: ["api": ["chat": [[1000, 1000]]]]))
        #expect(wrong.violations.map(\.rowName) == ["demand[chat,2027,day]"])
        #expect(nearlyEqual(wrong.violations[0].amount, 600))
    }

    // MARK: 11.2 deferrable

    @Test func aDayDeferrableWorkloadIsCheckedByItsDailyDemand() {
        // r = 1000 in both 12-hour slices; deferrable within the day. Everything at night
        // (2000 tokens/s) meets Σ η X = 12 · 2000 = 24,000 ≥ Σ η r = 24,000. 1500 at night is
        // 12 · 1500 / 24 = 750 tokens/s over the day against 1000: short by 250, one row.
        var batch = E.workload("batch", rate: 1000)
        batch.deferral = Deferral()
        let scenario = E.scenario(slices: E.dayNight, workloads: [batch], offerings: [.api(E.api("api", serves: ["batch"]))])
        let evaluator = PlanEvaluator(scenario: scenario)
        let night = evaluator.evaluate(PlanDecisions(served: ["api": ["batch": [[0, 2000]]]]))
        #expect(night.violations.isEmpty, "\(night.violations)")
        #expect(nearlyEqual(night.totalCost, 31_536))
        let short = evaluator.evaluate(PlanDecisions(served: ["api": ["batch": [[0, 1500]]]]))
        #expect(short.violations.map(\.rowName) == ["dailyDemand[batch,2027]"])
        #expect(short.violations.map(\.family) == [.demand])
        #expect(nearlyEqual(short.violations[0].amount, 250))
    }

    /// A workload deferrable by 6 hours over the four 6-hour slices: R(s) = {s, the next slice}
    /// (gap 0 or 6; evening reaches the night after it); r = 1000 tokens/s in each slice.
    func windowScenario() -> Scenario {
        var batch = E.workload("batch", rate: 1000)
        batch.deferral = Deferral(maxDelayHours: 6)
        return E.scenario(slices: E.quarters, workloads: [batch], offerings: [.api(E.api("api", serves: ["batch"]))])
    }

    /// f[s][s'] for one period from (from, to, rate) triples.
    func flows(_ moves: [(Int, Int, Double)]) -> [[[Double]]] {
        var f = Array(repeating: Array(repeating: 0.0, count: 4), count: 4)
        for (from, to, rate) in moves { f[from][to] = rate }
        return [f]
    }

    @Test func windowFlowsToTheNextSliceAreFeasible() {
        // Each slice's 1000 tokens/s move to the next (evening to night): 6 · 1000 / 6 = 1000
        // arrive in each slice, which serves 1000.
        let plan = PlanDecisions(served: ["api": ["batch": [[1000, 1000, 1000, 1000]]]],
                                 deferred: ["batch": flows([(0, 1, 1000), (1, 2, 1000), (2, 3, 1000), (3, 0, 1000)])])
        let result = PlanEvaluator(scenario: windowScenario()).evaluate(plan)
        #expect(result.violations.isEmpty, "\(result.violations)")
    }

    @Test func aFlowOutOfReachIsADomainViolationAndMovesNothing() {
        // night -> afternoon is 12 hours: out of reach. The 1000 tokens/s are reported under
        // domain and ignored, so night's deferredDemand is short by 1000. The afternoon serves
        // 2000 and receives 1000 (its own): no deferredService violation.
        let plan = PlanDecisions(
            served: ["api": ["batch": [[0, 1000, 2000, 1000]]]],
            deferred: ["batch": flows([(0, 2, 1000), (1, 1, 1000), (2, 2, 1000), (3, 3, 1000)])])
        let result = PlanEvaluator(scenario: windowScenario()).evaluate(plan)
        #expect(result.violations.map(\.rowName) == ["domain[batch,2027,night]", "deferredDemand[batch,2027,night]"],
                "\(result.violations)")
        #expect(result.violations.map(\.family) == [.domain, .deferral])
        #expect(result.violations.allSatisfy { nearlyEqual($0.amount, 1000) })
    }

    @Test func flowsIntoASliceBeyondWhatItServesBreakDeferredService() {
        // morning -> afternoon 1000 and afternoon -> afternoon 1000: 2000 arrive in the afternoon
        // (6 · 1000 + 6 · 1000) / 6, which serves 1000: short by 1000. The evening is moved to the
        // night, which serves 1000 and receives night -> night 0 + evening 1000.
        let plan = PlanDecisions(
            served: ["api": ["batch": [[1000, 1000, 1000, 1000]]]],
            deferred: ["batch": flows([(0, 1, 1000), (1, 2, 1000), (2, 2, 1000), (3, 0, 1000)])])
        let result = PlanEvaluator(scenario: windowScenario()).evaluate(plan)
        #expect(result.violations.map(\.rowName) == ["deferredService[batch,2027,afternoon]"], "\(result.violations)")
        #expect(nearlyEqual(result.violations[0].amount, 1000))
    }

    @Test func flowsOfAWorkloadWithoutAWindowAreADomainViolation() {
        // A day-deferrable workload's rows need no flows: naming them is a domain violation.
        var batch = E.workload("batch", rate: 1000)
        batch.deferral = Deferral()
        let scenario = E.scenario(slices: E.quarters, workloads: [batch], offerings: [.api(E.api("api", serves: ["batch"]))])
        let plan = PlanDecisions(served: ["api": ["batch": [[1000, 1000, 1000, 1000]]]], deferred: ["batch": flows([(0, 1, 5)])])
        let result = PlanEvaluator(scenario: scenario).evaluate(plan)
        #expect(result.violations.map(\.family) == [.domain])
        #expect(result.violations[0].amount == 5)
        #expect(result.violations[0].message.contains("deferrable within the day"))
    }

    @Test func theServingBoundOfADeferrableWorkloadIsWhatCanReachTheSlice() {
        // Minimum replicas 1 on an on-demand rental (z exists: replicaInUse x ≤ M z). Deferrable
        // within the day over day/night with r = 1000 each: M_night = (12 · 1000 + 12 · 1000) / 12
        // = 2000. Serving 2000 at night is within M; 2001 is above it by 1.
        var batch = E.workload("batch", rate: 1000)
        batch.deferral = Deferral()
        let rental = RentalOffering(id: "od", pricePerUnitHour: 1, commitment: .none, throughput: ["batch": 1000],
                                    acceleratorsPerReplica: ["batch": 1])
        let scenario = E.scenario(slices: E.dayNight, workloads: [batch], offerings: [.rental(rental)])
        let evaluator = PlanEvaluator(scenario: scenario)
        let atBound = evaluator.evaluate(PlanDecisions(onDemandUnits: ["od": [[0, 2]]], served: ["od": ["batch": [[0, 2000]]]]))
        #expect(atBound.violations.isEmpty, "\(atBound.violations)")
        let above = evaluator.evaluate(PlanDecisions(onDemandUnits: ["od": [[0, 3]]], served: ["od": ["batch": [[0, 2001]]]]))
        #expect(above.violations.map(\.family) == [.minimumReplicas], "\(above.violations)")
        #expect(nearlyEqual(above.violations[0].amount, 1))
    }

    @Test func aRowNamedApartFromItsFamilyIsEncodedOnlyThen() throws {
        // Reports of plans without such rows keep their bytes: no `row` key.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let plain = ConstraintViolation(family: .demand, workload: "chat", period: "2027", slice: "day", amount: 1, message: "m")
        #expect(!String(decoding: try encoder.encode(plain), as: UTF8.self).contains("row"))
        let daily = ConstraintViolation(family: .demand, workload: "chat", period: "2027", amount: 1, message: "m", row: "dailyDemand")
        #expect(String(decoding: try encoder.encode(daily), as: UTF8.self).contains("\"row\":\"dailyDemand\""))
        #expect(daily.rowName == "dailyDemand[chat,2027]" && plain.rowName == "demand[chat,2027,day]")
    }

    // MARK: 11.3 spot and batch

    @Test func spotUnitsCountTheirAvailabilityAndServeInterruptibleWorkloadsOnly() {
        // α = 0.5, 1000 tokens/s a unit, U = 1: 1000 tokens/s need 2 units (1 ≤ 0.5 · 2); with 1
        // unit the row is short by 1 − 0.5 = 0.5 units. 2 units at 2 USD/h all year: 35,040 USD.
        var jobs = E.workload("jobs", rate: 1000)
        jobs.interruptible = true
        let chat = E.workload("chat", rate: 1000)
        var spot = RentalOffering(id: "spot", pricePerUnitHour: 2, commitment: .spot, throughput: ["jobs": 1000, "chat": 1000])
        spot.availability = 0.5
        let scenario = E.scenario(workloads: [jobs, chat], offerings: [.rental(spot), .api(E.api("api", serves: ["chat"]))])
        let evaluator = PlanEvaluator(scenario: scenario)
        let enough = evaluator.evaluate(PlanDecisions(onDemandUnits: ["spot": [[2]]],
                                                      served: ["spot": ["jobs": [[1000]]], "api": ["chat": [[1000]]]]))
        #expect(enough.violations.isEmpty, "\(enough.violations)")
        #expect(nearlyEqual(enough.costByComponent.rental, 35_040))
        let one = evaluator.evaluate(PlanDecisions(onDemandUnits: ["spot": [[1]]],
                                                   served: ["spot": ["jobs": [[1000]]], "api": ["chat": [[1000]]]]))
        #expect(one.violations.map(\.rowName) == ["rentedCapacity[spot,2027,all-day]"])
        #expect(nearlyEqual(one.violations[0].amount, 0.5))
        // chat is not interruptible: its rate on spot is outside Π, so chat is short too.
        let wrong = evaluator.evaluate(PlanDecisions(onDemandUnits: ["spot": [[4]]],
                                                     served: ["spot": ["jobs": [[1000]], "chat": [[1000]]]]))
        #expect(wrong.violations.map(\.rowName) == ["domain[spot,chat]", "demand[chat,2027,all-day]"], "\(wrong.violations)")
        #expect(wrong.violations[0].message.contains("not interruptible"))
    }

    @Test func aBatchAPIServesDayDeferrableWorkloadsOnly() {
        var batch = E.workload("batch", rate: 1000)
        batch.deferral = Deferral()
        let chat = E.workload("chat", rate: 1000)
        var api = E.api("batchapi", price: 0.5, serves: ["batch", "chat"])
        api.batch = true
        let scenario = E.scenario(workloads: [batch, chat], offerings: [.api(api)])
        let result = PlanEvaluator(scenario: scenario).evaluate(
            PlanDecisions(served: ["batchapi": ["batch": [[1000]], "chat": [[1000]]]]))
        #expect(result.violations.map(\.rowName) == ["domain[batchapi,chat]", "demand[chat,2027,all-day]"], "\(result.violations)")
        // Only batch's tokens cost: 31,536 MTok at 0.5 USD.
        #expect(nearlyEqual(result.totalCost, 15_768))
    }

    // MARK: 11.4 caching

    @Test func cacheHitsPriceAPIInputAtTheCachedPriceAndReportTheSaving() {
        // in 3, out 15, cached 0.3 USD/MTok; output share 0.25, hit rate 0.6:
        // ψ·10^6 = 0.75 (0.4 · 3 + 0.6 · 0.3) + 0.25 · 15 = 0.75 · 1.38 + 3.75 = 4.785 USD/MTok;
        // 31,536 MTok cost 150,899.76. Saved: 0.75 · 0.6 · (3 − 0.3) = 1.215 USD/MTok, 38,316.24.
        var chat = E.workload("chat", rate: 1000, outputShare: 0.25)
        chat.cache = WorkloadCache(hitRate: 0.6)
        var api = APIOffering(id: "api", inputPricePerMTok: 3, outputPricePerMTok: 15, serves: ["chat"])
        api.cachedInputPricePerMTok = 0.3
        let result = PlanEvaluator(scenario: E.scenario(workloads: [chat], offerings: [.api(api)]))
            .evaluate(PlanDecisions(served: ["api": ["chat": [[1000]]]]))
        #expect(result.violations.isEmpty)
        #expect(nearlyEqual(result.costByComponent.api, 150_899.76))
        #expect(nearlyEqual(result.periods[0].caching?.apiUSD ?? 0, 38_316.24))
        #expect(result.periods[0].caching?.selfHostedUnitHours == 0)
    }

    @Test func prefillSavingRaisesSelfHostedThroughput() {
        // hit rate 0.6, prefill share 0.5: τ' = 1000 / (1 − 0.3) = 1428.57 tokens/s. 1000 tokens/s
        // load 0.7 units ≤ U n = 0.8 · 1 (without the cache 1.0 > 0.8). Saved 8760 · (1 − 0.7)
        // = 2628 unit-hours.
        var chat = E.workload("chat", rate: 1000)
        chat.cache = WorkloadCache(hitRate: 0.6, prefillShare: 0.5)
        let owned = PurchaseOffering(id: "h100", unitPrice: 10_000, lifetimePeriods: 1, throughput: ["chat": 1000])
        let scenario = E.scenario(workloads: [chat], offerings: [.purchase(owned)], utilizationCap: 0.8)
        let result = PlanEvaluator(scenario: scenario).evaluate(PlanDecisions(arrivals: ["h100": [1]], served: ["h100": ["chat": [[1000]]]]))
        #expect(result.violations.isEmpty, "\(result.violations)")
        #expect(nearlyEqual(result.periods[0].caching?.selfHostedUnitHours ?? 0, 2628))
        #expect(result.periods[0].caching?.apiUSD == 0)
        // Without a cache there is no caching report, and the unit is short by 1 − 0.8 = 0.2.
        var plain = scenario
        plain.workloads[0].cache = nil
        let uncached = PlanEvaluator(scenario: plain).evaluate(PlanDecisions(arrivals: ["h100": [1]], served: ["h100": ["chat": [[1000]]]]))
        #expect(uncached.periods[0].caching == nil)
        #expect(uncached.violations.map(\.family) == [.ownedCapacity])
        #expect(nearlyEqual(uncached.violations[0].amount, 0.2))
    }

    // MARK: 11.5 prices that move

    @Test func aPriceDeclineLowersTheCapexOfLaterArrivals() {
        // c = 1000, L = 2 years, 20 % a year cheaper: a unit arriving in 2028 costs 800.
        // Amortized: 400 in 2028. Cash: 800 in 2028, salvage 800 · (2 + 2 − 1 − 2) / 2 = 400.
        // The capital budget of 900 holds (1000 would break it).
        var owned = PurchaseOffering(id: "gpu", unitPrice: 1000, lifetimePeriods: 2, throughput: ["chat": 1000])
        owned.priceChange = .declinePerYear(0.2)
        let chat = E.workload("chat", rate: 0, periods: 2)
        let plan = PlanDecisions(arrivals: ["gpu": [0, 1]])
        let amortized = PlanEvaluator(scenario: E.scenario(periods: 2, workloads: [chat], offerings: [.purchase(owned)],
                                                           budget: Budget(capexPerPeriod: [900, 900]))).evaluate(plan)
        #expect(amortized.violations.isEmpty, "\(amortized.violations)")
        #expect(amortized.periods.map(\.cost.capex).map { ($0 * 1e6).rounded() / 1e6 } == [0, 400])
        let cash = PlanEvaluator(scenario: E.scenario(periods: 2, workloads: [chat], offerings: [.purchase(owned)],
                                                      capexAccounting: .cash)).evaluate(plan)
        #expect(nearlyEqual(cash.periods[1].cost.capex, 800))
        #expect(nearlyEqual(cash.salvage, 400))
        #expect(nearlyEqual(cash.totalCost, 400))
    }

    @Test func rentalsAndAPIsArePricedAtEachPeriodsFactor() {
        // Factors [1, 0.5]: a one-period reservation (1 USD/h) costs 8760 then 4380; a 2-year
        // contract started in 2027 keeps 2027's price: 8760 both years. The API (1 USD/MTok)
        // serving 1000 tokens/s: 31,536 then 15,768.
        var reserved = RentalOffering(id: "res", pricePerUnitHour: 1, commitment: .period, throughput: [:])
        reserved.priceChange = .factors([1, 0.5])
        var term = RentalOffering(id: "term", pricePerUnitHour: 1, commitment: .period, throughput: [:], termPeriods: 2)
        term.priceChange = .factors([1, 0.5])
        var api = E.api("api", serves: ["chat"])
        api.priceChange = .factors([1, 0.5])
        let scenario = E.scenario(periods: 2, workloads: [E.workload("chat", rate: 1000, periods: 2)],
                                  offerings: [.rental(reserved), .rental(term), .api(api)])
        let result = PlanEvaluator(scenario: scenario).evaluate(
            PlanDecisions(reservedUnits: ["res": [1, 1], "term": [1, 1]], served: ["api": ["chat": [[1000], [1000]]]]))
        #expect(result.violations.isEmpty, "\(result.violations)")
        #expect(nearlyEqual(result.periods[0].cost.rental, 17_520) && nearlyEqual(result.periods[1].cost.rental, 13_140))
        #expect(nearlyEqual(result.periods[0].cost.api, 31_536) && nearlyEqual(result.periods[1].cost.api, 15_768))
    }

    // MARK: 11.5 availability windows

    @Test func decisionsOutsideAWindowAreAvailabilityViolations() {
        // Two years. The purchase can arrive until 2027, the on-demand rental from 2028, the API
        // until 2027: an arrival in 2028, units in 2027 and tokens in 2028 are each reported with
        // their amount (and still count).
        var owned = PurchaseOffering(id: "gpu", unitPrice: 100, lifetimePeriods: 1, throughput: [:])
        owned.availableUntilIndex = 0
        var rental = RentalOffering(id: "od", pricePerUnitHour: 1, commitment: .none, throughput: [:])
        rental.availableFromIndex = 1
        var api = E.api("api", serves: ["chat"])
        api.availableUntilIndex = 0
        let scenario = E.scenario(periods: 2, workloads: [E.workload("chat", rate: 1000, periods: 2)],
                                  offerings: [.purchase(owned), .rental(rental), .api(api)])
        let result = PlanEvaluator(scenario: scenario).evaluate(PlanDecisions(
            arrivals: ["gpu": [0, 2]], onDemandUnits: ["od": [[3], [0]]], served: ["api": ["chat": [[1000], [1000]]]]))
        #expect(result.violations.map(\.rowName) == ["availability[gpu,2028]", "availability[od,2027,all-day]", "availability[api,chat,2028]"],
                "\(result.violations)")
        #expect(result.violations.map(\.amount) == [2, 3, 1000])
        #expect(nearlyEqual(result.periods[1].cost.api, 31_536))
    }

    // MARK: 11.5 committed use

    /// An API at 1 USD/MTok with a committed-use contract: 20 % off, at least 20,000 USD a period.
    func committedScenario(periods: Int = 1, availableFrom: Int? = nil) -> Scenario {
        var api = E.api("api", serves: ["chat"])
        api.committedUse = CommittedUse(discount: 0.2, minSpendPerPeriod: 20_000)
        api.availableFromIndex = availableFrom
        let other = E.api("plain", serves: ["chat"])
        return E.scenario(periods: periods, workloads: [E.workload("chat", rate: 0, periods: periods)],
                          offerings: [.api(api), .api(other)])
    }

    @Test func aCommittedContractCostsTheDiscountedSpendOrTheMinimum() {
        // 1000 tokens/s: list 31,536; 0.8 · 31,536 = 25,228.8 ≥ 20,000, so the line is −6,307.2.
        // 500 tokens/s: list 15,768; 0.8 · 15,768 = 12,614.4 < 20,000, so the line is +4,232.
        let evaluator = PlanEvaluator(scenario: committedScenario())
        let large = evaluator.evaluate(PlanDecisions(served: ["api": ["chat": [[1000]]]], apiCommitments: ["api"]))
        #expect(large.violations.isEmpty)
        #expect(nearlyEqual(large.costByComponent.api, 31_536))
        #expect(nearlyEqual(large.costByComponent.apiCommitment, -6_307.2))
        #expect(nearlyEqual(large.totalCost, 25_228.8))
        let small = evaluator.evaluate(PlanDecisions(served: ["api": ["chat": [[500]]]], apiCommitments: ["api"]))
        #expect(nearlyEqual(small.costByComponent.apiCommitment, 4_232))
        #expect(nearlyEqual(small.totalCost, 20_000))
        // Not taken: the list spend.
        let none = evaluator.evaluate(PlanDecisions(served: ["api": ["chat": [[500]]]]))
        #expect(none.costByComponent.apiCommitment == 0 && nearlyEqual(none.totalCost, 15_768))
    }

    @Test func theMinimumIsChargedInTheWindowOnly() {
        // Available from 2028: 2027 has no charge, 2028 pays the minimum 20,000 with nothing sent.
        let result = PlanEvaluator(scenario: committedScenario(periods: 2, availableFrom: 1))
            .evaluate(PlanDecisions(apiCommitments: ["api"]))
        #expect(result.violations.isEmpty)
        #expect(result.periods.map(\.cost.apiCommitment) == [0, 20_000])
    }

    @Test func unknownAndNonCommittableContractsAreDomainViolations() {
        let result = PlanEvaluator(scenario: committedScenario())
            .evaluate(PlanDecisions(served: ["plain": ["chat": [[1000]]]], apiCommitments: ["nope", "plain"]))
        #expect(result.violations.map(\.rowName) == ["domain[nope]", "domain[plain]"])
        #expect(result.violations[1].message.contains("no committedUse"))
        #expect(result.costByComponent.apiCommitment == 0 && nearlyEqual(result.totalCost, 31_536))
    }
}
