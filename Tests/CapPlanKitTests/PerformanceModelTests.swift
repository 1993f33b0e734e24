import XCTest
@testable import CapPlanKit

/// The performance model against hand computations and the MLPerf calibration set.
final class PerformanceModelTests: XCTestCase {
    let llama70B = ModelSpec.named("llama-3.1-70b")!
    let h100 = AcceleratorSpec.named("h100")!

    /// 70.6e9 weights x 2 bytes = 141.2 GB: more than one 80 GB H100 holds, so BF16 needs TP >= 2;
    /// with 64 sequences of 1,200 tokens of BF16 KV (64 x 1200 x 327,680 B = 25.2 GB) and a 10%
    /// reserve, 2 x 72 GB = 144 GB is too little and 4 x 72 = 288 GB fits.
    func testLlama70BInBF16DoesNotFitOneH100() throws {
        XCTAssertGreaterThan(llama70B.weightBytes(.bf16) / 1e9, 140)
        XCTAssertEqual(llama70B.kvBytesPerToken(.bf16), 2 * 80 * 8 * 128 * 2)
        XCTAssertThrowsError(try MemoryFit.find(model: llama70B, accelerator: h100, precision: .bf16, contextTokens: 1200, tensorParallel: 1)) {
            guard case FitFailure.givenDegreeTooSmall(1, let needed, let capacity) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(needed, 141.2 + 64 * 1200 * 327_680 / 1e9, accuracy: 1e-9)
            XCTAssertEqual(capacity, 72, accuracy: 1e-9)
        }
        let fit = try MemoryFit.find(model: llama70B, accelerator: h100, precision: .bf16, contextTokens: 1200)
        XCTAssertEqual(fit.tensorParallel, 4)
        XCTAssertEqual(fit.replicasPerNode, 2)
        XCTAssertEqual(fit.kvCacheGB, 64 * 1200 * 327_680 / 1e9, accuracy: 1e-9)
        // FP8 halves the weights (70.6 GB) and the KV cache: still over 72 GB usable with the cache, so TP 2.
        XCTAssertEqual(try MemoryFit.find(model: llama70B, accelerator: h100, precision: .fp8, contextTokens: 1200).tensorParallel, 2)
        // INT4 weights (35.3 GB) with a BF16 cache (25.2 GB) fit one H100: the source material's single-GPU 70B.
        XCTAssertEqual(try MemoryFit.find(model: llama70B, accelerator: h100, precision: .int4, contextTokens: 1200).tensorParallel, 1)
    }

    func testNothingFitsGivesTheReason() {
        let v5e = AcceleratorSpec.named("tpu-v5e")!, l40s = AcceleratorSpec.named("l40s")!, a100 = AcceleratorSpec.named("a100")!
        let b405 = ModelSpec.named("llama-3.1-405b")!
        // 405.9 GB of BF16... on 8 x 48 GB L40S (345.6 GB usable) cannot fit.
        XCTAssertThrowsError(try MemoryFit.find(model: b405, accelerator: l40s, precision: .bf16, contextTokens: 2000)) {
            guard case FitFailure.exceedsDomain(_, 8, let usable) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(usable, 8 * 48 * 0.9, accuracy: 1e-9)
        }
        XCTAssertThrowsError(try MemoryFit.find(model: llama70B, accelerator: a100, precision: .fp8, contextTokens: 1000)) {
            XCTAssertEqual("\($0)", "A100 has no FP8 matrix units for fp8 (it has BF16, INT8)")
        }
        XCTAssertThrowsError(try MemoryFit.find(model: llama70B, accelerator: v5e, precision: .bf16, contextTokens: 1000, tensorParallel: 3)) {
            XCTAssertEqual($0 as? FitFailure, .invalidDegree(tensorParallel: 3, domain: 256))
        }
        XCTAssertThrowsError(try MemoryFit.find(model: ModelSpec.named("llama-2-70b")!, accelerator: h100, precision: .fp8, contextTokens: 5000)) {
            XCTAssertEqual($0 as? FitFailure, .contextTooLong(model: "llama-2-70b", context: 5000, maxContext: 4096))
        }
    }

    /// Llama 3.1 70B FP8 on 2 x H100, 1,000 in, 200 out, batch traffic. By hand:
    /// free memory 144 - 70.6 = 73.4 GB; KV per token 163,840 B; 73.4e9 / (163,840 x 1,200) = 373 -> batch 256 (the cap).
    /// decode step: memory (70.6e9 + 256 x 163,840 x 1,100) / (2 x 3.35e12) = 17.42 ms;
    ///              compute 2 x 70.6e9 x 256 / (2 x 1979e12) = 9.13 ms -> bandwidth-bound.
    /// prefill: 2 x 70.6e9 x 1,000 / (2 x 1979e12) = 35.67 ms per request.
    /// output tok/s = 256 x 200 / (256 x 0.03567 + 200 x 0.01742) = 4,058.
    func testRooflineAgainstAHandComputation() throws {
        let fit = try MemoryFit.find(model: llama70B, accelerator: h100, precision: .fp8, contextTokens: 1200)
        let workload = ServingWorkload(inputTokens: 1000, outputTokens: 200, latency: .batch)
        let roofline = Roofline.estimate(model: llama70B, accelerator: h100, precision: .fp8, fit: fit, workload: workload)
        let step = (70.6e9 + 256 * 163_840 * 1100) / (2 * 3.35e12)
        let prefill = 2 * 70.6e9 * 1000 / (2 * 1979e12)
        XCTAssertEqual(roofline.batch, 256)
        XCTAssertEqual(roofline.decodeBound, .memoryBandwidth)
        XCTAssertEqual(roofline.decodeStepSeconds, step, accuracy: 1e-12)
        XCTAssertEqual(roofline.prefillSecondsPerRequest, prefill, accuracy: 1e-12)
        XCTAssertEqual(roofline.outputTokensPerSecond, 256 * 200 / (256 * prefill + 200 * step), accuracy: 1e-6)
        XCTAssertEqual(roofline.outputTokensPerSecond, 4058, accuracy: 1)
    }

    /// A slow accelerator under the interactive limit. Llama 3.1 70B BF16 on one made-up 300 GB,
    /// 1 TB/s accelerator, 1,000 in + 200 out: step(B) = (141.2e9 + B x 327,680 x 1,100) / 1e12 <= 0.2 s
    /// gives B <= 163.1, so 163; batch traffic takes the cap, 256. At 0.5 TB/s even B = 1 takes 282 ms.
    func testInteractiveLimitCapsTheBatch() throws {
        func accelerator(bandwidth: Double) -> AcceleratorSpec {
            AcceleratorSpec(
                id: "slow", catalogName: "Slow", family: .nvidia, memoryGB: 300, bandwidthTBs: bandwidth, denseTFLOPS: [.bf16: 1000],
                powerWatts: nil, acceleratorsPerNode: 8, interconnectDomain: 8, source: h100.source)
        }
        func roofline(_ accelerator: AcceleratorSpec, _ latency: LatencyClass) throws -> Roofline {
            let fit = try MemoryFit.find(model: llama70B, accelerator: accelerator, precision: .bf16, contextTokens: 1200)
            XCTAssertEqual(fit.tensorParallel, 1)
            return Roofline.estimate(
                model: llama70B, accelerator: accelerator, precision: .bf16, fit: fit,
                workload: ServingWorkload(inputTokens: 1000, outputTokens: 200, latency: latency))
        }
        XCTAssertEqual(try roofline(accelerator(bandwidth: 1), .batch).batch, 256)
        let interactive = try roofline(accelerator(bandwidth: 1), .interactive)
        XCTAssertEqual(interactive.batch, 163)
        XCTAssertLessThanOrEqual(interactive.decodeStepSeconds, 0.2)
        XCTAssertFalse(interactive.missesLatencyLimit)
        let slowest = try roofline(accelerator(bandwidth: 0.5), .interactive)
        XCTAssertEqual(slowest.batch, 1)
        XCTAssertTrue(slowest.missesLatencyLimit)
    }

    /// A mixture of experts reads only the routed experts at batch 1, all of them at large batches.
    func testMixtureOfExpertsReadsActiveWeightsAtSmallBatches() throws {
        let mixtral = ModelSpec.named("mixtral-8x7b")!, h200 = AcceleratorSpec.named("h200")!
        let fit = try MemoryFit.find(model: mixtral, accelerator: h200, precision: .fp8, contextTokens: 200)
        XCTAssertEqual(fit.weightsGB, 46.7, accuracy: 1e-9)
        let dense = ModelSpec(
            id: "dense", name: "dense twin", totalParametersBillions: 46.7, activeParametersBillions: 46.7, layers: 32, hiddenSize: 4096,
            attentionHeads: 32, kvHeads: 8, headDim: 128, vocabulary: 32_000, maxContext: 32_768, source: mixtral.source)
        let workload = ServingWorkload(inputTokens: 100, outputTokens: 100, latency: .batch)
        let moe = Roofline.estimate(model: mixtral, accelerator: h200, precision: .fp8, fit: fit, workload: workload)
        let twin = Roofline.estimate(model: dense, accelerator: h200, precision: .fp8, fit: fit, workload: workload)
        XCTAssertGreaterThan(moe.outputTokensPerSecond, twin.outputTokensPerSecond)
    }

    /// Every MLPerf v4.1 (and Gaudi 2 v4.0) Llama-2-70B point within 20% of its estimate.
    func testEveryCalibrationPointWithinTwentyPercent() throws {
        let errors = try Calibration.mlperf.errors()
        XCTAssertEqual(errors.count, CalibrationPoint.mlperf.count)
        for row in errors {
            XCTAssertLessThan(
                abs(row.error), 0.20, "\(row.point.system) \(row.point.latency): estimated \(row.estimated), measured \(row.point.measuredTokensPerSecond)")
        }
        // The NVIDIA factor is shared by five points of three accelerators: they do not fit exactly.
        let nvidia = errors.filter { AcceleratorSpec.named($0.point.acceleratorID)!.family == .nvidia }
        XCTAssertEqual(nvidia.count, 6)
        XCTAssertGreaterThan(nvidia.map { abs($0.error) }.max()!, 0.01)
    }

    func testCalibrationPointsAreTheSharedFactsFigures() {
        let byKey = Dictionary(uniqueKeysWithValues: CalibrationPoint.mlperf.map { ("\($0.system) \($0.latency)", $0.measuredTokensPerSecond) })
        XCTAssertEqual(byKey["NVIDIA DGX H100 (8x H100-SXM-80GB) batch"], 24_525)
        XCTAssertEqual(byKey["NVIDIA DGX H100 (8x H100-SXM-80GB) interactive"], 21_606)
        XCTAssertEqual(byKey["AMD 1x MI300X batch"], 3_063)
    }

    /// Uncalibrated families use the mean factor and say so.
    func testUncalibratedFamilyUsesTheOverallFactor() {
        let factor = Calibration.mlperf.factor(.google, .batch)
        XCTAssertFalse(factor.calibrated)
        XCTAssertEqual(factor.value, Calibration.mlperf.overall[.batch]!)
        XCTAssertTrue(Calibration.mlperf.factor(.nvidia, .batch).calibrated)
    }

    /// Cost per million tokens: price x TP / (tokens/s x 3600 x utilization) x 1e6.
    func testCostPerMillionTokens() throws {
        let price = AcceleratorPrice(perAcceleratorHour: 2, offering: "--price-per-hour", source: nil)
        let estimate = ServingEstimate.make(
            model: llama70B, accelerator: h100, precision: .fp8,
            workload: ServingWorkload(inputTokens: 1000, outputTokens: 200, latency: .interactive), utilization: 0.5, price: price)
        let (fit, throughput, cost) = try estimate.outcome.get()
        let expected = 2.0 * Double(fit.tensorParallel) / (throughput.totalTokensPerSecondPerReplica * 3600 * 0.5) * 1e6
        XCTAssertEqual(try XCTUnwrap(cost).perMillionTokens, expected, accuracy: 1e-12)
        XCTAssertEqual(throughput.totalTokensPerSecondPerReplica, throughput.outputTokensPerSecondPerReplica * 6, accuracy: 1e-9)
        XCTAssertEqual(throughput.totalTokensPerSecondPerNode, throughput.totalTokensPerSecondPerReplica * fit.replicasPerNode, accuracy: 1e-9)
    }

    func testEverySpecHasASourceAndDate() {
        for spec in AcceleratorSpec.all {
            XCTAssertFalse(spec.source.source.isEmpty, spec.id)
            XCTAssertNotNil(spec.source.asOf.range(of: #"^\d{4}-\d{2}(-\d{2})?$"#, options: .regularExpression), spec.id)
            XCTAssertFalse(spec.source.source.contains("/work/"), spec.id)
        }
        for model in ModelSpec.all {
            XCTAssertTrue(model.source.source.contains("huggingface.co"), model.id)
            XCTAssertEqual(model.attentionHeads * model.headDim, model.hiddenSize, model.id)
        }
        XCTAssertEqual(Set(AcceleratorSpec.all.map(\.id)).count, AcceleratorSpec.all.count)
    }

    /// docs/performance-model.md lists every accelerator and model with the figures the code uses.
    func testDocsListEverySpec() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let docs = try String(contentsOf: root.appendingPathComponent("docs/performance-model.md"), encoding: .utf8)
        func n(_ x: Double) -> String { Formatting.number(x, fractionDigits: 3, grouped: true) }
        for spec in AcceleratorSpec.all {
            XCTAssertTrue(docs.contains("| \(spec.id) | \(n(spec.memoryGB)) | \(n(spec.bandwidthTBs)) |"), "docs: \(spec.id)")
        }
        for model in ModelSpec.all {
            XCTAssertTrue(docs.contains("| \(model.id) | \(n(model.totalParametersBillions)) B"), "docs: \(model.id)")
            XCTAssertTrue(docs.contains("| \(model.layers) | \(n(Double(model.hiddenSize))) | \(model.attentionHeads) | \(model.kvHeads) |"), "docs: \(model.id)")
        }
    }

    /// Every model, accelerator, precision and latency class: a fit is the smallest power-of-two
    /// group that holds the memory, and its numbers are finite and positive; otherwise a reason.
    func testEveryCombinationFitsMinimallyOrSaysWhy() {
        let workloads = [(100, 50), (1000, 200), (8000, 1000)]
        for model in ModelSpec.all {
            for accelerator in AcceleratorSpec.all {
                for precision in Precision.allCases {
                    for (input, output) in workloads {
                        for latency in LatencyClass.allCases {
                            let workload = ServingWorkload(inputTokens: input, outputTokens: output, latency: latency)
                            let estimate = ServingEstimate.make(
                                model: model, accelerator: accelerator, precision: precision, workload: workload, utilization: 0.5)
                            let label = "\(model.id) \(accelerator.id) \(precision) \(input)/\(output) \(latency)"
                            switch estimate.outcome {
                            case .failure(let failure):
                                XCTAssertFalse(failure.description.isEmpty, label)
                            case .success(let (fit, throughput, cost)):
                                let tp = fit.tensorParallel
                                XCTAssertEqual(tp & (tp - 1), 0, label)
                                XCTAssertLessThanOrEqual(tp, accelerator.interconnectDomain, label)
                                XCTAssertLessThanOrEqual(fit.neededGB, fit.capacityGB + 1e-9, label)
                                if tp > 1 {
                                    XCTAssertThrowsError(
                                        try MemoryFit.find(
                                            model: model, accelerator: accelerator, precision: precision,
                                            contextTokens: workload.contextTokens, tensorParallel: tp / 2), label)
                                }
                                XCTAssertGreaterThanOrEqual(throughput.roofline.batch, 1, label)
                                for value in [throughput.outputTokensPerSecondPerReplica, throughput.totalTokensPerSecondPerNode] {
                                    XCTAssertTrue(value.isFinite && value > 0, label)
                                }
                                if let cost { XCTAssertTrue(cost.perMillionTokens.isFinite && cost.perMillionTokens > 0, label) }
                            }
                        }
                    }
                }
            }
        }
    }
}
