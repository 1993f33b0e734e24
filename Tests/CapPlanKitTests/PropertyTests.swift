// Property tests over seeded random scenarios (issue 5, item 3).
//
// Every test plans the same 500 tiny scenarios, `ScenarioGenerator(size: .tiny, seed: s)` for
// s in 1...500, and checks one family of properties of the optimum. Every plan made here is
// also audited: the planner throws `PlanAuditFailure` when the independent evaluator and the
// solver's objective disagree, and `plannedCost` asserts `audit.relativeDifference <= 1e-6`.
//
// A failure names the seed and the property. To reproduce one seed:
//     CAPPLAN_PROPERTY_SEEDS=137 swift test --filter Property
// (or a range, `CAPPLAN_PROPERTY_SEEDS=1-1000`). The scenario itself:
//     ScenarioWriter.yaml(ScenarioGenerator(size: .tiny, seed: 137).scenario())
//
// Comparisons are exact optima: MIPs are solved to a relative gap of 1e-9, and costs are
// compared with a relative tolerance of 1e-6 (of max(1, |cost|)).

import Foundation
import Testing
@testable import CapPlanKit

enum PropertySupport {
    /// Seeds of the run: 1...500, or `CAPPLAN_PROPERTY_SEEDS` (`N` or `A-B`).
    static let seeds: [UInt64] = {
        if let text = ProcessInfo.processInfo.environment["CAPPLAN_PROPERTY_SEEDS"] {
            let parts = text.split(separator: "-").compactMap { UInt64($0.trimmingCharacters(in: .whitespaces)) }
            if parts.count == 1 { return [parts[0]] }
            if parts.count == 2, parts[0] <= parts[1] { return Array(parts[0]...parts[1]) }
        }
        return Array(1...500)
    }()

    static let tolerance = 1e-6

    static func scenario(_ seed: UInt64) -> Scenario { ScenarioGenerator(size: .tiny, seed: seed).scenario() }

    static func options(relax: Bool = false, baselines: Bool = false) -> PlanOptions {
        var o = PlanOptions()
        o.relax = relax
        o.mipGap = 1e-9
        o.baselines = baselines
        return o
    }

    /// Plans and audits; returns the plan when it is optimal and its audit agrees, else records
    /// an issue naming the seed and what was planned.
    static func plan(_ scenario: Scenario, seed: UInt64, _ what: String, options: PlanOptions = options(),
                     sourceLocation: SourceLocation = #_sourceLocation) -> PlanDocument? {
        let plan: PlanDocument
        do {
            plan = try Planner.plan(scenario, options: options)
        } catch {
            Issue.record("seed \(seed), \(what): \(error)", sourceLocation: sourceLocation)
            return nil
        }
        guard plan.status == .optimal, let totals = plan.totals else {
            Issue.record("seed \(seed), \(what): status \(plan.status.rawValue), expected optimal", sourceLocation: sourceLocation)
            return nil
        }
        guard let audit = plan.audit else {
            Issue.record("seed \(seed), \(what): the plan carries no audit", sourceLocation: sourceLocation)
            return nil
        }
        #expect(audit.relativeDifference <= 1e-6 && audit.violations.isEmpty,
                "seed \(seed), \(what): evaluator \(audit.evaluatorDiscountedCost) vs objective \(audit.solverObjective) (relative \(audit.relativeDifference)), violations \(audit.violations)",
                sourceLocation: sourceLocation)
        #expect(abs(totals.discountedCost - audit.solverObjective) <= tolerance * max(1, abs(audit.solverObjective)),
                "seed \(seed), \(what): totals.discountedCost \(totals.discountedCost) is not the objective \(audit.solverObjective)",
                sourceLocation: sourceLocation)
        return plan
    }

    static func cost(_ scenario: Scenario, seed: UInt64, _ what: String, relax: Bool = false,
                     sourceLocation: SourceLocation = #_sourceLocation) -> Double? {
        plan(scenario, seed: seed, what, options: options(relax: relax), sourceLocation: sourceLocation)?.totals?.discountedCost
    }

    static func slack(_ a: Double, _ b: Double) -> Double { tolerance * max(1, abs(a), abs(b)) }

    /// Applies `transform` to the offering at `index`.
    static func mapOffering(_ s: Scenario, at index: Int, _ transform: (Offering) -> Offering) -> Scenario {
        var copy = s
        copy.offerings[index] = transform(s.offerings[index])
        return copy
    }

    static func indices(of s: Scenario, _ kind: (Offering) -> Bool) -> [Int] {
        s.offerings.indices.filter { kind(s.offerings[$0]) }
    }

    static func isPurchase(_ o: Offering) -> Bool { if case .purchase = o { return true } else { return false } }
    static func isRental(_ o: Offering) -> Bool { if case .rental = o { return true } else { return false } }
    static func isAPI(_ o: Offering) -> Bool { if case .api = o { return true } else { return false } }

    /// Every price multiplied by k: unit prices, opex, electricity, rentals and their upfront
    /// fees, APIs, platform costs, penalty; and the budgets, which are in USD too (otherwise the
    /// same budget would buy less).
    static func scalePrices(_ s: Scenario, by k: Double) -> Scenario {
        var copy = s
        copy.offerings = s.offerings.map { o in
            switch o {
            case .purchase(var p):
                p.unitPrice *= k
                p.opexPerUnitPeriod *= k
                return .purchase(p)
            case .rental(var r):
                r.pricePerUnitHour *= k
                r.upfrontPerUnit *= k
                return .rental(r)
            case .api(var a):
                a.inputPricePerMTok *= k
                a.outputPricePerMTok *= k
                a.cachedInputPricePerMTok = a.cachedInputPricePerMTok.map { $0 * k }
                // A committed-use minimum spend is a price too; the discount is a ratio.
                if let c = a.committedUse { a.committedUse = CommittedUse(discount: c.discount, minSpendPerPeriod: c.minSpendPerPeriod * k) }
                return .api(a)
            }
        }
        copy.site.electricityPricePerKWh *= k
        copy.budget.capexPerPeriod = s.budget.capexPerPeriod?.map { $0 * k }
        copy.budget.fiscalYears = s.budget.fiscalYears.map { FiscalYearBudget(year: $0.year, capex: $0.capex.map { $0 * k }, opex: $0.opex.map { $0 * k }) }
        copy.policy.unservedPenaltyPerMTok = s.policy.unservedPenaltyPerMTok.map { $0 * k }
        copy.platforms = s.platforms.map { PlatformCost(id: $0.id, adoptionCost: $0.adoptionCost * k, yearlyCost: $0.yearlyCost * k) }
        return copy
    }

    /// The same scenario with its workloads, offerings and slices in another order (as the
    /// loader would read a reordered file: `serves` follows the workload order).
    static func reordered(_ s: Scenario, workloads: [Int], offerings: [Int], slices: [Int]) -> Scenario {
        var copy = s
        // A workload's own profile is per slice, in slice order: it moves with the slices.
        copy.workloads = workloads.map { w in
            var workload = s.workloads[w]
            workload.profile = workload.profile.map { profile in slices.map { profile[$0] } }
            return workload
        }
        let order = copy.workloads.map(\.id)
        copy.offerings = offerings.map { i in
            if case .api(var a) = s.offerings[i] {
                a.serves = order.filter(a.serves.contains)
                return .api(a)
            }
            return s.offerings[i]
        }
        copy.timeSlices = slices.map { s.timeSlices[$0] }
        return copy
    }
}

/// A change to a scenario that cannot lower (`raises`) or cannot raise (`relaxes`) the optimal cost.
struct Perturbation: Sendable {
    enum Direction: Sendable { case raises, relaxes }
    let name: String
    let direction: Direction
    /// nil when the scenario has nothing to perturb.
    let apply: @Sendable (Scenario, inout ScenarioRNG) -> Scenario?

    typealias P = PropertySupport

    static let all: [Perturbation] = [
        // Raises: a demand, any price.
        Perturbation(name: "a demand rises", direction: .raises) { s, rng in
            var copy = s
            let w = rng.int(0...(s.workloads.count - 1)), p = rng.int(0...(s.horizon.periods - 1))
            copy.workloads[w].demand[p] *= rng.uniform(1.1, 2)
            return copy
        },
        Perturbation(name: "every demand rises", direction: .raises) { s, rng in
            var copy = s
            let k = rng.uniform(1.05, 1.5)
            for w in copy.workloads.indices { copy.workloads[w].demand = copy.workloads[w].demand.map { $0 * k } }
            return copy
        },
        Perturbation(name: "a unit price rises", direction: .raises) { s, rng in
            let candidates = P.indices(of: s, P.isPurchase)
            guard !candidates.isEmpty else { return nil }
            let k = rng.uniform(1.05, 2)
            return P.mapOffering(s, at: candidates[rng.int(0...(candidates.count - 1))]) {
                guard case .purchase(var p) = $0 else { return $0 }
                p.unitPrice *= k
                return .purchase(p)
            }
        },
        Perturbation(name: "an opex rises", direction: .raises) { s, rng in
            let candidates = P.indices(of: s, P.isPurchase)
            guard !candidates.isEmpty else { return nil }
            let k = rng.uniform(1.5, 5)
            return P.mapOffering(s, at: candidates[rng.int(0...(candidates.count - 1))]) {
                guard case .purchase(var p) = $0 else { return $0 }
                p.opexPerUnitPeriod *= k
                return .purchase(p)
            }
        },
        Perturbation(name: "electricity price rises", direction: .raises) { s, rng in
            guard !s.purchases.isEmpty else { return nil }
            var copy = s
            copy.site.electricityPricePerKWh *= rng.uniform(1.5, 4)
            return copy
        },
        Perturbation(name: "a rental price rises", direction: .raises) { s, rng in
            let candidates = P.indices(of: s, P.isRental)
            guard !candidates.isEmpty else { return nil }
            let k = rng.uniform(1.05, 2)
            return P.mapOffering(s, at: candidates[rng.int(0...(candidates.count - 1))]) {
                guard case .rental(var r) = $0 else { return $0 }
                r.pricePerUnitHour *= k
                return .rental(r)
            }
        },
        Perturbation(name: "an API price rises", direction: .raises) { s, rng in
            let candidates = P.indices(of: s, P.isAPI)
            let k = rng.uniform(1.05, 2), input = rng.chance(0.5)
            return P.mapOffering(s, at: candidates[rng.int(0...(candidates.count - 1))]) {
                guard case .api(var a) = $0 else { return $0 }
                if input { a.inputPricePerMTok *= k } else { a.outputPricePerMTok *= k }
                return .api(a)
            }
        },
        Perturbation(name: "the unserved penalty rises", direction: .raises) { s, rng in
            guard let penalty = s.policy.unservedPenaltyPerMTok else { return nil }
            var copy = s
            copy.policy.unservedPenaltyPerMTok = penalty * rng.uniform(1.2, 3)
            return copy
        },
        // Relaxations: budget, power cap, supply caps, rate limits, utilization cap.
        Perturbation(name: "the capital budget is relaxed", direction: .relaxes) { s, rng in
            guard let budget = s.budget.capexPerPeriod else { return nil }
            var copy = s
            copy.budget.capexPerPeriod = rng.chance(0.3) ? nil : budget.map { $0 * 1.5 + 200_000 }
            return copy
        },
        Perturbation(name: "the power cap is relaxed", direction: .relaxes) { s, rng in
            guard let cap = s.site.powerCapKW else { return nil }
            var copy = s
            copy.site.powerCapKW = rng.chance(0.3) ? nil : cap.map { $0 * 1.5 + 20 }
            return copy
        },
        Perturbation(name: "maxUnitsPerPeriod is relaxed", direction: .relaxes) { s, rng in
            guard s.purchases.contains(where: { $0.maxUnitsPerPeriod != nil }) else { return nil }
            var copy = s
            let remove = rng.chance(0.5)
            copy.offerings = s.offerings.map { o in
                guard case .purchase(var p) = o, let m = p.maxUnitsPerPeriod else { return o }
                p.maxUnitsPerPeriod = remove ? nil : m + 2
                return .purchase(p)
            }
            return copy
        },
        Perturbation(name: "a rental's maxUnits is relaxed", direction: .relaxes) { s, rng in
            guard s.rentals.contains(where: { $0.maxUnits != nil }) else { return nil }
            var copy = s
            let remove = rng.chance(0.5)
            copy.offerings = s.offerings.map { o in
                guard case .rental(var r) = o, let m = r.maxUnits else { return o }
                r.maxUnits = remove ? nil : m * 2 + 1
                return .rental(r)
            }
            return copy
        },
        Perturbation(name: "an API rate limit is relaxed", direction: .relaxes) { s, rng in
            guard s.apis.contains(where: { $0.maxTokensPerSecond != nil }) else { return nil }
            var copy = s
            let remove = rng.chance(0.5)
            copy.offerings = s.offerings.map { o in
                guard case .api(var a) = o, let r = a.maxTokensPerSecond else { return o }
                a.maxTokensPerSecond = remove ? nil : r * 2
                return .api(a)
            }
            return copy
        },
        Perturbation(name: "the utilization cap is relaxed", direction: .relaxes) { s, rng in
            guard s.policy.utilizationCap < 1 else { return nil }
            var copy = s
            copy.policy.utilizationCap = min(1, s.policy.utilizationCap + rng.uniform(0.05, 0.3))
            return copy
        },
    ]
}

@Suite("Property tests over seeded tiny scenarios")
struct PropertyTests {
    typealias P = PropertySupport

    @Test("the plan never costs more than the cheapest all-API plan")
    func neverWorseThanAllAPI() {
        var compared = 0
        for seed in P.seeds {
            let s = P.scenario(seed)
            // Every workload is served by some API (the generator guarantees one API serving all).
            guard s.workloads.allSatisfy({ w in s.apis.contains { $0.serves.contains(w.id) } }) else { continue }
            // Training jobs never run on APIs: with a job there is no all-API plan to compare with.
            guard s.jobs.isEmpty else { continue }
            var apiOnly = s
            apiOnly.offerings = s.offerings.filter(P.isAPI)
            guard let plan = P.cost(s, seed: seed, "plan"), let allAPI = P.cost(apiOnly, seed: seed, "all-API plan") else { continue }
            // The existing fleet's energy and opex are sunk constants of the original scenario's
            // objective: the all-API plan of the original scenario pays them too.
            let constants = PlanEvaluator(scenario: s).evaluate(PlanDecisions()).discountedCost
            #expect(plan <= allAPI + constants + P.slack(plan, allAPI + constants),
                    "seed \(seed): plan \(plan) costs more than the all-API plan \(allAPI) + existing fleet \(constants)")
            compared += 1
        }
        // Every seed but those with training jobs (about a seventh of tiny scenarios).
        #expect(compared == P.seeds.filter { P.scenario($0).jobs.isEmpty }.count)
        #expect(compared >= P.seeds.count * 3 / 4)
    }

    @Test("cost rises with demand and prices, falls when a limit is relaxed")
    func monotonicity() {
        var checked: [String: Int] = [:]
        for seed in P.seeds {
            let s = P.scenario(seed)
            guard let base = P.cost(s, seed: seed, "base plan") else { continue }
            var rng = ScenarioRNG(seed: seed &* 0x9E37_79B9)
            for perturbation in Perturbation.all {
                guard let changed = perturbation.apply(s, &rng) else { continue }
                // Under a fiscal budget, more demand or dearer cash can leave no plan at all: an
                // infinite cost, which rises as it should.
                if perturbation.direction == .raises, !changed.budget.fiscalYears.isEmpty,
                   let plan = try? Planner.plan(changed, options: P.options()), plan.status == .infeasible {
                    checked[perturbation.name, default: 0] += 1
                    continue
                }
                guard let cost = P.cost(changed, seed: seed, "after '\(perturbation.name)'") else { continue }
                checked[perturbation.name, default: 0] += 1
                switch perturbation.direction {
                case .raises:
                    #expect(cost >= base - P.slack(cost, base),
                            "seed \(seed): '\(perturbation.name)' lowered the cost from \(base) to \(cost)")
                case .relaxes:
                    #expect(cost <= base + P.slack(cost, base),
                            "seed \(seed): '\(perturbation.name)' raised the cost from \(base) to \(cost)")
                }
            }
        }
        // Every perturbation applied to a fair share of the scenarios.
        if P.seeds.count >= 500 {
            for perturbation in Perturbation.all {
                #expect(checked[perturbation.name, default: 0] >= 50, "'\(perturbation.name)' was checked only \(checked[perturbation.name, default: 0]) times")
            }
        }
    }

    @Test("multiplying every price by k multiplies the cost by k; the LP relaxation never costs more")
    func priceScalingAndRelaxation() {
        for seed in P.seeds {
            let s = P.scenario(seed)
            guard let base = P.cost(s, seed: seed, "base plan") else { continue }
            let k = [0.5, 2.5, 10][Int(seed % 3)]
            if let scaled = P.cost(P.scalePrices(s, by: k), seed: seed, "prices x \(k)") {
                #expect(abs(scaled - k * base) <= P.slack(scaled, k * base),
                        "seed \(seed): prices x \(k) gave \(scaled), expected \(k) x \(base) = \(k * base)")
            }
            if let relaxed = P.cost(s, seed: seed, "LP relaxation", relax: true) {
                #expect(relaxed <= base + P.slack(relaxed, base),
                        "seed \(seed): the LP relaxation costs \(relaxed), more than the MIP \(base)")
                if !s.policy.integerUnits {
                    #expect(abs(relaxed - base) <= P.slack(relaxed, base),
                            "seed \(seed): continuous units, yet relax gives \(relaxed) and the plan \(base)")
                }
            }
        }
    }

    @Test("reordering workloads, offerings or slices leaves the cost unchanged")
    func reorderingInvariance() {
        for seed in P.seeds {
            let s = P.scenario(seed)
            guard let base = P.cost(s, seed: seed, "base plan") else { continue }
            var rng = ScenarioRNG(seed: seed ^ 0x5EED)
            let w = Array(s.workloads.indices), o = Array(s.offerings.indices), t = Array(s.timeSlices.indices)
            let variants: [(String, Scenario)] = [
                ("workloads reversed", P.reordered(s, workloads: w.reversed(), offerings: o, slices: t)),
                ("offerings shuffled", P.reordered(s, workloads: w, offerings: rng.shuffled(o), slices: t)),
                ("slices reversed", P.reordered(s, workloads: w, offerings: o, slices: t.reversed())),
                ("everything shuffled", P.reordered(s, workloads: rng.shuffled(w), offerings: rng.shuffled(o), slices: rng.shuffled(t))),
            ]
            for (name, variant) in variants {
                guard let cost = P.cost(variant, seed: seed, name) else { continue }
                #expect(abs(cost - base) <= P.slack(cost, base), "seed \(seed): \(name) changed the cost from \(base) to \(cost)")
            }
        }
    }

    @Test("the same input gives byte-identical JSON")
    func deterministicJSON() throws {
        for seed in P.seeds {
            let s = P.scenario(seed)
            // The default options (all-API baseline included), as `capplan plan` runs.
            var options = PlanOptions()
            options.baselines = true
            guard let first = P.plan(s, seed: seed, "first run", options: options),
                  let second = P.plan(ScenarioGenerator(size: .tiny, seed: seed).scenario(), seed: seed, "second run", options: options)
            else { continue }
            let a = try PlanReport.json(first), b = try PlanReport.json(second)
            #expect(a == b, "seed \(seed): two runs on the same input wrote different JSON")
            // The same scenario written to YAML and read back plans to the same bytes.
            let loaded = try ScenarioLoader.load(text: ScenarioWriter.yaml(s), fileName: "tiny-\(seed).yaml", baseDirectory: ".").scenario
            if let third = P.plan(loaded, seed: seed, "run on the YAML round trip", options: options) {
                #expect(try PlanReport.json(third) == a, "seed \(seed): the scenario read back from YAML planned to different JSON")
            }
        }
    }
}
