import XCTest
@testable import LinearProgramming

/// Numbers and names GLPK would mishandle are refused before any GLPK call.
final class ValidationTests: XCTestCase {
    func model(coefficient: Double = 1, lower: Double? = 0, upper: Double? = nil, rhs: Double = 1, cost: Double = 1) -> LinearModel {
        var model = LinearModel()
        let x = model.addVariable(name: "x", lowerBound: lower, upperBound: upper, objective: cost)
        model.addConstraint(name: "c", terms: [(x, coefficient)], .greaterOrEqual(rhs))
        return model
    }

    func assertRefused(_ model: LinearModel, field: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try GLPKSolver.solve(model), file: file, line: line) { error in
            guard case .nonFiniteNumber(_, let got, _) = error as? LinearProgrammingError else {
                return XCTFail("unexpected \(error)", file: file, line: line)
            }
            XCTAssertEqual(got, field, file: file, line: line)
        }
    }

    func testNonFiniteNumbersAreRefused() {
        assertRefused(model(coefficient: .nan), field: "coefficient")
        assertRefused(model(coefficient: .infinity), field: "coefficient")
        assertRefused(model(lower: -.infinity), field: "lower bound")
        assertRefused(model(upper: .infinity), field: "upper bound")
        assertRefused(model(rhs: .nan), field: "right-hand side (lower)")
        assertRefused(model(cost: .nan), field: "objective coefficient")
        var constant = model()
        constant.objectiveConstant = .infinity
        assertRefused(constant, field: "constant")
    }

    func testErrorNamesTheConstraint() {
        XCTAssertThrowsError(try GLPKSolver.solve(model(coefficient: .nan))) { error in
            XCTAssertEqual("\(error)", "constraint 'c', variable 'x': coefficient must be a finite number, got nan")
        }
    }

    func testLongAndControlCharacterNamesAreRefused() {
        var long = LinearModel()
        long.addVariable(name: String(repeating: "v", count: 256))
        XCTAssertThrowsError(try GLPKSolver.solve(long)) { error in
            guard case .invalidName = error as? LinearProgrammingError else { return XCTFail("\(error)") }
        }
        var control = LinearModel()
        let x = control.addVariable(name: "x")
        control.addConstraint(name: "bad\nname", terms: [(x, 1)], .lessOrEqual(1))
        XCTAssertThrowsError(try GLPKSolver.solve(control))
        var ok = LinearModel()
        ok.addVariable(name: String(repeating: "v", count: 255))
        XCTAssertNoThrow(try GLPKSolver.solve(ok))
    }

    func testStartingSolutionLengthIsChecked() {
        var model = self.model()
        model.setKind(Variable(index: 0), .integer)
        var options = SolveOptions()
        options.mip.startingSolution = [1, 2]
        XCTAssertThrowsError(try GLPKSolver.solve(model, options: options)) { error in
            XCTAssertEqual(error as? LinearProgrammingError, .dimensionMismatch(what: "starting solution", expected: 1, got: 2))
        }
    }
}
