// One serving estimate: the memory fit, the calibrated throughput and the cost per million tokens.

import Foundation

/// A price per accelerator-hour and where it comes from.
public struct AcceleratorPrice: Hashable, Sendable, Codable {
    public let perAcceleratorHour: Double
    /// The catalog offering id, or "--price-per-hour".
    public let offering: String
    public let source: CatalogSource?

    public init(perAcceleratorHour: Double, offering: String, source: CatalogSource?) {
        self.perAcceleratorHour = perAcceleratorHour
        self.offering = offering
        self.source = source
    }

    /// The cheapest on-demand rental of the accelerator in `catalog`, per accelerator-hour; nil
    /// when the catalog rents none. On-demand, because committed prices assume a term the
    /// estimate does not know.
    public static func cheapestOnDemand(_ accelerator: AcceleratorSpec, in catalog: Catalog) -> AcceleratorPrice? {
        catalog.rentals
            .filter { $0.accelerator == accelerator.catalogName && $0.term == "on-demand" }
            .map { AcceleratorPrice(perAcceleratorHour: $0.pricePerUnitHour / Double($0.acceleratorsPerUnit), offering: $0.id, source: $0.price) }
            .min { ($0.perAcceleratorHour, $0.offering) < ($1.perAcceleratorHour, $1.offering) }
    }
}

/// Throughput of one replica and one node after the efficiency factor.
public struct ServingThroughput: Hashable, Sendable, Codable {
    public let roofline: Roofline
    public let efficiency: Double
    /// False when the accelerator's family has no calibration point (the overall factor is used).
    public let efficiencyCalibrated: Bool
    public let outputTokensPerSecondPerReplica: Double
    /// Prompt and completion tokens per second: the unit workloads' demand is counted in.
    public let totalTokensPerSecondPerReplica: Double
    public let outputTokensPerSecondPerNode: Double
    public let totalTokensPerSecondPerNode: Double
}

/// Cost per million tokens at a utilization.
public struct ServingCost: Hashable, Sendable, Codable {
    public let price: AcceleratorPrice
    public let utilization: Double
    /// Per million prompt-plus-completion tokens.
    public let perMillionTokens: Double
    public let perMillionOutputTokens: Double
}

/// The estimate for one model, accelerator and precision: a fit with throughput, or why not.
public struct ServingEstimate: Sendable {
    public let model: ModelSpec
    public let accelerator: AcceleratorSpec
    public let precision: Precision
    public let workload: ServingWorkload
    public let outcome: Result<(fit: MemoryFit, throughput: ServingThroughput, cost: ServingCost?), FitFailure>

    /// Estimates serving `model` on `accelerator` at `precision`. `price` nil takes the catalog's
    /// cheapest on-demand rental (no cost when there is none).
    public static func make(
        model: ModelSpec, accelerator: AcceleratorSpec, precision: Precision, workload: ServingWorkload,
        tensorParallel: Int? = nil, utilization: Double, price: AcceleratorPrice? = nil,
        catalog: Catalog = .builtIn, calibration: Calibration = .mlperf
    ) -> ServingEstimate {
        let outcome = Result { () throws(FitFailure) in
            let fit = try MemoryFit.find(
                model: model, accelerator: accelerator, precision: precision, contextTokens: workload.contextTokens,
                tensorParallel: tensorParallel)
            let roofline = Roofline.estimate(model: model, accelerator: accelerator, precision: precision, fit: fit, workload: workload)
            let factor = calibration.factor(accelerator.family, workload.latency)
            let output = roofline.outputTokensPerSecond * factor.value
            let total = output * Double(workload.contextTokens) / Double(workload.outputTokens)
            let throughput = ServingThroughput(
                roofline: roofline, efficiency: factor.value, efficiencyCalibrated: factor.calibrated,
                outputTokensPerSecondPerReplica: output, totalTokensPerSecondPerReplica: total,
                outputTokensPerSecondPerNode: output * fit.replicasPerNode, totalTokensPerSecondPerNode: total * fit.replicasPerNode)
            let cost = (price ?? AcceleratorPrice.cheapestOnDemand(accelerator, in: catalog)).map { price in
                let dollarsPerSecond = price.perAcceleratorHour * Double(fit.tensorParallel) / 3600 / utilization
                return ServingCost(
                    price: price, utilization: utilization, perMillionTokens: dollarsPerSecond / total * 1e6,
                    perMillionOutputTokens: dollarsPerSecond / output * 1e6)
            }
            return (fit: fit, throughput: throughput, cost: cost)
        }
        return ServingEstimate(model: model, accelerator: accelerator, precision: precision, workload: workload, outcome: outcome)
    }
}

/// The estimate as JSON: one object per accelerator, with `fit`, `throughput` and `cost`, or `unfit`.
struct ServingEstimateJSON: Encodable {
    let model: String
    let accelerator: String
    let precision: Precision
    let precisionQuality: String
    let workload: ServingWorkload
    let fit: MemoryFit?
    let throughput: ServingThroughput?
    let cost: ServingCost?
    let unfit: String?

    init(_ estimate: ServingEstimate) {
        model = estimate.model.id
        accelerator = estimate.accelerator.id
        precision = estimate.precision
        precisionQuality = estimate.precision.qualityNote
        workload = estimate.workload
        switch estimate.outcome {
        case .success(let value):
            (fit, throughput, cost, unfit) = (value.fit, value.throughput, value.cost, nil)
        case .failure(let failure):
            (fit, throughput, cost, unfit) = (nil, nil, nil, failure.description)
        }
    }
}

/// Text and JSON renderings of estimates, for `capplan estimate`.
public enum EstimateReport {
    /// Pretty, key-sorted JSON of the estimates (an array, even of one).
    public static func json(_ estimates: [ServingEstimate]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(estimates.map(ServingEstimateJSON.init)), as: UTF8.self) + "\n"
    }

    private static func n(_ x: Double, _ digits: Int = 0) -> String { Formatting.number(x, fractionDigits: digits, grouped: true) }

    /// The description of one estimate, line by line.
    public static func detail(_ estimate: ServingEstimate) -> String {
        let w = estimate.workload
        var lines = [
            "\(estimate.model.name) on \(estimate.accelerator.catalogName), \(estimate.precision.rawValue.uppercased()),"
                + " \(w.inputTokens) input + \(w.outputTokens) output tokens, \(w.latency.rawValue)",
            "precision: \(estimate.precision.qualityNote)",
        ]
        switch estimate.outcome {
        case .failure(let failure):
            lines.append("does not fit: \(failure)")
        case .success(let (fit, t, cost)):
            let node = fit.replicasPerNode >= 1
                ? "\(n(fit.replicasPerNode, 2)) replica\(fit.replicasPerNode == 1 ? "" : "s") per \(estimate.accelerator.acceleratorsPerNode)-accelerator node"
                : "one replica spans \(n(1 / fit.replicasPerNode, 2)) nodes of \(estimate.accelerator.acceleratorsPerNode)"
            lines += [
                "fit: \(fit.tensorParallel) accelerator\(fit.tensorParallel == 1 ? "" : "s") per replica (tensor parallel), \(node)",
                "memory: weights \(n(fit.weightsGB, 1)) GB + KV cache \(n(fit.kvCacheGB, 1)) GB (\(fit.concurrency) sequences x"
                    + " \(w.contextTokens) tokens) + reserve \(n(fit.reserveGB, 1)) GB <= \(n(fit.capacityGB, 1)) GB",
                "roofline: batch \(t.roofline.batch), decode step \(n(t.roofline.decodeStepSeconds * 1000, 1)) ms"
                    + " (\(t.roofline.decodeBound == .memoryBandwidth ? "memory-bandwidth" : "compute") bound),"
                    + " prefill \(n(t.roofline.prefillSecondsPerRequest * 1000, 1)) ms per request"
                    + (t.roofline.missesLatencyLimit ? "; misses the 200 ms per-token limit even at batch 1" : ""),
                "efficiency: \(n(t.efficiency, 3)) (\(t.efficiencyCalibrated ? "calibrated on this family's MLPerf results" : "uncalibrated family: mean of all MLPerf points"))",
                "per replica: \(n(t.outputTokensPerSecondPerReplica)) output tok/s, \(n(t.totalTokensPerSecondPerReplica)) total tok/s",
                "per node: \(n(t.outputTokensPerSecondPerNode)) output tok/s, \(n(t.totalTokensPerSecondPerNode)) total tok/s",
            ]
            if let cost {
                lines.append(
                    "cost: \(n(cost.perMillionTokens, 3)) USD per million tokens (\(n(cost.perMillionOutputTokens, 3)) per million output)"
                        + " at \(n(cost.utilization * 100))% utilization and \(n(cost.price.perAcceleratorHour, 3)) USD per accelerator-hour"
                        + " (\(cost.price.offering)\(cost.price.source.map { ", " + $0.asOf } ?? ""))")
            } else {
                lines.append("cost: no on-demand rental of \(estimate.accelerator.catalogName) in the catalog; give --price-per-hour")
            }
        }
        lines.append("estimate: roofline x efficiency (docs/performance-model.md), not a measurement")
        return lines.joined(separator: "\n") + "\n"
    }

    /// One row per accelerator; unfit ones say why. Fits 100 columns.
    public static func table(_ estimates: [ServingEstimate]) -> String {
        guard let first = estimates.first else { return "" }
        let w = first.workload
        var out = "\(first.model.name), \(first.precision.rawValue.uppercased()), \(w.inputTokens) input + \(w.outputTokens) output tokens,"
            + " \(w.latency.rawValue) (estimates: roofline x efficiency)\n"
        let header = ["accelerator", "TP", "repl/node", "out tok/s/repl", "tok/s/node", "USD/Mtok", "price USD/h"]
        var rows: [[String]] = []
        var notes: [String] = []
        for estimate in estimates {
            switch estimate.outcome {
            case .success(let (fit, t, cost)):
                rows.append([
                    estimate.accelerator.id + (t.efficiencyCalibrated ? "" : "*"), "\(fit.tensorParallel)", n(fit.replicasPerNode, 2),
                    n(t.outputTokensPerSecondPerReplica), n(t.totalTokensPerSecondPerNode),
                    cost.map { n($0.perMillionTokens, 3) } ?? "-", cost.map { n($0.price.perAcceleratorHour, 2) } ?? "-",
                ])
            case .failure(let failure):
                notes.append("  \(estimate.accelerator.id): \(failure)")
            }
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max()! }
        func line(_ cells: [String]) -> String {
            cells.indices.map { i in
                i == 0 ? cells[i].padding(toLength: widths[i], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[i] - cells[i].count) + cells[i]
            }.joined(separator: "  ")
        }
        out += line(header) + "\n" + (rows.map(line).joined(separator: "\n")) + (rows.isEmpty ? "" : "\n")
        if let cost = estimates.lazy.compactMap({ try? $0.outcome.get().cost }).first {
            out += "USD/Mtok: prompt + completion tokens at \(n(cost.utilization * 100))% utilization, cheapest on-demand catalog rental\n"
        }
        if rows.contains(where: { $0[0].hasSuffix("*") }) { out += "* no MLPerf result for this family: efficiency is the mean of all points\n" }
        if !notes.isEmpty { out += "does not fit:\n" + notes.joined(separator: "\n") + "\n" }
        return out
    }

    /// The calibration set: every point's roofline, estimate, measurement and error, and the factors.
    public static func calibration(_ calibration: Calibration = .mlperf, points: [CalibrationPoint] = CalibrationPoint.mlperf) throws -> String {
        var out = "MLPerf Inference Llama-2-70B calibration (generated tokens/s per system; "
            + "\(CalibrationPoint.workload(.batch).inputTokens) in + \(CalibrationPoint.workload(.batch).outputTokens) out assumed)\n"
        let header = ["system", "prec", "scenario", "roofline", "estimated", "measured", "error", "held out"]
        var rows: [[String]] = []
        for row in try calibration.errors(points) {
            rows.append([
                row.point.system, row.point.precision.rawValue, row.point.latency == .batch ? "Offline" : "Server",
                n(row.roofline), n(row.estimated), n(row.point.measuredTokensPerSecond),
                String(format: "%+.1f%%", row.error * 100), String(format: "%+.1f%%", row.heldOutError * 100),
            ])
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max()! }
        func line(_ cells: [String]) -> String {
            cells.indices.map { i in
                i < 3 ? cells[i].padding(toLength: widths[i], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[i] - cells[i].count) + cells[i]
            }.joined(separator: "  ")
        }
        out += ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
        out += "efficiency factors (measured / roofline, geometric mean per family):\n"
        for family in AcceleratorFamily.allCases {
            let batch = calibration.factor(family, .batch), interactive = calibration.factor(family, .interactive)
            out += "  \(family.rawValue): Offline \(n(batch.value, 3)), Server \(n(interactive.value, 3))"
                + (batch.calibrated ? "" : " (no points: mean of all)") + "\n"
        }
        return out
    }
}
