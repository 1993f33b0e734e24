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

    enum CodingKeys: String, CodingKey {
        case arrivals, reservedUnits, onDemandUnits, served, unserved, training, deferred, apiCommitments
    }

    /// `deferred` and `apiCommitments` may be absent (decisions written before issue 12).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        arrivals = try c.decode([String: [Double]].self, forKey: .arrivals)
        reservedUnits = try c.decode([String: [Double]].self, forKey: .reservedUnits)
        onDemandUnits = try c.decode([String: [[Double]]].self, forKey: .onDemandUnits)
        served = try c.decode([String: [String: [[Double]]]].self, forKey: .served)
        unserved = try c.decode([String: [[Double]]].self, forKey: .unserved)
        training = try c.decode([String: [String: [[Double]]]].self, forKey: .training)
        deferred = try c.decodeIfPresent([String: [[[Double]]]].self, forKey: .deferred) ?? [:]
        apiCommitments = try c.decodeIfPresent([String].self, forKey: .apiCommitments) ?? []
    }

    /// Writes `deferred` and `apiCommitments` only when a scenario uses them, so the decisions of
    /// scenarios without section 11 keep their bytes.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(arrivals, forKey: .arrivals)
        try c.encode(reservedUnits, forKey: .reservedUnits)
        try c.encode(onDemandUnits, forKey: .onDemandUnits)
        try c.encode(served, forKey: .served)
        try c.encode(unserved, forKey: .unserved)
        try c.encode(training, forKey: .training)
        if !deferred.isEmpty { try c.encode(deferred, forKey: .deferred) }
        if !apiCommitments.isEmpty { try c.encode(apiCommitments, forKey: .apiCommitments) }
    }
}
