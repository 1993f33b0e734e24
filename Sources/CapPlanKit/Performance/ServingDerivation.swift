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
        var estimates = Estimates(calibration: calibration)
        fill(&scenario, estimates: &estimates)
    }

    /// `derive`, unless the scenario could get more than `optionLimit` derived options: then nil,
    /// with the scenario untouched and nothing estimated (the loader's model-size check, so that
    /// a small file naming many workloads and offerings is refused in bounded time and memory).
    /// The count is an upper bound, like the model-size bound: every allowed precision of every
    /// workload on every purchase and rental with a known accelerator and no throughput for it,
    /// fitting or not. Otherwise that count.
    static func derive(_ scenario: inout Scenario, optionLimit: Int, calibration: Calibration = .mlperf) -> Int? {
        let precisions = scenario.workloads.reduce(into: [String: Int]()) { counts, w in
            if let serving = w.serving, w.model.flatMap(ModelSpec.named) != nil { counts[w.id] = serving.precisions.count }
        }
        let all = precisions.values.reduce(0, +)
        var count = 0
        for offering in scenario.offerings {
            let label: String?, given: [String: Double]
            switch offering {
            case .purchase(let o): (label, given) = (o.accelerator, o.throughput)
            case .rental(let o): (label, given) = (o.accelerator, o.throughput)
            case .api: continue
            }
            guard label.flatMap(AcceleratorSpec.forOfferingLabel) != nil else { continue }
            // Workloads with a given throughput derive nothing here.
            count += all - given.keys.reduce(0) { $0 + (precisions[$1] ?? 0) }
            if count > optionLimit { return nil }
        }
        derive(&scenario, calibration: calibration)
        return count
    }

    private static func fill(_ scenario: inout Scenario, estimates: inout Estimates) {
        let serving = scenario.workloads.filter { $0.serving != nil }
        for i in scenario.offerings.indices {
            switch scenario.offerings[i] {
            case .purchase(var o):
                (o.derivedServing, o.unfitPrecisions) = options(
                    for: serving, accelerator: o.accelerator, throughput: o.throughput, acceleratorsPerUnit: o.acceleratorsPerUnit,
                    wholeUnits: true, estimates: &estimates)
                scenario.offerings[i] = .purchase(o)
            case .rental(var o):
                // Spot capacity serves interruptible workloads only (11.3): no option for the others.
                let mayServe = serving.filter { ScenarioRules.rentalMayServe(o.commitment, interruptible: $0.interruptible) }
                (o.derivedServing, o.unfitPrecisions) = options(
                    for: mayServe, accelerator: o.accelerator, throughput: o.throughput, acceleratorsPerUnit: o.acceleratorsPerUnit,
                    wholeUnits: o.commitment == .period, estimates: &estimates)
                scenario.offerings[i] = .rental(o)
            case .api:
                break
            }
        }
    }

    /// The model, accelerator and serving of a pair the model can derive, if it can.
    private static func pairInputs(_ workload: Workload, _ label: String?) -> (model: ModelSpec, accelerator: AcceleratorSpec, serving: WorkloadServing)? {
        guard let label, let accelerator = AcceleratorSpec.forOfferingLabel(label), let serving = workload.serving,
              let model = workload.model.flatMap(ModelSpec.named) else { return nil }
        return (model, accelerator, serving)
    }

    /// The options of one offering for the workloads given.
    private static func options(
        for workloads: [Workload], accelerator label: String?, throughput: [String: Double], acceleratorsPerUnit: Int,
        wholeUnits: Bool, estimates: inout Estimates
    ) -> (derived: [String: [ServingOption]], unfit: [String: [UnfitPrecision]]) {
        var derived: [String: [ServingOption]] = [:], unfit: [String: [UnfitPrecision]] = [:]
        for workload in workloads where throughput[workload.id] == nil {
            guard let pair = pairInputs(workload, label) else { continue }
            var options: [ServingOption] = [], unfits: [UnfitPrecision] = []
            for precision in pair.serving.precisions {
                switch option(
                    precision, model: pair.model, accelerator: pair.accelerator, serving: pair.serving,
                    acceleratorsPerUnit: acceleratorsPerUnit, wholeUnits: wholeUnits, estimates: &estimates) {
                case .option(let o): options.append(o)
                case .unfit(let u): unfits.append(u)
                }
            }
            if !options.isEmpty { derived[workload.id] = options }
            if !unfits.isEmpty { unfit[workload.id] = unfits }
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
        var estimates = Estimates(calibration: calibration)
        var options: [ServingOption] = [], unfit: [UnfitPrecision] = []
        for precision in serving.precisions {
            switch option(
                precision, model: model, accelerator: accelerator, serving: serving, acceleratorsPerUnit: acceleratorsPerUnit,
                wholeUnits: wholeUnits, estimates: &estimates) {
            case .option(let o): options.append(o)
            case .unfit(let u): unfit.append(u)
            }
        }
        return (options, unfit)
    }

    private enum Outcome {
        case option(ServingOption)
        case unfit(UnfitPrecision)
    }

    /// Estimates by model, accelerator, precision and traffic: many pairs share them (every
    /// 8-GPU H100 offering of a scenario has the same per-replica figures for a workload).
    private struct Estimates {
        struct Key: Hashable {
            let model: String, accelerator: String, precision: Precision, workload: ServingWorkload
        }
        let calibration: Calibration
        var entries: [Key: ServingEstimate] = [:]

        init(calibration: Calibration) { self.calibration = calibration }

        mutating func estimate(_ model: ModelSpec, _ accelerator: AcceleratorSpec, _ precision: Precision, _ workload: ServingWorkload) -> ServingEstimate {
            let key = Key(model: model.id, accelerator: accelerator.id, precision: precision, workload: workload)
            if let known = entries[key] { return known }
            // The price only feeds the estimate's cost, which planning does not use.
            let estimate = ServingEstimate.make(
                model: model, accelerator: accelerator, precision: precision, workload: workload, utilization: 1,
                price: AcceleratorPrice(perAcceleratorHour: 1, offering: "scenario", source: nil), calibration: calibration)
            entries[key] = estimate
            return estimate
        }
    }

    private static func option(
        _ precision: Precision, model: ModelSpec, accelerator: AcceleratorSpec, serving: WorkloadServing, acceleratorsPerUnit: Int,
        wholeUnits: Bool, estimates: inout Estimates
    ) -> Outcome {
        let workload = ServingWorkload(
            inputTokens: Int(serving.inputTokens), outputTokens: Int(serving.outputTokens), latency: serving.latency)
        let fit: MemoryFit, throughput: ServingThroughput
        switch estimates.estimate(model, accelerator, precision, workload).outcome {
        case .failure(let failure):
            return .unfit(UnfitPrecision(precision: precision, reason: failure.description))
        case .success(let value):
            (fit, throughput) = (value.fit, value.throughput)
        }
        let roofline = throughput.roofline
        if serving.latency == .interactive, roofline.missesLatencyLimit {
            let ms = Formatting.number(roofline.decodeStepSeconds * 1000, fractionDigits: 1)
            let limit = Formatting.number(LatencyClass.interactiveTimePerOutputToken * 1000, fractionDigits: 0)
            return .unfit(UnfitPrecision(
                precision: precision,
                reason: "a decode step takes \(ms) ms even at batch 1, more than the \(limit) ms per output token interactive traffic allows"
                    + " (latency: batch has no limit)"))
        }
        let tp = fit.tensorParallel
        guard ScenarioRules.replicaFits(accelerators: tp, perUnit: acceleratorsPerUnit) else {
            return .unfit(UnfitPrecision(
                precision: precision,
                reason: "a replica takes \(tp) accelerators (tensor parallel), which neither divides units of \(acceleratorsPerUnit)"
                    + " accelerators nor fills whole units"))
        }
        let perReplica = throughput.totalTokensPerSecondPerReplica
        let tau = perReplica * Double(acceleratorsPerUnit) / Double(tp)
        guard ScenarioRules.throughput.allows(tau) else {
            return .unfit(UnfitPrecision(
                precision: precision, reason: "the derived throughput \(tau) tokens/s per unit is not \(ScenarioRules.throughput.expected)"))
        }
        let derivation = ThroughputDerivation(
            model: model.id, accelerator: accelerator.id, latency: serving.latency, inputTokens: serving.inputTokens,
            outputTokens: serving.outputTokens, tensorParallel: tp, batch: roofline.batch, tokensPerSecondPerReplica: perReplica,
            efficiencyFactor: throughput.efficiency, efficiencyCalibrated: throughput.efficiencyCalibrated,
            decodeBound: roofline.decodeBound == .memoryBandwidth ? "memory" : "compute")
        return .option(ServingOption(
            precision: precision, tokensPerSecond: tau,
            acceleratorsPerReplica: ScenarioRules.replicaSizeApplies(accelerators: tp, perUnit: acceleratorsPerUnit, wholeUnits: wholeUnits)
                ? tp : nil,
            derivation: derivation))
    }
}
