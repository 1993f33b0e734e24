// A linear or mixed-integer program as a Swift value.
//
// The model holds plain arrays and never a GLPK object: GLPK objects belong to the thread
// that created them, so they are created, used and freed inside one call of `GLPKSolver`
// or `LinearModel.write(to:format:)`. A model can be copied, sent between tasks and solved
// on several threads at once.

/// A column of the model. The index is its position, starting at 0.
public struct Variable: Hashable, Sendable, Comparable {
    public let index: Int
    public init(index: Int) { self.index = index }
    public static func < (lhs: Variable, rhs: Variable) -> Bool { lhs.index < rhs.index }
}

/// A row of the model. The index is its position, starting at 0.
public struct Constraint: Hashable, Sendable, Comparable {
    public let index: Int
    public init(index: Int) { self.index = index }
    public static func < (lhs: Constraint, rhs: Constraint) -> Bool { lhs.index < rhs.index }
}

/// What values a variable may take.
public enum VariableKind: UInt8, Sendable, Hashable {
    case continuous
    /// Whole numbers within the variable's bounds.
    case integer
    /// 0 or 1; the bounds are set to [0, 1].
    case binary
}

/// The sense and right-hand side of a linear constraint.
public enum ConstraintBound: Sendable, Hashable {
    /// Σ a_j x_j ≤ value
    case lessOrEqual(Double)
    /// Σ a_j x_j ≥ value
    case greaterOrEqual(Double)
    /// Σ a_j x_j = value
    case equal(Double)
    /// lower ≤ Σ a_j x_j ≤ upper
    case range(Double, Double)

    var lower: Double? {
        switch self {
        case .lessOrEqual: return nil
        case .greaterOrEqual(let v), .equal(let v): return v
        case .range(let l, _): return l
        }
    }

    var upper: Double? {
        switch self {
        case .greaterOrEqual: return nil
        case .lessOrEqual(let v), .equal(let v): return v
        case .range(_, let u): return u
        }
    }
}

/// Which way the objective goes.
public enum ObjectiveDirection: Sendable, Hashable {
    case minimize
    case maximize
}

/// A linear program (or a MIP, when some variables are integer).
///
/// Bounds are `Double?`: `nil` means "no bound" and selects GLPK's bound type (free, lower,
/// upper, double, fixed) from which bounds are present. Every number must be finite; that is
/// checked by `validate()` before any GLPK call, since GLPK accepts NaN silently and then
/// reports a wrong "optimal" result.
///
/// Matrix entries are kept as coordinates in the order they were added. Entries for the same
/// row and column are summed when the model is loaded (as algebraic modelling languages do);
/// zero entries are dropped.
public struct LinearModel: Sendable {
    public var name: String = ""
    public var direction: ObjectiveDirection = .minimize
    /// The constant term of the objective.
    public var objectiveConstant: Double = 0

    // Columns.
    public private(set) var variableNames: [String] = []
    public private(set) var variableLower: [Double?] = []
    public private(set) var variableUpper: [Double?] = []
    public private(set) var variableKinds: [VariableKind] = []
    public private(set) var objectiveCoefficients: [Double] = []

    // Rows.
    public private(set) var constraintNames: [String] = []
    public private(set) var constraintLower: [Double?] = []
    public private(set) var constraintUpper: [Double?] = []

    // Matrix, as coordinates (zero-based).
    public private(set) var entryRows: [Int32] = []
    public private(set) var entryColumns: [Int32] = []
    public private(set) var entryValues: [Double] = []

    public init(name: String = "", direction: ObjectiveDirection = .minimize) {
        self.name = name
        self.direction = direction
    }

    public var variableCount: Int { variableNames.count }
    public var constraintCount: Int { constraintNames.count }
    /// Matrix entries as added (before duplicates are summed).
    public var entryCount: Int { entryValues.count }
    public var integerVariableCount: Int { variableKinds.reduce(0) { $0 + ($1 == .continuous ? 0 : 1) } }
    public var hasIntegerVariables: Bool { variableKinds.contains { $0 != .continuous } }

    public var variables: [Variable] { (0..<variableCount).map(Variable.init(index:)) }
    public var constraints: [Constraint] { (0..<constraintCount).map(Constraint.init(index:)) }

    /// Reserves storage when the final size is known, so that building a large model does not
    /// reallocate.
    public mutating func reserveCapacity(variables: Int, constraints: Int, entries: Int) {
        variableNames.reserveCapacity(variables)
        variableLower.reserveCapacity(variables)
        variableUpper.reserveCapacity(variables)
        variableKinds.reserveCapacity(variables)
        objectiveCoefficients.reserveCapacity(variables)
        constraintNames.reserveCapacity(constraints)
        constraintLower.reserveCapacity(constraints)
        constraintUpper.reserveCapacity(constraints)
        entryRows.reserveCapacity(entries)
        entryColumns.reserveCapacity(entries)
        entryValues.reserveCapacity(entries)
    }

    /// Adds a column. `lowerBound` defaults to 0 (the usual non-negativity); pass `nil` for none.
    @discardableResult
    public mutating func addVariable(
        name: String = "", lowerBound: Double? = 0, upperBound: Double? = nil,
        kind: VariableKind = .continuous, objective: Double = 0
    ) -> Variable {
        let variable = Variable(index: variableNames.count)
        variableNames.append(name)
        if kind == .binary {
            variableLower.append(0)
            variableUpper.append(1)
        } else {
            variableLower.append(lowerBound)
            variableUpper.append(upperBound)
        }
        variableKinds.append(kind)
        objectiveCoefficients.append(objective)
        return variable
    }

    /// Adds a row Σ coefficients[k] · variables[k] (sense) bound.
    @discardableResult
    public mutating func addConstraint(
        name: String = "", variables: [Variable], coefficients: [Double], _ bound: ConstraintBound
    ) -> Constraint {
        precondition(variables.count == coefficients.count, "one coefficient per variable")
        let constraint = Constraint(index: constraintNames.count)
        constraintNames.append(name)
        constraintLower.append(bound.lower)
        constraintUpper.append(bound.upper)
        let row = Int32(constraint.index)
        for k in variables.indices {
            entryRows.append(row)
            entryColumns.append(Int32(variables[k].index))
            entryValues.append(coefficients[k])
        }
        return constraint
    }

    /// Adds a row from (variable, coefficient) terms.
    @discardableResult
    public mutating func addConstraint(
        name: String = "", terms: [(Variable, Double)], _ bound: ConstraintBound
    ) -> Constraint {
        addConstraint(name: name, variables: terms.map(\.0), coefficients: terms.map(\.1), bound)
    }

    /// Adds coefficient · variable to an existing row (summed with any entry already there).
    public mutating func addTerm(_ constraint: Constraint, _ variable: Variable, _ coefficient: Double) {
        entryRows.append(Int32(constraint.index))
        entryColumns.append(Int32(variable.index))
        entryValues.append(coefficient)
    }

    /// Sets the objective coefficient of a variable.
    public mutating func setObjective(_ variable: Variable, _ coefficient: Double) {
        objectiveCoefficients[variable.index] = coefficient
    }

    /// Adds to the objective coefficient of a variable.
    public mutating func addToObjective(_ variable: Variable, _ coefficient: Double) {
        objectiveCoefficients[variable.index] += coefficient
    }

    public mutating func setBounds(_ variable: Variable, lower: Double?, upper: Double?) {
        variableLower[variable.index] = lower
        variableUpper[variable.index] = upper
    }

    public mutating func setKind(_ variable: Variable, _ kind: VariableKind) {
        variableKinds[variable.index] = kind
        if kind == .binary {
            variableLower[variable.index] = 0
            variableUpper[variable.index] = 1
        }
    }

    public mutating func setBound(_ constraint: Constraint, _ bound: ConstraintBound) {
        constraintLower[constraint.index] = bound.lower
        constraintUpper[constraint.index] = bound.upper
    }

    /// The same model with every integer and binary variable continuous (the LP relaxation).
    public func relaxed() -> LinearModel {
        var copy = self
        copy.variableKinds = Array(repeating: .continuous, count: variableCount)
        return copy
    }

    public func name(of variable: Variable) -> String { variableNames[variable.index] }
    public func name(of constraint: Constraint) -> String { constraintNames[constraint.index] }
    public func kind(of variable: Variable) -> VariableKind { variableKinds[variable.index] }
    public func objectiveCoefficient(of variable: Variable) -> Double { objectiveCoefficients[variable.index] }
    public func bounds(of variable: Variable) -> (lower: Double?, upper: Double?) {
        (variableLower[variable.index], variableUpper[variable.index])
    }
    public func bounds(of constraint: Constraint) -> (lower: Double?, upper: Double?) {
        (constraintLower[constraint.index], constraintUpper[constraint.index])
    }

    /// Appends a matrix entry without checks; used by readers that already hold a valid matrix.
    mutating func appendEntry(row: Int32, column: Int32, value: Double) {
        entryRows.append(row)
        entryColumns.append(column)
        entryValues.append(value)
    }

    mutating func appendConstraint(name: String, lower: Double?, upper: Double?) {
        constraintNames.append(name)
        constraintLower.append(lower)
        constraintUpper.append(upper)
    }
}
