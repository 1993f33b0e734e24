import CGLPK
import GLPKGuard

// The one door to GLPK. Every GLPK routine of this module is called through a
// `guarded_glp_*` wrapper of the C shim (GLPKGuard), inside a session opened by `withGLPK`.
// The argument that GLPK's error `longjmp` never crosses a Swift frame is in docs/lp-layer.md;
// the rules it needs from Swift code:
// - call GLPK only through `guarded_glp_*` (or `capplan_glpk_*`); a test scans the sources;
// - create GLPK problems only with `guarded_glp_create_prob` inside `withGLPK`: the session owns
//   them and deletes any still alive when it ends, on every exit path;
// - after a GLPK error every wrapper returns at once without calling GLPK; `GLPKSession.check()`
//   throws so that long loops stop early, and `withGLPK` throws GLPK's message.

/// Where GLPK's terminal output goes, one complete line at a time.
public typealias GLPKOutputHandler = @Sendable (String) -> Void

/// The open GLPK session of the calling thread, handed to the body of `withGLPK`.
struct GLPKSession {
    /// Throws when GLPK raised an error in this session: every later GLPK call would do nothing.
    func check() throws {
        if capplan_glpk_session_failed() != 0 { throw SessionFailed() }
    }

    /// Creates a GLPK problem owned by the session.
    func createProblem() throws -> OpaquePointer {
        guard let problem = guarded_glp_create_prob() else { throw SessionFailed() }
        return problem
    }

    /// Deletes a problem before the session ends (the session deletes what is left).
    func delete(_ problem: OpaquePointer) { guarded_glp_delete_prob(problem) }

    /// Thrown inside the body after a GLPK error; `withGLPK` replaces it by GLPK's message.
    struct SessionFailed: Error {}
}

private final class OutputSink {
    let output: GLPKOutputHandler
    init(_ output: @escaping GLPKOutputHandler) { self.output = output }
}

/// Runs `body` in a GLPK session on the calling thread. A GLPK error becomes
/// `LinearProgrammingError.glpkInternalError` carrying GLPK's message (the thread's GLPK
/// environment is then freed and the next session starts afresh); a call made while a session
/// is already open on this thread (from an output handler or a progress callback) throws
/// `LinearProgrammingError.nestedGLPKCall` without touching GLPK.
func withGLPK<T>(output: GLPKOutputHandler? = nil, _ body: (GLPKSession) throws -> T) throws -> T {
    let sink = output.map(OutputSink.init)
    return try withExtendedLifetime(sink) {
        let context = sink.map { Unmanaged.passUnretained($0).toOpaque() }
        let started = capplan_glpk_session_begin(
            sink == nil ? nil : { pointer, line in
                Unmanaged<OutputSink>.fromOpaque(pointer!).takeUnretainedValue().output(String(cString: line!))
            },
            context)
        guard started == Int32(CAPPLAN_GLPK_SESSION_STARTED) else { throw LinearProgrammingError.nestedGLPKCall }
        let result = Result { try body(GLPKSession()) }
        var message = [CChar](repeating: 0, count: 2048)
        let failed = capplan_glpk_session_end(&message, message.count)
        if failed != 0 {
            let text = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw LinearProgrammingError.glpkInternalError(message: text)
        }
        if case .failure(let error) = result, error is GLPKSession.SessionFailed {
            // Only a failed allocation of the shim's problem list gets here.
            throw LinearProgrammingError.glpkInternalError(message: "out of memory creating a GLPK problem")
        }
        return try result.get()
    }
}

/// GLPK's version, as `glp_version()` reports it (e.g. "5.0"); the header's version when
/// asked while a GLPK session is open on this thread.
public var glpkVersion: String {
    (try? withGLPK { _ in String(cString: capplan_glpk_version()) }) ?? "\(GLP_MAJOR_VERSION).\(GLP_MINOR_VERSION)"
}
