// Training jobs' compute and pools (docs/formulation.md section 10, docs/performance-model.md
// "Training"): the FLOPs F_j of a job from the form it is written in, and per pool o the
// accelerator-hours A_jo = F_j φ_j / (3600 · P_o 10^12 · m_jo). The loader fills
// `TrainingJob.pools` after validation, the generator after drawing; the builder and the
// evaluator read A_jo from there and never recompute it.

/// How a job's compute is written in the scenario (kept so that the writer writes it back).
public enum TrainingComputeInput: Hashable, Sendable {
    /// `flops`: F_j as given.
    case flops(Double)
    /// `parameters` N and training `tokens` D: F = 6·N·D (full) or 4·N·D (LoRA).
    case parametersAndTokens(parameters: Double, tokens: Double, method: TrainingMethod)
    /// `acceleratorHours` on `referenceAccelerator` (a performance-model accelerator id): F =
    /// hours × 3600 × its dense peak at the job's precision × its MFU (the job's, else the default).
    case acceleratorHours(Double, reference: String)
}

/// Full training or LoRA fine-tuning.
public enum TrainingMethod: String, CaseIterable, Sendable {
    case full, lora

    /// FLOPs per parameter and token. Full training: 2 forward + 4 backward (gradients of the
    /// activations and of the weights). LoRA freezes the base weights: the backward pass still
    /// computes the activations' gradients through them (2) but not the weights' (2 saved), and
    /// the adapters' few parameters add almost nothing, so 2 + 2 = 4 (Hu et al. 2021, "LoRA",
    /// arXiv:2106.09685, section 4.2: no gradients or optimizer states for the frozen weights).
    public var flopsPerParameterToken: Double {
        switch self {
        case .full: return 6
        case .lora: return 4
        }
    }

    /// `6·N·D` or `4·N·D`, the plan's `computeBasis`.
    public var basis: String { self == .full ? "6·N·D" : "4·N·D" }
}

/// The pools of training jobs and the accelerator-hours they need on each.
public enum TrainingDerivation {
    /// What the plan says about a job's MFU when the scenario gives it.
    public static let jobMFUSource = "the job's mfu"

    /// F_j and the plan's `computeBasis` for a compute form, at the job's precision and MFU
    /// (only the accelerator-hours form reads them). Nil when the reference accelerator is not a
    /// performance-model accelerator, lacks the precision's arithmetic, or has no default MFU
    /// for it and the job gives none: the validator reports each of these.
    public static func flops(_ input: TrainingComputeInput, precision: Precision, mfu: Double?) -> (flops: Double, basis: String)? {
        switch input {
        case .flops(let f):
            return (f, "flops")
        case .parametersAndTokens(let n, let d, let method):
            return (method.flopsPerParameterToken * n * d, method.basis)
        case .acceleratorHours(let hours, let reference):
            guard let spec = AcceleratorSpec.forOfferingLabel(reference), let peak = spec.tflops(for: precision),
                  let m = mfu ?? TrainingMFUDefault.forAccelerator(spec, precision: precision)?.mfu else { return nil }
            return (hours * 3600 * peak * 1e12 * m, "accelerator-hours on \(spec.id)")
        }
    }

    /// A_jo = F φ / (3600 · peak · 10^12 · mfu): accelerator-hours of the job on a pool.
    public static func acceleratorHours(flops: Double, overhead: Double, peakTFLOPS: Double, mfu: Double) -> Double {
        flops * overhead / (3600 * peakTFLOPS * 1e12 * mfu)
    }

    /// A pool, or why an offering is none.
    public enum PoolOutcome: Hashable, Sendable {
        case pool(TrainingPool)
        case refused(String)
    }

    /// Whether `offering` is a pool of `job` (docs/formulation.md section 10, O_j), with its
    /// figures: a purchase, or a rental with `clusterNetworking` whose units can hold
    /// `minAccelerators` together (maxUnits × acceleratorsPerUnit), whose accelerator the
    /// performance model knows and has the job's arithmetic, with an MFU (the job's or the
    /// default) and A_jo within `ScenarioRules.jobAcceleratorHours`. Never an API.
    public static func pool(for job: TrainingJob, on offering: Offering) -> PoolOutcome {
        let label: String?
        switch offering {
        case .api:
            return .refused("an API (jobs run on owned or rented capacity)")
        case .purchase(let p):
            label = p.accelerator
        case .rental(let r):
            guard r.clusterNetworking else {
                return .refused("a rental without clusterNetworking (set clusterNetworking: true if its units are networked for multi-node training)")
            }
            if let maxUnits = r.maxUnits, maxUnits * Double(r.acceleratorsPerUnit) < Double(job.minAccelerators) {
                return .refused("at most \(YAMLText.number(maxUnits * Double(r.acceleratorsPerUnit))) accelerators"
                    + " (maxUnits \(YAMLText.number(maxUnits)) x \(r.acceleratorsPerUnit) per unit), fewer than minAccelerators \(job.minAccelerators)")
            }
            label = r.accelerator
        }
        guard let label else { return .refused("no accelerator named (the performance model needs one for its peak TFLOPS)") }
        guard let spec = AcceleratorSpec.forOfferingLabel(label) else {
            return .refused("accelerator `\(InputText.excerpt(label))` is not one the performance model knows")
        }
        guard let peak = spec.tflops(for: job.precision) else {
            return .refused("\(spec.catalogName) has no \(job.precision.rawValue) arithmetic")
        }
        let mfu: Double, source: String
        if let own = job.mfu {
            (mfu, source) = (own, jobMFUSource)
        } else if let d = TrainingMFUDefault.forAccelerator(spec, precision: job.precision) {
            (mfu, source) = (d.mfu, d.citation)
        } else {
            return .refused("no default MFU for \(spec.family.rawValue) at \(job.precision.rawValue) (give the job an mfu)")
        }
        let hours = acceleratorHours(flops: job.flops, overhead: job.overhead, peakTFLOPS: peak, mfu: mfu)
        guard ScenarioRules.jobAcceleratorHours.allows(hours) else {
            return .refused("the job would need \(hours) accelerator-hours on it, not \(ScenarioRules.jobAcceleratorHours.expected)")
        }
        return .pool(TrainingPool(offering: offering.id, peakTFLOPS: peak, mfu: mfu, mfuSource: source, acceleratorHours: hours))
    }

    /// Fills every job's `pools`, in offering order; everything else is left as it is, so that
    /// deriving twice gives the same scenario. The loader calls it after validation (which
    /// refuses a job without a pool), the generator after drawing.
    public static func derive(_ scenario: inout Scenario) {
        for j in scenario.jobs.indices {
            scenario.jobs[j].pools = pools(for: scenario.jobs[j], offerings: scenario.offerings)
        }
    }

    /// The pools of a job among `offerings`, in their order.
    public static func pools(for job: TrainingJob, offerings: [Offering]) -> [TrainingPool] {
        offerings.compactMap { offering in
            if case .pool(let pool) = pool(for: job, on: offering) { return pool }
            return nil
        }
    }

    /// Offerings that could be pools of some job, before any is derived: jobs × (purchases +
    /// rentals with clusterNetworking). The loader bounds this before deriving.
    static func candidatePools(jobs: Int, offerings: [Offering]) -> Int {
        let candidates = offerings.reduce(0) { count, offering in
            switch offering {
            case .purchase: return count + 1
            case .rental(let r): return count + (r.clusterNetworking ? 1 : 0)
            case .api: return count
            }
        }
        return candidates * jobs
    }
}
