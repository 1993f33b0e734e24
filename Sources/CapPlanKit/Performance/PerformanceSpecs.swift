// Specifications the performance model reads: accelerators, models and numeric precisions.
// Every figure carries its public source and date (`CatalogSource`); docs/performance-model.md
// lists them. TFLOPS are dense (vendors often quote twice the figure, with sparsity).

/// A numeric format for weights, KV cache and matrix arithmetic.
public enum Precision: String, CaseIterable, Sendable, Codable {
    case bf16, fp8, int8, fp4, int4

    /// Bytes one weight takes.
    public var bytesPerWeight: Double {
        switch self {
        case .bf16: 2
        case .fp8, .int8: 1
        case .fp4, .int4: 0.5
        }
    }

    /// Bytes one KV-cache element takes. Quantized serving stacks keep the cache in 8 bits
    /// (FP8 on GPUs that have it) except weight-only INT4, which keeps BF16 activations.
    public var bytesPerKVElement: Double {
        switch self {
        case .bf16, .int4: 2
        case .fp8, .int8, .fp4: 1
        }
    }

    /// The arithmetic the matrix units run at: weight-only INT4 dequantizes to BF16.
    public var computeFormat: ComputeFormat {
        switch self {
        case .bf16, .int4: .bf16
        case .fp8: .fp8
        case .int8: .int8
        case .fp4: .fp4
        }
    }

    /// What the format costs in output quality, as the public evaluations report it.
    public var qualityNote: String {
        switch self {
        case .bf16:
            "reference quality (the checkpoints are published in BF16)"
        case .fp8:
            "near-lossless: MLPerf's 99.9%-of-BF16-accuracy Llama-2-70B category is met in FP8 (NVIDIA and AMD v4.1 submissions)"
        case .int8:
            "near-lossless with SmoothQuant-style W8A8 calibration; needs per-model calibration"
        case .fp4:
            "small loss: NVIDIA's FP4 Llama-2-70B preview met MLPerf's 99% accuracy target, not the 99.9% one"
        case .int4:
            "weight-only (AWQ/GPTQ): measurable loss on reasoning and long-context tasks; check on your own evaluation"
        }
    }
}

/// The arithmetic format matrix units run at.
public enum ComputeFormat: String, CaseIterable, Sendable, Codable {
    case bf16, fp8, int8, fp4
}

/// An accelerator family: the efficiency factor is calibrated per family (docs/performance-model.md).
public enum AcceleratorFamily: String, CaseIterable, Sendable, Codable {
    case nvidia, amd, intel, google, aws
}

/// One accelerator's serving-relevant specifications.
public struct AcceleratorSpec: Hashable, Sendable {
    /// The command-line id (`h100`).
    public let id: String
    /// The name the catalog's offerings use in their `accelerator` field (`H100`).
    public let catalogName: String
    public let family: AcceleratorFamily
    public let memoryGB: Double
    public let bandwidthTBs: Double
    /// Dense TFLOPS by arithmetic format; a missing format is not supported by the matrix units.
    public let denseTFLOPS: [ComputeFormat: Double]
    public let powerWatts: Double?
    /// Accelerators in one server (or TPU host).
    public let acceleratorsPerNode: Int
    /// Accelerators joined by the fast interconnect (NVLink, xGMI, ICI, NeuronLink): the largest
    /// tensor-parallel group one replica may span.
    public let interconnectDomain: Int
    public let source: CatalogSource

    public init(
        id: String, catalogName: String, family: AcceleratorFamily, memoryGB: Double, bandwidthTBs: Double,
        denseTFLOPS: [ComputeFormat: Double], powerWatts: Double?, acceleratorsPerNode: Int, interconnectDomain: Int,
        source: CatalogSource
    ) {
        self.id = id
        self.catalogName = catalogName
        self.family = family
        self.memoryGB = memoryGB
        self.bandwidthTBs = bandwidthTBs
        self.denseTFLOPS = denseTFLOPS
        self.powerWatts = powerWatts
        self.acceleratorsPerNode = acceleratorsPerNode
        self.interconnectDomain = interconnectDomain
        self.source = source
    }

    /// The dense TFLOPS a precision runs at, or nil when the hardware lacks its format.
    public func tflops(for precision: Precision) -> Double? { denseTFLOPS[precision.computeFormat] }
}

/// One model's architecture, as its published configuration gives it.
public struct ModelSpec: Hashable, Sendable {
    /// The id workloads and the catalog use (`llama-3.1-70b`).
    public let id: String
    public let name: String
    public let totalParametersBillions: Double
    /// Parameters one token passes through: all of them for a dense model, the routed experts'
    /// share for a mixture of experts.
    public let activeParametersBillions: Double
    public let layers: Int
    public let hiddenSize: Int
    public let attentionHeads: Int
    public let kvHeads: Int
    public let headDim: Int
    public let vocabulary: Int
    public let maxContext: Int
    public let source: CatalogSource

    public init(
        id: String, name: String, totalParametersBillions: Double, activeParametersBillions: Double, layers: Int,
        hiddenSize: Int, attentionHeads: Int, kvHeads: Int, headDim: Int, vocabulary: Int, maxContext: Int,
        source: CatalogSource
    ) {
        self.id = id
        self.name = name
        self.totalParametersBillions = totalParametersBillions
        self.activeParametersBillions = activeParametersBillions
        self.layers = layers
        self.hiddenSize = hiddenSize
        self.attentionHeads = attentionHeads
        self.kvHeads = kvHeads
        self.headDim = headDim
        self.vocabulary = vocabulary
        self.maxContext = maxContext
        self.source = source
    }

    public var isMixtureOfExperts: Bool { activeParametersBillions < totalParametersBillions }

    /// KV-cache bytes one token of context holds: keys and values, every layer, every KV head.
    public func kvBytesPerToken(_ precision: Precision) -> Double {
        2 * Double(layers * kvHeads * headDim) * precision.bytesPerKVElement
    }

    /// Bytes of the weights.
    public func weightBytes(_ precision: Precision) -> Double {
        totalParametersBillions * 1e9 * precision.bytesPerWeight
    }
}
