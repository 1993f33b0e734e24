// The previous plan of a rolling re-plan: a plan JSON as `capplan plan -o` writes it, decoded
// through `PlanDocument` (no second parser) and checked against the scenario it is carried
// into: same start, a horizon no longer than the scenario's, offerings it knows.
import Foundation

/// What `replan` takes from the previous plan.
public struct PreviousPlan: Sendable {
    public let document: PlanDocument
    /// P': periods of the previous horizon (a prefix of the scenario's).
    public let periods: Int
    /// The commitments the roll carries (arrivals, contract starts, API contracts, platforms, cash).
    public let commitments: PlanCommitments
    /// m_op by reserved rental id, one value per period of the previous horizon.
    public let reservedUnits: [String: [Double]]
    /// API tokens served per API id, one value per period of the previous horizon.
    public let apiTokens: [String: [Double]]
}

/// The previous plan was refused: every problem found.
public struct PreviousPlanError: Error, CustomStringConvertible, Sendable {
    public let diagnostics: [Diagnostic]
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

public enum PreviousPlanReader {
    /// Reads and checks `path` (a `.json` plan) against `scenario`.
    public static func read(path: String, scenario: Scenario) throws -> PreviousPlan {
        let document: PlanDocument
        do {
            document = try ReportInputReader.read(PlanDocument.self, path: path, what: "a CapPlan plan JSON (capplan plan -o)")
        } catch let error as ReportError {
            throw PreviousPlanError(diagnostics: [Diagnostic(severity: .error, file: path, path: "", message: error.message)])
        }
        return try read(document, file: path, scenario: scenario)
    }

    /// Checks a decoded plan against `scenario`; `file` names it in diagnostics.
    public static func read(_ document: PlanDocument, file: String, scenario: Scenario) throws -> PreviousPlan {
        var errors: [Diagnostic] = []
        func error(_ path: String, _ value: String?, _ message: String) {
            errors.append(Diagnostic(severity: .error, file: file, path: path, value: value, message: message))
        }
        let horizon = scenario.horizon
        guard document.status == .optimal || document.status == .feasible else {
            error("status", document.status.rawValue, "expected a plan with status optimal or feasible: there is nothing to carry forward")
            throw PreviousPlanError(diagnostics: errors)
        }
        let periods = document.horizon.periods
        if document.horizon.start != horizon.start.description || document.horizon.kind != horizon.kind {
            error("horizon.start", document.horizon.start,
                  "expected the plan of a horizon that starts where the scenario starts (\(horizon.start), \(horizon.kind.rawValue)s): the scenario is the current forecast from the previous plan's start")
        } else if periods > horizon.periods || periods < 1 {
            error("horizon.periods", "\(periods)",
                  "expected at most the scenario's \(horizon.periods) periods (the forecast may be longer than the previous plan, not shorter)")
        }
        guard errors.isEmpty else { throw PreviousPlanError(diagnostics: errors) }
        func offset(_ label: String, _ path: String) -> Int? {
            guard let l = PeriodLabel(label), l.kind == horizon.kind, horizon.offset(of: l) >= 0, horizon.offset(of: l) < periods else {
                error(path, label, "expected a period of the previous plan's horizon (\(document.horizon.start) .. \(horizon.labels[periods - 1]))")
                return nil
            }
            return horizon.offset(of: l)
        }
        var commitments = PlanCommitments()
        for o in scenario.purchases { commitments.arrivals[o.id] = Array(repeating: 0, count: periods) }
        for (i, purchase) in document.purchases.enumerated() {
            let path = "purchases[\(i)]"
            guard commitments.arrivals[purchase.offering] != nil else {
                error(path + ".offering", purchase.offering, "expected a purchase offering of the scenario (\(listing(scenario.purchases.map(\.id), noun: "purchases")))")
                continue
            }
            guard let q = offset(purchase.period, path + ".period") else { continue }
            commitments.arrivals[purchase.offering]![q] += purchase.units
        }
        let reserved = scenario.rentals.filter { $0.commitment == .period }
        var reservedUnits: [String: [Double]] = [:]
        for o in reserved {
            reservedUnits[o.id] = Array(repeating: 0, count: periods)
            commitments.contractStarts[o.id] = Array(repeating: 0, count: periods)
        }
        for (i, rental) in (document.rentals ?? []).enumerated() {
            let path = "rentals[\(i)]"
            guard let o = reserved.first(where: { $0.id == rental.offering }) else {
                error(path + ".offering", rental.offering, "expected a reserved rental of the scenario (\(listing(reserved.map(\.id), noun: "reserved rentals")))")
                continue
            }
            if rental.termPeriods != o.termPeriods {
                error(path + ".termPeriods", "\(rental.termPeriods)", "expected the scenario's term of \(o.id), \(o.termPeriods) period\(o.termPeriods == 1 ? "" : "s")")
                continue
            }
            for (j, contract) in rental.contracts.enumerated() {
                guard let q = offset(contract.start, "\(path).contracts[\(j)].start") else { continue }
                commitments.contractStarts[o.id]![q] += contract.units
            }
        }
        if document.periods.count != periods {
            error("periods", "\(document.periods.count) entries", "expected one entry per period of the plan's horizon (\(periods))")
            throw PreviousPlanError(diagnostics: errors)
        }
        let apis = scenario.apis.map(\.id)
        var apiTokens: [String: [Double]] = [:]
        for id in apis { apiTokens[id] = Array(repeating: 0, count: periods) }
        for (p, period) in document.periods.enumerated() {
            if period.period != horizon.labels[p] {
                error("periods[\(p)].period", period.period, "expected \(horizon.labels[p])")
                continue
            }
            for (j, line) in period.rentals.enumerated() where line.commitment == .period {
                guard reservedUnits[line.offering] != nil else {
                    error("periods[\(p)].rentals[\(j)].offering", line.offering, "expected a reserved rental of the scenario")
                    continue
                }
                reservedUnits[line.offering]![p] = line.units ?? 0
            }
            for line in period.workloads {
                for (id, tokens) in line.servedTokens where apiTokens[id] != nil { apiTokens[id]![p] += tokens }
            }
        }
        let committed = scenario.apis.filter { $0.committedUse != nil }.map(\.id)
        for (i, line) in (document.apiCommitments ?? []).enumerated() {
            if committed.contains(line.api) {
                commitments.apiCommitments.append(line.api)
            } else {
                error("apiCommitments[\(i)].api", line.api, "expected an API of the scenario with committedUse (\(committed.isEmpty ? "none has" : listing(committed, noun: "APIs")))")
            }
        }
        for (i, platform) in (document.platforms ?? []).enumerated() {
            guard let adopted = platform.adoptionPeriod else { continue }
            if adopted == "before the horizon" {
                commitments.platformsAdopted[platform.platform] = -1
            } else if let q = offset(adopted, "platforms[\(i)].adoptionPeriod") {
                commitments.platformsAdopted[platform.platform] = q
            }
        }
        for line in document.finance?.cashFlow.periods ?? [] where line.inHorizon {
            guard let l = PeriodLabel(line.label), l.kind == horizon.kind else { continue }
            let q = horizon.offset(of: l)
            if q >= 0, q < periods { commitments.cashPaid[q] = .init(capital: line.capital, operating: line.operating) }
        }
        guard errors.isEmpty else { throw PreviousPlanError(diagnostics: errors) }
        return PreviousPlan(document: document, periods: periods, commitments: commitments, reservedUnits: reservedUnits, apiTokens: apiTokens)
    }
}
