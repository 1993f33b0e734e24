import Foundation
import LinearProgramming

/// A first incumbent for branch-and-cut, from the LP relaxation (docs/benchmarks.md).
///
/// Rounding each fractional arrival up would buy a unit in every period where the relaxation
/// buys a fraction, so a fleet growing by 0.3 units a period would be rounded to a unit a
/// period. Instead the units in service are rounded: going forward, each period gets the
/// fewest whole arrivals that bring the fleet to at least the relaxation's fleet rounded up
/// (or down, when rounding up would break the power cap), within the supply cap. Reserved
/// rentals are rounded up per period. The LP for the rest of the decisions then says whether
/// the proposal is feasible (capital budget included).
enum RoundingHeuristic {
    static func proposal(scenario: Scenario, model: CapacityModel, relaxation: [Double]) -> [Double]? {
        let periods = scenario.horizon.periods
        let tolerance = 1e-6
        func rounded(up: Bool) -> [Double] {
            var proposal = relaxation
            for (k, purchase) in scenario.purchases.enumerated() {
                let arrivals = model.index.arrivals[k], inService = model.index.inService[k]
                var chosen = [Double](repeating: 0, count: periods)
                for p in 0..<periods {
                    guard let b = arrivals.variable(p) else { continue }
                    let target = up ? (relaxation[inService.variable(p).index] - tolerance).rounded(.up)
                        : (relaxation[inService.variable(p).index] + tolerance).rounded(.down)
                    let existing = p < purchase.existingRemainingPeriods ? purchase.existingUnits : 0
                    var fleet = existing
                    for q in max(0, p - purchase.lifetimePeriods + 1)..<p { fleet += chosen[q] }
                    var units = max(0, target - fleet)
                    if let cap = purchase.maxUnitsPerPeriod { units = min(units, cap.rounded(.down)) }
                    chosen[p] = units
                    proposal[b.index] = units
                }
            }
            for (k, _) in scenario.rentals.enumerated() {
                guard let block = model.index.reservedUnits[k] else { continue }
                for p in 0..<periods {
                    let j = block.variable(p).index
                    proposal[j] = up ? (relaxation[j] - tolerance).rounded(.up) : (relaxation[j] + tolerance).rounded(.down)
                }
            }
            return proposal
        }

        let up = rounded(up: true)
        guard let caps = scenario.site.powerCapKW else { return up }
        // Rounding up adds units; if that breaks the power cap in some period, round down.
        for p in 0..<periods {
            var power = 0.0
            for (k, purchase) in scenario.purchases.enumerated() {
                let existing = p < purchase.existingRemainingPeriods ? purchase.existingUnits : 0
                var fleet = existing
                for q in max(0, p - purchase.lifetimePeriods + 1)...p {
                    if let b = model.index.arrivals[k].variable(q) { fleet += up[b.index] }
                }
                power += fleet * purchase.powerKW
            }
            if power > caps[p] * (1 + tolerance) { return rounded(up: false) }
        }
        return up
    }
}
