// A plan's decisions, and nothing derived from them: what the planner chose and what the
// evaluator re-checks and re-costs on its own. Indices: periods and slices are zero-based
// positions in `scenario.horizon` and `scenario.timeSlices`.

/// Every decision variable of a plan (docs/formulation.md), keyed by ids, not by model indices.
public struct PlanDecisions: Hashable, Sendable, Codable {
    /// b_oq: units of each purchase offering arriving in each period, by offering id.
    /// One value per period; zero where nothing arrives or arrival is impossible.
    public var arrivals: [String: [Double]]
    /// m_op: units of each reserved rental (`commitment: period`), by offering id, one value per period.
    public var reservedUnits: [String: [Double]]
    /// m_ops: average on-demand units (`commitment: none`, and spot rentals), by offering id, `[period][slice]`.
    public var onDemandUnits: [String: [[Double]]]
    /// x_owkps and y_awps: tokens/s of each workload served by each offering (purchase, rental or API),
    /// by offering id then serving key, `[period][slice]`: the workload id, or `workload@precision`
    /// for a serving option the performance model derived (`ServedKey`, docs/formulation.md
    /// section 9). Options that cannot serve, and options the build left out, are absent.
    public var served: [String: [String: [[Double]]]]
    /// u_wps: unserved tokens/s by workload id, `[period][slice]` (present only when a penalty is set).
    public var unserved: [String: [[Double]]]
    /// g_jops: accelerators of each training job by job id, then pool (offering id), `[period][slice]`,
    /// averaged over the slice's hours (docs/formulation.md section 10); only jobs that run, only their pool.
    public var training: [String: [String: [[Double]]]]
    /// f_wpss': for deferrable workloads with a window shorter than a day, tokens/s of slice s's
    /// demand served in slice s', averaged over s's hours, by workload id, `[period][s][s']`
    /// (zero where s' is out of reach; docs/formulation.md 11.2). Absent for other workloads.
    public var deferred: [String: [[[Double]]]] = [:]
    /// κ_a: ids of the APIs whose committed-use contract the plan takes (11.5), in scenario order.
    public var apiCommitments: [String] = []

    public init(
        arrivals: [String: [Double]] = [:], reservedUnits: [String: [Double]] = [:],
        onDemandUnits: [String: [[Double]]] = [:], served: [String: [String: [[Double]]]] = [:],
        unserved: [String: [[Double]]] = [:], training: [String: [String: [[Double]]]] = [:],
        deferred: [String: [[[Double]]]] = [:], apiCommitments: [String] = []
    ) {
        self.deferred = deferred
        self.apiCommitments = apiCommitments
        self.arrivals = arrivals
        self.reservedUnits = reservedUnits
        self.onDemandUnits = onDemandUnits
        self.served = served
        self.unserved = unserved
        self.training = training
    }
}
