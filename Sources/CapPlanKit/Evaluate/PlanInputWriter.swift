// Decisions -> a full plan file (YAML) a person can edit and evaluate again.

/// Writes decisions as a full plan file (YAML), the format `PlanInputLoader` reads: a
/// completed plan becomes a plan a person can edit and evaluate again. Zeros are left out;
/// numbers are written so that they read back exactly.
public enum PlanInputWriter {
    public static func fullPlanYAML(scenario: Scenario, decisions: PlanDecisions, name: String? = nil) -> String {
        let labels = scenario.horizon.labels, slices = scenario.timeSlices.map(\.name)
        let number = YAMLText.number, quoted = YAMLText.scalar
        var out = "# A full plan for \(YAMLText.comment(scenario.name)) (docs/evaluate-format.md): rates in tokens/s.\n"
        if let name { out += "name: \(quoted(name))\n" }
        out += "purchases:\n"
        var any = false
        for purchase in scenario.purchases {
            for (p, units) in (decisions.arrivals[purchase.id] ?? []).enumerated() where units != 0 && p < labels.count {
                out += "  - {offering: \(quoted(purchase.id)), period: \(labels[p]), units: \(number(units))}\n"
                any = true
            }
        }
        if !any { out = String(out.dropLast()) + " []\n" }
        var rentals: [String] = []
        for rental in scenario.rentals {
            if let units = decisions.reservedUnits[rental.id] {
                for (p, m) in units.enumerated() where m != 0 && p < labels.count {
                    rentals.append("  - {offering: \(quoted(rental.id)), period: \(labels[p]), units: \(number(m))}\n")
                }
            }
            if let units = decisions.onDemandUnits[rental.id] {
                for (p, row) in units.enumerated() where p < labels.count {
                    for (s, m) in row.enumerated() where m != 0 && s < slices.count {
                        rentals.append("  - {offering: \(quoted(rental.id)), period: \(labels[p]), slice: \(quoted(slices[s])), units: \(number(m))}\n")
                    }
                }
            }
        }
        out += rentals.isEmpty ? "rentals: []\n" : "rentals:\n" + rentals.joined()
        var served: [String] = []
        for offering in scenario.offerings {
            for workload in scenario.workloads {
                // Each serving option of the pair (section 9): derived options carry their precision.
                let precisions: [Precision?]
                switch offering {
                case .purchase(let o): precisions = o.servingOptions(for: workload.id).map(\.precision)
                case .rental(let o): precisions = o.servingOptions(for: workload.id).map(\.precision)
                case .api: precisions = [nil]
                }
                for precision in precisions {
                    let key = ServedKey.key(workload: workload.id, precision: precision)
                    guard let rates = decisions.served[offering.id]?[key] else { continue }
                    let option = precision.map { ", precision: \($0.rawValue)" } ?? ""
                    for (p, row) in rates.enumerated() where p < labels.count {
                        for (s, rate) in row.enumerated() where rate != 0 && s < slices.count {
                            served.append("  - {offering: \(quoted(offering.id)), workload: \(quoted(workload.id))\(option), period: \(labels[p]), slice: \(quoted(slices[s])), tokensPerSecond: \(number(rate))}\n")
                        }
                    }
                }
            }
        }
        out += served.isEmpty ? "served: []\n" : "served:\n" + served.joined()
        if scenario.policy.unservedPenaltyPerMTok != nil {
            var unserved: [String] = []
            for workload in scenario.workloads {
                guard let rates = decisions.unserved[workload.id] else { continue }
                for (p, row) in rates.enumerated() where p < labels.count {
                    for (s, rate) in row.enumerated() where rate != 0 && s < slices.count {
                        unserved.append("  - {workload: \(quoted(workload.id)), period: \(labels[p]), slice: \(quoted(slices[s])), tokensPerSecond: \(number(rate))}\n")
                    }
                }
            }
            if !unserved.isEmpty { out += "unserved:\n" + unserved.joined() }
        }
        if !scenario.jobs.isEmpty {
            // Accelerators of each job on its pools (section 10), in scenario order.
            var training: [String] = []
            for job in scenario.jobs {
                for pool in job.pools {
                    guard let g = decisions.training[job.id]?[pool.offering] else { continue }
                    for (p, row) in g.enumerated() where p < labels.count {
                        for (s, accelerators) in row.enumerated() where accelerators != 0 && s < slices.count {
                            training.append("  - {job: \(quoted(job.id)), offering: \(quoted(pool.offering)), period: \(labels[p]), slice: \(quoted(slices[s])), accelerators: \(number(accelerators))}\n")
                        }
                    }
                }
            }
            out += training.isEmpty ? "training: []\n" : "training:\n" + training.joined()
        }
        // Flows of window-deferrable workloads (11.2), scenario order, then period, from, to.
        var deferred: [String] = []
        for workload in scenario.workloads {
            guard let flows = decisions.deferred[workload.id] else { continue }
            for (p, byOrigin) in flows.enumerated() where p < labels.count {
                for (from, row) in byOrigin.enumerated() where from < slices.count {
                    for (to, rate) in row.enumerated() where rate != 0 && to < slices.count {
                        deferred.append("  - {workload: \(quoted(workload.id)), period: \(labels[p]), from: \(quoted(slices[from])), to: \(quoted(slices[to])), rate: \(number(rate))}\n")
                    }
                }
            }
        }
        if !deferred.isEmpty { out += "deferred:\n" + deferred.joined() }
        if scenario.apis.contains(where: { $0.committedUse != nil }) {
            // Written whenever a contract could be taken, so an empty list says "none" explicitly.
            out += "apiCommitments: [" + decisions.apiCommitments.map(quoted).joined(separator: ", ") + "]\n"
        }
        return out
    }
}
