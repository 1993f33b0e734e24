// Default model FLOPs utilization (MFU) of training runs, per accelerator family and precision,
// each with its public source and date (docs/performance-model.md, "Training"). A job's own
// `mfu` wins over these; they are what a planner assumes without a measurement of their own.
//
// MFU = model FLOPs per second achieved / dense peak FLOPS of the accelerators (the model FLOPs
// are 6·N per token for full training; recomputation is not counted). Published large runs
// land between 20% and 55%.

/// A default MFU for training on one accelerator family at one precision.
public struct TrainingMFUDefault: Hashable, Sendable {
    public let family: AcceleratorFamily
    public let precision: Precision
    /// Model FLOPs utilization in (0, 1], against the dense peak at `precision`.
    public let mfu: Double
    /// Whether the figure is an estimate (derived or borrowed), not a published measurement on
    /// this family and precision.
    public let isEstimate: Bool
    public let source: CatalogSource

    public init(family: AcceleratorFamily, precision: Precision, mfu: Double, isEstimate: Bool, source: CatalogSource) {
        self.family = family
        self.precision = precision
        self.mfu = mfu
        self.isEstimate = isEstimate
        self.source = source
    }

    /// "0.40 (Meta, The Llama 3 Herd of Models ...)", as the plan's `mfuSource` gives it.
    public var citation: String { (isEstimate ? "estimate: " : "") + source.source + ", " + source.asOf }
}

extension TrainingMFUDefault {
    /// The precisions a job may train in: BF16 (mixed precision) and FP8 where the hardware has
    /// it. The 4-bit and integer formats are inference formats.
    public static let trainingPrecisions: [Precision] = [.bf16, .fp8]

    private static let llama3 = "Meta, \"The Llama 3 Herd of Models\" (arXiv:2407.21783), Table 4: 38-43% BF16 MFU pre-training"
        + " Llama 3 405B on 8,192-16,384 H100 GPUs"
    private static let epoch = "Epoch AI, training-cost-trends (https://github.com/epoch-research/training-cost-trends),"
        + " cost_analysis_standalone.py: median MFU of about 37.5% over the published runs it compiles (range 20-50%)"
    /// FP8 matrix units have twice the BF16 peak, but end to end a run gains far less (casts,
    /// scaling, attention and communication stay as they were).
    private static let fp8 = "FP8 runs about 1.4x faster end to end than BF16, not the 2x of the peaks (NVIDIA,"
        + " \"Faster Training Throughput in FP8 Precision with NVIDIA NeMo\","
        + " https://developer.nvidia.com/blog/faster-training-throughput-in-fp8-precision-with-nvidia-nemo), so MFU against"
        + " the FP8 peak = the BF16 default x 1.4 / 2"

    /// Every default, one per family and training precision the family's accelerators have.
    public static let all: [TrainingMFUDefault] = [
        TrainingMFUDefault(
            family: .nvidia, precision: .bf16, mfu: 0.40, isEstimate: false,
            source: CatalogSource(
                source: llama3 + "; also Touvron et al., \"Llama 2\" (arXiv:2307.09288), Table 2: Llama 2 70B took 1,720,320 A100-80GB hours,"
                    + " about 43% MFU at 6·N·D over 2 trillion tokens; ByteDance, \"MegaScale\" (arXiv:2402.15627): 55.2% on 12,288 A100 at 175B, a tuned upper end",
                asOf: "2024-07")),
        TrainingMFUDefault(
            family: .nvidia, precision: .fp8, mfu: 0.28, isEstimate: true,
            source: CatalogSource(source: fp8 + " = 0.40 x 0.7", asOf: "2025-06")),
        TrainingMFUDefault(
            family: .google, precision: .bf16, mfu: 0.462, isEstimate: false,
            source: CatalogSource(
                source: "Chowdhery et al., \"PaLM: Scaling Language Modeling with Pathways\" (arXiv:2204.02311), Table 3: 46.2% MFU"
                    + " training PaLM 540B on 6,144 TPU v4 chips",
                asOf: "2022-04")),
        TrainingMFUDefault(
            family: .amd, precision: .bf16, mfu: 0.375, isEstimate: true,
            source: CatalogSource(source: epoch + " (no comparable published large run on AMD Instinct)", asOf: "2026-04")),
        TrainingMFUDefault(
            family: .amd, precision: .fp8, mfu: 0.26, isEstimate: true,
            source: CatalogSource(source: fp8 + " = 0.375 x 0.7, rounded down", asOf: "2025-06")),
        TrainingMFUDefault(
            family: .intel, precision: .bf16, mfu: 0.375, isEstimate: true,
            source: CatalogSource(source: epoch + " (no comparable published large run on Intel Gaudi)", asOf: "2026-04")),
        TrainingMFUDefault(
            family: .intel, precision: .fp8, mfu: 0.26, isEstimate: true,
            source: CatalogSource(source: fp8 + " = 0.375 x 0.7, rounded down", asOf: "2025-06")),
        TrainingMFUDefault(
            family: .aws, precision: .bf16, mfu: 0.375, isEstimate: true,
            source: CatalogSource(source: epoch + " (no comparable published large run on AWS Trainium)", asOf: "2026-04")),
        TrainingMFUDefault(
            family: .aws, precision: .fp8, mfu: 0.26, isEstimate: true,
            source: CatalogSource(source: fp8 + " = 0.375 x 0.7, rounded down", asOf: "2025-06")),
    ]

    /// The default for an accelerator's family at a precision, or nil (no default: the family
    /// has no entry for it, e.g. FP8 on TPUs, which have no FP8 arithmetic).
    public static func forAccelerator(_ spec: AcceleratorSpec, precision: Precision) -> TrainingMFUDefault? {
        all.first { $0.family == spec.family && $0.precision == precision }
    }
}
