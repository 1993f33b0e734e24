// Break-even (Sources/CapPlanKit/Insights/Breakeven.swift): scaling keeps the demand's shape,
// the log grid, and the break-even against a hand-computed one.

import Foundation
import XCTest
@testable import CapPlanKit

final class BreakevenTests: XCTestCase {
    /// Monthly, 6 months, one slice; a server `srv` of 10 000 tokens/s at U = 1 costing 6000 USD
    /// a month in service (amortized, no power or opex) against an API at 2 USD per million
    /// tokens: owning pays from 6000 / 2 = 3e9 tokens a month.
    func scenario(demand: [Double] = [1, 2, 3, 4, 5, 6].map { $0 * 1e8 }) -> Scenario {
        Scenario(
            name: "breakeven", horizon: Horizon(start: PeriodLabel("2027-01")!, periods: demand.count),
            workloads: [Workload(id: "chat", outputShare: 0.5, model: nil, demand: demand),
                        Workload(id: "other", outputShare: 0.5, model: nil, demand: Array(repeating: 1e6, count: demand.count))],
            offerings: [
                .purchase(PurchaseOffering(id: "srv", unitPrice: 360_000, lifetimePeriods: 60, throughput: ["chat": 10_000])),
                .api(APIOffering(id: "api", inputPricePerMTok: 1, outputPricePerMTok: 3, serves: ["chat", "other"])),
            ],
            policy: Policy(utilizationCap: 1))
    }

    func testScalingKeepsTheShape() throws {
        let base = scenario()
        XCTAssertEqual(Breakeven.baseMonthly(base, workload: base.workloads[0]), 3.5e8, accuracy: 1)
        let (scaled, factor) = try Breakeven.scaled(base, workload: "chat", monthlyTokens: 7e9)
        XCTAssertEqual(factor, 20, accuracy: 1e-12)
        XCTAssertEqual(scaled.workloads[0].demand, base.workloads[0].demand.map { $0 * factor })
        XCTAssertEqual(scaled.workloads[1].demand, base.workloads[1].demand, "other workloads untouched")
        // Quarters: a quarter is three months, so 1e9 a month is 3e9 a quarter.
        var quarterly = base
        quarterly.horizon = Horizon(start: PeriodLabel("2027Q1")!, periods: 6)
        let (q, _) = try Breakeven.scaled(quarterly, workload: "chat", monthlyTokens: 1e9)
        XCTAssertEqual(q.workloads[0].demand.reduce(0, +) / 6, 3e9, accuracy: 1)
        // An all-zero series becomes flat.
        let (flat, _) = try Breakeven.scaled(scenario(demand: Array(repeating: 0, count: 6)), workload: "chat", monthlyTokens: 2e9)
        XCTAssertEqual(flat.workloads[0].demand, Array(repeating: 2e9, count: 6))
        XCTAssertThrowsError(try Breakeven.scaled(base, workload: "chta", monthlyTokens: 1)) {
            XCTAssertTrue("\($0)".contains("did you mean 'chat'?"), "\($0)")
        }
    }

    func testLogGrid() {
        let grid = Breakeven.grid(from: 1e6, to: 1e13, count: 29)
        XCTAssertEqual(grid.count, 29)
        XCTAssertEqual(grid.first, 1e6)
        XCTAssertEqual(grid.last, 1e13)
        XCTAssertEqual(grid[4], 1e7, accuracy: 1e-3)
        for (a, b) in zip(grid, grid.dropFirst()) { XCTAssertEqual(b / a, pow(10, 0.25), accuracy: 1e-9) }
    }

    /// Hand-computed: a server costs 6000 a month and saves 2 USD per million tokens it
    /// serves, so with whole units it enters at 3e9 tokens a month (each month's demand scaled
    /// with the shape, so the month with the most demand, 6/3.5 of the mean, sees it first:
    /// 3e9 / (6 / 3.5) = 1.75e9).
    func testBreakevenMatchesTheHandComputedVolume() throws {
        let flat = scenario(demand: Array(repeating: 1e9, count: 6))
        var options = PlanOptions()
        options.baselines = false
        let result = try Breakeven.run(flat, workload: "chat", from: 1e8, to: 1e11, points: 7, options: options, jobs: 2)
        XCTAssertEqual(result.points.count, 7)
        let value = try XCTUnwrap(result.breakevenMonthlyTokens)
        XCTAssertEqual(value, 3e9, accuracy: 3e9 * 0.011)
        let bracket = try XCTUnwrap(result.bracket)
        XCTAssertLessThanOrEqual(bracket[1] / bracket[0], 1.01 + 1e-12)
        XCTAssertLessThan(bracket[0], 3e9 * 1.0001)
        XCTAssertGreaterThanOrEqual(bracket[1], 3e9 * 0.9999)
        // Along the grid: no owned capacity below, all owned well above; the plan never costs
        // more per million tokens than all-API.
        for point in result.points {
            XCTAssertEqual(point.status, "optimal")
            XCTAssertEqual(point.ownedEnters, point.monthlyTokens >= value)
            let plan = try XCTUnwrap(point.costPerMillionTokens), api = try XCTUnwrap(point.allAPICostPerMillionTokens)
            XCTAssertLessThanOrEqual(plan, api * (1 + 1e-9))
            XCTAssertEqual(api, 2, accuracy: 1e-9)
        }
        XCTAssertEqual(result.points.first?.ownedShare, 0)
        XCTAssertGreaterThan(result.points.last?.ownedShare ?? 0, 0.99)
        // The shape matters: with a growing series the peak month crosses first.
        let growing = try Breakeven.run(scenario(), workload: "chat", from: 1e8, to: 1e11, points: 7, options: options, jobs: 2)
        XCTAssertEqual(try XCTUnwrap(growing.breakevenMonthlyTokens), 3e9 * 3.5 / 6, accuracy: 1.75e9 * 0.011)
    }

    /// The breakeven re-solves one built model with its demand rows scaled; each volume's
    /// point must be what planning the scaled scenario from scratch gives (costs, owned share,
    /// units), on a whole-unit generated scenario and on the hand-sized one.
    func testBuiltModelPointsEqualPlanningTheScaledScenario() throws {
        var options = PlanOptions()
        options.baselines = false
        let generated = ScenarioGenerator(size: .tiny, seed: 3).scenario().withIntegerUnits(true)
        for (base, workload) in [(scenario(), "chat"), (generated, generated.workloads[0].id)] {
            let plans = try Breakeven.DemandScaledModel(base, workload: workload, monthlyTokens: 1e11, integer: base.policy.integerUnits)
            for volume in [1e8, 2.5e9, 4e10] {
                let point = Breakeven.evaluate(plans, allAPI: nil, monthlyTokens: volume, options: options)
                let (edited, _) = try Breakeven.scaled(base, workload: workload, monthlyTokens: volume)
                let plan = try Planner.plan(edited, options: options)
                XCTAssertEqual(point.status, plan.status.rawValue, "\(workload) \(volume)")
                guard let totals = plan.totals else { continue }
                let cost = try XCTUnwrap(point.discountedCost)
                XCTAssertEqual(cost, totals.discountedCost, accuracy: 1e-6 * max(1, abs(totals.discountedCost)), "\(workload) \(volume)")
                XCTAssertEqual(try XCTUnwrap(point.costPerMillionTokens), try XCTUnwrap(totals.costPerMillionTokens), accuracy: 1e-6 * abs(totals.costPerMillionTokens ?? 1))
            }
        }
    }

    func testParallelEqualsSerialAndEdges() throws {
        var options = PlanOptions()
        options.baselines = false
        let serial = try Breakeven.run(scenario(), workload: "chat", from: 1e8, to: 1e11, points: 5, options: options, jobs: 1)
        let parallel = try Breakeven.run(scenario(), workload: "chat", from: 1e8, to: 1e11, points: 5, options: options, jobs: 3)
        XCTAssertEqual(serial.points, parallel.points)
        XCTAssertEqual(try XCTUnwrap(serial.breakevenMonthlyTokens), try XCTUnwrap(parallel.breakevenMonthlyTokens), accuracy: 1.75e9 * 0.011)
        let never = try Breakeven.run(scenario(), workload: "chat", from: 1e6, to: 1e8, points: 3, options: options)
        XCTAssertNil(never.breakevenMonthlyTokens)
        XCTAssertTrue(never.note.contains("does not enter"), never.note)
        let always = try Breakeven.run(scenario(), workload: "chat", from: 1e11, to: 1e12, points: 2, options: options)
        XCTAssertEqual(always.breakevenMonthlyTokens, 1e11)
        XCTAssertTrue(always.note.contains("at or below"), always.note)
        XCTAssertThrowsError(try Breakeven.run(scenario(), workload: "chat", from: 10, to: 1, points: 3))
        XCTAssertThrowsError(try Breakeven.run(scenario(), workload: "chat", points: 1))
        XCTAssertTrue(Breakeven.csv(serial).hasPrefix("monthlyTokens,scale,status,costPerMillionTokens,allAPICostPerMillionTokens"))
        XCTAssertTrue(Breakeven.text(serial).contains("Break-even: owned capacity enters"))
        XCTAssertNoThrow(try JSONDecoder().decode(BreakevenResult.self, from: Data(try Breakeven.json(serial).utf8)))
    }
}
