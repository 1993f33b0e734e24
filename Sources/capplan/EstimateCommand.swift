import ArgumentParser
import CapPlanKit

extension Precision: ExpressibleByArgument {}
extension LatencyClass: ExpressibleByArgument {}

struct EstimateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate",
        abstract: "Estimate how a model fits on accelerators, its tokens per second and its cost per million tokens.",
        discussion: """
            A roofline estimate (decode bound by memory bandwidth, prefill by compute) times an \
            efficiency factor calibrated on MLPerf Inference v4.1 Llama-2-70B results; the cost uses \
            the catalog's cheapest on-demand rental of the accelerator unless --price-per-hour is \
            given. Without --accelerator, one row per known accelerator; without --model, one table \
            per known model. See docs/performance-model.md.
            """)

    @Option(help: "The model: \(ModelSpec.all.map(\.id).joined(separator: ", ")); every one when omitted.")
    var model: String?

    @Option(help: "The accelerator: \(AcceleratorSpec.all.map(\.id).joined(separator: ", ")); every one when omitted.")
    var accelerator: String?

    @Option(help: "Weight and KV-cache precision.")
    var precision: Precision = .bf16

    @Option(help: "Mean prompt tokens per request.")
    var input: Int?

    @Option(help: "Mean generated tokens per request.")
    var output: Int?

    @Option(help: "interactive (MLPerf Server-like per-token latency limit) or batch (Offline-like).")
    var latency: LatencyClass = .interactive

    @Option(help: "Average share of the time the hardware is busy, in (0, 1].")
    var utilization: Double = 0.7

    @Option(help: "Accelerators per replica (a power of two within the interconnect domain); the smallest that fits when omitted.")
    var tensorParallel: Int?

    @Option(help: "Price per accelerator-hour in USD, instead of the catalog's cheapest on-demand rental.")
    var pricePerHour: Double?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Flag(help: "Print the MLPerf calibration points (estimated, measured, error) and the efficiency factors instead.")
    var calibration = false

    func validate() throws {
        if calibration { return }
        guard let input, let output else { throw ValidationError("give --input and --output (or --calibration)") }
        if let model, ModelSpec.named(model) == nil {
            throw ValidationError("--model: no model \(model); known: \(ModelSpec.all.map(\.id).joined(separator: ", "))")
        }
        if let accelerator, AcceleratorSpec.named(accelerator) == nil {
            throw ValidationError(
                "--accelerator: no accelerator \(accelerator); known: \(AcceleratorSpec.all.map(\.id).joined(separator: ", "))")
        }
        guard input >= 1, input <= 10_000_000 else { throw ValidationError("--input must be in 1...10000000 tokens, got \(input)") }
        guard output >= 1, output <= 10_000_000 else { throw ValidationError("--output must be in 1...10000000 tokens, got \(output)") }
        guard utilization.isFinite, utilization > 0, utilization <= 1 else {
            throw ValidationError("--utilization must be in (0, 1], got \(utilization)")
        }
        if let tensorParallel, tensorParallel < 1 { throw ValidationError("--tensor-parallel must be positive, got \(tensorParallel)") }
        if let pricePerHour, !(pricePerHour.isFinite && pricePerHour > 0) {
            throw ValidationError("--price-per-hour must be a positive number, got \(pricePerHour)")
        }
    }

    func run() throws {
        if calibration { return try Console.out(try EstimateReport.calibration()) }
        guard let input, let output else { return }
        let models = model.map { [ModelSpec.named($0)!] } ?? ModelSpec.all
        let accelerators = accelerator.map { [AcceleratorSpec.named($0)!] } ?? AcceleratorSpec.all
        let workload = ServingWorkload(inputTokens: input, outputTokens: output, latency: latency)
        let price = pricePerHour.map { AcceleratorPrice(perAcceleratorHour: $0, offering: "--price-per-hour", source: nil) }
        let estimates = models.map { model in
            accelerators.map {
                ServingEstimate.make(
                    model: model, accelerator: $0, precision: precision, workload: workload, tensorParallel: tensorParallel,
                    utilization: utilization, price: price)
            }
        }
        if accelerator != nil, case .failure(let failure) = estimates[0][0].outcome, case .invalidDegree = failure {
            throw CommandFailure.invalidInput("--tensor-parallel: \(failure)")
        }
        if json {
            try Console.out(try EstimateReport.json(estimates.flatMap { $0 }))
        } else if model != nil, accelerator != nil {
            try Console.out(EstimateReport.detail(estimates[0][0]))
        } else {
            try Console.out(estimates.map(EstimateReport.table).joined(separator: "\n"))
        }
    }
}
