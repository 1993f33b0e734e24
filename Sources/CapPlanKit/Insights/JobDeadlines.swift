import LinearProgramming

/// What each job's window cost (docs/formulation.md section 10, docs/plan-format.md `jobs`):
/// the scenario re-solved with that job's deadline one period later, everything else
/// re-planned, within the extras' budget and node limit (deterministic like the other extras).
/// A job whose deadline is the horizon's last period has no later deadline to try.
enum JobDeadlines {
    static func fill(_ document: inout PlanDocument, scenario: Scenario, integer: Bool, options: PlanOptions, deadline: Deadline) {
        guard var lines = document.jobs, let planCost = document.totals?.discountedCost else { return }
        let labels = scenario.horizon.labels
        for k in lines.indices {
            guard let j = scenario.jobs.firstIndex(where: { $0.id == lines[k].job }),
                  scenario.jobs[j].deadlineIndex < scenario.horizon.periods - 1 else { continue }
            guard let seconds = deadline.remaining else {
                lines[k].laterDeadlineNote = Deadline.notComputed
                continue
            }
            var later = scenario
            later.jobs[j].deadlineIndex += 1
            let model = CapacityModelBuilder.buildModel(later, options: CapacityModelOptions(names: false, integerUnits: integer))
            do {
                let solution = try Planner.solve(
                    model, options: options, timeLimit: seconds, mipGap: max(options.mipGap, PlanOptions.extrasMIPGap), main: false)
                guard solution.termination == .optimal, let cost = solution.objectiveValue else {
                    lines[k].laterDeadlineNote = "not computed: the re-solve stopped without a proven optimum (\(solution.termination.rawValue))"
                    continue
                }
                // A later deadline only relaxes the model: the plan itself stays feasible, so the
                // later optimum is at most the plan's cost. A re-solve within its MIP gap may land
                // above it, and a saving within rounding of zero is none.
                let laterCost = min(cost, planCost)
                let saving = planCost - laterCost <= 1e-9 * max(1, planCost) ? 0 : planCost - laterCost
                lines[k].laterDeadline = .init(deadline: labels[later.jobs[j].deadlineIndex], discountedCost: planCost - saving, saving: saving)
            } catch {
                lines[k].laterDeadlineNote = "not computed: \(error)"
            }
        }
        document.jobs = lines
    }
}
