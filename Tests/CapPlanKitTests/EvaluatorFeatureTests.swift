// The evaluator on section 8 of docs/formulation.md (contracts with terms, replicas, platforms,
// reliability margins), on hand-written decisions, against costs worked out by hand below.

import Foundation
import Testing
@testable import CapPlanKit

/// Hand-built scenarios for section 8.
enum FeatureExamples {
    /// Seconds in a quarter's one all-day slice: 91.25 d · 24 h · 3600 s.
    static let quarterSeconds = 7_884_000.0
    /// Seconds in a year's one all-day slice.
    static let yearSeconds = 31_536_000.0

    /// Quarters 2027Q1..Q4, one slice, workload `chat` demanding `rates` tokens/s per quarter,
    /// a reserved rental `gcp` at 2 USD/h (4380 USD per unit-quarter), 1000 tokens/s per unit.
    static func reserved(term: Int, upfront: Double = 0, rates: [Double] = [0, 0, 0, 0], discountRate: Double = 0.1,
                         integerUnits: Bool = true) -> Scenario {
        Scenario(
            name: "contracts", horizon: Horizon(start: PeriodLabel("2027Q1")!, periods: 4), discountRate: discountRate,
            workloads: [Workload(id: "chat", outputShare: 0.5, model: nil, demand: rates.map { $0 * quarterSeconds })],
            offerings: [.rental(RentalOffering(id: "gcp", pricePerUnitHour: 2, commitment: .period, throughput: ["chat": 1000],
                                               termPeriods: term, upfrontPerUnit: upfront))],
            policy: Policy(integerUnits: integerUnits, utilizationCap: 1))
    }

    /// δ_p of quarters at 10 % a year, 1-based p.
    static func quarterDiscount(_ p: Int) -> Double { pow(1.1, -Double(p - 1) / 4) }

    /// One year, one slice; workloads given as (id, tokens/s, minReplicas).
    static func year(_ workloads: [(String, Double, Int)], offerings: [Offering], utilizationCap: Double = 0.8,
                     platforms: [PlatformCost] = [], periods: Int = 1) -> Scenario {
        Scenario(
            name: "replicas", horizon: Horizon(start: PeriodLabel("2027")!, periods: periods),
            workloads: workloads.map { Workload(id: $0.0, outputShare: 0.5, model: nil,
                                                demand: Array(repeating: $0.1 * yearSeconds, count: periods), minReplicas: $0.2) },
            offerings: offerings, policy: Policy(utilizationCap: utilizationCap), platforms: platforms)
    }
}

@Suite("Evaluator: contracts, replicas, platforms, margins")
struct EvaluatorFeatureTests {
    // MARK: 8.1 contracts

    @Test func contractRunningPastTheHorizonIsChargedInFullAndDiscounted() {
        // 3 units reserved from 2027Q3 on a 4-quarter term: paid 2027Q3 .. 2028Q2, two quarters past
        // the horizon. 3 · 4380 = 13 140 USD a quarter; beyond the horizon 2 · 13 140 = 26 280,
        // discounted by δ_5 = 1.1^-1 and δ_6 = 1.1^-1.25.
        let scenario = FeatureExamples.reserved(term: 4, rates: [0, 0, 2500, 2500])
        let decisions = PlanDecisions(reservedUnits: ["gcp": [0, 0, 3, 3]],
                                      served: ["gcp": ["chat": [[0], [0], [2500], [2500]]]])
        let result = PlanEvaluator(scenario: scenario).evaluate(decisions)
        #expect(result.violations.isEmpty, "\(result.violations)")
        #expect(result.contractStarts["gcp"] == [0, 0, 3, 0])
        #expect(nearlyEqual(result.periods[2].cost.rental, 13_140) && nearlyEqual(result.periods[3].cost.rental, 13_140))
        #expect(nearlyEqual(result.commitmentsBeyondHorizon, 26_280))
        let d = FeatureExamples.quarterDiscount
        #expect(nearlyEqual(result.discountedCommitmentsBeyondHorizon, 13_140 * (1 / 1.1 + pow(1.1, -1.25))))
        #expect(nearlyEqual(d(5), 1 / 1.1))
        // The whole term: 4 · 13 140 = 52 560 undiscounted.
        #expect(nearlyEqual(result.totalCost, 52_560))
        #expect(nearlyEqual(result.discountedCost, 13_140 * (d(3) + d(4) + d(5) + d(6))))
    }

    @Test func reservationShorterThanItsTermIsAContractTermViolation() {
        // 2 units in 2027Q1 only, on a 4-quarter term: the units fall in Q2, Q3 and Q4 while the
        // contract runs; the evaluator charges the whole term, 2 · 4380 a quarter.
        let scenario = FeatureExamples.reserved(term: 4, rates: [1500, 0, 0, 0], discountRate: 0)
        let decisions = PlanDecisions(reservedUnits: ["gcp": [2, 0, 0, 0]], served: ["gcp": ["chat": [[1500], [0], [0], [0]]]])
        let result = PlanEvaluator(scenario: scenario).evaluate(decisions)
        #expect(result.violations.map(\.family) == [.contractTerm, .contractTerm, .contractTerm])
        #expect(result.violations.map(\.period) == ["2027Q2", "2027Q3", "2027Q4"])
        #expect(result.violations.allSatisfy { $0.amount == 2 && $0.offering == "gcp" })
        let message = result.violations[0].message
        #expect(message.contains("4-period (12-month) term of the contract started in 2027Q1"), "\(message)")
        #expect(message.contains("through 2027Q4"), "\(message)")
        #expect(result.violations[0].rowName == "contractTerm[gcp,2027Q2]")
        #expect(result.contractStarts["gcp"] == [2, 0, 0, 0])
        #expect(result.periods.allSatisfy { nearlyEqual($0.cost.rental, 8760) })
        #expect(nearlyEqual(result.totalCost, 35_040) && result.commitmentsBeyondHorizon == 0)
    }

    @Test func upfrontFeeIsPaidWhenAContractStarts() {
        // Term 2, 1000 USD upfront per unit. Units [1, 1, 0, 1]: starts in Q1 and Q4 (the second
        // runs into 2028Q1). Rental: Q1 4380 + 1000, Q2 4380, Q3 0, Q4 4380 + 1000; beyond 4380.
        let scenario = FeatureExamples.reserved(term: 2, upfront: 1000)
        let result = PlanEvaluator(scenario: scenario).evaluate(PlanDecisions(reservedUnits: ["gcp": [1, 1, 0, 1]]))
        #expect(result.violations.isEmpty, "\(result.violations)")
        #expect(result.contractStarts["gcp"] == [1, 0, 0, 1])
        #expect(result.periods.map(\.cost.rental) == [5380, 4380, 0, 5380])
        #expect(result.commitmentsBeyondHorizon == 4380)
        #expect(nearlyEqual(result.totalCost, 5380 + 4380 + 5380 + 4380))
        let d = FeatureExamples.quarterDiscount
        #expect(nearlyEqual(result.discountedCost, 5380 + 4380 * d(2) + 5380 * d(4) + 4380 * d(5)))
    }

    @Test func contractStartsAreWholeUnits() {
        // Term 1: the starts are the units; 0.5 of a unit is not a contract a cloud sells.
        let scenario = FeatureExamples.reserved(term: 1)
        let result = PlanEvaluator(scenario: scenario).evaluate(PlanDecisions(reservedUnits: ["gcp": [0.5, 1, 1, 1]]))
        // Starts [0.5, 1, 1, 1]: one fractional start.
        #expect(result.violations.map(\.family) == [.integrality])
        #expect(result.violations.map(\.period) == ["2027Q1"])
        #expect(result.violations[0].message.contains("whose contract starts in 2027Q1"))
        let continuous = FeatureExamples.reserved(term: 1, integerUnits: false)
        #expect(PlanEvaluator(scenario: continuous).evaluate(PlanDecisions(reservedUnits: ["gcp": [0.5, 1, 1, 1]])).violations.isEmpty)
    }

    // MARK: 8.2 replicas

    @Test func tinyDemandOnAPerGPURentalRunsAWholeReplica() {
        // 1 token/s of chat on per-GPU on-demand rentals whose replicas take 2 GPUs: ρ = max(1 /
        // (0.8 · 2 · 500), 1) = 1 replica, 2 GPUs. 0.002 GPUs (the load alone) break the row:
        // 0.8 · 2 · 1 − 0.8 · 0.002 = 1.5984. Two GPUs for the year: 2 · 2 USD · 8760 h = 35 040.
        let gpu = RentalOffering(id: "gpu", pricePerUnitHour: 2, commitment: .none, throughput: ["chat": 500],
                                 acceleratorsPerReplica: ["chat": 2])
        let scenario = FeatureExamples.year([("chat", 1, 1)], offerings: [.rental(gpu)])
        let tooFew = PlanEvaluator(scenario: scenario).evaluate(PlanDecisions(
            onDemandUnits: ["gpu": [[0.002]]], served: ["gpu": ["chat": [[1]]]]))
        #expect(tooFew.violations.map(\.family) == [.rentedCapacity])
        #expect(nearlyEqual(tooFew.violations[0].amount, 1.5984))
        #expect(tooFew.replicas["gpu"]?["chat"] == [[1]])
        let whole = PlanEvaluator(scenario: scenario).evaluate(PlanDecisions(
            onDemandUnits: ["gpu": [[2]]], served: ["gpu": ["chat": [[1]]]]))
        #expect(whole.violations.isEmpty, "\(whole.violations)")
        #expect(nearlyEqual(whole.totalCost, 35_040))
        // minReplicas 2: two replicas, 4 GPUs.
        let two = FeatureExamples.year([("chat", 1, 2)], offerings: [.rental(gpu)])
        let short = PlanEvaluator(scenario: two).evaluate(PlanDecisions(onDemandUnits: ["gpu": [[2]]], served: ["gpu": ["chat": [[1]]]]))
        #expect(short.violations.map(\.family) == [.rentedCapacity] && nearlyEqual(short.violations[0].amount, 1.6))
        #expect(short.replicas["gpu"]?["chat"] == [[2]])
        #expect(PlanEvaluator(scenario: two).evaluate(PlanDecisions(onDemandUnits: ["gpu": [[4]]], served: ["gpu": ["chat": [[1]]]]))
            .violations.isEmpty)
    }

    @Test func ownedEightGPUNodesHoldWholeReplicas() {
        // 8-GPU nodes, 8000 tokens/s per node, U = 0.8. chat runs 2-GPU replicas (¼ node, 0.8 · ¼ ·
        // 8000 = 1600 tokens/s each), code 4-GPU replicas (½ node, 3200 each). chat 1700 needs 2
        // replicas (½ node), code 3300 needs 2 (1 node): 1.5 nodes, so 2 nodes, although the load
        // alone, 5000 / 8000 = 0.625 node, fits one under the cap. With one node: 0.8 · 1.5 − 0.8 = 0.4.
        let node = PurchaseOffering(id: "node", unitPrice: 200_000, acceleratorsPerUnit: 8, lifetimePeriods: 4,
                                    throughput: ["chat": 8000, "code": 8000], acceleratorsPerReplica: ["chat": 2, "code": 4])
        let scenario = FeatureExamples.year([("chat", 1700, 1), ("code", 3300, 1)], offerings: [.purchase(node)])
        let served = ["node": ["chat": [[1700.0]], "code": [[3300.0]]]]
        let one = PlanEvaluator(scenario: scenario).evaluate(PlanDecisions(arrivals: ["node": [1]], served: served))
        #expect(one.violations.map(\.family) == [.ownedCapacity])
        #expect(nearlyEqual(one.violations[0].amount, 0.4))
        #expect(one.replicas["node"]?["chat"] == [[2]] && one.replicas["node"]?["code"] == [[2]])
        #expect(PlanEvaluator(scenario: scenario).evaluate(PlanDecisions(arrivals: ["node": [2]], served: served)).violations.isEmpty)
        // Four 2-GPU replicas fill a node exactly: chat 6400 = 4 · 1600 on one node.
        let full = FeatureExamples.year([("chat", 6400, 1), ("code", 0, 1)], offerings: [.purchase(node)])
        let four = PlanEvaluator(scenario: full).evaluate(PlanDecisions(arrivals: ["node": [1]], served: ["node": ["chat": [[6400]]]]))
        #expect(four.violations.isEmpty, "\(four.violations)")
        #expect(four.replicas["node"]?["chat"] == [[4]] && four.replicas["node"]?["code"] == [[0]])
    }

    @Test func replicaLargerThanANodeTakesSeveralNodes() {
        // A 16-GPU replica on 8-GPU nodes takes 2 nodes: 100 tokens/s needs 2 nodes.
        let node = PurchaseOffering(id: "node", unitPrice: 1, acceleratorsPerUnit: 8, lifetimePeriods: 1,
                                    throughput: ["big": 1000], acceleratorsPerReplica: ["big": 16])
        let scenario = FeatureExamples.year([("big", 100, 1)], offerings: [.purchase(node)])
        let served = ["node": ["big": [[100.0]]]]
        let one = PlanEvaluator(scenario: scenario).evaluate(PlanDecisions(arrivals: ["node": [1]], served: served))
        #expect(one.violations.map(\.family) == [.ownedCapacity] && nearlyEqual(one.violations[0].amount, 0.8))
        #expect(PlanEvaluator(scenario: scenario).evaluate(PlanDecisions(arrivals: ["node": [2]], served: served)).violations.isEmpty)
    }

    @Test func servingBeyondDemandFromAReplicaPairBreaksReplicaInUse() {
        // z exists on on-demand pairs (ρ continuous): x ≤ r z bounds x by the demand rate.
        let gpu = RentalOffering(id: "gpu", pricePerUnitHour: 2, commitment: .none, throughput: ["chat": 500],
                                 acceleratorsPerReplica: ["chat": 2])
        let scenario = FeatureExamples.year([("chat", 1, 1)], offerings: [.rental(gpu)])
        let result = PlanEvaluator(scenario: scenario).evaluate(PlanDecisions(onDemandUnits: ["gpu": [[2]]], served: ["gpu": ["chat": [[3]]]]))
        #expect(result.violations.map(\.family) == [.minimumReplicas])
        #expect(result.violations[0].amount == 2 && result.violations[0].rowName == "minimumReplicas[gpu,chat,2027,all-day]")
    }

    // MARK: 8.4 margins

    @Test func nPlusOneOnFourUnitsWithLoadThreePointTwoNeedsFive() {
        // U = 1, 1000 tokens/s per unit, 3200 tokens/s: 3.2 units of load. With 1 spare unit, 4 units
        // hold 4 − 1 = 3 < 3.2 (short 0.2); 5 hold 4. Year 2 serves nothing: no spare needed, the
        // 5 units idle without a violation.
        let node = PurchaseOffering(id: "node", unitPrice: 10_000, lifetimePeriods: 2, throughput: ["chat": 1000], spareUnits: 1)
        var scenario = FeatureExamples.year([("chat", 3200, 1)], offerings: [.purchase(node)], utilizationCap: 1, periods: 2)
        scenario.workloads[0].demand = [3200 * FeatureExamples.yearSeconds, 0]
        let served = ["node": ["chat": [[3200.0], [0]]]]
        let four = PlanEvaluator(scenario: scenario).evaluate(PlanDecisions(arrivals: ["node": [4, 0]], served: served))
        #expect(four.violations.map(\.family) == [.ownedCapacity])
        #expect(four.violations[0].period == "2027" && nearlyEqual(four.violations[0].amount, 0.2))
        #expect(four.violations[0].message.contains("(4 − 1 spare)"), "\(four.violations[0].message)")
        let five = PlanEvaluator(scenario: scenario).evaluate(PlanDecisions(arrivals: ["node": [5, 0]], served: served))
        #expect(five.violations.isEmpty, "\(five.violations)")
        // A pool serving nothing holds no spare: 0 units are fine in a year without serving.
        scenario.workloads[0].demand = [0, 0]
        #expect(PlanEvaluator(scenario: scenario).evaluate(PlanDecisions()).violations.isEmpty)
    }

    @Test func failureDeratingShrinksCapacity() {
        // U = 0.8, d = 0.2: 0.64 · 1000 tokens/s per unit. 3000 tokens/s is 3 units of load:
        // 4 units hold 2.56 (short 0.44), 5 hold 3.2. With 1 spare as well, 5 hold 0.64 · 4 = 2.56.
        let node = PurchaseOffering(id: "node", unitPrice: 10_000, lifetimePeriods: 1, throughput: ["chat": 1000],
                                    failureDerating: 0.2)
        let scenario = FeatureExamples.year([("chat", 3000, 1)], offerings: [.purchase(node)])
        let served = ["node": ["chat": [[3000.0]]]]
        let four = PlanEvaluator(scenario: scenario).evaluate(PlanDecisions(arrivals: ["node": [4]], served: served))
        #expect(four.violations.map(\.family) == [.ownedCapacity] && nearlyEqual(four.violations[0].amount, 0.44))
        #expect(PlanEvaluator(scenario: scenario).evaluate(PlanDecisions(arrivals: ["node": [5]], served: served)).violations.isEmpty)
        var spare = node
        spare.spareUnits = 1
        let both = FeatureExamples.year([("chat", 3000, 1)], offerings: [.purchase(spare)])
        let five = PlanEvaluator(scenario: both).evaluate(PlanDecisions(arrivals: ["node": [5]], served: served))
        #expect(five.violations.map(\.family) == [.ownedCapacity] && nearlyEqual(five.violations[0].amount, 0.44))
        // Derating applies to on-demand rentals too: 1000 tokens/s on units of 0.64 · 1000 needs 1.5625.
        let cloud = RentalOffering(id: "cloud", pricePerUnitHour: 1, commitment: .none, throughput: ["chat": 1000], failureDerating: 0.2)
        let rented = FeatureExamples.year([("chat", 1000, 1)], offerings: [.rental(cloud)])
        #expect(PlanEvaluator(scenario: rented).evaluate(PlanDecisions(onDemandUnits: ["cloud": [[1.5625]]], served: ["cloud": ["chat": [[1000]]]]))
            .violations.isEmpty)
        #expect(PlanEvaluator(scenario: rented).evaluate(PlanDecisions(onDemandUnits: ["cloud": [[1.5]]], served: ["cloud": ["chat": [[1000]]]]))
            .violations.map(\.family) == [.rentedCapacity])
    }

    // MARK: 8.3 platforms

    @Test func platformIsAdoptedOnceAndPaysItsYearlyCostWhileInUse() {
        // amd: 100 000 to adopt, 40 000 a year (10 000 a quarter). mi300x serves in Q2 and Q4: adoption
        // in Q2 only; platform line [0, 110 000, 0, 10 000]; 10 % a year discounting by quarter.
        let mi300x = RentalOffering(id: "mi300x", pricePerUnitHour: 0, commitment: .none, throughput: ["chat": 1000], platform: "amd")
        let scenario = Scenario(
            name: "platforms", horizon: Horizon(start: PeriodLabel("2027Q1")!, periods: 4), discountRate: 0.1,
            workloads: [Workload(id: "chat", outputShare: 0.5, model: nil, demand: [0, 500, 0, 500].map { $0 * FeatureExamples.quarterSeconds })],
            offerings: [.rental(mi300x)], policy: Policy(utilizationCap: 1),
            platforms: [PlatformCost(id: "amd", adoptionCost: 100_000, yearlyCost: 40_000), PlatformCost(id: "unused", adoptionCost: 7)])
        let decisions = PlanDecisions(onDemandUnits: ["mi300x": [[0], [0.5], [0], [0.5]]],
                                      served: ["mi300x": ["chat": [[0], [500], [0], [500]]]])
        let result = PlanEvaluator(scenario: scenario).evaluate(decisions)
        #expect(result.violations.isEmpty, "\(result.violations)")
        #expect(result.periods.map(\.cost.platform) == [0, 110_000, 0, 10_000])
        #expect(result.platforms == [
            PlatformEvaluation(id: "amd", inUse: [false, true, false, true], adoptedPeriod: 1, adoptionCost: 100_000, yearlyCosts: 20_000),
            PlatformEvaluation(id: "unused", inUse: [false, false, false, false], adoptedPeriod: nil, adoptionCost: 0, yearlyCosts: 0),
        ])
        let d = FeatureExamples.quarterDiscount
        #expect(nearlyEqual(result.discountedCost, 110_000 * d(2) + 10_000 * d(4)))
        #expect(nearlyEqual(result.costByComponent.platform, 120_000))
        // A rate within the tolerance of zero does not serve: no platform in use.
        let tiny = PlanEvaluator(scenario: scenario).evaluate(PlanDecisions(
            onDemandUnits: ["mi300x": [[0], [0.5], [0], [0.5]]], served: ["mi300x": ["chat": [[1e-7], [500], [0], [500]]]]))
        #expect(tiny.platforms[0].inUse == [false, true, false, true])
    }

    @Test func platformOfTheExistingFleetIsNotAdoptedAgain() {
        // Two existing nvidia nodes: adopted before the horizon, so no adoption cost; 12 000 a year while used.
        let node = PurchaseOffering(id: "h100", unitPrice: 300_000, lifetimePeriods: 5, throughput: ["chat": 1000],
                                    existingUnits: 2, platform: "nvidia")
        let scenario = FeatureExamples.year([("chat", 800, 1)], offerings: [.purchase(node)],
                                            platforms: [PlatformCost(id: "nvidia", adoptionCost: 50_000, yearlyCost: 12_000)], periods: 2)
        let result = PlanEvaluator(scenario: scenario).evaluate(PlanDecisions(served: ["h100": ["chat": [[800], [800]]]]))
        #expect(result.violations.isEmpty, "\(result.violations)")
        #expect(result.periods.map(\.cost.platform) == [12_000, 12_000])
        #expect(result.platforms == [PlatformEvaluation(id: "nvidia", inUse: [true, true], adoptedPeriod: nil, adoptionCost: 0, yearlyCosts: 24_000)])
        #expect(result.totalCost == 24_000)
    }

    @Test func platformServingBeyondDemandBreaksPlatformInUse() {
        let gpu = RentalOffering(id: "gpu", pricePerUnitHour: 0, commitment: .none, throughput: ["chat": 1000], platform: "amd")
        let scenario = FeatureExamples.year([("chat", 100, 1)], offerings: [.rental(gpu)], platforms: [PlatformCost(id: "amd", yearlyCost: 1)])
        let result = PlanEvaluator(scenario: scenario).evaluate(PlanDecisions(onDemandUnits: ["gpu": [[1]]], served: ["gpu": ["chat": [[300]]]]))
        #expect(result.violations.map(\.family) == [.platformInUse])
        #expect(result.violations[0].rowName == "platformInUse[amd,chat,2027,all-day]" && result.violations[0].amount == 200)
    }

    // MARK: reports

    @Test func costBreakdownWithoutPlatformStillDecodes() throws {
        let old = #"{"api":4,"capex":1,"energy":2,"fixedOpex":3,"rental":5,"unservedPenalty":6}"#
        let decoded = try JSONDecoder().decode(CostBreakdown.self, from: Data(old.utf8))
        #expect(decoded == CostBreakdown(capex: 1, energy: 2, fixedOpex: 3, rental: 5, api: 4, unservedPenalty: 6, platform: 0))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(CostBreakdown(capex: 1, platform: 7)), as: UTF8.self)
        #expect(text == #"{"api":0,"capex":1,"energy":0,"fixedOpex":0,"platform":7,"rental":0,"unservedPenalty":0}"#)
        #expect(try JSONDecoder().decode(CostBreakdown.self, from: Data(text.utf8)) == CostBreakdown(capex: 1, platform: 7))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(CostBreakdown.self, from: Data(#"{"capex":1}"#.utf8)) }
    }
}
