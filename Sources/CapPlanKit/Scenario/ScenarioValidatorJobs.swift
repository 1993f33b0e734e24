// Pass 2 for training and fine-tuning jobs (docs/scenario-format.md, "Training and fine-tuning
// jobs"; docs/formulation.md section 10): ranges, ids, the window, the compute F_j, and after
// the pools are derived, that every job has one.

extension ScenarioValidator {
    struct JobsResult {
        /// Valid jobs, in scenario order, without pools (`TrainingDerivation.derive` fills them).
        var jobs: [TrainingJob] = []
        /// Each job as read, by id, for messages after the derivation.
        var raw: [String: RawJob] = [:]
    }

    func validateJobs(_ raw: Loc<[RawJob]>?, horizon: Horizon?, workloads: WorkloadsResult) -> JobsResult {
        var result = JobsResult()
        guard let raw else { return result }
        var seen: [String: String] = [:]
        for j in raw.value {
            var ok = true
            var id: String?
            if let idLoc = j.id {
                if checkID(idLoc) {
                    if let first = seen[idLoc.value] {
                        sink.error(idLoc.path, at: idLoc.node, value: idLoc.node.written, "expected a unique job id (`\(idLoc.value)` is already used by \(first))")
                        ok = false
                    } else if workloads.ids.contains(idLoc.value) {
                        sink.error(idLoc.path, at: idLoc.node, value: idLoc.node.written,
                                   "expected a job id that is no workload's id (`\(idLoc.value)` is a workload: plans list both by id)")
                        ok = false
                    } else {
                        seen[idLoc.value] = j.path
                        id = idLoc.value
                    }
                } else { ok = false }
            } else { ok = false }

            // Precision: the arithmetic training runs in.
            var precision = Precision.bf16
            if let p = j.precision {
                let allowed = TrainingMFUDefault.trainingPrecisions
                if let value = Precision(rawValue: p.value), allowed.contains(value) { precision = value } else {
                    let inference = Precision(rawValue: p.value) != nil ? " (\(p.value) is a serving format; jobs train in bf16 or fp8)" : ""
                    sink.error(p.path, at: p.node, value: p.node.written,
                               "expected `bf16` or `fp8`" + (inference.isEmpty ? didYouMean(p.value, in: allowed.map(\.rawValue)) : inference))
                    ok = false
                }
            }
            let mfu = check(j.mfu, ScenarioRules.jobMFU)
            let overhead = j.overhead == nil ? 1 : check(j.overhead, ScenarioRules.jobOverhead)
            let minAccelerators = j.minAccelerators == nil ? 1 : whole(j.minAccelerators, ScenarioRules.jobMinAccelerators)
            if (j.mfu != nil && mfu == nil) || overhead == nil || minAccelerators == nil { ok = false }

            let compute = validateCompute(j, precision: precision, mfu: mfu)
            if compute == nil { ok = false }
            let window = validateWindow(j, horizon: horizon)
            if window == nil { ok = false }

            guard ok, let id, let compute, let window, let overhead, let minAccelerators else { continue }
            var job = TrainingJob(
                id: id, flops: compute.flops, computeBasis: compute.basis, precision: precision, overhead: overhead,
                earliestStartIndex: window.start, deadlineIndex: window.deadline, minAccelerators: minAccelerators)
            job.mfu = mfu
            // nil stands for the plain `flops` form, as for jobs built in code.
            if case .flops = compute.input { job.compute = nil } else { job.compute = compute.input }
            result.jobs.append(job)
            result.raw[id] = j
        }
        return result
    }

    /// The compute form's values and F_j; nil (with errors) when any is wrong.
    private func validateCompute(_ j: RawJob, precision: Precision, mfu: Double?) -> (input: TrainingComputeInput, flops: Double, basis: String)? {
        guard j.computeComplete else { return nil }
        let input: TrainingComputeInput
        let at: Loc<Double>
        if let f = j.flops {
            guard let value = check(f, ScenarioRules.jobFlops) else { return nil }
            (input, at) = (.flops(value), f)
        } else if let n = j.parameters, let d = j.tokens {
            var method = TrainingMethod.full
            var ok = true
            if let m = j.method {
                if let value = TrainingMethod(rawValue: m.value) { method = value } else {
                    sink.error(m.path, at: m.node, value: m.node.written,
                               "expected `full` (6·N·D) or `lora` (4·N·D)" + didYouMean(m.value, in: TrainingMethod.allCases.map(\.rawValue)))
                    ok = false
                }
            }
            let parameters = check(n, ScenarioRules.jobParameters)
            let tokens = check(d, ScenarioRules.jobTokens)
            if let p = parameters, p < 1e6 {
                sink.warning(n.path, at: n.node, value: n.node.written, "fewer than a million parameters looks like billions; parameters is a count (70e9 for a 70B model)")
            }
            guard ok, let parameters, let tokens else { return nil }
            (input, at) = (.parametersAndTokens(parameters: parameters, tokens: tokens, method: method), n)
        } else if let h = j.acceleratorHours, let r = j.referenceAccelerator {
            let hours = check(h, ScenarioRules.jobReferenceHours)
            guard let spec = AcceleratorSpec.forOfferingLabel(r.value) else {
                let ids = AcceleratorSpec.all.map(\.id)
                sink.error(r.path, at: r.node, value: r.node.written,
                           "expected a performance-model accelerator id"
                            + (closestMatch(to: r.value.lowercased(), in: ids).map { "; did you mean `\($0)`?" } ?? " (\(listing(ids, noun: "accelerators", shown: 20)))"))
                return nil
            }
            guard spec.tflops(for: precision) != nil else {
                sink.error(r.path, at: r.node, value: r.node.written,
                           "expected an accelerator with \(precision.rawValue) arithmetic, the job's precision (\(spec.catalogName) has none): measure the hours on another, or train in bf16")
                return nil
            }
            if mfu == nil, TrainingMFUDefault.forAccelerator(spec, precision: precision) == nil {
                sink.error(r.path, at: r.node, value: r.node.written,
                           "expected an accelerator with a default MFU at \(precision.rawValue), or an mfu on the job: the hours convert to FLOPs at the reference's MFU")
                return nil
            }
            guard let hours else { return nil }
            (input, at) = (.acceleratorHours(hours, reference: spec.id), h)
        } else {
            return nil
        }
        guard let (flops, basis) = TrainingDerivation.flops(input, precision: precision, mfu: mfu) else { return nil }
        guard ScenarioRules.jobFlops.allows(flops) else {
            sink.error(at.path, at: at.node, value: at.node.written, "expected a job of \(ScenarioRules.jobFlops.expected) (this one is \(flops))")
            return nil
        }
        return (input, flops, basis)
    }

    /// (earliest start, deadline) as zero-based period indices: labels of the horizon's kind;
    /// an earliest start before the horizon is its first period; the deadline lies within the
    /// horizon (default: its last period) and not before the earliest start.
    private func validateWindow(_ j: RawJob, horizon: Horizon?) -> (start: Int, deadline: Int)? {
        func label(_ v: Loc<String>?) -> (PeriodLabel, Loc<String>)?? {
            guard let v else { return .some(nil) }
            guard let l = PeriodLabel(v.value) else {
                sink.error(v.path, at: v.node, value: v.node.written, "expected a period label: YYYYQn, YYYY-MM or YYYY")
                return nil
            }
            if let horizon, l.kind != horizon.kind {
                sink.error(v.path, at: v.node, value: v.node.written, "expected a \(horizon.kind.rawValue) label like \(horizon.start), the horizon's kind")
                return nil
            }
            return .some((l, v))
        }
        let start = label(j.earliestStart), deadline = label(j.deadline)
        guard let horizon, let start, let deadline else { return nil }
        let range = "\(horizon.labels.first!)...\(horizon.labels.last!)"
        var deadlineIndex = horizon.periods - 1
        if case let (l, v)? = deadline {
            let offset = horizon.offset(of: l)
            guard offset >= 0, offset < horizon.periods else {
                sink.error(v.path, at: v.node, value: v.node.written,
                           "expected a deadline within the horizon, \(range)" + (offset < 0 ? " (a deadline before it leaves the job no period)" : ""))
                return nil
            }
            deadlineIndex = offset
        }
        var startIndex = 0
        if case let (l, v)? = start {
            let offset = horizon.offset(of: l)
            guard offset <= deadlineIndex else {
                sink.error(v.path, at: v.node, value: v.node.written,
                           "expected an earliestStart no later than the deadline, \(horizon.labels[deadlineIndex])")
                return nil
            }
            startIndex = max(0, offset)
        }
        return (startIndex, deadlineIndex)
    }

    /// A job without a pool is an error that says, per purchase and rental, why it is none
    /// (APIs are never pools and are not listed). Skipped when an offering could not be read:
    /// it might have been the pool.
    func checkJobPools(_ jobs: JobsResult, offerings: [Offering], incomplete: Bool) {
        guard !incomplete else { return }
        for job in jobs.jobs where TrainingDerivation.pools(for: job, offerings: offerings).isEmpty {
            guard let raw = jobs.raw[job.id] else { continue }
            var reasons: [String] = []
            for offering in offerings {
                if case .api = offering { continue }
                if case .refused(let why) = TrainingDerivation.pool(for: job, on: offering) {
                    reasons.append("`\(InputText.excerpt(offering.id))`: \(why)")
                }
            }
            let why = reasons.isEmpty
                ? "the scenario has no purchase or rental"
                : reasons.prefix(8).joined(separator: "; ") + (reasons.count > 8 ? "; and \(reasons.count - 8) more offerings" : "")
            sink.error(raw.path, at: raw.node,
                       "expected at least one pool for job `\(job.id)`: a purchase, or a rental with clusterNetworking, whose accelerator the"
                        + " performance model knows and has \(job.precision.rawValue) arithmetic, with room for \(job.minAccelerators == 1 ? "1 accelerator" : "\(job.minAccelerators) accelerators");"
                        + " none is: \(why)")
        }
    }
}
