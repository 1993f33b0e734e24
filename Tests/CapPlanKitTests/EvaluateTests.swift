// `capplan evaluate` in the kit: plan files read and checked against their scenario, purchases-only
// plans completed (never cheaper than optimal; the optimal plan's own purchases give the optimal
// cost), full plans checked with planted violations, infeasible completions explained.

import Foundation
import TestSupport
import Testing
@testable import CapPlanKit

enum EvaluateFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// (scenario, purchases-only plan) for every plan in examples/plans.
    static var examplePlans: [(scenario: URL, plan: URL)] {
        let dir = root.appendingPathComponent("examples/plans")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map {
            (root.appendingPathComponent("examples").appendingPathComponent($0), dir.appendingPathComponent($0))
        }
    }

    static func scenario(_ url: URL) throws -> Scenario {
        try ScenarioLoader.load(path: url.path).scenario
    }

    static func input(_ text: String, _ scenario: Scenario, file: String = "plan.yaml") throws -> PlanInput {
        try PlanInputLoader.load(text: text, fileName: file, scenario: scenario).input
    }

    static var options: PlanEvaluationOptions { PlanEvaluationOptions() }

    /// Worked example of docs/formulation.md with the API removed: only owned units can serve.
    static var ownedOnly: Scenario {
        var scenario = AuditExamples.worked(.amortized)
        scenario.offerings = scenario.offerings.filter { if case .api = $0 { return false } else { return true } }
        return scenario
    }
}

func relativeDifference(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(1, abs(b)) }

@Suite struct EvaluateTests {
    // MARK: Examples

    @Test func everyExampleHasAPurchasesOnlyPlan() throws {
        let plans = EvaluateFixtures.examplePlans
        #expect(plans.count >= 3)
        for (scenario, plan) in plans {
            #expect(FileManager.default.fileExists(atPath: scenario.path), "no scenario for \(plan.lastPathComponent)")
        }
    }

    @Test func examplePurchasesOnlyPlansCompleteAndCostAtLeastTheOptimum() throws {
        for (scenarioURL, planURL) in EvaluateFixtures.examplePlans {
            let scenario = try EvaluateFixtures.scenario(scenarioURL)
            let loaded = try PlanInputLoader.load(path: planURL.path, scenario: scenario)
            #expect(loaded.warnings.isEmpty)
            #expect(loaded.input.shape == .purchasesOnly)
            let report = try PlanEvaluationRun.evaluate(scenario, input: loaded.input)
            #expect(report.status == .feasible, "\(planURL.lastPathComponent)")
            #expect(report.violations.isEmpty)
            let plan = try #require(report.plan), optimal = try #require(report.optimal)
            // Not optimal: each example plan is a plausible but worse procurement.
            #expect(plan.discountedCost > optimal.discountedCost * (1 + 1e-3), "\(planURL.lastPathComponent): \(plan.discountedCost) vs \(optimal.discountedCost)")
            let comparison = try #require(report.comparison)
            #expect(abs(comparison.discountedCostDifference - (plan.discountedCost - optimal.discountedCost)) < 1e-6 * optimal.discountedCost)
            // The component differences add up to the total difference.
            let sum = comparison.byComponent.reduce(0) { $0 + $1.difference }
            #expect(relativeDifference(sum, comparison.discountedCostDifference) < 1e-6)
            #expect(comparison.explanation.contains { $0.hasPrefix("idle capacity") })
            // The plan's purchases were kept as written.
            let decisions = try #require(report.decisions)
            #expect(decisions.arrivals == loaded.input.arrivals)
        }
    }

    @Test func theOptimalPlansOwnPurchasesGiveTheOptimalCost() throws {
        for (scenarioURL, _) in EvaluateFixtures.examplePlans {
            let scenario = try EvaluateFixtures.scenario(scenarioURL)
            var options = PlanOptions()
            options.mipGap = 1e-7
            options.baselines = false
            let optimal = try Planner.plan(scenario, options: options)
            let cost = try #require(optimal.totals?.discountedCost)
            var text = "purchases:\n"
            for purchase in optimal.purchases {
                text += "  - {offering: \(purchase.offering), period: \(purchase.period), units: \(purchase.units)}\n"
            }
            if optimal.purchases.isEmpty { text = "purchases: []\n" }
            let input = try EvaluateFixtures.input(text, scenario)
            let report = try PlanEvaluationRun.evaluate(scenario, input: input)
            #expect(report.status == .feasible)
            let plan = try #require(report.plan)
            #expect(relativeDifference(plan.discountedCost, cost) <= 1e-6, "\(scenarioURL.lastPathComponent): \(plan.discountedCost) vs \(cost)")
            #expect(report.comparison?.explanation.first?.contains("it is optimal") == true)

            // The plan JSON itself, read as a CapPlan plan: purchases and rentals fixed.
            let json = try PlanReport.json(optimal)
            let fromJSON = try EvaluateFixtures.input(json, scenario, file: "plan.json")
            #expect(fromJSON.shape == .capplanPlan)
            let again = try PlanEvaluationRun.evaluate(scenario, input: fromJSON)
            #expect(again.status == .feasible)
            #expect(relativeDifference(try #require(again.plan).discountedCost, cost) <= 1e-6)
        }
    }

    // MARK: Full plans

    /// A completed example plan written out as a full plan reads back to the same cost; a planted
    /// shortfall and an overloaded owned unit are reported with family, offering, period and slice.
    @Test func fullPlanRoundTripAndPlantedViolations() throws {
        let url = EvaluateFixtures.root.appendingPathComponent("examples/startup-api-breakeven.yaml")
        let scenario = try EvaluateFixtures.scenario(url)
        let plan = try PlanInputLoader.load(path: EvaluateFixtures.root.appendingPathComponent("examples/plans/startup-api-breakeven.yaml").path,
                                            scenario: scenario).input
        var options = PlanEvaluationOptions()
        options.compareWithOptimal = false
        let completed = try PlanEvaluationRun.evaluate(scenario, input: plan, options: options)
        let decisions = try #require(completed.decisions)

        let text = PlanInputWriter.fullPlanYAML(scenario: scenario, decisions: decisions, name: "round trip")
        let full = try EvaluateFixtures.input(text, scenario)
        #expect(full.shape == .full)
        let checked = try PlanEvaluationRun.evaluate(scenario, input: full, options: options)
        #expect(checked.status == .feasible)
        #expect(checked.violations.isEmpty)
        #expect(relativeDifference(try #require(checked.plan).discountedCost, try #require(completed.plan).discountedCost) < 1e-9)

        // Plant: the API serves 1000 tokens/s less of `assistant` in 2027-01 (before the server arrives), business hours;
        // the owned server is loaded 2 units' worth in 2027-06, off-hours.
        var planted = decisions
        let apiID = "deepinfra-llama-3.1-70b"
        let p = scenario.horizon.labels.firstIndex(of: "2027-01")!, business = 0
        let before = try #require(planted.served[apiID]?["assistant"]?[p][business])
        #expect(before >= 1000)
        planted.served[apiID]!["assistant"]![p][business] = before - 1000
        let q = scenario.horizon.labels.firstIndex(of: "2027-06")!, offHours = 1
        let tau = scenario.purchases.first { $0.id == "h100-node" }!.throughput["assistant"]!
        planted.served["h100-node"]!["assistant"]![q][offHours] = 2 * tau
        let broken = try EvaluateFixtures.input(PlanInputWriter.fullPlanYAML(scenario: scenario, decisions: planted), scenario)
        let report = try PlanEvaluationRun.evaluate(scenario, input: broken, options: options)
        #expect(report.status == .violated)
        let shortfall = try #require(report.violations.first { $0.family == .demand })
        #expect(shortfall.workload == "assistant")
        #expect(shortfall.period == "2027-01")
        #expect(shortfall.slice == "business")
        #expect(abs(shortfall.amount - 1000) < 1e-6)
        let overload = try #require(report.violations.first { $0.family == .ownedCapacity })
        #expect(overload.offering == "h100-node")
        #expect(overload.period == "2027-06")
        #expect(overload.slice == "off-hours")
        #expect(try #require(report.plan).tokensShort > 0)
        let text2 = PlanEvaluationRun.text(report)
        #expect(text2.contains("demand[assistant,2027-01,business]"))
        #expect(text2.contains("ownedCapacity[h100-node,2027-06,off-hours]"))
    }

    @Test func fullPlanOfTheWorkedExampleCostsAsInTheFormulation() throws {
        let scenario = AuditExamples.worked(.amortized)
        let text = """
            served:
              - {offering: srv, workload: chat, period: 2027, tokensPerSecond: 800}
              - {offering: srv, workload: chat, period: 2028, tokensPerSecond: 1600}
              - {offering: api, workload: chat, period: 2027, slice: all-day, tokensPerSecond: 200}
              - {offering: api, workload: chat, period: 2028, tokensPerSecond: 400}
            purchases:
              - {offering: srv, period: 2027, units: 1}
              - {offering: srv, period: 2028, units: 1}
            """
        let input = try EvaluateFixtures.input(text, scenario)
        let report = try PlanEvaluationRun.evaluate(scenario, input: input)
        #expect(report.status == .feasible)
        #expect(abs(try #require(report.plan).discountedCost - 126_616.4) < 1e-6)
        #expect(report.comparison?.explanation.first?.contains("it is optimal") == true)
    }

    // MARK: Completion that fails

    @Test func aFleetTooSmallReportsTheUnmetDemand() throws {
        let scenario = EvaluateFixtures.ownedOnly
        // One unit in 2027 only: 800 tokens/s against 1000 and 2000.
        let input = try EvaluateFixtures.input("purchases: [{offering: srv, period: 2027, units: 1}]", scenario)
        let report = try PlanEvaluationRun.evaluate(scenario, input: input)
        #expect(report.status == .infeasible)
        #expect(report.plan == nil)
        #expect(report.unmetDemand.count == 2)
        let first = try #require(report.unmetDemand.first)
        #expect(first.workload == "chat" && first.period == "2027" && first.slice == "all-day")
        #expect(abs(first.tokensPerSecond - 200) < 1e-6)
        // In 2028 the 2027 unit is still in service (lifetime 2): 2000 − 800.
        #expect(abs(report.unmetDemand[1].tokensPerSecond - 1200) < 1e-6)
        #expect(PlanEvaluationRun.text(report).contains("cannot serve"))
    }

    @Test func purchasesBreakingBoundsOrBudgetsAreReportedWithoutSolving() throws {
        var server = AuditExamples.server
        server = PurchaseOffering(id: server.id, unitPrice: server.unitPrice, lifetimePeriods: server.lifetimePeriods, powerKW: server.powerKW,
                                  opexPerUnitPeriod: server.opexPerUnitPeriod, throughput: server.throughput, leadTimePeriods: 1)
        let scenario = AuditExamples.worked(.amortized, server: server, budget: Budget(capexPerPeriod: [100_000, 100_000]))
        let input = try EvaluateFixtures.input("""
            purchases:
              - {offering: srv, period: 2027, units: 1}
              - {offering: srv, period: 2028, units: 2.5}
            """, scenario)
        let result = try PlanCompletion.complete(scenario, input: input)
        #expect(result.outcome == .blocked)
        let families = Set(result.blocking.map(\.family))
        #expect(families == [.availability, .integrality, .capitalBudget])
        let report = try PlanEvaluationRun.evaluate(scenario, input: input)
        #expect(report.status == .infeasible)
        #expect(report.violations.contains { $0.family == .availability && $0.period == "2027" && $0.offering == "srv" })
    }

    @Test func givenRentalsAreFixedAndOtherRentalsCanBeExcluded() throws {
        let scenario = AuditExamples.caseB
        // Case B's optimum rents one `cloud` unit in 2028 (objective 105 836.4). Fix no rental at all:
        // 2028 needs 2000 tokens/s from srv (800 each) and the API (≤ 300): three units.
        let none = try EvaluateFixtures.input("purchases: [{offering: srv, period: 2028, units: 3}]\notherRentals: none", scenario)
        let report = try PlanEvaluationRun.evaluate(scenario, input: none)
        #expect(report.status == .feasible)
        #expect(try #require(report.decisions).reservedUnits["cloud"] == [0, 0])
        #expect(try #require(report.plan).discountedCost > 105_836.4)
        let rented = try EvaluateFixtures.input("""
            purchases: [{offering: srv, period: 2028, units: 2}]
            rentals: [{offering: cloud, period: 2028, units: 1}]
            """, scenario)
        let best = try PlanEvaluationRun.evaluate(scenario, input: rented)
        #expect(abs(try #require(best.plan).discountedCost - 105_836.4) < 1e-6)
    }

    // MARK: Invalid plan files

    @Test func invalidPlansReportEveryErrorWithPathAndSuggestion() throws {
        let scenario = try EvaluateFixtures.scenario(EvaluateFixtures.root.appendingPathComponent("examples/startup-api-breakeven.yaml"))
        let text = """
            purchases:
              - {offering: h100-nod, period: 2027-03, units: 1}
              - {offering: h100-node, period: 2030-01, units: 1}
              - {offering: h100-node, period: 2027Q1, units: -2}
              - {offering: gcp-h100-1-year, period: 2027-04, units: 1}
              - {offering: h100-node, period: 2027-05}
              - {offering: h100-node, period: 2027-05, units: 1}
              - {offering: h100-node, period: 2027-05, units: 1}
            rentals:
              - {offering: gcp-h100-1-year, period: 2027-04, slice: business, units: 1}
              - {offering: runpod-h100-on-demand, period: 2027-04, slice: busines, units: 1}
            otherRentals: maybe
            colour: red
            """
        do {
            _ = try EvaluateFixtures.input(text, scenario)
            Issue.record("expected errors")
        } catch let error as PlanInputError {
            let found = error.diagnostics.map { "\($0.path) @\($0.line ?? 0)" }
            #expect(found == [
                "purchases[0].offering @2", "purchases[1].period @3", "purchases[2].period @4", "purchases[2].units @4",
                "purchases[3].offering @5", "purchases[4].units @6", "purchases[6] @8", "rentals[0].slice @10",
                "rentals[1].slice @11", "otherRentals @12", "colour @13",
            ])
            let text = error.description
            #expect(text.contains("did you mean `h100-node`?"))
            #expect(text.contains("did you mean `business`?"))
            #expect(text.contains("got 2030-01"))
            #expect(text.contains("not a rental offering"))
            #expect(text.contains("plan.yaml:2:"))
        }
    }

    @Test func servedPairsAndUnservedAreCheckedAgainstTheScenario() throws {
        let scenario = AuditExamples.worked(.amortized)
        let text = """
            purchases: []
            served:
              - {offering: srv, workload: code, period: 2027, tokensPerSecond: 1}
              - {offering: api, workload: chat, period: 2027, slice: peak, tokensPerSecond: 1}
              - {offering: api, workload: chat, period: 2027, tokensPerSecond: fast}
            unserved:
              - {workload: chat, period: 2027, tokensPerSecond: 1}
            """
        do {
            _ = try EvaluateFixtures.input(text, scenario)
            Issue.record("expected errors")
        } catch let error as PlanInputError {
            #expect(error.diagnostics.map(\.path) == ["served[0].workload", "served[1].slice", "served[2].tokensPerSecond", "unserved"])
        }
    }

    @Test func strictJSONAndSyntaxErrorsAreReported() throws {
        let scenario = AuditExamples.worked(.amortized)
        #expect(throws: PlanInputError.self) { try EvaluateFixtures.input("{purchases: []}", scenario, file: "plan.json") }
        #expect(throws: PlanInputError.self) { try EvaluateFixtures.input("purchases: [", scenario) }
        #expect(throws: PlanInputError.self) { try EvaluateFixtures.input("- 1", scenario) }
        let json = try EvaluateFixtures.input(#"{"purchases": [{"offering": "srv", "period": "2027", "units": 1}]}"#, scenario, file: "plan.json")
        #expect(json.arrivals["srv"] == [1, 0])
    }

    @Test func theJSONReportIsDeterministic() throws {
        // An amortized example: its salvage is 0.
        let (scenarioURL, planURL) = try #require(EvaluateFixtures.examplePlans.first { $0.plan.lastPathComponent == "startup-api-breakeven.yaml" })
        let scenario = try EvaluateFixtures.scenario(scenarioURL)
        let input = try PlanInputLoader.load(path: planURL.path, scenario: scenario).input
        let first = try PlanEvaluationRun.json(try PlanEvaluationRun.evaluate(scenario, input: input))
        let second = try PlanEvaluationRun.json(try PlanEvaluationRun.evaluate(scenario, input: input))
        #expect(first == second)
        // No salvage (amortized examples) once came out as `"plan" : -0` in byComponent.
        let minusZero = first.split(separator: "\n").filter { $0.hasSuffix(": -0") || $0.hasSuffix(": -0,") }
        #expect(minusZero.isEmpty, "\(minusZero)")
    }

    // MARK: JSON Schema

    /// docs/plan-input.schema.json, checked by Python's jsonschema (an independent implementation),
    /// accepts the example plans and a written full plan, and refuses structural mistakes.
    @Test func theSchemaAcceptsTheExamplesAndAWrittenFullPlan() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("capplan-plan-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let scenario = try EvaluateFixtures.scenario(EvaluateFixtures.root.appendingPathComponent("examples/startup-api-breakeven.yaml"))
        let input = try PlanInputLoader.load(path: EvaluateFixtures.root.appendingPathComponent("examples/plans/startup-api-breakeven.yaml").path, scenario: scenario).input
        var options = PlanEvaluationOptions()
        options.compareWithOptimal = false
        let decisions = try #require(try PlanEvaluationRun.evaluate(scenario, input: input, options: options).decisions)
        let full = directory.appendingPathComponent("full.yaml")
        try PlanInputWriter.fullPlanYAML(scenario: scenario, decisions: decisions, name: "written").write(to: full, atomically: true, encoding: .utf8)
        var valid = EvaluateFixtures.examplePlans.map(\.plan) + [full]
        let json = directory.appendingPathComponent("plan.json")
        try #"{"purchases": [{"offering": "srv", "period": 2027, "units": 1}], "otherRentals": "none"}"#.write(to: json, atomically: true, encoding: .utf8)
        valid.append(json)
        // A written full plan with derived serving options (section 9) carries `precision`.
        let withPrecisions = directory.appendingPathComponent("options.yaml")
        try PlanInputWriter.fullPlanYAML(
            scenario: ServingOptionExamples.twoPrecisions,
            decisions: PlanDecisions(arrivals: ["node": [1]], served: ServingOptionExamples.served(["chat@int4": 1500, "chat@bf16": 500])))
            .write(to: withPrecisions, atomically: true, encoding: .utf8)
        #expect(try String(contentsOf: withPrecisions, encoding: .utf8).contains("precision: int4"))
        valid.append(withPrecisions)
        var invalid: [URL] = []
        for (i, text) in ["purchases: [{offering: srv, period: 2027, units: -1}]", "purchases: [{offering: srv, units: 1}]",
                          "purchases: []\ncolour: red", "purchases: [{offering: srv, period: 27Q1, units: 1}]",
                          "purchases: []\notherRentals: maybe", "served: [{offering: api, workload: chat, period: 2027}]",
                          "served: [{offering: node, workload: chat, precision: fp9, period: 2027, tokensPerSecond: 1}]"].enumerated() {
            let url = directory.appendingPathComponent("invalid-\(i).yaml")
            try text.write(to: url, atomically: true, encoding: .utf8)
            invalid.append(url)
        }
        let outcome = try JSONSchemaCheck.run(
            schema: EvaluateFixtures.root.appendingPathComponent("docs/plan-input.schema.json").path, files: (valid + invalid).map(\.path))
        #expect(outcome.status == 0, "python3 with jsonschema and yaml is required: \(outcome.errors)")
        let output = outcome.output
        let lines = output.split(separator: "\n").map(String.init)
        for url in valid { #expect(lines.contains("OK \(url.path)"), "\(url.lastPathComponent): \(output)") }
        for url in invalid { #expect(lines.contains { $0.hasPrefix("FAIL \(url.path)") }, "\(url.lastPathComponent) passed the schema") }
    }

    // MARK: Contracts with terms (docs/formulation.md 8.1)

    @Test func aReservationShorterThanItsTermIsAViolationNamingTheTerm() throws {
        // gcp: 2 USD/h on a 4-quarter term (4380 a unit-quarter); 2 units listed in 2027Q1 only.
        let scenario = FeatureExamples.reserved(term: 4, rates: [1500, 0, 0, 0], discountRate: 0)
        let plan = """
            name: one quarter of a yearly contract
            rentals:
              - {offering: gcp, period: 2027Q1, units: 2}
            served:
              - {offering: gcp, workload: chat, period: 2027Q1, tokensPerSecond: 1500}
            """
        var options = EvaluateFixtures.options
        options.compareWithOptimal = false
        let report = try PlanEvaluationRun.evaluate(scenario, input: try EvaluateFixtures.input(plan, scenario), options: options)
        #expect(report.status == .violated)
        #expect(report.violations.map(\.family) == [.contractTerm, .contractTerm, .contractTerm])
        #expect(report.violations[0].message.contains("4-period (12-month) term of the contract started in 2027Q1"))
        // The whole term is charged: 4 quarters · 2 units · 4380.
        #expect(report.plan?.cost == 35_040)
        #expect(report.derived?.contractStarts["gcp"] == [2, 0, 0, 0])
        let text = PlanEvaluationRun.text(report)
        #expect(text.contains("contractTerm[gcp,2027Q2]: units under contract fall before the 4-period (12-month) term"), "\(text)")
        // Listed for the whole term, the plan holds, and its last quarter's contract would run on.
        let whole = plan.replacingOccurrences(of: "  - {offering: gcp, period: 2027Q1, units: 2}",
                                              with: (1...4).map { "  - {offering: gcp, period: 2027Q\($0), units: 2}" }.joined(separator: "\n"))
        let held = try PlanEvaluationRun.evaluate(scenario, input: try EvaluateFixtures.input(whole, scenario), options: options)
        #expect(held.status == .feasible && held.plan?.cost == 35_040 && held.plan?.commitmentsBeyondHorizon == 0, "\(held.violations)")
    }

    @Test func aPurchasesOnlyPlanCuttingAContractShortCannotBeCompleted() throws {
        let scenario = FeatureExamples.reserved(term: 4, rates: [1500, 0, 0, 0], discountRate: 0)
        let plan = "purchases: []\nrentals:\n  - {offering: gcp, period: 2027Q1, units: 2}\n"
        var options = EvaluateFixtures.options
        options.compareWithOptimal = false
        let report = try PlanEvaluationRun.evaluate(scenario, input: try EvaluateFixtures.input(plan, scenario), options: options)
        #expect(report.status == .infeasible)
        #expect(report.violations.map(\.family) == [.contractTerm, .contractTerm, .contractTerm])
    }
}
