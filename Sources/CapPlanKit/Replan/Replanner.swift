// `capplan replan`: carries a plan forward past the periods that elapsed (docs/replan.md,
// docs/formulation.md 13.2). Rolls the scenario (RollForward), writes it and reads it back
// (the next cycle's input must load to the same model), plans it with the normal planner, costs
// the elapsed periods at the actual demand, and says what changed (ReplanChanges).
import Foundation

/// What a re-plan produced.
public struct ReplanResult: Sendable {
    /// The rolled scenario as YAML (`DIR/scenario.yaml`), and as it loads back.
    public let scenarioYAML: String
    public let scenario: Scenario
    /// The plan of the rolled scenario.
    public let plan: PlanDocument
    public let changes: ReplanChanges
}

/// The rolled scenario did not load back: a bug, reported with the loader's diagnostics.
public struct ReplanRollBackError: Error, CustomStringConvertible, Sendable {
    public let diagnostics: [Diagnostic]
    public var description: String {
        "internal error: the rolled scenario does not load back:\n" + diagnostics.map(\.description).joined(separator: "\n")
    }
}

public enum Replanner {
    /// Rolls `scenario` past the elapsed periods with `previous`'s commitments and plans it.
    /// `rolledFileName` names the rolled scenario in diagnostics.
    public static func replan(
        _ scenario: Scenario, previous: PreviousPlan, actuals: ReplanActuals, options: PlanOptions, rolledFileName: String = "scenario.yaml"
    ) throws -> ReplanResult {
        let (rolled, carried) = try RollForward.roll(scenario, commitments: previous.commitments, actuals: actuals)
        let yaml = ScenarioWriter.yaml(rolled)
        let loaded: Scenario
        do {
            loaded = try ScenarioLoader.load(text: yaml, fileName: rolledFileName, baseDirectory: ".").scenario
        } catch let error as ScenarioLoadError {
            throw ReplanRollBackError(diagnostics: error.diagnostics)
        }
        let plan = loaded.demandCases.isEmpty ? try Planner.plan(loaded, options: options) : try TwoStagePlanner.planDocument(loaded, options: options)
        let elapsed = try elapsedCost(scenario, previous: previous, actuals: actuals, options: options)
        var notes: [String] = []
        if previous.document.twoStage != nil {
            notes.append("the previous plan is a two-stage plan: its purchases and contracts (the first stage) are carried; its periods' figures are those of its body case")
        }
        if !carried.jobsDropped.isEmpty {
            notes.append("training jobs whose window lay in the elapsed periods are dropped: \(carried.jobsDropped.joined(separator: ", "))")
        }
        let changes = ReplanChanges.build(scenario: scenario, previous: previous, actuals: actuals, carriedIn: carried, elapsed: elapsed,
                                          plan: plan, rolled: loaded, notes: notes)
        return ReplanResult(scenarioYAML: yaml, scenario: loaded, plan: plan, changes: changes)
    }

    /// The elapsed periods at the actual demand: the scenario cut to them, its demand the
    /// actuals', the previous plan's arrivals (as delivered), reserved units and committed-use
    /// contracts fixed, the rest (dispatch, on-demand rentals, APIs) optimized
    /// (`PlanCompletion`), each period costed by the evaluator. Demand cases and training jobs
    /// running past the elapsed periods are left out of this solve.
    static func elapsedCost(_ scenario: Scenario, previous: PreviousPlan, actuals: ReplanActuals, options: PlanOptions) throws -> ReplanChanges.ElapsedCost {
        let k = actuals.elapsedPeriods
        var ignored = CarriedIn()
        var window = try RollForward.window(scenario, from: 0, periods: k, completedFractions: [:], carried: &ignored)
        window.demandCases = []
        window.demandCasesSource = nil
        for w in window.workloads.indices { window.workloads[w].demand = actuals.demand[window.workloads[w].id] ?? window.workloads[w].demand }
        var arrivals: [String: [Double]] = [:]
        for (i, offering) in window.offerings.enumerated() {
            guard case .purchase(var o) = offering else { continue }
            let planned = previous.commitments.arrivals[o.id] ?? []
            arrivals[o.id] = (0..<k).map { q in actuals.delivered[o.id]?[q]?.units ?? (q < planned.count ? planned[q] : 0) }
            // A slipped order from before the horizon arrived only in part.
            for (q, delivery) in actuals.delivered[o.id] ?? [:] {
                if let f = o.ordersInFlight[q] { o.ordersInFlight[q] = min(f, delivery.units) }
            }
            window.offerings[i] = .purchase(o)
        }
        // A platform adopted before the horizon stays so, though what made it (units in flight
        // arriving later) lies outside the window.
        for (i, platform) in window.platforms.enumerated() where scenario.adoptedBeforeHorizon(platform: platform.id) {
            window.platforms[i].adoptionCost = 0
        }
        let reserved = previous.reservedUnits.mapValues { Array($0.prefix(k)) }
        let input = PlanInput(shape: .purchasesOnly, name: nil, arrivals: arrivals, reservedUnits: reserved, onDemandUnits: [:],
                              otherRentals: .optimize, served: [:], unserved: [:],
                              apiCommitments: window.apis.contains { $0.committedUse != nil } ? previous.commitments.apiCommitments : nil)
        let completion = try PlanCompletion.complete(window, input: input, mipGap: options.mipGap, timeLimit: options.timeLimit)
        let planned = (0..<k).map { previous.document.periods[$0].cost.total }
        var actual: [Double]? = nil
        if completion.outcome == .completed, let decisions = completion.decisions {
            actual = PlanEvaluator(scenario: window).evaluate(decisions).periods.map(\.cost.total)
        }
        let labels = scenario.horizon.labels
        return ReplanChanges.ElapsedCost(
            outcome: completion.outcome.rawValue,
            periods: (0..<k).map { ReplanChanges.ElapsedPeriod(period: labels[$0], planned: planned[$0], actual: actual?[$0]) },
            planned: planned.reduce(0, +), actual: actual.map { $0.reduce(0, +) }, unmetDemand: completion.unmetDemand)
    }

    /// `changes.json`: sorted keys, pretty-printed, slashes unescaped (byte-identical runs).
    public static func json(_ changes: ReplanChanges) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(changes), as: UTF8.self) + "\n"
    }
}
