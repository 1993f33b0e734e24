// Pass 2 for the keys of issue 12 (docs/formulation.md section 11; docs/scenario-format.md
// "Workload shapes", "Spot rentals and batch APIs", "Prices that move, windows and committed
// use"): a workload's `profile`,
// `deferrable`, `interruptible` and `cache`, and the offerings' price changes, availability
// windows, spot availability, cached-input prices and committed-use contracts. The rules that
// tie offerings to workloads (spot serves interruptible workloads, batch APIs serve workloads
// deferrable within the day) are `ScenarioRules.rentalMayServe` and `batchMayServe`.

extension ScenarioValidator {
    /// A workload's `deferrable`, `interruptible` and `cache`, checked (its `profile` needs the
    /// slices: `applyProfiles`).
    struct WorkloadShape {
        var deferral: Deferral?
        var interruptible = false
        var cache: WorkloadCache?
    }

    func validateShape(_ w: RawWorkload) -> WorkloadShape {
        var shape = WorkloadShape()
        switch w.deferrable?.value {
        case .flag(true)?: shape.deferral = Deferral(maxDelayHours: 24)
        case .window(let h)?: shape.deferral = check(h, ScenarioRules.maxDelayHours).map { Deferral(maxDelayHours: $0) }
        case .flag(false)?, nil: break
        }
        shape.interruptible = w.interruptible?.value ?? false
        if let c = w.cache {
            let hit = check(c.hitRate, ScenarioRules.cacheHitRate)
            let prefill = c.prefillShare == nil ? 0 : check(c.prefillShare, ScenarioRules.prefillShare)
            if let hit, let prefill { shape.cache = WorkloadCache(hitRate: hit, prefillShare: prefill) }
        }
        return shape
    }

    /// Each workload's `profile` in slice order (every slice named once, shares in [0, 1] summing
    /// to 1), and the slice starts a deferral window shorter than a day needs. `slicesComplete`:
    /// every slice could be read (otherwise a slice "missing" from a profile may be one that
    /// failed, so only the names that are there are checked).
    func applyProfiles(_ result: inout WorkloadsResult, slices: [TimeSlice], slicesComplete: Bool, fromHourlyProfile: Bool = false) {
        let names = slices.map(\.name)
        let onClock = slicesComplete && !slices.isEmpty && slices.allSatisfy { $0.start != nil }
        // Every workload as read, also one whose demand was refused: all errors at once.
        var seen = Set<String>()
        for id in result.order where seen.insert(id).inserted {
            guard let raw = result.raw[id] else { continue }
            if let d = result.deferrals[id] ?? nil, !d.withinDay, slicesComplete, !onClock, let at = raw.deferrable {
                let how = fromHourlyProfile
                    ? "slices built from an hourly profile have no `start` (they pool hours by load, not by time); use `deferrable: true`"
                        + " (anywhere in the day) or give the slices as a list with starts"
                    : "give every time slice a `start` (the hour of the day it begins), or use `deferrable: true` (anywhere in the day)"
                sink.error(at.path + ".maxDelayHours", at: at.node,
                           "workload `\(id)` may wait at most \(ValueRule.format(d.maxDelayHours)) hours, less than a day, so the model"
                            + " must know where the slices lie: " + how)
            }
            guard let profile = raw.profile else { continue }
            var shares: [String: Double] = [:]
            // An entry pass 1 could not read is reported there, an unknown name here; a slice then
            // "missing" is most likely that entry, so it is not reported again.
            var unreadable = false, unknown = false, outOfRange = false
            if case .mapping(let pairs) = profile.node.content, pairs.count != profile.value.count { unreadable = true }
            for (key, value) in profile.value {
                guard names.contains(key.value) else {
                    if slicesComplete {
                        sink.error(key.path, at: key.node, "expected a time slice name (\(listing(names, noun: "slices")))" + didYouMean(key.value, in: names))
                    }
                    unknown = true
                    continue
                }
                guard let share = check(value, ScenarioRules.profileShare) else { outOfRange = true; continue }
                shares[key.value] = share
            }
            guard slicesComplete, !unreadable, !unknown else { continue }
            let missing = names.filter { n in !profile.value.contains { $0.key.value == n } }
            if !missing.isEmpty {
                sink.error(profile.path, at: profile.node,
                           "expected a share for every time slice: \(listing(missing, noun: "slices")) missing (give 0 for a slice without demand)")
                continue
            }
            guard !outOfRange else { continue }
            let sum = names.reduce(0) { $0 + shares[$1]! }
            if abs(sum - 1) > Self.sumTolerance {
                sink.error(profile.path, at: profile.node, value: "\(sum)", "expected the workload's shares to sum to 1")
                continue
            }
            if let i = result.workloads.firstIndex(where: { $0.id == id }) { result.workloads[i].profile = names.map { shares[$0]! } }
        }
    }

    // MARK: Offerings

    /// `priceDeclinePerYear` or `priceFactors` (not both): nil when neither is given or one is wrong.
    func validatePriceChange(_ o: RawOffering, horizon: Horizon?) -> PriceChange? {
        let decline = o.numbers["priceDeclinePerYear"]
        if let decline, let factors = o.priceFactors {
            sink.error(factors.path, at: factors.node,
                       "expected only one of priceDeclinePerYear and priceFactors (priceDeclinePerYear is \(decline.node.written ?? "given") at \(decline.path))")
            return nil
        }
        if let decline { return check(decline, ScenarioRules.priceDeclinePerYear).map { .declinePerYear($0) } }
        guard let factors = o.priceFactors else { return nil }
        var ok = true
        for v in factors.value where check(v, ScenarioRules.priceFactor) == nil { ok = false }
        if let horizon, factors.value.count != horizon.periods {
            sink.error(factors.path, at: factors.node, value: "\(factors.value.count) values",
                       "expected \(horizon.periods) values, one per period \(horizon.labels.first!)...\(horizon.labels.last!)")
            ok = false
        }
        return ok && horizon != nil ? .factors(factors.value.map(\.value)) : nil
    }

    /// `availableFrom` and `availableUntil` as zero-based offsets from the horizon's start (either
    /// may fall outside the horizon); an error when a label is not of the horizon's kind or
    /// `availableUntil` comes before `availableFrom`.
    func validateWindow(_ o: RawOffering, horizon: Horizon?) -> (from: Int?, until: Int?) {
        func offset(_ key: String) -> Int? {
            guard let a = o.strings[key] else { return nil }
            guard let label = PeriodLabel(a.value) else {
                sink.error(a.path, at: a.node, value: a.node.written, "expected a period label: YYYYQn, YYYY-MM or YYYY")
                return nil
            }
            guard let horizon else { return nil }
            guard label.kind == horizon.kind else {
                sink.error(a.path, at: a.node, value: a.node.written, "expected a \(horizon.kind.rawValue) label like \(horizon.start), the horizon's kind")
                return nil
            }
            return horizon.offset(of: label)
        }
        let from = offset("availableFrom"), until = offset("availableUntil")
        if let from, let until, until < from, let at = o.strings["availableUntil"], let start = o.strings["availableFrom"] {
            sink.error(at.path, at: at.node, value: at.node.written, "expected a period at or after availableFrom (\(start.value))")
            return (from, nil)
        }
        // A window that misses the horizon is allowed (a model retired before it, hardware that
        // comes after it), but the offering then takes no part in the plan: say so.
        if let horizon, let at = (until.map { $0 < 0 } ?? false) ? o.strings["availableUntil"]
            : (from.map { $0 >= horizon.periods } ?? false) ? o.strings["availableFrom"] : nil {
            sink.warning(at.path, at: at.node, value: at.node.written,
                         "this window misses the horizon (\(horizon.labels.first!)...\(horizon.labels.last!)): the offering is available in none of its periods")
        }
        return (from, until)
    }

    /// A spot rental's `availability` (catalog's, else 1); `availability` on any other rental is
    /// an error.
    func validateAvailability(_ o: RawOffering, commitment: RentalCommitment, commitmentKnown: Bool, catalog entry: CatalogRental?) -> Double {
        let written = o.numbers["availability"]
        guard commitment == .spot else {
            if let written, commitmentKnown {
                sink.error(written.path, at: written.node, value: written.node.written,
                           "availability applies to spot rentals (commitment: spot): on-demand and reserved capacity works every hour it is rented")
            }
            return 1
        }
        if let written { return check(written, ScenarioRules.availability) ?? 1 }
        return entry?.availability ?? 1
    }

    /// `cachedInputPricePerMTok` as written (at most the input price), else the catalog entry's
    /// when the input price is the catalog's too (a cached price belongs to the input price it
    /// was published with).
    func validateCachedInput(_ o: RawOffering, input: Double, catalog entry: CatalogAPI?) -> Double? {
        if let written = o.numbers["cachedInputPricePerMTok"] {
            guard let c = check(written, ScenarioRules.pricePerMTok) else { return nil }
            guard c <= input else {
                sink.error(written.path, at: written.node, value: written.node.written,
                           "expected at most inputPricePerMTok (\(ValueRule.format(input))): a cache hit costs no more than plain input")
                return nil
            }
            return c
        }
        return o.numbers["inputPricePerMTok"] == nil ? entry?.cachedInputPricePerMTok : nil
    }

    func validateCommittedUse(_ o: RawOffering) -> CommittedUse? {
        guard let c = o.committedUse else { return nil }
        let discount = check(c.discount, ScenarioRules.commitDiscount)
        let minimum = check(c.minSpendPerPeriod, ScenarioRules.minSpendPerPeriod)
        guard let discount, let minimum else { return nil }
        var commitment = CommittedUse(discount: discount, minSpendPerPeriod: minimum)
        commitment.signed = c.signed?.value ?? false
        return commitment
    }

    /// A batch API's explicit `serves` entry naming a workload that is not deferrable within
    /// the day: an error saying how to fix it.
    func refuseBatchServes(_ entry: Loc<String>, workloads: WorkloadsResult) {
        let id = entry.value
        let why: String
        if let d = workloads.deferrals[id] ?? nil {
            why = "`\(id)` may wait only \(ValueRule.format(d.maxDelayHours)) hours; give it `deferrable: true`"
        } else {
            why = "mark `\(id)` `deferrable: true`"
        }
        sink.error(entry.path, at: entry.node, value: entry.node.written,
                   "a batch API serves only workloads deferrable within the day (results come back within 24 hours): \(why) or remove it from serves")
    }
}
