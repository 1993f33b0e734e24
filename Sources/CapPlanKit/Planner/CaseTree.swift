// The scenario tree of docs/formulation.md 12.6: which demand cases share a node at the start of
// each period, and when each first-stage column is decided. The builder's side; the evaluator
// recomputes the nodes with code of its own (Evaluate/CaseEvaluation.swift).

/// The nodes of the cases' tree, period by period (zero-based t: the start of period t + 1 of
/// the doc). `hereAndNow` is the tree whose every period has one node holding every case.
public struct CaseTree: Hashable, Sendable {
    /// `lead[t][c]`: the first case (scenario order) of case c's node at t, N(c, t); a node is
    /// named by its lead.
    public let lead: [[Int]]
    /// The cases, for names and probabilities.
    public let caseNames: [String]
    public let probabilities: [Double]

    /// The tree of `scenario`'s cases: with `adaptive`, cases c and c' share the node at t when
    /// every workload's demand agrees (equal as numbers) in every period before t and, for
    /// t ≥ 1, their API price scales are equal; otherwise one node throughout.
    public init(_ scenario: Scenario) {
        let cases = scenario.demandCases
        let periods = scenario.horizon.periods
        caseNames = cases.map(\.name)
        probabilities = cases.map(\.probability)
        guard scenario.caseDecisions == .adaptive, !cases.isEmpty else {
            lead = Array(repeating: Array(repeating: 0, count: cases.count), count: max(1, periods))
            return
        }
        func demand(_ c: Int, _ w: Workload, _ p: Int) -> Double { cases[c].demand[w.id]?[p] ?? w.demand[p] }
        var rows: [[Int]] = [Array(repeating: 0, count: cases.count)]
        for t in 1..<max(1, periods) {
            let before = rows[t - 1]
            // Same node at t: same node at t − 1 and the same demand in period t − 1 (and the
            // same price scale, known from t = 1 on).
            rows.append(cases.indices.map { c in
                cases.indices.first { k in
                    before[k] == before[c] && cases[k].apiPriceScale == cases[c].apiPriceScale
                        && scenario.workloads.allSatisfy { demand(k, $0, t - 1) == demand(c, $0, t - 1) }
                }!
            })
        }
        lead = rows
    }

    /// Whether every case is in one node at every period (the two-stage model of 12.2).
    public var isSingleNode: Bool { lead.allSatisfy { $0.allSatisfy { $0 == 0 } } }

    /// The cases of the node led by case `lead` at t, in scenario order.
    public func cases(at t: Int, lead node: Int) -> [Int] {
        lead[t].indices.filter { lead[t][$0] == node }
    }

    /// The suffix of a copy for the node led by `node` at t: empty for a node holding every case,
    /// else `@` and its cases' names joined by `|`.
    func suffix(at t: Int, lead node: Int) -> String {
        let members = cases(at: t, lead: node)
        return members.count == caseNames.count ? "" : "@" + members.map { caseNames[$0] }.joined(separator: "|")
    }

    /// A maximal run of periods over which one set of cases stays together (12.6 "What the
    /// plan reports").
    public struct Branch: Hashable, Sendable {
        /// First and last period (zero-based) of the run.
        public var from: Int
        public var through: Int
        /// Its cases, in scenario order.
        public var cases: [Int]
        /// The branch it split from; nil for the root.
        public var parent: Int?
    }

    /// The branches, ordered by first period then first case: the root first.
    public var branches: [Branch] {
        var result: [Branch] = []
        // The branch of each case at the previous period.
        var current = [Int](repeating: -1, count: caseNames.count)
        for t in lead.indices {
            var opened: [Int: Int] = [:]
            for c in lead[t].indices {
                let members = cases(at: t, lead: lead[t][c])
                if current[c] >= 0, result[current[c]].cases == members {
                    result[current[c]].through = t
                } else if let b = opened[lead[t][c]] {
                    current[c] = b
                } else {
                    let parent = current[c] >= 0 ? current[c] : nil
                    result.append(Branch(from: t, through: t, cases: members, parent: parent))
                    opened[lead[t][c]] = result.count - 1
                    current[c] = result.count - 1
                }
            }
        }
        return result
    }
}
