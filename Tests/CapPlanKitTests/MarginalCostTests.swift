import XCTest
@testable import CapPlanKit

/// The marginal costs of demand in a plan against finite differences of re-solved plans.
final class MarginalCostTests: XCTestCase {
    func planned(_ scenario: Scenario) throws -> PlanDocument {
        var options = PlanOptions()
        options.baselines = false
        return try Planner.plan(scenario, options: options)
    }

    func scaling(_ scenario: Scenario, workload w: Int, period p: Int, by factor: Double) -> Scenario {
        var copy = scenario
        let workload = scenario.workloads[w]
        var demand = workload.demand
        demand[p] *= factor
        copy.workloads[w] = Workload(id: workload.id, outputShare: workload.outputShare, model: workload.model, demand: demand)
        return copy
    }

    /// Raising D_wp by ΔD changes the discounted cost by δ_p · averagePerMTok · ΔD / 10^6, where
    /// the LP has no breakpoint (forward and backward differences agree).
    func testMarginalCostsMatchFiniteDifferencesOnLPs() throws {
        let epsilon = 1e-4
        var compared = 0, nonzero = 0
        for seed in UInt64(1)...60 {
            // LPs: without section 8's binaries, which stay binary with continuous units.
            let scenario = ScenarioGenerator(size: .tiny, seed: seed, procurementFeatures: false).scenario().withIntegerUnits(false)
            let plan = try planned(scenario)
            guard plan.status == .optimal, let insights = plan.insights, let base = plan.totals?.discountedCost else { continue }
            XCTAssertEqual(insights.dualSource, .lpOptimum)
            for (w, workload) in scenario.workloads.enumerated() {
                for p in 0..<scenario.horizon.periods where workload.demand[p] > 0 {
                    let delta = epsilon * workload.demand[p]
                    let up = try planned(scaling(scenario, workload: w, period: p, by: 1 + epsilon)).totals!.discountedCost
                    let down = try planned(scaling(scenario, workload: w, period: p, by: 1 - epsilon)).totals!.discountedCost
                    let forward = (up - base) / delta, backward = (base - down) / delta
                    guard abs(forward - backward) <= 1e-6 * max(abs(forward), 1e-9) + 1e-12 else { continue }  // a breakpoint
                    let marginal = try XCTUnwrap(insights.marginalCosts.first { $0.workload == workload.id && $0.period == scenario.horizon.labels[p] })
                    let predicted = plan.periods[p].discountFactor * marginal.averagePerMTok / 1e6
                    XCTAssertEqual(predicted, forward, accuracy: 1e-4 * max(abs(forward), 1e-12),
                                   "seed \(seed) \(workload.id) period \(p): dual \(predicted), finite difference \(forward)")
                    compared += 1
                    if forward > 0 { nonzero += 1 }
                }
            }
        }
        XCTAssertGreaterThan(compared, 100)
        XCTAssertGreaterThan(nonzero, 50)
    }

    /// A binding power cap has a positive value; raising the cap by one kW lowers the cost by
    /// about that value (exactly, where the LP has no breakpoint).
    func testPowerCapShadowPrice() throws {
        var checked = 0
        for seed in UInt64(1)...80 {
            // LPs: without section 8's binaries, which stay binary with continuous units.
            let scenario = ScenarioGenerator(size: .tiny, seed: seed, procurementFeatures: false).scenario().withIntegerUnits(false)
            guard let caps = scenario.site.powerCapKW else { continue }
            let plan = try planned(scenario)
            guard plan.status == .optimal, let base = plan.totals?.discountedCost else { continue }
            for price in plan.insights!.shadowPrices where price.kind == .powerCap {
                let p = scenario.horizon.labels.firstIndex(of: price.period)!
                func withCap(_ delta: Double) throws -> Double {
                    var copy = scenario
                    var raised = caps
                    raised[p] += delta
                    copy.site = Site(electricityPricePerKWh: scenario.site.electricityPricePerKWh, pue: scenario.site.pue, powerCapKW: raised)
                    return try planned(copy).totals!.discountedCost
                }
                let step = 1e-3 * max(1, caps[p])
                let forward = (base - (try withCap(step))) / step, backward = ((try withCap(-step)) - base) / step
                guard abs(forward - backward) <= 1e-6 * abs(forward) else { continue }
                XCTAssertEqual(price.value, forward, accuracy: 1e-4 * abs(forward), "seed \(seed) \(price.limit)")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 0, "no binding power cap among the seeds")
    }

    func testMIPPlansSayWhereTheirDualsComeFrom() throws {
        let scenario = ScenarioGenerator(size: .small, seed: 3, procurementFeatures: false).scenario().withIntegerUnits(true)
        let plan = try planned(scenario)
        XCTAssertEqual(plan.insights!.dualSource, .fixedIntegers)
        XCTAssertEqual(plan.insights!.marginalCosts.count, scenario.workloads.count * scenario.horizon.periods)
    }
}
