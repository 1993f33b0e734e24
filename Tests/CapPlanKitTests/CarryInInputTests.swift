import Foundation
import XCTest
@testable import CapPlanKit

/// Scenario input for commitments carried into the horizon (docs/formulation.md 13.1,
/// docs/scenario-format.md "Commitments carried in"): a purchase's `existing` cohorts and
/// `ordersInFlight`, a reserved rental's `contractsInTerm`, a committed-use contract's `signed`.
/// Every key is read, every error names its path and what was expected, all errors come at once,
/// ScenarioWriter round-trips every key, and the per-period sums are the cohorts in service.
final class CarryInInputTests: XCTestCase {
    func loaded(_ text: String) throws -> LoadedScenario {
        try ScenarioLoader.load(text: text, fileName: "s.yaml", baseDirectory: ".", catalog: Catalog(models: [], purchases: [], rentals: [], apis: []))
    }

    func errors(_ text: String) -> [Diagnostic] {
        do {
            _ = try loaded(text)
            XCTFail("expected errors")
            return []
        } catch let e as ScenarioLoadError {
            return e.diagnostics
        } catch {
            XCTFail("\(error)")
            return []
        }
    }

    func assertError(_ yaml: String, _ path: String, _ text: String, file: StaticString = #filePath, line: UInt = #line) {
        let e = errors(yaml)
        XCTAssertEqual(e.map(\.path), [path], "\(e)", file: file, line: line)
        XCTAssertTrue(e.first?.message.contains(text) ?? false, "\(e)", file: file, line: line)
    }

    static func scenario(purchase: String = "", rental: String = "", api: String = "", policy: String = "") -> String {
        """
        name: t
        horizon: {start: 2027Q1, periods: 4}
        timeSlices: [{name: all, hours: 24, share: 1}]
        workloads:
          - {id: chat, demand: {tokensPerPeriod: [1e12, 1e12, 1e12, 1e12]}}
        offerings:
          - {id: h100, kind: purchase, unitPrice: 250000, lifetimePeriods: 12, leadTimePeriods: 2, throughput: {chat: 3000}\(purchase)}
          - {id: res, kind: rental, pricePerUnitHour: 40, commitment: period, termMonths: 12, throughput: {chat: 3000}\(rental)}
          - {id: od, kind: rental, pricePerUnitHour: 60, throughput: {chat: 3000}}
          - {id: api, kind: api, inputPricePerMTok: 1, outputPricePerMTok: 4, serves: [chat]\(api)}
        \(policy)
        """
    }

    func testEveryKeyIsReadAndWrittenBack() throws {
        let text = Self.scenario(
            purchase: ", existingUnits: 2, existingRemainingPeriods: 3, existing: [{units: 4, remainingPeriods: 1}, {units: 1, remainingPeriods: 9}]"
                + ", ordersInFlight: [{arrives: 2027Q2, units: 3}, {arrives: 2027Q1, units: 1}, {arrives: 2027Q2, units: 2}]",
            rental: ", contractsInTerm: [{units: 5, remainingPeriods: 2}, {units: 1, remainingPeriods: 4}]",
            api: ", committedUse: {discount: 0.2, minSpendPerPeriod: 1000, signed: true}")
        let s = try loaded(text).scenario
        let p = s.purchases[0]
        XCTAssertEqual(p.existingCohorts, [UnitsInTerm(units: 4, remainingPeriods: 1), UnitsInTerm(units: 1, remainingPeriods: 9)])
        // Two entries for 2027Q2 add up: 3 + 2 = 5.
        XCTAssertEqual(p.ordersInFlight, [0: 1, 1: 5])
        // e_op: existingUnits 2 for 3 periods, 4 for 1, 1 for 9: 2+4+1 = 7, 2+1 = 3, 3, then 1.
        XCTAssertEqual((0..<4).map { p.existingUnits(inPeriod: $0) }, [7, 3, 3, 1])
        XCTAssertEqual(p.existingUnits(inPeriod: -1), 0)
        XCTAssertEqual(p.unitsInFlight(arrivingIn: 1), 5)
        XCTAssertEqual(p.unitsInFlight(arrivingIn: 2), 0)
        let r = s.rentals[0]
        // C_op: 5 for 2 periods, 1 for 4: 6, 6, 1, 1.
        XCTAssertEqual((0..<4).map { r.unitsInTerm(inPeriod: $0) }, [6, 6, 1, 1])
        XCTAssertEqual(s.apis[0].committedUse?.signed, true)

        let written = ScenarioWriter.yaml(s)
        XCTAssertTrue(written.contains("existing: [{units: 4, remainingPeriods: 1}, {units: 1, remainingPeriods: 9}]"), written)
        XCTAssertTrue(written.contains("ordersInFlight: [{arrives: \"2027Q1\", units: 1}, {arrives: \"2027Q2\", units: 5}]"), written)
        XCTAssertTrue(written.contains("contractsInTerm: [{units: 5, remainingPeriods: 2}, {units: 1, remainingPeriods: 4}]"), written)
        XCTAssertTrue(written.contains("signed: true"), written)
        let again = try loaded(written).scenario
        XCTAssertEqual(again.purchases[0].existingCohorts, p.existingCohorts)
        XCTAssertEqual(again.purchases[0].ordersInFlight, p.ordersInFlight)
        XCTAssertEqual(again.rentals[0].contractsInTerm, r.contractsInTerm)
        XCTAssertEqual(again.apis[0].committedUse, s.apis[0].committedUse)
        XCTAssertEqual(ScenarioWriter.yaml(again), written)
        XCTAssertEqual(ScenarioRules.violations(in: s), [])
    }

    func testOldScenarioHasNoneOfTheKeys() throws {
        let s = try loaded(Self.scenario(api: ", committedUse: {discount: 0.2, minSpendPerPeriod: 1000}")).scenario
        XCTAssertEqual(s.purchases[0].existingCohorts, [])
        XCTAssertEqual(s.purchases[0].ordersInFlight, [:])
        XCTAssertEqual(s.rentals[0].contractsInTerm, [])
        XCTAssertEqual(s.apis[0].committedUse?.signed, false)
        XCTAssertEqual((0..<4).map { s.purchases[0].existingUnits(inPeriod: $0) }, [0, 0, 0, 0])
        let written = ScenarioWriter.yaml(s)
        for key in ["existing:", "ordersInFlight:", "contractsInTerm:", "signed:"] { XCTAssertFalse(written.contains(key), written) }
    }

    func testFractionalUnitsNeedIntegerUnitsOff() throws {
        let text = Self.scenario(purchase: ", existing: [{units: 1.5, remainingPeriods: 2}], ordersInFlight: [{arrives: 2027Q3, units: 0.5}]",
                                 rental: ", contractsInTerm: [{units: 2.5, remainingPeriods: 1}]", policy: "policy: {integerUnits: false}")
        let s = try loaded(text).scenario
        XCTAssertEqual(s.purchases[0].existingUnits(inPeriod: 1), 1.5)
        XCTAssertEqual(s.purchases[0].ordersInFlight, [2: 0.5])
        XCTAssertEqual(s.rentals[0].unitsInTerm(inPeriod: 0), 2.5)
        // With whole units (the default), all three are errors, reported at once.
        let e = errors(Self.scenario(purchase: ", existing: [{units: 1.5, remainingPeriods: 2}], ordersInFlight: [{arrives: 2027Q3, units: 0.5}]",
                                     rental: ", contractsInTerm: [{units: 2.5, remainingPeriods: 1}]"))
        XCTAssertEqual(e.map(\.path), ["offerings[0].existing[0].units", "offerings[0].ordersInFlight[0].units", "offerings[1].contractsInTerm[0].units"])
        XCTAssertTrue(e.allSatisfy { $0.message.contains("expected a whole number of units (policy.integerUnits is true") }, "\(e)")
    }

    func testErrors() {
        assertError(Self.scenario(purchase: ", existing: [{units: 0, remainingPeriods: 2}]"), "offerings[0].existing[0].units", "expected units in (0, 1e12]")
        assertError(Self.scenario(purchase: ", existing: [{units: 1, remainingPeriods: 0}]"), "offerings[0].existing[0].remainingPeriods",
                    "expected a whole number of periods")
        assertError(Self.scenario(purchase: ", existing: [{units: 1}]"), "offerings[0].existing[0].remainingPeriods", "required key missing")
        assertError(Self.scenario(purchase: ", existing: [{units: 1, remainingPeriods: 2, age: 3}]"), "offerings[0].existing[0].age", "unknown key")
        assertError(Self.scenario(purchase: ", existing: {units: 1, remainingPeriods: 2}"), "offerings[0].existing", "expected a list of {units, remainingPeriods}")
        assertError(Self.scenario(purchase: ", ordersInFlight: [{arrives: 2026Q4, units: 1}]"), "offerings[0].ordersInFlight[0].arrives",
                    "units that arrived before it are owned already (list them under `existing`)")
        assertError(Self.scenario(purchase: ", ordersInFlight: [{arrives: 2028Q1, units: 1}]"), "offerings[0].ordersInFlight[0].arrives",
                    "expected a period of the horizon (2027Q1...2027Q4): an order arriving after it plays no part in the plan")
        assertError(Self.scenario(purchase: ", ordersInFlight: [{arrives: 2027-03, units: 1}]"), "offerings[0].ordersInFlight[0].arrives",
                    "expected a quarter label like 2027Q1")
        assertError(Self.scenario(purchase: ", ordersInFlight: [{arrives: soon, units: 1}]"), "offerings[0].ordersInFlight[0].arrives", "expected a period label")
        assertError(Self.scenario(purchase: ", ordersInFlight: [{units: 1}]"), "offerings[0].ordersInFlight[0].arrives", "required key missing")
        // A 12-month term is 4 quarters: a contract in term has at most 4 left.
        assertError(Self.scenario(rental: ", contractsInTerm: [{units: 1, remainingPeriods: 5}]"), "offerings[1].contractsInTerm[0].remainingPeriods",
                    "expected at most 4 periods: a contract in term has at most its term left (termMonths: 12 months)")
        assertError(Self.scenario(api: ", committedUse: {discount: 0.2, minSpendPerPeriod: 0, signed: yes}"), "offerings[3].committedUse.signed",
                    "expected true or false")
        // Keys of another kind.
        assertError(Self.scenario(rental: ", existing: [{units: 1, remainingPeriods: 2}]"), "offerings[1].existing", "belongs to purchase offerings")
        assertError(Self.scenario(purchase: ", contractsInTerm: [{units: 1, remainingPeriods: 2}]"), "offerings[0].contractsInTerm",
                    "belongs to rental offerings")
        // contractsInTerm on an on-demand rental: no contract.
        let text = Self.scenario().replacingOccurrences(of: "pricePerUnitHour: 60, throughput", with: "pricePerUnitHour: 60, contractsInTerm: [{units: 1, remainingPeriods: 1}], throughput")
        assertError(text, "offerings[2].contractsInTerm", "contractsInTerm applies to reserved rentals (commitment: period): an on-demand rental")
    }

    func testAllErrorsAtOnce() {
        let e = errors(Self.scenario(purchase: ", existing: [{units: -1, remainingPeriods: 2}], ordersInFlight: [{arrives: 2029Q1, units: 1}]",
                                     rental: ", contractsInTerm: [{units: 1, remainingPeriods: 0}]"))
        XCTAssertEqual(e.map(\.path), ["offerings[0].existing[0].units", "offerings[0].ordersInFlight[0].arrives",
                                       "offerings[1].contractsInTerm[0].remainingPeriods"])
    }
}
