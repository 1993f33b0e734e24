// The MathProg twin (models/capacity.mod) on section 11 of docs/formulation.md, solved by glpsol,
// against optima worked out by hand below; the evaluator costs the same hand-written optimal
// decisions at the same value, and the planner reaches the same optimum. Deferrable workloads are
// in the window form in the twin (always) and in the day form in the builder when H ≥ 24, so
// agreement there checks the builder's elimination of the flows.

import Foundation
import Testing
@testable import CapPlanKit

@Suite("MathProg twin: workload shapes, spot, caching, prices, windows, committed use")
struct MathProgTwinShapesTests {
    typealias E = ShapeExamples

    /// glpsol's optimum against `expected` (1e-6 relative), the evaluator's cost of the optimal
    /// `decisions`, and the planner's optimum against the same figure.
    @discardableResult
    private func solve(_ scenario: Scenario, expected: Double, decisions: PlanDecisions? = nil) throws -> GLPSol.Solution {
        let solution = try GLPSol.solveChecked(scenario, expected: expected, decisions: decisions)
        // The planner (its own builder, audited by the evaluator) reaches the same optimum.
        var options = PlanOptions()
        options.baselines = false
        options.mipGap = 1e-9
        let plan = try Planner.plan(scenario, options: options)
        #expect(plan.status == .optimal, "planner: \(plan.status)")
        let planned = try #require(plan.totals?.discountedCost)
        #expect(abs(planned - expected) <= 1e-6 * max(1, abs(expected)), "planner \(planned) vs hand-computed \(expected)")
        return solution
    }

    /// One 10,000 USD unit a year, lifetime one year, 1000 tokens/s, U = 1.
    private var gpu: PurchaseOffering { PurchaseOffering(id: "gpu", unitPrice: 10_000, lifetimePeriods: 1, throughput: ["chat": 1000, "batch": 1000]) }

    @Test func aProfileShapesTheFleet() throws {
        // chat averages 1000 tokens/s, 0.8 of it in the 12-hour day: r_day = 1600, r_night = 400.
        // One unit and the API for the day's other 600 (600 · 15,768,000 s = 9,460.8 MTok at 1 USD):
        // 19,460.8, below two units (20,000) and the API alone (31,536). With the default shares
        // (1000 in each slice) one unit would do: 10,000.
        var chat = E.workload("chat", rate: 1000)
        chat.profile = [0.8, 0.2]
        let scenario = E.scenario(slices: E.dayNight, workloads: [chat], offerings: [.purchase(gpu), .api(E.api("api", serves: ["chat"]))])
        try solve(scenario, expected: 19_460.8, decisions: PlanDecisions(
            arrivals: ["gpu": [1]], served: ["gpu": ["chat": [[1000, 400]]], "api": ["chat": [[600, 0]]]]))
        var flat = scenario
        flat.workloads[0].profile = nil
        try solve(flat, expected: 10_000)
    }

    @Test func aDayDeferrableWorkloadFillsTheNight() throws {
        // chat: all of its 500 tokens/s average in the day (r_day = 1000); batch: 500 in each slice,
        // deferrable within the day. One unit serves chat by day and all of batch at night
        // (12 · 1000 = 12 · 500 + 12 · 500): 10,000. Without the deferral the day needs 1500:
        // two units (20,000) or one and the API for 500 at 2 USD (7,884 MTok: 15,768): 20,000.
        var chat = E.workload("chat", rate: 500)
        chat.profile = [1, 0]
        var batch = E.workload("batch", rate: 500)
        batch.deferral = Deferral()
        let api = E.api("api", price: 2, serves: ["chat", "batch"])
        let scenario = E.scenario(slices: E.dayNight, workloads: [chat, batch], offerings: [.purchase(gpu), .api(api)])
        try solve(scenario, expected: 10_000, decisions: PlanDecisions(
            arrivals: ["gpu": [1]], served: ["gpu": ["chat": [[1000, 0]], "batch": [[0, 1000]]]]))
        var fixed = scenario
        fixed.workloads[1].deferral = nil
        try solve(fixed, expected: 20_000)
    }

    @Test func aSixHourWindowReachesOnlyTheNextSlice() throws {
        // Four 6-hour slices. chat fills the afternoon and the evening (1000 tokens/s each: 500 a
        // day on average, half in each); batch, 250 in every slice, may wait 6 hours: to the next
        // slice. Its afternoon tokens reach only the afternoon and the evening, both full, so they
        // go to the API: 250 · 365 · 6 · 3600 s = 1,971 MTok at 2 USD = 3,942, with one unit
        // (10,000); the evening's move to the night. 13,942. (Deferrable within the day, they
        // would fit the night too: 10,000.)
        var chat = E.workload("chat", rate: 500)
        chat.profile = [0, 0, 0.5, 0.5]
        var batch = E.workload("batch", rate: 250)
        batch.deferral = Deferral(maxDelayHours: 6)
        let api = E.api("api", price: 2, serves: ["chat", "batch"])
        let scenario = E.scenario(slices: E.quarters, workloads: [chat, batch], offerings: [.purchase(gpu), .api(api)])
        var f = Array(repeating: Array(repeating: 0.0, count: 4), count: 4)
        f[0][0] = 250; f[1][1] = 250; f[2][2] = 250; f[3][0] = 250
        try solve(scenario, expected: 13_942, decisions: PlanDecisions(
            arrivals: ["gpu": [1]],
            served: ["gpu": ["chat": [[0, 0, 1000, 1000]], "batch": [[500, 250, 0, 0]]], "api": ["batch": [[0, 0, 250, 0]]]],
            deferred: ["batch": [f]]))
        var day = scenario
        day.workloads[1].deferral = Deferral()
        try solve(day, expected: 10_000)
    }

    @Test func spotServesInterruptibleWorkOnlyAtItsAvailability() throws {
        // jobs (interruptible) and chat, 1000 tokens/s each. Spot at 0.5 USD/h with α = 0.5 needs
        // 2 units for jobs: 8,760; on demand at 1.5 USD/h, 1 unit: 13,140. chat cannot use spot:
        // on demand, 13,140. 21,900.
        var jobs = E.workload("jobs", rate: 1000)
        jobs.interruptible = true
        var spot = RentalOffering(id: "spot", pricePerUnitHour: 0.5, commitment: .spot, throughput: ["jobs": 1000])
        spot.availability = 0.5
        let onDemand = RentalOffering(id: "od", pricePerUnitHour: 1.5, commitment: .none, throughput: ["jobs": 1000, "chat": 1000])
        let scenario = E.scenario(workloads: [jobs, E.workload("chat", rate: 1000)], offerings: [.rental(spot), .rental(onDemand)])
        try solve(scenario, expected: 21_900, decisions: PlanDecisions(
            onDemandUnits: ["spot": [[2]], "od": [[1]]], served: ["spot": ["jobs": [[1000]]], "od": ["chat": [[1000]]]]))
    }

    @Test func aBatchAPIServesOnlyDayDeferrableWork() throws {
        // batch (deferrable within the day) on the batch API at 0.5: 15,768; chat on the list API
        // at 1: 31,536 (the batch API may not serve it). 47,304.
        var batch = E.workload("batch", rate: 1000)
        batch.deferral = Deferral()
        var cheap = E.api("batchapi", price: 0.5, serves: ["batch", "chat"])
        cheap.batch = true
        let scenario = E.scenario(workloads: [batch, E.workload("chat", rate: 1000)],
                                  offerings: [.api(cheap), .api(E.api("api", serves: ["batch", "chat"]))])
        try solve(scenario, expected: 47_304, decisions: PlanDecisions(
            served: ["batchapi": ["batch": [[1000]]], "api": ["chat": [[1000]]]]))
    }

    @Test func cachingLowersAPIPricesAndRaisesSelfHostedThroughput() throws {
        // API: in 3, out 15, cached 0.3; chat's output share 0.25, hit rate 0.6: 4.785 USD/MTok,
        // 150,899.76 for 1000 tokens/s a year.
        var chat = E.workload("chat", rate: 1000, outputShare: 0.25)
        chat.cache = WorkloadCache(hitRate: 0.6, prefillShare: 0.5)
        var api = APIOffering(id: "api", inputPricePerMTok: 3, outputPricePerMTok: 15, serves: ["chat"])
        api.cachedInputPricePerMTok = 0.3
        try solve(E.scenario(workloads: [chat], offerings: [.api(api)]), expected: 150_899.76,
                  decisions: PlanDecisions(served: ["api": ["chat": [[1000]]]]))
        // 1400 tokens/s and a 100,000 USD unit of 1000 tokens/s: τ' = 1000 / (1 − 0.3) = 1428.57,
        // so one unit serves it all: 100,000. (Without the prefill saving: one unit and 400 on the
        // API, 100,000 + 60,359.904 = 160,359.904.)
        var heavy = chat
        heavy.demand = [1400 * E.yearSeconds]
        let unit = PurchaseOffering(id: "gpu", unitPrice: 100_000, lifetimePeriods: 1, throughput: ["chat": 1000])
        let scenario = E.scenario(workloads: [heavy], offerings: [.purchase(unit), .api(api)])
        try solve(scenario, expected: 100_000, decisions: PlanDecisions(arrivals: ["gpu": [1]], served: ["gpu": ["chat": [[1400]]]]))
        var uncached = scenario
        uncached.workloads[0].cache = WorkloadCache(hitRate: 0.6)
        try solve(uncached, expected: 160_359.904)
    }

    @Test func movingPricesChooseBetweenBuyingAndRenting() throws {
        // Two years, 1000 tokens/s. A one-year unit at 10,000, 50 % cheaper a year (5,000 in
        // 2028); on demand at 1.2 USD/h with factors [1, 0.5]: 10,512 then 5,256. Buying both
        // years: 15,000. (Without the decline, 2028 would rent: 10,000 + 5,256.)
        var unit = gpu
        unit.priceChange = .declinePerYear(0.5)
        var od = RentalOffering(id: "od", pricePerUnitHour: 1.2, commitment: .none, throughput: ["chat": 1000])
        od.priceChange = .factors([1, 0.5])
        let scenario = E.scenario(periods: 2, workloads: [E.workload("chat", rate: 1000, periods: 2)],
                                  offerings: [.purchase(unit), .rental(od)])
        try solve(scenario, expected: 15_000, decisions: PlanDecisions(
            arrivals: ["gpu": [1, 1]], served: ["gpu": ["chat": [[1000], [1000]]]]))
        var flat = scenario
        if case .purchase(var o) = flat.offerings[0] { o.priceChange = nil; flat.offerings[0] = .purchase(o) }
        try solve(flat, expected: 15_256)
    }

    @Test func windowsCloseAndOpenOfferings() throws {
        // Two years, 1000 tokens/s. The API at 0.25 (7,884 a year) until 2027; a rental at 1 USD/h
        // (8,760) from 2028; another at 2 USD/h (17,520) always. 7,884 + 8,760 = 16,644.
        var api = E.api("api", price: 0.25, serves: ["chat"])
        api.availableUntilIndex = 0
        var late = RentalOffering(id: "late", pricePerUnitHour: 1, commitment: .none, throughput: ["chat": 1000])
        late.availableFromIndex = 1
        let dear = RentalOffering(id: "dear", pricePerUnitHour: 2, commitment: .none, throughput: ["chat": 1000])
        let scenario = E.scenario(periods: 2, workloads: [E.workload("chat", rate: 1000, periods: 2)],
                                  offerings: [.api(api), .rental(late), .rental(dear)])
        try solve(scenario, expected: 16_644, decisions: PlanDecisions(
            onDemandUnits: ["late": [[0], [1]]], served: ["api": ["chat": [[1000], [0]]], "late": ["chat": [[0], [1000]]]]))
    }

    @Test func aCommittedContractIsTakenWhenItPays() throws {
        // The API at 1 USD/MTok, 20 % off for at least 20,000 a year; another at 0.9. 1000 tokens/s:
        // committed 0.8 · 31,536 = 25,228.8 < 28,382.4. 500 tokens/s: max(20,000, 12,614.4) = 20,000
        // > 14,191.2, so the other API.
        var api = E.api("api", serves: ["chat"])
        api.committedUse = CommittedUse(discount: 0.2, minSpendPerPeriod: 20_000)
        let other = E.api("other", price: 0.9, serves: ["chat"])
        let large = E.scenario(workloads: [E.workload("chat", rate: 1000)], offerings: [.api(api), .api(other)])
        let taken = try solve(large, expected: 25_228.8, decisions: PlanDecisions(
            served: ["api": ["chat": [[1000]]]], apiCommitments: ["api"]))
        #expect(taken.output.contains("TAKE api\n"), "\(taken.output)")
        let small = E.scenario(workloads: [E.workload("chat", rate: 500)], offerings: [.api(api), .api(other)])
        let declined = try solve(small, expected: 14_191.2, decisions: PlanDecisions(served: ["other": ["chat": [[500]]]]))
        #expect(!declined.output.contains("TAKE"))
    }
}
