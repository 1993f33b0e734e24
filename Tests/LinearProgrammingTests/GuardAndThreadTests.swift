import CGLPK
import Foundation
import XCTest
@testable import LinearProgramming

final class GuardAndThreadTests: XCTestCase {
    /// An out-of-range column index pushed straight into GLPK reaches `glp_error`, which would
    /// abort the process. Under the guard it becomes a Swift error carrying GLPK's message, and
    /// the next solve on the same thread works.
    func testGLPKInternalErrorBecomesSwiftError() throws {
        XCTAssertThrowsError(try withGLPK {
            let problem = glp_create_prob()
            glp_add_cols(problem, 1)
            glp_set_col_bnds(problem, 99, GLP_LO, 0, 0)
            XCTFail("GLPK returned from an invalid call")
        }) { error in
            guard case .glpkInternalError(let message) = error as? LinearProgrammingError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("glp_set_col_bnds"), message)
            XCTAssertTrue(message.contains("out of range"), message)
        }
        // Twice, to show the environment is rebuilt each time.
        XCTAssertThrowsError(try withGLPK { glp_set_row_name(glp_create_prob(), 5, "x") })
        var model = LinearModel()
        let x = model.addVariable(name: "x", objective: 1)
        model.addConstraint(name: "c", terms: [(x, 1)], .greaterOrEqual(3))
        XCTAssertEqual(try GLPKSolver.solve(model).objectiveValue!, 3, accuracy: 1e-12)
    }

    func testTerminalOutputIsCapturedByLine() throws {
        final class Lines: @unchecked Sendable {
            let lock = NSLock()
            var all: [String] = []
        }
        let lines = Lines()
        var model = LinearModel()
        let x = model.addVariable(name: "x", objective: 1)
        model.addConstraint(name: "c", terms: [(x, 1)], .greaterOrEqual(3))
        var options = SolveOptions()
        options.output = { line in lines.lock.withLock { lines.all.append(line) } }
        _ = try GLPKSolver.solve(model, options: options)
        XCTAssertTrue(lines.all.contains { $0.contains("obj =   3.0") }, "\(lines.all)")
        XCTAssertFalse(lines.all.contains { $0.contains("\n") })
    }

    /// A transportation LP with deterministic pseudo-random data, big enough to take many
    /// simplex iterations.
    static func transportModel(seed: UInt64, sources: Int, sinks: Int) -> LinearModel {
        var state = seed
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 33) / Double(1 << 31)
        }
        var model = LinearModel(name: "transport\(seed)")
        var flows = [[Variable]]()
        for s in 0..<sources {
            flows.append((0..<sinks).map { t in model.addVariable(name: "f_\(s)_\(t)", objective: 1 + 20 * next()) })
        }
        for s in 0..<sources {
            model.addConstraint(name: "supply_\(s)", variables: flows[s], coefficients: Array(repeating: 1, count: sinks), .lessOrEqual(50 + 50 * next()))
        }
        for t in 0..<sinks {
            model.addConstraint(name: "demand_\(t)", variables: flows.map { $0[t] }, coefficients: Array(repeating: 1, count: sources), .greaterOrEqual(20 * next()))
        }
        return model
    }

    /// Two threads solving different models at once get the answers each gets alone.
    func testConcurrentSolvesMatchSerialOnes() throws {
        let models = (0..<4).map { Self.transportModel(seed: UInt64($0 + 1), sources: 30, sinks: 40) }
        let alone = try models.map { try GLPKSolver.solve($0) }
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var objectives = [Int: [Double]]()
            var failures = [String]()
        }
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 8) { k in
            let index = k % models.count
            do {
                for _ in 0..<5 {
                    let solution = try GLPKSolver.solve(models[index])
                    results.lock.withLock { results.objectives[index, default: []].append(solution.objectiveValue!) }
                }
                // An internal error on one thread must not disturb the others.
                _ = try? withGLPK { glp_set_col_bnds(glp_create_prob(), 7, GLP_LO, 0, 0) }
                let again = try GLPKSolver.solve(models[index])
                results.lock.withLock { results.objectives[index, default: []].append(again.objectiveValue!) }
            } catch {
                results.lock.withLock { results.failures.append("\(error)") }
            }
        }
        XCTAssertEqual(results.failures, [])
        for (index, objectives) in results.objectives {
            XCTAssertEqual(objectives.count, 12)
            for objective in objectives {
                XCTAssertEqual(objective, alone[index].objectiveValue!, accuracy: 1e-9 * abs(objective))
            }
        }
    }
}
