import XCTest
import LinearProgramming
@testable import CapPlanKit

/// Serving options (docs/formulation.md section 9): each allowed precision is its own option
/// (o, w, k) with its throughput and replica size, and the planner chooses. The scenarios set
/// `derivedServing` directly (figures chosen for hand computation, not the performance model's),
/// so the builder and the plan are tested on their own. Years: h = 8760, d = 365; one all-day
/// slice lasts 31 536 000 s; ρ = 0 and U = 1 unless stated.
final class ServingOptionsPlanTests: XCTestCase {
    static let yearSeconds = 31_536_000.0

    /// A derivation record for an option (only the plan's `derivedThroughput` reads it).
    static func derivation(tensorParallel: Int, perReplica: Double) -> ThroughputDerivation {
        ThroughputDerivation(
            model: "llama-3.1-70b", accelerator: "h100-sxm", latency: .interactive, inputTokens: 1000, outputTokens: 200,
            tensorParallel: tensorParallel, batch: 32, tokensPerSecondPerReplica: perReplica, efficiencyFactor: 0.5,
            efficiencyCalibrated: true, decodeBound: "memory")
    }

    static func option(_ precision: Precision, tau: Double, replica: Int? = nil, tensorParallel: Int, perReplica: Double) -> ServingOption {
        ServingOption(precision: precision, tokensPerSecond: tau, acceleratorsPerReplica: replica,
                      derivation: derivation(tensorParallel: tensorParallel, perReplica: perReplica))
    }

    /// "chat" at a steady `rate` tokens/s over `years` years, allowed bf16 and int4.
    static func chat(rate: Double, years: Int = 1, minReplicas: Int = 1) -> Workload {
        Workload(id: "chat", outputShare: 200.0 / 1200, model: "llama-3.1-70b",
                 demand: Array(repeating: rate * yearSeconds, count: years), minReplicas: minReplicas,
                 serving: WorkloadServing(precisions: [.bf16, .int4], latency: .interactive, inputTokens: 1000, outputTokens: 200))
    }

    static func scenario(_ name: String, workloads: [Workload], offerings: [Offering], policy: Policy = Policy()) -> Scenario {
        Scenario(name: name, horizon: Horizon(start: PeriodLabel("2027")!, periods: workloads[0].demand.count),
                 workloads: workloads, offerings: offerings, policy: policy)
    }

    /// The model of `scenario` solved to proven optimality (gap 1e-9).
    func optimum(_ scenario: Scenario, options: CapacityModelOptions = CapacityModelOptions()) throws -> (Solution, CapacityModel) {
        let model = CapacityModelBuilder.buildModel(scenario, options: options)
        var solveOptions = SolveOptions()
        solveOptions.mip.relativeGap = 1e-9
        let solution = try GLPKSolver.solve(model.lp, options: solveOptions)
        XCTAssertEqual(solution.termination, .optimal)
        return (solution, model)
    }

    func column(_ model: CapacityModel, _ name: String) throws -> Variable {
        Variable(index: try XCTUnwrap(model.lp.variableNames.firstIndex(of: name), "no column \(name)"))
    }

    // MARK: (a) the planner chooses the precision

    /// One 8-GPU node bought for 300 000 USD with a one-year life (capex 300 000 a unit-year),
    /// serving 30 000 tokens/s: at bf16 (τ = 1000 a node) 30 nodes, 9 000 000 USD; at int4
    /// (τ = 3000 a node) 10 nodes, 3 000 000 USD. The plan serves everything at int4 and buys a
    /// third of the units.
    static var nodeScenario: Scenario {
        var node = PurchaseOffering(id: "h100-node", unitPrice: 300_000, accelerator: "H100", acceleratorsPerUnit: 8,
                                    lifetimePeriods: 1, throughput: [:])
        node.derivedServing = ["chat": [
            option(.bf16, tau: 1000, tensorParallel: 4, perReplica: 500),
            option(.int4, tau: 3000, tensorParallel: 1, perReplica: 375),
        ]]
        node.unfitPrecisions = ["chat": [UnfitPrecision(precision: .fp8, reason: "no FP8 arithmetic on this accelerator (test)")]]
        return scenario("node", workloads: [chat(rate: 30_000)], offerings: [.purchase(node)])
    }

    func testThePlanServesAllAtTheCheaperPrecision() throws {
        // Without reductions, both options are in the model and the solver picks int4.
        let (solution, model) = try optimum(Self.nodeScenario, options: CapacityModelOptions(reductions: false))
        XCTAssertEqual(try XCTUnwrap(solution.objectiveValue), 3_000_000, accuracy: 1e-6)
        XCTAssertEqual(solution[try column(model, "b[h100-node,2027]")], 10)
        XCTAssertEqual(solution[try column(model, "x[h100-node,chat@int4,2027,all-day]")], 30_000, accuracy: 1e-6)
        XCTAssertEqual(solution[try column(model, "x[h100-node,chat@bf16,2027,all-day]")], 0, accuracy: 1e-9)
        // Both options are serving pairs of their own, with their own τ; none has a replica size.
        let pairs = model.index.servingPairs
        XCTAssertEqual(pairs.map(\.precision), [.bf16, .int4])
        XCTAssertEqual(pairs.map(\.throughput), [1000, 3000])
        XCTAssertTrue(model.index.replicaPairs.isEmpty)
        // The capacity row counts each option's load by its own τ: x_bf16 / 1000 + x_int4 / 3000 ≤ n.
        let row = model.index.ownedCapacityRows[0].constraint(0, 0).index
        var coefficients: [Int: Double] = [:]
        for k in model.lp.entryRows.indices where Int(model.lp.entryRows[k]) == row {
            coefficients[Int(model.lp.entryColumns[k]), default: 0] += model.lp.entryValues[k]
        }
        XCTAssertEqual(coefficients[pairs[0].columns.offset(0, 0)], 1.0 / 1000)
        XCTAssertEqual(coefficients[pairs[1].columns.offset(0, 0)], 1.0 / 3000)
        // With reductions, bf16 (no replica size, slower on the same node) is not built; same optimum.
        let (reduced, reducedModel) = try optimum(Self.nodeScenario)
        XCTAssertEqual(try XCTUnwrap(reduced.objectiveValue), 3_000_000, accuracy: 1e-6)
        XCTAssertEqual(reducedModel.index.servingPairs.map(\.precision), [.int4])
        XCTAssertEqual(reducedModel.reductions, [
            "not built, no faster than another option of the same offering and workload, neither with a replica size: h100-node/chat@bf16",
        ])
    }

    /// The plan's decisions key each derived option `workload@precision`, and the derived
    /// throughput section records both options with what each served: all 9.4608e11 tokens
    /// (30 000 tokens/s for a year) at int4, none at bf16, and fp8's reason.
    func testDecisionsAndDerivedThroughputPerOption() throws {
        let scenario = Self.nodeScenario
        let (solution, model) = try optimum(scenario, options: CapacityModelOptions(reductions: false))
        let decisions = PlanExtraction.decisions(scenario: scenario, model: model, solution: solution, integer: true)
        XCTAssertEqual(Set(try XCTUnwrap(decisions.served["h100-node"]).keys), ["chat@bf16", "chat@int4"])
        XCTAssertEqual(try XCTUnwrap(decisions.served["h100-node"]?["chat@int4"])[0][0], 30_000, accuracy: 1e-6)
        let derived = try XCTUnwrap(PlanExtraction.derivedThroughput(scenario: scenario, decisions: decisions))
        XCTAssertEqual(derived.count, 1)
        let line = derived[0]
        XCTAssertEqual(line.offering, "h100-node")
        XCTAssertEqual(line.workload, "chat")
        XCTAssertEqual(line.model, "llama-3.1-70b")
        XCTAssertEqual(line.accelerator, "h100-sxm")
        XCTAssertEqual(line.options.map(\.precision), [.bf16, .int4])
        XCTAssertEqual(line.options.map(\.tokensPerSecondPerUnit), [1000, 3000])
        XCTAssertEqual(line.options.map(\.acceleratorsPerReplica), [4, 1])
        XCTAssertEqual(line.options.map(\.replicaSizeInModel), [nil, nil])
        XCTAssertEqual(line.options[0].servedTokens, 0)
        XCTAssertEqual(line.options[1].servedTokens, 30_000 * Self.yearSeconds, accuracy: 1)
        XCTAssertEqual(line.unfit, [.init(precision: .fp8, reason: "no FP8 arithmetic on this accelerator (test)")])
        // A scenario without derived options has no section (plans keep their bytes).
        var given = scenario
        given.offerings = [.purchase(PurchaseOffering(id: "h100-node", unitPrice: 300_000, lifetimePeriods: 1, throughput: ["chat": 3000]))]
        XCTAssertNil(PlanExtraction.derivedThroughput(scenario: given, decisions: decisions))
    }

    // MARK: (b) replica sizes: the small replica at low demand, the fast one at high demand

    /// Per-GPU on-demand rental at 2 USD per GPU-hour, 17 520 USD a GPU-year. bf16: 4-GPU
    /// replicas at 1000 tokens/s per GPU (4000 a replica); int4: 1-GPU replicas at 600 tokens/s
    /// per GPU (lower per GPU, smaller replica). μ = 1, ρ continuous on demand but at least one
    /// replica while serving.
    static func perGPU(rate: Double, minReplicas: Int = 1, commitment: RentalCommitment = .none, maxUnits: Double? = nil) -> Scenario {
        var rental = RentalOffering(id: "gpu", pricePerUnitHour: 2, accelerator: "H100", acceleratorsPerUnit: 1,
                                    commitment: commitment, maxUnits: maxUnits, throughput: [:])
        rental.derivedServing = ["chat": [
            option(.bf16, tau: 1000, replica: 4, tensorParallel: 4, perReplica: 4000),
            option(.int4, tau: 600, replica: 1, tensorParallel: 1, perReplica: 600),
        ]]
        return scenario("per-gpu", workloads: [chat(rate: rate, minReplicas: minReplicas)], offerings: [.rental(rental)])
    }

    /// 300 tokens/s: int4 needs max(300 / 600, 1) = 1 replica, 1 GPU; bf16 max(300 / 4000, 1) = 1
    /// replica, 4 GPUs. The plan runs one int4 replica: 1 · 17 520 = 17 520 USD.
    func testLowDemandTakesTheSmallReplica() throws {
        let (solution, model) = try optimum(Self.perGPU(rate: 300))
        XCTAssertEqual(try XCTUnwrap(solution.objectiveValue), 17_520, accuracy: 1e-6)
        XCTAssertEqual(solution[try column(model, "x[gpu,chat@int4,2027,all-day]")], 300, accuracy: 1e-6)
        XCTAssertEqual(solution[try column(model, "rho[gpu,chat@int4,2027,all-day]")], 1, accuracy: 1e-9)
        XCTAssertEqual(solution[try column(model, "rho[gpu,chat@bf16,2027,all-day]")], 0, accuracy: 1e-9)
        // Each option has its own replica rows, named with its precision.
        XCTAssertEqual(model.index.replicaPairs.map(\.precision), [.bf16, .int4])
        XCTAssertEqual(model.index.replicaPairs.map(\.unitsPerReplica), [4, 1])
        for name in ["replicaCapacity[gpu,chat@bf16,2027,all-day]", "minimumReplicas[gpu,chat@int4,2027,all-day]", "replicaInUse[gpu,chat@int4,2027,all-day]"] {
            XCTAssertTrue(model.lp.constraintNames.contains(name), name)
        }
    }

    /// 12 000 tokens/s: bf16 serves a token with 1/1000 GPU, int4 with 1/600; all at bf16 is
    /// 3 replicas, 12 GPUs (int4 alone: 20 GPUs), 12 · 17 520 = 210 240 USD.
    func testHighDemandTakesTheFasterPrecision() throws {
        let (solution, model) = try optimum(Self.perGPU(rate: 12_000))
        XCTAssertEqual(try XCTUnwrap(solution.objectiveValue), 210_240, accuracy: 1e-6)
        XCTAssertEqual(solution[try column(model, "x[gpu,chat@bf16,2027,all-day]")], 12_000, accuracy: 1e-6)
        XCTAssertEqual(solution[try column(model, "rho[gpu,chat@bf16,2027,all-day]")], 3, accuracy: 1e-6)
        XCTAssertEqual(solution[try column(model, "x[gpu,chat@int4,2027,all-day]")], 0, accuracy: 1e-9)
    }

    // MARK: (c) minReplicas per option

    /// The same options on a reserved per-GPU rental (whole GPUs, 17 520 USD a GPU-year) at
    /// 4600 tokens/s. With μ = 1 and at most 5 GPUs, the only plan is one bf16 replica (4 GPUs,
    /// 4000 tokens/s) beside one int4 replica (1 GPU, 600 tokens/s): 5 GPUs, 87 600 USD (and no
    /// plan does with fewer: 4600 / 1000 > 4). With μ = 2 each option that serves runs 2
    /// replicas: a bf16 pair takes 8 GPUs, and int4 alone 8 replicas (4600 / 600 = 7.67), so
    /// 5 GPUs hold no plan; with 8 allowed the optimum is 8 GPUs, 140 160 USD. Were μ counted
    /// over the pair's options together, 1 + 1 replicas would do on 5 GPUs.
    func testMinimumReplicasHoldForEachOptionThatServes() throws {
        let (one, oneModel) = try optimum(Self.perGPU(rate: 4600, commitment: .period, maxUnits: 5))
        XCTAssertEqual(try XCTUnwrap(one.objectiveValue), 87_600, accuracy: 1e-6)
        XCTAssertEqual(one[try column(oneModel, "rho[gpu,chat@bf16,2027,all-day]")], 1)
        XCTAssertEqual(one[try column(oneModel, "rho[gpu,chat@int4,2027,all-day]")], 1)
        // μ = 1 on whole units: the minimum is implied, no z.
        XCTAssertTrue(oneModel.index.replicaPairs.allSatisfy { $0.inUse == nil })

        let capped = CapacityModelBuilder.buildModel(Self.perGPU(rate: 4600, minReplicas: 2, commitment: .period, maxUnits: 5))
        let infeasible = try GLPKSolver.solve(capped.lp, options: SolveOptions())
        XCTAssertFalse(infeasible.hasPrimalPoint, "μ = 2 per option leaves no plan on 5 GPUs")

        let (two, twoModel) = try optimum(Self.perGPU(rate: 4600, minReplicas: 2, commitment: .period, maxUnits: 8))
        XCTAssertEqual(try XCTUnwrap(two.objectiveValue), 140_160, accuracy: 1e-6)
        XCTAssertEqual(twoModel.index.replicaPairs.map(\.minimum), [2, 2])
        XCTAssertTrue(twoModel.index.replicaPairs.allSatisfy { $0.inUse != nil })
        // Whichever option serves runs at least 2 replicas.
        for precision in ["bf16", "int4"] {
            let z = two[try column(twoModel, "z[gpu,chat@\(precision),2027,all-day]")]
            let rho = two[try column(twoModel, "rho[gpu,chat@\(precision),2027,all-day]")]
            XCTAssertGreaterThanOrEqual(rho, 2 * z - 1e-9)
        }
    }

    // MARK: (d) a given throughput is the old model

    /// A given throughput wins over derived options (explicit throughputs win): the model is
    /// the one of the same scenario without `derivedServing`, entry for entry. One purchase,
    /// one workload, one period and slice: columns b, n, x; rows fleet (n, b), demand (x),
    /// ownedCapacity (n, x): 3 columns, 3 rows, 5 nonzeros, and x keeps its name.
    func testAGivenThroughputGivesExactlyTheOldModel() throws {
        let plain = PurchaseOffering(id: "h100-node", unitPrice: 300_000, acceleratorsPerUnit: 8, lifetimePeriods: 1,
                                     throughput: ["chat": 2000])
        var withDerived = plain
        withDerived.derivedServing = Self.nodeScenario.purchases[0].derivedServing
        let old = CapacityModelBuilder.buildModel(Self.scenario("given", workloads: [Self.chat(rate: 30_000)], offerings: [.purchase(plain)]))
        let new = CapacityModelBuilder.buildModel(Self.scenario("given", workloads: [Self.chat(rate: 30_000)], offerings: [.purchase(withDerived)]))
        XCTAssertEqual(new.lp.variableCount, 3)
        XCTAssertEqual(new.lp.constraintCount, 3)
        XCTAssertEqual(new.lp.entryCount, 5)
        XCTAssertEqual(new.lp.variableNames, old.lp.variableNames)
        XCTAssertTrue(new.lp.variableNames.contains("x[h100-node,chat,2027,all-day]"))
        XCTAssertEqual(new.lp.constraintNames, old.lp.constraintNames)
        XCTAssertEqual(new.lp.objectiveCoefficients, old.lp.objectiveCoefficients)
        XCTAssertEqual(new.lp.entryRows, old.lp.entryRows)
        XCTAssertEqual(new.lp.entryColumns, old.lp.entryColumns)
        XCTAssertEqual(new.lp.entryValues, old.lp.entryValues)
        XCTAssertEqual(new.lp.constraintLower, old.lp.constraintLower)
        XCTAssertEqual(new.lp.constraintUpper, old.lp.constraintUpper)
        XCTAssertEqual(new.index.servingPairs.map(\.precision), [nil])
    }

    // MARK: The plan, audited by the independent evaluator

    /// `Planner.plan` on the cases above: the evaluator, which recomputes every option's load
    /// and replicas from the scenario, agrees with the solver's objective, and the plan costs
    /// the hand-computed figures. Served tokens per offering sum the options; by precision they
    /// say which one the plan chose.
    func testPlansWithOptionsPassTheAudit() throws {
        let cases: [(Scenario, Double)] = [
            (Self.nodeScenario, 3_000_000),
            (Self.perGPU(rate: 300), 17_520),
            (Self.perGPU(rate: 12_000), 210_240),
            (Self.perGPU(rate: 4600, commitment: .period, maxUnits: 5), 87_600),
            (Self.perGPU(rate: 4600, minReplicas: 2, commitment: .period, maxUnits: 8), 140_160),
        ]
        var options = PlanOptions()
        options.baselines = false
        for (scenario, cost) in cases {
            let plan = try Planner.plan(scenario, options: options)
            XCTAssertEqual(plan.status, .optimal, scenario.name)
            let audit = try XCTUnwrap(plan.audit, scenario.name)
            XCTAssertEqual(audit.violations, [], scenario.name)
            XCTAssertLessThanOrEqual(audit.relativeDifference, 1e-9, scenario.name)
            XCTAssertEqual(try XCTUnwrap(plan.totals).discountedCost, cost, accuracy: 1e-6, scenario.name)
            XCTAssertEqual(try XCTUnwrap(plan.totals).tokensUnserved, 0)
        }

        let node = try Planner.plan(Self.nodeScenario, options: options)
        let line = try XCTUnwrap(node.periods.first?.workloads.first)
        XCTAssertEqual(try XCTUnwrap(line.servedTokens["h100-node"]), 30_000 * Self.yearSeconds, accuracy: 1)
        XCTAssertEqual(line.servedTokensByPrecision?["h100-node"]?.keys.sorted(), ["int4"])
        XCTAssertEqual(node.derivedThroughput?.first?.options.map(\.servedTokens).first, 0)
        let text = PlanReport.text(node)
        XCTAssertTrue(text.contains("Derived throughput"), text)
        XCTAssertTrue(text.contains("h100-node/chat fp8 does not fit: no FP8 arithmetic on this accelerator (test)"), text)
        let row = try XCTUnwrap(text.split(separator: "\n").first { $0.contains("h100-node") && $0.contains("int4") })
        XCTAssertTrue(row.contains("3000") && row.contains("946.08B"), String(row))

        // One replica line per option that runs replicas, with its precision.
        let low = try Planner.plan(Self.perGPU(rate: 300), options: options)
        XCTAssertEqual(low.replicas?.map(\.precision), [.int4])
        XCTAssertEqual(low.replicas?.first?.periods.first?.peak, 1)
        XCTAssertTrue(PlanReport.text(low).contains("gpu/chat@int4 (1 acc.)"))
        let two = try Planner.plan(Self.perGPU(rate: 4600, commitment: .period, maxUnits: 5), options: options)
        XCTAssertEqual(two.replicas?.map(\.precision), [.bf16, .int4])
    }

    /// Cost attribution charges a workload the load of each of its options: on the 5 reserved
    /// GPUs of case (c) (87 600 USD), chat's one bf16 replica takes 4 GPUs and its int4 replica 1,
    /// so chat pays all 87 600 and nothing is idle (were options ignored, all of it would be).
    func testAttributionCountsEveryOptionsLoad() throws {
        var options = PlanOptions()
        options.baselines = false
        let plan = try Planner.plan(Self.perGPU(rate: 4600, commitment: .period, maxUnits: 5), options: options)
        let attribution = try XCTUnwrap(plan.finance?.attribution)
        XCTAssertEqual(attribution.workloads.map(\.workload), ["chat"])
        XCTAssertEqual(attribution.workloads[0].cost.reserved, 87_600, accuracy: 1e-6)
        XCTAssertEqual(attribution.idle.total, 0, accuracy: 1e-6)
        XCTAssertEqual(attribution.workloads[0].tokensServed, 4600 * Self.yearSeconds, accuracy: 1)
    }

    // MARK: Diagnosis names the precision

    /// Infeasible plans say which option stops them: a reserved per-GPU rental capped at 3 GPUs
    /// holds no 4-GPU bf16 replica; a workload whose only precision does not fit is served by
    /// no offering, and the diagnosis gives the performance model's reason.
    func testTheDiagnosisNamesPrecisions() throws {
        var options = PlanOptions()
        options.baselines = false
        var rental = RentalOffering(id: "gpu", pricePerUnitHour: 2, acceleratorsPerUnit: 1, commitment: .period, maxUnits: 3, throughput: [:])
        rental.derivedServing = ["chat": [Self.option(.bf16, tau: 1000, replica: 4, tensorParallel: 4, perReplica: 4000)]]
        let capped = try Planner.plan(Self.scenario("capped", workloads: [Self.chat(rate: 300)], offerings: [.rental(rental)]), options: options)
        XCTAssertEqual(capped.status, .infeasible)
        let limits = try XCTUnwrap(capped.diagnosis?.shortfalls.first?.limits)
        XCTAssertTrue(limits.contains("gpu.maxUnits = 3.0 holds fewer than minReplicas 1 replica(s) of chat at bf16 (4 accelerators each, 4 units)"), "\(limits)")

        var node = PurchaseOffering(id: "a100-node", unitPrice: 200_000, acceleratorsPerUnit: 8, lifetimePeriods: 1, throughput: [:])
        node.unfitPrecisions = ["chat": [UnfitPrecision(precision: .fp8, reason: "A100 has no FP8 arithmetic")]]
        let unfit = try Planner.plan(Self.scenario("unfit", workloads: [Self.chat(rate: 300)], offerings: [.purchase(node)]), options: options)
        XCTAssertEqual(unfit.status, .infeasible)
        XCTAssertEqual(unfit.diagnosis?.shortfalls.first?.limits,
                       ["no offering serves chat (precisions that do not fit: a100-node at fp8: A100 has no FP8 arithmetic)"])
    }

    // MARK: Reductions and size per option

    /// Section 9's reductions per option: on an on-demand rental at 2 USD per unit-hour with
    /// no replica sizes, int4 (τ = 3000) costs 2 / (3000 · 3600) USD a token, bf16 (τ = 1000)
    /// three times that; int4 is the unlimited anchor and the bf16 option is not built. The
    /// optimum is the same without reductions: 30 000 / 3000 = 10 units all year, 175 200 USD.
    func testDominatedOptionsAreLeftOutPerOption() throws {
        var rental = RentalOffering(id: "od", pricePerUnitHour: 2, acceleratorsPerUnit: 8, throughput: [:])
        rental.derivedServing = Self.nodeScenario.purchases[0].derivedServing
        let scenario = Self.scenario("od", workloads: [Self.chat(rate: 30_000)], offerings: [.rental(rental)])
        let (reduced, model) = try optimum(scenario)
        XCTAssertEqual(model.index.servingPairs.map(\.precision), [.int4])
        XCTAssertEqual(model.reductions, ["not built, dearer per token than an unlimited option for the same workload: od/chat@bf16"])
        let (full, fullModel) = try optimum(scenario, options: CapacityModelOptions(reductions: false))
        XCTAssertEqual(fullModel.index.servingPairs.count, 2)
        XCTAssertEqual(try XCTUnwrap(reduced.objectiveValue), 175_200, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(full.objectiveValue), 175_200, accuracy: 1e-6)
    }

    /// Options without a replica size on one offering: only the fastest is built, the first in
    /// precision order on a tie (fp8 and int8 both 2000 a node: int8 is left out); an option with
    /// a replica size is never left out this way (its replicas are another cost: bf16 here).
    /// 30 000 tokens/s at 2000 a node is 15 nodes, 4 500 000 USD, with or without reductions.
    func testOnlyTheFastestOptionWithoutReplicaSizeIsBuilt() throws {
        var node = PurchaseOffering(id: "node", unitPrice: 300_000, acceleratorsPerUnit: 8, lifetimePeriods: 1, throughput: [:])
        node.derivedServing = ["chat": [
            Self.option(.bf16, tau: 1000, replica: 16, tensorParallel: 16, perReplica: 2000),
            Self.option(.fp8, tau: 2000, tensorParallel: 4, perReplica: 1000),
            Self.option(.int8, tau: 2000, tensorParallel: 4, perReplica: 1000),
            Self.option(.int4, tau: 1500, tensorParallel: 2, perReplica: 375),
        ]]
        let scenario = Self.scenario("tie", workloads: [Self.chat(rate: 30_000)], offerings: [.purchase(node)])
        let (reduced, model) = try optimum(scenario)
        XCTAssertEqual(model.index.servingPairs.map(\.precision), [.bf16, .fp8])
        XCTAssertEqual(model.reductions, [
            "not built, no faster than another option of the same offering and workload, neither with a replica size: node/chat@int8, node/chat@int4",
        ])
        let (full, _) = try optimum(scenario, options: CapacityModelOptions(reductions: false))
        XCTAssertEqual(try XCTUnwrap(reduced.objectiveValue), 4_500_000, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(full.objectiveValue), 4_500_000, accuracy: 1e-6)
    }

    /// The validator's bound counts options: it stays at or above the built model's nonzeros.
    func testTheNonzeroBoundCountsOptions() throws {
        for scenario in [Self.nodeScenario, Self.perGPU(rate: 300), Self.perGPU(rate: 4600, minReplicas: 2, commitment: .period, maxUnits: 8)] {
            let model = CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(reductions: false))
            let bound = CapacityModelBuilder.nonzeroUpperBound(
                periods: scenario.horizon.periods, slices: scenario.timeSlices.count, workloads: scenario.workloads.count,
                offerings: scenario.offerings, unservedPriced: scenario.policy.unservedPenaltyPerMTok != nil)
            XCTAssertGreaterThanOrEqual(bound, Double(model.lp.entryCount), scenario.name)
        }
    }
}
