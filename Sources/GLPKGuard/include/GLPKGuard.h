#ifndef CAPPLAN_GLPK_GUARD_H
#define CAPPLAN_GLPK_GUARD_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The work run under the guard. Returns nothing: results travel through `context`.
typedef void (*capplan_glpk_body)(void *context);

/// Receives one complete line of GLPK terminal output (without the newline).
typedef void (*capplan_glpk_line_sink)(void *context, const char *line);

/// Runs `body(context)` with GLPK's error hook and terminal hook installed on this thread.
///
/// GLPK reports misuse (an index out of range, duplicate indices, a name that is too long...)
/// through `glp_error`, which calls `abort()` unless an error hook leaves by `longjmp`. Swift
/// cannot call `setjmp`, so the jump point lives here. When GLPK raises an error:
/// - the hook jumps back here, GLPK's environment of this thread is freed with `glp_free_env`
///   (this invalidates every GLPK object the thread created: `body` must own them all),
/// - the last lines GLPK printed (its error message) are copied into `message`,
/// - the function returns 1.
/// It returns 0 when `body` finished normally.
///
/// Terminal output never reaches stdout: complete lines go to `sink` when it is not NULL and
/// are dropped otherwise. The hooks are removed before returning.
int capplan_glpk_run_guarded(capplan_glpk_body body, void *context,
                             capplan_glpk_line_sink sink, void *sink_context,
                             char *message, size_t message_capacity);

#ifdef __cplusplus
}
#endif

#endif
