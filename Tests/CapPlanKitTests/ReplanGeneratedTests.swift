// Rolling re-plans of generated tiny scenarios (with carried-in commitments, shapes, jobs and
// procurement features drawn by the seed), one and two periods elapsed as forecast: the elapsed
// periods cost what the plan said, and the previous plan's continuation must be a feasible fleet
// of the rolled scenario (what was delivered owned, what was ordered in flight, contracts in
// term, committed-use contracts signed, platforms adopted), so the re-plan costs at most as much.
import Foundation
import XCTest
@testable import CapPlanKit

final class ReplanGeneratedTests: XCTestCase {
    func testThePreviousPlansContinuationIsFeasibleAndNoCheaper() throws {
        var checked = 0, carried = 0
        for seed in UInt64(1)...40 {
            for k in 1...2 {
                let generated = ScenarioGenerator(size: .tiny, seed: seed).scenario()
                // Through the writer and the loader, as a user's file would be.
                let scenario = try ScenarioLoader.load(text: ScenarioWriter.yaml(generated), fileName: "seed\(seed).yaml", baseDirectory: ".").scenario
                // Two-stage plans, and jobs running across the elapsed periods (their progress), are left out.
                guard scenario.demandCases.isEmpty, scenario.horizon.periods > k,
                      !scenario.jobs.contains(where: { $0.earliestStartIndex < k && $0.deadlineIndex >= k }) else { continue }
                var options = PlanOptions()
                options.baselines = false
                options.priceThresholds = false
                let document = try Planner.plan(scenario, options: options)
                guard document.status == .optimal else { continue }
                let previous = try PreviousPlanReader.read(document, file: "plan.json", scenario: scenario)
                let demand = Dictionary(uniqueKeysWithValues: scenario.workloads.map { ($0.id, Array($0.demand.prefix(k))) })
                let actuals = ReplanActuals(elapsedPeriods: k, demand: demand)
                let result = try Replanner.replan(scenario, previous: previous, actuals: actuals, options: options)
                let changes = result.changes
                carried += changes.carriedIn.cohorts.count + changes.carriedIn.ordersInFlight.count + changes.carriedIn.contractsInTerm.count
                    + changes.carriedIn.signedCommitments.count
                XCTAssertEqual(changes.elapsedCost.outcome, "completed", "seed \(seed), k \(k): the plan's own first period at its forecast")
                XCTAssertEqual(changes.elapsedCost.actual ?? .nan, changes.elapsedCost.planned, accuracy: 1e-4 * max(1, abs(changes.elapsedCost.planned)) + 0.01,
                               "seed \(seed), k \(k): the first period at the forecast costs what the plan said")
                guard let cost = result.plan.totals?.discountedCost else {
                    XCTFail("seed \(seed), k \(k): the rolled scenario has no plan (\(result.plan.status)), yet the previous plan's continuation is one")
                    continue
                }
                // The continuation: the previous plan's arrivals and reserved units from period k on,
                // its committed-use contracts; dispatch, on-demand rentals and APIs chosen again.
                let input = PlanInput(
                    shape: .purchasesOnly, name: nil, arrivals: previous.commitments.arrivals.mapValues { Array($0.dropFirst(k)) },
                    reservedUnits: previous.reservedUnits.mapValues { Array($0.dropFirst(k)) }, onDemandUnits: [:], otherRentals: .optimize,
                    served: [:], unserved: [:], apiCommitments: result.scenario.apis.contains { $0.committedUse != nil } ? previous.commitments.apiCommitments : nil)
                let continuation = try PlanCompletion.complete(result.scenario, input: input, mipGap: 1e-6)
                XCTAssertEqual(continuation.outcome, .completed,
                               "seed \(seed), k \(k): the continuation is not a plan of the rolled scenario: \(continuation.blocking.map(\.description).prefix(3))")
                if let objective = continuation.objective {
                    XCTAssertLessThanOrEqual(cost, objective + 1e-3 * abs(objective) + 0.01, "seed \(seed), k \(k)")
                }
                checked += 1
            }
        }
        print("ReplanGeneratedTests: \(checked) re-plans checked, \(carried) commitments carried in")
        XCTAssertGreaterThanOrEqual(checked, 20)
        XCTAssertGreaterThan(carried, 0, "some seeds carry something in")
    }
}
