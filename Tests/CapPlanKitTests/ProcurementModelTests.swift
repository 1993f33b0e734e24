import XCTest
import LinearProgramming
@testable import CapPlanKit

/// Contracts with terms, replicas, platforms and reliability margins (docs/formulation.md
/// section 8), each against a hand-computed optimum. The builder's model is solved directly
/// (`optimum`); `Planner.plan`, whose independent evaluator audits every plan, is checked on
/// the same scenarios where the evaluator knows section 8.
final class ProcurementModelTests: XCTestCase {
    /// The model of `scenario` solved to proven optimality (gap 1e-9).
    func optimum(_ scenario: Scenario, options: CapacityModelOptions = CapacityModelOptions(names: false)) throws -> (Solution, CapacityModel) {
        let model = CapacityModelBuilder.buildModel(scenario, options: options)
        var solveOptions = SolveOptions()
        solveOptions.mip.relativeGap = 1e-9
        let solution = try GLPKSolver.solve(model.lp, options: solveOptions)
        XCTAssertEqual(solution.termination, .optimal)
        return (solution, model)
    }

    // Quarters: h = 2190, d = 91.25; one all-day slice lasts 91.25 · 86 400 = 7 884 000 s.
    static let quarterSeconds = 7_884_000.0

    /// GCP-like per-GPU H100 rentals for a 70B model: τ = 2700 tokens/s per GPU, on demand at
    /// 11.06 USD/GPU-hour, 1-year (4 quarters) at 7.67, 3-year (12 quarters) at 4.86. ρ = 0, U = 1.
    static func gcp(demand: [Double], offerings: Set<String> = ["on-demand", "1-year", "3-year"]) -> Scenario {
        var list: [Offering] = []
        if offerings.contains("on-demand") {
            list.append(.rental(RentalOffering(id: "gcp-h100-on-demand", pricePerUnitHour: 11.06, commitment: .none, throughput: ["chat": 2700])))
        }
        if offerings.contains("1-year") {
            list.append(.rental(RentalOffering(id: "gcp-h100-1-year", pricePerUnitHour: 7.67, commitment: .period, throughput: ["chat": 2700], termPeriods: 4)))
        }
        if offerings.contains("3-year") {
            list.append(.rental(RentalOffering(id: "gcp-h100-3-year", pricePerUnitHour: 4.86, commitment: .period, throughput: ["chat": 2700], termPeriods: 12)))
        }
        return Scenario(
            name: "gcp", horizon: Horizon(start: PeriodLabel("2027Q1")!, periods: demand.count),
            workloads: [Workload(id: "chat", outputShare: 0.5, model: nil, demand: demand)], offerings: list)
    }

    // MARK: (a) contracts with terms

    /// A one-quarter spike (1e10, 5e11, 1e10, 1e10 tokens) never takes the 3-year reservation:
    /// a 3-year GPU costs 4.86 · 2190 · 12 = 127 720.8 for its term, while the spike's
    /// 63 419.6 tokens/s (23.5 GPUs) for one quarter cost 24 221.4 per GPU on demand, and the
    /// base load (1268.4 tokens/s, 0.47 GPU) 45 514 on demand over the year. Everything runs
    /// on demand: 5.3e11 tokens · 11.06 / (2700 · 3600) USD per token = 603 065.843 621 4.
    func testASpikeNeverTakesAMultiYearReservation() throws {
        let scenario = Self.gcp(demand: [1e10, 5e11, 1e10, 1e10], offerings: ["on-demand", "3-year"])
        let (solution, model) = try optimum(scenario)
        XCTAssertEqual(try XCTUnwrap(solution.objectiveValue), 5.3e11 * 11.06 / (2700 * 3600), accuracy: 1e-6)
        let starts = try XCTUnwrap(model.index.contractStarts[1])
        for p in 0..<4 { XCTAssertEqual(solution[starts.variable(p)], 0) }
        // The per-period pricing of before would have reserved the spike: 24 GPUs for one
        // quarter at 4.86 · 2190 = 10 643.4 each beat 23.49 on demand at 24 221.4.
        var perPeriod = scenario
        perPeriod.offerings[1] = .rental(RentalOffering(id: "gcp-h100-3-year", pricePerUnitHour: 4.86, commitment: .period, throughput: ["chat": 2700]))
        let (old, _) = try optimum(perPeriod)
        XCTAssertLessThan(try XCTUnwrap(old.objectiveValue), 603_065)
    }

    /// Steady demand of exactly 2 GPUs (5400 tokens/s, 4.257 36e10 tokens a quarter) over 8
    /// quarters. Per GPU: on demand 11.06 · 2190 · 8 = 193 771.2; two 1-year contracts
    /// 2 · 7.67 · 2190 · 4 = 134 378.4; one 3-year contract 4.86 · 2190 · 12 = 127 720.8,
    /// of which 8 quarters (85 147.2) fall in the horizon and 4 (42 573.6) beyond it. Optimum:
    /// 2 three-year GPUs started in the first quarter, 255 441.6 with the 85 147.2 of
    /// commitments beyond the horizon included.
    func testTheObjectiveChargesTheWholeTermBeyondTheHorizon() throws {
        let scenario = Self.gcp(demand: Array(repeating: 5400 * Self.quarterSeconds, count: 8))
        let (solution, model) = try optimum(scenario)
        XCTAssertEqual(try XCTUnwrap(solution.objectiveValue), 255_441.6, accuracy: 1e-6)
        let starts = try XCTUnwrap(model.index.contractStarts[2])
        XCTAssertEqual(solution[starts.variable(0)], 2)
        for p in 1..<8 { XCTAssertEqual(solution[starts.variable(p)], 0) }
        let units = try XCTUnwrap(model.index.reservedUnits[2])
        for p in 0..<8 { XCTAssertEqual(solution[units.variable(p)], 2, accuracy: 1e-9) }
        // Beyond the horizon: the start's cost less the rent of the periods in it.
        let startCost = model.lp.objectiveCoefficient(of: starts.variable(0))
        XCTAssertEqual(startCost - 4.86 * 2190 * 8, 42_573.6, accuracy: 1e-6)
    }

    /// An upfront fee is paid once per start, discounted to it: a 1-year contract (4 quarters)
    /// started in quarter q of a 10%-a-year horizon costs f δ_q + π h Σ_{p=q}^{q+3} δ_p, with
    /// δ_p = 1.1^(−p/4): for q = 0, 1000 + 7.67 · 2190 · (1 + 1.1^−0.25 + 1.1^−0.5 + 1.1^−0.75).
    func testAContractStartCostsItsFeeAndItsWholeTerm() {
        var scenario = Self.gcp(demand: [1e10, 1e10], offerings: ["1-year"])
        scenario.discountRate = 0.1
        scenario.offerings[0] = .rental(RentalOffering(id: "r", pricePerUnitHour: 7.67, commitment: .period, throughput: ["chat": 2700], termPeriods: 4, upfrontPerUnit: 1000))
        let model = CapacityModelBuilder.buildModel(scenario)
        let starts = model.index.contractStarts[0]!
        let d = { (p: Double) in pow(1.1, -p / 4) }
        XCTAssertEqual(model.lp.objectiveCoefficient(of: starts.variable(0)), 1000 + 7.67 * 2190 * (1 + d(1) + d(2) + d(3)), accuracy: 1e-9)
        XCTAssertEqual(model.lp.objectiveCoefficient(of: starts.variable(1)), 1000 * d(1) + 7.67 * 2190 * (d(1) + d(2) + d(3) + d(4)), accuracy: 1e-9)
        XCTAssertEqual(model.lp.objectiveCoefficient(of: model.index.reservedUnits[0]!.variable(0)), 0)
        XCTAssertEqual(model.lp.kind(of: starts.variable(0)), .integer)
        XCTAssertEqual(model.lp.kind(of: model.index.reservedUnits[0]!.variable(0)), .continuous)
    }

    // MARK: (b) replicas

    /// 1e6 tokens in a quarter on a per-GPU on-demand rental with 2 GPUs per replica, served
    /// in a `day` slice (12 h, all the tokens) and nothing at night: the day needs at least one
    /// replica, 2 GPUs for every day hour of the quarter: 2 · 11.06 · 91.25 · 12 = 24 221.4.
    /// (Without replicas: 1e6 · 11.06 / (2700 · 3600) = 1.14.)
    func testTinyDemandPaysAWholeReplicaForTheHoursItServes() throws {
        var scenario = Self.gcp(demand: [1e6], offerings: ["on-demand"])
        scenario.timeSlices = [TimeSlice(name: "day", hours: 12, share: 1), TimeSlice(name: "night", hours: 12, share: 0)]
        scenario.offerings[0] = .rental(RentalOffering(
            id: "gcp-h100-on-demand", pricePerUnitHour: 11.06, commitment: .none, throughput: ["chat": 2700],
            acceleratorsPerReplica: ["chat": 2]))
        let (solution, model) = try optimum(scenario)
        XCTAssertEqual(try XCTUnwrap(solution.objectiveValue), 24_221.4, accuracy: 1e-6)
        let units = try XCTUnwrap(model.index.onDemandUnits[0])
        XCTAssertEqual(solution[units.variable(0, 0)], 2, accuracy: 1e-9)
        XCTAssertEqual(solution[units.variable(0, 1)], 0, accuracy: 1e-9)
    }

    /// A 70B-like workload on per-GPU reserved rentals (one-quarter reservations, 7.67
    /// USD/GPU-hour) with 8 GPUs per replica, at 1.5 replicas' load (1.5 · 8 · 2700 = 32 400
    /// tokens/s): it runs on 2 whole replicas, 16 GPUs, 16 · 7.67 · 2190 = 268 756.8 (12 GPUs,
    /// 201 567.6, without replicas).
    func testA70BWorkloadRunsOnWholeReplicas() throws {
        var scenario = Self.gcp(demand: [32_400 * Self.quarterSeconds], offerings: [])
        scenario.offerings = [.rental(RentalOffering(
            id: "gcp-h100-reserved", pricePerUnitHour: 7.67, commitment: .period, throughput: ["chat": 2700],
            acceleratorsPerReplica: ["chat": 8]))]
        let (solution, model) = try optimum(scenario)
        XCTAssertEqual(try XCTUnwrap(solution.objectiveValue), 268_756.8, accuracy: 1e-6)
        XCTAssertEqual(solution[model.index.reservedUnits[0]!.variable(0)], 16, accuracy: 1e-9)
        let replica = try XCTUnwrap(model.index.replicaPairs.first)
        XCTAssertEqual(solution[replica.replicas.variable(0, 0)], 2, accuracy: 1e-9)
        XCTAssertNil(replica.inUse, "whole replicas with μ = 1 imply the minimum: no z")
        scenario.offerings = [.rental(RentalOffering(id: "gcp-h100-reserved", pricePerUnitHour: 7.67, commitment: .period, throughput: ["chat": 2700]))]
        XCTAssertEqual(try XCTUnwrap(try optimum(scenario).0.objectiveValue), 201_567.6, accuracy: 1e-6)
    }

    /// replicaRounding on the 70B example: C = 8 · 2700 = 21 600 tokens/s a replica, M = 32 400,
    /// so q = 1, ϱ = 10 800: x − 10 800 ρ ≤ 10 800. Serving all of M then needs ρ ≥ 2 in the
    /// relaxation too, whose optimum becomes the whole-replica one (268 756.8) instead of
    /// 1.5 replicas' 201 567.6; with `--relax` (continuous units) the row is not built.
    func testReplicaRoundingMakesTheRelaxationPayTheLastReplica() throws {
        var scenario = Self.gcp(demand: [32_400 * Self.quarterSeconds], offerings: [])
        scenario.offerings = [.rental(RentalOffering(
            id: "gcp-h100-reserved", pricePerUnitHour: 7.67, commitment: .period, throughput: ["chat": 2700],
            acceleratorsPerReplica: ["chat": 8]))]
        var relaxations: [Double] = []
        for rounding in [true, false] {
            let model = CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(names: true, replicaRounding: rounding))
            let replica = try XCTUnwrap(model.index.replicaPairs.first)
            XCTAssertEqual(replica.roundingRows != nil, rounding)
            if let rows = replica.roundingRows {
                let row = rows.constraint(0, 0)
                XCTAssertEqual(model.lp.name(of: row), "replicaRounding[gcp-h100-reserved,chat,2027Q1,all-day]")
                XCTAssertEqual(try XCTUnwrap(model.lp.bounds(of: row).upper), 10_800, accuracy: 1e-9)
                let entries = model.lp.entryRows.indices.filter { model.lp.entryRows[$0] == Int32(row.index) }
                let coefficient = entries.first { Int(model.lp.entryColumns[$0]) == replica.replicas.variable(0, 0).index }
                XCTAssertEqual(model.lp.entryValues[try XCTUnwrap(coefficient)], -10_800, accuracy: 1e-9)
            }
            let relaxation = try GLPKSolver.solve(model.lp.relaxed(), options: SolveOptions())
            relaxations.append(try XCTUnwrap(relaxation.objectiveValue))
            XCTAssertEqual(try XCTUnwrap(try optimum(scenario, options: CapacityModelOptions(names: false, replicaRounding: rounding)).0.objectiveValue),
                           268_756.8, accuracy: 1e-6)
        }
        XCTAssertEqual(relaxations[0], 268_756.8, accuracy: 1e-6)
        XCTAssertEqual(relaxations[1], 201_567.6, accuracy: 1e-6)
        let relaxed = CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(names: false, integerUnits: false))
        XCTAssertNil(try XCTUnwrap(relaxed.index.replicaPairs.first).roundingRows)
    }

    /// Owned nodes hold whole replicas: 8-GPU nodes (τ = 20 000 tokens/s per node) with
    /// 2-GPU replicas (ν = 1/4, 5000 tokens/s each) and minReplicas 3, at 4000 tokens/s in a
    /// year: 3 replicas take 3/4 of a node, so 1 node (100 000) — and 7000 tokens/s need 2
    /// replicas by load but 3 by the minimum: still 1 node; 21 000 tokens/s need 5 replicas,
    /// 5/4 nodes: 2 nodes.
    func testOwnedNodesHoldWholeReplicasAndTheMinimum() throws {
        for (rate, nodes) in [(4000.0, 1.0), (7000, 1), (21_000, 2)] {
            let scenario = Scenario(
                name: "replicas", horizon: Horizon(start: PeriodLabel("2027")!, periods: 1),
                workloads: [Workload(id: "chat", outputShare: 0.5, model: nil, demand: [rate * 8760 * 3600], minReplicas: 3)],
                offerings: [.purchase(PurchaseOffering(
                    id: "node", unitPrice: 100_000, acceleratorsPerUnit: 8, lifetimePeriods: 1, throughput: ["chat": 20_000],
                    acceleratorsPerReplica: ["chat": 2]))])
            let (solution, model) = try optimum(scenario)
            XCTAssertEqual(try XCTUnwrap(solution.objectiveValue), 100_000 * nodes, accuracy: 1e-6, "\(rate)")
            let replica = try XCTUnwrap(model.index.replicaPairs.first)
            XCTAssertGreaterThanOrEqual(solution[replica.replicas.variable(0, 0)], 3 - 1e-9)
        }
    }

    // MARK: (c) platforms

    /// H100 nodes (nvidia, free) at 300 000 a year against MI300X nodes (amd) at 200 000,
    /// both 20 000 tokens/s, one-year life, one yearly period; amd costs 500 000 to adopt and
    /// 100 000 a year in use. At 10 nodes' demand: H100 3 000 000, MI300X 2 000 000 + 600 000
    /// = 2 600 000: adopt. At 2 nodes: H100 600 000, MI300X 400 000 + 600 000: do not.
    /// With one MI300X node existing (adopted before the horizon, sunk, free to run) at 2
    /// nodes' demand: it and one more MI300X, 200 000 + 100 000 a year, no adoption cost.
    static func platforms(nodes: Double, existingAMD: Double = 0) -> Scenario {
        Scenario(
            name: "platforms", horizon: Horizon(start: PeriodLabel("2027")!, periods: 1),
            workloads: [Workload(id: "chat", outputShare: 0.5, model: nil, demand: [nodes * 20_000 * 8760 * 3600])],
            offerings: [
                .purchase(PurchaseOffering(id: "h100-node", unitPrice: 300_000, lifetimePeriods: 1, throughput: ["chat": 20_000], platform: "nvidia")),
                .purchase(PurchaseOffering(id: "mi300x-node", unitPrice: 200_000, lifetimePeriods: 1, throughput: ["chat": 20_000],
                                           existingUnits: existingAMD, platform: "amd")),
            ],
            platforms: [PlatformCost(id: "amd", adoptionCost: 500_000, yearlyCost: 100_000)])
    }

    func testHighVolumeAdoptsAPlatformAndLowVolumeDoesNot() throws {
        let (high, model) = try optimum(Self.platforms(nodes: 10))
        XCTAssertEqual(try XCTUnwrap(high.objectiveValue), 2_600_000, accuracy: 1e-6)
        let amd = try XCTUnwrap(model.index.platforms.first)
        XCTAssertEqual(high[amd.inUse.variable(0)], 1)
        XCTAssertEqual(high[try XCTUnwrap(amd.adoption).variable(0)], 1, accuracy: 1e-9)
        let (low, lowModel) = try optimum(Self.platforms(nodes: 2))
        XCTAssertEqual(try XCTUnwrap(low.objectiveValue), 600_000, accuracy: 1e-6)
        XCTAssertEqual(low[lowModel.index.platforms[0].inUse.variable(0)], 0)
        let (existing, existingModel) = try optimum(Self.platforms(nodes: 2, existingAMD: 1))
        XCTAssertEqual(try XCTUnwrap(existing.objectiveValue), 300_000, accuracy: 1e-6)
        XCTAssertNil(existingModel.index.platforms[0].adoption, "adopted before the horizon")
    }

    // MARK: (d, e) reliability margins

    /// N+1: nodes of τ = 1000 tokens/s at 100 000 (one-year life, one year), 3200 tokens/s
    /// (3.2 nodes' capacity), spareUnits 1: units − 1 ≥ 3.2, so 5 nodes, 500 000; with 4
    /// existing nodes (sunk, free to run), 1 more: 100 000. Without the spare: 4 nodes.
    static func spare(existing: Double, spareUnits: Int = 1, derating: Double = 0, rate: Double = 3200) -> Scenario {
        Scenario(
            name: "n+1", horizon: Horizon(start: PeriodLabel("2027")!, periods: 1),
            workloads: [Workload(id: "chat", outputShare: 0.5, model: nil, demand: [rate * 8760 * 3600])],
            offerings: [.purchase(PurchaseOffering(
                id: "node", unitPrice: 100_000, lifetimePeriods: 1, throughput: ["chat": 1000], existingUnits: existing,
                spareUnits: spareUnits, failureDerating: derating))])
    }

    func testNPlusOneBuysTheSpareUnit() throws {
        let (solution, model) = try optimum(Self.spare(existing: 0))
        XCTAssertEqual(try XCTUnwrap(solution.objectiveValue), 500_000, accuracy: 1e-6)
        XCTAssertEqual(solution[model.index.inService[0].variable(0)], 5, accuracy: 1e-9)
        XCTAssertEqual(solution[model.index.poolsInUse[0].inUse.variable(0)], 1)
        let (existing, existingModel) = try optimum(Self.spare(existing: 4))
        XCTAssertEqual(try XCTUnwrap(existing.objectiveValue), 100_000, accuracy: 1e-6)
        XCTAssertEqual(existing[existingModel.index.arrivals[0].variable(0)!], 1, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(try optimum(Self.spare(existing: 0, spareUnits: 0)).0.objectiveValue), 400_000, accuracy: 1e-6)
    }

    /// Derating d = 0.05: a node carries 950 tokens/s, so 3850 tokens/s need 3850 / 950 =
    /// 4.05, 5 nodes (4 without derating); with the spare unit too, 4.05 + 1: 6 nodes.
    func testDeratingShrinksEveryUnit() throws {
        XCTAssertEqual(try XCTUnwrap(try optimum(Self.spare(existing: 0, spareUnits: 0, derating: 0.05, rate: 3850)).0.objectiveValue), 500_000, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(try optimum(Self.spare(existing: 0, spareUnits: 0, rate: 3850)).0.objectiveValue), 400_000, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(try optimum(Self.spare(existing: 0, spareUnits: 1, derating: 0.05, rate: 3850)).0.objectiveValue), 600_000, accuracy: 1e-6)
    }
}

/// (f) Scenarios without section 8's features keep their optimum, and the model's size bound
/// holds with the features on.
final class ProcurementExactnessTests: XCTestCase {
    /// With T_o = 1 and no fee, v_op = m_op: the model with contract starts for every reserved
    /// rental (continuous m, integer v) has the optimum of section 3's (integer m), on
    /// generated scenarios with reserved rentals, LP and MIP.
    func testOnePeriodContractsKeepTheOptimumOfSection3() throws {
        var compared = 0
        for (size, seeds) in [(ScenarioSize.tiny, UInt64(1)...30), (.small, 1...4)] {
            for seed in seeds {
                let scenario = ScenarioGenerator(size: size, seed: seed, procurementFeatures: false).scenario()
                guard scenario.rentals.contains(where: { $0.commitment == .period && $0.termPeriods == 1 && $0.upfrontPerUnit == 0 }) else { continue }
                var solveOptions = SolveOptions()
                solveOptions.mip.relativeGap = 1e-9
                var objectives: [Double] = []
                for everywhere in [false, true] {
                    var options = CapacityModelOptions(names: false)
                    options.contractStartsEverywhere = everywhere
                    let model = CapacityModelBuilder.buildModel(scenario, options: options)
                    XCTAssertEqual(model.index.contractStarts.contains { $0 != nil }, everywhere)
                    let solution = try GLPKSolver.solve(model.lp, options: solveOptions)
                    XCTAssertEqual(solution.termination, .optimal, "\(size) seed \(seed)")
                    objectives.append(try XCTUnwrap(solution.objectiveValue))
                }
                XCTAssertEqual(objectives[1], objectives[0], accuracy: 1e-7 * max(1, abs(objectives[0])), "\(size) seed \(seed)")
                compared += 1
            }
        }
        XCTAssertGreaterThan(compared, 5)
    }

    /// Without section 8's fields the builder adds none of its columns or rows.
    func testScenariosWithoutTheFeaturesGetNoneOfTheirColumns() {
        for seed in UInt64(1)...20 {
            let model = CapacityModelBuilder.buildModel(ScenarioGenerator(size: .tiny, seed: seed, procurementFeatures: false).scenario())
            XCTAssertTrue(model.index.contractStarts.allSatisfy { $0 == nil })
            XCTAssertTrue(model.index.replicaPairs.isEmpty)
            XCTAssertTrue(model.index.platforms.isEmpty)
            XCTAssertTrue(model.index.poolsInUse.isEmpty)
            XCTAssertEqual(model.lp.variableKinds.filter { $0 == .binary }.count, 0)
        }
    }

    /// The validator's nonzero estimate stays an upper bound with every feature on.
    func testNonzeroEstimateBoundsTheModelWithTheFeatures() {
        for size in [ScenarioSize.tiny, .small, .medium] {
            for seed in [UInt64(1), 2, 3] {
                let scenario = ProcurementBenchmark.withFeatures(ScenarioGenerator(size: size, seed: seed, procurementFeatures: false).scenario())
                let bound = CapacityModelBuilder.nonzeroUpperBound(
                    periods: scenario.horizon.periods, slices: scenario.timeSlices.count, workloads: scenario.workloads.count,
                    offerings: scenario.offerings, unservedPriced: scenario.policy.unservedPenaltyPerMTok != nil)
                for reductions in [true, false] {
                    let entries = Double(CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(names: false, reductions: reductions)).lp.entryCount)
                    XCTAssertGreaterThanOrEqual(bound, entries, "\(size) seed \(seed)")
                }
            }
        }
    }

    static func featured(_ size: ScenarioSize, _ seed: UInt64) -> Scenario {
        ProcurementBenchmark.withFeatures(ScenarioGenerator(size: size, seed: seed, procurementFeatures: false).scenario())
    }

    /// The exact reductions keep the optimum with the features on (fixed charges are never the
    /// per-token anchor), with whole units and relaxed.
    func testReductionsKeepTheOptimumWithTheFeatures() throws {
        var solveOptions = SolveOptions()
        solveOptions.mip.relativeGap = 1e-9
        solveOptions.mip.timeLimit = 20
        var compared = 0
        for seed in UInt64(1)...40 {
            let scenario = Self.featured(.tiny, seed)
            let integer = seed % 2 == 0
            var objectives: [Double] = []
            for reductions in [false, true] {
                let model = CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(names: false, integerUnits: integer, reductions: reductions))
                let solution = try GLPKSolver.solve(model.lp, options: solveOptions)
                guard solution.termination == .optimal, let objective = solution.objectiveValue else { break }
                objectives.append(objective)
            }
            guard objectives.count == 2 else { continue }
            XCTAssertEqual(objectives[1], objectives[0], accuracy: 1e-7 * max(1, abs(objectives[0])), "seed \(seed)")
            compared += 1
        }
        XCTAssertGreaterThan(compared, 30)
    }

    /// The LP relaxation (ρ, z, u, α continuous: the heuristics' LPs): the decomposition with
    /// u, α and the contract starts in the master reaches the whole model's optimum; with whole
    /// units or binaries the blocks would hold integers and Benders declines; with spare units
    /// it is not offered.
    func testBendersWithTheFeatures() throws {
        var decomposed = 0
        for (size, seeds) in [(ScenarioSize.tiny, UInt64(1)...30), (.small, 1...3)] {
            for seed in seeds {
                let spare = ProcurementBenchmark.withFeatures(ScenarioGenerator(size: size, seed: seed, procurementFeatures: false).scenario())
                let spareModel = CapacityModelBuilder.buildModel(spare, options: CapacityModelOptions(names: false))
                if !spareModel.index.poolsInUse.isEmpty { XCTAssertNil(FleetDecomposition.decomposition(of: spareModel)) }
                let scenario = ProcurementBenchmark.withFeatures(ScenarioGenerator(size: size, seed: seed, procurementFeatures: false).scenario(), [.contracts, .replicas, .platforms])
                let model = CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(names: false, integerUnits: false))
                guard let decomposition = FleetDecomposition.decomposition(of: model) else { continue }
                let whole = try GLPKSolver.solve(model.lp.relaxed(), options: SolveOptions())
                let split = try GLPKSolver.solveByBenders(model.lp.relaxed(), decomposition: decomposition, options: SolveOptions())
                let expected = try XCTUnwrap(whole.objectiveValue)
                XCTAssertEqual(try XCTUnwrap(split.objectiveValue), expected, accuracy: 1e-7 * max(1, abs(expected)), "\(size) seed \(seed)")
                decomposed += 1
                let mip = CapacityModelBuilder.buildModel(scenario.withIntegerUnits(true), options: CapacityModelOptions(names: false))
                if let mipDecomposition = FleetDecomposition.decomposition(of: mip), !mip.index.replicaPairs.isEmpty {
                    XCTAssertThrowsError(try GLPKSolver.solveByBenders(mip.lp, decomposition: mipDecomposition, options: SolveOptions())) {
                        XCTAssertTrue($0 is BendersNotApplicable)
                    }
                }
            }
        }
        XCTAssertGreaterThan(decomposed, 10)
    }

    /// The breakeven's re-solve at scaled demand (`withDemand`) is the model built at that
    /// demand: r_wps also scales the binaries' coefficients in replicaInUse, poolInUse and
    /// platformInUse.
    func testScaledDemandMatchesTheModelBuiltAtThatDemand() throws {
        var solveOptions = SolveOptions()
        solveOptions.mip.relativeGap = 1e-9
        solveOptions.mip.timeLimit = 20
        var compared = 0
        for seed in UInt64(1)...20 {
            let scenario = Self.featured(.tiny, seed)
            var scaled = scenario
            scaled.workloads[0].demand = scenario.workloads[0].demand.map { $0 * 0.3 }
            let model = CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(names: false))
            guard !model.index.replicaPairs.isEmpty || !model.index.poolsInUse.isEmpty || !model.index.platforms.isEmpty else { continue }
            let rescaled = try GLPKSolver.solve(model.withDemand(ofWorkload: 0, scaledBy: 0.3, scenario: scaled).lp, options: solveOptions)
            let built = try GLPKSolver.solve(CapacityModelBuilder.buildModel(scaled, options: CapacityModelOptions(names: false)).lp, options: solveOptions)
            guard built.termination == .optimal, let expected = built.objectiveValue else { continue }
            XCTAssertEqual(rescaled.termination, .optimal, "seed \(seed)")
            XCTAssertEqual(try XCTUnwrap(rescaled.objectiveValue), expected, accuracy: 1e-7 * max(1, abs(expected)), "seed \(seed)")
            compared += 1
        }
        XCTAssertGreaterThan(compared, 5)
    }

    /// replicaRounding is exact: generated whole-unit scenarios with replicas (section 8's
    /// features) have the same optimum with and without it, to a 1e-9 gap, while its
    /// relaxation is never weaker and is stronger on some. A breakeven's rescaled model
    /// (`withDemand`) has the rows of the model built at the scaled demand, entry for entry.
    func testReplicaRoundingKeepsTheOptimumOfThePlainModel() throws {
        var solveOptions = SolveOptions()
        solveOptions.mip.relativeGap = 1e-9
        solveOptions.mip.timeLimit = 20
        var compared = 0, tightened = 0, rescaled = 0
        for seed in UInt64(1)...30 {
            let scenario = Self.featured(.tiny, seed).withIntegerUnits(true)
            let models = [true, false].map {
                CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(names: false, replicaRounding: $0))
            }
            guard models[0].index.replicaPairs.contains(where: { $0.roundingRows != nil }) else { continue }
            let solutions = try models.map { try GLPKSolver.solve($0.lp, options: solveOptions) }
            let relaxations = try models.map { try GLPKSolver.solve($0.lp.relaxed(), options: SolveOptions()).objectiveValue ?? .nan }
            if let lower = relaxations.last, relaxations[0] < lower - 1e-7 * max(1, abs(lower)) {
                XCTFail("seed \(seed): relaxation \(relaxations[0]) below the plain one's \(lower)")
            }
            if relaxations[0] > relaxations[1] + 1e-6 * max(1, abs(relaxations[1])) { tightened += 1 }
            guard solutions.allSatisfy({ $0.termination == .optimal }) else {
                XCTAssertEqual(solutions[0].termination, solutions[1].termination, "seed \(seed)")
                continue
            }
            let (a, b) = (try XCTUnwrap(solutions[0].objectiveValue), try XCTUnwrap(solutions[1].objectiveValue))
            XCTAssertEqual(a, b, accuracy: 1e-7 * max(1, abs(b)), "seed \(seed)")
            compared += 1

            var scaled = scenario
            scaled.workloads[0].demand = scenario.workloads[0].demand.map { $0 * 0.3 }
            let rebuilt = CapacityModelBuilder.buildModel(scaled, options: CapacityModelOptions(names: false)).lp
            let moved = models[0].withDemand(ofWorkload: 0, scaledBy: 0.3, scenario: scaled).lp
            XCTAssertEqual(moved.constraintCount, rebuilt.constraintCount, "seed \(seed)")
            for replica in models[0].index.replicaPairs {
                guard let rows = replica.roundingRows else { continue }
                for k in 0..<(scenario.horizon.periods * scenario.timeSlices.count) {
                    let row = rows.start + k
                    XCTAssertEqual(moved.constraintUpper[row] ?? .nan, rebuilt.constraintUpper[row] ?? .nan,
                                   accuracy: 1e-9 * max(1, abs(rebuilt.constraintUpper[row] ?? 1)), "seed \(seed) row \(row)")
                    XCTAssertTrue(Self.sameEntries(Self.rowEntries(moved, row), Self.rowEntries(rebuilt, row)), "seed \(seed) row \(row)")
                    rescaled += 1
                }
            }
        }
        XCTAssertGreaterThan(compared, 5)
        XCTAssertGreaterThan(tightened, 2)
        XCTAssertGreaterThan(rescaled, 20)
    }

    /// A row's entries summed by column.
    static func rowEntries(_ lp: LinearModel, _ row: Int) -> [Int: Double] {
        var entries: [Int: Double] = [:]
        for k in lp.entryRows.indices where lp.entryRows[k] == Int32(row) {
            entries[Int(lp.entryColumns[k]), default: 0] += lp.entryValues[k]
        }
        return entries
    }

    /// Whether two rows' entries agree within `tolerance` of the row's largest entry (scaled
    /// rates round differently from rates of scaled demand).
    static func sameEntries(_ a: [Int: Double], _ b: [Int: Double], tolerance: Double = 1e-9) -> Bool {
        let scale = max(1, (Array(a.values) + Array(b.values)).map(abs).max() ?? 1)
        return Set(a.keys).union(b.keys).allSatisfy { abs((a[$0] ?? 0) - (b[$0] ?? 0)) <= tolerance * scale }
    }

    /// The primal heuristics hand over only whole-unit plans with the new integers: every
    /// integer column whole, and the point an optimal LP once all of them are fixed, no better
    /// than the proven optimum. The rounding heuristic's proposal (GLPK's first incumbent)
    /// leaves the optimum unchanged.
    func testHeuristicIncumbentsAreWholeWithTheFeatures() throws {
        var found = 0
        for seed in UInt64(1)...12 {
            let model = CapacityModelBuilder.buildModel(Self.featured(.tiny, seed).withIntegerUnits(true), options: CapacityModelOptions(names: false))
            guard PrimalHeuristics.hasDispatchIntegers(model) else { continue }
            var solveOptions = SolveOptions()
            solveOptions.mip.relativeGap = 1e-9
            let optimum = try GLPKSolver.solve(model.lp, options: solveOptions)
            guard optimum.termination == .optimal, let best = optimum.objectiveValue else { continue }
            var rounding = solveOptions
            rounding.mip.roundingHeuristic = { RoundingHeuristic.proposal(scenario: model.scenario, model: model, relaxation: $0) }
            XCTAssertEqual(try XCTUnwrap(try GLPKSolver.solve(model.lp, options: rounding).objectiveValue), best, accuracy: 1e-7 * max(1, abs(best)))
            let outcome = try PrimalHeuristics.run(model, options: PlanOptions(), deadline: Deadline(seconds: 30))
            guard let incumbent = outcome.best else { continue }
            found += 1
            XCTAssertGreaterThanOrEqual(incumbent.objective, best - 1e-7 * max(1, abs(best)), "seed \(seed)")
            var lp = model.lp.relaxed()
            for variable in model.lp.variables where model.lp.kind(of: variable) != .continuous {
                let value = incumbent.values[variable.index]
                XCTAssertEqual(value, value.rounded(), accuracy: 1e-6, "seed \(seed) \(incumbent.origin)")
                lp.setBounds(variable, lower: value.rounded(), upper: value.rounded())
            }
            let completed = try GLPKSolver.solve(lp, options: SolveOptions())
            XCTAssertEqual(completed.termination, .optimal, "seed \(seed) \(incumbent.origin)")
        }
        XCTAssertGreaterThan(found, 3)
    }
}

/// The same hand-computed optima through `Planner.plan`: the independent evaluator audits each
/// plan (its discounted cost against the solver's objective, every row of section 8 checked).
final class ProcurementPlannerTests: XCTestCase {
    func plan(_ scenario: Scenario, relax: Bool = false) throws -> PlanDocument {
        var options = PlanOptions()
        options.baselines = false
        options.relax = relax
        options.mipGap = 1e-9
        let plan = try Planner.plan(scenario, options: options)
        XCTAssertEqual(plan.status, .optimal)
        XCTAssertNotNil(plan.audit)
        return plan
    }

    func testHandComputedOptimaPassTheAudit() throws {
        let m = ProcurementModelTests.self
        var tiny = m.gcp(demand: [1e6], offerings: ["on-demand"])
        tiny.timeSlices = [TimeSlice(name: "day", hours: 12, share: 1), TimeSlice(name: "night", hours: 12, share: 0)]
        tiny.offerings[0] = .rental(RentalOffering(
            id: "gcp-h100-on-demand", pricePerUnitHour: 11.06, commitment: .none, throughput: ["chat": 2700], acceleratorsPerReplica: ["chat": 2]))
        var replicas = m.gcp(demand: [32_400 * m.quarterSeconds], offerings: [])
        replicas.offerings = [.rental(RentalOffering(
            id: "gcp-h100-reserved", pricePerUnitHour: 7.67, commitment: .period, throughput: ["chat": 2700], acceleratorsPerReplica: ["chat": 8]))]
        let cases: [(String, Scenario, Double)] = [
            ("spike", m.gcp(demand: [1e10, 5e11, 1e10, 1e10], offerings: ["on-demand", "3-year"]), 5.3e11 * 11.06 / (2700 * 3600)),
            ("beyond the horizon", m.gcp(demand: Array(repeating: 5400 * m.quarterSeconds, count: 8)), 255_441.6),
            ("tiny demand, whole replica", tiny, 24_221.4),
            ("70B on whole replicas", replicas, 268_756.8),
            ("adopt at volume", m.platforms(nodes: 10), 2_600_000),
            ("not at low volume", m.platforms(nodes: 2), 600_000),
            ("adopted before", m.platforms(nodes: 2, existingAMD: 1), 300_000),
            ("N+1", m.spare(existing: 0), 500_000),
            ("N+1 with 4 existing", m.spare(existing: 4), 100_000),
            ("derating", m.spare(existing: 0, spareUnits: 0, derating: 0.05, rate: 3850), 500_000),
        ]
        for (label, scenario, expected) in cases {
            let plan = try plan(scenario)
            XCTAssertEqual(try XCTUnwrap(plan.totals?.discountedCost), expected, accuracy: 1e-6 * expected, label)
        }
    }

    /// The whole 3-year term is charged, the part beyond the horizon included: two GPUs
    /// started in 2027Q1 of an 8-quarter horizon leave 4 quarters, 2 · 4.86 · 2190 · 4 =
    /// 85 147.2, after it.
    func testTheEvaluatorChargesTheTermBeyondTheHorizon() throws {
        let scenario = ProcurementModelTests.gcp(demand: Array(repeating: 5400 * ProcurementModelTests.quarterSeconds, count: 8))
        let model = CapacityModelBuilder.buildModel(scenario)
        let solution = try GLPKSolver.solve(model.lp, options: SolveOptions())
        XCTAssertEqual(solution.termination, .optimal)
        let decisions = PlanExtraction.decisions(scenario: scenario, model: model, solution: solution, integer: true)
        let evaluation = PlanEvaluator(scenario: scenario, tolerance: 1e-6).evaluate(decisions)
        XCTAssertEqual(evaluation.commitmentsBeyondHorizon, 85_147.2, accuracy: 1e-6)
        XCTAssertEqual(evaluation.discountedCost, 255_441.6, accuracy: 1e-6)
        XCTAssertEqual(evaluation.contractStarts["gcp-h100-3-year"]?.first ?? 0, 2, accuracy: 1e-9)
    }

    /// `--relax` relaxes units, not the on/off decisions: the tiny workload still pays its
    /// whole replica (2 GPUs for the day hours, 24 221.4), and the N+1 pool its spare unit
    /// with fractional units (3.2 + 1 = 4.2 nodes, 420 000); the evaluator audits both.
    func testRelaxKeepsTheFixedCharges() throws {
        let m = ProcurementModelTests.self
        var tiny = m.gcp(demand: [1e6], offerings: ["on-demand"])
        tiny.timeSlices = [TimeSlice(name: "day", hours: 12, share: 1), TimeSlice(name: "night", hours: 12, share: 0)]
        tiny.offerings[0] = .rental(RentalOffering(
            id: "gcp-h100-on-demand", pricePerUnitHour: 11.06, commitment: .none, throughput: ["chat": 2700], acceleratorsPerReplica: ["chat": 2]))
        XCTAssertEqual(try XCTUnwrap(try plan(tiny, relax: true).totals?.discountedCost), 24_221.4, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(try plan(m.spare(existing: 0), relax: true).totals?.discountedCost), 420_000, accuracy: 1e-6)
    }
}
