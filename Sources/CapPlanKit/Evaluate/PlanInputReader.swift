// The document tree of a plan file -> `PlanInput`, every problem reported with its path and
// line (docs/evaluate-format.md).

/// Reads the document tree into a `PlanInput`, reporting every problem to the sink.
struct PlanInputReader {
    let sink: DiagnosticSink
    let scenario: Scenario
    let nodes: NodeReader
    let periods: Int
    let labels: [String]
    let sliceNames: [String]
    /// Workload ids in scenario order, and their positions: a plan file may have an entry per
    /// workload, period and slice, so lookups must not scan the scenario each time.
    let workloadIDs: [String]
    let workloadIndex: [String: Int]

    init(sink: DiagnosticSink, scenario: Scenario) {
        self.sink = sink
        self.scenario = scenario
        nodes = NodeReader(sink: sink)
        periods = scenario.horizon.periods
        labels = scenario.horizon.labels
        sliceNames = scenario.timeSlices.map(\.name)
        workloadIDs = scenario.workloads.map(\.id)
        workloadIndex = Dictionary(scenario.workloads.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    var zeroMatrix: [[Double]] { Array(repeating: Array(repeating: 0, count: sliceNames.count), count: periods) }

    mutating func read(_ root: DocNode) -> PlanInput? {
        guard case .mapping(let pairs) = root.content else {
            sink.error("", at: root, "expected a plan (a mapping with purchases, and optionally rentals, served, unserved, training), got \(root.kindDescription)")
            return nil
        }
        let keys = Set(pairs.map(\.key))
        if keys.contains("schemaVersion"), keys.contains("periods"), keys.contains("solver") {
            return readCapPlanPlan(root)
        }
        guard let map = nodes.mapping(root, "", allowed: PlanInputLoader.topKeys, what: "a plan") else { return nil }
        let full = map["served"] != nil || map["unserved"] != nil || map["training"] != nil || map["deferred"] != nil
        var input = PlanInput(
            shape: full ? .full : .purchasesOnly, name: nil, arrivals: [:], reservedUnits: [:], onDemandUnits: [:],
            otherRentals: full ? .none : .optimize, served: [:], unserved: [:])
        if let node = map["name"]?.value { input.name = nodes.string(node, "name")?.value }
        for purchase in scenario.purchases { input.arrivals[purchase.id] = Array(repeating: 0, count: periods) }
        if full {
            for rental in scenario.rentals {
                switch rental.commitment {
                case .period: input.reservedUnits[rental.id] = Array(repeating: 0, count: periods)
                case .none, .spot: input.onDemandUnits[rental.id] = zeroMatrix
                }
            }
        }
        if let node = map["otherRentals"]?.value {
            if full {
                sink.error("otherRentals", at: node, "otherRentals applies to purchases-only plans; a full plan (with served, unserved or training) fixes every rental: remove it")
            } else if let text = nodes.string(node, "otherRentals") {
                if let value = PlanInput.OtherRentals(rawValue: text.value) {
                    input.otherRentals = value
                } else {
                    sink.error("otherRentals", at: node, value: text.node.written, "expected optimize or none")
                }
            }
        }
        if let node = map["purchases"]?.value {
            readPurchases(node, into: &input)
        } else if !full {
            sink.error("", at: root, "expected a purchases list (purchases: [] for a plan that buys nothing)")
        }
        if let node = map["rentals"]?.value { readRentals(node, into: &input) }
        if let node = map["served"]?.value { readServed(node, into: &input) }
        if let node = map["unserved"]?.value { readUnserved(node, into: &input) }
        if let node = map["training"]?.value { readTraining(node, into: &input) }
        if let node = map["deferred"]?.value { readDeferred(node, into: &input) }
        if let node = map["apiCommitments"]?.value { readCommitments(node, into: &input) }
        return input
    }

    // MARK: Fields

    func offering(_ node: DocNode?, _ path: String, parent: DocNode, kinds: [String], candidates: [String]) -> String? {
        guard let node else {
            sink.error(path, at: parent, "missing: expected an offering id (\(kinds.joined(separator: " or ")))")
            return nil
        }
        guard let id = nodes.string(node, path, expected: "expected an offering id") else { return nil }
        if candidates.contains(id.value) { return id.value }
        if let other = scenario.offerings.first(where: { $0.id == id.value }) {
            let kind: String
            switch other {
            case .purchase: kind = "a purchase offering"
            case .rental(let r): kind = "a rental offering (commitment \(r.commitment.rawValue))"
            case .api: kind = "an API offering"
            }
            sink.error(path, at: node, value: node.written, "expected \(kinds.joined(separator: " or ")) of the scenario, not \(kind)")
        } else {
            sink.error(path, at: node, value: node.written,
                       "expected \(kinds.joined(separator: " or ")) of the scenario (\(listing(candidates, noun: "ids")))" + didYouMean(id.value, in: candidates))
        }
        return nil
    }

    func period(_ node: DocNode?, _ path: String, parent: DocNode) -> Int? {
        let range = periods > 0 ? "\(labels[0]) .. \(labels[periods - 1])" : "none"
        guard let node else {
            sink.error(path, at: parent, "missing: expected a period label of the horizon (\(range))")
            return nil
        }
        guard case .scalar(let text, _) = node.content, !node.isNull,
              let label = PeriodLabel(text), label.kind == scenario.horizon.kind else {
            nodes.report(node, path, "expected a period label of the horizon, \(scenario.horizon.kind.rawValue)s \(range)")
            return nil
        }
        let p = scenario.horizon.offset(of: label)
        guard p >= 0, p < periods else {
            sink.error(path, at: node, value: node.written, "expected a period of the horizon (\(range))")
            return nil
        }
        return p
    }

    func slice(_ node: DocNode, _ path: String) -> Int? {
        guard let name = nodes.string(node, path, expected: "expected a time slice name") else { return nil }
        if let s = sliceNames.firstIndex(of: name.value) { return s }
        sink.error(path, at: node, value: node.written,
                   "expected a time slice of the scenario (\(listing(sliceNames, noun: "slices")))" + didYouMean(name.value, in: sliceNames))
        return nil
    }

    func workload(_ node: DocNode?, _ path: String, parent: DocNode) -> Int? {
        let ids = workloadIDs
        guard let node else {
            sink.error(path, at: parent, "missing: expected a workload id (\(listing(ids, noun: "workload ids")))")
            return nil
        }
        guard let id = nodes.string(node, path, expected: "expected a workload id") else { return nil }
        if let w = workloadIndex[id.value] { return w }
        sink.error(path, at: node, value: node.written, "expected a workload of the scenario (\(listing(ids, noun: "workload ids")))" + didYouMean(id.value, in: ids))
        return nil
    }

    func amount(_ node: DocNode?, _ path: String, parent: DocNode, what: String) -> Double? {
        guard let node else {
            sink.error(path, at: parent, "missing: expected \(what) (a number >= 0)")
            return nil
        }
        guard let value = nodes.number(node, path, expected: "expected \(what) (a number >= 0)") else { return nil }
        guard value.value >= 0 else {
            sink.error(path, at: node, value: node.written, "expected \(what) (a number >= 0)")
            return nil
        }
        return value.value
    }

    /// Items of a list, each a mapping with the allowed keys.
    func entries(_ node: DocNode, _ path: String, of what: String, allowed: [String]) -> [(DocNode, String, [String: (keyNode: DocNode, value: DocNode)])] {
        guard let items = nodes.list(node, path, of: what) else { return [] }
        return items.enumerated().compactMap { i, item in
            let itemPath = "\(path)[\(i)]"
            guard let map = nodes.mapping(item, itemPath, allowed: allowed, what: "\(what.hasSuffix("s") ? String(what.dropLast()) : what)") else { return nil }
            return (item, itemPath, map)
        }
    }

    // MARK: Sections

    mutating func readPurchases(_ node: DocNode, into input: inout PlanInput) {
        let ids = scenario.purchases.map(\.id)
        var seen: [String: String] = [:]
        for (item, path, map) in entries(node, "purchases", of: "purchases", allowed: ["offering", "period", "units"]) {
            let id = offering(map["offering"]?.value, path + ".offering", parent: item, kinds: ["a purchase offering"], candidates: ids)
            let p = period(map["period"]?.value, path + ".period", parent: item)
            let units = amount(map["units"]?.value, path + ".units", parent: item, what: "a number of units")
            guard let id, let p, let units else { continue }
            let key = "\(id)|\(p)"
            if let first = seen[key] {
                sink.error(path, at: item, "duplicate: \(id) arriving in \(labels[p]) is already given at \(first); write one entry with the total")
                continue
            }
            seen[key] = path
            input.arrivals[id]![p] = units
        }
    }

    mutating func readRentals(_ node: DocNode, into input: inout PlanInput) {
        let ids = scenario.rentals.map(\.id)
        var seen: [String: String] = [:]
        for (item, path, map) in entries(node, "rentals", of: "rentals", allowed: ["offering", "period", "slice", "units"]) {
            let id = offering(map["offering"]?.value, path + ".offering", parent: item, kinds: ["a rental offering"], candidates: ids)
            let p = period(map["period"]?.value, path + ".period", parent: item)
            var s: Int?? = .some(nil)
            if let sliceNode = map["slice"]?.value { s = slice(sliceNode, path + ".slice").map { .some($0) } }
            let units = amount(map["units"]?.value, path + ".units", parent: item, what: "a number of units")
            guard let id, let p, let units, let s, let rental = scenario.rentals.first(where: { $0.id == id }) else { continue }
            switch rental.commitment {
            case .period:
                if s != nil {
                    sink.error(path + ".slice", at: map["slice"]!.value, "\(id) is reserved for whole periods (commitment period): remove slice")
                    continue
                }
                let key = "\(id)|\(p)"
                if let first = seen[key] {
                    sink.error(path, at: item, "duplicate: \(id) in \(labels[p]) is already given at \(first)")
                    continue
                }
                seen[key] = path
                input.reservedUnits[id, default: Array(repeating: 0, count: periods)][p] = units
            case .none, .spot:
                var matrix = input.onDemandUnits[id] ?? zeroMatrix
                let targets = s.map { [$0] } ?? Array(0..<sliceNames.count)
                var duplicate = false
                for t in targets {
                    let key = "\(id)|\(p)|\(t)"
                    if let first = seen[key] {
                        sink.error(path, at: item, "duplicate: \(id) in \(labels[p]), slice \(sliceNames[t]) is already given at \(first)")
                        duplicate = true
                        break
                    }
                    seen[key] = path
                    matrix[p][t] = units
                }
                if !duplicate { input.onDemandUnits[id] = matrix }
            }
        }
    }

    mutating func readServed(_ node: DocNode, into input: inout PlanInput) {
        let ids = scenario.offerings.map(\.id)
        var seen: [String: String] = [:]
        for (item, path, map) in entries(node, "served", of: "served", allowed: ["offering", "workload", "precision", "period", "slice", "tokensPerSecond"]) {
            let id = offering(map["offering"]?.value, path + ".offering", parent: item, kinds: ["an offering"], candidates: ids)
            let w = workload(map["workload"]?.value, path + ".workload", parent: item)
            let p = period(map["period"]?.value, path + ".period", parent: item)
            var s: Int?? = .some(nil)
            if let sliceNode = map["slice"]?.value { s = slice(sliceNode, path + ".slice").map { .some($0) } }
            let rate = amount(map["tokensPerSecond"]?.value, path + ".tokensPerSecond", parent: item, what: "tokens per second")
            guard let id, let w else { continue }
            let workloadID = scenario.workloads[w].id
            guard canServe(id, workloadID) else {
                // Where the performance model tried and nothing fitted, say why.
                let unfit = unfitPrecisions(id, workloadID).map { "\($0.precision.rawValue): \($0.reason)" }
                sink.error(path + ".workload", at: map["workload"]!.value, value: map["workload"]!.value.written,
                           "expected a workload \(id) can serve (\(listing(servable(id), noun: "workloads it serves")))"
                           + (unfit.isEmpty ? "" : "; no precision of \(workloadID) fits \(id): \(unfit.joined(separator: "; "))"))
                continue
            }
            guard let option = precision(map["precision"]?.value, path + ".precision", parent: item, offering: id, workload: workloadID),
                  let p, let s, let rate else { continue }
            let key = ServedKey.key(workload: workloadID, precision: option)
            let what = option.map { "\(workloadID) at \($0.rawValue)" } ?? workloadID
            var matrix = input.served[id]?[key] ?? zeroMatrix
            fill(&matrix, rate, period: p, slice: s, entry: "\(id)|\(key)", what: "\(id) serving \(what)", path: path, item: item, seen: &seen)
            input.served[id, default: [:]][key] = matrix
        }
    }

    /// The serving option a `served` entry names (docs/formulation.md section 9): `.some(nil)` for
    /// a given throughput or an API (no `precision` allowed), `.some(k)` for a derived option
    /// (`precision` required, one of the pair's options); nil after reporting an error.
    func precision(_ node: DocNode?, _ path: String, parent: DocNode, offering: String, workload: String) -> Precision?? {
        let derived = derivedPrecisions(offering, workload)
        let options = derived.map(\.rawValue).joined(separator: ", ")
        guard let node else {
            if derived.isEmpty { return .some(nil) }
            sink.error(path, at: parent, "missing: \(offering) serves \(workload) through derived options, one per precision; "
                       + "expected the precision of this rate (\(options))")
            return nil
        }
        guard derived.isEmpty == false else {
            let why = scenario.apis.contains(where: { $0.id == offering })
                ? "\(offering) is an API (its rates have none)"
                : "\(offering) serves \(workload) at its given throughput (only derived options have precisions)"
            sink.error(path, at: node, value: node.written, "expected no precision: \(why)")
            return nil
        }
        guard let text = nodes.string(node, path, expected: "expected a precision (\(options))") else { return nil }
        if let k = Precision(rawValue: text.value), derived.contains(k) { return .some(k) }
        var message = "expected a precision \(offering) serves \(workload) at (\(options))"
        if let unfit = unfitPrecisions(offering, workload).first(where: { $0.precision.rawValue == text.value }) {
            message = "expected a precision \(offering) serves \(workload) at (\(options); \(text.value) was not derived: \(unfit.reason))"
        } else {
            message += didYouMean(text.value, in: derived.map(\.rawValue))
        }
        sink.error(path, at: node, value: node.written, message)
        return nil
    }

    mutating func readUnserved(_ node: DocNode, into input: inout PlanInput) {
        if scenario.policy.unservedPenaltyPerMTok == nil {
            if case .sequence(let items) = node.content, items.isEmpty { return }
            sink.error("unserved", at: node, "the scenario sets no policy.unservedPenaltyPerMTok, so all demand must be served: remove unserved (a shortfall shows as a violated demand row)")
            return
        }
        var seen: [String: String] = [:]
        for (item, path, map) in entries(node, "unserved", of: "unserved", allowed: ["workload", "period", "slice", "tokensPerSecond"]) {
            let w = workload(map["workload"]?.value, path + ".workload", parent: item)
            let p = period(map["period"]?.value, path + ".period", parent: item)
            var s: Int?? = .some(nil)
            if let sliceNode = map["slice"]?.value { s = slice(sliceNode, path + ".slice").map { .some($0) } }
            let rate = amount(map["tokensPerSecond"]?.value, path + ".tokensPerSecond", parent: item, what: "tokens per second")
            guard let w, let p, let s, let rate else { continue }
            let workloadID = scenario.workloads[w].id
            var matrix = input.unserved[workloadID] ?? zeroMatrix
            fill(&matrix, rate, period: p, slice: s, entry: workloadID, what: "unserved \(workloadID)", path: path, item: item, seen: &seen)
            input.unserved[workloadID] = matrix
        }
    }

    /// `deferred[]` {workload, period, from, to, rate}: f_wpss' of docs/formulation.md 11.2, tokens/s
    /// of slice `from`'s demand served in slice `to`, averaged over `from`'s hours; only for
    /// workloads deferrable within a window shorter than a day, only to slices within reach.
    mutating func readDeferred(_ node: DocNode, into input: inout PlanInput) {
        var seen: [String: String] = [:]
        let slices = scenario.timeSlices
        for (item, path, map) in entries(node, "deferred", of: "deferred", allowed: ["workload", "period", "from", "to", "rate"]) {
            var w = workload(map["workload"]?.value, path + ".workload", parent: item)
            if let index = w, let reason = notWindowDeferrable(scenario.workloads[index]) {
                sink.error(path + ".workload", at: map["workload"]!.value, value: map["workload"]!.value.written,
                           "expected a workload deferrable within a window shorter than a day (\(listing(windowDeferrable, noun: "such workloads"))): \(reason)")
                w = nil
            }
            let p = period(map["period"]?.value, path + ".period", parent: item)
            let from = requiredSlice(map["from"]?.value, path + ".from", parent: item)
            let to = requiredSlice(map["to"]?.value, path + ".to", parent: item)
            let rate = amount(map["rate"]?.value, path + ".rate", parent: item, what: "tokens per second")
            guard let w, let p, let from, let to, let rate else { continue }
            let id = scenario.workloads[w].id
            let deferral = scenario.workloads[w].deferral ?? Deferral()
            guard PlanEvaluator.reachSets(deferral, slices: slices)[from][to] else {
                sink.error(path + ".to", at: map["to"]!.value, value: map["to"]!.value.written,
                           "expected a slice within \(Formatting.significant(deferral.maxDelayHours)) hours of \(sliceNames[from]) for \(id) "
                           + "(in reach: \(sliceNames.indices.filter { PlanEvaluator.reachSets(deferral, slices: slices)[from][$0] }.map { sliceNames[$0] }.joined(separator: ", ")))")
                continue
            }
            let key = "\(id)|\(p)|\(from)|\(to)"
            if let first = seen[key] {
                sink.error(path, at: item, "duplicate: \(id) moved from \(sliceNames[from]) to \(sliceNames[to]) in \(labels[p]) is already given at \(first)")
                continue
            }
            seen[key] = path
            var flows = input.deferred[id] ?? Array(repeating: Array(repeating: Array(repeating: 0, count: sliceNames.count), count: sliceNames.count), count: periods)
            flows[p][from][to] = rate
            input.deferred[id] = flows
        }
    }

    /// Why a workload takes no `deferred` entries, nil when it does (H < 24).
    func notWindowDeferrable(_ w: Workload) -> String? {
        guard let deferral = w.deferral else { return "\(w.id) is not deferrable" }
        return deferral.withinDay ? "\(w.id) is deferrable within the day: its served rates may move between slices without flows" : nil
    }

    var windowDeferrable: [String] { scenario.workloads.filter { notWindowDeferrable($0) == nil }.map(\.id) }

    func requiredSlice(_ node: DocNode?, _ path: String, parent: DocNode) -> Int? {
        guard let node else {
            sink.error(path, at: parent, "missing: expected a time slice name (\(listing(sliceNames, noun: "slices")))")
            return nil
        }
        return slice(node, path)
    }

    /// `apiCommitments: [ids]`: the APIs whose committed-use contract the plan takes (11.5).
    mutating func readCommitments(_ node: DocNode, into input: inout PlanInput) {
        guard let items = nodes.list(node, "apiCommitments", of: "API ids") else { return }
        let committable = scenario.apis.filter { $0.committedUse != nil }.map(\.id)
        var taken: [String: String] = [:]
        for (i, item) in items.enumerated() {
            let path = "apiCommitments[\(i)]"
            guard let id = nodes.string(item, path, expected: "expected an API id") else { continue }
            guard committable.contains(id.value) else {
                let why: String
                switch scenario.offerings.first(where: { $0.id == id.value }) {
                case .api?: why = "\(id.value) offers no committedUse contract"
                case .some: why = "\(id.value) is not an API"
                case nil: why = "no offering is named \(id.value)" + didYouMean(id.value, in: committable)
                }
                sink.error(path, at: item, value: item.written,
                           "expected an API with a committedUse contract (\(committable.isEmpty ? "the scenario has none" : listing(committable, noun: "such APIs"))): \(why)")
                continue
            }
            if let first = taken[id.value] {
                sink.error(path, at: item, value: item.written, "duplicate: \(id.value) is already taken at \(first)")
                continue
            }
            taken[id.value] = path
        }
        input.apiCommitments = committable.filter { taken[$0] != nil }
    }

    /// `training[]` {job, offering, period, slice (optional: every slice), accelerators}: g_jops of
    /// docs/formulation.md section 10, on a pool of the job, in a period of its window.
    mutating func readTraining(_ node: DocNode, into input: inout PlanInput) {
        let jobIDs = scenario.jobs.map(\.id)
        var seen: [String: String] = [:]
        for (item, path, map) in entries(node, "training", of: "training", allowed: ["job", "offering", "period", "slice", "accelerators"]) {
            let job = trainingJob(map["job"]?.value, path + ".job", parent: item, ids: jobIDs)
            let pool = job.flatMap { trainingPool(map["offering"]?.value, path + ".offering", parent: item, job: $0) }
            var p = period(map["period"]?.value, path + ".period", parent: item)
            if let job, let q = p, q < job.earliestStartIndex || q > job.deadlineIndex {
                sink.error(path + ".period", at: map["period"]!.value, value: map["period"]!.value.written,
                           "expected a period of job \(job.id)'s window (\(labels[job.earliestStartIndex]) .. \(labels[job.deadlineIndex]))")
                p = nil
            }
            var s: Int?? = .some(nil)
            if let sliceNode = map["slice"]?.value { s = slice(sliceNode, path + ".slice").map { .some($0) } }
            let accelerators = amount(map["accelerators"]?.value, path + ".accelerators", parent: item, what: "a number of accelerators")
            guard let job, let pool, let p, let s, let accelerators else { continue }
            var matrix = input.training[job.id]?[pool] ?? zeroMatrix
            fill(&matrix, accelerators, period: p, slice: s, entry: "\(job.id)|\(pool)", what: "job \(job.id) on \(pool)", path: path, item: item, seen: &seen)
            input.training[job.id, default: [:]][pool] = matrix
        }
    }

    /// Sets `value` at period `p` in slice `s` (every slice when nil) of a `[period][slice]`
    /// matrix; a slice an earlier entry already gave is an error naming that entry, and keeps
    /// the first value.
    func fill(
        _ matrix: inout [[Double]], _ value: Double, period p: Int, slice s: Int?, entry: String, what: String,
        path: String, item: DocNode, seen: inout [String: String]
    ) {
        for t in s.map({ [$0] }) ?? Array(0..<sliceNames.count) {
            let key = "\(entry)|\(p)|\(t)"
            if let first = seen[key] {
                sink.error(path, at: item, "duplicate: \(what) in \(labels[p]), slice \(sliceNames[t]) is already given at \(first)")
                continue
            }
            seen[key] = path
            matrix[p][t] = value
        }
    }

    func trainingJob(_ node: DocNode?, _ path: String, parent: DocNode, ids: [String]) -> TrainingJob? {
        guard let node else {
            sink.error(path, at: parent, "missing: expected a job id (\(listing(ids, noun: "job ids")))")
            return nil
        }
        guard let id = nodes.string(node, path, expected: "expected a job id") else { return nil }
        if let job = scenario.jobs.first(where: { $0.id == id.value }) { return job }
        sink.error(path, at: node, value: node.written,
                   "expected a job of the scenario (\(ids.isEmpty ? "it has none" : listing(ids, noun: "job ids")))" + didYouMean(id.value, in: ids))
        return nil
    }

    /// The offering of a `training` entry: one of the job's pools, else an error with the reason.
    func trainingPool(_ node: DocNode?, _ path: String, parent: DocNode, job: TrainingJob) -> String? {
        let pools = job.pools.map(\.offering)
        let expected = "expected a pool of job \(job.id) (\(pools.isEmpty ? "it has none" : listing(pools, noun: "pools")))"
        guard let node else {
            sink.error(path, at: parent, "missing: \(expected)")
            return nil
        }
        guard let id = nodes.string(node, path, expected: "expected an offering id") else { return nil }
        if pools.contains(id.value) { return id.value }
        let known = scenario.offerings.contains { $0.id == id.value }
        sink.error(path, at: node, value: node.written,
                   "\(expected): \(PlanEvaluator.whyNotAPool(job, id.value, in: scenario))"
                   + (known ? "" : didYouMean(id.value, in: scenario.offerings.map(\.id))))
        return nil
    }

    func canServe(_ offering: String, _ workload: String) -> Bool {
        switch scenario.offerings.first(where: { $0.id == offering }) {
        case .purchase(let p)?: return p.servingOptions(for: workload).contains { $0.tokensPerSecond > 0 }
        case .rental(let r)?: return r.servingOptions(for: workload).contains { $0.tokensPerSecond > 0 }
        case .api(let a)?: return a.serves.contains(workload)
        case nil: return false
        }
    }

    /// The precisions of the derived options through which a purchase or rental serves a
    /// workload (section 9); empty for a given throughput and for APIs.
    func derivedPrecisions(_ offering: String, _ workload: String) -> [Precision] {
        let options: [ServingOption]
        switch scenario.offerings.first(where: { $0.id == offering }) {
        case .purchase(let p)?: options = p.servingOptions(for: workload)
        case .rental(let r)?: options = r.servingOptions(for: workload)
        default: options = []
        }
        return options.filter { $0.tokensPerSecond > 0 }.compactMap(\.precision)
    }

    /// The precisions the performance model could not derive for the pair, with why.
    func unfitPrecisions(_ offering: String, _ workload: String) -> [UnfitPrecision] {
        switch scenario.offerings.first(where: { $0.id == offering }) {
        case .purchase(let p)?: return p.unfitPrecisions[workload] ?? []
        case .rental(let r)?: return r.unfitPrecisions[workload] ?? []
        default: return []
        }
    }

    /// The workloads an offering can serve (Π and Π^A of docs/formulation.md), in scenario order.
    func servable(_ offering: String) -> [String] {
        guard let o = scenario.offerings.first(where: { $0.id == offering }) else { return [] }
        return workloadIDs.filter { canServe(o.id, $0) }
    }

    // MARK: A plan JSON from `capplan plan -o`

    /// Reads `purchases[].{offering, period, units}` and `periods[].rentals[].{offering, units, unitsBySlice}`;
    /// every other key is ignored. Rentals the plan does not list are not used.
    mutating func readCapPlanPlan(_ root: DocNode) -> PlanInput? {
        guard case .mapping(let pairs) = root.content else { return nil }
        let map = Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        var input = PlanInput(shape: .capplanPlan, name: nil, arrivals: [:], reservedUnits: [:], onDemandUnits: [:],
                              otherRentals: .none, served: [:], unserved: [:])
        for purchase in scenario.purchases { input.arrivals[purchase.id] = Array(repeating: 0, count: periods) }
        if let info = map["scenario"], case .mapping(let infoPairs) = info.content,
           let nameNode = infoPairs.first(where: { $0.key == "name" })?.value, case .scalar(let name, _) = nameNode.content {
            input.name = "plan of \(name)"
            if name != scenario.name {
                sink.warning("scenario.name", at: nameNode, value: nameNode.written, "this plan was made for another scenario than \(scenario.name)")
            }
        }
        if let status = map["status"], case .scalar(let text, _) = status.content, text != "optimal", text != "feasible" {
            sink.error("status", at: status, value: status.written, "expected a plan with status optimal or feasible")
            return nil
        }
        if let node = map["purchases"] {
            let ids = scenario.purchases.map(\.id)
            var seen: [String: String] = [:]
            if let items = nodes.list(node, "purchases", of: "purchases") {
                for (i, item) in items.enumerated() {
                    let path = "purchases[\(i)]"
                    guard case .mapping(let fields) = item.content else { nodes.report(item, path, "expected a purchase (a mapping)"); continue }
                    let f = Dictionary(fields.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
                    let id = offering(f["offering"], path + ".offering", parent: item, kinds: ["a purchase offering"], candidates: ids)
                    let p = period(f["period"], path + ".period", parent: item)
                    let units = amount(f["units"], path + ".units", parent: item, what: "a number of units")
                    guard let id, let p, let units else { continue }
                    // Units in flight (formulation.md 13.1) are a line of their own beside the
                    // plan's new units arriving in the same period: the two add up.
                    var inFlight = false
                    if case .scalar("true", _)? = f["inFlight"]?.content { inFlight = true }
                    let key = "\(id)|\(p)|\(inFlight)"
                    if let first = seen[key] {
                        sink.error(path, at: item, "duplicate: \(id) arriving in \(labels[p]) is already given at \(first)")
                        continue
                    }
                    seen[key] = path
                    input.arrivals[id]![p] += units
                }
            }
        }
        for rental in scenario.rentals {
            switch rental.commitment {
            case .period: input.reservedUnits[rental.id] = Array(repeating: 0, count: periods)
            case .none, .spot: input.onDemandUnits[rental.id] = zeroMatrix
            }
        }
        if let node = map["periods"], let items = nodes.list(node, "periods", of: "periods") {
            let ids = scenario.rentals.map(\.id)
            for (i, item) in items.enumerated() {
                let path = "periods[\(i)]"
                guard case .mapping(let fields) = item.content else { nodes.report(item, path, "expected a period (a mapping)"); continue }
                let f = Dictionary(fields.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
                guard let p = period(f["period"], path + ".period", parent: item) else { continue }
                guard let rentalsNode = f["rentals"], let rentals = nodes.list(rentalsNode, path + ".rentals", of: "rentals") else { continue }
                for (j, line) in rentals.enumerated() {
                    let linePath = "\(path).rentals[\(j)]"
                    guard case .mapping(let lineFields) = line.content else { nodes.report(line, linePath, "expected a rental (a mapping)"); continue }
                    let l = Dictionary(lineFields.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
                    guard let id = offering(l["offering"], linePath + ".offering", parent: line, kinds: ["a rental offering"], candidates: ids),
                          let rental = scenario.rentals.first(where: { $0.id == id }) else { continue }
                    switch rental.commitment {
                    case .period:
                        if let units = amount(l["units"], linePath + ".units", parent: line, what: "a number of units") {
                            input.reservedUnits[id]![p] = units
                        }
                    case .none, .spot:
                        guard let bySlice = l["unitsBySlice"] else {
                            sink.error(linePath + ".unitsBySlice", at: line, "expected units by slice for \(id) (commitment none)")
                            continue
                        }
                        guard case .mapping(let sliceFields) = bySlice.content else {
                            nodes.report(bySlice, linePath + ".unitsBySlice", "expected a mapping of slice name to units")
                            continue
                        }
                        for field in sliceFields {
                            let slicePath = "\(linePath).unitsBySlice.\(field.key)"
                            guard let s = slice(field.keyNode, slicePath),
                                  let units = amount(field.value, slicePath, parent: line, what: "a number of units") else { continue }
                            input.onDemandUnits[id]![p][s] = units
                        }
                    }
                }
            }
        }
        return input
    }
}
