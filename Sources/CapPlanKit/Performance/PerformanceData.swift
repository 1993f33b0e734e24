// The accelerators and models the performance model knows, each figure with its public source.
//
// Accelerator specs: the accelerator table of Stas Bekman's "Machine Learning Engineering"
// (https://github.com/stas00/ml-engineering, compute/accelerator/README.md, 2026-08), which
// compiles the vendors' datasheets, checked against the vendor pages named per entry. TPU
// figures: the Google Cloud TPU pages (https://cloud.google.com/tpu/docs/v5e, /v5p, /v6e).
// Model architectures: each model's Hugging Face config.json (URL per entry).

extension AcceleratorSpec {
    private static let mlEngineering = "Stas Bekman, Machine Learning Engineering, compute/accelerator/README.md (https://github.com/stas00/ml-engineering)"

    private static func spec(
        _ id: String, _ catalogName: String, _ family: AcceleratorFamily, memoryGB: Double, bandwidthTBs: Double,
        _ tflops: [ComputeFormat: Double], watts: Double?, perNode: Int, domain: Int, source: String, asOf: String
    ) -> AcceleratorSpec {
        AcceleratorSpec(
            id: id, catalogName: catalogName, family: family, memoryGB: memoryGB, bandwidthTBs: bandwidthTBs,
            denseTFLOPS: tflops, powerWatts: watts, acceleratorsPerNode: perNode, interconnectDomain: domain,
            source: CatalogSource(source: source, asOf: asOf))
    }

    /// Every accelerator the model knows, in the order tables list them.
    public static let all: [AcceleratorSpec] = [
        spec("a100", "A100", .nvidia, memoryGB: 80, bandwidthTBs: 2.04, [.bf16: 312, .int8: 624], watts: 400, perNode: 8, domain: 8,
             source: "\(mlEngineering); NVIDIA A100 80GB SXM datasheet (nvidia.com/en-us/data-center/a100): no FP8", asOf: "2026-08"),
        spec("h100", "H100", .nvidia, memoryGB: 80, bandwidthTBs: 3.35, [.bf16: 989, .fp8: 1979, .int8: 1979], watts: 700, perNode: 8, domain: 8,
             source: "\(mlEngineering); NVIDIA H100 SXM datasheet (nvidia.com/en-us/data-center/h100), dense = half the sparse figures", asOf: "2026-08"),
        spec("h200", "H200", .nvidia, memoryGB: 141, bandwidthTBs: 4.8, [.bf16: 989, .fp8: 1979, .int8: 1979], watts: 700, perNode: 8, domain: 8,
             source: "\(mlEngineering); NVIDIA H200 SXM datasheet (nvidia.com/en-us/data-center/h200)", asOf: "2026-08"),
        spec("b200", "B200", .nvidia, memoryGB: 180, bandwidthTBs: 8.0, [.bf16: 2250, .fp8: 4500, .int8: 4500, .fp4: 9000], watts: 1000,
             perNode: 8, domain: 8,
             source: "\(mlEngineering); NVIDIA DGX B200 datasheet (nvidia.com/en-us/data-center/dgx-b200): 1,440 GB and 64 TB/s per 8 GPUs,"
                + " 72 PFLOPS FP8 and 144 PFLOPS FP4 with sparsity", asOf: "2026-08"),
        spec("gb200", "GB200", .nvidia, memoryGB: 186, bandwidthTBs: 8.0, [.bf16: 2500, .fp8: 5000, .int8: 5000, .fp4: 10000], watts: nil,
             perNode: 4, domain: 72,
             source: "derived: NVIDIA GB200 NVL72 page (nvidia.com/en-us/data-center/gb200-nvl72): 72 GPUs, 13.4 TB HBM3e, 576 TB/s,"
                + " 360/720/1,440 PFLOPS BF16/FP8/FP4 with sparsity, divided by 72 and halved for dense; 4 GPUs per compute tray,"
                + " one NVLink domain of 72; per-GPU power not published separately", asOf: "2024-03"),
        spec("l40s", "L40S", .nvidia, memoryGB: 48, bandwidthTBs: 0.864, [.bf16: 362, .fp8: 733, .int8: 733], watts: 350, perNode: 8, domain: 8,
             source: "\(mlEngineering); NVIDIA L40S datasheet (nvidia.com/en-us/data-center/l40s): GDDR6, no NVLink (tensor parallelism over PCIe)",
             asOf: "2026-08"),
        spec("mi300x", "MI300X", .amd, memoryGB: 192, bandwidthTBs: 5.3, [.bf16: 1307, .fp8: 2615, .int8: 2615], watts: 750, perNode: 8, domain: 8,
             source: "\(mlEngineering); AMD Instinct MI300X datasheet (amd.com/en/products/accelerators/instinct/mi300/mi300x.html)",
             asOf: "2026-08"),
        spec("mi325x", "MI325X", .amd, memoryGB: 256, bandwidthTBs: 6.0, [.bf16: 1307, .fp8: 2615, .int8: 2615], watts: 1000, perNode: 8, domain: 8,
             source: "\(mlEngineering); AMD Instinct MI325X datasheet (amd.com/en/products/accelerators/instinct/mi300/mi325x.html)",
             asOf: "2026-08"),
        spec("gaudi2", "Gaudi 2", .intel, memoryGB: 96, bandwidthTBs: 2.46, [.bf16: 432, .fp8: 865], watts: 600, perNode: 8, domain: 8,
             source: "\(mlEngineering); Intel Gaudi 2 white paper (intel.com, habana.ai)", asOf: "2026-08"),
        spec("gaudi3", "Gaudi 3", .intel, memoryGB: 128, bandwidthTBs: 3.7, [.bf16: 1677, .fp8: 1677], watts: 900, perNode: 8, domain: 8,
             source: "\(mlEngineering); Intel Gaudi 3 AI accelerator white paper (intel.com, 2024-04)", asOf: "2026-08"),
        spec("tpu-v5e", "TPU v5e", .google, memoryGB: 16, bandwidthTBs: 0.819, [.bf16: 197, .int8: 394], watts: nil, perNode: 8, domain: 256,
             source: "Google Cloud TPU v5e page (https://cloud.google.com/tpu/docs/v5e): 16 GB HBM2, 819 GB/s, 197 TFLOPS BF16,"
                + " 394 TOPS INT8, 8 chips per ct5lp-hightpu-8t host, pods of 256 chips", asOf: "2025-03"),
        spec("tpu-v5p", "TPU v5p", .google, memoryGB: 95, bandwidthTBs: 2.765, [.bf16: 459, .int8: 918], watts: nil, perNode: 4, domain: 8960,
             source: "Google Cloud TPU v5p page (https://cloud.google.com/tpu/docs/v5p): 95 GB HBM2e, 2,765 GB/s, 459 TFLOPS BF16,"
                + " 918 TOPS INT8, 4 chips per host, pods of 8,960 chips", asOf: "2025-03"),
        spec("tpu-v6e", "TPU v6e", .google, memoryGB: 32, bandwidthTBs: 1.64, [.bf16: 918, .int8: 1836], watts: nil, perNode: 8, domain: 256,
             source: "Google Cloud TPU v6e (Trillium) page (https://cloud.google.com/tpu/docs/v6e): 32 GB HBM, 1,640 GB/s,"
                + " 918 TFLOPS BF16, 1,836 TOPS INT8, 8 chips per host, pods of 256 chips", asOf: "2025-03"),
        spec("trainium2", "Trainium2", .aws, memoryGB: 96, bandwidthTBs: 2.9, [.bf16: 667, .fp8: 1299], watts: 500, perNode: 16, domain: 16,
             source: "\(mlEngineering); AWS Trn2 page (aws.amazon.com/ec2/instance-types/trn2): 16 chips per trn2.48xlarge joined by NeuronLink",
             asOf: "2026-08"),
    ]

    /// The spec with this id, or nil.
    public static func named(_ id: String) -> AcceleratorSpec? { all.first { $0.id == id } }

    /// The spec an offering's `accelerator` label names: its catalog name or its id, in any
    /// case (`H100`, `h100`, `Gaudi 3`, `gaudi3`); nil when the performance model does not know
    /// it. The Azure H100 NVL (94 GB) is read as an H100 SXM (80 GB), as the catalog's
    /// throughput for it is: a conservative memory fit. The catalog's replica sizes and the
    /// scenario's derived throughputs both use this one rule.
    public static func forOfferingLabel(_ label: String) -> AcceleratorSpec? {
        let key = label.lowercased() == "h100 nvl" ? "h100" : label.lowercased()
        return all.first { $0.catalogName.lowercased() == key || $0.id == key }
    }
}

extension ModelSpec {
    private static func config(_ repo: String) -> String {
        "Hugging Face \(repo) config.json (https://huggingface.co/\(repo)/blob/main/config.json) and model card"
    }

    /// Every model the performance model knows. Parameter counts are the model cards' (the
    /// safetensors totals), not the nominal names: 70B is 70.6 billion.
    public static let all: [ModelSpec] = [
        ModelSpec(
            id: "llama-3.1-8b", name: "Llama 3.1 8B", totalParametersBillions: 8.03, activeParametersBillions: 8.03, layers: 32,
            hiddenSize: 4096, attentionHeads: 32, kvHeads: 8, headDim: 128, vocabulary: 128_256, maxContext: 131_072,
            source: CatalogSource(source: config("meta-llama/Llama-3.1-8B"), asOf: "2024-07-23")),
        ModelSpec(
            id: "llama-3.1-70b", name: "Llama 3.1 70B", totalParametersBillions: 70.6, activeParametersBillions: 70.6, layers: 80,
            hiddenSize: 8192, attentionHeads: 64, kvHeads: 8, headDim: 128, vocabulary: 128_256, maxContext: 131_072,
            source: CatalogSource(source: config("meta-llama/Llama-3.1-70B"), asOf: "2024-07-23")),
        ModelSpec(
            id: "llama-3.1-405b", name: "Llama 3.1 405B", totalParametersBillions: 405.9, activeParametersBillions: 405.9, layers: 126,
            hiddenSize: 16384, attentionHeads: 128, kvHeads: 8, headDim: 128, vocabulary: 128_256, maxContext: 131_072,
            source: CatalogSource(source: config("meta-llama/Llama-3.1-405B"), asOf: "2024-07-23")),
        ModelSpec(
            id: "llama-2-70b", name: "Llama 2 70B (MLPerf calibration)", totalParametersBillions: 69.0, activeParametersBillions: 69.0,
            layers: 80, hiddenSize: 8192, attentionHeads: 64, kvHeads: 8, headDim: 128, vocabulary: 32_000, maxContext: 4096,
            source: CatalogSource(source: config("meta-llama/Llama-2-70b-chat-hf"), asOf: "2023-07-18")),
        ModelSpec(
            id: "mixtral-8x7b", name: "Mixtral 8x7B (mixture of experts, 2 of 8 per token)", totalParametersBillions: 46.7,
            activeParametersBillions: 12.9, layers: 32, hiddenSize: 4096, attentionHeads: 32, kvHeads: 8, headDim: 128,
            vocabulary: 32_000, maxContext: 32_768,
            source: CatalogSource(
                source: config("mistralai/Mixtral-8x7B-v0.1") + "; 46.7B total and 12.9B active parameters per Mistral AI,"
                    + " \"Mixtral of experts\" (https://mistral.ai/news/mixtral-of-experts/)",
                asOf: "2023-12-11")),
    ]

    /// The spec with this id, or nil.
    public static func named(_ id: String) -> ModelSpec? { all.first { $0.id == id } }
}
