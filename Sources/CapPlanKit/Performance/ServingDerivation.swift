// Planning with the performance model: the serving options of purchases and rentals for
// workloads that list `precisions` (docs/formulation.md section 9, docs/performance-model.md
// "Planning with it"). Each option's figures are exactly what `capplan estimate` computes for
// the same model, accelerator, precision and request sizes (`ServingEstimate.make`).

/// Derives serving options per allowed precision where a scenario leaves throughput out.
public enum ServingDerivation {
    /// Fills `derivedServing` and `unfitPrecisions` of every purchase and rental whose
    /// `accelerator` names a spec of the performance model (`AcceleratorSpec.forOfferingLabel`),
    /// for every workload with `serving` and no given throughput on it (given throughputs, the
    /// scenario's or the catalog's, win). Options and unfit precisions follow the workload's
    /// precision order; a pair with no fitting precision gets no option. Everything else is
    /// cleared, so deriving twice gives the same scenario. The loader calls it after validation,
    /// the generator after drawing.
    public static func derive(_ scenario: inout Scenario, calibration: Calibration = .mlperf) {
        let serving = scenario.workloads.filter { $0.serving != nil }
        for i in scenario.offerings.indices {
            switch scenario.offerings[i] {
            case .purchase(var o):
                (o.derivedServing, o.unfitPrecisions) = options(
                    for: serving, accelerator: o.accelerator, throughput: o.throughput, acceleratorsPerUnit: o.acceleratorsPerUnit,
                    wholeUnits: true, calibration: calibration)
                scenario.offerings[i] = .purchase(o)
            case .rental(var o):
                (o.derivedServing, o.unfitPrecisions) = options(
                    for: serving, accelerator: o.accelerator, throughput: o.throughput, acceleratorsPerUnit: o.acceleratorsPerUnit,
                    wholeUnits: o.commitment == .period, calibration: calibration)
                scenario.offerings[i] = .rental(o)
            case .api:
                break
            }
        }
    }

    /// The options of one offering for the workloads given.
    static func options(
        for workloads: [Workload], accelerator label: String?, throughput: [String: Double], acceleratorsPerUnit: Int,
        wholeUnits: Bool, calibration: Calibration
    ) -> (derived: [String: [ServingOption]], unfit: [String: [UnfitPrecision]]) {
        guard let label, let accelerator = AcceleratorSpec.forOfferingLabel(label) else { return ([:], [:]) }
        var derived: [String: [ServingOption]] = [:], unfit: [String: [UnfitPrecision]] = [:]
        for workload in workloads where throughput[workload.id] == nil {
            guard let serving = workload.serving, let model = workload.model.flatMap(ModelSpec.named) else { continue }
            let pair = options(
                model: model, accelerator: accelerator, serving: serving, acceleratorsPerUnit: acceleratorsPerUnit,
                wholeUnits: wholeUnits, calibration: calibration)
            if !pair.options.isEmpty { derived[workload.id] = pair.options }
            if !pair.unfit.isEmpty { unfit[workload.id] = pair.unfit }
        }
        return (derived, unfit)
    }

    /// The options of one pair, one per allowed precision that fits, and the reasons of those
    /// that do not. Per precision:
    ///
    ///     TP          = the smallest tensor-parallel group that holds weights + KV cache (MemoryFit.find)
    ///     per replica = roofline total tokens/s × calibrated efficiency (ServingEstimate.make)
    ///     τ per unit  = per replica · acceleratorsPerUnit / TP
    ///     a           = TP where `ScenarioRules.replicaSizeApplies`, else none
    ///
    /// Unfit: no memory fit or no arithmetic for the precision (the fit's reason), an interactive
    /// workload whose decode step misses the per-token latency limit even at batch 1, or a group
    /// of TP accelerators that neither divides the unit nor fills whole units.
    public static func options(
        model: ModelSpec, accelerator: AcceleratorSpec, serving: WorkloadServing, acceleratorsPerUnit: Int, wholeUnits: Bool,
        calibration: Calibration = .mlperf
    ) -> (options: [ServingOption], unfit: [UnfitPrecision]) {
        let workload = ServingWorkload(
            inputTokens: Int(serving.inputTokens), outputTokens: Int(serving.outputTokens), latency: serving.latency)
        var options: [ServingOption] = [], unfit: [UnfitPrecision] = []
        for precision in serving.precisions {
            // The price only feeds the estimate's cost, which planning does not use.
            let estimate = ServingEstimate.make(
                model: model, accelerator: accelerator, precision: precision, workload: workload, utilization: 1,
                price: AcceleratorPrice(perAcceleratorHour: 1, offering: "scenario", source: nil), calibration: calibration)
            let fit: MemoryFit, throughput: ServingThroughput
            switch estimate.outcome {
            case .failure(let failure):
                unfit.append(UnfitPrecision(precision: precision, reason: failure.description))
                continue
            case .success(let value):
                (fit, throughput) = (value.fit, value.throughput)
            }
            let roofline = throughput.roofline
            if serving.latency == .interactive, roofline.missesLatencyLimit {
                let ms = Formatting.number(roofline.decodeStepSeconds * 1000, fractionDigits: 1)
                let limit = Formatting.number(LatencyClass.interactiveTimePerOutputToken * 1000, fractionDigits: 0)
                unfit.append(UnfitPrecision(
                    precision: precision,
                    reason: "a decode step takes \(ms) ms even at batch 1, more than the \(limit) ms per output token interactive traffic allows"
                        + " (latency: batch has no limit)"))
                continue
            }
            let tp = fit.tensorParallel
            guard ScenarioRules.replicaFits(accelerators: tp, perUnit: acceleratorsPerUnit) else {
                unfit.append(UnfitPrecision(
                    precision: precision,
                    reason: "a replica takes \(tp) accelerators (tensor parallel), which neither divides units of \(acceleratorsPerUnit)"
                        + " accelerators nor fills whole units"))
                continue
            }
            let perReplica = throughput.totalTokensPerSecondPerReplica
            let tau = perReplica * Double(acceleratorsPerUnit) / Double(tp)
            guard ScenarioRules.throughput.allows(tau) else {
                unfit.append(UnfitPrecision(
                    precision: precision, reason: "the derived throughput \(tau) tokens/s per unit is not \(ScenarioRules.throughput.expected)"))
                continue
            }
            let derivation = ThroughputDerivation(
                model: model.id, accelerator: accelerator.id, latency: serving.latency, inputTokens: serving.inputTokens,
                outputTokens: serving.outputTokens, tensorParallel: tp, batch: roofline.batch, tokensPerSecondPerReplica: perReplica,
                efficiencyFactor: throughput.efficiency, efficiencyCalibrated: throughput.efficiencyCalibrated,
                decodeBound: roofline.decodeBound == .memoryBandwidth ? "memory" : "compute")
            options.append(ServingOption(
                precision: precision, tokensPerSecond: tau,
                acceleratorsPerReplica: ScenarioRules.replicaSizeApplies(accelerators: tp, perUnit: acceleratorsPerUnit, wholeUnits: wholeUnits)
                    ? tp : nil,
                derivation: derivation))
        }
        return (options, unfit)
    }
}
