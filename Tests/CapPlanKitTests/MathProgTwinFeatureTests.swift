// The MathProg twin (models/capacity.mod) on section 8 of docs/formulation.md, solved by glpsol,
// against optima worked out by hand below; the evaluator costs the same hand-written optimal
// decisions at the same value.

import Foundation
import Testing
@testable import CapPlanKit

@Suite("MathProg twin: contracts, replicas, platforms, margins")
struct MathProgTwinFeatureTests {
    private func solve(_ scenario: Scenario, expected: Double, decisions: PlanDecisions? = nil) throws -> GLPSol.Solution {
        let solution = try GLPSol.solveChecked(scenario, expected: expected, decisions: decisions)
        return solution
    }

    /// The values printed on the line starting with `prefix`.
    private func numbers(_ solution: GLPSol.Solution, _ prefix: String) -> [Double] {
        guard let line = solution.output.split(separator: "\n").first(where: { $0.hasPrefix(prefix + " ") }) else { return [] }
        return line.split(separator: " ").compactMap { Double($0) }
    }

    /// Quarters 2027Q1..Q4 at 10 % a year, U = 1, one slice; `chat` at `rates` tokens/s.
    private func quarters(_ rates: [Double], offerings: [Offering]) -> Scenario {
        Scenario(
            name: "twin contracts", horizon: Horizon(start: PeriodLabel("2027Q1")!, periods: 4), discountRate: 0.1,
            workloads: [Workload(id: "chat", outputShare: 0.5, model: nil, demand: rates.map { $0 * FeatureExamples.quarterSeconds })],
            offerings: offerings, policy: Policy(utilizationCap: 1))
    }

    private var contract: RentalOffering {
        // 1 USD/h: 2190 a unit-quarter; a 4-quarter term, 500 upfront.
        RentalOffering(id: "gcp-1y", pricePerUnitHour: 1, commitment: .period, throughput: ["chat": 1000], termPeriods: 4, upfrontPerUnit: 500)
    }

    private var spot: RentalOffering {
        // 1.5 USD/h: 3285 a unit-quarter, no term.
        RentalOffering(id: "spot", pricePerUnitHour: 1.5, commitment: .none, throughput: ["chat": 1000])
    }

    @Test func oneQuarterSpikeDoesNotTakeAYearContract() throws {
        // 1000 tokens/s in 2027Q4 only. The contract would cost 500 δ4 + 2190 (δ4 + δ5 + δ6 + δ7)
        // ≈ 500 · 0.931 + 2190 · 3.598 ≈ 8345; one spot unit for the quarter 3285 δ4 ≈ 3059.
        let d = FeatureExamples.quarterDiscount
        let scenario = quarters([0, 0, 0, 1000], offerings: [.rental(contract), .rental(spot)])
        let solution = try solve(scenario, expected: 3285 * d(4), decisions: PlanDecisions(
            onDemandUnits: ["spot": [[0], [0], [0], [1]]], served: ["spot": ["chat": [[0], [0], [0], [1000]]]]))
        #expect(numbers(solution, "COMMITMENTS") == [0, 0])
    }

    @Test func contractPastTheHorizonIsChargedWhenItPays() throws {
        // 1000 tokens/s from 2027Q2: one contract from Q2 (Q2..2028Q1) costs 500 δ2 + 2190 (δ2 + δ3 +
        // δ4 + δ5) ≈ 488 + 8257 = 8745, less than spot for three quarters, 3285 (δ2 + δ3 + δ4) ≈ 9399,
        // and than spot in Q2 then a contract from Q3 (≈ 3208 + 500 δ3 + 8064). The quarter after the
        // horizon: 2190 undiscounted, 2190 δ5 discounted.
        let d = FeatureExamples.quarterDiscount
        let scenario = quarters([0, 1000, 1000, 1000], offerings: [.rental(contract), .rental(spot)])
        let expected = 500 * d(2) + 2190 * (d(2) + d(3) + d(4) + d(5))
        let solution = try solve(scenario, expected: expected, decisions: PlanDecisions(
            reservedUnits: ["gcp-1y": [0, 1, 1, 1]], served: ["gcp-1y": ["chat": [[0], [1000], [1000], [1000]]]]))
        let commitments = numbers(solution, "COMMITMENTS")
        #expect(commitments.count == 2 && nearlyEqual(commitments[0], 2190) && nearlyEqual(commitments[1], 2190 / 1.1))
        #expect(solution.output.contains("START gcp-1y 2027Q2 1\n"), "\(solution.output)")
    }

    @Test func tinyDemandPaysAWholeReplicaOrGoesToTheAPI() throws {
        // 1 token/s for a year. Per-GPU on-demand rental, 2-GPU replicas: at least one replica, 2 GPUs ·
        // 2 USD · 8760 h = 35 040. The API at 1000 USD/MTok: 31.536 MTok = 31 536, cheaper; at
        // 2000 USD/MTok (63 072) the replica wins. (Without replicas the rental would cost 35.04.)
        let gpu = RentalOffering(id: "gpu", pricePerUnitHour: 2, commitment: .none, throughput: ["chat": 500],
                                 acceleratorsPerReplica: ["chat": 2])
        let api = { (price: Double) in APIOffering(id: "api", inputPricePerMTok: price, outputPricePerMTok: price, serves: ["chat"]) }
        let cheapAPI = FeatureExamples.year([("chat", 1, 1)], offerings: [.rental(gpu), .api(api(1000))], utilizationCap: 1)
        _ = try solve(cheapAPI, expected: 31_536, decisions: PlanDecisions(served: ["api": ["chat": [[1]]]]))
        let dearAPI = FeatureExamples.year([("chat", 1, 1)], offerings: [.rental(gpu), .api(api(2000))], utilizationCap: 1)
        _ = try solve(dearAPI, expected: 35_040, decisions: PlanDecisions(onDemandUnits: ["gpu": [[2]]], served: ["gpu": ["chat": [[1]]]]))
    }

    @Test func ownedNodesHoldWholeReplicas() throws {
        // 8-GPU nodes (80 000 for one year), U = 0.8, 8000 tokens/s a node; chat in 2-GPU replicas
        // (1600 tokens/s each), code in 4-GPU replicas (3200 each); API at 10 USD/MTok (315.36 per
        // token/s-year). chat 1700 + code 3300: one node holds 2 chat replicas (½ node) and 1 code
        // replica (½ node), 4900 tokens/s; the 100 left go to the API: 80 000 + 31 536 = 111 536. Two
        // nodes cost 160 000. (Without replicas one node's 6400 would carry all 5000: 80 000.)
        let node = PurchaseOffering(id: "node", unitPrice: 80_000, acceleratorsPerUnit: 8, lifetimePeriods: 1,
                                    throughput: ["chat": 8000, "code": 8000], acceleratorsPerReplica: ["chat": 2, "code": 4])
        let api = APIOffering(id: "api", inputPricePerMTok: 10, outputPricePerMTok: 10, serves: ["chat", "code"])
        let scenario = FeatureExamples.year([("chat", 1700, 1), ("code", 3300, 1)], offerings: [.purchase(node), .api(api)])
        _ = try solve(scenario, expected: 111_536, decisions: PlanDecisions(
            arrivals: ["node": [1]], served: ["node": ["chat": [[1700]], "code": [[3200]]], "api": ["code": [[100]]]]))
    }

    @Test func nPlusOneBuysFiveUnitsForLoadThreePointTwo() throws {
        // U = 1, 1000 tokens/s a unit, 3200 tokens/s, 1 spare: 5 units (10 000 each for the year) =
        // 50 000; 4 units and 200 tokens/s on the API (10 USD/MTok: 63 072) cost 103 072.
        let node = PurchaseOffering(id: "node", unitPrice: 10_000, lifetimePeriods: 1, throughput: ["chat": 1000], spareUnits: 1)
        let api = APIOffering(id: "api", inputPricePerMTok: 10, outputPricePerMTok: 10, serves: ["chat"])
        let scenario = FeatureExamples.year([("chat", 3200, 1)], offerings: [.purchase(node), .api(api)], utilizationCap: 1)
        let solution = try solve(scenario, expected: 50_000, decisions: PlanDecisions(arrivals: ["node": [5]], served: ["node": ["chat": [[3200]]]]))
        #expect(solution.output.contains("BUY node 2027 5\n"), "\(solution.output)")
    }

    @Test func deratedUnitsCarryLess() throws {
        // U = 0.8, d = 0.2: 640 tokens/s a unit. 3300 tokens/s: 6 units = 60 000; 5 units (3200) and
        // 100 on the API (31 536) = 81 536.
        let node = PurchaseOffering(id: "node", unitPrice: 10_000, lifetimePeriods: 1, throughput: ["chat": 1000], failureDerating: 0.2)
        let api = APIOffering(id: "api", inputPricePerMTok: 10, outputPricePerMTok: 10, serves: ["chat"])
        let scenario = FeatureExamples.year([("chat", 3300, 1)], offerings: [.purchase(node), .api(api)])
        _ = try solve(scenario, expected: 60_000, decisions: PlanDecisions(arrivals: ["node": [6]], served: ["node": ["chat": [[3300]]]]))
    }

    /// Two years, ρ = 0: h100 (nvidia, no cost entry) at 2 USD/h, mi300x (amd: 20 000 to adopt,
    /// 8760 a year) at 1 USD/h, both on demand, 1000 tokens/s a unit, U = 1.
    private func platforms(rate: Double) -> Scenario {
        FeatureExamples.year(
            [("chat", rate, 1)],
            offerings: [
                .rental(RentalOffering(id: "h100", pricePerUnitHour: 2, commitment: .none, throughput: ["chat": 1000], platform: "nvidia")),
                .rental(RentalOffering(id: "mi300x", pricePerUnitHour: 1, commitment: .none, throughput: ["chat": 1000], platform: "amd")),
            ],
            utilizationCap: 1, platforms: [PlatformCost(id: "amd", adoptionCost: 20_000, yearlyCost: 8760)], periods: 2)
    }

    @Test func secondPlatformIsAdoptedOnlyAtVolume() throws {
        // 5000 tokens/s: h100 2 · 5 · 2 · 8760 = 175 200; mi300x 2 · (5 · 8760 + 8760) + 20 000 = 125 120.
        let volume = try solve(platforms(rate: 5000), expected: 125_120, decisions: PlanDecisions(
            onDemandUnits: ["mi300x": [[5], [5]]], served: ["mi300x": ["chat": [[5000], [5000]]]]))
        let period = numbers(volume, "PERIOD 2027")
        #expect(period.last == 28_760, "\(volume.output)")  // adoption and a year's platform cost
        // 1000 tokens/s: h100 2 · 17 520 = 35 040; mi300x 2 · (8760 + 8760) + 20 000 = 55 040.
        _ = try solve(platforms(rate: 1000), expected: 35_040, decisions: PlanDecisions(
            onDemandUnits: ["h100": [[1], [1]]], served: ["h100": ["chat": [[1000], [1000]]]]))
    }

    @Test func platformOfTheExistingFleetCostsOnlyItsYearlyCost() throws {
        // One existing nvidia node serves 500 tokens/s: 8760 a year, no adoption (1 000 000), against
        // the API's 500 · 315.36 = 157 680.
        let old = PurchaseOffering(id: "old", unitPrice: 300_000, lifetimePeriods: 3, throughput: ["chat": 1000],
                                   existingUnits: 1, platform: "nvidia")
        let api = APIOffering(id: "api", inputPricePerMTok: 10, outputPricePerMTok: 10, serves: ["chat"])
        let scenario = FeatureExamples.year([("chat", 500, 1)], offerings: [.purchase(old), .api(api)],
                                            platforms: [PlatformCost(id: "nvidia", adoptionCost: 1_000_000, yearlyCost: 8760)])
        _ = try solve(scenario, expected: 8760, decisions: PlanDecisions(served: ["old": ["chat": [[500]]]]))
    }

    /// The scenarios above with their hand-computed optima.
    private var handComputed: [(name: String, scenario: Scenario, expected: Double)] {
        let d = FeatureExamples.quarterDiscount
        let api = { (price: Double, serves: [String]) in APIOffering(id: "api", inputPricePerMTok: price, outputPricePerMTok: price, serves: serves) }
        let gpu = RentalOffering(id: "gpu", pricePerUnitHour: 2, commitment: .none, throughput: ["chat": 500], acceleratorsPerReplica: ["chat": 2])
        let node = PurchaseOffering(id: "node", unitPrice: 80_000, acceleratorsPerUnit: 8, lifetimePeriods: 1,
                                    throughput: ["chat": 8000, "code": 8000], acceleratorsPerReplica: ["chat": 2, "code": 4])
        let spareNode = PurchaseOffering(id: "node", unitPrice: 10_000, lifetimePeriods: 1, throughput: ["chat": 1000], spareUnits: 1)
        let deratedNode = PurchaseOffering(id: "node", unitPrice: 10_000, lifetimePeriods: 1, throughput: ["chat": 1000], failureDerating: 0.2)
        let old = PurchaseOffering(id: "old", unitPrice: 300_000, lifetimePeriods: 3, throughput: ["chat": 1000], existingUnits: 1, platform: "nvidia")
        return [
            ("spike", quarters([0, 0, 0, 1000], offerings: [.rental(contract), .rental(spot)]), 3285 * d(4)),
            ("contract", quarters([0, 1000, 1000, 1000], offerings: [.rental(contract), .rental(spot)]),
             500 * d(2) + 2190 * (d(2) + d(3) + d(4) + d(5))),
            ("replica or API", FeatureExamples.year([("chat", 1, 1)], offerings: [.rental(gpu), .api(api(1000, ["chat"]))], utilizationCap: 1), 31_536),
            ("replica", FeatureExamples.year([("chat", 1, 1)], offerings: [.rental(gpu), .api(api(2000, ["chat"]))], utilizationCap: 1), 35_040),
            ("8-GPU nodes", FeatureExamples.year([("chat", 1700, 1), ("code", 3300, 1)], offerings: [.purchase(node), .api(api(10, ["chat", "code"]))]),
             111_536),
            ("N+1", FeatureExamples.year([("chat", 3200, 1)], offerings: [.purchase(spareNode), .api(api(10, ["chat"]))], utilizationCap: 1), 50_000),
            ("derating", FeatureExamples.year([("chat", 3300, 1)], offerings: [.purchase(deratedNode), .api(api(10, ["chat"]))]), 60_000),
            ("platform at volume", platforms(rate: 5000), 125_120),
            ("platform at low volume", platforms(rate: 1000), 35_040),
            ("existing platform", FeatureExamples.year([("chat", 500, 1)], offerings: [.purchase(old), .api(api(10, ["chat"]))],
                                                       platforms: [PlatformCost(id: "nvidia", adoptionCost: 1_000_000, yearlyCost: 8760)]), 8760),
        ]
    }

    @Test func plannerAgreesWithTheTwinAndTheHandValues() throws {
        for (name, scenario, expected) in handComputed {
            var options = PlanOptions()
            options.baselines = false
            options.mipGap = 1e-9
            let plan = try Planner.plan(scenario, options: options)
            #expect(plan.status == .optimal, "\(name): \(plan.status)")
            let cost = try #require(plan.totals?.discountedCost, "\(name)")
            #expect(abs(cost - expected) <= 1e-6 * max(1, expected), "\(name): planner \(cost) vs hand-computed \(expected)")
            let twin = try #require(GLPSol.solve(scenario).objective, "\(name)")
            #expect(abs(twin - cost) <= 1e-6 * max(1, cost), "\(name): twin \(twin) vs planner \(cost)")
        }
    }

    @Test func dataWritesTheFeatures() {
        let node = PurchaseOffering(id: "node", unitPrice: 1, acceleratorsPerUnit: 8, lifetimePeriods: 1, throughput: ["chat": 8000],
                                    platform: "amd", acceleratorsPerReplica: ["chat": 2], spareUnits: 1, failureDerating: 0.03)
        let scenario = FeatureExamples.year([("chat", 1, 2)], offerings: [.purchase(node), .rental(contract)],
                                            platforms: [PlatformCost(id: "amd", adoptionCost: 5, yearlyCost: 6)])
        let text = MathProgData.write(scenario)
        #expect(text == MathProgData.write(scenario))
        for line in ["param T :=\n  'gcp-1y' 4\n;", "param upfront :=\n  'gcp-1y' 500.0\n;", "param minReplicas :=\n  'chat' 2\n;",
                     "set REPLICA := ('node', 'chat', 'given');", "param accelPerReplica :=\n  'node' 'chat' 'given' 2\n;", "param spare :=\n  'node' 1\n;",
                     "param derating :=\n  'node' 0.03\n;", "set PLATFORMS := 'amd';", "set ONPLATFORM := ('amd', 'node');"] {
            #expect(text.contains(line), "missing \(line) in\n\(text)")
        }
    }
}
