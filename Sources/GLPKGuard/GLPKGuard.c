// The one place where GLPK's error recovery meets setjmp/longjmp (see GLPKGuard.h).
#include "GLPKGuard.h"

#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// GLPK keeps its environment per thread (glp_config("TLS") is _Thread_local on Debian's
// build), so the session is per thread as well.
typedef struct {
    int active;
    int failed;
    // The innermost wrapper's jump point; NULL when no wrapper is running. The error hook jumps
    // only here, so the jump never leaves the wrapper's own frame.
    jmp_buf *jump;
    capplan_glpk_line_sink sink;
    void *sink_context;
    int previous_terminal_output;
    char line[4096];  // current, unfinished line of terminal output
    size_t line_length;
    char tail[2048];  // the last complete lines, for the error message
    size_t tail_length;
    // Every problem created in the session and not yet deleted.
    glp_prob **problems;
    size_t problem_count;
    size_t problem_capacity;
} guard_session;

static _Thread_local guard_session session;

static void remember_line(guard_session *state, const char *line, size_t length) {
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

static void flush_line(guard_session *state) {
    state->line[state->line_length] = '\0';
    remember_line(state, state->line, state->line_length);
    if (state->sink != NULL) {
        // The sink is Swift; it returns before GLPK goes on, so no jump crosses it.
        state->sink(state->sink_context, state->line);
    }
    state->line_length = 0;
}

// glp_term_hook receives fragments, not lines: buffer them up to each newline.
static int terminal_hook(void *info, const char *text) {
    guard_session *state = (guard_session *)info;
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
    guard_session *state = (guard_session *)info;
    state->failed = 1;
    if (state->jump != NULL) {
        longjmp(*state->jump, 1);
    }
    // GLPK called outside a wrapper (a bug of this file): nothing safe to return to, and
    // returning lets GLPK abort, which is what it would do without the hook.
}

int capplan_glpk_session_begin(capplan_glpk_line_sink sink, void *sink_context) {
    if (session.active) {
        return CAPPLAN_GLPK_SESSION_NESTED;
    }
    memset(&session, 0, sizeof(session));
    session.active = 1;
    session.sink = sink;
    session.sink_context = sink_context;
    // These three cannot raise a GLPK error (only a failed allocation of the environment
    // itself, which aborts in any case).
    session.previous_terminal_output = glp_term_out(GLP_ON);
    glp_term_hook(terminal_hook, &session);
    glp_error_hook(error_hook, &session);
    return CAPPLAN_GLPK_SESSION_STARTED;
}

static void delete_remaining_problems(void);

int capplan_glpk_session_end(char *message, size_t message_capacity) {
    if (!session.active) {
        return 1;
    }
    if (message != NULL && message_capacity > 0) {
        message[0] = '\0';
    }
    delete_remaining_problems();  // guarded: may still fail the session
    if (session.line_length > 0) {
        flush_line(&session);
    }
    int failed = session.failed;
    if (failed && message != NULL && message_capacity > 0) {
        size_t length = session.tail_length < message_capacity - 1 ? session.tail_length : message_capacity - 1;
        memcpy(message, session.tail, length);
        message[length] = '\0';
    }
    // The environment is freed at the end of every session. After glp_error it is unusable,
    // and freeing it is GLPK's documented recovery (it frees every object of the thread). After
    // a normal session it holds nothing of ours (the problems are deleted above), and GLPK
    // never frees it when the thread exits: LeakSanitizer found 5,296 bytes left by every
    // thread that had solved. The next session creates a fresh one.
    glp_free_env();
    if (session.previous_terminal_output != GLP_ON) {
        glp_term_out(session.previous_terminal_output);  // a fresh environment starts ON
    }
    free(session.problems);
    memset(&session, 0, sizeof(session));
    return failed;
}

int capplan_glpk_session_failed(void) { return !session.active || session.failed; }

int capplan_glpk_session_active(void) { return session.active; }

// MARK: Wrappers

// GUARDED_CALL(fail, statement): when the session has failed (or none is active) returns
// `fail` without calling GLPK; otherwise runs `statement` with this frame's jump point as the
// innermost one, and returns `fail` if GLPK raised an error in it. `outer` is set before
// setjmp and never changed after it, so it is valid after the jump.
#define GUARDED_CALL(fail, statement)                      \
    if (!session.active || session.failed) return fail;    \
    jmp_buf here;                                          \
    jmp_buf *outer = session.jump;                         \
    if (setjmp(here) != 0) {                               \
        session.jump = outer;                              \
        return fail;                                       \
    }                                                      \
    session.jump = &here;                                  \
    statement;                                             \
    session.jump = outer;

#define GUARDED_VOID(name, params, args) \
    void guarded_##name params { GUARDED_CALL(, name args) }

#define GUARDED_VALUE(type, fail, name, params, args) \
    type guarded_##name params {                      \
        type result;                                  \
        GUARDED_CALL(fail, result = name args)        \
        return result;                                \
    }

static void delete_remaining_problems(void) {
    while (session.problem_count > 0 && !session.failed) {
        guarded_glp_delete_prob(session.problems[session.problem_count - 1]);
    }
}

glp_prob *guarded_glp_create_prob(void) {
    if (!session.active || session.failed) return NULL;
    if (session.problem_count == session.problem_capacity) {
        size_t capacity = session.problem_capacity == 0 ? 8 : 2 * session.problem_capacity;
        glp_prob **grown = realloc(session.problems, capacity * sizeof(glp_prob *));
        if (grown == NULL) return NULL;
        session.problems = grown;
        session.problem_capacity = capacity;
    }
    glp_prob *problem;
    GUARDED_CALL(NULL, problem = glp_create_prob())
    session.problems[session.problem_count++] = problem;
    return problem;
}

void guarded_glp_delete_prob(glp_prob *P) {
    if (!session.active || session.failed) return;
    for (size_t k = session.problem_count; k > 0; k--) {
        if (session.problems[k - 1] == P) {
            session.problems[k - 1] = session.problems[--session.problem_count];
            GUARDED_CALL(, glp_delete_prob(P))
            return;
        }
    }
}

GUARDED_VOID(glp_set_prob_name, (glp_prob *P, const char *name), (P, name))
GUARDED_VALUE(const char *, NULL, glp_get_prob_name, (glp_prob *P), (P))
GUARDED_VOID(glp_set_obj_dir, (glp_prob *P, int dir), (P, dir))
GUARDED_VALUE(int, 0, glp_get_obj_dir, (glp_prob *P), (P))
GUARDED_VALUE(int, 0, glp_add_rows, (glp_prob *P, int nrs), (P, nrs))
GUARDED_VALUE(int, 0, glp_add_cols, (glp_prob *P, int ncs), (P, ncs))
GUARDED_VOID(glp_set_row_name, (glp_prob *P, int i, const char *name), (P, i, name))
GUARDED_VOID(glp_set_col_name, (glp_prob *P, int j, const char *name), (P, j, name))
GUARDED_VALUE(const char *, NULL, glp_get_row_name, (glp_prob *P, int i), (P, i))
GUARDED_VALUE(const char *, NULL, glp_get_col_name, (glp_prob *P, int j), (P, j))
GUARDED_VOID(glp_set_row_bnds, (glp_prob *P, int i, int type, double lb, double ub), (P, i, type, lb, ub))
GUARDED_VOID(glp_set_col_bnds, (glp_prob *P, int j, int type, double lb, double ub), (P, j, type, lb, ub))
GUARDED_VOID(glp_set_obj_coef, (glp_prob *P, int j, double coef), (P, j, coef))
GUARDED_VOID(glp_set_mat_row, (glp_prob *P, int i, int len, const int ind[], const double val[]), (P, i, len, ind, val))
GUARDED_VOID(glp_load_matrix, (glp_prob *P, int ne, const int ia[], const int ja[], const double ar[]), (P, ne, ia, ja, ar))
GUARDED_VOID(glp_del_rows, (glp_prob *P, int nrs, const int num[]), (P, nrs, num))
GUARDED_VOID(glp_set_col_kind, (glp_prob *P, int j, int kind), (P, j, kind))
GUARDED_VALUE(int, 0, glp_get_col_kind, (glp_prob *P, int j), (P, j))
GUARDED_VALUE(int, 0, glp_get_num_rows, (glp_prob *P), (P))
GUARDED_VALUE(int, 0, glp_get_num_cols, (glp_prob *P), (P))
GUARDED_VALUE(int, 0, glp_get_row_type, (glp_prob *P, int i), (P, i))
GUARDED_VALUE(double, NAN, glp_get_row_lb, (glp_prob *P, int i), (P, i))
GUARDED_VALUE(double, NAN, glp_get_row_ub, (glp_prob *P, int i), (P, i))
GUARDED_VALUE(int, 0, glp_get_col_type, (glp_prob *P, int j), (P, j))
GUARDED_VALUE(double, NAN, glp_get_col_lb, (glp_prob *P, int j), (P, j))
GUARDED_VALUE(double, NAN, glp_get_col_ub, (glp_prob *P, int j), (P, j))
GUARDED_VALUE(double, NAN, glp_get_obj_coef, (glp_prob *P, int j), (P, j))
GUARDED_VALUE(int, 0, glp_get_mat_col, (glp_prob *P, int j, int ind[], double val[]), (P, j, ind, val))
GUARDED_VOID(glp_scale_prob, (glp_prob *P, int flags), (P, flags))
GUARDED_VOID(glp_unscale_prob, (glp_prob *P), (P))
GUARDED_VOID(glp_std_basis, (glp_prob *P), (P))
GUARDED_VOID(glp_adv_basis, (glp_prob *P, int flags), (P, flags))
GUARDED_VALUE(int, 0, glp_bf_exists, (glp_prob *P), (P))
GUARDED_VOID(glp_init_smcp, (glp_smcp *parm), (parm))
GUARDED_VALUE(int, CAPPLAN_GLPK_FAILED, glp_simplex, (glp_prob *P, const glp_smcp *parm), (P, parm))
GUARDED_VALUE(int, 0, glp_get_status, (glp_prob *P), (P))
GUARDED_VALUE(int, 0, glp_get_prim_stat, (glp_prob *P), (P))
GUARDED_VALUE(int, 0, glp_get_dual_stat, (glp_prob *P), (P))
GUARDED_VALUE(double, NAN, glp_get_obj_val, (glp_prob *P), (P))
GUARDED_VALUE(int, 0, glp_get_row_stat, (glp_prob *P, int i), (P, i))
GUARDED_VALUE(int, 0, glp_get_col_stat, (glp_prob *P, int j), (P, j))
GUARDED_VOID(glp_set_row_stat, (glp_prob *P, int i, int stat), (P, i, stat))
GUARDED_VOID(glp_set_col_stat, (glp_prob *P, int j, int stat), (P, j, stat))
GUARDED_VALUE(double, NAN, glp_get_row_prim, (glp_prob *P, int i), (P, i))
GUARDED_VALUE(double, NAN, glp_get_row_dual, (glp_prob *P, int i), (P, i))
GUARDED_VALUE(double, NAN, glp_get_col_prim, (glp_prob *P, int j), (P, j))
GUARDED_VALUE(double, NAN, glp_get_col_dual, (glp_prob *P, int j), (P, j))
GUARDED_VALUE(int, 0, glp_get_it_cnt, (glp_prob *P), (P))
GUARDED_VOID(glp_init_iocp, (glp_iocp *parm), (parm))
GUARDED_VALUE(int, 0, glp_mip_status, (glp_prob *P), (P))
GUARDED_VALUE(double, NAN, glp_mip_obj_val, (glp_prob *P), (P))
GUARDED_VALUE(double, NAN, glp_mip_row_val, (glp_prob *P, int i), (P, i))
GUARDED_VALUE(double, NAN, glp_mip_col_val, (glp_prob *P, int j), (P, j))
GUARDED_VALUE(int, CAPPLAN_GLPK_FAILED, glp_read_mps, (glp_prob *P, int fmt, const glp_mpscp *parm, const char *fname), (P, fmt, parm, fname))
GUARDED_VALUE(int, CAPPLAN_GLPK_FAILED, glp_write_mps, (glp_prob *P, int fmt, const glp_mpscp *parm, const char *fname), (P, fmt, parm, fname))
GUARDED_VALUE(int, CAPPLAN_GLPK_FAILED, glp_read_lp, (glp_prob *P, const glp_cpxcp *parm, const char *fname), (P, parm, fname))
GUARDED_VALUE(int, CAPPLAN_GLPK_FAILED, glp_write_lp, (glp_prob *P, const glp_cpxcp *parm, const char *fname), (P, parm, fname))

const char *capplan_glpk_version(void) {
    const char *version;
    GUARDED_CALL("unknown", version = glp_version())
    return version;
}

// MARK: Cancellation

struct capplan_cancellation {
    atomic_int requested;
};

capplan_cancellation *capplan_cancellation_create(void) {
    capplan_cancellation *flag = malloc(sizeof(capplan_cancellation));
    if (flag != NULL) {
        atomic_init(&flag->requested, 0);
    }
    return flag;
}

void capplan_cancellation_destroy(capplan_cancellation *flag) { free(flag); }

void capplan_cancellation_request(capplan_cancellation *flag) {
    if (flag != NULL) {
        atomic_store(&flag->requested, 1);
    }
}

int capplan_cancellation_requested(const capplan_cancellation *flag) {
    return flag != NULL && atomic_load(&((capplan_cancellation *)flag)->requested) != 0;
}

// MARK: Branch-and-cut

// Runs inside glp_intopt, inside capplan_glpk_intopt's wrapper frame: a GLPK error here jumps
// to that frame across C frames only.
static void branch_and_cut_callback(glp_tree *tree, void *info) {
    capplan_branch_and_cut *control = (capplan_branch_and_cut *)info;
    int reason = glp_ios_reason(tree);
    if (capplan_cancellation_requested(control->cancellation)) {
        control->stopped_by_cancellation = 1;
        glp_ios_terminate(tree);
        return;
    }
    if (reason == GLP_IHEUR && control->starting_solution != NULL && !control->offered_start) {
        control->offered_start = 1;
        // Non-zero: GLPK rejected the point (not better than the incumbent); nothing to do.
        control->start_accepted = glp_ios_heur_sol(tree, control->starting_solution) == 0;
        return;
    }
    if (reason != GLP_IBINGO && reason != GLP_ISELECT) {
        return;
    }
    int active = 0, current = 0, total = 0;
    glp_ios_tree_size(tree, &active, &current, &total);
    control->total_nodes = total;
    int node = glp_ios_best_node(tree);
    if (node != 0) {
        // A node whose LP is not solved yet has the bound -DBL_MAX (+DBL_MAX when maximizing):
        // the root at the first selection, before any LP of the tree. That is no bound.
        double bound = glp_ios_node_bound(tree, node);
        if (fabs(bound) < DBL_MAX) {
            control->best_bound = bound;
            control->has_bound = 1;
        }
    }
    if (control->has_target) {
        // At a new incumbent, and at the next selection after a starting point was accepted
        // (glp_ios_heur_sol records it without GLP_IBINGO).
        glp_prob *problem = glp_ios_get_prob(tree);
        int status = glp_mip_status(problem);
        if (status == GLP_FEAS || status == GLP_OPT) {
            double incumbent = glp_mip_obj_val(problem);
            int better = glp_get_obj_dir(problem) == GLP_MAX ? incumbent > control->target : incumbent < control->target;
            if (better) {
                control->stopped_by_target = 1;
                glp_ios_terminate(tree);
                return;
            }
        }
    }
    // Not at the root's selection: its LP, cuts and the starting point come after it.
    if (reason == GLP_ISELECT && control->has_incumbent_deadline && total > 1
        && capplan_monotonic_seconds() >= control->incumbent_deadline) {
        int status = glp_mip_status(glp_ios_get_prob(tree));
        if (status != GLP_FEAS && status != GLP_OPT) {
            control->stopped_by_incumbent_deadline = 1;
            glp_ios_terminate(tree);
            return;
        }
    }
    if (reason == GLP_ISELECT && control->node_limit > 0 && total >= control->node_limit) {
        control->stopped_by_node_limit = 1;
        glp_ios_terminate(tree);
        return;
    }
    if (control->progress != NULL) {
        capplan_mip_progress progress;
        memset(&progress, 0, sizeof(progress));
        glp_prob *problem = glp_ios_get_prob(tree);
        int status = glp_mip_status(problem);
        if (status == GLP_FEAS || status == GLP_OPT) {
            progress.has_incumbent = 1;
            progress.incumbent = glp_mip_obj_val(problem);
            progress.gap = glp_ios_mip_gap(tree);
        }
        progress.has_bound = control->has_bound;
        progress.bound = control->best_bound;
        progress.active_nodes = active;
        progress.total_nodes = total;
        progress.new_incumbent = reason == GLP_IBINGO;
        // Swift, with plain numbers; it returns before GLPK goes on.
        control->progress(control->progress_context, &progress);
        if (session.failed && session.jump != NULL) {
            // Only reachable if the callee broke the rule and called GLPK: leave glp_intopt
            // the way an error inside it would.
            longjmp(*session.jump, 1);
        }
    }
}

double capplan_monotonic_seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec * 1e-9;
}

int capplan_glpk_intopt(glp_prob *P, glp_iocp *parm, capplan_branch_and_cut *control) {
    parm->cb_func = branch_and_cut_callback;
    parm->cb_info = control;
    int result;
    GUARDED_CALL(CAPPLAN_GLPK_FAILED, result = glp_intopt(P, parm))
    return result;
}
