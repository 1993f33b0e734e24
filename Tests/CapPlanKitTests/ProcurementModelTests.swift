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
