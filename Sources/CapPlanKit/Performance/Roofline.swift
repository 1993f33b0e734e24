// Roofline throughput of one replica: decode bound by memory bandwidth (or compute at large
// batches), prefill bound by compute. docs/performance-model.md derives every formula.

/// How latency-sensitive the traffic is.
public enum LatencyClass: String, CaseIterable, Sendable, Codable {
    /// Chat-like traffic under MLPerf Server-like limits: the batch is capped so one decode step
    /// takes at most `interactiveTimePerOutputToken`; calibrated on MLPerf Server results.
    case interactive
    /// Throughput-only traffic (MLPerf Offline-like): the largest batch memory allows.
    case batch

    /// MLPerf Inference v4.1 Llama-2-70B Server limit on the 99th-percentile time per output token
    /// (TTFT 2 s, TPOT 200 ms; MLCommons inference rules, https://github.com/mlcommons/inference_policies).
    public static let interactiveTimePerOutputToken = 0.2
}

/// The traffic one estimate is for: mean prompt and completion lengths.
public struct ServingWorkload: Hashable, Sendable, Codable {
    public let inputTokens: Int
    public let outputTokens: Int
    public let latency: LatencyClass

    public init(inputTokens: Int, outputTokens: Int, latency: LatencyClass) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.latency = latency
    }

    public var contextTokens: Int { inputTokens + outputTokens }
}

/// What limits a decode step.
public enum DecodeBound: String, Sendable, Codable {
    case memoryBandwidth, compute
}

/// The uncalibrated roofline of one replica.
public struct Roofline: Hashable, Sendable, Codable {
    /// Sequences decoded together.
    public let batch: Int
    /// Seconds per decode step at that batch.
    public let decodeStepSeconds: Double
    public let decodeBound: DecodeBound
    /// Seconds of prefill per request (compute-bound).
    public let prefillSecondsPerRequest: Double
    /// Output tokens per second of the replica before the efficiency factor.
    public let outputTokensPerSecond: Double
    /// True when even a batch of one misses the interactive time per output token.
    public let missesLatencyLimit: Bool
}

extension Roofline {
    /// The roofline of one replica of `fit` serving `workload`.
    ///
    ///     decode step(B) = max( (weightsRead(B) + B · kvPerToken · (input + output/2)) / (TP · bandwidth),
    ///                           2 · activeParams · B / (TP · FLOPS) )
    ///     weightsRead(B) = min(total, active · B) · bytesPerWeight     (all of them for a dense model)
    ///     prefill        = 2 · activeParams · input / (TP · FLOPS)      per request
    ///     output tok/s   = B · output / (B · prefill + output · step(B))
    ///
    /// B is the largest batch the memory left after the weights holds at full context, at most
    /// `ServingDefaults.maxBatch`; interactive traffic lowers it until a step takes at most
    /// `LatencyClass.interactiveTimePerOutputToken`.
    public static func estimate(
        model: ModelSpec, accelerator: AcceleratorSpec, precision: Precision, fit: MemoryFit, workload: ServingWorkload
    ) -> Roofline {
        let tp = Double(fit.tensorParallel)
        let bandwidth = tp * accelerator.bandwidthTBs * 1e12
        let flops = tp * (accelerator.tflops(for: precision) ?? 0) * 1e12
        let kvPerToken = model.kvBytesPerToken(precision)
        let activeParams = model.activeParametersBillions * 1e9
        let weightBytes = model.weightBytes(precision)
        let activeWeightBytes = activeParams * precision.bytesPerWeight
        let meanContext = Double(workload.inputTokens) + Double(workload.outputTokens) / 2

        func memorySeconds(_ b: Int) -> Double {
            (min(weightBytes, activeWeightBytes * Double(b)) + Double(b) * kvPerToken * meanContext) / bandwidth
        }
        func computeSeconds(_ b: Int) -> Double { 2 * activeParams * Double(b) / flops }
        func step(_ b: Int) -> Double { max(memorySeconds(b), computeSeconds(b)) }

        let free = (fit.capacityGB - fit.reserveGB - fit.weightsGB) * 1e9
        let memoryBatch = Int((free / (kvPerToken * Double(workload.contextTokens))).rounded(.down))
        var batch = max(1, min(ServingDefaults.maxBatch, memoryBatch))
        var misses = false
        if workload.latency == .interactive {
            // step(B) grows with B, so the largest B within the limit is found by bisection.
            let limit = LatencyClass.interactiveTimePerOutputToken
            if step(1) > limit {
                batch = 1
                misses = true
            } else if step(batch) > limit {
                var low = 1, high = batch
                while high - low > 1 {
                    let middle = (low + high) / 2
                    if step(middle) <= limit { low = middle } else { high = middle }
                }
                batch = low
            }
        }
        let stepSeconds = step(batch)
        let prefill = 2 * activeParams * Double(workload.inputTokens) / flops
        let b = Double(batch), output = Double(workload.outputTokens)
        return Roofline(
            batch: batch, decodeStepSeconds: stepSeconds,
            decodeBound: memorySeconds(batch) >= computeSeconds(batch) ? .memoryBandwidth : .compute,
            prefillSecondsPerRequest: prefill,
            outputTokensPerSecond: b * output / (b * prefill + output * stepSeconds),
            missesLatencyLimit: misses)
    }
}
