import CGLPK
import Foundation
import GLPKGuard
import XCTest
@testable import LinearProgramming

final class GuardAndThreadTests: XCTestCase {
    /// An out-of-range column index pushed into GLPK reaches `glp_error`, which would abort the
    /// process. The wrapper's own jump point catches it; every later GLPK call of the session
    /// does nothing, the Swift code unwinds normally (what it holds is released, its `defer`s
    /// run), the session's end frees the environment, and the next solve on the thread works.
    func testGLPKInternalErrorBecomesSwiftError() throws {
        final class Witness {}
        weak var witness: Witness?
        var deferRan = false
        XCTAssertThrowsError(try withGLPK { session in
            let held = Witness()
            witness = held
            defer { deferRan = true }
            let problem = try session.createProblem()
            guarded_glp_add_cols(problem, 1)
            guarded_glp_set_col_bnds(problem, 99, GLP_LO, 0, 0)
            XCTAssertEqual(capplan_glpk_session_failed(), 1)
            // After the error nothing reaches GLPK: these return at once.
            XCTAssertEqual(guarded_glp_add_cols(problem, 1), 0)
            XCTAssertEqual(guarded_glp_simplex(problem, nil), CAPPLAN_GLPK_FAILED)
            XCTAssertNil(guarded_glp_create_prob())
            XCTAssertThrowsError(try session.check())
            withExtendedLifetime(held) {}
        }) { error in
            guard case .glpkInternalError(let message) = error as? LinearProgrammingError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("glp_set_col_bnds"), message)
            XCTAssertTrue(message.contains("out of range"), message)
        }
        XCTAssertTrue(deferRan)
        XCTAssertNil(witness, "a Swift frame was skipped: its reference was never released")
        XCTAssertEqual(capplan_glpk_session_active(), 0)
        // Twice, to show the environment is rebuilt each time.
        XCTAssertThrowsError(try withGLPK { session in guarded_glp_set_row_name(try session.createProblem(), 5, "x") })
        var model = LinearModel()
        let x = model.addVariable(name: "x", objective: 1)
        model.addConstraint(name: "c", terms: [(x, 1)], .greaterOrEqual(3))
        XCTAssertEqual(try GLPKSolver.solve(model).objectiveValue!, 3, accuracy: 1e-12)
    }

    /// A GLPK error raised inside branch-and-cut's callback (here from the progress closure,
    /// which breaks the rule "no GLPK in callbacks" on purpose) is caught by the inner wrapper;
    /// the shim's C callback then leaves `glp_intopt` the way an error inside it would. The
    /// solve throws GLPK's message and the next one works.
    func testGLPKErrorInsideTheBranchAndCutCallback() throws {
        let model = Self.knapsack(items: 30, seed: 3)
        var options = SolveOptions()
        options.mip.progress = { _ in
            // Inside the solve's session, on the solve's thread.
            guarded_glp_set_col_bnds(guarded_glp_create_prob(), 42, GLP_LO, 0, 0)
        }
        XCTAssertThrowsError(try GLPKSolver.solve(model, options: options)) { error in
            guard case .glpkInternalError(let message) = error as? LinearProgrammingError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("glp_set_col_bnds"), message)
        }
        XCTAssertEqual(capplan_glpk_session_active(), 0)
        let again = try GLPKSolver.solve(model)
        XCTAssertEqual(again.termination, .optimal)
    }

    /// A session inside a session on one thread is refused by the shim before anything
    /// changes: the outer session's problems stay alive and usable.
    func testNestedSessionsAreRefused() throws {
        try withGLPK { session in
            let problem = try session.createProblem()
            guarded_glp_add_cols(problem, 2)
            XCTAssertEqual(capplan_glpk_session_begin(nil, nil), Int32(CAPPLAN_GLPK_SESSION_NESTED))
            XCTAssertThrowsError(try withGLPK { _ in XCTFail("nested body ran") }) { error in
                XCTAssertEqual(error as? LinearProgrammingError, .nestedGLPKCall)
            }
            // The refused (and failing) inner call freed nothing.
            XCTAssertEqual(guarded_glp_get_num_cols(problem), 2)
            try session.check()
        }
        // From an output handler: the inner solve is refused, the outer one completes.
        final class Box: @unchecked Sendable { var inner: [Error] = [] }
        let box = Box()
        var model = LinearModel()
        let x = model.addVariable(name: "x", objective: 1)
        model.addConstraint(name: "c", terms: [(x, 1)], .greaterOrEqual(3))
        var options = SolveOptions()
        let copy = model
        options.output = { _ in
            do { _ = try GLPKSolver.solve(copy) } catch { box.inner.append(error) }
        }
        XCTAssertEqual(try GLPKSolver.solve(model, options: options).objectiveValue!, 3, accuracy: 1e-12)
        XCTAssertFalse(box.inner.isEmpty)
        XCTAssertTrue(box.inner.allSatisfy { ($0 as? LinearProgrammingError) == .nestedGLPKCall })
        // And from a progress callback.
        var mipOptions = SolveOptions()
        let knapsack = Self.knapsack(items: 30, seed: 3)
        mipOptions.mip.progress = { _ in
            do { _ = try GLPKSolver.solve(knapsack) } catch { box.inner.append(error) }
        }
        box.inner = []
        XCTAssertEqual(try GLPKSolver.solve(knapsack, options: mipOptions).termination, .optimal)
        XCTAssertFalse(box.inner.isEmpty)
        XCTAssertTrue(box.inner.allSatisfy { ($0 as? LinearProgrammingError) == .nestedGLPKCall })
    }

    /// GLPK's terminal output state after a session is the one before it, after a normal
    /// session and after a failed one (whose environment was freed). The test sets and reads
    /// the state with GLPK directly, outside any session, as another library would.
    func testTerminalOutputStateIsRestored() throws {
        var model = LinearModel()
        let x = model.addVariable(name: "x", objective: 1)
        model.addConstraint(name: "c", terms: [(x, 1)], .greaterOrEqual(3))
        var options = SolveOptions()
        options.output = { _ in }
        _ = glp_term_out(GLP_OFF)
        defer { _ = glp_term_out(GLP_ON) }
        _ = try GLPKSolver.solve(model, options: options)
        XCTAssertEqual(glp_term_out(GLP_OFF), GLP_OFF)
        XCTAssertThrowsError(try withGLPK { session in guarded_glp_set_col_bnds(try session.createProblem(), 3, GLP_LO, 0, 0) })
        XCTAssertEqual(glp_term_out(GLP_OFF), GLP_OFF)
        _ = glp_term_out(GLP_ON)
        _ = try GLPKSolver.solve(model, options: options)
        XCTAssertEqual(glp_term_out(GLP_ON), GLP_ON)
    }

    /// Every GLPK routine of the layer is called through the shim's guarded wrappers: a direct
    /// `glp_` call would let GLPK's error jump cross Swift frames.
    func testTheLayerCallsGLPKOnlyThroughTheGuard() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/LinearProgramming").standardized
        let files = try FileManager.default.contentsOfDirectory(at: sources, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "swift" }
        XCTAssertFalse(files.isEmpty)
        let call = try NSRegularExpression(pattern: #"(?<![A-Za-z_])glp_[a-z_]+\s*\("#)
        var direct: [String] = []
        for file in files {
            for (number, line) in try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n").enumerated() {
                let code = line.components(separatedBy: "//")[0]
                for match in call.matches(in: code, range: NSRange(code.startIndex..., in: code)) {
                    let name = (code as NSString).substring(with: match.range)
                    if name.hasPrefix("glp_smcp") || name.hasPrefix("glp_iocp") { continue }  // C structs
                    direct.append("\(file.lastPathComponent):\(number + 1): \(name)")
                }
            }
        }
        XCTAssertEqual(direct, [])
    }

    /// A 0-1 knapsack with deterministic pseudo-random data: maximize value within weight
    /// limits. Non-integer values, so that branch-and-cut needs many nodes.
    static func knapsack(items: Int, seed: UInt64, limits: Int = 2) -> LinearModel {
        var state = seed
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 33) / Double(1 << 31)
        }
        var model = LinearModel(name: "knapsack\(seed)", direction: .maximize)
        let take = (0..<items).map { model.addVariable(name: "take\($0)", kind: .binary, objective: 10 + 90 * next()) }
        for l in 0..<limits {
            let weights = take.map { _ in 5 + 45 * next() }
            model.addConstraint(name: "limit\(l)", variables: take, coefficients: weights, .lessOrEqual(weights.reduce(0, +) / 2))
        }
        return model
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
                _ = try? withGLPK { session in guarded_glp_set_col_bnds(try session.createProblem(), 7, GLP_LO, 0, 0) }
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

    /// Branch-and-cut on several threads at once: each has its own session and callback; a
    /// cancelled token stops only the solves that hold it, and the others match a serial solve.
    func testConcurrentBranchAndCutWithCancellation() throws {
        let model = Self.knapsack(items: 40, seed: 7)
        let alone = try GLPKSolver.solve(model)
        let cancelled = SolveCancellation()
        cancelled.cancel()
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var terminations = [Int: TerminationReason]()
            var objectives = [Int: Double]()
            var failures = [String]()
        }
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 6) { k in
            var options = SolveOptions()
            if k % 2 == 1 { options.mip.cancellation = cancelled }
            do {
                let solution = try GLPKSolver.solve(model, options: options)
                results.lock.withLock {
                    results.terminations[k] = solution.termination
                    results.objectives[k] = solution.objectiveValue
                }
            } catch {
                results.lock.withLock { results.failures.append("\(error)") }
            }
        }
        XCTAssertEqual(results.failures, [])
        for k in 0..<6 {
            if k % 2 == 1 {
                XCTAssertEqual(results.terminations[k], .cancelled)
            } else {
                XCTAssertEqual(results.terminations[k], .optimal)
                XCTAssertEqual(results.objectives[k]!, alone.objectiveValue!, accuracy: 1e-9 * abs(alone.objectiveValue!))
            }
        }
    }
}
