#ifndef CAPPLAN_GLPK_GUARD_H
#define CAPPLAN_GLPK_GUARD_H

// The only door to GLPK. docs/lp-layer.md ("GLPK never aborts the process") gives the argument
// in full; in short:
//
// - A *session* (`capplan_glpk_session_begin` ... `capplan_glpk_session_end`) owns the thread's
//   GLPK environment for its duration: it installs GLPK's error and terminal hooks, owns every
//   problem created in it, and restores the terminal state and removes the hooks at its end. A
//   session inside a session on the same thread is refused.
// - Every GLPK function is called through a `guarded_glp_*` wrapper below. Each wrapper sets its
//   own jump point (`setjmp`) in its own C frame and calls GLPK; GLPK's error hook jumps back to
//   the innermost such point. The jump therefore crosses only that wrapper's frame and GLPK's,
//   never a Swift frame: Swift code only ever runs *outside* a wrapper call, or in a callback
//   that returns before GLPK goes on.
// - After an error the session is *failed*: every wrapper returns at once without calling GLPK
//   (returning the value documented as `CAPPLAN_GLPK_FAILED`, NaN, NULL or 0), so the Swift code
//   unwinds normally (its `defer`s run, its references are released); the session's end frees
//   the environment with `glp_free_env` (GLPK's documented recovery), which frees every object.

#include <glpk.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Returned by wrappers of GLPK routines that return a code, when the session has failed.
#define CAPPLAN_GLPK_FAILED (-1)

/// Receives one complete line of GLPK terminal output (without the newline).
typedef void (*capplan_glpk_line_sink)(void *context, const char *line);

/// `capplan_glpk_session_begin` results.
enum {
    CAPPLAN_GLPK_SESSION_STARTED = 0,
    /// A session is already active on this thread; nothing was changed.
    CAPPLAN_GLPK_SESSION_NESTED = 1,
};

/// Starts a session on this thread: turns GLPK's terminal output on (remembering its previous
/// state), sends complete lines to `sink` (dropped when NULL; never to stdout), and installs the
/// error hook. Refuses, changing nothing, when a session is already active on this thread.
int capplan_glpk_session_begin(capplan_glpk_line_sink sink, void *sink_context);

/// Ends this thread's session. Returns 0 when GLPK raised no error in it: the problems still
/// alive are deleted, the hooks removed and the terminal output state restored. Returns 1 when
/// GLPK raised an error: the environment is freed with `glp_free_env` (which frees every GLPK
/// object of the thread), the previous terminal output state is restored, and GLPK's last lines
/// of output (its error message) are copied into `message`.
int capplan_glpk_session_end(char *message, size_t message_capacity);

/// 1 when GLPK raised an error in this thread's session (or no session is active).
int capplan_glpk_session_failed(void);

/// 1 when a session is active on this thread.
int capplan_glpk_session_active(void);

// MARK: Cancellation

/// A flag another thread or a signal handler sets to stop a solve (a lock-free atomic: setting
/// it is async-signal-safe).
typedef struct capplan_cancellation capplan_cancellation;
capplan_cancellation *capplan_cancellation_create(void);
void capplan_cancellation_destroy(capplan_cancellation *flag);
void capplan_cancellation_request(capplan_cancellation *flag);
int capplan_cancellation_requested(const capplan_cancellation *flag);

// MARK: Branch-and-cut

/// What the branch-and-cut callback reports, as plain numbers.
typedef struct {
    int has_incumbent;
    double incumbent;
    int has_bound;       // as in capplan_branch_and_cut: only a finite bound
    double bound;
    double gap;          // glp_ios_mip_gap, valid with an incumbent
    int active_nodes;
    int total_nodes;
    int new_incumbent;   // 1 at GLP_IBINGO
} capplan_mip_progress;

/// Control of `capplan_glpk_intopt`. The callback is C: it reads the tree, offers the starting
/// point, applies the node limit, the objective target and the cancellation flag, and hands
/// `progress` plain numbers.
/// `progress` must not call GLPK (it cannot: a session inside the session is refused).
typedef struct {
    // In.
    const double *starting_solution;     // 1-based (index 0 unused), or NULL
    int node_limit;                       // stop once this many nodes exist; 0 for none
    int has_target;                       // 1: stop once the incumbent is better than target
    double target;                        // (below it when minimizing, above when maximizing)
    int has_incumbent_deadline;           // 1: stop at a selection after the root's, past
    double incumbent_deadline;            // incumbent_deadline (capplan_monotonic_seconds), without an incumbent
    const capplan_cancellation *cancellation;  // may be NULL
    void (*progress)(void *context, const capplan_mip_progress *progress);  // may be NULL
    void *progress_context;
    // Out.
    int offered_start;
    int start_accepted;
    int has_bound;             // 1 once a node's LP is solved: best_bound is then finite
    double best_bound;
    int total_nodes;
    int stopped_by_node_limit;
    int stopped_by_cancellation;
    int stopped_by_target;
    int stopped_by_incumbent_deadline;
} capplan_branch_and_cut;

/// Seconds on a monotonic clock (CLOCK_MONOTONIC), for `incumbent_deadline`.
double capplan_monotonic_seconds(void);

/// `glp_intopt` with CapPlan's callback (`parm->cb_func`/`cb_info` are overwritten).
int capplan_glpk_intopt(glp_prob *P, glp_iocp *parm, capplan_branch_and_cut *control);

/// GLPK's version string; "unknown" outside a session or after a failure.
const char *capplan_glpk_version(void);

// MARK: Guarded GLPK routines (same parameters as the `glp_` routine of the same name)

glp_prob *guarded_glp_create_prob(void);
/// Deletes a problem created in this session (no-op for any other pointer).
void guarded_glp_delete_prob(glp_prob *P);
void guarded_glp_set_prob_name(glp_prob *P, const char *name);
const char *guarded_glp_get_prob_name(glp_prob *P);
void guarded_glp_set_obj_dir(glp_prob *P, int dir);
int guarded_glp_get_obj_dir(glp_prob *P);
int guarded_glp_add_rows(glp_prob *P, int nrs);
int guarded_glp_add_cols(glp_prob *P, int ncs);
void guarded_glp_set_row_name(glp_prob *P, int i, const char *name);
void guarded_glp_set_col_name(glp_prob *P, int j, const char *name);
const char *guarded_glp_get_row_name(glp_prob *P, int i);
const char *guarded_glp_get_col_name(glp_prob *P, int j);
void guarded_glp_set_row_bnds(glp_prob *P, int i, int type, double lb, double ub);
void guarded_glp_set_col_bnds(glp_prob *P, int j, int type, double lb, double ub);
void guarded_glp_set_obj_coef(glp_prob *P, int j, double coef);
void guarded_glp_set_mat_row(glp_prob *P, int i, int len, const int ind[], const double val[]);
void guarded_glp_load_matrix(glp_prob *P, int ne, const int ia[], const int ja[], const double ar[]);
void guarded_glp_del_rows(glp_prob *P, int nrs, const int num[]);
void guarded_glp_set_col_kind(glp_prob *P, int j, int kind);
int guarded_glp_get_col_kind(glp_prob *P, int j);
int guarded_glp_get_num_rows(glp_prob *P);
int guarded_glp_get_num_cols(glp_prob *P);
int guarded_glp_get_row_type(glp_prob *P, int i);
double guarded_glp_get_row_lb(glp_prob *P, int i);
double guarded_glp_get_row_ub(glp_prob *P, int i);
int guarded_glp_get_col_type(glp_prob *P, int j);
double guarded_glp_get_col_lb(glp_prob *P, int j);
double guarded_glp_get_col_ub(glp_prob *P, int j);
double guarded_glp_get_obj_coef(glp_prob *P, int j);
int guarded_glp_get_mat_col(glp_prob *P, int j, int ind[], double val[]);
void guarded_glp_scale_prob(glp_prob *P, int flags);
void guarded_glp_unscale_prob(glp_prob *P);
void guarded_glp_std_basis(glp_prob *P);
void guarded_glp_adv_basis(glp_prob *P, int flags);
int guarded_glp_bf_exists(glp_prob *P);
void guarded_glp_init_smcp(glp_smcp *parm);
int guarded_glp_simplex(glp_prob *P, const glp_smcp *parm);
int guarded_glp_get_status(glp_prob *P);
int guarded_glp_get_prim_stat(glp_prob *P);
int guarded_glp_get_dual_stat(glp_prob *P);
double guarded_glp_get_obj_val(glp_prob *P);
int guarded_glp_get_row_stat(glp_prob *P, int i);
int guarded_glp_get_col_stat(glp_prob *P, int j);
void guarded_glp_set_row_stat(glp_prob *P, int i, int stat);
void guarded_glp_set_col_stat(glp_prob *P, int j, int stat);
double guarded_glp_get_row_prim(glp_prob *P, int i);
double guarded_glp_get_row_dual(glp_prob *P, int i);
double guarded_glp_get_col_prim(glp_prob *P, int j);
double guarded_glp_get_col_dual(glp_prob *P, int j);
int guarded_glp_get_it_cnt(glp_prob *P);
void guarded_glp_init_iocp(glp_iocp *parm);
int guarded_glp_mip_status(glp_prob *P);
double guarded_glp_mip_obj_val(glp_prob *P);
double guarded_glp_mip_row_val(glp_prob *P, int i);
double guarded_glp_mip_col_val(glp_prob *P, int j);
int guarded_glp_read_mps(glp_prob *P, int fmt, const glp_mpscp *parm, const char *fname);
int guarded_glp_write_mps(glp_prob *P, int fmt, const glp_mpscp *parm, const char *fname);
int guarded_glp_read_lp(glp_prob *P, const glp_cpxcp *parm, const char *fname);
int guarded_glp_write_lp(glp_prob *P, const glp_cpxcp *parm, const char *fname);

#ifdef __cplusplus
}
#endif

#endif
