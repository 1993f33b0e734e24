import CGLPK
import GLPKGuard

/// File formats GLPK reads and writes.
public enum ModelFileFormat: String, Sendable, Hashable, CaseIterable {
    /// Free MPS (`glp_write_mps`/`glp_read_mps` with GLP_MPS_FILE). MPS has no field for the
    /// objective direction: a maximization is written as is and read back as a minimization.
    case freeMPS
    /// Fixed MPS (GLP_MPS_DECK).
    case fixedMPS
    /// CPLEX LP format (`glp_write_lp`/`glp_read_lp`); it records the direction.
    case cplexLP
}

extension LinearModel {
    /// Writes the model with GLPK's own writer, for audit with `glpsol`.
    /// The corresponding C functions are `glp_write_mps` and `glp_write_lp`.
    public func write(to path: String, format: ModelFileFormat) throws {
        try validate()
        let matrix = compiledMatrix()
        let failed: Int32 = try withGLPK { session in
            let problem = try session.createProblem()
            GLPKSolver.load(self, matrix: matrix, into: problem)
            let code: Int32
            switch format {
            case .freeMPS: code = guarded_glp_write_mps(problem, GLP_MPS_FILE, nil, path)
            case .fixedMPS: code = guarded_glp_write_mps(problem, GLP_MPS_DECK, nil, path)
            case .cplexLP: code = guarded_glp_write_lp(problem, nil, path)
            }
            session.delete(problem)
            return code
        }
        if failed != 0 {
            throw LinearProgrammingError.fileError(operation: "write", path: path, message: "GLPK could not write the file")
        }
    }

    /// Reads a model with GLPK's reader (`glp_read_mps` or `glp_read_lp`) and copies it into a
    /// Swift value. GLPK's diagnostics are in the error when the file cannot be read.
    public static func read(from path: String, format: ModelFileFormat) throws -> LinearModel {
        let lines = LineCollector()
        let model: LinearModel? = try withGLPK(output: { lines.append($0) }) { session in
            let problem = try session.createProblem()
            let code: Int32
            switch format {
            case .freeMPS: code = guarded_glp_read_mps(problem, GLP_MPS_FILE, nil, path)
            case .fixedMPS: code = guarded_glp_read_mps(problem, GLP_MPS_DECK, nil, path)
            case .cplexLP: code = guarded_glp_read_lp(problem, nil, path)
            }
            let model = code == 0 ? copy(problem) : nil
            session.delete(problem)
            return model
        }
        guard let model else {
            throw LinearProgrammingError.fileError(operation: "read", path: path, message: lines.text)
        }
        return model
    }

    /// Copies a GLPK problem into a model. Must run inside `withGLPK`.
    static func copy(_ problem: OpaquePointer) -> LinearModel {
        func string(_ pointer: UnsafePointer<CChar>?) -> String { pointer.map { String(cString: $0) } ?? "" }
        func bounds(_ type: Int32, _ lower: Double, _ upper: Double) -> (Double?, Double?) {
            switch type {
            case GLP_FR: return (nil, nil)
            case GLP_LO: return (lower, nil)
            case GLP_UP: return (nil, upper)
            default: return (lower, upper)
            }
        }
        var model = LinearModel(name: string(guarded_glp_get_prob_name(problem)))
        model.direction = guarded_glp_get_obj_dir(problem) == GLP_MAX ? .maximize : .minimize
        model.objectiveConstant = guarded_glp_get_obj_coef(problem, 0)
        let m = Int(guarded_glp_get_num_rows(problem)), n = Int(guarded_glp_get_num_cols(problem))
        for j in 1...max(n, 1) where j <= n {
            let column = Int32(j)
            let (lower, upper) = bounds(guarded_glp_get_col_type(problem, column), guarded_glp_get_col_lb(problem, column), guarded_glp_get_col_ub(problem, column))
            let kind: VariableKind = guarded_glp_get_col_kind(problem, column) == GLP_CV ? .continuous : .integer
            model.addVariable(
                name: string(guarded_glp_get_col_name(problem, column)), lowerBound: lower, upperBound: upper, kind: kind,
                objective: guarded_glp_get_obj_coef(problem, column))
        }
        for i in 1...max(m, 1) where i <= m {
            let row = Int32(i)
            let (lower, upper) = bounds(guarded_glp_get_row_type(problem, row), guarded_glp_get_row_lb(problem, row), guarded_glp_get_row_ub(problem, row))
            model.appendConstraint(name: string(guarded_glp_get_row_name(problem, row)), lower: lower, upper: upper)
        }
        var indices = [Int32](repeating: 0, count: m + 1)
        var values = [Double](repeating: 0, count: m + 1)
        for j in 1...max(n, 1) where j <= n {
            let length = Int(guarded_glp_get_mat_col(problem, Int32(j), &indices, &values))
            for k in 1...max(length, 1) where k <= length {
                model.appendEntry(row: indices[k] - 1, column: Int32(j - 1), value: values[k])
            }
        }
        return model
    }
}

/// Collects GLPK's output lines (for error messages of the readers).
final class LineCollector: @unchecked Sendable {
    private var lines: [String] = []
    func append(_ line: String) { lines.append(line) }
    var text: String { lines.suffix(5).joined(separator: "\n") }
}
