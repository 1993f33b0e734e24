// The independent plan evaluator (issue 5): checks a plan's decisions against every
// constraint of docs/formulation.md and recomputes every cost line from the scenario.
//
// It shares no code with the model builder: it reads only the validated Scenario and the
// PlanDecisions, and works in the formulation's own terms (rates in tokens/s, money in USD).
// It is laid out like `CapacityModelBuilder.buildModel`: one function per variable block and per
// constraint family, in the builder's order, each with its bound or row in the doc comment.
// A violation is reported when it exceeds tolerance · max(1, |rhs|).
//
// Section 8's variables are not in a plan: the evaluator recovers them from the decisions,
// as the fewest the plan needs. Contract starts v from the units under contract (the `contract`
// rows determine them one by one), replicas ρ and the binaries z, u, y from what is served. The
// one tolerance also decides what "serves" means: x_owps serves when it exceeds
// tolerance · max(1, r_wps), the same test the rows x ≤ r·(binary) apply to a binary at 0.
//
// Section 9: the serving pairs are serving options (o, w, k), read from the scenario through
// `servingOptions(for:)` (the given throughput, or one derived option per precision). The plan
// names an option's rates `workload@precision` in `PlanDecisions.served` (`ServedKey`); every
// row of a pair is checked per option, and rows that sum over pairs sum over options.
//
// Section 10: a plan states each job's accelerators g_jops per pool, period and slice
// (`PlanDecisions.training`). The pools O_j and the accelerator-hours A_jo are read from
// `TrainingJob.pools`, never recomputed. σ_jops and π_jo are recovered like the other binaries:
// a job runs in a slice where g_jops exceeds the tolerance, the same test its row g ≤ Ḡ σ
// applies to σ at 0; π_jo = 1 on each pool it runs on, and u_kp, y_op are 1 where a job runs
// on o (the rows jobPlatform and jobPoolInUse then hold by construction). σ = 1 then asks, on
// purchases and reserved rentals, for room for the job's cluster of M_j accelerators beside the
// slice's other load (`jobClusterRoom`).
//
// Section 11 (workload shapes, spot and batch, caching, moving prices, windows, committed use):
// every rule is restated here from docs/formulation.md section 11, never read from the builder.
// σ_ws is a workload's `profile` entry, else the slice's share. A day-deferrable workload
// (H ≥ 24) is checked by one `dailyDemand[w,p]` row (family `demand`) instead of its slices'
// `demand` rows; a window-deferrable one (H < 24) by its flows f (`PlanDecisions.deferred`,
// family `deferral`: `deferredDemand` per origin slice, `deferredService` per destination). Rows
// that bound what a workload can be served by its demand rate use the serving bound M_wps. Spot
// rentals count α_o of their units, and serve interruptible workloads only; batch APIs serve
// day-deferrable workloads only (other rates are `domain`). τ' = τ / (1 − κ β) in every capacity
// and replica rule, ψ_awp in every API cost; price factors f_op in every price; decisions
// outside an availability window are `availability` violations (and still count); a
// committed-use contract makes the API cost max(S_a, (1 − δ_a) list) in each period of its window.

import Foundation

/// Checks and costs a plan's decisions, independently of the model that produced them.
public struct PlanEvaluator: Sendable {
    public let scenario: Scenario
    public let tolerance: Double

    public init(scenario: Scenario, tolerance: Double = 1e-6) {
        self.scenario = scenario
        self.tolerance = tolerance
    }

    public func evaluate(_ decisions: PlanDecisions) -> PlanEvaluation {
        var run = EvaluationRun(scenario: scenario, tolerance: tolerance, decisions: decisions)
        return run.evaluate()
    }

    /// R_w(s) (11.2) as [s][s']: s' ∈ R_w(s) when max(gap(a_s, a_s'), gap(a_s + η_s, a_s' + η_s')) ≤ H,
    /// gap(t, t') = (t' − t) mod 24 ∈ [0, 24); every slice with H ≥ 24 (or without starts).
    /// Also used by the plan reader, so a plan file and the evaluator agree on what is in reach.
    static func reachSets(_ deferral: Deferral, slices: [TimeSlice]) -> [[Bool]] {
        let H = deferral.maxDelayHours
        func gap(_ t: Double, _ u: Double) -> Double {
            let g = (u - t).truncatingRemainder(dividingBy: 24)
            return g < 0 ? g + 24 : g
        }
        return slices.indices.map { from in
            slices.indices.map { to in
                guard H < 24, let a = slices[from].start, let b = slices[to].start else { return true }
                if from == to { return true }
                // a hair of slack: starts and hours like 0.1 do not add up exactly in binary
                return max(gap(a, b), gap(a + slices[from].hours, b + slices[to].hours)) <= H + 1e-9
            }
        }
    }

    /// Why `offering` is not in O_j (docs/formulation.md section 10: purchases, and rentals with
    /// `clusterNetworking`, whose accelerator the performance model knows at the job's precision).
    /// Also used by the plan reader, so a plan file and the evaluator give the same reason.
    static func whyNotAPool(_ job: TrainingJob, _ offering: String, in scenario: Scenario) -> String {
        func acceleratorReason(_ accelerator: String?) -> String {
            guard let accelerator else { return "it names no accelerator, so its training speed is unknown" }
            return "its accelerator \(accelerator) is not in the performance model or has no \(job.precision.rawValue) arithmetic"
        }
        switch scenario.offerings.first(where: { $0.id == offering }) {
        case nil: return "\(offering) is not an offering"
        case .api?: return "\(offering) is an API (jobs run on owned or rented capacity only)"
        case .rental(let r)? where !r.clusterNetworking: return "\(offering) is a rental without clusterNetworking"
        case .purchase(let o)?: return acceleratorReason(o.accelerator)
        case .rental(let r)?: return acceleratorReason(r.accelerator)
        }
    }
}

/// One evaluation: reads the decisions into dense arrays (reporting what does not fit),
/// then checks the rows and adds up the costs.
private struct EvaluationRun {
    let scenario: Scenario
    let tolerance: Double
    let decisions: PlanDecisions

    let periods: Int
    let slices: [TimeSlice]
    let labels: [String]
    let hours: Double
    let days: Double

    /// The purchases and rentals with their serving options, in scenario order.
    let pools: [Pool]

    var violations: [ConstraintViolation] = []

    // The decisions as dense arrays, filled by the functions below in `evaluate`'s order.
    /// b_op per purchase (scenario order): [o][p].
    var arrivals: [[Double]] = []
    /// n_op per purchase, existing units included: [o][p].
    var inService: [[Double]] = []
    /// n_op − e_op per purchase, summed directly from the arrivals: [o][p].
    var purchasedInService: [[Double]] = []
    /// m_op by reserved rental id, as the plan states them.
    var reserved: [String: [Double]] = [:]
    /// v_op by reserved rental id: contract starts recovered from m_op (never negative).
    var starts: [String: [Double]] = [:]
    /// Units under contract by reserved rental id: m_op, or more where the plan drops units
    /// before their contract's term ends (those are still paid for).
    var contracted: [String: [Double]] = [:]
    /// Where units under contract fall before a term ends: rental id, period, units stated,
    /// units still in term, and the periods their contracts started.
    var contractShortfalls: [(offering: String, period: Int, stated: Double, inTerm: Double, startedIn: [Int])] = []
    /// m_ops by on-demand rental id: [p][s].
    var onDemand: [String: [[Double]]] = [:]
    /// x_owkps: offering id -> serving key (`ServedKey`: the workload id, `workload@precision` for a
    /// derived option) -> [p][s] (purchases and rentals, options in the model).
    var selfServed: [String: [String: [[Double]]]] = [:]
    /// y_awps: API id -> workload id -> [p][s] (pairs in the model).
    var apiServed: [String: [String: [[Double]]]] = [:]
    /// u_wps by workload id (only when a penalty is set).
    var unserved: [String: [[Double]]] = [:]
    /// Every x and y serving a workload, in offering order, looked up once rather than per row.
    var servingByWorkload: [String: [[[Double]]]] = [:]
    /// r_wps = D_wp σ_ws / (d η_s 3600) by workload id: [p][s].
    var rates: [String: [[Double]]] = [:]
    /// ρ_owkps for (o, w, k) ∈ Π^rep: offering id -> serving key -> [p][s].
    var replicas: [String: [String: [[Double]]]] = [:]
    /// z_owkps where the formulation has it (the minimum is not implied): offering -> serving key -> [p][s].
    var replicaInUse: [String: [String: [[Double]]]] = [:]
    /// u_kp by platform id (costed platforms only): 1 in the periods in use, else 0.
    var platformInUse: [String: [Double]] = [:]
    /// α_kp by platform id (platforms not adopted before the horizon).
    var platformAdoption: [String: [Double]] = [:]
    /// y_op by offering id (pools with spare units only): 1 in the periods the pool serves, else 0.
    var poolInUse: [String: [Double]] = [:]
    /// g_jops: by job (scenario order), then pool (the order of `TrainingJob.pools`): [p][s]; zero
    /// outside the job's window (those values are `domain` violations and otherwise ignored).
    var training: [[[[Double]]]] = []
    /// Σ_j g_jops by pool id: [p][s], the accelerators jobs take in the capacity rows.
    var trainingLoad: [String: [[Double]]] = [:]
    /// Pool ids by period where some job runs (σ_jops = 1 in some slice): u_kp and y_op are 1 there.
    var trainingRuns: [String: [Bool]] = [:]
    /// Per owned or reserved pool, [p][s]: the capacity rows' load of inference alone (in units,
    /// U included) and their right-hand side U (1 − d_o)(units − k_o y_op), kept by the capacity
    /// checks for `jobClusterRoom`.
    var inferenceLoad: [String: [[Double]]] = [:]
    var capacityBound: [String: [[Double]]] = [:]
    /// R_w(s) for window-deferrable workloads (H < 24), by workload id: [s][s'] is true when
    /// s' ∈ R_w(s) (11.2). Day-deferrable and other workloads are absent.
    var reach: [String: [[Bool]]] = [:]
    /// f_wpss' by window-deferrable workload id: [p][s][s'], zero out of reach.
    var flows: [String: [[[Double]]]] = [:]
    /// M_wps: the largest rate w can usefully be served at in s (11.2), by workload id: [p][s];
    /// r_wps for a workload that is not deferrable.
    var servable: [String: [[Double]]] = [:]
    /// The committed-use contracts the plan takes (known, committable API ids).
    var commitments: Set<String> = []

    init(scenario: Scenario, tolerance: Double, decisions: PlanDecisions) {
        self.scenario = scenario
        self.tolerance = tolerance
        self.decisions = decisions
        periods = scenario.horizon.periods
        slices = scenario.timeSlices
        labels = scenario.horizon.labels
        hours = scenario.horizon.hoursPerPeriod
        days = scenario.horizon.hoursPerPeriod / 24
        pools = Self.pools(of: scenario)
        for w in scenario.workloads {
            // σ_ws: the workload's own profile entry, else the slice's share (11.1).
            let shares = scenario.timeSlices.indices.map { s in w.profile?[s] ?? scenario.timeSlices[s].share }
            let r = (0..<periods).map { p in
                let D = p < w.demand.count ? w.demand[p] : 0
                return scenario.timeSlices.indices.map { s in
                    D * shares[s] / (scenario.horizon.daysPerPeriod * scenario.timeSlices[s].hours * 3600)
                }
            }
            rates[w.id] = r
            guard let deferral = w.deferral else {
                servable[w.id] = r
                continue
            }
            let within = PlanEvaluator.reachSets(deferral, slices: scenario.timeSlices)
            if !deferral.withinDay { reach[w.id] = within }
            // M_wps' = Σ_{s : s' ∈ R_w(s)} η_s r_wps / η_s'
            servable[w.id] = r.map { row in
                scenario.timeSlices.indices.map { to in
                    var moved = 0.0
                    for from in scenario.timeSlices.indices where within[from][to] {
                        moved += scenario.timeSlices[from].hours * row[from]
                    }
                    return moved / scenario.timeSlices[to].hours
                }
            }
        }
    }

    /// Reads and checks the decisions, then each constraint family in the builder's order, then
    /// adds up the costs.
    mutating func evaluate() -> PlanEvaluation {
        checkDecisionIDs()
        checkPurchaseVariables()
        checkRentalVariables()
        checkServingVariables()
        checkUnservedVariables()
        checkDeferralVariables()
        checkTrainingVariables()
        recoverReplicaVariables()
        recoverPlatformVariables()
        recoverPoolInUseVariables()
        applyFleetConstraints()
        checkContractConstraints()
        checkDemandConstraints()
        checkOwnedCapacityConstraints()
        checkRentedCapacityConstraints()
        checkReplicaCapacityConstraints()
        checkMinimumReplicasConstraints()
        checkPoolInUseConstraints()
        checkPlatformInUseConstraints()
        checkPlatformAdoptionConstraints()
        checkJobPoolConstraints()
        checkJobComputeConstraints()
        checkJobClusterConstraints()
        checkAPIRateLimitConstraints()
        checkPowerCapConstraints()
        checkCapitalBudgetConstraints()
        checkFiscalCapexConstraints()
        checkFiscalOpexConstraints()
        return addUpCosts()
    }

    // MARK: Helpers

    /// Seconds in slice s of a period: d η_s 3600.
    func seconds(_ s: Int) -> Double { days * slices[s].hours * 3600 }

    /// δ for 0-based period index i (i = periods gives δ_{P+1}). The evaluator's own copy of
    /// the rule, on purpose: it must not share the builder's.
    func discount(_ i: Int) -> Double {
        pow(1 + scenario.discountRate, -Double(i) * hours / 8760)
    }

    /// f_op: the price factor of an offering in 0-based period p (11.5): (1 − r)^(p h / 8760) for
    /// a yearly decline, the list's entry (its last one past its end), or 1. Restated here, not
    /// read from the scenario's helper, like δ.
    func priceFactor(_ change: PriceChange?, _ p: Int) -> Double {
        switch change {
        case nil: return 1
        case .declinePerYear(let r)?: return pow(1 - r, Double(p) * hours / 8760)
        case .factors(let list)?: return list.isEmpty ? 1 : list[min(max(p, 0), list.count - 1)]
        }
    }

    /// Whether 0-based period p is inside an availability window [from, until] (either end open).
    func inWindow(_ p: Int, from: Int?, until: Int?) -> Bool {
        p >= (from ?? Int.min) && p <= (until ?? Int.max)
    }

    /// The window in words for messages: "available 2027Q2 to 2028Q1".
    func windowText(from: Int?, until: Int?) -> String {
        switch (from, until) {
        case let (f?, u?): return "available \(label(f)) to \(label(u))"
        case let (f?, nil): return "available from \(label(f))"
        case let (nil, u?): return "available until \(label(u))"
        case (nil, nil): return "always available"
        }
    }

    func exceeds(_ amount: Double, rhs: Double) -> Bool {
        amount > tolerance * max(1, abs(rhs))
    }

    /// Whether a rate x serves, against the demand rate r of its rows: x exceeds
    /// tolerance · max(1, r). The rows x ≤ r·(binary) hold within tolerance with the binary at 0
    /// exactly when x does not serve, so the recovered binaries never create a violation.
    func serves(_ x: Double, demandRate r: Double) -> Bool {
        x > tolerance * max(1, abs(r))
    }

    /// The least value of a binary b in a row x ≤ r b: 1 where x serves, else 0. (The binaries
    /// stay binary with continuous units and with `--relax`: docs/formulation.md 8.2.)
    func binary(_ x: Double, demandRate r: Double) -> Double {
        serves(x, demandRate: r) ? 1 : 0
    }

    /// A [period][slice] matrix of zeros.
    var zeroMatrix: [[Double]] { Array(repeating: Array(repeating: 0.0, count: slices.count), count: periods) }

    /// The purchases and rentals (the offerings with units and throughput), in scenario order,
    /// each with its serving options (o, w, k) ∈ Π: `servingOptions(for:)` of every workload, the
    /// given throughput (k = ∅) or the derived options, those with τ_owk > 0; on a spot rental
    /// only interruptible workloads' (11.3). Each option's throughput is τ' = τ / (1 − κ_w β_w)
    /// (11.4: cached prefixes skip their prefill).
    static func pools(of scenario: Scenario) -> [Pool] {
        func options(_ offering: some SelfRunOffering, interruptibleOnly: Bool = false) -> [PoolOption] {
            scenario.workloads.filter { !interruptibleOnly || $0.interruptible }.flatMap { w in
                let prefillSaved = (w.cache?.hitRate ?? 0) * (w.cache?.prefillShare ?? 0)
                return offering.servingOptions(for: w.id).filter { $0.tokensPerSecond > 0 }.map {
                    PoolOption(workload: w.id, precision: $0.precision, tokensPerSecond: $0.tokensPerSecond / (1 - prefillSaved),
                               uncachedTokensPerSecond: $0.tokensPerSecond, acceleratorsPerReplica: $0.acceleratorsPerReplica)
                }
            }
        }
        return scenario.offerings.compactMap { offering in
            switch offering {
            case .purchase(let o):
                return Pool(id: o.id, options: options(o), acceleratorsPerUnit: o.acceleratorsPerUnit,
                            spareUnits: o.spareUnits, failureDerating: o.failureDerating, platform: o.platform, kind: .owned,
                            wholeUnits: scenario.policy.integerUnits)
            case .rental(let o):
                let reserved = o.commitment == .period
                let spot = o.commitment == .spot
                return Pool(id: o.id, options: options(o, interruptibleOnly: spot), acceleratorsPerUnit: o.acceleratorsPerUnit,
                            spareUnits: reserved ? o.spareUnits : 0, failureDerating: o.failureDerating, platform: o.platform,
                            kind: reserved ? .reserved : .onDemand, wholeUnits: reserved && scenario.policy.integerUnits,
                            availability: spot ? o.availability : 1)
            case .api:
                return nil
            }
        }
    }

    /// Term of a reserved rental in words: "4-period (12-month)".
    func termText(_ periodsInTerm: Int) -> String {
        "\(periodsInTerm)-period (\(periodsInTerm * 12 / scenario.horizon.kind.periodsPerYear)-month)"
    }

    /// Label of a 0-based period, also before the horizon's start or past its end.
    func label(_ p: Int) -> String {
        p >= 0 && p < periods ? labels[p] : scenario.horizon.start.advanced(by: p).description
    }

    mutating func report(_ family: ConstraintFamily, job: String? = nil, offering: String? = nil, workload: String? = nil,
                         precision: Precision? = nil, period: Int? = nil, slice: Int? = nil, amount: Double, _ message: String,
                         row: String? = nil) {
        violations.append(ConstraintViolation(
            family: family, job: job, offering: offering, workload: workload, precision: precision,
            period: period.map { labels[$0] }, slice: slice.map { slices[$0].name },
            amount: amount, message: message, row: row))
    }

    /// A per-period vector: checked for length, padded with zeros / truncated to P.
    mutating func vector(_ values: [Double]?, what: String, offering: String) -> [Double] {
        guard let values else { return Array(repeating: 0, count: periods) }
        if values.count != periods {
            report(.domain, offering: offering, amount: Double(abs(values.count - periods)),
                   "\(what) of \(offering) has \(values.count) values, expected one per period (\(periods))")
        }
        return (0..<periods).map { $0 < values.count ? values[$0] : 0 }
    }

    /// A [period][slice] matrix: checked for shape, padded with zeros / truncated.
    mutating func matrix(_ values: [[Double]]?, what: String, job: String? = nil, offering: String?, workload: String?,
                         precision: Precision? = nil) -> [[Double]] {
        let zero = Array(repeating: Array(repeating: 0.0, count: slices.count), count: periods)
        guard let values else { return zero }
        let who = [job, offering, workload.map { ServedKey.key(workload: $0, precision: precision) }].compactMap { $0 }.joined(separator: " / ")
        if values.count != periods || values.contains(where: { $0.count != slices.count }) {
            report(.domain, job: job, offering: offering, workload: workload, precision: precision, amount: 0,
                   "\(what) of \(who) is not [period][slice] with \(periods) periods and \(slices.count) slices")
        }
        return (0..<periods).map { p in
            (0..<slices.count).map { s in p < values.count && s < values[p].count ? values[p][s] : 0 }
        }
    }

    // `what` is an autoclosure: the message is only built for a violation, not for each of the
    // plan's tens of thousands of values. Callers pass local copies (`labels`), so that the
    // closure does not capture `self` while it changes.
    mutating func checkNonNegative(_ value: Double, _ what: @autoclosure () -> String, job: String? = nil, offering: String? = nil,
                                   workload: String? = nil, precision: Precision? = nil, period: Int, slice: Int? = nil) {
        if exceeds(-value, rhs: 0) {
            report(.nonNegativity, job: job, offering: offering, workload: workload, precision: precision, period: period, slice: slice,
                   amount: -value, "\(what()) is \(fmt(value)), must be >= 0")
        }
    }

    mutating func checkInteger(_ value: Double, _ what: @autoclosure () -> String, offering: String, period: Int) {
        guard scenario.policy.integerUnits else { return }
        let whole = value.rounded()
        let gap = abs(value - whole)
        if exceeds(gap, rhs: whole) {
            report(.integrality, offering: offering, period: period, amount: gap,
                   "\(what()) is \(fmt(value)), must be a whole number of units (integerUnits)")
        }
    }

    // MARK: Domain

    /// `domain`: the decisions name only offerings of the right kind and existing workloads.
    mutating func checkDecisionIDs() {
        let purchaseIds = Set(scenario.purchases.map(\.id))
        let reservedIds = Set(scenario.rentals.filter { $0.commitment == .period }.map(\.id))
        let onDemandIds = Set(scenario.rentals.filter { $0.commitment != .period }.map(\.id))
        let offeringIds = Set(scenario.offerings.map(\.id))
        let workloadIds = Set(scenario.workloads.map(\.id))
        for id in decisions.arrivals.keys.sorted() where !purchaseIds.contains(id) {
            report(.domain, offering: id, amount: 0, "arrivals name \(id), which is not a purchase offering")
        }
        for id in decisions.reservedUnits.keys.sorted() where !reservedIds.contains(id) {
            report(.domain, offering: id, amount: 0, "reserved units name \(id), which is not a rental with commitment period")
        }
        for id in decisions.onDemandUnits.keys.sorted() where !onDemandIds.contains(id) {
            report(.domain, offering: id, amount: 0, "on-demand units name \(id), which is not a rental with commitment none or spot")
        }
        for id in decisions.served.keys.sorted() {
            guard offeringIds.contains(id) else {
                report(.domain, offering: id, amount: 0, "served names \(id), which is not an offering")
                continue
            }
            for key in (decisions.served[id] ?? [:]).keys.sorted() {
                let w = ServedKey.parse(key).workload
                guard !workloadIds.contains(w) else { continue }
                report(.domain, offering: id, workload: w, amount: 0, "served names workload \(w), which does not exist")
            }
        }
        for w in decisions.unserved.keys.sorted() where !workloadIds.contains(w) {
            report(.domain, workload: w, amount: 0, "unserved names workload \(w), which does not exist")
        }
        checkCommitmentIDs()
    }

    /// κ_a (11.5): the plan's `apiCommitments` name APIs with a `committedUse` contract, each once.
    /// Any other id is a `domain` violation and is not taken.
    mutating func checkCommitmentIDs() {
        let apis = Dictionary(uniqueKeysWithValues: scenario.apis.map { ($0.id, $0) })
        var seen = Set<String>()
        for id in decisions.apiCommitments {
            guard seen.insert(id).inserted else {
                report(.domain, offering: id, amount: 0, "apiCommitments names \(id) twice")
                continue
            }
            guard let api = apis[id] else {
                let what = scenario.offerings.contains { $0.id == id } ? "which is not an API" : "which is not an offering"
                report(.domain, offering: id, amount: 0, "apiCommitments names \(id), \(what)")
                continue
            }
            guard api.committedUse != nil else {
                report(.domain, offering: id, amount: 0, "apiCommitments names \(id), which offers no committedUse contract")
                continue
            }
            commitments.insert(id)
        }
        // A contract signed before the horizon is taken whatever the plan says (13.1).
        for api in scenario.apis where api.committedUse?.signed == true && !commitments.contains(api.id) {
            report(.signedCommitment, offering: api.id, amount: 1,
                   "apiCommitments leaves out \(api.id), whose committed-use contract is signed (committedUse.signed): it is taken and paid for")
            commitments.insert(api.id)
        }
    }

    // MARK: Variables

    /// b_oq (arrivals):  b_oq ≥ F_oq (orders in flight, 13.1; 0 without),  b_oq ≤ F_oq + b̄_o
    /// (`maxUnitsPerPeriod`),  b_oq = F_oq for q < q0_o and q > q1_o (`availability`),  b_oq
    /// integer when `integerUnits`.
    mutating func checkPurchaseVariables() {
        let labels = self.labels
        for o in scenario.purchases {
            let b = vector(decisions.arrivals[o.id], what: "arrivals", offering: o.id)
            for p in 0..<periods {
                let v = b[p]
                checkNonNegative(v, "arrivals of \(o.id) in \(labels[p])", offering: o.id, period: p)
                // Units ordered before the horizon arrive whatever the plan says; only new orders
                // meet the lead time, the window and the cap.
                let ordered = o.ordersInFlight[p] ?? 0
                if ordered > 0, exceeds(ordered - v, rhs: ordered) {
                    report(.ordersInFlight, offering: o.id, period: p, amount: ordered - v,
                           "\(fmt(v)) units of \(o.id) arrive in \(labels[p]), fewer than the \(fmt(ordered)) ordered before the horizon"
                           + " (ordersInFlight): they arrive and are paid for whatever the plan says")
                }
                let new = v - ordered
                if p < o.firstArrivalIndex, exceeds(new, rhs: 0) {
                    report(.availability, offering: o.id, period: p, amount: new,
                           "\(fmt(new)) units of \(o.id) arrive in \(labels[p])\(ordered > 0 ? " besides the \(fmt(ordered)) in flight" : ""), before the first possible arrival "
                           + "(period \(o.firstArrivalIndex + 1): availability and a lead time of \(o.leadTimePeriods))")
                }
                if let until = o.availableUntilIndex, p > until, exceeds(new, rhs: 0) {
                    report(.availability, offering: o.id, period: p, amount: new,
                           "\(fmt(new)) units of \(o.id) arrive in \(labels[p])\(ordered > 0 ? " besides the \(fmt(ordered)) in flight" : ""), after the last possible arrival "
                           + "(\(label(until)): availableUntil)")
                }
                if let cap = o.maxUnitsPerPeriod, exceeds(new - cap, rhs: cap) {
                    report(.maxUnitsPerPeriod, offering: o.id, period: p, amount: new - cap,
                           "\(fmt(v)) units of \(o.id) arrive in \(labels[p]), \(ordered > 0 ? "\(fmt(new)) besides the \(fmt(ordered)) in flight, " : "")more than maxUnitsPerPeriod \(fmt(cap))")
                }
                checkInteger(v, "arrivals of \(o.id) in \(labels[p])", offering: o.id, period: p)
            }
            arrivals.append(b)
        }
    }

    /// m_op (reserved) and m_ops (on demand):  m ≥ 0,  m ≤ m̄_o (`maxUnits`); then the contract
    /// starts v_oq of each reserved rental (`recoverContractStarts`).
    mutating func checkRentalVariables() {
        let labels = self.labels
        for o in scenario.rentals {
            switch o.commitment {
            case .period:
                let m = vector(decisions.reservedUnits[o.id], what: "reserved units", offering: o.id)
                for p in 0..<periods {
                    checkNonNegative(m[p], "reserved units of \(o.id) in \(labels[p])", offering: o.id, period: p)
                    if let cap = o.maxUnits, exceeds(m[p] - cap, rhs: cap) {
                        report(.maxUnits, offering: o.id, period: p, amount: m[p] - cap,
                               "\(fmt(m[p])) units of \(o.id) reserved in \(labels[p]), more than maxUnits \(fmt(cap))")
                    }
                }
                reserved[o.id] = m
                recoverContractStarts(o, units: m)
                // Contract starts (m_op itself without a term) only inside the window; a contract
                // started inside runs its term.
                let v = starts[o.id] ?? []
                for p in 0..<periods where !inWindow(p, from: o.availableFromIndex, until: o.availableUntilIndex) {
                    guard exceeds(abs(v[p]), rhs: 0) else { continue }
                    report(.availability, offering: o.id, period: p, amount: abs(v[p]),
                           "\(fmt(v[p])) units of \(o.id) start a contract in \(labels[p]), outside its window "
                           + "(\(windowText(from: o.availableFromIndex, until: o.availableUntilIndex)))")
                }
            case .none, .spot:
                let m = matrix(decisions.onDemandUnits[o.id], what: "on-demand units", offering: o.id, workload: nil)
                for p in 0..<periods {
                    for s in 0..<slices.count {
                        checkNonNegative(m[p][s], "on-demand units of \(o.id)", offering: o.id, period: p, slice: s)
                        if let cap = o.maxUnits, exceeds(m[p][s] - cap, rhs: cap) {
                            report(.maxUnits, offering: o.id, period: p, slice: s, amount: m[p][s] - cap,
                                   "\(fmt(m[p][s])) on-demand units of \(o.id), more than maxUnits \(fmt(cap))")
                        }
                        if !inWindow(p, from: o.availableFromIndex, until: o.availableUntilIndex), exceeds(abs(m[p][s]), rhs: 0) {
                            report(.availability, offering: o.id, period: p, slice: s, amount: abs(m[p][s]),
                                   "\(fmt(m[p][s])) units of \(o.id) rented in \(labels[p]), outside its window "
                                   + "(\(windowText(from: o.availableFromIndex, until: o.availableUntilIndex)))")
                        }
                    }
                }
                onDemand[o.id] = m
            }
        }
    }

    /// v_oq (contract starts, 8.1):  v_oq ≥ 0,  integer when `integerUnits`.
    ///
    /// The `contract` rows m_op = Σ_{q = max(1, p − T_o + 1)}^{p} v_oq + C_op determine the starts
    /// one by one: v_op = m_op − I_op − C_op, I_op the units of earlier starts still in their term
    /// and C_op those of contracts carried in (13.1). Where m_op < C_op the plan drops carried-in
    /// units (`contractsInTerm`), where m_op < I_op + C_op otherwise it drops units before their
    /// term ends (`contractTerm`, reported with the rows): the start is 0, and the units still in
    /// term stay under contract, paid for, whatever the plan says.
    mutating func recoverContractStarts(_ o: RentalOffering, units m: [Double]) {
        let labels = self.labels
        let term = max(1, o.termPeriods)
        var v = [Double](repeating: 0, count: periods)
        var underContract = [Double](repeating: 0, count: periods)
        for p in 0..<periods {
            var inTerm = 0.0
            var startedIn: [Int] = []
            for q in max(0, p - term + 1)..<p where v[q] != 0 {
                inTerm += v[q]
                startedIn.append(q)
            }
            let held = o.unitsInTerm(inPeriod: p)
            if held > 0, exceeds(held - m[p], rhs: held) {
                report(.contractsInTerm, offering: o.id, period: p, amount: held - m[p],
                       "\(fmt(m[p])) units of \(o.id) reserved in \(labels[p]), fewer than the \(fmt(held)) under contracts signed before"
                       + " the horizon and still in their term (contractsInTerm): they are paid for until their term ends")
            } else if exceeds(inTerm + held - m[p], rhs: inTerm + held) {
                contractShortfalls.append((o.id, p, m[p], inTerm + held, startedIn))
            }
            v[p] = max(0, m[p] - inTerm - held)
            underContract[p] = inTerm + v[p] + held
            checkInteger(v[p], "units of \(o.id) whose contract starts in \(labels[p])", offering: o.id, period: p)
        }
        starts[o.id] = v
        contracted[o.id] = underContract
    }

    /// x_owkps ≥ 0 for (o, w, k) ∈ Π (purchases and rentals: the given throughput, k = ∅, or each
    /// derived option, section 9) and y_awps ≥ 0 for (a, w) ∈ Π^A (APIs that serve w). Rates on an
    /// option outside the model (a workload the offering cannot serve, a precision not derived, a
    /// precision on a given throughput or an API, no precision where the pair has derived options)
    /// are reported under `domain` and otherwise ignored: they neither serve demand nor cost anything.
    mutating func checkServingVariables() {
        let poolsByID = Dictionary(uniqueKeysWithValues: pools.map { ($0.id, $0) })
        for offering in scenario.offerings {
            let id = offering.id
            guard let byKey = decisions.served[id] else { continue }
            let keysByWorkload = Dictionary(grouping: byKey.keys.sorted(), by: { ServedKey.parse($0).workload })
            for w in scenario.workloads {
                let options: [Precision?]
                if case .api(let a) = offering {
                    // A batch API serves day-deferrable workloads only (11.3).
                    options = a.serves.contains(w.id) && (!a.batch || w.deferral?.withinDay == true) ? [nil] : []
                } else {
                    options = (poolsByID[id]?.optionsByWorkload[w.id] ?? []).map(\.precision)
                }
                let modelKeys = options.map { ServedKey.key(workload: w.id, precision: $0) }
                // The options of the model first, in their order, then any other key of w, sorted.
                let keys = modelKeys.filter { byKey[$0] != nil } + (keysByWorkload[w.id] ?? []).filter { !modelKeys.contains($0) }
                for key in keys {
                    let precisionText = ServedKey.parse(key).precision
                    let precision = precisionText.flatMap(Precision.init(rawValue:))
                    let x = matrix(byKey[key], what: "served tokens/s", offering: id, workload: w.id, precision: precision)
                    guard modelKeys.contains(key) else {
                        let largest = x.flatMap { $0 }.map(abs).max() ?? 0
                        if exceeds(largest, rhs: 0) {
                            report(.domain, offering: id, workload: w.id, precision: precision, amount: largest,
                                   "\(notAnOption(offering, workload: w.id, precision: precisionText, options: options)) "
                                   + "but is given up to \(fmt(largest)) tokens/s")
                        }
                        continue
                    }
                    for p in 0..<periods {
                        for s in 0..<slices.count {
                            checkNonNegative(x[p][s], "tokens/s of \(key) served by \(id)", offering: id, workload: w.id,
                                             precision: precision, period: p, slice: s)
                        }
                    }
                    if case .api(let a) = offering {
                        // y only in periods inside the API's window (11.5).
                        for p in 0..<periods where !inWindow(p, from: a.availableFromIndex, until: a.availableUntilIndex) {
                            let largest = x[p].map(abs).max() ?? 0
                            guard exceeds(largest, rhs: 0) else { continue }
                            report(.availability, offering: id, workload: w.id, period: p, amount: largest,
                                   "\(id) serves up to \(fmt(largest)) tokens/s of \(w.id) in \(labels[p]), outside its window "
                                   + "(\(windowText(from: a.availableFromIndex, until: a.availableUntilIndex)))")
                        }
                    }
                    if case .api = offering {
                        apiServed[id, default: [:]][key] = x
                    } else {
                        selfServed[id, default: [:]][key] = x
                    }
                }
            }
        }
        for w in scenario.workloads {
            var serving: [[[Double]]] = []
            for offering in scenario.offerings {
                if let pool = poolsByID[offering.id] {
                    for option in pool.optionsByWorkload[w.id] ?? [] {
                        if let x = selfServed[offering.id]?[option.key] { serving.append(x) }
                    }
                }
                if let y = apiServed[offering.id]?[w.id] { serving.append(y) }
            }
            servingByWorkload[w.id] = serving
        }
    }

    /// Why a serving key of `offering` and `workload` is no option of the model (section 9).
    func notAnOption(_ offering: Offering, workload: String, precision: String?, options: [Precision?]) -> String {
        let id = offering.id
        let interruptible = scenario.workloads.first { $0.id == workload }?.interruptible ?? false
        if case .rental(let r) = offering, r.commitment == .spot, !interruptible {
            return "\(id) is a spot rental and \(workload) is not interruptible (spot serves interruptible workloads only),"
        }
        if case .api(let a) = offering, a.batch, a.serves.contains(workload) {
            return "\(id) is a batch API and \(workload) is not deferrable within the day (batch serves those only),"
        }
        guard !options.isEmpty else {
            let unfit = unfitPrecisions(id, workload: workload).map { "\($0.precision.rawValue): \($0.reason)" }
            return "\(id) cannot serve \(workload) (no throughput / not in serves"
                + (unfit.isEmpty ? ")" : "; no precision fits: \(unfit.joined(separator: "; ")))")
        }
        let derived = options.compactMap { $0?.rawValue }
        guard let precision else {
            return "\(id) serves \(workload) through derived options (\(derived.joined(separator: ", "))), "
                + "so a rate needs its precision; none is named"
        }
        if case .api = offering {
            return "\(id) is an API: its rates of \(workload) take no precision, got \(precision)"
        }
        if derived.isEmpty {
            return "\(id) serves \(workload) at its given throughput (no precision), not at \(precision)"
        }
        var text = "\(id) has no \(precision) option for \(workload) (options: \(derived.joined(separator: ", ")))"
        if let unfit = unfitPrecisions(id, workload: workload).first(where: { $0.precision.rawValue == precision }) {
            text += "; \(precision) \(unfit.reason)"
        }
        return text
    }

    /// The precisions the performance model could not derive for the pair, with why.
    func unfitPrecisions(_ offering: String, workload: String) -> [UnfitPrecision] {
        switch scenario.offerings.first(where: { $0.id == offering }) {
        case .purchase(let o)?: return o.unfitPrecisions[workload] ?? []
        case .rental(let o)?: return o.unfitPrecisions[workload] ?? []
        default: return []
        }
    }

    /// u_wps ≥ 0, only when the penalty θ is set (otherwise any u is a `domain` violation).
    mutating func checkUnservedVariables() {
        for w in scenario.workloads {
            guard let values = decisions.unserved[w.id] else { continue }
            let u = matrix(values, what: "unserved tokens/s", offering: nil, workload: w.id)
            guard scenario.policy.unservedPenaltyPerMTok != nil else {
                let largest = u.flatMap { $0 }.map(abs).max() ?? 0
                if exceeds(largest, rhs: 0) {
                    report(.domain, workload: w.id, amount: largest,
                           "unserved demand of \(w.id) (up to \(fmt(largest)) tokens/s) but the scenario sets no unserved penalty")
                }
                continue
            }
            for p in 0..<periods {
                for s in 0..<slices.count {
                    checkNonNegative(u[p][s], "unserved tokens/s of \(w.id)", workload: w.id, period: p, slice: s)
                }
            }
            unserved[w.id] = u
        }
    }

    /// f_wpss' (11.2), for window-deferrable workloads (H < 24):  f ≥ 0, and f only for s' ∈ R_w(s).
    /// A flow out of reach, or flows of a workload without a window (not deferrable, or deferrable
    /// within the day, whose rows need none), are `domain` violations and otherwise ignored: they
    /// move nothing. Flows are [period][s][s'] in tokens/s averaged over s's hours.
    mutating func checkDeferralVariables() {
        let labels = self.labels
        let names = slices.map(\.name)
        for id in decisions.deferred.keys.sorted() where reach[id] == nil {
            let largest = (decisions.deferred[id] ?? []).flatMap { $0.flatMap { $0 } }.map(abs).max() ?? 0
            let why: String
            switch scenario.workloads.first(where: { $0.id == id }) {
            case nil: why = "\(id) is not a workload"
            case let w? where w.deferral == nil: why = "\(id) is not deferrable"
            default: why = "\(id) is deferrable within the day: its dailyDemand row needs no flows"
            }
            report(.domain, workload: id, amount: largest, "deferred names \(id), but \(why)")
        }
        for w in scenario.workloads {
            guard let within = reach[w.id] else { continue }
            let given = decisions.deferred[w.id]
            let shapeOK = given.map { g in
                g.count == periods && g.allSatisfy { $0.count == slices.count && $0.allSatisfy { $0.count == slices.count } }
            } ?? true
            if !shapeOK {
                report(.domain, workload: w.id, amount: 0,
                       "deferred flows of \(w.id) are not [period][slice][slice] with \(periods) periods and \(slices.count) slices")
            }
            var f = (0..<periods).map { _ in Array(repeating: Array(repeating: 0.0, count: slices.count), count: slices.count) }
            for p in 0..<periods {
                for from in 0..<slices.count {
                    for to in 0..<slices.count {
                        guard let g = given, p < g.count, from < g[p].count, to < g[p][from].count else { continue }
                        let v = g[p][from][to]
                        guard within[from][to] else {
                            if exceeds(abs(v), rhs: 0) {
                                report(.domain, workload: w.id, period: p, slice: from, amount: abs(v),
                                       "\(fmt(v)) tokens/s of \(w.id) moved from \(names[from]) to \(names[to]) in \(labels[p]), "
                                       + "out of reach (more than its \(fmt(w.deferral?.maxDelayHours ?? 0)) hours)")
                            }
                            continue
                        }
                        if exceeds(-v, rhs: 0) {
                            report(.nonNegativity, workload: w.id, period: p, slice: from, amount: -v,
                                   "tokens/s of \(w.id) moved from \(names[from]) to \(names[to]) in \(labels[p]) is \(fmt(v)), must be >= 0")
                        }
                        f[p][from][to] = v
                    }
                }
            }
            flows[w.id] = f
        }
    }

    /// g_jops ≥ 0, o ∈ O_j, e_j ≤ p ≤ l_j (section 10). Accelerators of an unknown job, on an
    /// offering that is no pool of the job, or in a period outside its window are reported under
    /// `domain` and otherwise ignored: the formulation has no variable there, so they neither
    /// count toward the job's compute nor load a pool (like rates outside Π).
    mutating func checkTrainingVariables() {
        let labels = self.labels
        let jobIds = Set(scenario.jobs.map(\.id))
        for id in decisions.training.keys.sorted() where !jobIds.contains(id) {
            report(.domain, job: id, amount: 0, "training names job \(id), which does not exist")
        }
        for job in scenario.jobs {
            let given = decisions.training[job.id] ?? [:]
            var byPool: [[[Double]]] = []
            for pool in job.pools {
                var g = matrix(given[pool.offering], what: "training accelerators", job: job.id, offering: pool.offering, workload: nil)
                for p in 0..<periods {
                    for s in 0..<slices.count {
                        checkNonNegative(g[p][s], "accelerators of job \(job.id) on \(pool.offering)", job: job.id,
                                         offering: pool.offering, period: p, slice: s)
                    }
                    guard p < job.earliestStartIndex || p > job.deadlineIndex else { continue }
                    let largest = g[p].map(abs).max() ?? 0
                    if exceeds(largest, rhs: 0) {
                        let bound = p < job.earliestStartIndex
                            ? "before its earliest start \(label(job.earliestStartIndex))" : "after its deadline \(label(job.deadlineIndex))"
                        report(.domain, job: job.id, offering: pool.offering, period: p, amount: largest,
                               "job \(job.id) runs up to \(fmt(largest)) accelerators on \(pool.offering) in \(labels[p]), \(bound)")
                    }
                    g[p] = Array(repeating: 0, count: slices.count)
                }
                var load = trainingLoad[pool.offering] ?? zeroMatrix
                var runs = trainingRuns[pool.offering] ?? Array(repeating: false, count: periods)
                for p in 0..<periods {
                    for s in 0..<slices.count {
                        load[p][s] += g[p][s]
                        if jobRuns(g[p][s], job) { runs[p] = true }
                    }
                }
                trainingLoad[pool.offering] = load
                trainingRuns[pool.offering] = runs
                byPool.append(g)
            }
            for offering in given.keys.sorted() where !job.pools.contains(where: { $0.offering == offering }) {
                let largest = (given[offering] ?? []).flatMap { $0 }.map(abs).max() ?? 0
                if exceeds(largest, rhs: 0) {
                    report(.domain, job: job.id, offering: offering, amount: largest,
                           "\(notAPool(job, offering)) but is given up to \(fmt(largest)) accelerators there")
                }
            }
            training.append(byPool)
        }
    }

    /// Whether job j runs in a slice with g accelerators (σ_jops = 1): g exceeds the tolerance,
    /// so the row g ≤ Ḡ σ holds with σ at 0 exactly when it does not. (g is an average over the
    /// slice: 126 accelerator-hours in a 2,190-hour slice is g ≈ 0.058, and the job runs.)
    func jobRuns(_ g: Double, _ job: TrainingJob) -> Bool {
        g > tolerance
    }

    /// Why `offering` is not in O_j, as a sentence for the plan's author.
    func notAPool(_ job: TrainingJob, _ offering: String) -> String {
        let pools = job.pools.map(\.offering).joined(separator: ", ")
        return "job \(job.id) cannot run on \(offering): \(PlanEvaluator.whyNotAPool(job, offering, in: scenario)) "
            + "(its pools: \(pools.isEmpty ? "none" : pools))"
    }

    /// ρ_owkps and z_owkps (8.2, per option by section 9), for (o, w, k) ∈ Π^rep: not in a plan,
    /// recovered as the fewest replicas the plan needs. On whole-unit pools (purchases, and reserved
    /// rentals, with `integerUnits`) ρ = ⌈x / (U ν_owk τ_owk)⌉ (the fewest whole replicas meeting
    /// `replicaCapacity` within the tolerance), at least μ_w while x serves; elsewhere
    /// ρ = max(x / (U ν_owk τ_owk), μ_w) while x serves, else 0. μ_w applies to each option that
    /// serves. z = 1 where x serves, kept only where the formulation has z (the minimum is not
    /// implied: ρ continuous, or μ_w > 1).
    mutating func recoverReplicaVariables() {
        let U = scenario.policy.utilizationCap
        let minimumReplicas = Dictionary(uniqueKeysWithValues: scenario.workloads.map { ($0.id, $0.minReplicas) })
        for pool in pools {
            for option in pool.options {
                guard let size = option.acceleratorsPerReplica else { continue }
                let perReplica = U * pool.unitsPerReplica(size) * option.tokensPerSecond
                let x = selfServed[pool.id]?[option.key] ?? zeroMatrix
                let r = servable[option.workload] ?? zeroMatrix
                let least = minimumReplicas[option.workload] ?? 1
                let minimum = Double(least)
                var rho = zeroMatrix
                var inUse = zeroMatrix
                for p in 0..<periods {
                    for s in 0..<slices.count {
                        let z = binary(x[p][s], demandRate: r[p][s])
                        inUse[p][s] = z
                        if pool.wholeUnits {
                            var whole = max(0, (x[p][s] / perReplica).rounded(.up))
                            if whole >= 1, x[p][s] - perReplica * (whole - 1) <= tolerance * max(1, r[p][s]) { whole -= 1 }
                            rho[p][s] = max(whole, minimum * z)
                        } else {
                            rho[p][s] = z > 0 ? max(x[p][s] / perReplica, minimum * z) : 0
                        }
                    }
                }
                replicas[pool.id, default: [:]][option.key] = rho
                if !(pool.wholeUnits && least == 1) {
                    replicaInUse[pool.id, default: [:]][option.key] = inUse
                }
            }
        }
    }

    /// u_kp (8.3), for platforms with a cost entry: 1 in the periods where some offering of k
    /// serves (Σ_{(o,w,k) : k(o) = k} x_owkps serves for some w and s) or runs a job
    /// (`jobPlatform`: σ_jops ≤ u_{k(o)p}, section 10).
    mutating func recoverPlatformVariables() {
        for platform in scenario.platforms {
            let members = pools.filter { $0.platform == platform.id }
            var inUse = [Double](repeating: 0, count: periods)
            for p in 0..<periods {
                if members.contains(where: { trainingRuns[$0.id]?[p] == true }) { inUse[p] = 1 }
                for w in scenario.workloads {
                    for s in 0..<slices.count {
                        let rate = platformRate(members, workload: w.id, p, s)
                        inUse[p] = max(inUse[p], binary(rate, demandRate: servable[w.id]?[p][s] ?? 0))
                    }
                }
            }
            platformInUse[platform.id] = inUse
        }
    }

    /// Σ_{(o,w,k) ∈ Π : o ∈ members} x_owkps: what a platform's offerings serve of w in (p, s).
    func platformRate(_ members: [Pool], workload: String, _ p: Int, _ s: Int) -> Double {
        var rate = 0.0
        for o in members {
            for option in o.optionsByWorkload[workload] ?? [] {
                rate += selfServed[o.id]?[option.key]?[p][s] ?? 0
            }
        }
        return rate
    }

    /// y_op (8.4), for purchases and reserved rentals with spare units: 1 in the periods where the
    /// pool serves (Σ x_owkps serves against Σ_w r_wps in some slice) or runs a job
    /// (`jobPoolInUse`: σ_jops ≤ y_op, section 10).
    mutating func recoverPoolInUseVariables() {
        for pool in pools where pool.spareUnits > 0 {
            var inUse = [Double](repeating: 0, count: periods)
            for p in 0..<periods {
                if trainingRuns[pool.id]?[p] == true { inUse[p] = 1 }
                for s in 0..<slices.count {
                    let (served, demanded) = poolRates(pool, p, s)
                    inUse[p] = max(inUse[p], binary(served, demandRate: demanded))
                }
            }
            poolInUse[pool.id] = inUse
        }
    }

    /// Σ_{(o,w,k) ∈ Π} x_owkps over every option of pool o, and Σ_{w : (o,w,·) ∈ Π} r_wps over the
    /// workloads it can serve (each once, however many options it has).
    func poolRates(_ pool: Pool, _ p: Int, _ s: Int) -> (served: Double, demanded: Double) {
        var served = 0.0, demanded = 0.0
        var counted = Set<String>()
        for option in pool.options {
            served += selfServed[pool.id]?[option.key]?[p][s] ?? 0
            if counted.insert(option.workload).inserted { demanded += servable[option.workload]?[p][s] ?? 0 }
        }
        return (served, demanded)
    }

    // MARK: Constraint families

    /// `fleet[o,p]`:  n_op = e_op + Σ_{q = max(1, p − L_o + 1)}^{p} b_oq, e_op the owned cohorts
    /// still in service (13.1).
    ///
    /// A plan does not state n_op: this row defines it, so it holds by construction and is applied
    /// rather than checked (arrivals before q0_o were reported under `availability` and count).
    mutating func applyFleetConstraints() {
        for (i, o) in scenario.purchases.enumerated() {
            let b = arrivals[i]
            var n = [Double](repeating: 0, count: periods)
            var bought = [Double](repeating: 0, count: periods)
            for p in 0..<periods {
                for q in max(0, p - o.lifetimePeriods + 1)...p { bought[p] += b[q] }
                n[p] = o.existingUnits(inPeriod: p) + bought[p]
            }
            inService.append(n)
            purchasedInService.append(bought)
        }
    }

    /// `contract[o,p]`:  m_op = Σ_{q = max(1, p − T_o + 1)}^{p} v_oq  (8.1).
    ///
    /// The rows define the starts (recovered in `recoverContractStarts`); what can break is a start
    /// below zero: units under contract falling before a term ends, reported as `contractTerm`
    /// with the amount the units fall short of the units still in term.
    mutating func checkContractConstraints() {
        let rentals = Dictionary(uniqueKeysWithValues: scenario.rentals.map { ($0.id, $0) })
        for short in contractShortfalls {
            let term = max(1, rentals[short.offering]?.termPeriods ?? 1)
            let started = short.startedIn.map { labels[$0] }
            let which = started.count == 1 ? "the contract started in \(started[0]) ends"
                : "the contracts started in \(started.dropLast().joined(separator: ", ")) and \(started.last!) end"
            let through = label((short.startedIn.first ?? short.period) + term - 1)
            report(.contractTerm, offering: short.offering, period: short.period, amount: short.inTerm - short.stated,
                   "units under contract fall before the \(termText(term)) term of \(which): \(fmt(short.stated)) units of "
                   + "\(short.offering) in \(labels[short.period]), \(fmt(short.inTerm)) still in term "
                   + "(\(started.count == 1 ? "it runs" : "the first runs") through \(through)); they are paid for until their term ends")
        }
    }

    /// `demand[w,p,s]`:  X_wps = Σ_o x_owps + Σ_a y_awps + u_wps ≥ r_wps,  r_wps = D_wp σ_ws / (d η_s 3600),
    /// for a workload that is not deferrable. A deferrable one's rows are replaced (11.2):
    ///
    ///     dailyDemand[w,p]      (H ≥ 24):  Σ_s η_s X_wps ≥ Σ_s η_s r_wps                       (family demand)
    ///     deferredDemand[w,p,s] (H < 24):  Σ_{s' ∈ R_w(s)} f_wpss' ≥ r_wps                     (family deferral)
    ///     deferredService[w,p,s'] (H < 24): Σ_{s : s' ∈ R_w(s)} η_s f_wpss' − η_s' X_wps' ≤ 0   (family deferral)
    mutating func checkDemandConstraints() {
        let names = slices.map(\.name)
        for w in scenario.workloads {
            var serving = servingByWorkload[w.id] ?? []
            if let u = unserved[w.id] { serving.append(u) }
            let r = rates[w.id] ?? zeroMatrix
            for p in 0..<periods {
                var X = [Double](repeating: 0, count: slices.count)
                for s in 0..<slices.count {
                    for x in serving { X[s] += x[p][s] }
                }
                if let f = flows[w.id], let within = reach[w.id] {
                    for s in 0..<slices.count {
                        var moved = 0.0
                        for to in 0..<slices.count where within[s][to] { moved += f[p][s][to] }
                        if exceeds(r[p][s] - moved, rhs: r[p][s]) {
                            report(.deferral, workload: w.id, period: p, slice: s, amount: r[p][s] - moved,
                                   "\(w.id) needs \(fmt(r[p][s])) tokens/s of \(names[s])'s demand served within reach, the plan's flows "
                                   + "move \(fmt(moved)) (short by \(fmt(r[p][s] - moved)))", row: "deferredDemand")
                        }
                    }
                    // Per destination, in tokens/s of s' (the row divided by η_s').
                    for to in 0..<slices.count {
                        var arriving = 0.0
                        for s in 0..<slices.count where within[s][to] { arriving += slices[s].hours * f[p][s][to] }
                        arriving /= slices[to].hours
                        if exceeds(arriving - X[to], rhs: arriving) {
                            report(.deferral, workload: w.id, period: p, slice: to, amount: arriving - X[to],
                                   "flows move \(fmt(arriving)) tokens/s of \(w.id) into \(names[to]), the plan serves \(fmt(X[to])) there "
                                   + "(short by \(fmt(arriving - X[to])))", row: "deferredService")
                        }
                    }
                } else if w.deferral != nil {
                    // In tokens/s averaged over the day: the row divided by 24.
                    var need = 0.0, have = 0.0
                    for s in 0..<slices.count {
                        need += slices[s].hours * r[p][s]
                        have += slices[s].hours * X[s]
                    }
                    need /= 24
                    have /= 24
                    if exceeds(need - have, rhs: need) {
                        report(.demand, workload: w.id, period: p, amount: need - have,
                               "\(w.id) needs \(fmt(need)) tokens/s over the day (deferrable within it), the plan serves "
                               + "\(fmt(have)) (short by \(fmt(need - have)))", row: "dailyDemand")
                    }
                } else {
                    for s in 0..<slices.count where exceeds(r[p][s] - X[s], rhs: r[p][s]) {
                        report(.demand, workload: w.id, period: p, slice: s, amount: r[p][s] - X[s],
                               "\(w.id) needs \(fmt(r[p][s])) tokens/s, the plan covers \(fmt(X[s])) (short by \(fmt(r[p][s] - X[s])))")
                    }
                }
            }
        }
    }

    /// `ownedCapacity[o,p,s]`, o ∈ B, with replicas and margins (8.2, 8.4), over serving options (9):
    ///
    ///     Σ_{(o,w,k) ∉ Π^rep} x_owkps / τ_owk + U Σ_{(o,w,k) ∈ Π^rep} ν_owk ρ_owkps + U Σ_j g_jops / G_o ≤ U (1 − d_o) (n_op − k_o y_op)
    ///
    /// (Σ_w x_owps / τ_ow ≤ U n_op with one option per pair and no replica pairs or margins.)
    mutating func checkOwnedCapacityConstraints() {
        for (i, pool) in pools.filter({ $0.kind == .owned }).enumerated() {
            let n = inService[i]
            checkCapacity(pool, family: .ownedCapacity, symbol: "n", units: n.map { Array(repeating: $0, count: slices.count) })
        }
    }

    /// `rentedCapacity[o,p,s]`, o ∈ R, with replicas and margins (8.2, 8.4), over serving options (9):
    ///
    ///     Σ_{(o,w,k) ∉ Π^rep} x_owkps / τ_owk + U Σ_{(o,w,k) ∈ Π^rep} ν_owk ρ_owkps + U Σ_j g_jops / G_o ≤ U (1 − d_o) (m_op − k_o y_op)   (reserved)
    ///     Σ_{(o,w,k) ∉ Π^rep} x_owkps / τ_owk + U Σ_{(o,w,k) ∈ Π^rep} ν_owk ρ_owkps + U Σ_j g_jops / G_o ≤ U (1 − d_o) m_ops                (on demand)
    ///
    /// m_op as the plan states it: units it drops before their term ends are paid for but not
    /// counted as serving.
    mutating func checkRentedCapacityConstraints() {
        for pool in pools where pool.kind != .owned {
            let units = pool.kind == .reserved
                ? (reserved[pool.id] ?? []).map { Array(repeating: $0, count: slices.count) }
                : onDemand[pool.id] ?? zeroMatrix
            checkCapacity(pool, family: .rentedCapacity, symbol: "m", units: units)
        }
    }

    /// One capacity row per period and slice of a pool (see the two callers). Jobs take whole
    /// accelerators like replicas (section 10): U Σ_j g_jops / G_o on the load side.
    mutating func checkCapacity(_ pool: Pool, family: ConstraintFamily, symbol: String, units: [[Double]]) {
        let U = scenario.policy.utilizationCap
        var plain: [([[Double]], Double)] = []
        var replicated: [(option: String, rho: [[Double]], unitsPerReplica: Double)] = []
        for option in pool.options {
            if let size = option.acceleratorsPerReplica, let rho = replicas[pool.id]?[option.key] {
                replicated.append((option.key, rho, pool.unitsPerReplica(size)))
            } else if let x = selfServed[pool.id]?[option.key] {
                plain.append((x, option.tokensPerSecond))
            }
        }
        let derating = pool.failureDerating
        let trained = trainingLoad[pool.id]
        let perUnit = Double(max(1, pool.acceleratorsPerUnit))
        var inference = zeroMatrix
        var bound = zeroMatrix
        defer {
            if pool.kind != .onDemand {
                inferenceLoad[pool.id] = inference
                capacityBound[pool.id] = bound
            }
        }
        for p in 0..<periods {
            let spare = Double(pool.spareUnits) * (poolInUse[pool.id]?[p] ?? 0)
            for s in 0..<slices.count {
                var load = 0.0
                for (x, tau) in plain { load += x[p][s] / tau }
                var replicaUnits = 0.0
                for r in replicated { replicaUnits += r.unitsPerReplica * r.rho[p][s] }
                let accelerators = trained?[p][s] ?? 0
                let trainingUnits = accelerators / perUnit
                let lhs = load + U * replicaUnits + U * trainingUnits
                let n = p < units.count && s < units[p].count ? units[p][s] : 0
                let cap = U * (1 - derating) * pool.availability * (n - spare)
                inference[p][s] = load + U * replicaUnits
                bound[p][s] = cap
                guard exceeds(lhs - cap, rhs: cap) else { continue }
                var what = "\(pool.id) runs \(fmt(lhs)) units' worth of load"
                if !replicated.isEmpty {
                    let parts = replicated.filter { $0.rho[p][s] > 0 }.map {
                        "\(fmt($0.rho[p][s])) replica(s) of \($0.option), \(fmt($0.unitsPerReplica)) unit(s) each"
                    }
                    what += " (U × \(fmt(replicaUnits)) units of whole replicas: \(parts.isEmpty ? "none" : parts.joined(separator: "; "))"
                        + (load > 0 ? ", plus \(fmt(load)) of other load)" : ")")
                }
                if trainingUnits > 0 {
                    what += ", training included: U × \(fmt(trainingUnits)) units (\(fmt(accelerators)) accelerators of jobs, "
                        + "\(pool.acceleratorsPerUnit) a unit)"
                }
                var factors = [fmt(U)]
                var formula = "U"
                if derating > 0 {
                    factors.append("(1 − \(fmt(derating)))")
                    formula += " × (1 − d)"
                }
                if pool.availability < 1 {
                    factors.append(fmt(pool.availability))
                    formula += " × α"
                }
                if spare > 0 {
                    factors.append("(\(fmt(n)) − \(fmt(spare)) spare)")
                    formula += " × (\(symbol) − k)"
                } else {
                    factors.append(fmt(n))
                    formula += " × \(symbol)"
                }
                report(family, offering: pool.id, period: p, slice: s, amount: lhs - cap,
                       "\(what), but \(formula) = \(factors.joined(separator: " × ")) = \(fmt(cap))")
            }
        }
    }

    /// `replicaCapacity[o,w@k,p,s]`, (o, w, k) ∈ Π^rep:  x_owkps ≤ U ν_owk τ_owk ρ_owkps.
    ///
    /// ρ is recovered as the fewest replicas that meet this row, so it holds; it is checked
    /// anyway, in the row's own terms, as a guard on that recovery.
    mutating func checkReplicaCapacityConstraints() {
        let U = scenario.policy.utilizationCap
        for pool in pools {
            for option in pool.options {
                guard let size = option.acceleratorsPerReplica, let rho = replicas[pool.id]?[option.key],
                      let x = selfServed[pool.id]?[option.key] else { continue }
                let perReplica = U * pool.unitsPerReplica(size) * option.tokensPerSecond
                let r = servable[option.workload] ?? zeroMatrix
                for p in 0..<periods {
                    for s in 0..<slices.count where x[p][s] - perReplica * rho[p][s] > tolerance * max(1, r[p][s]) {
                        report(.replicaCapacity, offering: pool.id, workload: option.workload, precision: option.precision,
                               period: p, slice: s, amount: x[p][s] - perReplica * rho[p][s],
                               "\(fmt(x[p][s])) tokens/s of \(option.key) on \(fmt(rho[p][s])) replicas of \(fmt(perReplica)) tokens/s each")
                    }
                }
            }
        }
    }

    /// `minimumReplicas[o,w@k,p,s]`, where z exists:  ρ_owkps ≥ μ_w z_owkps  and (`replicaInUse`)
    /// x_owkps ≤ r_wps z_owkps (M_wps for a deferrable workload, 11.2).
    ///
    /// The first holds for the recovered ρ; the second breaks when an option serves a
    /// workload beyond its demand rate (which no optimum needs).
    mutating func checkMinimumReplicasConstraints() {
        for pool in pools {
            for option in pool.options {
                guard let inUse = replicaInUse[pool.id]?[option.key], let x = selfServed[pool.id]?[option.key] else { continue }
                for p in 0..<periods {
                    for s in 0..<slices.count {
                        let r = servable[option.workload]?[p][s] ?? 0
                        let excess = x[p][s] - r * inUse[p][s]
                        if excess > tolerance * max(1, r) {
                            report(.minimumReplicas, offering: pool.id, workload: option.workload, precision: option.precision,
                                   period: p, slice: s, amount: excess,
                                   "\(pool.id) serves \(fmt(x[p][s])) tokens/s of \(option.key), more than its demand rate \(fmt(r)) "
                                   + "(replicaInUse: x ≤ r z)")
                        }
                    }
                }
            }
        }
    }

    /// `poolInUse[o,p,s]`, o with k_o > 0:  Σ_{(o,w,k) ∈ Π} x_owkps ≤ (Σ_{w : (o,w,·) ∈ Π} r_wps) y_op
    /// (M_wps for a deferrable workload, 11.2).
    ///
    /// y_op is 1 where the pool serves, so the row breaks only when the pool serves more than
    /// the demand of all its workloads together.
    mutating func checkPoolInUseConstraints() {
        for pool in pools where pool.spareUnits > 0 {
            guard let inUse = poolInUse[pool.id] else { continue }
            for p in 0..<periods {
                for s in 0..<slices.count {
                    let (served, demanded) = poolRates(pool, p, s)
                    let excess = served - demanded * inUse[p]
                    if excess > tolerance * max(1, demanded) {
                        report(.poolInUse, offering: pool.id, period: p, slice: s, amount: excess,
                               "\(pool.id) serves \(fmt(served)) tokens/s, more than the \(fmt(demanded)) its workloads demand")
                    }
                }
            }
        }
    }

    /// `platformInUse[k,w,p,s]`:  Σ_{(o,w,k') ∈ Π : k(o) = k} x_owk'ps ≤ r_wps u_kp (M_wps for a
    /// deferrable workload, 11.2).
    ///
    /// u_kp is 1 where the platform serves, so the row breaks only when its offerings together
    /// serve a workload beyond its demand rate.
    mutating func checkPlatformInUseConstraints() {
        for platform in scenario.platforms {
            let members = pools.filter { $0.platform == platform.id }
            guard let inUse = platformInUse[platform.id], !members.isEmpty else { continue }
            for w in scenario.workloads {
                for p in 0..<periods {
                    for s in 0..<slices.count {
                        let rate = platformRate(members, workload: w.id, p, s)
                        let r = servable[w.id]?[p][s] ?? 0
                        let excess = rate - r * inUse[p]
                        if excess > tolerance * max(1, r) {
                            report(.platformInUse, offering: platform.id, workload: w.id, period: p, slice: s, amount: excess,
                                   "offerings of platform \(platform.id) serve \(fmt(rate)) tokens/s of \(w.id), more than its demand rate \(fmt(r))")
                        }
                    }
                }
            }
        }
    }

    /// `platformAdoption[k,p]`:  Σ_{q=1}^{p} α_kq ≥ u_kp, for platforms not adopted before the horizon.
    ///
    /// The rows determine the cheapest α: 1 in the first period the platform is in use. A platform
    /// some commitment carried in runs on (owned units, units in flight, contracts in term, 13.1)
    /// is adopted before the horizon: no α.
    mutating func checkPlatformAdoptionConstraints() {
        for platform in scenario.platforms {
            let adoptedBefore = scenario.adoptedBeforeHorizon(platform: platform.id)
            guard !adoptedBefore, let inUse = platformInUse[platform.id] else { continue }
            var adopted = 0.0
            platformAdoption[platform.id] = inUse.map { u in
                let alpha = max(0, u - adopted)
                adopted += alpha
                return alpha
            }
        }
    }

    /// Accelerator-hours job j (scenario position `j`) runs on each of its pools, Σ_p Σ_s g_jops d η_s,
    /// in the order of `TrainingJob.pools`.
    func jobHours(_ j: Int) -> [Double] {
        training[j].map { g in
            var hoursRun = 0.0
            for p in 0..<periods {
                for s in 0..<slices.count { hoursRun += g[p][s] * days * slices[s].hours }
            }
            return hoursRun
        }
    }

    /// The pools job j runs on (π_jo = 1: σ_jops = 1 somewhere), in the order of `TrainingJob.pools`.
    func poolsRun(_ j: Int) -> [Int] {
        let job = scenario.jobs[j]
        return training[j].indices.filter { k in training[j][k].contains { $0.contains { jobRuns($0, job) } } }
    }

    /// `jobPool[j]`:  Σ_{o ∈ O_j} π_jo = 1, with π_jo = 1 on every pool where the job runs: all of a
    /// job's accelerators in one pool. (A job that never runs is `jobCompute`'s to report.)
    mutating func checkJobPoolConstraints() {
        for (j, job) in scenario.jobs.enumerated() {
            let used = poolsRun(j)
            guard used.count > 1 else { continue }
            let hoursRun = jobHours(j)
            let parts = used.map { "\(job.pools[$0].offering): \(fmt(hoursRun[$0])) accelerator-hours" }
            report(.jobPool, job: job.id, amount: Double(used.count - 1),
                   "job \(job.id) runs on \(used.count) pools (\(parts.joined(separator: ", "))); all of a job's accelerators must be in one pool")
        }
    }

    /// `jobCompute[j]`:  Σ_{o ∈ O_j} Σ_{p = e_j}^{l_j} Σ_s g_jops d η_s / A_jo ≥ 1. The amount is the
    /// share of the compute missing; the message gives it in accelerator-hours of the pool the job
    /// runs on most (its first pool when it never runs).
    mutating func checkJobComputeConstraints() {
        for (j, job) in scenario.jobs.enumerated() {
            guard !job.pools.isEmpty else { continue }
            let hoursRun = jobHours(j)
            var done = 0.0
            for (k, pool) in job.pools.enumerated() { done += hoursRun[k] / pool.acceleratorHours }
            guard exceeds(1 - done, rhs: 1) else { continue }
            let main = mainPool(hoursRun)
            let pool = job.pools[main]
            let missing = (1 - done) * pool.acceleratorHours
            let deadline = label(job.deadlineIndex)
            let text: String
            if hoursRun.allSatisfy({ $0 == 0 }) {
                let needs = job.pools.map { "\(fmt($0.acceleratorHours)) on \($0.offering)" }.joined(separator: " or ")
                text = "job \(job.id) never runs: it needs \(needs) accelerator-hours by its deadline \(deadline)"
            } else {
                text = "job \(job.id) runs \(fmt(done * pool.acceleratorHours)) of the \(fmt(pool.acceleratorHours)) accelerator-hours "
                    + "it needs on \(pool.offering) by its deadline \(deadline) (\(fmt(100 * done))%): "
                    + "\(fmt(missing)) accelerator-hours (\(fmt(100 * (1 - done)))%) missing"
            }
            report(.jobCompute, job: job.id, amount: 1 - done, text)
        }
    }

    /// The pool with the most accelerator-hours (the first on a tie, and when none ran).
    func mainPool(_ hoursRun: [Double]) -> Int {
        var best = 0
        for k in hoursRun.indices where hoursRun[k] > hoursRun[best] { best = k }
        return best
    }

    /// `jobClusterRoom[j,o,p,s]`, o a purchase or a reserved rental (`jobCluster`):
    ///
    ///     load_ops − U g_jops / G_o + U M_j σ_jops / G_o ≤ U (1 − d_o)(units_o − k_o y_op)
    ///
    /// the capacity row with this job's average g replaced by its cluster of M_j accelerators,
    /// wherever the job runs (σ = 1): g is an average over the slice's hours, but while the job
    /// runs all M_j accelerators run beside inference and the other jobs' averages. Reported in
    /// accelerators: the room left there, (bound − other load) G_o / U, against M_j. No row on
    /// on-demand rentals (their units are averages too). The upper row g ≤ Ḡ_jos σ only tightens
    /// the model (it removes no optimum) and σ ≤ π holds with π recovered from σ, so neither can
    /// be broken by a plan.
    mutating func checkJobClusterConstraints() {
        let U = scenario.policy.utilizationCap
        let poolsById = Dictionary(uniqueKeysWithValues: pools.map { ($0.id, $0) })
        for (j, job) in scenario.jobs.enumerated() {
            let minimum = Double(job.minAccelerators)
            for (k, trainingPool) in job.pools.enumerated() {
                guard let pool = poolsById[trainingPool.offering], pool.kind != .onDemand,
                      let inference = inferenceLoad[pool.id], let bound = capacityBound[pool.id] else { continue }
                let perUnit = Double(max(1, pool.acceleratorsPerUnit))
                let g = training[j][k]
                let allJobs = trainingLoad[pool.id] ?? zeroMatrix
                for p in 0..<periods {
                    for s in 0..<slices.count where jobRuns(g[p][s], job) {
                        let othersAccelerators = allJobs[p][s] - g[p][s]
                        let lhs = inference[p][s] + U * (othersAccelerators + minimum) / perUnit
                        let cap = bound[p][s]
                        guard exceeds(lhs - cap, rhs: cap) else { continue }
                        // in accelerators: the capacity row divided by U / G_o
                        let room = (cap - inference[p][s]) * perUnit / U - othersAccelerators
                        var beside = "inference takes \(fmt(inference[p][s] * perUnit / U)) accelerators' worth"
                        if othersAccelerators > 0 { beside += " and other jobs \(fmt(othersAccelerators))" }
                        report(.jobCluster, job: job.id, offering: pool.id, period: p, slice: s, amount: minimum - room,
                               "job \(job.id) runs on \(pool.id) (\(fmt(g[p][s])) accelerators on average), but its cluster of "
                               + "\(job.minAccelerators) accelerators (minAccelerators) has room for only \(fmt(max(0, room))) there: "
                               + "\(beside) of the \(fmt(cap * perUnit / U)) it has (jobClusterRoom)")
                    }
                }
            }
        }
    }

    /// Per job: its pool, accelerator-hours, share of compute done, first and last period run.
    func jobEvaluations() -> [JobEvaluation] {
        scenario.jobs.enumerated().map { j, job in
            let hoursRun = jobHours(j)
            let used = poolsRun(j)
            var done = 0.0
            for (k, pool) in job.pools.enumerated() { done += hoursRun[k] / pool.acceleratorHours }
            let main = job.pools.isEmpty ? nil : mainPool(hoursRun)
            let runsIn = (0..<periods).filter { p in
                used.contains { k in training[j][k][p].contains { jobRuns($0, job) } }
            }
            return JobEvaluation(
                job: job.id, pool: used.isEmpty ? nil : main.map { job.pools[$0].offering },
                acceleratorHours: hoursRun.reduce(0, +), acceleratorHoursRequired: main.map { job.pools[$0].acceleratorHours } ?? 0,
                computeDone: done, firstPeriod: runsIn.first.map { labels[$0] }, lastPeriod: runsIn.last.map { labels[$0] })
        }
    }

    /// `apiRateLimit[a,p,s]`:  Σ_w y_awps ≤ λ_a, for APIs with a rate limit.
    mutating func checkAPIRateLimitConstraints() {
        for a in scenario.apis {
            guard let limit = a.maxTokensPerSecond else { continue }
            let served = scenario.workloads.compactMap { apiServed[a.id]?[$0.id] }
            for p in 0..<periods {
                for s in 0..<slices.count {
                    var rate = 0.0
                    for x in served { rate += x[p][s] }
                    if exceeds(rate - limit, rhs: limit) {
                        report(.apiRateLimit, offering: a.id, period: p, slice: s, amount: rate - limit,
                               "\(fmt(rate)) tokens/s sent to \(a.id), above its rate limit of \(fmt(limit))")
                    }
                }
            }
        }
    }

    /// `powerCap[p]`:  Σ_o k_o n_op ≤ K_p (IT power, before PUE; existing units count).
    mutating func checkPowerCapConstraints() {
        guard let caps = scenario.site.powerCapKW else { return }
        for p in 0..<periods where p < caps.count {
            var kw = 0.0
            for (i, o) in scenario.purchases.enumerated() { kw += o.powerKW * inService[i][p] }
            if exceeds(kw - caps[p], rhs: caps[p]) {
                report(.powerCap, period: p, amount: kw - caps[p],
                       "owned units draw \(fmt(kw)) kW of IT power in \(labels[p]), above the cap of \(fmt(caps[p])) kW")
            }
        }
    }

    /// `capitalBudget[p]`:  Σ_o f_op c_o b_op ≤ C_p (cash for units arriving in p, at p's price factor).
    mutating func checkCapitalBudgetConstraints() {
        guard let budget = scenario.budget.capexPerPeriod else { return }
        for p in 0..<periods where p < budget.count {
            var spent = 0.0
            for (i, o) in scenario.purchases.enumerated() { spent += priceFactor(o.priceChange, p) * o.unitPrice * arrivals[i][p] }
            if exceeds(spent - budget[p], rhs: budget[p]) {
                report(.capitalBudget, period: p, amount: spent - budget[p],
                       "arrivals in \(labels[p]) cost \(fmt(spent)) USD, above the budget of \(fmt(budget[p])) USD")
            }
        }
    }

    /// FY N of the 0-based period `i` (before or past the horizon too): the fiscal year holding
    /// the period's first month; FY N ends in calendar year N.
    func fiscalYearOfPeriod(_ i: Int) -> Int {
        let label = scenario.horizon.start.advanced(by: i)
        let monthsPerPeriod = 12 / label.kind.periodsPerYear
        let firstMonth = label.kind == .year ? 1 : (label.subperiod - 1) * monthsPerPeriod + 1
        let start = scenario.budget.fiscalYearStartMonth
        return label.year + (start != 1 && firstMonth >= start ? 1 : 0)
    }

    mutating func reportFiscal(_ family: ConstraintFamily, year: Int, amount: Double, _ message: String) {
        violations.append(ConstraintViolation(family: family, period: "FY\(year)", amount: amount, message: message))
    }

    /// `fiscalCapex[FYf]`:  capital cash paid in fiscal year f ≤ Capex_f: per unit arriving in
    /// q, the deposit φ_o c_o in the order period q − ℓ_o and the balance (1 − φ_o) c_o in the
    /// period holding the day D_o days after the start of q; the price is q's, f_oq c_o (11.5).
    mutating func checkFiscalCapexConstraints() {
        var paid: [Int: Double] = [:]
        for (i, o) in scenario.purchases.enumerated() {
            let balanceLag = Int((o.balanceDaysAfterDelivery * 24 / hours).rounded(.down))
            for q in 0..<periods where arrivals[i][q] != 0 {
                let price = priceFactor(o.priceChange, q) * o.unitPrice * arrivals[i][q]
                // Units in flight paid their deposit before the horizon (13.1); new units pay it
                // in their order period.
                let ordered = min(arrivals[i][q], o.ordersInFlight[q] ?? 0)
                let newUnits = ordered > 0 ? priceFactor(o.priceChange, q) * o.unitPrice * (arrivals[i][q] - ordered) : price
                paid[fiscalYearOfPeriod(q - o.leadTimePeriods), default: 0] += o.depositFraction * newUnits
                paid[fiscalYearOfPeriod(q + balanceLag), default: 0] += (1 - o.depositFraction) * price
            }
        }
        for budget in scenario.budget.fiscalYears {
            guard let cap = budget.capex else { continue }
            let spent = paid[budget.year] ?? 0
            if exceeds(spent - cap, rhs: cap) {
                reportFiscal(.fiscalCapex, year: budget.year, amount: spent - cap,
                             "purchases pay \(fmt(spent)) USD in FY\(budget.year), above its capital budget of \(fmt(cap)) USD")
            }
        }
    }

    /// `fiscalOpex[FYf]`:  Σ_{p ∈ f} (energy + fixed opex + rental + API + platform)_p ≤ Opex_f,
    /// undiscounted, the periods of the horizon in f (rent due past the horizon is a commitment).
    /// The API cost is what is paid: the list spend plus the committed-use line (11.5).
    mutating func checkFiscalOpexConstraints() {
        guard scenario.budget.fiscalYears.contains(where: { $0.opex != nil }) else { return }
        var spent: [Int: Double] = [:]
        for p in 0..<periods {
            let cost = periodEvaluation(p).cost
            spent[fiscalYearOfPeriod(p), default: 0] += cost.energy + cost.fixedOpex + cost.rental + cost.api + cost.apiCommitment + cost.platform
        }
        for budget in scenario.budget.fiscalYears {
            guard let cap = budget.opex else { continue }
            let total = spent[budget.year] ?? 0
            if exceeds(total - cap, rhs: cap) {
                reportFiscal(.fiscalOpex, year: budget.year, amount: total - cap,
                             "running costs are \(fmt(total)) USD in FY\(budget.year), above its operating budget of \(fmt(cap)) USD")
            }
        }
    }

    // MARK: Costs

    /// cost_p line by line (docs/formulation.md section 4), the salvage, and the objective
    /// Σ_p δ_p cost_p − δ_{P+1} salvage.
    func addUpCosts() -> PlanEvaluation {
        var periodResults: [PeriodEvaluation] = []
        var tokensDemanded = 0.0, tokensServed = 0.0, tokensUnserved = 0.0
        for p in 0..<periods {
            let period = periodEvaluation(p)
            tokensDemanded += period.tokensDemanded
            tokensServed += period.tokensServed
            tokensUnserved += period.tokensUnserved
            periodResults.append(period)
        }
        let salvage = salvageCredit()
        let endDiscount = discount(periods)
        let (beyond, discountedBeyond) = commitmentsBeyondHorizon()

        var undiscounted = CostBreakdown()
        var discounted = CostBreakdown()
        for period in periodResults {
            undiscounted = undiscounted + period.cost
            discounted = discounted + period.discountedCost
        }
        var totalCost = beyond - salvage
        var discountedCost = discountedBeyond - endDiscount * salvage
        for period in periodResults {
            totalCost += period.cost.total
            discountedCost += period.discountedCost.total
        }

        var units: [String: [Double]] = [:]
        for (i, o) in scenario.purchases.enumerated() { units[o.id] = inService[i] }

        var evaluation = PlanEvaluation(
            violations: violations, periods: periodResults, costByComponent: undiscounted,
            discountedCostByComponent: discounted, salvage: salvage, discountedSalvage: endDiscount * salvage,
            totalCost: totalCost, discountedCost: discountedCost, tokensDemanded: tokensDemanded,
            tokensServed: tokensServed, tokensUnserved: tokensUnserved, unitsInService: units, tolerance: tolerance)
        evaluation.commitmentsBeyondHorizon = beyond
        evaluation.discountedCommitmentsBeyondHorizon = discountedBeyond
        evaluation.contractStarts = starts
        evaluation.replicas = replicas
        evaluation.jobs = jobEvaluations()
        evaluation.platforms = scenario.platforms.map { platform in
            let inUse = platformInUse[platform.id] ?? Array(repeating: 0, count: periods)
            let adoption = platformAdoption[platform.id] ?? []
            return PlatformEvaluation(
                id: platform.id, inUse: inUse.map { $0 > 0 }, adoptedPeriod: adoption.firstIndex { $0 > 0 },
                adoptionCost: adoption.reduce(0, +) * platform.adoptionCost,
                yearlyCosts: inUse.reduce(0, +) * platform.yearlyCost * hours / 8760)
        }
        return evaluation
    }

    /// The cost lines and tokens of period p, every price times its factor f (11.5):
    /// capex (amortized Σ_o Σ_{q in service} f_oq c_o / L_o b_oq, or cash Σ_o f_op c_o b_op), energy
    /// Σ_o n_op k_o PUE h ε, fixed opex Σ_o n_op g_o, rental (reserved: each contract started in q
    /// at q's price, f_oq π_o h per period of its term and f_oq f_o at its start; on demand and spot:
    /// Σ_s f_op π_o d η_s m_ops), API (the list spend Σ d η_s 3600 ψ_awp y_awps, ψ with cache hits,
    /// 11.4), the committed-use line (with κ_a = 1, in each period of a's window:
    /// max(S_a, (1 − δ_a) list) − list), unserved penalty, and platform Σ_k (A_k α_kp + Y_k (h / 8760) u_kp).
    /// With a cache on some workload, also what caching saved (`CachingSavings`).
    func periodEvaluation(_ p: Int) -> PeriodEvaluation {
        let site = scenario.site
        let cash = scenario.capexAccounting == .cash
        var cost = CostBreakdown()
        var savings = CachingSavings()
        for (i, o) in scenario.purchases.enumerated() {
            let n = inService[i][p]
            if cash {
                cost.capex += priceFactor(o.priceChange, p) * o.unitPrice * arrivals[i][p]
            } else {
                // f_oq c_o / L_o per unit bought in q and in service; existing units are sunk.
                for q in max(0, p - o.lifetimePeriods + 1)...p where arrivals[i][q] != 0 {
                    cost.capex += priceFactor(o.priceChange, q) * o.unitPrice / Double(o.lifetimePeriods) * arrivals[i][q]
                }
            }
            cost.energy += n * o.powerKW * site.pue * hours * site.electricityPricePerKWh
            cost.fixedOpex += n * o.opexPerUnitPeriod
        }
        for o in scenario.rentals {
            switch o.commitment {
            case .period:
                // Units under contract are the starts still in their term (`contracted`), each
                // priced at its start.
                let v = starts[o.id] ?? Array(repeating: 0, count: periods)
                let term = max(1, o.termPeriods)
                for q in max(0, p - term + 1)...p where v[q] != 0 {
                    cost.rental += priceFactor(o.priceChange, q) * o.pricePerUnitHour * hours * v[q]
                }
                cost.rental += priceFactor(o.priceChange, p) * o.upfrontPerUnit * v[p]
                // Contracts carried in: their rent at the first period's price, whatever the plan (13.1).
                cost.rental += priceFactor(o.priceChange, 0) * o.pricePerUnitHour * hours * o.unitsInTerm(inPeriod: p)
            case .none, .spot:
                for s in 0..<slices.count {
                    cost.rental += priceFactor(o.priceChange, p) * o.pricePerUnitHour * days * slices[s].hours * (onDemand[o.id]?[p][s] ?? 0)
                }
            }
        }
        for a in scenario.apis {
            let f = priceFactor(a.priceChange, p)
            let cachedPrice = a.cachedInputPricePerMTok ?? a.inputPricePerMTok
            var list = 0.0
            for w in scenario.workloads {
                guard let y = apiServed[a.id]?[w.id] else { continue }
                let hit = w.cache?.hitRate ?? 0
                // ψ_awp · 10^6: the cache hits' input at the cached price.
                let pricePerMTok = f * ((1 - w.outputShare) * ((1 - hit) * a.inputPricePerMTok + hit * cachedPrice)
                    + w.outputShare * a.outputPricePerMTok)
                let savedPerMTok = f * (1 - w.outputShare) * hit * (a.inputPricePerMTok - cachedPrice)
                for s in 0..<slices.count {
                    list += seconds(s) / 1e6 * pricePerMTok * y[p][s]
                    savings.apiUSD += seconds(s) / 1e6 * savedPerMTok * y[p][s]
                }
            }
            cost.api += list
            if commitments.contains(a.id), let contract = a.committedUse,
               inWindow(p, from: a.availableFromIndex, until: a.availableUntilIndex) {
                cost.apiCommitment += max(contract.minSpendPerPeriod, (1 - contract.discount) * list) - list
            }
        }
        for pool in pools {
            for option in pool.options where option.tokensPerSecond != option.uncachedTokensPerSecond {
                guard let x = selfServed[pool.id]?[option.key] else { continue }
                for s in 0..<slices.count {
                    savings.selfHostedUnitHours += days * slices[s].hours
                        * (x[p][s] / option.uncachedTokensPerSecond - x[p][s] / option.tokensPerSecond)
                }
            }
        }
        for platform in scenario.platforms {
            cost.platform += platform.adoptionCost * (platformAdoption[platform.id]?[p] ?? 0)
                + platform.yearlyCost * hours / 8760 * (platformInUse[platform.id]?[p] ?? 0)
        }
        var demanded = 0.0, served = 0.0, missed = 0.0
        for w in scenario.workloads {
            demanded += p < w.demand.count ? w.demand[p] : 0
            let serving = servingByWorkload[w.id] ?? []
            for s in 0..<slices.count {
                var rate = 0.0
                for x in serving { rate += x[p][s] }
                served += rate * seconds(s)
                if let u = unserved[w.id], let theta = scenario.policy.unservedPenaltyPerMTok {
                    missed += u[p][s] * seconds(s)
                    cost.unservedPenalty += seconds(s) / 1e6 * theta * u[p][s]
                }
            }
        }
        let delta = discount(p)
        var period = PeriodEvaluation(
            label: labels[p], discountFactor: delta, cost: cost, discountedCost: cost.scaled(by: delta),
            tokensDemanded: demanded, tokensServed: served, tokensUnserved: missed)
        if scenario.workloads.contains(where: { $0.cache != nil }) { period.caching = savings }
        return period
    }

    /// Commitments beyond the horizon (8.1), undiscounted and discounted:
    /// Σ_o Σ_q f_oq π_o h · max(0, q + T_o − 1 − P) · v_oq  and  Σ_o Σ_q f_oq π_o h · v_oq · Σ_{p = P+1}^{q + T_o − 1} δ_p
    /// (a contract is priced at its start for its whole term, 11.5).
    func commitmentsBeyondHorizon() -> (undiscounted: Double, discounted: Double) {
        var undiscounted = 0.0, discounted = 0.0
        for o in scenario.rentals where o.commitment == .period {
            guard let v = starts[o.id] else { continue }
            let term = max(1, o.termPeriods)
            for q in 0..<periods where v[q] != 0 {
                let perPeriod = priceFactor(o.priceChange, q) * o.pricePerUnitHour * hours * v[q]
                // 0-based: the contract runs q ... q + T − 1; periods P ... after the horizon.
                for i in periods..<max(periods, q + term) {
                    undiscounted += perPeriod
                    discounted += perPeriod * discount(i)
                }
            }
        }
        return (undiscounted, discounted)
    }

    /// Salvage (cash accounting; 0 when amortized): Σ_o Σ_q f_oq c_o · max(0, q + L_o − 1 − P) / L_o · b_oq
    /// (1-based q; the units' price when bought).
    func salvageCredit() -> Double {
        guard scenario.capexAccounting == .cash else { return 0 }
        var salvage = 0.0
        for (i, o) in scenario.purchases.enumerated() {
            for q in 0..<periods {
                let remaining = max(0, (q + 1) + o.lifetimePeriods - 1 - periods)
                salvage += priceFactor(o.priceChange, q) * o.unitPrice * Double(remaining) / Double(o.lifetimePeriods) * arrivals[i][q]
            }
        }
        return salvage
    }
}

/// A purchase or rental as the capacity rows see it.
private struct Pool {
    enum Kind { case owned, reserved, onDemand }
    let id: String
    /// Its serving options (o, w, k) ∈ Π, workloads in scenario order.
    let options: [PoolOption]
    /// The same options by workload id (looked up per row, so not filtered each time).
    let optionsByWorkload: [String: [PoolOption]]
    let acceleratorsPerUnit: Int
    /// k_o (0 for on-demand rentals).
    let spareUnits: Int
    let failureDerating: Double
    let platform: String?
    let kind: Kind
    /// Units (hence replicas) are whole: a purchase, or a reserved rental, with `integerUnits`.
    let wholeUnits: Bool
    /// α_o: share of rented hours that do work (spot rentals, 11.3); 1 otherwise.
    let availability: Double

    init(id: String, options: [PoolOption], acceleratorsPerUnit: Int, spareUnits: Int, failureDerating: Double,
         platform: String?, kind: Kind, wholeUnits: Bool, availability: Double = 1) {
        self.availability = availability
        self.id = id
        self.options = options
        optionsByWorkload = Dictionary(grouping: options, by: \.workload)
        self.acceleratorsPerUnit = acceleratorsPerUnit
        self.spareUnits = spareUnits
        self.failureDerating = failureDerating
        self.platform = platform
        self.kind = kind
        self.wholeUnits = wholeUnits
    }

    /// ν_owk = a_owk / G_o: units one replica of `size` accelerators takes.
    func unitsPerReplica(_ size: Int) -> Double { Double(size) / Double(max(1, acceleratorsPerUnit)) }
}

/// One serving option (o, w, k) of a pool (docs/formulation.md section 9).
private struct PoolOption {
    let workload: String
    /// k: nil for a given throughput.
    let precision: Precision?
    /// τ'_owk, tokens/s per unit with the workload's cache hits (11.4): every capacity and replica
    /// rule uses it.
    let tokensPerSecond: Double
    /// τ_owk, without cache hits: only for what caching saved.
    let uncachedTokensPerSecond: Double
    /// a_owk, when the option has a replica size (Π^rep).
    let acceleratorsPerReplica: Int?
    /// How `PlanDecisions.served` names it.
    let key: String

    init(workload: String, precision: Precision?, tokensPerSecond: Double, uncachedTokensPerSecond: Double, acceleratorsPerReplica: Int?) {
        self.workload = workload
        self.precision = precision
        self.tokensPerSecond = tokensPerSecond
        self.uncachedTokensPerSecond = uncachedTokensPerSecond
        self.acceleratorsPerReplica = acceleratorsPerReplica
        key = ServedKey.key(workload: workload, precision: precision)
    }
}

/// A figure in a message: six significant digits.
private func fmt(_ value: Double) -> String { Formatting.significant(value) }
