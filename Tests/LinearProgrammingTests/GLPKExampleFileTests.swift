import XCTest
@testable import LinearProgramming

/// The MPS and LP files glpk-utils ships, read and solved through the layer, against the
/// objective glpsol 5.0 reports for the same file. The values were taken on this machine with
/// `glpsol --mps FILE -o OUT` (fixed MPS), `glpsol --freemps FILE -o OUT` (free MPS) or
/// `glpsol --lp FILE -o OUT`, from the "Objective:" line of OUT (10 significant digits).
final class GLPKExampleFileTests: XCTestCase {
    static let directory = "/usr/share/doc/glpk-utils/examples"

    struct Case {
        let file: String
        let format: ModelFileFormat
        let direction: ObjectiveDirection
        let objective: Double
        let mip: Bool
    }

    static let cases: [Case] = [
        Case(file: "alloy.mps", format: .fixedMPS, direction: .minimize, objective: 2149.247891, mip: false),
        Case(file: "furnace.mps", format: .fixedMPS, direction: .minimize, objective: 2141.923551, mip: false),
        Case(file: "icecream.mps", format: .fixedMPS, direction: .minimize, objective: 962.8214691, mip: false),
        Case(file: "plan.mps", format: .fixedMPS, direction: .minimize, objective: 296.2166065, mip: false),
        Case(file: "plan.lp", format: .cplexLP, direction: .minimize, objective: 296.2166065, mip: false),
        // murtagh.mps is a maximization; MPS records no direction (`glpsol --mps murtagh.mps --max`).
        Case(file: "murtagh.mps", format: .fixedMPS, direction: .maximize, objective: 126.0571241, mip: false),
        Case(file: "samp1.mps", format: .freeMPS, direction: .minimize, objective: 24.33333333, mip: true),
        Case(file: "samp2.mps", format: .freeMPS, direction: .minimize, objective: 24.33333333, mip: true),
    ]

    func testShippedFilesSolveToGlpsolObjective() throws {
        for example in Self.cases {
            let path = "\(Self.directory)/\(example.file)"
            XCTAssertTrue(FileManager.default.fileExists(atPath: path), "\(path) missing: install glpk-utils (make test does)")
            var model = try LinearModel.read(from: path, format: example.format)
            model.direction = example.direction
            XCTAssertEqual(model.hasIntegerVariables, example.mip, example.file)
            for method in [SimplexOptions.Method.primal, .dualThenPrimal] {
                var options = SolveOptions()
                options.simplex.method = method
                let solution = try GLPKSolver.solve(model, options: options)
                XCTAssertEqual(solution.termination, .optimal, example.file)
                XCTAssertEqual(solution.objectiveValue!, example.objective, accuracy: 1e-8 * max(1, abs(example.objective)), "\(example.file) \(method)")
            }
        }
    }

    /// Read as written (MPS has no direction), murtagh.mps is an unbounded minimization, as
    /// `glpsol --mps murtagh.mps --nopresol` reports.
    func testMPSDoesNotRecordMaximization() throws {
        let model = try LinearModel.read(from: "\(Self.directory)/murtagh.mps", format: .fixedMPS)
        XCTAssertEqual(model.direction, .minimize)
        let solution = try GLPKSolver.solve(model, options: SolveOptions(simplex: SimplexOptions(method: .primal)))
        XCTAssertEqual(solution.termination, .unbounded)
    }

    func testUnreadableFileIsAnError() {
        XCTAssertThrowsError(try LinearModel.read(from: "/nonexistent/model.mps", format: .freeMPS)) { error in
            guard case .fileError(let operation, _, let message) = error as? LinearProgrammingError else { return XCTFail("\(error)") }
            XCTAssertEqual(operation, "read")
            XCTAssertFalse(message.isEmpty)
        }
    }

    /// Writing and reading back keeps the model: same objective through every format.
    func testWriteReadRoundTrip() throws {
        var model = try LinearModel.read(from: "\(Self.directory)/alloy.mps", format: .fixedMPS)
        model.objectiveConstant = 10
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lp-roundtrip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for format in ModelFileFormat.allCases {
            let path = directory.appendingPathComponent("model.\(format.rawValue)").path
            try model.write(to: path, format: format)
            let back = try LinearModel.read(from: path, format: format)
            XCTAssertEqual(back.variableCount, model.variableCount)
            XCTAssertEqual(back.constraintCount, model.constraintCount)
            // GLPK's CPLEX LP writer keeps the objective constant only as a comment.
            let expected = format == .cplexLP ? 2149.247891 : 2159.247891
            XCTAssertEqual(try GLPKSolver.solve(back).objectiveValue!, expected, accuracy: 1e-6, "\(format)")
        }
    }
}
