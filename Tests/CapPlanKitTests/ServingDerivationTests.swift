import Foundation
import XCTest
@testable import CapPlanKit

/// Issue 13 item 5, input side: workloads with `precisions`, the serving options the
/// performance model derives for purchases and rentals (docs/formulation.md section 9), and the
/// errors of the new keys.
final class ServingDerivationTests: XCTestCase {
    func load(_ text: String) throws -> LoadedScenario {
        try ScenarioLoader.load(text: text, fileName: "s.yaml", baseDirectory: ".", catalog: TestCatalog.catalog)
    }

    static let header = """
    name: t
    horizon: {start: 2027Q1, periods: 2}

    """

    /// A 70B chat workload, 1,000 prompt + 200 completion tokens, interactive, on an 8-GPU H100
    /// server and a per-GPU on-demand H100 rental, neither with a throughput.
    static let seventyB = header + """
    workloads:
      - id: chat
        model: llama-3.1-70b
        precisions: [bf16, int4]
        inputTokensPerRequest: 1000
        outputTokensPerRequest: 200
        demand: {tokensPerPeriod: [1e12, 1e12]}
    offerings:
      - {id: node, kind: purchase, unitPrice: 300000, lifetimePeriods: 8, accelerator: H100, acceleratorsPerUnit: 8}
      - {id: gpu, kind: rental, pricePerUnitHour: 3, accelerator: h100, acceleratorsPerUnit: 1, commitment: none}
    """

    // MARK: Derivation

    /// Llama 3.1 70B on H100, by hand (docs/performance-model.md "Memory fit", "Roofline throughput"):
    ///
    ///     KV per token (BF16 cache) = 2 · 80 layers · 8 KV heads · 128 · 2 B = 327,680 B
    ///     fit KV = 64 sequences · 1,200 tokens · 327,680 B = 25.17 GB
    ///
    /// BF16: weights 70.6e9 · 2 = 141.2 GB; TP 2 holds 160 · 0.9 = 144 GB < 166.4 GB, TP 4 holds
    /// 288 GB: TP = 4, two replicas per 8-GPU node.
    ///     batch  = min(256, ⌊(288 − 141.2) GB / (327,680 B · 1,200)⌋ = 373) = 256
    ///     memory = (141.2e9 + 256 · 327,680 · (1,000 + 100)) / (4 · 3.35e12) = 233.47e9 / 13.4e12 = 17.42 ms
    ///     compute= 2 · 70.6e9 · 256 / (4 · 989e12) = 9.14 ms  → step 17.42 ms (memory bound, < 200 ms)
    ///     prefill= 2 · 70.6e9 · 1,000 / (4 · 989e12) = 35.69 ms
    ///     output = 256 · 200 / (256 · 0.035693 + 200 · 0.017423) = 51,200 / 12.622 = 4,056.4 tok/s
    ///
    /// INT4 (weight-only, BF16 cache and arithmetic): weights 35.3 GB + 25.17 GB + 8 GB reserve
    /// = 68.5 GB ≤ 80 GB: TP = 1, eight replicas per node.
    ///     batch  = ⌊(72 − 35.3) GB / 393.2 MB⌋ = 93
    ///     memory = (35.3e9 + 93 · 327,680 · 1,100) / 3.35e12 = 20.54 ms; compute = 13.28 ms
    ///     prefill= 141.2e12 / 989e12 = 142.77 ms
    ///     output = 93 · 200 / (93 · 0.14277 + 200 · 0.020544) = 18,600 / 17.386 = 1,069.8 tok/s
    ///
    /// Per replica = output · efficiency (NVIDIA, Server) · (1,000 + 200) / 200; per unit =
    /// per replica · acceleratorsPerUnit / TP.
    func testSeventyBOnAnH100NodeByHand() throws {
        let scenario = try load(Self.seventyB).scenario
        let efficiency = Calibration.mlperf.factor(.nvidia, .interactive)
        XCTAssertTrue(efficiency.calibrated)
        let bf16PerReplica = 4_056.4 * efficiency.value * 6
        let int4PerReplica = 1_069.8 * efficiency.value * 6
        XCTAssertEqual(scenario.workloads[0].outputShare, 200.0 / 1200.0)
        XCTAssertEqual(
            scenario.workloads[0].serving,
            WorkloadServing(precisions: [.bf16, .int4], latency: .interactive, inputTokens: 1000, outputTokens: 200))

        let node = scenario.purchases[0]
        XCTAssertTrue(node.throughput.isEmpty)
        let options = node.servingOptions(for: "chat")
        XCTAssertEqual(options.map(\.precision), [.bf16, .int4])
        let bf16 = options[0], int4 = options[1]
        XCTAssertEqual(bf16.derivation?.tensorParallel, 4)
        XCTAssertEqual(bf16.derivation?.batch, 256)
        XCTAssertEqual(bf16.derivation?.decodeBound, "memory")
        XCTAssertEqual(bf16.derivation!.tokensPerSecondPerReplica, bf16PerReplica, accuracy: bf16PerReplica * 1e-4)
        XCTAssertEqual(bf16.tokensPerSecond, bf16PerReplica * 8 / 4, accuracy: bf16PerReplica * 2e-4)
        // Whole units that hold whole replicas take no replica size (the catalog's rule).
        XCTAssertNil(bf16.acceleratorsPerReplica)
        XCTAssertEqual(int4.derivation?.tensorParallel, 1)
        XCTAssertEqual(int4.derivation?.batch, 93)
        XCTAssertEqual(int4.derivation!.tokensPerSecondPerReplica, int4PerReplica, accuracy: int4PerReplica * 1e-4)
        XCTAssertEqual(int4.tokensPerSecond, int4PerReplica * 8, accuracy: int4PerReplica * 8e-4)
        XCTAssertNil(int4.acceleratorsPerReplica)
        XCTAssertEqual(bf16.derivation?.model, "llama-3.1-70b")
        XCTAssertEqual(bf16.derivation?.accelerator, "h100")
        XCTAssertEqual(bf16.derivation?.efficiencyFactor, efficiency.value)
        XCTAssertEqual(bf16.derivation?.efficiencyCalibrated, true)
        XCTAssertTrue(node.unfitPrecisions.isEmpty)

        // Per-GPU, on demand: a BF16 replica spans 4 units and takes that size; INT4 fills one.
        let gpu = scenario.rentals[0].servingOptions(for: "chat")
        XCTAssertEqual(gpu.map(\.acceleratorsPerReplica), [4, 1])
        XCTAssertEqual(gpu[0].tokensPerSecond, bf16PerReplica / 4, accuracy: bf16PerReplica * 1e-4)
        XCTAssertEqual(gpu[1].tokensPerSecond, int4PerReplica, accuracy: int4PerReplica * 1e-4)
    }

    /// `capplan estimate` and the plan agree: each derived option is the estimate of the same
    /// model, accelerator, precision and request sizes.
    func testDerivedOptionsAreWhatEstimatePrints() throws {
        let pairs: [(model: String, accelerator: String, perUnit: Int, latency: LatencyClass)] = [
            ("llama-3.1-70b", "h100", 8, .interactive), ("llama-3.1-8b", "mi300x", 8, .batch),
            ("mixtral-8x7b", "l40s", 4, .interactive), ("llama-3.1-405b", "b200", 8, .batch), ("llama-3.1-70b", "tpu-v6e", 8, .batch),
        ]
        for pair in pairs {
            let model = try XCTUnwrap(ModelSpec.named(pair.model)), accelerator = try XCTUnwrap(AcceleratorSpec.named(pair.accelerator))
            let serving = WorkloadServing(precisions: Precision.allCases, latency: pair.latency, inputTokens: 2000, outputTokens: 300)
            let derived = ServingDerivation.options(
                model: model, accelerator: accelerator, serving: serving, acceleratorsPerUnit: pair.perUnit, wholeUnits: true)
            XCTAssertEqual(derived.options.count + derived.unfit.count, Precision.allCases.count, "\(pair)")
            XCTAssertFalse(derived.options.isEmpty, "\(pair)")
            for option in derived.options {
                let precision = try XCTUnwrap(option.precision)
                let estimate = ServingEstimate.make(
                    model: model, accelerator: accelerator, precision: precision,
                    workload: ServingWorkload(inputTokens: 2000, outputTokens: 300, latency: pair.latency), utilization: 0.7)
                let (fit, throughput, _) = try estimate.outcome.get()
                XCTAssertEqual(option.derivation?.tensorParallel, fit.tensorParallel, "\(pair) \(precision)")
                XCTAssertEqual(option.derivation?.tokensPerSecondPerReplica, throughput.totalTokensPerSecondPerReplica, "\(pair) \(precision)")
                XCTAssertEqual(option.derivation?.batch, throughput.roofline.batch)
                XCTAssertEqual(
                    option.tokensPerSecond, throughput.totalTokensPerSecondPerReplica * Double(pair.perUnit) / Double(fit.tensorParallel),
                    accuracy: 1e-9 * option.tokensPerSecond, "\(pair) \(precision)")
                if pair.perUnit == accelerator.acceleratorsPerNode, fit.tensorParallel <= pair.perUnit {
                    // Units that are nodes: τ per unit is estimate's tokens per node.
                    XCTAssertEqual(option.tokensPerSecond, throughput.totalTokensPerSecondPerNode, accuracy: 1e-9 * option.tokensPerSecond)
                }
            }
            for unfit in derived.unfit {
                let estimate = ServingEstimate.make(
                    model: model, accelerator: accelerator, precision: unfit.precision,
                    workload: ServingWorkload(inputTokens: 2000, outputTokens: 300, latency: pair.latency), utilization: 0.7)
                if case .failure(let failure) = estimate.outcome { XCTAssertEqual(unfit.reason, failure.description) }
            }
        }
    }

    func testExplicitThroughputWinsNotTheCatalogs() throws {
        let scenario = try load(Self.header + """
        workloads:
          - {id: chat, model: llama-3.1-70b, precisions: [fp8], inputTokensPerRequest: 1000, outputTokensPerRequest: 200, demand: {tokensPerPeriod: [1e12, 1e12]}}
          - {id: small, model: llama-3.1-8b, precisions: [fp8], inputTokensPerRequest: 500, outputTokensPerRequest: 500, demand: {tokensPerPeriod: [1e11, 1e11]}}
        offerings:
          - {id: mine, kind: purchase, unitPrice: 300000, lifetimePeriods: 8, accelerator: H100, acceleratorsPerUnit: 8, throughput: {chat: 5000}}
          - {use: test-h100-node}
        """).scenario
        let mine = scenario.purchases[0]
        XCTAssertEqual(mine.servingOptions(for: "chat"), [ServingOption(tokensPerSecond: 5000)])
        XCTAssertNil(mine.derivedServing["chat"])
        // No throughput for `small` here: derived.
        XCTAssertEqual(mine.servingOptions(for: "small").map(\.precision), [.fp8])
        // The catalog entry's measured throughputs (20,000 and 90,000 tokens/s, one precision at
        // MLPerf's request sizes) are not applied to workloads that list precisions: derived.
        let catalog = scenario.purchases[1]
        XCTAssertTrue(catalog.throughput.isEmpty)
        XCTAssertEqual(catalog.servingOptions(for: "chat").map(\.precision), [.fp8])
        XCTAssertEqual(catalog.servingOptions(for: "small").map(\.precision), [.fp8])
        XCTAssertNotEqual(catalog.servingOptions(for: "chat").first?.tokensPerSecond, 20_000)
    }

    func testFP8OnA100IsUnfitWithTheModelsReason() throws {
        let scenario = try load(Self.header + """
        workloads:
          - {id: chat, model: llama-3.1-70b, precisions: [fp8, int8], inputTokensPerRequest: 1000, outputTokensPerRequest: 200, demand: {tokensPerPeriod: [1e12, 1e12]}}
        offerings:
          - {id: a100, kind: purchase, unitPrice: 150000, lifetimePeriods: 8, accelerator: A100, acceleratorsPerUnit: 8}
        """).scenario
        let a100 = scenario.purchases[0]
        XCTAssertEqual(a100.servingOptions(for: "chat").map(\.precision), [.int8])
        XCTAssertEqual(a100.unfitPrecisions["chat"], [UnfitPrecision(precision: .fp8, reason: "A100 has no FP8 matrix units for fp8 (it has BF16, INT8)")])
    }

    func testAGroupThatNeitherDividesNorFillsUnitsIsUnfit() throws {
        // 70B in BF16 takes 4 H100s: 4 does not divide units of 6, nor 6 divide 4.
        let scenario = try load(Self.header + """
        workloads:
          - {id: chat, model: llama-3.1-70b, precisions: [bf16, fp8], inputTokensPerRequest: 1000, outputTokensPerRequest: 200, demand: {tokensPerPeriod: [1e12, 1e12]}}
        offerings:
          - {id: odd, kind: rental, pricePerUnitHour: 18, accelerator: H100, acceleratorsPerUnit: 6, commitment: period}
        """).scenario
        let odd = scenario.rentals[0]
        XCTAssertEqual(odd.servingOptions(for: "chat").map(\.precision), [.fp8])
        XCTAssertEqual(odd.servingOptions(for: "chat")[0].derivation?.tensorParallel, 2)
        // FP8 groups of 2 divide units of 6: whole units hold 3 replicas, no replica size.
        XCTAssertNil(odd.servingOptions(for: "chat")[0].acceleratorsPerReplica)
        let unfit = try XCTUnwrap(odd.unfitPrecisions["chat"])
        XCTAssertEqual(unfit.map(\.precision), [.bf16])
        XCTAssertTrue(unfit[0].reason.contains("4 accelerators"), unfit[0].reason)
        XCTAssertTrue(unfit[0].reason.contains("units of 6"), unfit[0].reason)
    }

    /// A hypothetical accelerator whose decode step misses the interactive limit even at batch 1:
    /// Llama 3.1 8B in BF16 fits one 80 GB device (16.1 GB + 10.1 GB of cache), and at 0.05 TB/s
    /// a step reads (16.06e9 + 131,072 · 1,100) B / 0.05e12 B/s = 324 ms > 200 ms.
    func testInteractiveLatencyLimitUnmetIsUnfit() throws {
        let slow = AcceleratorSpec(
            id: "slow", catalogName: "Slow", family: .nvidia, memoryGB: 80, bandwidthTBs: 0.05, denseTFLOPS: [.bf16: 100],
            powerWatts: nil, acceleratorsPerNode: 8, interconnectDomain: 8, source: CatalogSource(source: "test", asOf: "2026-01"))
        let model = try XCTUnwrap(ModelSpec.named("llama-3.1-8b"))
        let interactive = ServingDerivation.options(
            model: model, accelerator: slow, serving: WorkloadServing(precisions: [.bf16], latency: .interactive, inputTokens: 1000, outputTokens: 200),
            acceleratorsPerUnit: 8, wholeUnits: true)
        XCTAssertTrue(interactive.options.isEmpty)
        XCTAssertEqual(interactive.unfit.count, 1)
        XCTAssertTrue(interactive.unfit[0].reason.contains("324"), interactive.unfit[0].reason)
        XCTAssertTrue(interactive.unfit[0].reason.contains("200 ms"), interactive.unfit[0].reason)
        let batch = ServingDerivation.options(
            model: model, accelerator: slow, serving: WorkloadServing(precisions: [.bf16], latency: .batch, inputTokens: 1000, outputTokens: 200),
            acceleratorsPerUnit: 8, wholeUnits: true)
        XCTAssertEqual(batch.options.count, 1)
    }

    func testOldScenariosDeriveNothing() throws {
        // Accelerator labels the performance model knows, but no workload lists precisions.
        let scenario = try load(Self.header + """
        workloads:
          - {id: chat, model: llama-3.1-70b, demand: {tokensPerPeriod: [1e12, 1e12]}}
        offerings:
          - {id: node, kind: purchase, unitPrice: 300000, lifetimePeriods: 8, accelerator: H100, acceleratorsPerUnit: 8, throughput: {chat: 20000}}
          - {id: other, kind: rental, pricePerUnitHour: 3, accelerator: H200, throughput: {chat: 3000}}
        """).scenario
        XCTAssertNil(scenario.workloads[0].serving)
        XCTAssertEqual(scenario.workloads[0].outputShare, 0.5)
        for o in scenario.purchases { XCTAssertTrue(o.derivedServing.isEmpty && o.unfitPrecisions.isEmpty) }
        for o in scenario.rentals { XCTAssertTrue(o.derivedServing.isEmpty && o.unfitPrecisions.isEmpty) }
    }

    func testDeriveIsIdempotentAndDeterministic() throws {
        var scenario = try load(Self.seventyB).scenario
        let once = scenario
        ServingDerivation.derive(&scenario)
        XCTAssertEqual(scenario, once)
    }

    func testAcceleratorLabels() {
        XCTAssertEqual(AcceleratorSpec.forOfferingLabel("H100")?.id, "h100")
        XCTAssertEqual(AcceleratorSpec.forOfferingLabel("h100")?.id, "h100")
        XCTAssertEqual(AcceleratorSpec.forOfferingLabel("H100 NVL")?.id, "h100")
        XCTAssertEqual(AcceleratorSpec.forOfferingLabel("gaudi 3")?.id, "gaudi3")
        XCTAssertEqual(AcceleratorSpec.forOfferingLabel("GAUDI3")?.id, "gaudi3")
        XCTAssertEqual(AcceleratorSpec.forOfferingLabel("TPU v6e")?.id, "tpu-v6e")
        XCTAssertNil(AcceleratorSpec.forOfferingLabel("H20"))
        // The catalog's replica sizes use the same rule.
        XCTAssertEqual(BuiltInCatalogData.acceleratorSpec("H100 NVL")?.id, "h100")
    }

    func testWriterRoundTripsTheNewKeys() throws {
        let text = Self.header + """
        workloads:
          - {id: chat, model: llama-3.1-70b, precisions: [int4, fp8], latency: batch, inputTokensPerRequest: 3000, outputTokensPerRequest: 250, demand: {tokensPerPeriod: [1e12, 1e12]}}
          - {id: plain, outputShare: 0.3, demand: {tokensPerPeriod: [1e11, 1e11]}}
        offerings:
          - {id: node, kind: purchase, unitPrice: 300000, lifetimePeriods: 8, accelerator: H100, acceleratorsPerUnit: 8, throughput: {plain: 9000}}
        """
        let scenario = try load(text).scenario
        XCTAssertEqual(scenario.workloads[0].serving?.latency, .batch)
        let yaml = ScenarioWriter.yaml(scenario)
        XCTAssertTrue(yaml.contains("precisions: [int4, fp8]"), yaml)
        XCTAssertTrue(yaml.contains("latency: batch"), yaml)
        XCTAssertEqual(try load(yaml).scenario, scenario)
    }

    /// `capplan init`'s commented precisions example loads once uncommented (its request sizes
    /// agree with the starter's output share of 0.3).
    func testStarterScenarioPrecisionsExampleLoads() throws {
        var yaml = StarterScenario.yaml(name: "s")
        for key in ["precisions:", "latency:", "inputTokensPerRequest:", "outputTokensPerRequest:"] {
            XCTAssertTrue(yaml.contains("# \(key)"), key)
            yaml = yaml.replacingOccurrences(of: "# \(key)", with: key)
        }
        let scenario = try ScenarioLoader.load(text: yaml, fileName: "s.yaml", baseDirectory: ".").scenario
        XCTAssertEqual(scenario.workloads[0].serving?.precisions, [.bf16, .fp8, .int4])
        XCTAssertEqual(scenario.workloads[0].outputShare, 0.3)
        // The catalog's H100 server takes no measured figure for it: its options are derived.
        let node = try XCTUnwrap(scenario.purchases.first { $0.id == "h100-node" })
        XCTAssertNil(node.throughput["chat"])
        XCTAssertEqual(node.servingOptions(for: "chat").map(\.precision), [.bf16, .fp8, .int4])
    }

    /// Edits (sweeps, thresholds) keep a workload's output share tied to its request sizes.
    func testEditsCannotSetTheOutputShareOfAWorkloadWithPrecisions() throws {
        let scenario = try load(Self.seventyB).scenario
        XCTAssertFalse(ScenarioEdit.paths(in: scenario).contains("workloads.chat.outputShare"))
        XCTAssertThrowsError(try ScenarioEdit.setting("workloads.chat.outputShare", to: 0.5, in: scenario))
        let scaled = try ScenarioEdit.setting("workloads.chat.demandScale", to: 2, in: scenario)
        XCTAssertEqual(scaled.workloads[0].demand, [2e12, 2e12])
        XCTAssertEqual(ScenarioRules.violations(in: scaled), [])
    }

    // MARK: Errors

    /// Every mistake of the new keys at once, each with its path and line.
    func testErrorsOfTheNewKeysAllAtOnce() {
        let diagnostics = loadErrors(Self.header + """
        workloads:
          - id: chat
            model: llama-3.1-70
            precisions: [fp16, bf16, bf16]
            latency: fast
            inputTokensPerRequest: 0
            demand: {tokensPerPeriod: [1e12, 1e12]}
          - id: share
            model: llama-3.1-8b
            precisions: [fp8]
            inputTokensPerRequest: 1000
            outputTokensPerRequest: 200
            outputShare: 0.2
            demand: {tokensPerPeriod: [1e12, 1e12]}
          - id: plain
            outputTokensPerRequest: 200
            demand: {tokensPerPeriod: [1e12, 1e12]}
          - id: nomodel
            precisions: []
            inputTokensPerRequest: 10
            outputTokensPerRequest: 20000000
            demand: {tokensPerPeriod: [1e12, 1e12]}
        offerings:
          - {id: node, kind: purchase, unitPrice: 300000, lifetimePeriods: 8, accelerator: H100, acceleratorsPerUnit: 8, throughput: {plain: 100}}
        """)
        let found = diagnostics.map { ($0.path, $0.line ?? 0) }
        let expected: [(String, Int)] = [
            ("workloads[0].precisions[0]", 6), ("workloads[0].precisions[2]", 6), ("workloads[0].latency", 7),
            ("workloads[0].inputTokensPerRequest", 8), ("workloads[0].outputTokensPerRequest", 4), ("workloads[0].model", 5),
            ("workloads[1].outputShare", 15), ("workloads[2].outputTokensPerRequest", 18), ("workloads[3].precisions", 21),
            ("workloads[3].outputTokensPerRequest", 23), ("workloads[3].model", 20),
        ]
        for (path, line) in expected {
            XCTAssertTrue(found.contains { $0 == (path, line) }, "missing \(path) line \(line) in \(diagnostics.map(\.description).joined(separator: "\n"))")
        }
        func message(_ path: String) -> String { diagnostics.first { $0.path == path }?.description ?? "" }
        XCTAssertTrue(message("workloads[0].precisions[0]").contains("bf16, fp8, int8, fp4 or int4"))
        XCTAssertTrue(message("workloads[0].precisions[0]").contains("fp16"))
        XCTAssertTrue(message("workloads[0].precisions[2]").contains("twice"))
        XCTAssertTrue(message("workloads[0].model").contains("did you mean `llama-3.1-70b`?"), message("workloads[0].model"))
        XCTAssertTrue(message("workloads[0].outputTokensPerRequest").contains("required key missing"))
        XCTAssertTrue(message("workloads[0].inputTokensPerRequest").contains("[1, 1e7]"), message("workloads[0].inputTokensPerRequest"))
        // Both values: the share the request sizes give and the one written.
        let share = message("workloads[1].outputShare")
        XCTAssertTrue(share.contains("0.16666666666666666") && share.contains("0.2"), share)
        XCTAssertTrue(message("workloads[2].outputTokensPerRequest").contains("applies to workloads with `precisions`"))
        XCTAssertTrue(diagnostics.allSatisfy { $0.file == "scenario.yaml" })
    }

    func testAModelOnlyThePerformanceModelKnowsNeedsPrecisions() throws {
        // The test catalog has 70B and 8B; Mixtral is a performance-model model only.
        let diagnostics = loadErrors(Self.header + """
        workloads:
          - {id: chat, model: mixtral-8x7b, demand: {tokensPerPeriod: [1e12, 1e12]}}
        offerings:
          - {id: node, kind: purchase, unitPrice: 300000, lifetimePeriods: 8, throughput: {chat: 100}}
        """)
        XCTAssertEqual(diagnostics.map(\.path), ["workloads[0].model"])
        XCTAssertTrue(diagnostics[0].message.contains("accepted with `precisions`"), diagnostics[0].message)
        let scenario = try load(Self.header + """
        workloads:
          - {id: chat, model: mixtral-8x7b, precisions: [fp8], inputTokensPerRequest: 1000, outputTokensPerRequest: 200, demand: {tokensPerPeriod: [1e12, 1e12]}}
        offerings:
          - {id: node, kind: purchase, unitPrice: 300000, lifetimePeriods: 8, accelerator: MI300X, acceleratorsPerUnit: 8}
        """).scenario
        XCTAssertEqual(scenario.purchases[0].servingOptions(for: "chat").first?.derivation?.model, "mixtral-8x7b")
    }

    func testAWorkloadNothingCanServeNamesTheUnfitReasons() throws {
        let text = Self.header + """
        workloads:
          - {id: chat, model: llama-3.1-70b, precisions: [fp8, fp4], inputTokensPerRequest: 1000, outputTokensPerRequest: 200, demand: {tokensPerPeriod: [1e12, 1e12]}}
          - {id: other, demand: {tokensPerPeriod: [1e11, 1e11]}}
        offerings:
          - {id: a100, kind: purchase, unitPrice: 150000, lifetimePeriods: 8, accelerator: A100, acceleratorsPerUnit: 8, throughput: {other: 100}}
        """
        let diagnostics = loadErrors(text)
        XCTAssertEqual(diagnostics.map(\.path), ["workloads[0]"])
        XCTAssertEqual(diagnostics.first?.line, 4)
        let message = diagnostics.first?.message ?? ""
        XCTAssertTrue(message.contains("`a100` (A100): fp8: A100 has no FP8 matrix units"), message)
        XCTAssertTrue(message.contains("fp4: A100 has no FP4"), message)
        // With an unserved penalty, the penalty serves it: a warning that says why.
        let loaded = try load(text + "\npolicy: {unservedPenaltyPerMTok: 50}\n")
        XCTAssertTrue(loaded.warnings.contains { $0.path == "workloads[0]" && $0.message.contains("A100 has no FP8") }, "\(loaded.warnings)")
    }

    func testThroughputMayBeLeftOutOnlyWhereItCanBeDerived() {
        // Without precisions anywhere, a purchase still needs a throughput.
        let plain = loadErrors(Self.header + """
        workloads: [{id: chat, demand: {tokensPerPeriod: [1e12, 1e12]}}]
        offerings: [{id: node, kind: purchase, unitPrice: 300000, lifetimePeriods: 8, accelerator: H100}]
        """)
        XCTAssertTrue(plain.contains { $0.path == "offerings[0].throughput" && $0.message.contains("required key missing") }, "\(plain)")
        // With precisions, an accelerator the performance model does not know gives nothing to derive.
        let unknown = loadErrors(Self.header + """
        workloads:
          - {id: chat, model: llama-3.1-70b, precisions: [fp8], inputTokensPerRequest: 1000, outputTokensPerRequest: 200, demand: {tokensPerPeriod: [1e12, 1e12]}}
        offerings:
          - {id: node, kind: purchase, unitPrice: 300000, lifetimePeriods: 8, accelerator: H20}
          - {id: api, kind: api, inputPricePerMTok: 1, outputPricePerMTok: 2, serves: [chat]}
        """)
        XCTAssertEqual(unknown.map(\.path), ["offerings[0].throughput"])
        XCTAssertTrue(unknown.first?.message.contains("accelerator `H20` is not one the performance model knows") ?? false, "\(unknown)")
    }

    /// Options are bounded before anything is estimated: a scenario that could derive more than
    /// the size limit leaves room for (each option adds at least 2 nonzeros per period and slice)
    /// is refused without deriving.
    func testTooManyPossibleOptionsAreRefusedBeforeDeriving() throws {
        // 2 periods x 1 slice, a limit of 12 nonzeros: at most 12 / (2 x 2) = 3 options. The
        // 70B workload could have 4 (BF16 and INT4 on the node and on the rental).
        let diagnostics = loadErrorsWithLimits(Self.seventyB, ScenarioLimits(maxNonzeros: 12))
        XCTAssertEqual(diagnostics.map(\.path), [""])
        XCTAssertTrue(diagnostics.first?.message.contains("precisions could derive more than 3 serving options") ?? false, "\(diagnostics)")
        var scenario = try load(Self.seventyB).scenario
        let derived = scenario
        scenario.offerings = scenario.offerings.map {
            switch $0 {
            case .purchase(var o): o.derivedServing = [:]; return .purchase(o)
            case .rental(var o): o.derivedServing = [:]; return .rental(o)
            case .api: return $0
            }
        }
        var refused = scenario
        XCTAssertNil(ServingDerivation.derive(&refused, optionLimit: 3))
        XCTAssertEqual(refused, scenario)
        XCTAssertEqual(ServingDerivation.derive(&scenario, optionLimit: 4), 4)
        XCTAssertEqual(scenario, derived)
        // A given throughput takes its workload's precisions out of the count.
        var given = try load(Self.seventyB.replacingOccurrences(of: "acceleratorsPerUnit: 8}", with: "acceleratorsPerUnit: 8, throughput: {chat: 100}}")).scenario
        XCTAssertEqual(ServingDerivation.derive(&given, optionLimit: 2), 2)
    }

    func loadErrorsWithLimits(_ text: String, _ limits: ScenarioLimits) -> [Diagnostic] {
        do {
            _ = try ScenarioLoader.load(text: text, fileName: "s.yaml", baseDirectory: ".", catalog: TestCatalog.catalog, limits: limits)
            XCTFail("expected errors")
            return []
        } catch let error as ScenarioLoadError {
            return error.diagnostics
        } catch {
            XCTFail("\(error)")
            return []
        }
    }

    func testReplicaSizeForADerivedWorkloadIsRefused() {
        let diagnostics = loadErrors(Self.seventyB.replacingOccurrences(
            of: "acceleratorsPerUnit: 8}", with: "acceleratorsPerUnit: 8, acceleratorsPerReplica: {chat: 4}}"))
        XCTAssertEqual(diagnostics.map(\.path), ["offerings[0].acceleratorsPerReplica.chat"])
        XCTAssertTrue(diagnostics.first?.message.contains("derived from the memory fit") ?? false, "\(diagnostics)")
    }

    func testRulesCheckTheServingOfABuiltScenario() throws {
        var scenario = try load(Self.seventyB).scenario
        XCTAssertEqual(ScenarioRules.violations(in: scenario), [])
        scenario.workloads[0].outputShare = 0.5
        scenario.workloads[0].serving?.precisions = [.fp8, .fp8]
        XCTAssertEqual(ScenarioRules.violations(in: scenario).count, 2, "\(ScenarioRules.violations(in: scenario))")
    }
}
