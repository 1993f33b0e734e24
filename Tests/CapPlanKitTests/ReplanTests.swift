// `capplan replan` on examples/replan/: the previous plan read back, the actuals checked strictly,
// the elapsed quarter costed at the actual demand, and the rolled scenario loading back.
import Foundation
import TestSupport
import XCTest
@testable import CapPlanKit

final class ReplanTests: XCTestCase {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/replan")

    func forecast() throws -> Scenario {
        try ScenarioLoader.load(path: Self.directory.appendingPathComponent("forecast.yaml").path).scenario
    }

    func previous(_ scenario: Scenario) throws -> PreviousPlan {
        try PreviousPlanReader.read(path: Self.directory.appendingPathComponent("plan.json").path, scenario: scenario)
    }

    func actuals(_ text: String, _ scenario: Scenario, _ plan: PreviousPlan) throws -> ReplanActuals {
        try ReplanActualsLoader.load(text: text, fileName: "actuals.yaml", scenario: scenario, arrivals: plan.commitments.arrivals, planPeriods: plan.periods)
    }

    func errors(_ text: String) throws -> [String] {
        let scenario = try forecast()
        let plan = try previous(scenario)
        do {
            _ = try actuals(text, scenario, plan)
            XCTFail("expected the actuals to be refused")
            return []
        } catch let error as ReplanActualsError {
            return error.diagnostics.map(\.description)
        }
    }

    /// plan.json (examples/replan/scenario.yaml): one gpu-server ordered in 2027Q1 arriving in
    /// 2027Q3, two arriving in 2028Q1; one cloud-1-year unit reserved 2027Q1 .. 2027Q4.
    func testThePreviousPlanIsReadAsItsCommitments() throws {
        let scenario = try forecast()
        let plan = try previous(scenario)
        XCTAssertEqual(plan.periods, 6)
        XCTAssertEqual(plan.commitments.arrivals["gpu-server"], [0, 0, 1, 0, 2, 0])
        XCTAssertEqual(plan.commitments.contractStarts["cloud-1-year"], [1, 0, 0, 0, 0, 0])
        XCTAssertEqual(plan.reservedUnits["cloud-1-year"], [1, 1, 1, 1, 0, 0])
        XCTAssertEqual(plan.commitments.apiCommitments, [])
    }

    /// The example's quarter: actual demand 1.8e11 tokens against 1.5e11 forecast. Capacity: the
    /// owned server and the reserved unit, 2 × 10,000 tokens/s × 2,190 h × 3,600 s = 1.5768e11
    /// tokens; the other 2.232e10 go to the API at 0.5 USD per million: 11,160 USD more than the
    /// planned 16,140 (3,000 opex + 13,140 rent): 27,300.
    func testTheElapsedQuarterIsCostedAtTheActualDemand() throws {
        let scenario = try forecast()
        let plan = try previous(scenario)
        let facts = try actuals("elapsed: 2027Q1\ndemand: {chat: [1.8e11]}\n", scenario, plan)
        var options = PlanOptions()
        options.baselines = false
        options.priceThresholds = false
        let result = try Replanner.replan(scenario, previous: plan, actuals: facts, options: options)
        let elapsed = result.changes.elapsedCost
        XCTAssertEqual(elapsed.outcome, "completed")
        XCTAssertEqual(elapsed.planned, 16_140, accuracy: 0.01)
        XCTAssertEqual(elapsed.actual ?? 0, 27_300, accuracy: 0.01)
        XCTAssertEqual(result.changes.demand[0].forecast, 1.5e11)
        XCTAssertEqual(result.changes.demand[0].actual, 1.8e11)
        XCTAssertEqual(result.changes.demand[0].change ?? 0, 0.2, accuracy: 1e-12)
        // Carried in: the owned server (8 − 1 = 7 periods left), the server ordered in 2027Q1
        // arriving in 2027Q3 (new period 1), the reservation with 3 of its 4 quarters left.
        guard case .purchase(let server) = result.scenario.offerings[0], case .rental(let cloud) = result.scenario.offerings[1] else {
            return XCTFail("offering order")
        }
        XCTAssertEqual(server.existingUnits, 1)
        XCTAssertEqual(server.existingRemainingPeriods, 7)
        XCTAssertEqual(server.ordersInFlight, [1: 1])
        XCTAssertEqual(cloud.contractsInTerm, [UnitsInTerm(units: 1, remainingPeriods: 3)])
        XCTAssertEqual(result.scenario.horizon.start.description, "2027Q2")
        XCTAssertEqual(result.scenario.horizon.periods, 6)
        // What changed, by hand where the plan has no choice. 2027Q2: no new server can arrive
        // before 2027Q4 (lead time 2), the reservation is at its cap of 1: the owned server and
        // the reserved unit carry 1.5768e11 of the 2.28e11 tokens, the API 7.032e10 at 0.5 USD per
        // million (35,160) + 3,000 opex + 13,140 rent = 51,300. 2027Q3: the server in flight
        // arrives (it is still in the plan: b >= F), 3 units carry 2.3652e11 of 2.76e11, the API
        // 3.948e10 (19,740) + 6,000 opex + 13,140 rent + 200,000 / 12 capex = 55,546.67.
        let remaining = result.changes.remainingCost.periods
        XCTAssertEqual(remaining.map(\.period).prefix(2), ["2027Q2", "2027Q3"])
        XCTAssertEqual(remaining[0].now, 51_300, accuracy: 0.01)
        XCTAssertEqual(remaining[1].now, 55_546.67, accuracy: 0.01)
        XCTAssertEqual(remaining[0].before ?? 0, 32_300, accuracy: 0.01, "the previous plan's 2027Q2")
        let servers = try XCTUnwrap(result.changes.offerings.first { $0.offering == "gpu-server" })
        XCTAssertEqual(servers.periods.first, ReplanChanges.OfferingPeriod(period: "2027Q3", before: 1, now: 1))
        // 2027Q4: short of 3.24e11 − 3 × 7.884e10 = 8.748e10 tokens, more than a server's
        // quarter: one more server (16,667 capex + 3,000 opex a quarter) beats the API (39,420
        // for a server's quarter of tokens), ordered in 2027Q2, the first order the new plan places.
        XCTAssertEqual(servers.periods.dropFirst().first, ReplanChanges.OfferingPeriod(period: "2027Q4", before: 0, now: 1))
        // changes.json follows docs/replan.schema.json (Python's jsonschema, independent), and a
        // key the schema does not know is refused.
        let schema = Self.directory.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs/replan.schema.json").path
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("capplan-replan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = folder.appendingPathComponent("changes.json").path, bad = folder.appendingPathComponent("bad.json").path
        let json = try Replanner.json(result.changes)
        try json.write(toFile: good, atomically: true, encoding: .utf8)
        try json.replacingOccurrences(of: "\"sunkCapex\"", with: "\"sunk\"").write(toFile: bad, atomically: true, encoding: .utf8)
        let check = try JSONSchemaCheck.run(schema: schema, files: [good, bad])
        XCTAssertEqual(check.status, 0, "python3 with jsonschema is required:\n\(check.errors)")
        XCTAssertEqual(check.verdicts[good], .some(nil))
        XCTAssertNotNil(check.verdicts[bad] ?? nil)
        // The rolled scenario loads back to itself.
        let again = try ScenarioLoader.load(text: result.scenarioYAML, fileName: "scenario.yaml", baseDirectory: ".").scenario
        XCTAssertEqual(again, result.scenario)
        XCTAssertEqual(ScenarioWriter.yaml(again), result.scenarioYAML)
    }

    /// Time consistency: when the quarter goes as forecast and the forecast stands, the
    /// previous plan's continuation is feasible for the rolled scenario (its deliveries owned, its
    /// order in flight, its contract in term) and optimal, so nothing changes: the same arrivals,
    /// reserved units and API tokens per period, and the same cost per period (amortized capex of
    /// the elapsed quarter's deliveries is 0: nothing arrived in 2027Q1).
    func testAQuarterAsForecastChangesNothing() throws {
        let scenario = try ScenarioLoader.load(path: Self.directory.appendingPathComponent("scenario.yaml").path).scenario
        let plan = try previous(scenario)
        let facts = try actuals("elapsed: 2027Q1\ndemand: {chat: 1.5e11}\n", scenario, plan)
        var options = PlanOptions()
        options.baselines = false
        options.priceThresholds = false
        let result = try Replanner.replan(scenario, previous: plan, actuals: facts, options: options)
        XCTAssertEqual(result.changes.elapsedCost.actual ?? 0, result.changes.elapsedCost.planned, accuracy: 0.01)
        XCTAssertEqual(result.changes.remainingCost.sunkCapex, 0)
        for offering in result.changes.offerings {
            for p in offering.periods {
                XCTAssertEqual(p.now, p.before ?? .nan, accuracy: 1e-6 * max(1, p.now), "\(offering.offering) \(p.period)")
            }
        }
        XCTAssertEqual(result.changes.offerings.map(\.offering), ["gpu-server", "cloud-1-year", "chat-api"])
        for p in result.changes.remainingCost.periods {
            XCTAssertEqual(p.now, p.before ?? .nan, accuracy: 0.01, p.period)
        }
        XCTAssertFalse(result.changes.markdown.contains("| +0 |"), result.changes.markdown)
    }

    /// A two-stage previous plan (examples/uncertain-demand.yaml): its first stage is carried
    /// and the rolled scenario keeps its cases. The plan's two h100-node servers arrive in
    /// 2027Q2 (lead time 1); after 2027Q1 and Q2 they are owned with 20 − (2 − 1) = 19 quarters
    /// left (5-year life). In the 6 quarters both plans cover, the previous plan charged their
    /// amortized capex, 2 × 375,000 / 20 × 6 = 225,000 USD: sunk now.
    func testATwoStagePlanIsCarriedWithItsCases() throws {
        let root = Self.directory.deletingLastPathComponent().deletingLastPathComponent()
        let scenario = try ScenarioLoader.load(path: root.appendingPathComponent("examples/uncertain-demand.yaml").path).scenario
        var options = PlanOptions()
        options.baselines = false
        options.priceThresholds = false
        let document = try TwoStagePlanner.planDocument(scenario, options: options)
        let plan = try PreviousPlanReader.read(document, file: "plan.json", scenario: scenario)
        XCTAssertEqual(plan.commitments.arrivals["h100-node"]?.prefix(2), [0, 2])
        let facts = try actuals("elapsed: [2027Q1, 2027Q2]\ndemand: {chat: [3.3e11, 3.9e11]}\n", scenario, plan)
        let result = try Replanner.replan(scenario, previous: plan, actuals: facts, options: options)
        XCTAssertEqual(result.scenario.demandCases.map(\.name), ["low", "base", "high"])
        XCTAssertEqual(result.scenario.demandCases[2].demand["chat"]?.first ?? 0, 1.5 * 3.0e11 * 1.1 * 1.1, accuracy: 1, "the high case from 2027Q3")
        XCTAssertEqual(result.changes.carriedIn.cohorts, [CarriedIn.Cohort(offering: "h100-node", units: 2, remainingPeriods: 19, origin: "delivered 2027Q2", arrived: "2027Q2")])
        XCTAssertEqual(result.changes.remainingCost.sunkCapex, 225_000, accuracy: 1e-6)
        XCTAssertNotNil(result.plan.twoStage)
        XCTAssertTrue(result.changes.notes.contains { $0.contains("two-stage plan") })
    }

    /// Three quarters elapse as forecast, but the server due in 2027Q3 slips to 2027Q4. 2027Q3
    /// then runs on the owned server and the reserved unit, 1.5768e11 of its 2.3e11 tokens, the
    /// API 7.232e10 (36,160 USD) + 3,000 opex + 13,140 rent = 52,300 USD, no capex (the plan said
    /// 35,807: 16,667 capex, 6,000 opex, 13,140 rent, no API). The server is in flight for 2027Q4,
    /// the first new period, with the two the plan ordered in 2027Q3 for 2028Q1.
    func testASlippedDeliveryIsCostedAndStaysInFlight() throws {
        let scenario = try forecast()
        let plan = try previous(scenario)
        let facts = try actuals("""
            elapsed: 2027Q3
            demand: {chat: [1.5e11, 1.9e11, 2.3e11]}
            delivered: [{offering: gpu-server, period: 2027Q3, units: 0, restArrives: 2027Q4}]
            """, scenario, plan)
        XCTAssertEqual(facts.delivered["gpu-server"]?[2], ReplanActuals.Delivery(units: 0, restArrives: 3))
        var options = PlanOptions()
        options.baselines = false
        options.priceThresholds = false
        let result = try Replanner.replan(scenario, previous: plan, actuals: facts, options: options)
        let q3 = result.changes.elapsedCost.periods[2]
        XCTAssertEqual(q3.planned, 35_806.67, accuracy: 0.01)
        XCTAssertEqual(q3.actual ?? 0, 52_300, accuracy: 0.01)
        guard case .purchase(let server) = result.scenario.offerings[0] else { return XCTFail("offering order") }
        XCTAssertEqual(server.ordersInFlight, [0: 1, 1: 2])
        XCTAssertEqual(server.existingCohorts, [])
        XCTAssertEqual(result.changes.carriedIn.ordersInFlight.map(\.origin), ["slipped from 2027Q3", "ordered by 2027Q3"])
    }

    /// Without the API but with one on-demand unit at most, 2027Q1's fleet is the owned server,
    /// the reserved unit and the on-demand one: 3 × 7.884e10 = 2.3652e11 tokens. At an actual
    /// 3e11 (no unserved penalty) the quarter cannot be served: 6.348e10 tokens short.
    func testAQuarterTheFleetCouldNotServeSaysHowMuchWasShort() throws {
        let text = try String(contentsOf: Self.directory.appendingPathComponent("forecast.yaml"), encoding: .utf8)
            .replacingOccurrences(of: """
                  - id: chat-api
                    kind: api
                    inputPricePerMTok: 0.5
                    outputPricePerMTok: 0.5
                    serves: [chat]

                """, with: """
                  - id: cloud-on-demand
                    kind: rental
                    pricePerUnitHour: 30
                    maxUnits: 4
                    throughput: {chat: 10000}

                """)
        let scenario = try ScenarioLoader.load(text: text, fileName: "forecast.yaml", baseDirectory: ".").scenario
        XCTAssertEqual(scenario.rentals.map(\.id), ["cloud-1-year", "cloud-on-demand"])
        var options = PlanOptions()
        options.baselines = false
        options.priceThresholds = false
        let plan = try PreviousPlanReader.read(try Planner.plan(scenario, options: options), file: "plan.json", scenario: scenario)
        var capped = scenario
        guard case .rental(var od) = capped.offerings[2] else { return XCTFail("offering order") }
        od.maxUnits = 1
        capped.offerings[2] = .rental(od)
        let facts = try actuals("elapsed: 2027Q1\ndemand: {chat: [3e11]}\n", capped, plan)
        let elapsed = try Replanner.elapsedCost(capped, previous: plan, actuals: facts, options: options)
        XCTAssertEqual(elapsed.outcome, "infeasible")
        XCTAssertNil(elapsed.actual)
        XCTAssertEqual(elapsed.unmetDemand.count, 1)
        XCTAssertEqual(elapsed.unmetDemand.first?.tokens ?? 0, 3e11 - 3 * 7.884e10, accuracy: 1e3)
    }

    func testBadActualsAreRefusedWithEveryProblem() throws {
        let found = try errors("""
            elapsed: 2027Q1
            demand: {chat: [1.8e11, 2e11], chta: [1]}
            delivered:
              - {offering: gpu-server, period: 2027Q2, units: 1}
              - {offering: gpu-server, period: 2027Q1, units: 0.5}
            jobs: {train: {completedFraction: 0.5}}
            """)
        XCTAssertEqual(found.count, 5, found.joined(separator: "\n"))
        XCTAssertTrue(found.contains { $0.hasPrefix("actuals.yaml:2:") && $0.contains("demand.chta: unknown key in actual demand by workload") && $0.contains("did you mean `chat`") }, found.joined(separator: "\n"))
        XCTAssertTrue(found.contains { $0.hasPrefix("actuals.yaml:2:") && $0.contains("demand.chat: expected 1 number, one per elapsed period (2027Q1), got 2") }, found.joined(separator: "\n"))
        XCTAssertTrue(found.contains { $0.hasPrefix("actuals.yaml:4:") && $0.contains("delivered[0].period: expected an elapsed period (2027Q1), got 2027Q2") }, found.joined(separator: "\n"))
        XCTAssertTrue(found.contains { $0.hasPrefix("actuals.yaml:5:") && $0.contains("delivered[1].units: expected a whole number of units") }, found.joined(separator: "\n"))
        XCTAssertTrue(found.contains { $0.hasPrefix("actuals.yaml:6:") && $0.contains("jobs.train: unknown key") && $0.contains("it has none") }, found.joined(separator: "\n"))
    }

    func testElapsedPeriodsAndDeliveriesAreChecked() throws {
        // The previous plan covers 6 quarters, the forecast 7: at most 6 may elapse. Nothing was
        // to arrive in 2027Q1, so no delivery of it can be given; the demand is missing.
        let tooFar = try errors("elapsed: 2028Q3\ndemand: {chat: [1]}\n")
        XCTAssertEqual(tooFar.count, 1)
        XCTAssertTrue(tooFar[0].contains("elapsed: expected elapsed periods within 2027Q1 .. 2028Q2 (the previous plan covers 6 periods), got 2028Q3"), tooFar[0])
        let gap = try errors("elapsed: [2027Q1, 2027Q3]\ndemand: {chat: [1, 2]}\n")
        XCTAssertTrue(gap.contains { $0.contains("elapsed[1]: expected the leading periods of the horizon in order: 2027Q2 here, got 2027Q3") }, gap.joined(separator: "\n"))
        let grown = try errors("elapsed: 2027Q1\ndemand: {chat: 1.8e11}\ndelivered: [{offering: gpu-server, period: 2027Q1, units: 1}]\n")
        XCTAssertEqual(grown.count, 1, grown.joined(separator: "\n"))
        XCTAssertTrue(grown[0].contains("expected at most the 0 units the previous plan has arriving in 2027Q1 (a delivery can slip, not grow), got 1"), grown[0])
        let missing = try errors("elapsed: [2027Q1, 2027Q2]\n")
        XCTAssertTrue(missing[0].contains("demand: missing: expected the actual tokens of every workload"), missing[0])
    }

    func testAFileThatIsNotAPlanIsRefused() throws {
        let scenario = try forecast()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("capplan-replan-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try #"{"schemaVersion": 2, "status": "optimal"}"#.write(to: url, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try PreviousPlanReader.read(path: url.path, scenario: scenario)) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("not a CapPlan plan JSON (capplan plan -o)"), text)
        }
        var plan = try previous(scenario).document
        plan.status = .infeasible
        XCTAssertThrowsError(try PreviousPlanReader.read(plan, file: "plan.json", scenario: scenario)) { error in
            XCTAssertTrue(String(describing: error).contains("status: expected a plan with status optimal or feasible"), String(describing: error))
        }
    }

    func testAPlanOfAnotherStartIsRefused() throws {
        var scenario = try forecast()
        scenario.horizon = Horizon(start: PeriodLabel("2027Q2")!, periods: 6)
        XCTAssertThrowsError(try previous(scenario)) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("horizon.start: expected the plan of a horizon that starts where the scenario starts (2027Q2, quarters)"), text)
        }
    }
}
