// The evaluator on docs/formulation.md section 9: each allowed precision is its own serving
// option (o, w, k). Hand-built scenarios set `derivedServing` directly (what the performance
// model would derive), and every figure is worked out by hand in the comments.

import Foundation
import Testing
@testable import CapPlanKit

/// Scenarios with derived serving options, one year, one all-day slice.
enum ServingOptionExamples {
    /// Seconds in the year's one all-day slice: 365 d · 24 h · 3600 s.
    static let yearSeconds = 31_536_000.0

    static func option(_ precision: Precision, _ tau: Double, replica: Int? = nil) -> ServingOption {
        ServingOption(precision: precision, tokensPerSecond: tau, acceleratorsPerReplica: replica)
    }

    /// An 8-GPU node bought at 240,000 USD for 4 years (60,000 USD a year amortized), 10 kW at
    /// 0.1 USD/kWh and PUE 1 (8,760 USD a year), serving `chat` through `options`.
    static func node(options: [ServingOption], spareUnits: Int = 0, platform: String? = nil,
                     unfit: [UnfitPrecision] = []) -> PurchaseOffering {
        var node = PurchaseOffering(id: "node", unitPrice: 240_000, accelerator: "H100", acceleratorsPerUnit: 8, lifetimePeriods: 4,
                                    powerKW: 10, throughput: [:], platform: platform, spareUnits: spareUnits)
        node.derivedServing = ["chat": options]
        if !unfit.isEmpty { node.unfitPrecisions = ["chat": unfit] }
        return node
    }

    /// `chat` at `rate` tokens/s all year; no discounting.
    static func year(rate: Double = 2000, minReplicas: Int = 1, utilizationCap: Double = 1, offerings: [Offering],
                     platforms: [PlatformCost] = []) -> Scenario {
        Scenario(
            name: "serving-options", horizon: Horizon(start: PeriodLabel("2027")!, periods: 1),
            workloads: [Workload(id: "chat", outputShare: 0.25, model: "llama-3.1-70b", demand: [rate * yearSeconds],
                                 minReplicas: minReplicas,
                                 serving: WorkloadServing(precisions: [.bf16, .int4], inputTokens: 1000, outputTokens: 333))],
            offerings: offerings, site: Site(electricityPricePerKWh: 0.1, pue: 1),
            policy: Policy(utilizationCap: utilizationCap), platforms: platforms)
    }

    /// The brief's case: one node with bf16 at 1000 tokens/s per unit and int4 at 3000.
    static let twoPrecisions = year(offerings: [.purchase(node(options: [option(.bf16, 1000), option(.int4, 3000)]))])

    static func served(_ rates: [String: Double], offering: String = "node") -> [String: [String: [[Double]]]] {
        [offering: rates.mapValues { [[$0]] }]
    }
}

@Suite("Evaluator: serving options (section 9)")
struct EvaluatorServingOptionsTests {
    typealias E = ServingOptionExamples

    @Test func aFullPlanSplitAcrossTwoPrecisionsFillsOneUnit() {
        // 1,500 tokens/s at int4 and 500 at bf16: 1500/3000 + 500/1000 = 0.5 + 0.5 = 1.0 unit ≤ U n = 1.
        // Demand 2,000 tokens/s is met. Cost: 60,000 capex + 10 kW · 8,760 h · 0.1 = 8,760 energy.
        let decisions = PlanDecisions(arrivals: ["node": [1]], served: E.served(["chat@int4": 1500, "chat@bf16": 500]))
        let result = PlanEvaluator(scenario: E.twoPrecisions).evaluate(decisions)
        #expect(result.violations.isEmpty, "\(result.violations)")
        #expect(nearlyEqual(result.costByComponent.capex, 60_000))
        #expect(nearlyEqual(result.costByComponent.energy, 8_760))
        #expect(nearlyEqual(result.discountedCost, 68_760))
        // Served tokens sum the options: 2,000 · 31,536,000.
        #expect(nearlyEqual(result.tokensServed, 2000 * E.yearSeconds))
    }

    @Test func aPlanOverCapacityAcrossPrecisionsIsAnOwnedCapacityViolation() {
        // 1,200 at int4 and 800 at bf16: 0.4 + 0.8 = 1.2 units of load on 1 unit: short by 0.2.
        let decisions = PlanDecisions(arrivals: ["node": [1]], served: E.served(["chat@int4": 1200, "chat@bf16": 800]))
        let result = PlanEvaluator(scenario: E.twoPrecisions).evaluate(decisions)
        #expect(result.violations.map(\.family) == [.ownedCapacity])
        #expect(nearlyEqual(result.violations[0].amount, 0.2))
        #expect(result.violations[0].rowName == "ownedCapacity[node,2027,all-day]")
        // Served entirely at int4 instead, 2000/3000 = 0.667 of a unit fits.
        let int4 = PlanDecisions(arrivals: ["node": [1]], served: E.served(["chat@int4": 2000]))
        #expect(PlanEvaluator(scenario: E.twoPrecisions).evaluate(int4).violations.isEmpty)
    }

    @Test func replicasAreRecoveredPerOptionOnWholeUnitsWithTheMinimumForEachOption() {
        // 8-GPU nodes, U = 0.8, minReplicas 2. bf16 takes 16-GPU replicas (ν = 2 units) at 500
        // tokens/s per unit: a replica serves 0.8 · 2 · 500 = 800 tokens/s. int4 holds whole
        // replicas in a unit (no replica size) at 1,500 tokens/s per unit.
        // 900 at bf16: ρ = max(⌈900/800⌉, 2) = 2 replicas, U · 2 · 2 = 3.2 units; 1,100 at int4:
        // 1100/1500 = 0.7333 units. 3.9333 ≤ 0.8 n needs n ≥ 4.9167: 5 nodes fit, 4 do not
        // (0.8 · 4 = 3.2, short by 0.7333).
        let scenario = E.year(minReplicas: 2, utilizationCap: 0.8, offerings: [
            .purchase(E.node(options: [E.option(.bf16, 500, replica: 16), E.option(.int4, 1500)])),
        ])
        let served = E.served(["chat@bf16": 900, "chat@int4": 1100])
        let five = PlanEvaluator(scenario: scenario).evaluate(PlanDecisions(arrivals: ["node": [5]], served: served))
        #expect(five.violations.isEmpty, "\(five.violations)")
        #expect(five.replicas["node"]?["chat@bf16"] == [[2]])
        #expect(five.replicas["node"]?["chat@int4"] == nil)
        let four = PlanEvaluator(scenario: scenario).evaluate(PlanDecisions(arrivals: ["node": [4]], served: served))
        #expect(four.violations.map(\.family) == [.ownedCapacity])
        #expect(nearlyEqual(four.violations[0].amount, 3.2 + 1100.0 / 1500 - 3.2))
        #expect(four.violations[0].message.contains("replica(s) of chat@bf16"), "\(four.violations[0].message)")
    }

    @Test func onDemandReplicasPerOptionEachHoldTheMinimum() {
        // Per-GPU on-demand rental at 2 USD/h, U = 0.8, minReplicas 2. bf16: 8-GPU replicas at 125
        // tokens/s per GPU, 0.8 · 8 · 125 = 800 per replica; int4: 2-GPU replicas at 375,
        // 0.8 · 2 · 375 = 600 per replica. 500 at bf16: ρ = max(500/800, 2) = 2; 1,500 at int4:
        // ρ = max(2.5, 2) = 2.5. Capacity: U (8 · 2 + 2 · 2.5) = 0.8 · 21 ≤ 0.8 m: m ≥ 21 GPUs,
        // 2 · 8,760 · 21 = 367,920 USD. With 20: 16.8 − 16 = 0.8 short.
        var gpu = RentalOffering(id: "gpu", pricePerUnitHour: 2, accelerator: "H100", commitment: .none, throughput: [:])
        gpu.derivedServing = ["chat": [E.option(.bf16, 125, replica: 8), E.option(.int4, 375, replica: 2)]]
        let scenario = E.year(minReplicas: 2, utilizationCap: 0.8, offerings: [.rental(gpu)])
        let served = E.served(["chat@bf16": 500, "chat@int4": 1500], offering: "gpu")
        let fits = PlanEvaluator(scenario: scenario).evaluate(PlanDecisions(onDemandUnits: ["gpu": [[21]]], served: served))
        #expect(fits.violations.isEmpty, "\(fits.violations)")
        #expect(fits.replicas["gpu"]?["chat@bf16"] == [[2]])
        #expect(fits.replicas["gpu"]?["chat@int4"] == [[2.5]])
        #expect(nearlyEqual(fits.discountedCost, 367_920))
        let short = PlanEvaluator(scenario: scenario).evaluate(PlanDecisions(onDemandUnits: ["gpu": [[20]]], served: served))
        #expect(short.violations.map(\.family) == [.rentedCapacity])
        #expect(nearlyEqual(short.violations[0].amount, 0.8))
    }

    @Test func poolAndPlatformRowsSumTheOptionsAndCountDemandOnce() {
        // A pool with a spare unit and a costed platform serving 1,200 at each precision: 2,400
        // tokens/s of a 2,000 demand. poolInUse: Σ_k x = 2,400 ≤ (Σ_w r) y = 2,000 (r counted once,
        // not per option): 400 over; platformInUse the same, 400 over. Capacity: 0.4 + 1.2 = 1.6
        // units ≤ U (n − k) = 3 − 1 = 2. The platform's yearly 10,000 USD is charged.
        let scenario = E.year(offerings: [
            .purchase(E.node(options: [E.option(.bf16, 1000), E.option(.int4, 3000)], spareUnits: 1, platform: "nvidia")),
        ], platforms: [PlatformCost(id: "nvidia", yearlyCost: 10_000)])
        let result = PlanEvaluator(scenario: scenario).evaluate(
            PlanDecisions(arrivals: ["node": [3]], served: E.served(["chat@bf16": 1200, "chat@int4": 1200])))
        #expect(result.violations.map(\.family) == [.poolInUse, .platformInUse])
        #expect(result.violations.allSatisfy { nearlyEqual($0.amount, 400) })
        #expect(nearlyEqual(result.costByComponent.platform, 10_000))
    }

    @Test func ratesOnOptionsThatDoNotExistAreDomainViolationsAndServeNothing() {
        // The node derives bf16 and int4 only (fp8 unfit); the API `api` and the rental `given`
        // serve chat at a given throughput (no precision). Every rate below is on no option: the
        // demand of 2,000 tokens/s stays unmet.
        var given = RentalOffering(id: "given", pricePerUnitHour: 2, commitment: .none, throughput: ["chat": 1000])
        given.derivedServing = [:]
        let scenario = E.year(offerings: [
            .purchase(E.node(options: [E.option(.bf16, 1000), E.option(.int4, 3000)],
                             unfit: [UnfitPrecision(precision: .fp8, reason: "does not fit: no FP8 arithmetic")])),
            .rental(given),
            .api(APIOffering(id: "api", inputPricePerMTok: 1, outputPricePerMTok: 2, serves: ["chat"])),
        ])
        let decisions = PlanDecisions(
            arrivals: ["node": [1]], onDemandUnits: ["given": [[1]]],
            served: ["node": ["chat": [[100]], "chat@fp8": [[200]], "chat@fp9": [[300]]],
                     "given": ["chat@bf16": [[400]]], "api": ["chat@int4": [[500]]]])
        let result = PlanEvaluator(scenario: scenario).evaluate(decisions)
        let domain = result.violations(of: .domain)
        #expect(domain.map(\.offering) == ["node", "node", "node", "given", "api"])
        #expect(domain.map(\.amount) == [100, 200, 300, 400, 500])
        #expect(domain.map(\.precision) == [nil, .fp8, nil, .bf16, .int4])
        #expect(domain[0].message.contains("through derived options (bf16, int4)"), "\(domain[0].message)")
        #expect(domain[1].message.contains("has no fp8 option for chat (options: bf16, int4); fp8 does not fit: no FP8 arithmetic"),
                "\(domain[1].message)")
        #expect(domain[1].rowName == "domain[node,chat@fp8]")
        #expect(domain[2].message.contains("has no fp9 option"), "\(domain[2].message)")
        #expect(domain[3].message.contains("given throughput (no precision), not at bf16"), "\(domain[3].message)")
        #expect(domain[4].message.contains("is an API"), "\(domain[4].message)")
        #expect(result.violations(of: .demand).count == 1)
        #expect(nearlyEqual(result.violations(of: .demand)[0].amount, 2000))
        #expect(result.tokensServed == 0)
        #expect(result.costByComponent.api == 0)
    }

    @Test func ratesOnAPairWhereNoPrecisionFitsNameTheReasons() {
        var gpu = RentalOffering(id: "gpu", pricePerUnitHour: 2, accelerator: "A100", commitment: .none, throughput: [:])
        gpu.unfitPrecisions = ["chat": [UnfitPrecision(precision: .bf16, reason: "needs 4 GPUs, the unit has 1")]]
        let scenario = E.year(offerings: [.rental(gpu)])
        let result = PlanEvaluator(scenario: scenario).evaluate(
            PlanDecisions(onDemandUnits: ["gpu": [[1]]], served: ["gpu": ["chat@bf16": [[700]]]]))
        let domain = result.violations(of: .domain)
        #expect(domain.count == 1 && domain.first?.amount == 700)
        #expect(domain.first?.message == "gpu cannot serve chat (no throughput / not in serves; no precision fits: "
                + "bf16: needs 4 GPUs, the unit has 1) but is given up to 700 tokens/s", "\(domain)")
    }

    @Test func negativeRatesNameTheirPrecision() {
        let decisions = PlanDecisions(arrivals: ["node": [1]], served: E.served(["chat@int4": 2100, "chat@bf16": -100]))
        let result = PlanEvaluator(scenario: E.twoPrecisions).evaluate(decisions)
        #expect(result.violations.map(\.rowName) == ["nonNegativity[node,chat@bf16,2027,all-day]"])
    }
}

@Suite("Evaluate input: served entries with precisions")
struct PlanInputServingOptionsTests {
    typealias E = ServingOptionExamples

    /// The brief's node (bf16, int4 derived; fp8 unfit), a rental with a given throughput and an API.
    static var scenario: Scenario {
        E.year(offerings: [
            .purchase(E.node(options: [E.option(.bf16, 1000), E.option(.int4, 3000)],
                             unfit: [UnfitPrecision(precision: .fp8, reason: "H100 ... no: needs 2 GPUs per replica, more than fit")])),
            .rental(RentalOffering(id: "given", pricePerUnitHour: 2, commitment: .none, throughput: ["chat": 1000])),
            .api(APIOffering(id: "api", inputPricePerMTok: 1, outputPricePerMTok: 2, serves: ["chat"])),
        ])
    }

    func errors(_ text: String) -> [Diagnostic] {
        do {
            _ = try PlanInputLoader.load(text: text, fileName: "plan.yaml", scenario: Self.scenario)
            return []
        } catch let error as PlanInputError {
            return error.diagnostics
        } catch {
            return []
        }
    }

    @Test func servedEntriesNameTheirPrecisionAndEvaluateAsTheBriefsPlan() throws {
        let text = """
            purchases: [{offering: node, period: 2027, units: 1}]
            served:
              - {offering: node, workload: chat, precision: int4, period: 2027, tokensPerSecond: 1500}
              - {offering: node, workload: chat, precision: bf16, period: 2027, slice: all-day, tokensPerSecond: 500}
            """
        let input = try PlanInputLoader.load(text: text, fileName: "plan.yaml", scenario: Self.scenario).input
        #expect(input.served["node"]?["chat@int4"] == [[1500]])
        #expect(input.served["node"]?["chat@bf16"] == [[500]])
        let result = PlanEvaluator(scenario: Self.scenario).evaluate(input.fixedDecisions)
        #expect(result.violations.isEmpty, "\(result.violations)")
        #expect(nearlyEqual(result.discountedCost, 68_760))
        // Written back with the precision, and read again to the same decisions.
        let written = PlanInputWriter.fullPlanYAML(scenario: Self.scenario, decisions: input.fixedDecisions)
        #expect(written.contains("{offering: node, workload: chat, precision: bf16, period: 2027, slice: all-day, tokensPerSecond: 500}"), "\(written)")
        let again = try PlanInputLoader.load(text: written, fileName: "again.yaml", scenario: Self.scenario).input
        #expect(again.served == input.served)
    }

    @Test func theReportCountsOwnedUtilizationPerOption() throws {
        // 1,500/3,000 + 500/1,000 = 1.0 unit busy on 1 unit all year: utilization 1. (Counted by
        // given throughputs alone, the derived rates would leave the node idle.)
        let text = """
            purchases: [{offering: node, period: 2027, units: 1}]
            served:
              - {offering: node, workload: chat, precision: int4, period: 2027, tokensPerSecond: 1500}
              - {offering: node, workload: chat, precision: bf16, period: 2027, tokensPerSecond: 500}
            """
        let input = try PlanInputLoader.load(text: text, fileName: "plan.yaml", scenario: Self.scenario).input
        var options = PlanEvaluationOptions()
        options.compareWithOptimal = false
        let report = try PlanEvaluationRun.evaluate(Self.scenario, input: input, options: options)
        #expect(report.status == .feasible)
        let utilization = try #require(report.plan?.ownedUtilization)
        #expect(nearlyEqual(utilization, 1.0))
    }

    /// End to end on a scenario whose throughputs the performance model derives: the optimal
    /// plan JSON, read as a CapPlan plan, is re-dispatched at the optimum; written as a full plan
    /// it names each rate's precision and reads back to the same cost, with no violation.
    @Test func aPlanWithDerivedOptionsRoundTripsThroughEvaluate() throws {
        let url = EvaluateFixtures.root.appendingPathComponent("Tests/CapPlanKitTests/Fixtures/valid/precisions.yaml")
        let scenario = try EvaluateFixtures.scenario(url)
        let node = try #require(scenario.purchases.first(where: { $0.id == "h100-node" }))
        #expect(node.derivedServing["chat"]?.isEmpty == false)
        var planOptions = PlanOptions()
        planOptions.baselines = false
        let optimal = try Planner.plan(scenario, options: planOptions)
        let cost = try #require(optimal.totals?.discountedCost)
        var options = PlanEvaluationOptions()
        options.compareWithOptimal = false
        let fromJSON = try EvaluateFixtures.input(try PlanReport.json(optimal), scenario, file: "plan.json")
        #expect(fromJSON.shape == .capplanPlan)
        let completed = try PlanEvaluationRun.evaluate(scenario, input: fromJSON, options: options)
        #expect(completed.status == .feasible)
        #expect(relativeDifference(try #require(completed.plan).discountedCost, cost) <= 1e-6)
        let decisions = try #require(completed.decisions)
        let text = PlanInputWriter.fullPlanYAML(scenario: scenario, decisions: decisions, name: "derived")
        #expect(text.contains("precision: "), "\(text)")
        let full = try EvaluateFixtures.input(text, scenario)
        // The same rates, the all-zero ones left out.
        let nonzero = decisions.served.mapValues { $0.filter { $0.value.contains { $0.contains { $0 != 0 } } } }.filter { !$0.value.isEmpty }
        #expect(full.served.mapValues { $0.filter { $0.value.contains { $0.contains { $0 != 0 } } } }.filter { !$0.value.isEmpty } == nonzero)
        #expect(nonzero.values.contains { $0.keys.contains { $0.contains("@") } })
        let checked = try PlanEvaluationRun.evaluate(scenario, input: full, options: options)
        #expect(checked.status == .feasible && checked.violations.isEmpty, "\(checked.violations)")
        #expect(relativeDifference(try #require(checked.plan).discountedCost, try #require(completed.plan).discountedCost) < 1e-9)
    }

    @Test func aWorkloadNoPrecisionFitsIsRefusedWithTheReasons() {
        // The rental derives nothing for chat: both precisions were unfit.
        var gpu = RentalOffering(id: "gpu", pricePerUnitHour: 2, accelerator: "A100", commitment: .none, throughput: [:])
        gpu.unfitPrecisions = ["chat": [UnfitPrecision(precision: .bf16, reason: "needs 4 GPUs, the unit has 1"),
                                        UnfitPrecision(precision: .int4, reason: "no batch meets the latency limit")]]
        let scenario = E.year(offerings: [.purchase(E.node(options: [E.option(.bf16, 1000)])), .rental(gpu)])
        let text = """
            purchases: []
            served: [{offering: gpu, workload: chat, precision: bf16, period: 2027, tokensPerSecond: 1}]
            """
        do {
            _ = try PlanInputLoader.load(text: text, fileName: "plan.yaml", scenario: scenario)
            Issue.record("accepted a workload gpu cannot serve")
        } catch let error as PlanInputError {
            #expect(error.diagnostics.map(\.path) == ["served[0].workload"])
            #expect(error.diagnostics[0].message.hasSuffix(
                "; no precision of chat fits gpu: bf16: needs 4 GPUs, the unit has 1; int4: no batch meets the latency limit"),
                "\(error.diagnostics[0].message)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func givenThroughputsAndAPIsTakeNoPrecision() throws {
        let text = """
            purchases: []
            served:
              - {offering: given, workload: chat, period: 2027, tokensPerSecond: 1000}
              - {offering: api, workload: chat, period: 2027, tokensPerSecond: 1000}
            """
        let input = try PlanInputLoader.load(text: text, fileName: "plan.yaml", scenario: Self.scenario).input
        #expect(input.served["given"]?["chat"] == [[1000]])
        #expect(input.served["api"]?["chat"] == [[1000]])
    }

    @Test func everyPrecisionErrorIsListedAtOnceWithTheOptions() {
        let text = """
            purchases: []
            served:
              - {offering: node, workload: chat, period: 2027, tokensPerSecond: 100}
              - {offering: node, workload: chat, precision: fp8, period: 2027, tokensPerSecond: 100}
              - {offering: node, workload: chat, precision: int44, period: 2027, tokensPerSecond: 100}
              - {offering: given, workload: chat, precision: bf16, period: 2027, tokensPerSecond: 100}
              - {offering: api, workload: chat, precision: int4, period: 2027, tokensPerSecond: 100}
              - {offering: node, workload: chat, precision: int4, period: 2027, tokensPerSecond: 100}
              - {offering: node, workload: chat, precision: int4, period: 2027, tokensPerSecond: 200}
              - {offering: node, workload: chat, precision: bf16, period: 2027, tokensPerSecond: 200}
            """
        let found = errors(text)
        #expect(found.map(\.path) == ["served[0].precision", "served[1].precision", "served[2].precision",
                                      "served[3].precision", "served[4].precision", "served[6]"], "\(found)")
        #expect(found.map(\.line) == [3, 4, 5, 6, 7, 9])
        #expect(found.allSatisfy { $0.file == "plan.yaml" })
        let messages = found.map(\.description)
        #expect(messages[0].contains("missing: node serves chat through derived options, one per precision; expected the precision of this rate (bf16, int4)"), "\(messages[0])")
        #expect(messages[1].hasSuffix("served[1].precision: expected a precision node serves chat at (bf16, int4; fp8 was not derived: "
                                      + "H100 ... no: needs 2 GPUs per replica, more than fit), got fp8"), "\(messages[1])")
        #expect(messages[2].hasSuffix("expected a precision node serves chat at (bf16, int4), got int44; did you mean `int4`?"), "\(messages[2])")
        #expect(messages[3].hasSuffix("expected no precision: given serves chat at its given throughput (only derived options have precisions), got bf16"),
                "\(messages[3])")
        #expect(messages[4].hasSuffix("expected no precision: api is an API (its rates have none), got int4"), "\(messages[4])")
        #expect(messages[5].contains("duplicate: node serving chat at int4 in 2027, slice all-day is already given at served[5]"), "\(messages[5])")
    }
}
