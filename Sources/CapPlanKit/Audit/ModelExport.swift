// What `capplan export` writes for glpsol: the scenario's model (sections 1–11) or, with demand
// cases, the two-stage extensive form (docs/formulation.md 12.2), the same one `capplan plan`
// solves; and the data section of the MathProg twin.
import LinearProgramming

/// A model ready to be written in a glpsol format.
public struct ExportedModel: Sendable {
    let lp: LinearModel

    /// The model `capplan plan` solves for `scenario`, its rows and columns named: the
    /// extensive form (second-stage names `name@case`) when the scenario has demand cases.
    /// `relax`: continuous units (`--relax`).
    public init(_ scenario: Scenario, relax: Bool) {
        if scenario.demandCases.isEmpty {
            lp = CapacityModelBuilder.buildModel(scenario, options: CapacityModelOptions(names: true, integerUnits: relax ? false : nil)).lp
        } else {
            let integer = scenario.policy.integerUnits && !relax
            lp = TwoStagePlanner.extensiveForm(scenario, integer: integer, names: true, risk: scenario.risk).lp
        }
    }

    /// Writes the model with GLPK's writer to `path`, which GLPK opens by name: give it a path
    /// in a private directory and move the file into place with a safe writer.
    public func write(to path: String, format: ModelFileKind) throws {
        try withSolverFailures {
            switch format {
            case .cplexLP: try lp.write(to: path, format: .cplexLP)
            case .freeMPS: try lp.write(to: path, format: .freeMPS)
            }
        }
    }
}
