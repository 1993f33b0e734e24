// Rolling a scenario past the elapsed periods (docs/formulation.md 13.2), checked by hand: which
// units become owned cohorts, which orders are in flight, which contracts stay in term, and how
// every period-indexed datum moves.
import Foundation
import XCTest
@testable import CapPlanKit

final class ReplanRollForwardTests: XCTestCase {
    /// Six quarters from 2027Q1; two of them elapse.
    ///   srv: lifetime 6, lead time 2; 2 units owned with 3 periods left, a cohort of 1 with 2
    ///        left; orders in flight from before: 1 arriving in period 0, 2 in period 4.
    ///   res: reserved, term 3; 2 units in term from before with 4 periods left.
    ///   od:  on demand, available from period 3, prices falling 20% a year.
    ///   api: committed use offered, available until period 1.
    static func scenario() -> Scenario {
        var srv = PurchaseOffering(id: "srv", unitPrice: 120, lifetimePeriods: 6, throughput: ["chat": 1], leadTimePeriods: 2,
                                   existingUnits: 2, existingRemainingPeriods: 3)
        srv.existingCohorts = [UnitsInTerm(units: 1, remainingPeriods: 2)]
        srv.ordersInFlight = [0: 1, 4: 2]
        var res = RentalOffering(id: "res", pricePerUnitHour: 1, commitment: .period, throughput: ["chat": 1], termPeriods: 3)
        res.contractsInTerm = [UnitsInTerm(units: 2, remainingPeriods: 4)]
        var od = RentalOffering(id: "od", pricePerUnitHour: 2, throughput: ["chat": 1])
        od.availableFromIndex = 3
        od.priceChange = .declinePerYear(0.2)
        var api = APIOffering(id: "api", inputPricePerMTok: 1, outputPricePerMTok: 1, serves: ["chat"])
        api.committedUse = CommittedUse(discount: 0.1, minSpendPerPeriod: 5)
        api.availableUntilIndex = 1
        var s = Scenario(name: "roll", horizon: Horizon(start: PeriodLabel("2027Q1")!, periods: 6),
                         workloads: [Workload(id: "chat", outputShare: 0.3, model: nil, demand: [10, 11, 12, 13, 14, 15])],
                         offerings: [.purchase(srv), .rental(res), .rental(od), .api(api)],
                         budget: Budget(capexPerPeriod: [100, 101, 102, 103, 104, 105], fiscalYears: [
                            FiscalYearBudget(year: 2027, capex: 1000, opex: 500), FiscalYearBudget(year: 2028, capex: 2000)]),
                         platforms: [PlatformCost(id: "nvidia", adoptionCost: 50, yearlyCost: 10)])
        s.site.powerCapKW = [1, 2, 3, 4, 5, 6]
        s.jobs = [
            TrainingJob(id: "early", flops: 1e18, earliestStartIndex: 0, deadlineIndex: 1),
            TrainingJob(id: "across", flops: 4e18, earliestStartIndex: 1, deadlineIndex: 4),
            TrainingJob(id: "later", flops: 2e18, earliestStartIndex: 3, deadlineIndex: 5),
        ]
        return s
    }

    /// The previous plan: srv arrivals b = [1, 0, 3, 1, 3, 1] (b_0 = the order in flight);
    /// res contract starts v = [1, 2, 0, 5, 0, 0]; the API contract taken; nvidia adopted in
    /// period 1; cash paid 30 capital + 7 operating in period 0 and 40 + 8 in period 1.
    static func commitments() -> PlanCommitments {
        PlanCommitments(arrivals: ["srv": [1, 0, 3, 1, 3, 1]], contractStarts: ["res": [1, 2, 0, 5, 0, 0]], apiCommitments: ["api"],
                        platformsAdopted: ["nvidia": 1],
                        cashPaid: [0: .init(capital: 30, operating: 7), 1: .init(capital: 40, operating: 8), 2: .init(capital: 99, operating: 99)])
    }

    func roll(_ actuals: ReplanActuals) throws -> (Scenario, CarriedIn) {
        let (s, c) = try RollForward.roll(Self.scenario(), commitments: Self.commitments(), actuals: actuals)
        return (s, c)
    }

    func offerings(_ s: Scenario) -> (PurchaseOffering, RentalOffering, RentalOffering, APIOffering) {
        guard case .purchase(let srv) = s.offerings[0], case .rental(let res) = s.offerings[1], case .rental(let od) = s.offerings[2],
              case .api(let api) = s.offerings[3] else { fatalError("offering order") }
        return (srv, res, od, api)
    }

    func testDeliveredUnitsOrdersAndContractsAreCarriedIn() throws {
        let (s, carried) = try roll(ReplanActuals(elapsedPeriods: 2, demand: ["chat": [12, 12]], completedFractions: ["across": 0.25]))
        let (srv, res, _, api) = offerings(s)
        XCTAssertEqual(s.horizon.start.description, "2027Q3")
        XCTAssertEqual(s.horizon.periods, 4)
        // Owned: the 2 units with 3 periods left have 1 left; the cohort with 2 left is gone; the
        // unit delivered in period 0 (lifetime 6) has 6 − (2 − 0) = 4 left; nothing came in period 1.
        XCTAssertEqual(srv.existingUnits, 2)
        XCTAssertEqual(srv.existingRemainingPeriods, 1)
        XCTAssertEqual(srv.existingCohorts, [UnitsInTerm(units: 1, remainingPeriods: 4)])
        // In flight: b_2 = 3 was ordered in period 0 and b_3 = 1 in period 1 (lead time 2, both
        // elapsed): new periods 0 and 1. b_4 = 3 would be ordered in period 2, not yet: only the
        // 2 units ordered before the horizon remain (new period 2). b_5 = 1 is free again.
        XCTAssertEqual(srv.ordersInFlight, [0: 3, 1: 1, 2: 2])
        // Contracts (term 3): the 2 units from before have 4 − 2 = 2 left; started in 0: 0 + 3 − 2
        // = 1 left; started in 1: 1 + 3 − 2 = 2 left. The start in period 3 is free again.
        XCTAssertEqual(res.contractsInTerm, [UnitsInTerm(units: 2, remainingPeriods: 2), UnitsInTerm(units: 1, remainingPeriods: 1),
                                             UnitsInTerm(units: 2, remainingPeriods: 2)])
        XCTAssertEqual(api.committedUse?.signed, true)
        XCTAssertEqual(carried.signedCommitments, ["api"])
        XCTAssertEqual(s.platforms[0].adoptionCost, 0, "adopted in an elapsed period")
        XCTAssertEqual(s.platforms[0].yearlyCost, 10)
        XCTAssertEqual(carried.cohorts.map(\.origin), ["owned before 2027Q1", "delivered 2027Q1"])
        XCTAssertEqual(carried.ordersInFlight.map(\.arrives), ["2027Q3", "2027Q4", "2028Q1"])
        XCTAssertEqual(carried.contractsInTerm.map(\.origin), ["in term before 2027Q1", "started 2027Q1", "started 2027Q2"])
    }

    /// The unit delivered in period 0 (price 120, lifetime 6: 20 a period amortized) is owned
    /// now; in the 3 periods both horizons would cover after 2 elapsed, with 4 periods of
    /// service left, the previous plan charged 20 × 3 = 60 of capex for it.
    func testSunkCapexOfTheDeliveredUnits() throws {
        let (_, carried) = try roll(ReplanActuals(elapsedPeriods: 2, demand: ["chat": [12, 12]], completedFractions: ["across": 0.25]))
        XCTAssertEqual(carried.cohorts.map(\.arrived), [nil, "2027Q1"])
        XCTAssertEqual(ReplanChanges.sunkCapex(Self.scenario(), carriedIn: carried, k: 2, covered: 3), 60)
        var cash = Self.scenario()
        cash.capexAccounting = .cash
        XCTAssertEqual(ReplanChanges.sunkCapex(cash, carriedIn: carried, k: 2, covered: 3), 0, "cash: the capex fell at arrival")
    }

    func testEveryPeriodIndexedDatumMoves() throws {
        let (s, carried) = try roll(ReplanActuals(elapsedPeriods: 2, demand: ["chat": [12, 12]], completedFractions: ["across": 0.25]))
        let (_, _, od, api) = offerings(s)
        XCTAssertEqual(s.workloads[0].demand, [12, 13, 14, 15])
        XCTAssertEqual(s.site.powerCapKW, [3, 4, 5, 6])
        XCTAssertEqual(s.budget.capexPerPeriod, [102, 103, 104, 105])
        // Fiscal years (January start): 2027Q1 and Q2 are FY2027: its caps less the cash paid in
        // them, 1000 − (30 + 40) = 930 and 500 − (7 + 8) = 485; FY2028 had nothing paid.
        XCTAssertEqual(s.budget.fiscalYears, [FiscalYearBudget(year: 2027, capex: 930, opex: 485), FiscalYearBudget(year: 2028, capex: 2000)])
        XCTAssertEqual(od.availableFromIndex, 1)
        XCTAssertEqual(api.availableUntilIndex, -1)
        // A 20% yearly decline from 2027Q1: f_p = 0.8^(p/4); from 2027Q3 the factors are
        // 0.8^(2/4) = 0.894427, 0.8^(3/4) = 0.845897, 0.8, 0.8^(5/4) = 0.756593.
        guard case .factors(let f)? = od.priceChange else { return XCTFail("expected factors, got \(String(describing: od.priceChange))") }
        XCTAssertEqual(f.count, 4)
        for (got, want) in zip(f, [0.894427191, 0.845897016, 0.8, 0.756593]) { XCTAssertEqual(got, want, accuracy: 1e-6) }
        // Jobs: `early` (periods 0-1) is done and dropped; `across` (1-4) ran a quarter of its
        // compute: 4e18 × 0.75 = 3e18 left, window 0-2; `later` (3-5) moves to 1-3.
        XCTAssertEqual(s.jobs.map(\.id), ["across", "later"])
        XCTAssertEqual(s.jobs[0].flops, 3e18)
        XCTAssertEqual(s.jobs[0].earliestStartIndex, 0)
        XCTAssertEqual(s.jobs[0].deadlineIndex, 2)
        XCTAssertEqual(s.jobs[1].earliestStartIndex, 1)
        XCTAssertEqual(s.jobs[1].deadlineIndex, 3)
        XCTAssertEqual(carried.jobsDropped, ["early"])
        XCTAssertEqual(carried.jobsInProgress, [CarriedIn.JobInProgress(job: "across", completedFraction: 0.25, flopsLeft: 3e18)])
    }

    /// The elapsed periods' own scenario (periods 0-1): lists cut, the order in flight for
    /// period 4 outside it, jobs ending later left out, commitments as they were.
    func testTheElapsedWindowCutsTheScenario() throws {
        var carried = CarriedIn()
        let s = try RollForward.window(Self.scenario(), from: 0, periods: 2, completedFractions: [:], carried: &carried)
        let (srv, res, od, _) = offerings(s)
        XCTAssertEqual(s.horizon.periods, 2)
        XCTAssertEqual(s.workloads[0].demand, [10, 11])
        XCTAssertEqual(srv.ordersInFlight, [0: 1])
        XCTAssertEqual(srv.existingUnits, 2)
        XCTAssertEqual(srv.existingRemainingPeriods, 3)
        XCTAssertEqual(res.contractsInTerm, [UnitsInTerm(units: 2, remainingPeriods: 4)])
        XCTAssertEqual(od.priceChange, .declinePerYear(0.2), "the same start keeps the decline")
        XCTAssertEqual(s.jobs.map(\.id), ["early"])
        XCTAssertEqual(s.budget.fiscalYears, [FiscalYearBudget(year: 2027, capex: 1000, opex: 500)])
    }

    func testASlippedDeliveryStaysInFlight() throws {
        // Of the unit due in period 0 none came; the rest arrives in period 3 (new period 1),
        // on top of b_3 = 1 ordered in period 1.
        let late = ReplanActuals.Delivery(units: 0, restArrives: 3)
        let (s, carried) = try roll(ReplanActuals(elapsedPeriods: 2, demand: ["chat": [12, 12]], delivered: ["srv": [0: late]],
                                                  completedFractions: ["across": 0.25]))
        let (srv, _, _, _) = offerings(s)
        XCTAssertEqual(srv.existingCohorts, [])
        XCTAssertEqual(srv.ordersInFlight, [0: 3, 1: 2, 2: 2])
        XCTAssertEqual(carried.ordersInFlight.map(\.origin), ["ordered by 2027Q2", "slipped from 2027Q1", "ordered by 2027Q2"])
    }

    func testAJobAcrossTheElapsedPeriodsNeedsItsProgress() {
        XCTAssertThrowsError(try roll(ReplanActuals(elapsedPeriods: 2, demand: ["chat": [12, 12]]))) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("job across may run 2027Q2 .. 2028Q1"), text)
            XCTAssertTrue(text.contains("completedFraction"), text)
        }
    }

    func testOnePeriodElapsedWithATermOfOneCarriesNoContract() throws {
        // Term-1 contracts end in the period they start: none runs on.
        var s = Self.scenario()
        s.jobs = []
        guard case .rental(var res) = s.offerings[1] else { return XCTFail() }
        res.termPeriods = 1
        res.contractsInTerm = []
        s.offerings[1] = .rental(res)
        let (rolled, carried) = try RollForward.roll(s, commitments: Self.commitments(), actuals: ReplanActuals(elapsedPeriods: 1, demand: ["chat": [10]]))
        XCTAssertEqual(offerings(rolled).1.contractsInTerm, [])
        XCTAssertEqual(carried.contractsInTerm, [])
        // The plan adopted nvidia in period 1, not elapsed yet: it keeps its adoption cost.
        XCTAssertEqual(rolled.platforms[0].adoptionCost, 50)
    }
}

/// Every shipped example rolled one period forward writes a scenario
/// that loads back equal: the index shift keeps every key valid (price factors, windows, jobs,
/// demand cases, budgets).
final class ReplanRollExamplesTests: XCTestCase {
    func testEveryExampleRollsAndLoadsBack() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let examples = root.appendingPathComponent("examples")
        let files = try FileManager.default.contentsOfDirectory(atPath: examples.path).filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertGreaterThan(files.count, 10)
        for file in files {
            let scenario = try ScenarioLoader.load(path: examples.appendingPathComponent(file).path).scenario
            guard scenario.horizon.periods > 1 else { continue }
            let demand = Dictionary(uniqueKeysWithValues: scenario.workloads.map { ($0.id, [$0.demand[0]]) })
            let halfDone = Dictionary(uniqueKeysWithValues: scenario.jobs.map { ($0.id, 0.5) })
            // A unit of each purchase delivered in the first period, a contract of each
            // reservation started then, every committed-use contract taken: each carried-in key
            // the roll writes (cohorts, contracts in term, signed) goes through the writer.
            let periods = scenario.horizon.periods
            var commitments = PlanCommitments()
            for o in scenario.purchases { commitments.arrivals[o.id] = [1] + Array(repeating: 0, count: periods - 1) }
            for o in scenario.rentals where o.commitment == .period { commitments.contractStarts[o.id] = [1] + Array(repeating: 0, count: periods - 1) }
            commitments.apiCommitments = scenario.apis.filter { $0.committedUse != nil }.map(\.id)
            let (rolled, _) = try RollForward.roll(scenario, commitments: commitments,
                                                   actuals: ReplanActuals(elapsedPeriods: 1, demand: demand, completedFractions: halfDone))
            let yaml = ScenarioWriter.yaml(rolled)
            let again: Scenario
            do {
                again = try ScenarioLoader.load(text: yaml, fileName: file, baseDirectory: examples.path).scenario
            } catch {
                XCTFail("\(file): \(error)")
                continue
            }
            XCTAssertEqual(again.horizon.periods, scenario.horizon.periods - 1, file)
            XCTAssertEqual(ScenarioWriter.yaml(again), yaml, file)
            XCTAssertEqual(again.workloads.map(\.demand), rolled.workloads.map(\.demand), file)
            XCTAssertEqual(again.offerings, rolled.offerings, file)
            XCTAssertEqual(again.budget, rolled.budget, file)
            XCTAssertEqual(again.demandCases, rolled.demandCases, file)
            // Slices built from an hourly profile are written as the list they became (ScenarioWriter).
            var expected = rolled
            expected.hourlyProfile = nil
            if rolled.jobs.isEmpty { XCTAssertEqual(again, expected, file) }
            for (a, b) in zip(again.jobs, rolled.jobs) {
                XCTAssertEqual(a.flops, b.flops, accuracy: 1e-9 * b.flops, file)
            }
        }
    }
}
