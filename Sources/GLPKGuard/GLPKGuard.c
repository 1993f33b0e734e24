// The one place where GLPK's error recovery meets setjmp/longjmp.
#include "GLPKGuard.h"

#include <glpk.h>
#include <setjmp.h>
#include <string.h>

// GLPK keeps its environment per thread (glp_config("TLS") is _Thread_local on Debian's
// build), so the guard's state is per thread as well.
typedef struct {
    jmp_buf jump;
    capplan_glpk_line_sink sink;
    void *sink_context;
    char line[4096];      // current, unfinished line of terminal output
    size_t line_length;
    char tail[2048];      // the last complete lines, for the error message
    size_t tail_length;
} guard_state;

static _Thread_local guard_state *current_guard = NULL;

static void remember_line(guard_state *state, const char *line, size_t length) {
    // Keep the most recent lines: an error message is printed as two or three lines.
    size_t needed = length + 1;
    if (needed >= sizeof(state->tail)) {
        line += needed - sizeof(state->tail) + 1;
        length = sizeof(state->tail) - 2;
        needed = length + 1;
    }
    if (state->tail_length + needed >= sizeof(state->tail)) {
        size_t drop = state->tail_length + needed - sizeof(state->tail) + 1;
        memmove(state->tail, state->tail + drop, state->tail_length - drop);
        state->tail_length -= drop;
    }
    memcpy(state->tail + state->tail_length, line, length);
    state->tail_length += length;
    state->tail[state->tail_length++] = '\n';
    state->tail[state->tail_length] = '\0';
}

static void flush_line(guard_state *state) {
    state->line[state->line_length] = '\0';
    remember_line(state, state->line, state->line_length);
    if (state->sink != NULL) {
        state->sink(state->sink_context, state->line);
    }
    state->line_length = 0;
}

// glp_term_hook receives fragments, not lines: buffer them up to each newline.
static int terminal_hook(void *info, const char *text) {
    guard_state *state = (guard_state *)info;
    for (const char *c = text; *c != '\0'; c++) {
        if (*c == '\n') {
            flush_line(state);
        } else {
            if (state->line_length + 1 >= sizeof(state->line)) {
                flush_line(state);
            }
            state->line[state->line_length++] = *c;
        }
    }
    return 1;  // non-zero: GLPK does not print it itself
}

static void error_hook(void *info) {
    guard_state *state = (guard_state *)info;
    longjmp(state->jump, 1);
}

int capplan_glpk_run_guarded(capplan_glpk_body body, void *context,
                             capplan_glpk_line_sink sink, void *sink_context,
                             char *message, size_t message_capacity) {
    guard_state state;
    memset(&state, 0, sizeof(state));
    state.sink = sink;
    state.sink_context = sink_context;
    guard_state *previous = current_guard;
    current_guard = &state;
    if (message != NULL && message_capacity > 0) {
        message[0] = '\0';
    }

    // volatile: read after longjmp.
    volatile int failed = 0;
    if (setjmp(state.jump) == 0) {
        glp_term_out(GLP_ON);
        glp_term_hook(terminal_hook, &state);
        glp_error_hook(error_hook, &state);
        body(context);
    } else {
        failed = 1;
    }

    if (state.line_length > 0) {
        flush_line(&state);
    }
    if (failed) {
        if (message != NULL && message_capacity > 0) {
            size_t length = state.tail_length < message_capacity - 1 ? state.tail_length : message_capacity - 1;
            memcpy(message, state.tail, length);
            message[length] = '\0';
        }
        // After glp_error the environment is unusable; GLPK's documented recovery is to
        // free it. The next GLPK call on this thread creates a fresh one.
        glp_free_env();
    }
    current_guard = previous;
    if (previous != NULL) {
        // A guard nested in another: hand the hooks back to the outer one.
        glp_term_out(GLP_ON);
        glp_term_hook(terminal_hook, previous);
        glp_error_hook(error_hook, previous);
    } else if (!failed) {
        glp_error_hook(NULL, NULL);
        glp_term_hook(NULL, NULL);
    }
    return failed;
}
