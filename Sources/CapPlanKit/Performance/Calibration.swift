// The efficiency factors: measured MLPerf Inference v4.1 Llama-2-70B throughput over the
// roofline of the same system, per accelerator family and latency class.

import Foundation

/// One published MLPerf result the model is calibrated on.
public struct CalibrationPoint: Hashable, Sendable, Codable {
    public let system: String
    public let acceleratorID: String
    /// Accelerators in the measured system.
    public let accelerators: Int
    public let precision: Precision
    /// Offline results calibrate `batch`, Server results `interactive`.
    public let latency: LatencyClass
    /// Generated tokens per second of the whole system.
    public let measuredTokensPerSecond: Double
    public let source: CatalogSource
}

extension CalibrationPoint {
    private static func mlperf(_ version: String, _ system: String, _ scenario: String, accuracy: String, asOf: String) -> CatalogSource {
        CatalogSource(
            source: "MLPerf Inference v\(version) closed, \(system), llama2-70b-\(accuracy) \(scenario),"
                + " https://github.com/mlcommons/inference_results_v\(version) (results/<system>/llama2-70b-\(accuracy)/\(scenario)/performance/run_1/mlperf_log_summary.txt)",
            asOf: asOf)
    }

    private static func point(
        _ system: String, _ id: String, _ count: Int, _ precision: Precision, _ latency: LatencyClass, _ measured: Double,
        version: String = "4.1", accuracy: String, asOf: String = "2024-08"
    ) -> CalibrationPoint {
        CalibrationPoint(
            system: system, acceleratorID: id, accelerators: count, precision: precision, latency: latency,
            measuredTokensPerSecond: measured,
            source: mlperf(version, system, latency == .batch ? "Offline" : "Server", accuracy: accuracy, asOf: asOf))
    }

    /// The calibration set. Gaudi 2 submitted Llama-2-70B to v4.0 only; it is the one v4.0 point.
    public static let mlperf: [CalibrationPoint] = [
        point("NVIDIA DGX H100 (8x H100-SXM-80GB)", "h100", 8, .fp8, .batch, 24_525, accuracy: "99.9"),
        point("NVIDIA DGX H100 (8x H100-SXM-80GB)", "h100", 8, .fp8, .interactive, 21_606, accuracy: "99.9"),
        point("NVIDIA 8x H200-SXM-141GB", "h200", 8, .fp8, .batch, 31_303, accuracy: "99"),
        point("NVIDIA 8x H200-SXM-141GB", "h200", 8, .fp8, .interactive, 29_228, accuracy: "99"),
        point("NVIDIA 1x B200-SXM-180GB (preview)", "b200", 1, .fp4, .batch, 11_264, accuracy: "99"),
        point("NVIDIA 1x B200-SXM-180GB (preview)", "b200", 1, .fp4, .interactive, 10_756, accuracy: "99"),
        point("AMD 8x MI300X (Genoa host)", "mi300x", 8, .fp8, .batch, 23_515, accuracy: "99"),
        point("AMD 8x MI300X (Genoa host)", "mi300x", 8, .fp8, .interactive, 21_028, accuracy: "99"),
        point("AMD 1x MI300X", "mi300x", 1, .fp8, .batch, 3_063, accuracy: "99.9"),
        point("Intel 8x Gaudi 2", "gaudi2", 8, .fp8, .batch, 8_035, version: "4.0", accuracy: "99.9", asOf: "2024-03"),
        point("Intel 8x Gaudi 2", "gaudi2", 8, .fp8, .interactive, 6_287, version: "4.0", accuracy: "99.9", asOf: "2024-03"),
    ]

    /// The traffic the calibration assumes for MLPerf's OpenOrca Llama-2-70B set: prompts and
    /// completions of about 300 tokens each (an approximation of the set's mean lengths; both are
    /// capped at 1,024). The factors absorb the difference.
    public static func workload(_ latency: LatencyClass) -> ServingWorkload {
        ServingWorkload(inputTokens: 300, outputTokens: 300, latency: latency)
    }

    /// The uncalibrated roofline of the whole measured system, in generated tokens per second:
    /// the smallest fitting replica, times the replicas the system holds.
    public func rooflineTokensPerSecond() throws -> Double {
        let model = ModelSpec.named("llama-2-70b")!, accelerator = AcceleratorSpec.named(acceleratorID)!
        let workload = Self.workload(latency)
        let fit = try MemoryFit.find(model: model, accelerator: accelerator, precision: precision, contextTokens: workload.contextTokens)
        let roofline = Roofline.estimate(model: model, accelerator: accelerator, precision: precision, fit: fit, workload: workload)
        return roofline.outputTokensPerSecond * Double(accelerators / fit.tensorParallel)
    }
}

/// Efficiency factors: measured over roofline throughput, per family and latency class.
public struct Calibration: Sendable {
    /// Geometric mean of measured / roofline over each family's points, per latency class.
    public let factors: [AcceleratorFamily: [LatencyClass: Double]]
    /// Geometric mean over every point of a latency class: the factor of families without points.
    public let overall: [LatencyClass: Double]

    /// The factors fitted to `points`.
    public init(points: [CalibrationPoint]) {
        var ratios: [AcceleratorFamily: [LatencyClass: [Double]]] = [:], all: [LatencyClass: [Double]] = [:]
        for point in points {
            // Every calibration system fits (the tests check it); a point that did not would be skipped.
            guard let roofline = try? point.rooflineTokensPerSecond() else { continue }
            let ratio = point.measuredTokensPerSecond / roofline
            ratios[AcceleratorSpec.named(point.acceleratorID)!.family, default: [:]][point.latency, default: []].append(ratio)
            all[point.latency, default: []].append(ratio)
        }
        factors = ratios.mapValues { $0.mapValues(Self.geometricMean) }
        overall = all.mapValues(Self.geometricMean)
    }

    static func geometricMean(_ values: [Double]) -> Double {
        exp(values.map { log($0) }.reduce(0, +) / Double(values.count))
    }

    /// The calibration on the MLPerf set.
    public static let mlperf = Calibration(points: CalibrationPoint.mlperf)

    /// The factor for an accelerator family and latency class, and whether it was calibrated on
    /// that family's own results.
    public func factor(_ family: AcceleratorFamily, _ latency: LatencyClass) -> (value: Double, calibrated: Bool) {
        if let value = factors[family]?[latency] { return (value, true) }
        return (overall[latency]!, false)
    }

    /// Every point's estimate and relative error with these factors, and its held-out error: with
    /// the factors fitted to the other points only (a family's only point of a latency class then
    /// takes the mean of the other families), the error a new accelerator would see.
    public func errors(_ points: [CalibrationPoint] = CalibrationPoint.mlperf) throws -> [CalibrationError] {
        try points.enumerated().map { index, point in
            let family = AcceleratorSpec.named(point.acceleratorID)!.family
            let roofline = try point.rooflineTokensPerSecond()
            let estimated = roofline * factor(family, point.latency).value
            var others = points
            others.remove(at: index)
            let heldOut = roofline * Calibration(points: others).factor(family, point.latency).value
            return CalibrationError(
                point: point, roofline: roofline, estimated: estimated, error: estimated / point.measuredTokensPerSecond - 1,
                heldOutError: heldOut / point.measuredTokensPerSecond - 1)
        }
    }
}

/// One calibration point's estimate against its measurement.
public struct CalibrationError: Sendable {
    public let point: CalibrationPoint
    /// Uncalibrated roofline of the system, generated tokens/s.
    public let roofline: Double
    public let estimated: Double
    /// estimated / measured - 1.
    public let error: Double
    /// The same with factors fitted without this point.
    public let heldOutError: Double
}
