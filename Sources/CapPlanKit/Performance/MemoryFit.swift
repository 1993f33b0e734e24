// How many accelerators one model replica needs: weights + KV cache + runtime reserve must fit
// in the memory of a tensor-parallel group the interconnect allows.

/// Serving defaults the fit and the roofline share (docs/performance-model.md, "Assumptions").
public enum ServingDefaults {
    /// Share of each accelerator's memory kept for activations, CUDA graphs, the allocator and
    /// fragmentation: vLLM's default `gpu_memory_utilization` is 0.9
    /// (https://docs.vllm.ai/en/latest/serving/engine_args.html).
    public static let runtimeReserveFraction = 0.10
    /// Sequences whose whole context must fit in the KV cache for a replica to count as fitting.
    public static let fitConcurrency = 64
    /// The most sequences one replica batches: vLLM's default `max_num_seqs` is 256 (same page).
    public static let maxBatch = 256
}

/// Why a model does not fit (or cannot run) on an accelerator.
public enum FitFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// The accelerator's matrix units lack the precision's arithmetic format.
    case precisionUnsupported(accelerator: String, precision: Precision, formats: [ComputeFormat])
    /// The workload's context is longer than the model's.
    case contextTooLong(model: String, context: Int, maxContext: Int)
    /// Even the whole interconnect domain is too small.
    case exceedsDomain(neededGB: Double, largestGroup: Int, largestGroupGB: Double)
    /// The tensor-parallel degree asked for is too small.
    case givenDegreeTooSmall(tensorParallel: Int, neededGB: Double, capacityGB: Double)
    /// The tensor-parallel degree asked for is not a power of two within the interconnect domain.
    case invalidDegree(tensorParallel: Int, domain: Int)

    public var description: String {
        func gb(_ x: Double) -> String { Formatting.number(x, fractionDigits: 1) }
        switch self {
        case .precisionUnsupported(let accelerator, let precision, let formats):
            return "\(accelerator) has no \(precision.computeFormat.rawValue.uppercased()) matrix units for \(precision.rawValue)"
                + " (it has \(formats.map { $0.rawValue.uppercased() }.joined(separator: ", ")))"
        case .contextTooLong(let model, let context, let maxContext):
            return "\(model) takes at most \(maxContext) tokens of context; input + output is \(context)"
        case .exceedsDomain(let needed, let group, let groupGB):
            return "needs \(gb(needed)) GB; the largest tensor-parallel group (\(group)) holds \(gb(groupGB)) GB usable"
        case .givenDegreeTooSmall(let tp, let needed, let capacity):
            return "needs \(gb(needed)) GB; \(tp) accelerators hold \(gb(capacity)) GB usable"
        case .invalidDegree(let tp, let domain):
            return "tensor-parallel degree \(tp) is not a power of two of at most \(domain) (the interconnect domain)"
        }
    }
}

/// The memory one replica needs and the group that holds it.
public struct MemoryFit: Hashable, Sendable, Codable {
    /// Accelerators per replica (the tensor-parallel degree).
    public let tensorParallel: Int
    /// Replicas one node holds: below 1 when a replica spans several nodes.
    public let replicasPerNode: Double
    public let weightsGB: Double
    /// KV cache for `concurrency` sequences of the whole context.
    public let kvCacheGB: Double
    public let concurrency: Int
    /// Memory kept back for the runtime on every accelerator of the group.
    public let reserveGB: Double
    /// Memory of the group: tensorParallel x the accelerator's memory.
    public let capacityGB: Double

    /// What the fit needs in all.
    public var neededGB: Double { weightsGB + kvCacheGB + reserveGB }
}

extension MemoryFit {
    /// The smallest power-of-two tensor-parallel group within the interconnect domain whose memory
    /// holds the weights, the KV cache of `concurrency` sequences of `contextTokens` and the
    /// runtime reserve; or the `tensorParallel` given, checked.
    ///
    ///     weights + concurrency · context · 2 · layers · kvHeads · headDim · bytesPerKV
    ///         ≤ TP · memory · (1 − reserve)
    public static func find(
        model: ModelSpec, accelerator: AcceleratorSpec, precision: Precision, contextTokens: Int,
        concurrency: Int = ServingDefaults.fitConcurrency, tensorParallel given: Int? = nil
    ) throws(FitFailure) -> MemoryFit {
        guard accelerator.tflops(for: precision) != nil else {
            throw .precisionUnsupported(
                accelerator: accelerator.catalogName, precision: precision,
                formats: ComputeFormat.allCases.filter { accelerator.denseTFLOPS[$0] != nil })
        }
        guard contextTokens <= model.maxContext else {
            throw .contextTooLong(model: model.id, context: contextTokens, maxContext: model.maxContext)
        }
        let weights = model.weightBytes(precision) / 1e9
        let kv = Double(concurrency) * Double(contextTokens) * model.kvBytesPerToken(precision) / 1e9
        let reserve = ServingDefaults.runtimeReserveFraction
        func fit(_ tp: Int) -> MemoryFit {
            let capacity = Double(tp) * accelerator.memoryGB
            return MemoryFit(
                tensorParallel: tp, replicasPerNode: Double(accelerator.acceleratorsPerNode) / Double(tp), weightsGB: weights,
                kvCacheGB: kv, concurrency: concurrency, reserveGB: capacity * reserve, capacityGB: capacity)
        }
        let degrees = tensorParallelDegrees(domain: accelerator.interconnectDomain)
        if let given {
            guard degrees.contains(given) else { throw .invalidDegree(tensorParallel: given, domain: accelerator.interconnectDomain) }
            let candidate = fit(given)
            guard candidate.neededGB <= candidate.capacityGB else {
                throw .givenDegreeTooSmall(
                    tensorParallel: given, neededGB: weights + kv, capacityGB: candidate.capacityGB - candidate.reserveGB)
            }
            return candidate
        }
        for tp in degrees {
            let candidate = fit(tp)
            if candidate.neededGB <= candidate.capacityGB { return candidate }
        }
        let largest = fit(degrees.last!)
        throw .exceedsDomain(
            neededGB: weights + kv, largestGroup: largest.tensorParallel, largestGroupGB: largest.capacityGB - largest.reserveGB)
    }

    /// 1, 2, 4, ... up to the interconnect domain.
    static func tensorParallelDegrees(domain: Int) -> [Int] {
        var degrees: [Int] = [], tp = 1
        while tp <= domain {
            degrees.append(tp)
            tp *= 2
        }
        return degrees
    }
}
