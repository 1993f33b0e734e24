import CGLPK
import GLPKGuard

// The one door to GLPK. Every `glp_*` call of this module runs inside `withGLPK`, which
// installs GLPK's error hook (through the C shim `capplan_glpk_run_guarded`, since leaving
// the hook needs `longjmp` and Swift cannot `setjmp`) and its terminal hook.
//
// Rules for code inside the body, because a GLPK error leaves it by `longjmp`:
// - create every GLPK object inside the body and delete it there: after an error GLPK frees
//   the thread's whole environment, so nothing may outlive the body;
// - do not call `glp_*` while a Swift access to a class property, global or captured `var`
//   is in progress (call into a local `let`, then store), so that a jump never leaves a
//   Swift exclusivity record behind.

/// Where GLPK's terminal output goes, one complete line at a time.
public typealias GLPKOutputHandler = @Sendable (String) -> Void

private final class GuardContext {
    let work: () -> Void
    let output: GLPKOutputHandler?
    init(work: @escaping () -> Void, output: GLPKOutputHandler?) {
        self.work = work
        self.output = output
    }
}

/// Runs `body` with GLPK guarded. A GLPK error becomes `LinearProgrammingError.glpkInternalError`
/// carrying GLPK's message; the thread's GLPK environment is then freed, and the next call
/// works normally. Must not be nested.
func withGLPK<T>(output: GLPKOutputHandler? = nil, _ body: @escaping () throws -> T) throws -> T {
    // `body` is escaping on purpose: when GLPK jumps out of it, the references the skipped
    // frames held are never released, which `withoutActuallyEscaping` would trap on. That leak
    // (a few objects, on GLPK's error path only) is the price of not aborting.
    let box = ResultBox<T>()
    let context = GuardContext(work: { let r = Result { try body() }; box.result = r }, output: output)
    let unmanaged = Unmanaged.passRetained(context)
    defer { unmanaged.release() }
    var message = [CChar](repeating: 0, count: 2048)
    let failed = capplan_glpk_run_guarded(
        { pointer in
            Unmanaged<GuardContext>.fromOpaque(pointer!).takeUnretainedValue().work()
        },
        unmanaged.toOpaque(),
        output == nil ? nil : { pointer, line in
            let context = Unmanaged<GuardContext>.fromOpaque(pointer!).takeUnretainedValue()
            context.output?(String(cString: line!))
        },
        unmanaged.toOpaque(),
        &message, message.count)
    if failed != 0 {
        let text = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        throw LinearProgrammingError.glpkInternalError(message: text)
    }
    return try box.result!.get()
}

private final class ResultBox<T> {
    var result: Result<T, Error>?
}

/// GLPK's version, as `glp_version()` reports it (e.g. "5.0").
public var glpkVersion: String {
    String(cString: glp_version())
}
