// Sweeps (Sources/CapPlanKit/Insights/Sweep.swift): parsing of parameters, paths and their
// ranges, grid order, parallel equal to serial, and cost monotone in a price.

import Foundation
import XCTest
@testable import CapPlanKit

final class SweepTests: XCTestCase {
    var scenario: Scenario { ThresholdScenarios.make(serverPrice: 60_000) }

    var options: PlanOptions {
        var options = PlanOptions()
        options.baselines = false
        return options
    }

    func testParsingSet() throws {
        let p = try SweepParameter(parsing: "offerings.h100-node.unitPrice=200000:400000:9")
        XCTAssertEqual(p, SweepParameter(path: "offerings.h100-node.unitPrice", from: 200_000, to: 400_000, steps: 9))
        XCTAssertEqual(p.values.count, 9)
        XCTAssertEqual(p.values.first, 200_000)
        XCTAssertEqual(p.values[1], 225_000)
        XCTAssertEqual(p.values.last, 400_000)
        XCTAssertEqual(try SweepParameter(parsing: "discountRate=0.05").values, [0.05])
        XCTAssertEqual(try SweepParameter(parsing: "workloads.chat.demandScale=0.5:2:7").values, [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2])
        XCTAssertEqual(try SweepParameter(parsing: "site.pue=1.5:1.1:3").values, [1.5, 1.3, 1.1], "descending ranges")
        XCTAssertEqual(try SweepParameter(parsing: "policy.utilizationCap=1e-1:1:2").values, [0.1, 1])
        for bad in ["offerings.x.unitPrice", "=1:2:3", "a=1:2", "a=x:2:3", "a=1:y:3", "a=1:2:0", "a=1:2:2.5", "a=1:2:1", "a=1:2:3:4", "a=inf:2:3"] {
            XCTAssertThrowsError(try SweepParameter(parsing: bad), bad) { error in
                XCTAssertTrue(error is InsightsError, bad)
                XCTAssertTrue("\(error)".hasPrefix("sweep parameter '\(bad)'"), "\(error)")
                XCTAssertFalse("\(error)".contains("--"), "domain messages name no command-line flag: \(error)")
            }
        }
    }

    func testPathsValuesAndDidYouMean() throws {
        let paths = ScenarioEdit.paths(in: scenario)
        for path in ["discountRate", "workloads.chat.outputShare", "workloads.chat.demandScale", "offerings.srv.unitPrice",
                     "offerings.srv.throughput.chat", "offerings.api.priceScale", "site.powerCapKW", "budget.capexPerPeriod",
                     "policy.utilizationCap", "site.electricityPricePerKWh"] {
            XCTAssertTrue(paths.contains(path), path)
        }
        XCTAssertThrowsError(try ScenarioEdit.check("offerings.srv.unitprice", in: scenario)) { error in
            XCTAssertTrue("\(error)".contains("did you mean 'offerings.srv.unitPrice'?"), "\(error)")
        }
        XCTAssertThrowsError(try ScenarioEdit.check("workloads.chta.demandScale", in: scenario)) { error in
            XCTAssertTrue("\(error)".contains("did you mean 'workloads.chat.demandScale'?"), "\(error)")
        }
        XCTAssertThrowsError(try ScenarioEdit.check("nothing.like.it.at.all.whatsoever", in: scenario)) { error in
            XCTAssertFalse("\(error)".contains("did you mean"), "\(error)")
            XCTAssertTrue("\(error)".contains("unknown scenario path"), "\(error)")
        }
        // Values land where they should.
        let s = scenario
        XCTAssertEqual(try ScenarioEdit.setting("offerings.srv.unitPrice", to: 1234, in: s).purchases[0].unitPrice, 1234)
        XCTAssertEqual(try ScenarioEdit.setting("offerings.srv.throughput.chat", to: 500, in: s).purchases[0].throughput["chat"], 500)
        XCTAssertEqual(try ScenarioEdit.setting("offerings.srv.lifetimePeriods", to: 3, in: s).purchases[0].lifetimePeriods, 3)
        XCTAssertEqual(try ScenarioEdit.setting("workloads.chat.demandScale", to: 2, in: s).workloads[0].demand, s.workloads[0].demand.map { $0 * 2 })
        XCTAssertEqual(try ScenarioEdit.setting("site.powerCapKW", to: 7, in: s).site.powerCapKW, [7, 7])
        XCTAssertEqual(try ScenarioEdit.setting("budget.capexPerPeriod", to: 9, in: s).budget.capexPerPeriod, [9, 9])
        XCTAssertEqual(try ScenarioEdit.setting("policy.utilizationCap", to: 0.5, in: s).policy.utilizationCap, 0.5)
        XCTAssertEqual(try ScenarioEdit.setting("discountRate", to: 0.1, in: s).discountRate, 0.1)
        let api = try ScenarioEdit.setting("offerings.api.priceScale", to: 2, in: s).apis[0]
        XCTAssertEqual([api.inputPricePerMTok, api.outputPricePerMTok], [2, 6])
        // Out of range values are refused with the field's range.
        for (path, value) in [("policy.utilizationCap", 0.0), ("discountRate", 1.0), ("site.pue", 0.9), ("offerings.srv.unitPrice", -1),
                              ("offerings.srv.lifetimePeriods", 2.5), ("offerings.srv.lifetimePeriods", 0), ("workloads.chat.outputShare", 1.5)] {
            XCTAssertThrowsError(try ScenarioEdit.setting(path, to: value, in: s), "\(path) = \(value)") { error in
                XCTAssertTrue("\(error)".contains("expected"), "\(error)")
            }
        }
    }

    func testIdsWithDotsAreMatchedWhole() throws {
        var s = scenario
        s.offerings[0] = .purchase(PurchaseOffering(id: "srv.v2", unitPrice: 1, lifetimePeriods: 2, throughput: ["chat": 1000]))
        XCTAssertEqual(try ScenarioEdit.setting("offerings.srv.v2.unitPrice", to: 5, in: s).purchases[0].unitPrice, 5)
    }

    func testGridOrderFirstParameterSlowest() throws {
        let a = SweepParameter(path: "offerings.srv.unitPrice", from: 1, to: 2, steps: 2)
        let b = SweepParameter(path: "discountRate", from: 0, to: 0.2, steps: 3)
        XCTAssertEqual(Sweep.grid([a, b]), [[1, 0], [1, 0.1], [1, 0.2], [2, 0], [2, 0.1], [2, 0.2]])
        let result = try Sweep.run(scenario, parameters: [a, b], options: options, jobs: 2)
        XCTAssertEqual(result.points.map(\.values), Sweep.grid([a, b]))
        XCTAssertEqual(result.purchaseOfferings, ["srv"])
    }

    func testValidationBeforeSolving() {
        let ok = SweepParameter(path: "discountRate", from: 0, to: 0.1, steps: 2)
        XCTAssertThrowsError(try Sweep.validate([], scenario: scenario))
        XCTAssertThrowsError(try Sweep.validate([ok, ok], scenario: scenario)) { XCTAssertTrue("\($0)".contains("twice")) }
        XCTAssertThrowsError(try Sweep.validate([SweepParameter(path: "discountRate", from: 0, to: 1, steps: 3)], scenario: scenario)) {
            XCTAssertTrue("\($0)".contains("[0, 1)"), "\($0)")
        }
        let big = SweepParameter(path: "offerings.srv.unitPrice", from: 1, to: 2, steps: 1000)
        let big2 = SweepParameter(path: "offerings.api.priceScale", from: 1, to: 2, steps: 1000)
        XCTAssertThrowsError(try Sweep.validate([big, big2], scenario: scenario)) { XCTAssertTrue("\($0)".contains("at most")) }
    }

    /// Parallel results equal serial results, point for point, on a generated scenario.
    func testParallelEqualsSerial() throws {
        let generated = ScenarioGenerator(size: .small, seed: 5, procurementFeatures: false).scenario()
        let purchase = try XCTUnwrap(generated.purchases.first)
        let parameters = [
            SweepParameter(path: "offerings.\(purchase.id).unitPrice", from: purchase.unitPrice * 0.5, to: purchase.unitPrice * 1.5, steps: 4),
            SweepParameter(path: "workloads.\(generated.workloads[0].id).demandScale", from: 0.5, to: 2, steps: 3),
        ]
        var relaxed = options
        relaxed.relax = true
        for options in [relaxed, self.options] {
            let serial = try Sweep.run(generated, parameters: parameters, options: options, jobs: 1)
            let parallel = try Sweep.run(generated, parameters: parameters, options: options, jobs: 4)
            XCTAssertEqual(serial.points, parallel.points)
            XCTAssertEqual(Sweep.csv(serial), Sweep.csv(parallel))
            XCTAssertEqual(serial.points.count, 12)
            XCTAssertTrue(serial.points.allSatisfy { $0.status == "optimal" }, "\(serial.points.map(\.status))")
        }
    }

    /// Raising a price never lowers the optimal cost; once srv costs more than 121 516 it is
    /// not bought and the API takes everything (cost flat from there).
    func testCostIsMonotoneInAPrice() throws {
        let parameter = SweepParameter(path: "offerings.srv.unitPrice", from: 20_000, to: 200_000, steps: 10)
        let result = try Sweep.run(scenario, parameters: [parameter], options: options)
        let costs = result.points.compactMap(\.discountedCost)
        XCTAssertEqual(costs.count, 10)
        for (a, b) in zip(costs, costs.dropFirst()) { XCTAssertLessThanOrEqual(a, b * (1 + 1e-9)) }
        XCTAssertEqual(result.points.first?.unitsPurchased["srv"], 2)
        // 1,000 tokens/s in 2027 and 2,000 in 2028 on 1,000 tokens/s servers: one arrives each year.
        XCTAssertEqual(result.points.first?.arrivals["srv"], [1, 1])
        XCTAssertEqual(result.periods, ["2027", "2028"])
        XCTAssertEqual(result.points.last?.arrivals["srv"], [0, 0])
        XCTAssertEqual(result.points.first?.apiShare ?? -1, 0, accuracy: 1e-9)
        XCTAssertEqual(result.points.last?.unitsPurchased["srv"], 0)
        XCTAssertEqual(result.points.last?.apiShare ?? -1, 1, accuracy: 1e-9)
        XCTAssertEqual(costs.last!, 63_072 * 3, accuracy: 1e-6)
    }

    func testCSVAndJSON() throws {
        let result = try Sweep.run(scenario, parameters: [SweepParameter(path: "offerings.srv.unitPrice", from: 60_000, to: 200_000, steps: 2)], options: options)
        let lines = Sweep.csv(result).split(separator: "\n")
        XCTAssertEqual(lines.first, "offerings.srv.unitPrice,status,discountedCost,cost,units:srv,apiShare,message,units:srv@2027,units:srv@2028")
        XCTAssertEqual(lines.count, 3)
        XCTAssertTrue(lines[1].hasPrefix("60000,optimal,96942,"), String(lines[1]))
        XCTAssertTrue(lines[1].hasSuffix(",1,1"), "arrivals by period at the end: \(lines[1])")
        let decoded = try JSONDecoder().decode(SweepResult.self, from: Data(try Sweep.json(result).utf8))
        XCTAssertEqual(decoded.points, result.points)
        XCTAssertEqual(Sweep.csvField("a,b"), "\"a,b\"")
    }

    /// A point that cannot be planned is kept as a row, not an abort.
    func testInfeasiblePointsAreRows() throws {
        var s = scenario
        s.offerings = [.purchase(PurchaseOffering(id: "srv", unitPrice: 60_000, lifetimePeriods: 2, powerKW: 1, throughput: ["chat": 1000]))]
        let result = try Sweep.run(s, parameters: [SweepParameter(path: "site.powerCapKW", from: 0, to: 10, steps: 2)], options: options)
        XCTAssertEqual(result.points.map(\.status), ["infeasible", "optimal"])
    }

    func testParallelRunnerKeepsOrderAndReportsProgress() {
        final class Counter: @unchecked Sendable {
            let lock = NSLock()
            var calls: [Int] = []
        }
        let counter = Counter()
        let squares = ParallelRunner.map(count: 50, jobs: 3, progress: { done, total in
            XCTAssertEqual(total, 50)
            counter.calls.append(done)
        }) { $0 * $0 }
        XCTAssertEqual(squares, (0..<50).map { $0 * $0 })
        XCTAssertEqual(counter.calls, Array(1...50), "progress is serialized and counts up")
        XCTAssertEqual(ParallelRunner.map(count: 0) { $0 }, [])
    }
}
