// Issue 12 (docs/formulation.md section 11) through the model builder and the planner: one
// hand-computed case per feature. Every case solves the built model (its objective must be the
// hand value) and plans it with `Planner.plan`, whose evaluator audits the plan.
//
// Common figures: years (h = 8760, d = 365, d · 3600 = 1,314,000 s), ρ = 0, U = 1. A workload
// with an average rate R over the day demands D = R · 24 · 1,314,000 = R · 31,536,000 tokens a
// year, so r_s = R · 24 σ_s / η_s. An API at p USD per million tokens costs 31.536 p USD per
// token/s held all year, 1.314 η_s p per token/s held in slice s.

import Foundation
import XCTest
import LinearProgramming
@testable import CapPlanKit

final class ShapesPlanTests: XCTestCase {
    static let year = 31_536_000.0

    static func horizon(_ periods: Int = 1) -> Horizon { Horizon(start: PeriodLabel("2027")!, periods: periods) }

    /// A purchase with one-year life (amortized capex = c a year in service), no power.
    static func server(_ price: Double, throughput: [String: Double], life: Int = 1) -> Offering {
        .purchase(PurchaseOffering(id: "srv", unitPrice: price, lifetimePeriods: life, throughput: throughput))
    }

    static func api(_ id: String, price: Double, serves: [String]) -> APIOffering {
        APIOffering(id: id, inputPricePerMTok: price, outputPricePerMTok: price, serves: serves)
    }

    static func workload(_ id: String, averageRate: Double, periods: Int = 1) -> Workload {
        Workload(id: id, outputShare: 0.5, model: nil, demand: Array(repeating: averageRate * year, count: periods))
    }

    /// The built model's optimum (gap 1e-9) and its decisions.
    func optimum(_ scenario: Scenario, file: StaticString = #filePath, line: UInt = #line) throws -> (objective: Double, decisions: PlanDecisions, model: CapacityModel) {
        let model = CapacityModelBuilder.buildModel(scenario)
        var options = SolveOptions()
        options.mip.relativeGap = 1e-9
        let solution = try GLPKSolver.solve(model.lp, options: options)
        XCTAssertEqual(solution.termination, .optimal, file: file, line: line)
        let decisions = PlanExtraction.decisions(scenario: scenario, model: model, solution: solution, integer: scenario.policy.integerUnits)
        return (solution.objectiveValue ?? .nan, decisions, model)
    }

    /// The planner's audited plan of `scenario`: its discounted cost must be `expected`.
    func assertPlanned(_ scenario: Scenario, costs expected: Double, file: StaticString = #filePath, line: UInt = #line) throws {
        var options = PlanOptions()
        options.baselines = false
        options.mipGap = 1e-9
        let plan = try Planner.plan(scenario, options: options)
        XCTAssertEqual(plan.status, .optimal, file: file, line: line)
        XCTAssertEqual(plan.totals?.discountedCost ?? .nan, expected, accuracy: 1e-6 * expected, file: file, line: line)
    }

    func assertCost(_ scenario: Scenario, _ expected: Double, file: StaticString = #filePath, line: UInt = #line) throws {
        let (objective, _, _) = try optimum(scenario, file: file, line: line)
        XCTAssertEqual(objective, expected, accuracy: 1e-7 * expected, file: file, line: line)
        try assertPlanned(scenario, costs: expected, file: file, line: line)
    }

    // MARK: 11.1 Profiles

    /// Slices peak (8 h) and offpeak (16 h) with the scenario's flat shares 1/3 and 2/3. chat
    /// has its own profile, half its tokens in each slice: r = 1000 · 24 · 0.5 / 8 = 1500 at the
    /// peak, 750 off it; batch keeps the flat default, 1000 in both. Owned units (τ = 1000,
    /// 10,000 USD a year, continuous) are sized by the combined peak 2500: 2.5 units, 25,000
    /// (the API at 10 USD/MTok would cost 105.12 per token/s of the peak, far more). With the
    /// default profile for both the peak is 2000: 20,000.
    func testWorkloadProfileSizesUnitsByTheCombinedPeak() throws {
        var chat = Self.workload("chat", averageRate: 1000)
        chat.profile = [0.5, 0.5]
        let batch = Self.workload("batch", averageRate: 1000)
        var scenario = Scenario(
            name: "profiles", horizon: Self.horizon(),
            timeSlices: [TimeSlice(name: "peak", hours: 8, share: 1.0 / 3), TimeSlice(name: "offpeak", hours: 16, share: 2.0 / 3)],
            workloads: [chat, batch],
            offerings: [Self.server(10_000, throughput: ["chat": 1000, "batch": 1000]), .api(Self.api("api", price: 10, serves: ["chat", "batch"]))],
            policy: Policy(integerUnits: false))
        let (objective, _, model) = try optimum(scenario)
        XCTAssertEqual(model.demandRate[0], [1500, 750])
        XCTAssertEqual(objective, 25_000, accuracy: 1e-6)
        try assertPlanned(scenario, costs: 25_000)
        scenario.workloads[0].profile = nil
        try assertCost(scenario, 20_000)
    }

    // MARK: 11.2 Deferrable workloads

    /// Slices peak (8 h, share 1/2) and offpeak (16 h, share 1/2). chat: R = 1000 at the
    /// scenario's shares, r = 1500 / 750. batch: flat (profile 1/3, 2/3), R = 500, deferrable
    /// within the day. Without deferral the peak is 2000: 2 units, 20,000. Deferred, the units
    /// must hold chat's peak, 1.5 units; offpeak they have 1500 − 750 = 750 tokens/s spare for
    /// 16 h = 12,000 token-hours/s, exactly batch's day (500 · 24): 1.5 units, 15,000. The plan's
    /// batch is served 0 at the peak and 750 off it (dailyDemand: 16 · 750 = 24 · 500).
    func testDeferrableWithinTheDayFillsTheNight() throws {
        var batch = Self.workload("batch", averageRate: 500)
        batch.profile = [1.0 / 3, 2.0 / 3]
        var scenario = Scenario(
            name: "deferrable day", horizon: Self.horizon(),
            timeSlices: [TimeSlice(name: "peak", hours: 8, share: 0.5), TimeSlice(name: "offpeak", hours: 16, share: 0.5)],
            workloads: [Self.workload("chat", averageRate: 1000), batch],
            offerings: [Self.server(10_000, throughput: ["chat": 1000, "batch": 1000]), .api(Self.api("api", price: 10, serves: ["chat", "batch"]))],
            policy: Policy(integerUnits: false))
        try assertCost(scenario, 20_000)
        scenario.workloads[1].deferral = Deferral()
        let (objective, decisions, model) = try optimum(scenario)
        XCTAssertEqual(objective, 15_000, accuracy: 1e-6)
        XCTAssertNil(model.index.demandRows[1])
        XCTAssertNotNil(model.index.deferrals.first?.dailyRows)
        XCTAssertEqual(decisions.served["srv"]?["batch"]?[0][0] ?? .nan, 0, accuracy: 1e-6)
        XCTAssertEqual(decisions.served["srv"]?["batch"]?[0][1] ?? .nan, 750, accuracy: 1e-6)
        XCTAssertTrue(decisions.deferred.isEmpty)
        try assertPlanned(scenario, costs: 15_000)
        // Marginal cost (dailyDemand's dual). At R = 500 the optimum sits at a breakpoint
        // (fewer batch tokens save nothing, more need units), so take R = 750: the day needs
        // 8 (1000 n − 1500) + 16 (1000 n − 750) = 750 · 24, n = 1.75 (17,500), every slice full.
        // One more token/s of batch's day needs 1/1000 unit more: 10 USD a year for 31.536
        // MTok, 10,000 / 31,536 = 0.3170979... USD/MTok in either slice; chat's too (batch
        // moves over to make room wherever it arrives).
        scenario.workloads[1].demand = [750 * Self.year]
        var options = PlanOptions()
        options.baselines = false
        let plan = try Planner.plan(scenario, options: options)
        XCTAssertEqual(plan.totals?.discountedCost ?? .nan, 17_500, accuracy: 1e-6)
        for workload in ["chat", "batch"] {
            let cost = try XCTUnwrap(plan.insights?.marginalCosts.first { $0.workload == workload })
            XCTAssertEqual(cost.bySlice["peak"] ?? .nan, 10_000 / 31_536, accuracy: 1e-9, workload)
            XCTAssertEqual(cost.bySlice["offpeak"] ?? .nan, 10_000 / 31_536, accuracy: 1e-9, workload)
            XCTAssertEqual(cost.averagePerMTok, 10_000 / 31_536, accuracy: 1e-9, workload)
        }
    }

    /// Four 6-hour slices starting at 0, 6, 12, 18. batch (profile 0, 1, 0, 0: all its tokens
    /// in 6-12; R = 250, so r = 250 · 24 / 6 = 1000 there) may wait H = 6 hours. Reach by hand: from s1 = [6, 12) both gaps to s2 = [12, 18) are 6 ≤ 6, to s3
    /// 12 > 6, to s0 18 > 6: R(s1) = {s1, s2}. So 1000 tokens/s over 6 hours can be spread over
    /// two slices: 500 in each, 0.5 units, 5,000. Not deferrable: 1 unit, 10,000; within the day
    /// (H = 24): 250 in every slice, 0.25 units, 2,500.
    func testDeferrableWindowReachesTheNextSlice() throws {
        var batch = Self.workload("batch", averageRate: 250)
        batch.profile = [0, 1, 0, 0]
        var scenario = Scenario(
            name: "deferrable window", horizon: Self.horizon(),
            timeSlices: (0..<4).map { TimeSlice(name: "h\($0 * 6)", hours: 6, share: 0.25, start: Double($0 * 6)) },
            workloads: [batch],
            offerings: [Self.server(10_000, throughput: ["batch": 1000]), .api(Self.api("api", price: 10, serves: ["batch"]))],
            policy: Policy(integerUnits: false))
        XCTAssertEqual(CapacityModelBuilder.reach(scenario, workload: 0), [[0], [1], [2], [3]])
        try assertCost(scenario, 10_000)
        scenario.workloads[0].deferral = Deferral(maxDelayHours: 6)
        XCTAssertEqual(CapacityModelBuilder.reach(scenario, workload: 0), [[0, 1], [1, 2], [2, 3], [0, 3]])
        let (objective, decisions, _) = try optimum(scenario)
        XCTAssertEqual(objective, 5_000, accuracy: 1e-6)
        // f: 1000 tokens/s of s1's demand, split between s1 and s2 (500 each as served).
        let flows = try XCTUnwrap(decisions.deferred["batch"])
        XCTAssertEqual(flows[0][1][1] + flows[0][1][2], 1000, accuracy: 1e-6)
        XCTAssertEqual(flows[0][1][3], 0)
        try assertPlanned(scenario, costs: 5_000)
        scenario.workloads[0].deferral = Deferral(maxDelayHours: 24)
        try assertCost(scenario, 2_500)
    }

    // MARK: 11.3 Spot rentals and batch APIs

    /// One slice, r = 1000 for both workloads. Spot: 1 USD per unit-hour, τ = 1000, α = 0.8:
    /// 1 / 0.8 = 1.25 USD per useful unit-hour, below on demand's 1.3. jobs (interruptible)
    /// rents 1000 / (1000 · 0.8) = 1.25 spot units all year: 1.25 · 8760 = 10,950. chat may not
    /// use spot: one on-demand unit, 1.3 · 8760 = 11,388. Total 22,338.
    func testSpotCostsItsPricePerUsefulHourAndServesOnlyInterruptible() throws {
        var jobs = Self.workload("jobs", averageRate: 1000)
        jobs.interruptible = true
        var spot = RentalOffering(id: "spot", pricePerUnitHour: 1, commitment: .spot, throughput: ["jobs": 1000, "chat": 1000])
        spot.availability = 0.8
        let scenario = Scenario(
            name: "spot", horizon: Self.horizon(), workloads: [Self.workload("chat", averageRate: 1000), jobs],
            offerings: [.rental(spot), .rental(RentalOffering(id: "cloud", pricePerUnitHour: 1.3, throughput: ["jobs": 1000, "chat": 1000]))],
            policy: Policy(integerUnits: false))
        let (objective, decisions, model) = try optimum(scenario)
        XCTAssertEqual(objective, 22_338, accuracy: 1e-6)
        XCTAssertFalse(model.index.servingPairs.contains { $0.offering == 0 && $0.workload == 0 }, "no spot pair for chat")
        XCTAssertEqual(decisions.onDemandUnits["spot"]?[0][0] ?? .nan, 1.25, accuracy: 1e-9)
        try assertPlanned(scenario, costs: 22_338)
    }

    /// A batch API at 1 USD/MTok serves only the workload deferrable within the day: jobs there,
    /// 31.536 · 1000 = 31,536; chat at the regular API's 2 USD/MTok, 63,072. Total 94,608.
    func testBatchAPIServesOnlyWorkloadsDeferrableWithinTheDay() throws {
        var jobs = Self.workload("jobs", averageRate: 1000)
        jobs.deferral = Deferral()
        var batch = Self.api("batch", price: 1, serves: ["chat", "jobs"])
        batch.batch = true
        let scenario = Scenario(
            name: "batch api", horizon: Self.horizon(), workloads: [Self.workload("chat", averageRate: 1000), jobs],
            offerings: [.api(batch), .api(Self.api("api", price: 2, serves: ["chat", "jobs"]))])
        let (_, _, model) = try optimum(scenario)
        XCTAssertFalse(model.index.servingPairs.contains { $0.offering == 0 && $0.workload == 0 }, "no batch pair for chat")
        try assertCost(scenario, 94_608)
    }

    // MARK: 11.4 Caching

    /// κ = 0.5, β = 0.4: τ' = τ / (1 − 0.2) = 1.25 τ. API in 4, out 8, cached input 1, φ = 0.5:
    /// 0.5 · (0.5 · 4 + 0.5 · 1) + 0.5 · 8 = 5.25 USD/MTok (6 without the cache); R = 1000:
    /// 31.536 · 1000 · 5.25 = 165,564. Owned (τ = 1000 → 1250, 10,000 a unit, continuous) for
    /// R = 2500: 2 units, 20,000 (2.5 units without the cache).
    func testCachingLowersTheAPIPriceAndRaisesThroughput() throws {
        var chat = Self.workload("chat", averageRate: 1000)
        chat.cache = WorkloadCache(hitRate: 0.5, prefillShare: 0.4)
        var api = APIOffering(id: "api", inputPricePerMTok: 4, outputPricePerMTok: 8, serves: ["chat"])
        api.cachedInputPricePerMTok = 1
        try assertCost(Scenario(name: "cached api", horizon: Self.horizon(), workloads: [chat], offerings: [.api(api)]), 165_564)
        chat.demand = [2500 * Self.year]
        let owned = Scenario(
            name: "cached owned", horizon: Self.horizon(), workloads: [chat],
            offerings: [Self.server(10_000, throughput: ["chat": 1000])], policy: Policy(integerUnits: false))
        let (_, _, model) = try optimum(owned)
        XCTAssertEqual(model.index.servingPairs[0].throughput ?? .nan, 1250, accuracy: 1e-9)
        try assertCost(owned, 20_000)
    }

    // MARK: 11.5 Prices that move, windows, committed use

    /// Two years, R = 1000 in both. API at 1 USD/MTok: 31,536 a year. A unit (τ = 1000, one-year
    /// life) costs 40,000, with factors [1, 0.5]: 20,000 in 2028. So the API serves 2027 and a
    /// unit is bought for 2028: 31,536 + 20,000 = 51,536. With the API declining 50 % a year
    /// (f = 0.5 in 2028: 15,768 < 20,000) nothing is bought: 31,536 + 15,768 = 47,304.
    func testPriceDeclineDelaysThePurchase() throws {
        var purchase = PurchaseOffering(id: "srv", unitPrice: 40_000, lifetimePeriods: 1, throughput: ["chat": 1000])
        purchase.priceChange = .factors([1, 0.5])
        var scenario = Scenario(
            name: "prices", horizon: Self.horizon(2), workloads: [Self.workload("chat", averageRate: 1000, periods: 2)],
            offerings: [.purchase(purchase), .api(Self.api("api", price: 1, serves: ["chat"]))])
        let (objective, decisions, _) = try optimum(scenario)
        XCTAssertEqual(objective, 51_536, accuracy: 1e-6)
        XCTAssertEqual(decisions.arrivals["srv"], [0, 1])
        try assertPlanned(scenario, costs: 51_536)
        var api = Self.api("api", price: 1, serves: ["chat"])
        api.priceChange = .declinePerYear(0.5)
        scenario.offerings[1] = .api(api)
        let (declined, none, _) = try optimum(scenario)
        XCTAssertEqual(declined, 47_304, accuracy: 1e-6)
        XCTAssertEqual(none.arrivals["srv"], [0, 0])
        try assertPlanned(scenario, costs: 47_304)
    }

    /// Two years, R = 1000. A unit lasts 2 years for 40,000 (amortized: 20,000 a year in
    /// service); the API costs 31,536 a year. Available until 2027: bought in 2027, 40,000.
    /// Available from 2028 only: API in 2027, the unit in 2028 (20,000 inside the horizon):
    /// 51,536. Available until 2026 (before the horizon): no arrival column at all, API only,
    /// 63,072.
    func testPurchaseWindow() throws {
        var purchase = PurchaseOffering(id: "srv", unitPrice: 40_000, lifetimePeriods: 2, throughput: ["chat": 1000])
        purchase.availableUntilIndex = 0
        var scenario = Scenario(
            name: "window", horizon: Self.horizon(2), workloads: [Self.workload("chat", averageRate: 1000, periods: 2)],
            offerings: [.purchase(purchase), .api(Self.api("api", price: 1, serves: ["chat"]))])
        let (_, _, model) = try optimum(scenario)
        XCTAssertNotNil(model.index.arrivals[0].variable(0))
        XCTAssertNil(model.index.arrivals[0].variable(1))
        try assertCost(scenario, 40_000)
        purchase.availableUntilIndex = nil
        purchase.availableFromIndex = 1
        scenario.offerings[0] = .purchase(purchase)
        try assertCost(scenario, 51_536)
        purchase.availableFromIndex = 0
        purchase.availableUntilIndex = -1
        scenario.offerings[0] = .purchase(purchase)
        let (_, _, closed) = try optimum(scenario)
        XCTAssertNil(closed.index.arrivals[0].start)
        try assertCost(scenario, 63_072)
    }

    /// Two years, R = 1000 then 500, API at 2 USD/MTok: list spend 63,072 and 31,536 (94,608).
    /// Committed use, 20 % off, minimum S a year: max(S, 0.8 · list) per year.
    /// - S = 40,000: max(40,000, 50,457.6) + max(40,000, 25,228.8) = 90,457.6 < 94,608: taken.
    /// - S = 45,000: 50,457.6 + 45,000 = 95,457.6 > 94,608: not taken, 94,608.
    func testCommittedUseTakenOnlyWhenItPays() throws {
        func scenario(minimum: Double) -> Scenario {
            var api = Self.api("api", price: 2, serves: ["chat"])
            api.committedUse = CommittedUse(discount: 0.2, minSpendPerPeriod: minimum)
            var chat = Self.workload("chat", averageRate: 1000, periods: 2)
            chat.demand[1] = 500 * Self.year
            return Scenario(name: "committed", horizon: Self.horizon(2), workloads: [chat], offerings: [.api(api)])
        }
        let (taken, decisions, _) = try optimum(scenario(minimum: 40_000))
        XCTAssertEqual(taken, 90_457.6, accuracy: 1e-6)
        XCTAssertEqual(decisions.apiCommitments, ["api"])
        try assertPlanned(scenario(minimum: 40_000), costs: 90_457.6)
        let (declined, none, _) = try optimum(scenario(minimum: 45_000))
        XCTAssertEqual(declined, 94_608, accuracy: 1e-6)
        XCTAssertEqual(none.apiCommitments, [])
        try assertPlanned(scenario(minimum: 45_000), costs: 94_608)
    }

    /// κ_a stays binary with `--relax` (an on/off decision): S = 40,000 as above, relaxed.
    func testCommitmentIsBinaryWhenRelaxed() throws {
        var api = Self.api("api", price: 2, serves: ["chat"])
        api.committedUse = CommittedUse(discount: 0.2, minSpendPerPeriod: 60_000)
        let scenario = Scenario(
            name: "committed relaxed", horizon: Self.horizon(), workloads: [Self.workload("chat", averageRate: 1000)],
            offerings: [.api(api)], policy: Policy(integerUnits: false))
        let model = CapacityModelBuilder.buildModel(scenario)
        XCTAssertEqual(model.lp.kind(of: model.index.commitments[0].taken), .binary)
        // Taken: max(60,000, 50,457.6) = 60,000 < 63,072.
        try assertCost(scenario, 60_000)
    }

    // MARK: Reductions, decomposition, breakeven (formulation 11.8)

    /// A small scenario with every section 11 feature, its numbers drawn from `seed`: two
    /// periods, three slices on the clock, a peaky interactive workload with a cache, an
    /// interruptible one deferrable within 6 hours, one deferrable within the day; a purchase
    /// with a window and falling prices, on-demand and spot rentals (one with a window and
    /// factors), a regular API with a cached price and a rate limit, a batch API, and an API
    /// with a committed-use contract and a window.
    static func featureScenario(seed: UInt64) -> Scenario {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        func draw(_ low: Double, _ high: Double) -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return low + (high - low) * Double(state >> 11) / Double(1 << 53)
        }
        var chat = workload("chat", averageRate: draw(500, 2000), periods: 2)
        chat.profile = [0.5, 0.3, 0.2]
        chat.cache = WorkloadCache(hitRate: draw(0, 0.8), prefillShare: draw(0, 0.5))
        var night = workload("night", averageRate: draw(200, 1500), periods: 2)
        night.interruptible = true
        night.deferral = Deferral(maxDelayHours: 6)
        var daily = workload("daily", averageRate: draw(200, 1500), periods: 2)
        daily.deferral = Deferral()
        daily.demand[1] *= draw(0.5, 2)
        var purchase = PurchaseOffering(id: "srv", unitPrice: draw(5_000, 30_000), lifetimePeriods: 2, throughput: ["chat": 1000, "night": 1200, "daily": 1100])
        purchase.priceChange = .declinePerYear(draw(0, 0.5))
        purchase.availableUntilIndex = seed % 3 == 0 ? 0 : nil
        var spot = RentalOffering(id: "spot", pricePerUnitHour: draw(0.2, 1.5), commitment: .spot, throughput: ["night": 1000, "chat": 1000])
        spot.availability = draw(0.5, 1)
        spot.priceChange = .factors([1, draw(0.5, 1.5)])
        var cloud = RentalOffering(id: "cloud", pricePerUnitHour: draw(0.5, 2), throughput: ["chat": 900, "night": 900, "daily": 900])
        cloud.availableFromIndex = seed % 2 == 0 ? 1 : nil
        var api = APIOffering(id: "api", inputPricePerMTok: draw(0.5, 4), outputPricePerMTok: draw(1, 8), serves: ["chat", "night", "daily"])
        api.cachedInputPricePerMTok = draw(0.1, 0.5)
        var limited = APIOffering(id: "limited", inputPricePerMTok: draw(0.2, 2), outputPricePerMTok: draw(0.5, 4), serves: ["chat", "daily"],
                                  maxTokensPerSecond: draw(100, 800))
        limited.priceChange = .declinePerYear(draw(0, 0.6))
        var batch = APIOffering(id: "batch", inputPricePerMTok: draw(0.2, 2), outputPricePerMTok: draw(0.5, 4), serves: ["daily"])
        batch.batch = true
        var committed = APIOffering(id: "committed", inputPricePerMTok: draw(0.5, 3), outputPricePerMTok: draw(1, 6), serves: ["chat", "night"])
        committed.committedUse = CommittedUse(discount: draw(0.1, 0.4), minSpendPerPeriod: draw(1_000, 40_000))
        committed.availableUntilIndex = seed % 4 == 1 ? 0 : nil
        return Scenario(
            name: "features \(seed)", horizon: horizon(2), discountRate: 0.08,
            timeSlices: [TimeSlice(name: "day", hours: 10, share: 0.5, start: 8), TimeSlice(name: "evening", hours: 6, share: 0.3, start: 18),
                         TimeSlice(name: "night", hours: 8, share: 0.2, start: 0)],
            workloads: [chat, night, daily],
            offerings: [.purchase(purchase), .rental(spot), .rental(cloud), .api(api), .api(limited), .api(batch), .api(committed)],
            policy: Policy(integerUnits: seed % 2 == 1, utilizationCap: 0.9, unservedPenaltyPerMTok: seed % 5 == 0 ? draw(1, 20) : nil))
    }

    func solved(_ scenario: Scenario, reductions: Bool) throws -> Double? {
        let model = CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(names: false, reductions: reductions))
        var options = SolveOptions()
        options.mip.relativeGap = 1e-9
        let solution = try GLPKSolver.solve(model.lp, options: options)
        return solution.termination == .optimal ? solution.objectiveValue : nil
    }

    /// The reductions of 11.8 (per-period anchors, spot's α, caching, windows, committed use)
    /// leave the optimum as it is, on 40 drawn scenarios with every feature.
    func testReductionsKeepTheOptimumWithSectionEleven() throws {
        var reduced = 0
        for seed in UInt64(1)...40 {
            let scenario = Self.featureScenario(seed: seed)
            let full = try XCTUnwrap(try solved(scenario, reductions: false), "seed \(seed)")
            let fewer = try XCTUnwrap(try solved(scenario, reductions: true), "seed \(seed)")
            XCTAssertEqual(fewer, full, accuracy: 1e-9 * max(1, abs(full)), "seed \(seed)")
            let model = CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(names: false, reductions: false))
            if !CapacityModelBuilder.buildModel(scenario).reductions.isEmpty { reduced += 1 }
            // The validator's bound holds with every feature (flows, commitment rows).
            let bound = CapacityModelBuilder.nonzeroUpperBound(
                periods: 2, slices: 3, workloads: 3, offerings: scenario.offerings, unservedPriced: scenario.policy.unservedPenaltyPerMTok != nil,
                deferrals: scenario.workloads.map(\.deferral))
            XCTAssertGreaterThanOrEqual(bound, Double(model.lp.entryCount), "seed \(seed)")
        }
        XCTAssertGreaterThan(reduced, 0, "no scenario had anything to reduce: the test would not test the reductions")
    }

    /// With a deferrable workload or a committed-use contract (their rows couple a period's
    /// slices) Benders' blocks are per period, κ_a in the master; without them, per period and
    /// slice (2 periods, 3 slices).
    func testBendersBlocksArePerPeriodWithDeferralAndCommittedUse() throws {
        var scenario = Self.featureScenario(seed: 2)
        scenario.policy.integerUnits = false
        scenario.policy.unservedPenaltyPerMTok = 100
        let both = try XCTUnwrap(FleetDecomposition.decomposition(of: CapacityModelBuilder.buildModel(scenario)))
        XCTAssertEqual(both.blocks.count, 2)
        for w in scenario.workloads.indices { scenario.workloads[w].deferral = nil }
        scenario.offerings.removeAll { $0.id == "batch" }
        let model = CapacityModelBuilder.buildModel(scenario)
        let committed = try XCTUnwrap(FleetDecomposition.decomposition(of: model), "committed use")
        XCTAssertEqual(committed.blocks.count, 2)
        XCTAssertTrue(committed.masterColumns.contains(try XCTUnwrap(model.index.commitments.first).taken))
        scenario.offerings.removeAll { $0.id == "committed" }
        XCTAssertEqual(try XCTUnwrap(FleetDecomposition.decomposition(of: CapacityModelBuilder.buildModel(scenario))).blocks.count, 6)
    }

    /// The breakeven's rescaled model (`withDemand`) is the model of the scaled scenario: the
    /// dailyDemand and deferredDemand right-hand sides, and M_wps in the binaries' and
    /// commitOnly rows, move with the demand. Same optimum as a rebuild, for every workload.
    func testScaledDemandMatchesARebuild() throws {
        for seed in UInt64(1)...6 {
            let scenario = Self.featureScenario(seed: seed)
            let model = CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(names: false))
            for w in scenario.workloads.indices {
                var scaled = scenario
                scaled.workloads[w].demand = scaled.workloads[w].demand.map { $0 * 1.7 }
                let rebuilt = CapacityModelBuilder.buildModel(scaled, options: CapacityModelOptions(names: false))
                let rescaled = model.withDemand(ofWorkload: w, scaledBy: 1.7, scenario: scaled)
                // Right-hand sides equal up to rounding (scaled r against r of a scaled D).
                XCTAssertEqual(rescaled.lp.constraintLower.count, rebuilt.lp.constraintLower.count)
                for (a, b) in zip(rescaled.lp.constraintLower, rebuilt.lp.constraintLower) {
                    XCTAssertEqual(a == nil, b == nil, "seed \(seed) workload \(w)")
                    if let a, let b { XCTAssertEqual(a, b, accuracy: 1e-12 * max(1, abs(b)), "seed \(seed) workload \(w)") }
                }
                var options = SolveOptions()
                options.mip.relativeGap = 1e-9
                let a = try GLPKSolver.solve(rescaled.lp, options: options).objectiveValue
                let b = try GLPKSolver.solve(rebuilt.lp, options: options).objectiveValue
                XCTAssertEqual(a ?? .nan, b ?? .nan, accuracy: 1e-7 * max(1, abs(b ?? 1)), "seed \(seed) workload \(w)")
            }
        }
    }

    /// The heuristics' completions (11.8) on whole-unit scenarios with every feature: each
    /// fallback candidate that completes is a whole point (κ_a included) whose LP with the
    /// integers fixed is optimal and costs no less than the MIP's optimum; relax-and-fix gives
    /// a plan too.
    func testHeuristicCompletionsStayFeasibleWithSectionEleven() throws {
        var options = PlanOptions()
        options.mipGap = 1e-9
        var completed = 0
        for seed in [UInt64(1), 3, 5, 7] {
            let scenario = Self.featureScenario(seed: seed)
            XCTAssertTrue(scenario.policy.integerUnits)
            let model = CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(names: false))
            let optimum = try XCTUnwrap(try solved(scenario, reductions: true), "seed \(seed)")
            let deadline = Deadline(seconds: 60)
            let relaxation = try XCTUnwrap(try FallbackPlan.relaxation(model, options: options, deadline: deadline), "seed \(seed)")
            for candidate in FallbackPlan.candidates(model, relaxation: relaxation.values) {
                guard let completion = try FallbackPlan.completeByBlocks(model, proposal: candidate.values, options: options, deadline: deadline) else { continue }
                for variable in model.lp.variables where model.lp.kind(of: variable) != .continuous {
                    XCTAssertEqual(completion.values[variable.index], completion.values[variable.index].rounded(), accuracy: 1e-6, "seed \(seed) \(candidate.name)")
                }
                let fixed = try XCTUnwrap(try FallbackPlan.fixedLP(model, values: completion.values, options: options, deadline: deadline))
                XCTAssertEqual(fixed.termination, .optimal, "seed \(seed) \(candidate.name)")
                XCTAssertGreaterThanOrEqual(try XCTUnwrap(fixed.objectiveValue), optimum * (1 - 1e-7), "seed \(seed) \(candidate.name)")
                completed += 1
            }
            let incumbent = try PrimalHeuristics.relaxAndFix(model, relaxation: relaxation.values, options: options, deadline: deadline)
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(incumbent, "seed \(seed)").solution.objectiveValue ?? .nan, optimum * (1 - 1e-7))
        }
        XCTAssertGreaterThan(completed, 4)
    }

    /// The diagnosis names section 11's limits: chat is not interruptible, so the spot rental
    /// cannot serve it, and the API is available in 2027 only: 2028's demand has nowhere to go.
    func testDiagnosisNamesWindowsAndSpot() throws {
        var api = Self.api("api", price: 1, serves: ["chat"])
        api.availableUntilIndex = 0
        let scenario = Scenario(
            name: "diagnosis", horizon: Self.horizon(2), workloads: [Self.workload("chat", averageRate: 1000, periods: 2)],
            offerings: [.rental(RentalOffering(id: "spot", pricePerUnitHour: 1, commitment: .spot, throughput: ["chat": 1000])), .api(api)])
        var options = PlanOptions()
        options.baselines = false
        let plan = try Planner.plan(scenario, options: options)
        XCTAssertEqual(plan.status, .infeasible)
        let shortfalls = try XCTUnwrap(plan.diagnosis?.shortfalls)
        XCTAssertEqual(shortfalls.map(\.period), ["2028"])
        let limits = shortfalls.first?.limits ?? []
        XCTAssertTrue(limits.contains("api is not available in 2028 (availableFrom/availableUntil)"), "\(limits)")
        XCTAssertTrue(limits.contains("spot is a spot rental: it serves only interruptible workloads, and chat is not"), "\(limits)")
    }

    /// Drawn scenarios with every feature through the whole planner, its audit included:
    /// whole units, `--relax`, and Benders (forced) where it applies (deferral and committed
    /// use removed, an unserved penalty for the recourse): each plan costs the built model's
    /// optimum.
    func testPlannerPathsWithEveryFeature() throws {
        var fallbacks = 0
        for seed in UInt64(1)...8 {
            var scenario = Self.featureScenario(seed: seed)
            var options = PlanOptions()
            options.baselines = false
            options.mipGap = 1e-9
            options.relax = seed % 4 == 3
            let plan = try Planner.plan(scenario, options: options)
            let expected = try XCTUnwrap(try solved(options.relax ? scenario.withIntegerUnits(false) : scenario, reductions: true), "seed \(seed)")
            XCTAssertEqual(plan.totals?.discountedCost ?? .nan, expected, accuracy: 1e-6 * expected, "seed \(seed)")
            if !options.relax, scenario.policy.integerUnits {
                // Stopped at the root without the rounding start: the fallback's or the root's
                // plan, audited, whole, and never below the optimum.
                var stopped = options
                stopped.roundUpStart = false
                stopped.mip.nodeLimit = 1
                let early = try Planner.plan(scenario, options: stopped)
                XCTAssertTrue(early.status == .optimal || early.status == .feasible, "seed \(seed): \(early.status)")
                XCTAssertGreaterThanOrEqual(early.totals?.discountedCost ?? .nan, expected * (1 - 1e-6), "seed \(seed)")
                if early.warnings.contains(where: { $0.contains("rounding heuristic") || $0.contains("fallback") }) { fallbacks += 1 }
            }

            // Benders with per-period blocks (deferral, committed use kept), then per slice.
            scenario.policy.unservedPenaltyPerMTok = 50
            options.relax = true
            options.decomposition = .benders
            let perPeriod = try Planner.plan(scenario, options: options)
            XCTAssertEqual(perPeriod.solver.method, .bendersDecomposition, "seed \(seed) per period")
            let relaxed = try XCTUnwrap(try solved(scenario.withIntegerUnits(false), reductions: true), "seed \(seed)")
            XCTAssertEqual(perPeriod.totals?.discountedCost ?? .nan, relaxed, accuracy: 1e-6 * relaxed, "seed \(seed) Benders per period")
            for w in scenario.workloads.indices { scenario.workloads[w].deferral = nil }
            scenario.offerings.removeAll { $0.id == "batch" || $0.id == "committed" }
            let decomposed = try Planner.plan(scenario, options: options)
            XCTAssertEqual(decomposed.solver.method, .bendersDecomposition, "seed \(seed)")
            let optimum = try XCTUnwrap(try solved(scenario.withIntegerUnits(false), reductions: true), "seed \(seed)")
            XCTAssertEqual(decomposed.totals?.discountedCost ?? .nan, optimum, accuracy: 1e-6 * optimum, "seed \(seed) Benders")
        }
        XCTAssertGreaterThan(fallbacks, 0, "no plan came from the fallback: its path went untested")
    }

    // MARK: Old scenarios keep their model

    /// Scenarios without the new keys export the same LP, byte for byte, as before issue 12's
    /// builder (fixtures exported by `capplan export --lp` at commit 0e6d612 of main), less the
    /// exact `replicaRounding` rows added since (the plain formulation's replicas; they change
    /// no optimum: `testReplicaRoundingKeepsTheOptimumOfThePlainModel`).
    func testShippedExamplesExportTheSameLP() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for example in ["contracts-and-platforms", "fiscal-budget", "training-alongside-inference"] {
            let path = root.appendingPathComponent("examples/\(example).yaml")
            let text = try String(contentsOf: path, encoding: .utf8)
            let scenario = try ScenarioLoader.load(text: text, fileName: path.lastPathComponent, baseDirectory: root.appendingPathComponent("examples").path).scenario
            let model = CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(replicaRounding: false))
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shapes-lp-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let written = directory.appendingPathComponent("model.lp")
            try model.write(to: written.path, format: .cplexLP)
            let expected = try Data(contentsOf: root.appendingPathComponent("Tests/CapPlanKitTests/Fixtures/lp-before-issue12/\(example).lp"))
            XCTAssertEqual(try Data(contentsOf: written), expected, example)
        }
    }
}
