// Commitments carried into the horizon (docs/formulation.md 13.1) in the builder, the evaluator,
// the plan and its finance, on examples/carried-in-commitments.yaml, whose optimum is worked out
// by hand in its header and again below.
import Foundation
import XCTest
@testable import CapPlanKit

final class CarryInModelTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func example() throws -> Scenario {
        try ScenarioLoader.load(path: root.appendingPathComponent("examples/carried-in-commitments.yaml").path).scenario
    }

    func plan(_ scenario: Scenario) throws -> PlanDocument {
        var options = PlanOptions()
        options.baselines = false
        options.priceThresholds = false
        let plan = try Planner.plan(scenario, options: options)
        XCTAssertEqual(plan.status, .optimal)
        XCTAssertLessThanOrEqual(plan.audit?.relativeDifference ?? 1, 1e-6, "the evaluator disagrees with the solver")
        return plan
    }

    /// The example's optimum by hand (h = 2190 hours, 7,884,000 seconds, no discounting):
    ///   owned in service 3 (1 + cohort 2), 3 (1 + 2 in flight), 2 (the 2 in flight);
    ///   under contracts carried in 1, 1, 0; left to cover 5−4 = 1, 5−4 = 1, 6−2 = 4 units;
    ///   a contract started in 2027Q1 (the only quarter one may start) covers Q1 and Q2:
    ///   35,040 < 2 × 24,090 on demand; Q3 on demand.
    ///   capex 2 × 80,000 / 8 × 2 = 40,000; opex 8 × 1,000 = 8,000; rent carried in 2 × 17,520 = 35,040,
    ///   started 35,040; on demand 4 × 24,090 = 96,360; signed API minimum 3 × 500 = 1,500: 215,940.
    ///   The API serves 500 / 0.9 / (7.884 × 20) = 3.52331 tokens/s at no extra cost (inside the
    ///   minimum), saving 3.52331 / 1000 × 24,090 = 84.876 USD of on-demand units in Q3: 215,855.124.
    func testExampleOptimumByHand() throws {
        let plan = try plan(try Self.example())
        let totals = try XCTUnwrap(plan.totals)
        let apiRate = 500 / 0.9 / (7.884 * 20)
        XCTAssertEqual(totals.discountedCost, 215_940 - apiRate / 1000 * 24_090, accuracy: 1e-4)
        XCTAssertEqual(totals.capex, 40_000, accuracy: 1e-6)
        // The units in flight are a line of their own, ordered before the horizon.
        XCTAssertEqual(plan.purchases.count, 1)
        XCTAssertEqual(plan.purchases.first?.period, "2027Q2")
        XCTAssertEqual(plan.purchases.first?.orderPeriod, "2026Q4")
        XCTAssertEqual(plan.purchases.first?.units, 2)
        XCTAssertEqual(plan.purchases.first?.inFlight, true)
        XCTAssertEqual(plan.periods.map { $0.fleet.first?.unitsInService ?? 0 }, [3, 3, 2])
        XCTAssertEqual(plan.periods.map { $0.fleet.first?.existingUnits ?? 0 }, [3, 1, 0])
        XCTAssertEqual(plan.rentals?.first?.contracts.map(\.start), ["2027Q1"])
        XCTAssertEqual(plan.rentals?.first?.contracts.map(\.units), [1])
        XCTAssertEqual(plan.apiCommitments?.map(\.api), ["api"])
    }

    /// The columns and rows 13.1 sets: b_o,2027Q2 fixed at F = 2 (maxUnitsPerPeriod 0 leaves no
    /// room for new units), the other arrivals at 0; `contract` rows m − Σ v = C_op = 1, 1, 0
    /// with the carried-in rent 2 × 17,520 = 35,040 as the objective's constant; κ_api fixed at 1.
    func testColumnsAndRows() throws {
        let model = CapacityModelBuilder.buildModel(try Self.example())
        let arrivals = model.index.arrivals[0]
        let bounds = (0..<3).map { model.lp.bounds(of: arrivals.variable($0)!) }
        XCTAssertEqual(bounds.map(\.lower), [0, 2, 0])
        XCTAssertEqual(bounds.map(\.upper), [0, 2, 0])
        let rows = try XCTUnwrap(model.index.contractRows[0])
        XCTAssertEqual((0..<3).map { model.lp.bounds(of: rows.constraint($0)).lower }, [1, 1, 0])
        XCTAssertEqual((0..<3).map { model.lp.bounds(of: rows.constraint($0)).upper }, [1, 1, 0])
        XCTAssertEqual(model.lp.objectiveConstant, 35_040, accuracy: 1e-9)
        let taken = try XCTUnwrap(model.index.commitments.first?.taken)
        XCTAssertEqual(model.lp.bounds(of: taken).lower, 1)
        XCTAssertEqual(model.lp.bounds(of: taken).upper, 1)
        // fleet rows: e_op = 3, 1, 0.
        XCTAssertEqual((0..<3).map { model.lp.bounds(of: model.index.fleetRows[0].constraint($0)).lower }, [3, 1, 0])
    }

    /// The hand plan without the API (215,940 USD) and the plan with each carried-in commitment
    /// broken: the evaluator's own figures and its three families.
    static let handPlan = PlanDecisions(
        arrivals: ["h100": [0, 2, 0]], reservedUnits: ["reserved": [2, 2, 0]], onDemandUnits: ["on-demand": [[0], [0], [4]]],
        served: ["h100": ["chat": [[3000], [3000], [2000]]], "reserved": ["chat": [[2000], [2000], [0]]],
                 "on-demand": ["chat": [[0], [0], [4000]]]],
        apiCommitments: ["api"])

    func testEvaluatorByHand() throws {
        let evaluation = PlanEvaluator(scenario: try Self.example()).evaluate(Self.handPlan)
        XCTAssertEqual(evaluation.violations.map(\.family), [])
        XCTAssertEqual(evaluation.discountedCost, 215_940, accuracy: 1e-6)
        // Rent: Q1 and Q2 the carried-in unit and the unit started in Q1 (2 × 17,520); Q3 4 × 24,090.
        XCTAssertEqual(evaluation.periods.map(\.cost.rental), [35_040, 35_040, 96_360])
        XCTAssertEqual(evaluation.periods.map(\.cost.capex), [0, 20_000, 20_000])
        XCTAssertEqual(evaluation.periods.map(\.cost.apiCommitment), [500, 500, 500])
        // The start is what the plan reserves beyond the unit carried in: 2 − 0 − 1 = 1.
        XCTAssertEqual(evaluation.contractStarts["reserved"], [1, 0, 0])
    }

    func testEvaluatorReportsBrokenCommitments() throws {
        var broken = Self.handPlan
        broken.arrivals["h100"] = [0, 1, 0]
        broken.reservedUnits["reserved"] = [0, 2, 0]
        broken.apiCommitments = []
        let evaluation = PlanEvaluator(scenario: try Self.example()).evaluate(broken)
        let families = evaluation.violations.map(\.family)
        XCTAssertTrue(families.contains(.ordersInFlight), "\(families)")
        XCTAssertTrue(families.contains(.contractsInTerm), "\(families)")
        XCTAssertTrue(families.contains(.signedCommitment), "\(families)")
        let inFlight = try XCTUnwrap(evaluation.violations.first { $0.family == .ordersInFlight })
        XCTAssertEqual(inFlight.amount, 1)
        XCTAssertEqual(inFlight.period, "2027Q2")
        let contract = try XCTUnwrap(evaluation.violations.first { $0.family == .contractsInTerm })
        XCTAssertEqual(contract.amount, 1)
        XCTAssertEqual(contract.period, "2027Q1")
        // Whatever the plan says, the carried-in rent (17,520 a quarter for two) and the signed
        // minimum (500 a quarter) are paid; Q2: 2 reserved = 1 carried in + 1 started in Q2.
        XCTAssertEqual(evaluation.periods.map(\.cost.rental), [17_520, 35_040, 96_360 + 17_520])
        XCTAssertEqual(evaluation.periods.map(\.cost.apiCommitment), [500, 500, 500])
    }

    /// Without a term (one-period form), contracts in term are a lower bound on m_op; a new unit
    /// arriving early beside an order in flight is an availability violation of its own.
    func testOnePeriodFormAndEarlyArrivals() throws {
        var scenario = try Self.example()
        guard case .rental(var r) = scenario.offerings[1], case .purchase(var h) = scenario.offerings[0] else { return XCTFail() }
        r.termPeriods = 1
        r.contractsInTerm = [UnitsInTerm(units: 2, remainingPeriods: 1)]
        scenario.offerings[1] = .rental(r)
        h.leadTimePeriods = 2
        h.maxUnitsPerPeriod = 3
        scenario.offerings[0] = .purchase(h)
        let model = CapacityModelBuilder.buildModel(scenario)
        let m = try XCTUnwrap(model.index.reservedUnits[0])
        // m_0 in [2, maxUnits]; m_1, m_2 outside the window (availableUntil 2027Q1): [0, 0].
        XCTAssertEqual((0..<3).map { model.lp.bounds(of: m.variable($0)).lower }, [2, 0, 0])
        XCTAssertEqual((0..<3).map { model.lp.bounds(of: m.variable($0)).upper }, [nil, 0, 0])
        XCTAssertNil(model.index.contractRows[0])
        XCTAssertEqual(model.lp.objectiveConstant, 0)
        // Lead time 2: arrivals only from 2027Q3, up to F + U = 0 + 3; 2027Q2's column is fixed at F = 2.
        let arrivals = model.index.arrivals[0]
        XCTAssertEqual(arrivals.firstPeriod, 1)
        XCTAssertEqual(model.lp.bounds(of: arrivals.variable(1)!).lower, 2)
        XCTAssertEqual(model.lp.bounds(of: arrivals.variable(1)!).upper, 2)
        XCTAssertEqual(model.lp.bounds(of: arrivals.variable(2)!).upper, 3)
        var early = Self.handPlan
        early.arrivals["h100"] = [0, 3, 0]
        let evaluation = PlanEvaluator(scenario: scenario).evaluate(early)
        let availability = try XCTUnwrap(evaluation.violations.first { $0.family == .availability && $0.offering == "h100" })
        XCTAssertEqual(availability.amount, 1)
        XCTAssertTrue(availability.message.contains("besides the 2 in flight"), availability.message)
        // The one-period form: the carried-in units are in m_0 and paid there; 2 reserved = 2 carried in, no start.
        let evaluation2 = PlanEvaluator(scenario: scenario).evaluate(Self.handPlan)
        XCTAssertEqual(evaluation2.contractStarts["reserved"], [0, 2, 0])
        XCTAssertEqual(evaluation2.periods.first?.cost.rental, 35_040)
    }

    /// A deposit paid before the horizon stays out of the cash flow: with 30% down, the 160,000
    /// USD of units in flight pay only their balance, 112,000, in 2027Q2.
    func testInFlightDepositOutOfCashFlow() throws {
        var scenario = try Self.example()
        guard case .purchase(var h) = scenario.offerings[0] else { return XCTFail() }
        h.depositFraction = 0.3
        scenario.offerings[0] = .purchase(h)
        let plan = try plan(scenario)
        let flow = try XCTUnwrap(plan.finance?.cashFlow)
        XCTAssertEqual(flow.periods.reduce(0) { $0 + $1.capital }, 112_000, accuracy: 1e-6)
        XCTAssertEqual(flow.periods.first { $0.label == "2027Q2" }?.capital ?? 0, 112_000, accuracy: 1e-6)
    }
}
