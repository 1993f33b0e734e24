// Checks that run before GLPK sees a model. GLPK accepts NaN and infinite coefficients
// silently and then reports OPTIMAL; it aborts on indices out of range and on names longer
// than 255 characters. None of that may reach it.

/// Why a model, or a call on it, was refused.
public enum LinearProgrammingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A number that must be finite is NaN or infinite. `location` names the variable,
    /// constraint or matrix entry; `field` says which number.
    case nonFiniteNumber(location: String, field: String, value: Double)
    /// A name GLPK cannot store: longer than 255 bytes or with control characters.
    case invalidName(kind: String, index: Int, name: String, reason: String)
    /// A matrix entry refers to a row or column that does not exist.
    case indexOutOfRange(entry: Int, row: Int, column: Int)
    /// A starting point or other per-variable array of the wrong length.
    case dimensionMismatch(what: String, expected: Int, got: Int)
    /// GLPK itself raised an error (reached its error hook); its message is kept. The thread's
    /// GLPK environment was freed and the next call starts afresh.
    case glpkInternalError(message: String)
    /// GLPK could not read or write a file.
    case fileError(operation: String, path: String, message: String)
    /// A solve (or file operation) was started while another one runs on the same thread, from
    /// its output handler or progress callback. GLPK was not touched; the outer one goes on.
    case nestedGLPKCall

    public var description: String {
        switch self {
        case .nonFiniteNumber(let location, let field, let value):
            return "\(location): \(field) must be a finite number, got \(value)"
        case .invalidName(let kind, let index, let name, let reason):
            return "\(kind) \(index) name '\(name.prefix(40))\(name.count > 40 ? "..." : "")': \(reason)"
        case .indexOutOfRange(let entry, let row, let column):
            return "matrix entry \(entry) refers to row \(row), column \(column), outside the model"
        case .dimensionMismatch(let what, let expected, let got):
            return "\(what): expected \(expected) values, got \(got)"
        case .glpkInternalError(let message):
            return "GLPK error: \(message.trimmingTrailingNewlines())"
        case .fileError(let operation, let path, let message):
            return "cannot \(operation) '\(path)': \(message.trimmingTrailingNewlines())"
        case .nestedGLPKCall:
            return "GLPK was called from inside another GLPK call on the same thread (an output handler or progress callback); refused"
        }
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var s = Substring(self)
        while let last = s.last, last == "\n" || last == " " { s = s.dropLast() }
        return String(s)
    }
}

/// The constraint matrix in compressed-column form, duplicates summed and zeros dropped,
/// laid out for `glp_load_matrix` (1-based, with the unused element 0).
struct CompiledMatrix {
    var rowIndices: [Int32]
    var columnIndices: [Int32]
    var values: [Double]
    var count: Int { values.count - 1 }
}

extension LinearModel {
    /// Checks every number and name, and the matrix indices. Throws the first problem found,
    /// naming the variable or constraint.
    public func validate() throws(LinearProgrammingError) {
        func variableLabel(_ j: Int) -> String {
            variableNames[j].isEmpty ? "variable \(j)" : "variable '\(variableNames[j])'"
        }
        func constraintLabel(_ i: Int) -> String {
            constraintNames[i].isEmpty ? "constraint \(i)" : "constraint '\(constraintNames[i])'"
        }
        guard objectiveConstant.isFinite else {
            throw .nonFiniteNumber(location: "objective", field: "constant", value: objectiveConstant)
        }
        for j in 0..<variableCount {
            if !objectiveCoefficients[j].isFinite {
                throw .nonFiniteNumber(location: variableLabel(j), field: "objective coefficient", value: objectiveCoefficients[j])
            }
            if let l = variableLower[j], !l.isFinite {
                throw .nonFiniteNumber(location: variableLabel(j), field: "lower bound", value: l)
            }
            if let u = variableUpper[j], !u.isFinite {
                throw .nonFiniteNumber(location: variableLabel(j), field: "upper bound", value: u)
            }
            try Self.checkName(variableNames[j], kind: "variable", index: j)
        }
        for i in 0..<constraintCount {
            if let l = constraintLower[i], !l.isFinite {
                throw .nonFiniteNumber(location: constraintLabel(i), field: "right-hand side (lower)", value: l)
            }
            if let u = constraintUpper[i], !u.isFinite {
                throw .nonFiniteNumber(location: constraintLabel(i), field: "right-hand side (upper)", value: u)
            }
            try Self.checkName(constraintNames[i], kind: "constraint", index: i)
        }
        let rows = Int32(constraintCount), columns = Int32(variableCount)
        for k in 0..<entryValues.count {
            let r = entryRows[k], c = entryColumns[k]
            guard r >= 0, r < rows, c >= 0, c < columns else {
                throw .indexOutOfRange(entry: k, row: Int(r), column: Int(c))
            }
            if !entryValues[k].isFinite {
                throw .nonFiniteNumber(
                    location: "\(constraintLabel(Int(r))), \(variableLabel(Int(c)))", field: "coefficient", value: entryValues[k])
            }
        }
        try Self.checkName(name, kind: "model", index: 0)
    }

    static func checkName(_ name: String, kind: String, index: Int) throws(LinearProgrammingError) {
        if name.utf8.count > 255 {
            throw .invalidName(kind: kind, index: index, name: name, reason: "GLPK names are at most 255 bytes, this one is \(name.utf8.count)")
        }
        for byte in name.utf8 where byte < 0x20 || byte == 0x7f {
            throw .invalidName(kind: kind, index: index, name: name, reason: "control characters are not allowed")
        }
    }

    /// Builds the 1-based compressed-column matrix: a counting sort by column, then a pass per
    /// column that sums entries of the same row (a stamp array finds them in O(1)).
    /// O(entries + rows + columns).
    func compiledMatrix() -> CompiledMatrix {
        let n = variableCount, m = constraintCount, nz = entryValues.count
        var start = [Int](repeating: 0, count: n + 1)
        for c in entryColumns { start[Int(c) + 1] += 1 }
        for j in 0..<n { start[j + 1] += start[j] }
        var next = start
        var order = [Int](repeating: 0, count: nz)
        for k in 0..<nz {
            let c = Int(entryColumns[k])
            order[next[c]] = k
            next[c] += 1
        }
        var rowIndices = [Int32](repeating: 0, count: 1)
        var columnIndices = [Int32](repeating: 0, count: 1)
        var values = [Double](repeating: 0, count: 1)
        rowIndices.reserveCapacity(nz + 1)
        columnIndices.reserveCapacity(nz + 1)
        values.reserveCapacity(nz + 1)
        // position[r] = where row r's entry of the current column sits in `values`, valid when
        // stamp[r] == current column.
        var stamp = [Int32](repeating: -1, count: m)
        var position = [Int](repeating: 0, count: m)
        for j in 0..<n {
            let column = Int32(j)
            for p in start[j]..<start[j + 1] {
                let k = order[p]
                let r = Int(entryRows[k])
                if stamp[r] == column {
                    values[position[r]] += entryValues[k]
                } else {
                    stamp[r] = column
                    position[r] = values.count
                    rowIndices.append(Int32(r + 1))
                    columnIndices.append(column + 1)
                    values.append(entryValues[k])
                }
            }
        }
        // Drop zeros (given as zero, or summed to zero): GLPK stores them otherwise.
        if values.dropFirst().contains(0) {
            var w = 1
            for k in 1..<values.count where values[k] != 0 {
                rowIndices[w] = rowIndices[k]
                columnIndices[w] = columnIndices[k]
                values[w] = values[k]
                w += 1
            }
            rowIndices.removeLast(values.count - w)
            columnIndices.removeLast(values.count - w)
            values.removeLast(values.count - w)
        }
        return CompiledMatrix(rowIndices: rowIndices, columnIndices: columnIndices, values: values)
    }
}
