// The issue-12 examples plan as their headers say (examples/chat-and-nightly-batch.yaml,
// falling-api-price.yaml, caching-and-commitment.yaml, spot-and-batch.yaml): the decision each
// feature changes, against the same scenario without it, with the parts that can be worked by
// hand checked to the cent. Plus the issue's chat-and-batch case on owned units alone, by hand.
import Foundation
import XCTest
@testable import CapPlanKit

final class ShapesExamplesTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func scenario(_ name: String) throws -> Scenario {
        try ScenarioLoader.load(path: Self.root.appendingPathComponent("examples/" + name).path).scenario
    }

    func plan(_ scenario: Scenario, outlook: Bool = false) throws -> PlanDocument {
        var options = PlanOptions()
        options.baselines = false
        options.priceThresholds = false
        let plan = try Planner.plan(scenario, options: options)
        XCTAssertEqual(plan.status, .optimal)
        XCTAssertLessThanOrEqual(plan.audit?.relativeDifference ?? 1, 1e-6, "the evaluator disagrees")
        return plan
    }

    func cost(_ plan: PlanDocument) throws -> Double { try XCTUnwrap(plan.totals).discountedCost }

    func unitsBought(_ plan: PlanDocument) -> Double { plan.purchases.reduce(0) { $0 + $1.units } }

    /// δ_p for quarters at 8% a year.
    func discount(_ p: Int) -> Double { pow(1.08, -Double(p) / 4) }

    /// The issue's case: chat peaks by day, a batch arrives flat. Forced into chat's profile the
    /// batch needs the day's peak for both; with its own flat profile the sum of the two
    /// slices' rates; deferrable, only chat's peak and the day's total. One quarter, owned units
    /// of 20,000 tokens/s at U = 0.85 (17,000 usable), 100,000 USD each with a one-quarter life.
    ///   chat 5e11 (10/65/25% over 8/10/6 h), day rate 5e11 · 0.65 / (91.25 · 10 · 3600) = 98,934.6
    ///   batch 3e11 flat: 3e11 / (91.25 · 86,400) = 38,051.8 tokens/s in every slice
    ///   forced: 8e11 · 0.65 / 3.285e6 = 158,295.3 → 9.31 → 10 units
    ///   own profile: 98,934.6 + 38,051.8 = 136,986.3 → 8.06 → 9 units
    ///   deferrable: max(98,934.6 / 17,000 = 5.82, (5e11 + 3e11) / (91.25 · 86,400) / 17,000 = 5.97) → 6 units
    func testChatAndBatchOnOwnedUnitsByHand() throws {
        func make(batchProfile: [Double]?, deferrable: Bool) -> Scenario {
            var batch = Workload(id: "batch", outputShare: 0.2, model: nil, demand: [3e11])
            batch.profile = batchProfile
            batch.deferral = deferrable ? Deferral() : nil
            return Scenario(
                name: "chat-batch", horizon: Horizon(start: PeriodLabel("2027Q1")!, periods: 1),
                timeSlices: [TimeSlice(name: "night", hours: 8, share: 0.10), TimeSlice(name: "day", hours: 10, share: 0.65),
                             TimeSlice(name: "evening", hours: 6, share: 0.25)],
                workloads: [Workload(id: "chat", outputShare: 0.35, model: nil, demand: [5e11]), batch],
                offerings: [.purchase(PurchaseOffering(id: "node", unitPrice: 100_000, lifetimePeriods: 1, throughput: ["chat": 20_000, "batch": 20_000]))],
                policy: Policy(utilizationCap: 0.85))
        }
        let flat = [8.0 / 24, 10.0 / 24, 6.0 / 24]
        XCTAssertEqual(try cost(plan(make(batchProfile: nil, deferrable: false))), 1_000_000, accuracy: 1e-6)
        XCTAssertEqual(try cost(plan(make(batchProfile: flat, deferrable: false))), 900_000, accuracy: 1e-6)
        let deferred = try plan(make(batchProfile: flat, deferrable: true))
        XCTAssertEqual(try cost(deferred), 600_000, accuracy: 1e-6)
        // Where the batch went: the night and evening take what chat leaves of 6 · 17,000 tokens/s.
        let line = try XCTUnwrap(deferred.deferral?.first { $0.workload == "batch" })
        XCTAssertEqual(line.maxDelayHours, 24)
        let served = line.servedTokens.values.reduce(0, +)
        XCTAssertEqual(served, 3e11, accuracy: 3e11 * 1e-9)
    }

    /// 28.7% cheaper than the batch forced into chat's profile (issue 12: at least 24%), 12-13%
    /// cheaper than its own profile without deferral; six servers in each case, the batch moved
    /// from the day into the night.
    func testDeferringTheNightlyBatchSavesAtLeastTheIssuesQuarter() throws {
        let scenario = try scenario("chat-and-nightly-batch.yaml")
        let deferred = try plan(scenario)
        var ownProfile = scenario
        ownProfile.workloads[1].deferral = nil
        var forced = ownProfile
        forced.workloads[1].profile = nil
        let own = try plan(ownProfile), chatProfile = try plan(forced)
        let saving = 1 - (try cost(deferred)) / (try cost(chatProfile))
        XCTAssertGreaterThanOrEqual(saving, 0.24)
        XCTAssertEqual(saving, 0.287, accuracy: 0.001)
        XCTAssertLessThan(try cost(deferred), try cost(own))
        XCTAssertLessThan(try cost(own), try cost(chatProfile))
        XCTAssertEqual(unitsBought(deferred), 6)
        let line = try XCTUnwrap(deferred.deferral?.first)
        XCTAssertGreaterThan(line.servedTokens["night"]!, 2 * line.demandedTokens["night"]!, "the night takes the day's batch")
        XCTAssertLessThan(line.servedTokens["day"]!, 0.25 * line.demandedTokens["day"]!)
    }

    /// The API's price halves every year: the plan buys the 2 servers of 2027Q2 and nothing
    /// after, where static prices buy 5; the plan's price outlook says so.
    func testAFallingAPIPriceShrinksThePurchases() throws {
        let scenario = try scenario("falling-api-price.yaml")
        let api = try XCTUnwrap(scenario.apis.first)
        XCTAssertEqual(priceFactor(api.priceChange, period: 4, horizon: scenario.horizon), 0.5, accuracy: 1e-12)
        XCTAssertEqual(priceFactor(api.priceChange, period: 1, horizon: scenario.horizon), pow(0.5, 0.25), accuracy: 1e-12)
        let falling = try plan(scenario)
        var constant = scenario
        for k in constant.offerings.indices { if case .api(var a) = constant.offerings[k] { a.priceChange = nil; constant.offerings[k] = .api(a) } }
        let staticPlan = try plan(constant)
        XCTAssertEqual(unitsBought(falling), 2)
        XCTAssertEqual(falling.purchases.map(\.period), ["2027Q2"])
        XCTAssertEqual(unitsBought(staticPlan), 5)
        XCTAssertLessThan(try cost(falling), try cost(staticPlan))
        let outlook = try XCTUnwrap(falling.priceOutlook)
        XCTAssertEqual(outlook.staticPricesDiscountedCost ?? 0, try cost(staticPlan), accuracy: 1e-6 * (try cost(staticPlan)))
        let node = try XCTUnwrap(outlook.purchases.first { $0.offering == "h100-node" })
        XCTAssertEqual(node.plan.reduce(0, +), 2)
        XCTAssertEqual(node.staticPrices?.reduce(0, +), 5)
        XCTAssertNotNil(outlook.summary)
    }

    /// All tokens on GPT-4.1 at 0.75 · (0.3 · 2.00 + 0.7 · 0.50) + 0.25 · 8.00 = 2.7125 USD per
    /// million; with the contract each quarter pays max(20,000, 0.8 · 2.7125 · D_p / 1e6), D_p =
    /// 7e9 · 1.05^p: the minimum until 2028Q2, 20,356 in 2028Q3. Without cache hits the plan buys
    /// a server.
    func testCachingKeepsTheAPIAndTheContractPaysItsMinimum() throws {
        let scenario = try scenario("caching-and-commitment.yaml")
        let demand = (0..<8).map { 7e9 * pow(1.05, Double($0)) }
        let withContract = try plan(scenario)
        let expected = (0..<8).reduce(0.0) { $0 + discount($1) * max(20_000, 0.8 * 2.7125 * demand[$1] / 1e6) }
        XCTAssertEqual(try cost(withContract), expected, accuracy: 1e-6 * expected)
        XCTAssertEqual(unitsBought(withContract), 0)
        XCTAssertEqual(withContract.periods[6].cost.total, 0.8 * 2.7125 * demand[6] / 1e6, accuracy: 1e-6)
        XCTAssertEqual(withContract.periods[0].cost.total, 20_000, accuracy: 1e-6)

        var noContract = scenario
        if case .api(var a) = noContract.offerings[1] { a.committedUse = nil; noContract.offerings[1] = .api(a) }
        let listOnly = (0..<8).reduce(0.0) { $0 + discount($1) * 2.7125 * demand[$1] / 1e6 }
        XCTAssertEqual(try cost(plan(noContract)), listOnly, accuracy: 1e-6 * listOnly)

        var noCache = noContract
        noCache.workloads[0].cache = nil
        let bought = try plan(noCache)
        XCTAssertEqual(unitsBought(bought), 1)
        XCTAssertLessThan(try cost(bought), (0..<8).reduce(0.0) { $0 + discount($1) * 3.5 * demand[$1] / 1e6 })
        XCTAssertGreaterThan(try cost(bought), try cost(plan(noContract)))
    }

    /// The evaluations move from GPT-4o-mini (0.24 USD per million) to its Batch API (0.12) when
    /// deferrable, and to TPU v5e Spot (0.41 / (1,500 · 0.85 · 0.9 · 3,600) per token = 0.09924
    /// per million) when also interruptible; the assistant's part is the same in all three, so
    /// the differences are the evaluations' tokens, discounted, times the price differences.
    func testSpotAndBatchServeOnlyWhatMayWaitOrBeInterrupted() throws {
        let scenario = try scenario("spot-and-batch.yaml")
        let evalMillions = [3e4, 3e4, 4e4, 4e4].enumerated().reduce(0.0) { $0 + discount($1.offset) * $1.element }
        let spotPrice = 0.41 / (1_500 * 0.85 * 0.9 * 3_600) * 1e6
        let both = try plan(scenario)
        var deferrableOnly = scenario
        deferrableOnly.workloads[1].interruptible = false
        deferrableOnly.offerings.removeAll { $0.id == "gcp-tpu-v5e-spot" }
        var neither = deferrableOnly
        neither.workloads[1].deferral = nil
        neither.offerings.removeAll { $0.id == "gpt-4o-mini-batch" }
        XCTAssertEqual(try cost(plan(deferrableOnly)) - cost(both), evalMillions * (0.12 - spotPrice), accuracy: 0.01)
        XCTAssertEqual(try cost(plan(neither)) - cost(both), evalMillions * (0.24 - spotPrice), accuracy: 0.01)
        // Spot serves the evaluations only.
        for period in both.periods {
            for line in period.workloads where line.workload == "assistant" {
                XCTAssertNil(line.servedTokens["gcp-tpu-v5e-spot"])
                XCTAssertNil(line.servedTokens["gpt-4o-mini-batch"])
            }
        }
    }

    /// The H100's end of sale and the B200's later allocation: one H100 in 2027Q2 (before its
    /// window closes), B200s from 2028Q3; without the windows a B200 at once. Nothing arrives
    /// outside a window.
    func testAvailabilityWindowsMoveThePurchases() throws {
        let scenario = try scenario("end-of-sale-and-new-generation.yaml")
        let h100 = try XCTUnwrap(scenario.purchases.first { $0.id == "h100-node" })
        XCTAssertEqual(h100.availableUntilIndex, 3)
        let windows = try plan(scenario)
        XCTAssertEqual(windows.purchases.map { "\($0.offering)@\($0.period)" }, ["h100-node@2027Q2", "b200-node@2028Q3", "b200-node@2029Q3"])
        var open = scenario
        for k in open.offerings.indices {
            if case .purchase(var o) = open.offerings[k] {
                o.availableUntilIndex = nil
                o.availableFromIndex = 0
                open.offerings[k] = .purchase(o)
            }
        }
        let unrestricted = try plan(open)
        XCTAssertEqual(unrestricted.purchases.map { "\($0.offering)@\($0.period)" }, ["b200-node@2027Q2", "b200-node@2029Q1"])
        XCTAssertEqual(try cost(windows), 1_009_012, accuracy: 1)
        XCTAssertEqual(try cost(unrestricted), 556_335, accuracy: 1)
    }
}
