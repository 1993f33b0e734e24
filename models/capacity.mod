/*
 * CapPlan capacity model in GNU MathProg: the twin of docs/formulation.md.
 *
 * Written independently of the Swift model builder, from the formulation alone, so the
 * two can check each other: for the same scenario both must reach the same optimal
 * objective (within 1e-6 relative).
 *
 *   glpsol -m models/capacity.mod -d DATA.dat
 *
 * DATA.dat is written by `capplan export SCENARIO --mathprog-data FILE`
 * (CapPlanKit: MathProgData.write). After solving, the model prints
 *   OBJECTIVE <discounted total cost, USD, constants included>
 *   PERIOD <label> capex .. energy .. fixedOpex .. rental .. api .. unservedPenalty .. platform .. (undiscounted)
 *   SALVAGE <undiscounted> <discounted>
 *   COMMITMENTS <undiscounted> <discounted>   (reserved contracts' rent after the horizon)
 *   BUY <offering> <period> <units>, START <rental> <period> <units> (contract starts)
 *
 * Notation (docs/formulation.md): periods p = 1..P of h hours (d = h/24 days); time slices
 * s (eta_s hours, share sigma_s); workloads w (demand D_wp tokens, output share phi_w);
 * purchases o (price c_o USD, lifetime L_o periods, power k_o kW, fixed opex g_o USD per
 * unit-period, throughput tau_ow tokens/s per unit); rentals o (pi_o USD per unit-hour);
 * APIs a (USD per million input / output tokens). Rates in tokens/s, money in USD.
 * Constraint families carry the names of docs/formulation.md, in its order: fleet, contract,
 * demand, ownedCapacity, rentedCapacity, replicaCapacity, minimumReplicas (with replicaInUse),
 * poolInUse, platformInUse, platformAdoption, apiRateLimit, powerCap, capitalBudget,
 * fiscalCapex, fiscalOpex.
 * Section 8 (contracts with terms, replicas, platforms, spare units and derating) is off for
 * data that does not use it: terms of 1, no replica pairs, no platforms, no margins.
 * Section 9: the serving pairs are serving options (o, w, pr), pr the precision of an option
 * the performance model derived, or 'given' for a throughput the scenario or catalog gives
 * (pr is the k of the formulation; k is the power per unit here). Every row the formulation
 * writes for a pair is written per option; rows that sum over pairs sum over options.
 * Section 10: training jobs j on their pools (JOBPOOLS), accelerators train[j,o,p,s] within the
 * job's window, a binary trainOn per slice and a binary pool choice per job; their load
 * U * train / G_o enters the capacity rows, and owned and reserved pools have room for its
 * cluster of M accelerators wherever it runs. Data without jobs gives the model of sections 1-9.
 * The formulation names both the pool column and the one-pool row `jobPool`; MathProg needs
 * distinct names, so the column is `jobPoolChosen` here (the row keeps `jobPool`).
 * With jobs the model also prints TRAIN <job> <offering> <period> <slice> <accelerators>.
 * Section 11 (each off unless the data sets it, so old data gives the model of sections 1-10):
 * per-workload shares sigma_w; deferrable workloads ALWAYS in the window form, with their reach
 * sets computed here from the slices' starts and H (the builder eliminates the flows of
 * day-deferrable workloads; the twin keeps them, so agreement checks the elimination) and the
 * serving bound Mserv in place of r in the rows x <= r * binary; spot rentals (in ONDEMAND) with
 * availability avail; caching (kappa, beta: tau' = tau / (1 - kappa beta); cin: the cached input
 * price in psi); price factors pf on every price; availability windows avail_from, avail_until
 * (no variable outside: bounds at 0); committed-use contracts kappa_a (binary) with the discount
 * earned and the shortfall paid. With contracts it prints APICOMMIT <label> <s - e> per period
 * and TAKE <api> for each contract taken. Names: the formulation's f (flows), e and s (discount
 * earned, shortfall) are `defer`, `earned` and `shortfall` here, because f names the fiscal
 * years, e the existing units and s the slices in this model; the platform index is `pl`, as pf
 * names the price factors.
 * Section 12 (demand cases, the two-stage extensive form): a set of cases c (CASES) with
 * probabilities prob (pi_c), demand Dc (D^c_wp) and a scale on every API price (apiScale). Every
 * variable and every row is indexed by case, its first index cs (the formulation's c: c is a
 * purchase's price here), the first stage (b, n, m, v and the contracts kappa_a) too: rows
 * nonanticipative tie each case's first stage to that of the first case of its node in the tree
 * of 12.6 (nodeLead; every case to firstCase unless the data gives a tree: the two-stage model
 * of 12.2, the builder's shared copy written the other way round). The objective is
 *   sum_c pi_c cost_c + lambda (cvarThreshold + 1/(1 - alpha) sum_c pi_c cvarExcess_c),
 *   cvarExcess_c >= cost_c - cvarThreshold (rows cvarExcessRow, the formulation's cvarExcess, named
 *   apart from the column; only when lambda > 0).
 * Data without cases has the one case 'base' with the scenario's demand and prices: the model of
 * sections 1-11, each name with the index 'base' first. With several cases the
 * model prints CASE <name> <probability> <cost_c> in place of the lines of one case (PERIOD,
 * TRAIN, APICOMMIT) and, when lambda > 0, CVAR <threshold> <1/(1 - alpha) sum_c pi_c excess_c>.
 */

/* ---------------------------------------------------------------- calendar */
param P integer >= 1;                 # number of periods
set PERIODS := 1..P;
param label{PERIODS} symbolic;        # period labels, e.g. 2027Q3
param h > 0;                          # hours per period
param d := h / 24;                    # days per period
param rho >= 0, < 1;                  # annual discount rate

/* ---------------------------------------------------------------- policy */
param cash binary;                    # 1: cash capex with salvage; 0: amortized capex
param integerUnits binary;            # 1: whole units bought and reserved
param U > 0, <= 1;                    # utilization cap on self-run capacity
param hasPenalty binary;              # 1: demand may go unserved at a penalty
param penalty >= 0;                   # USD per million unserved tokens

/* ---------------------------------------------------------------- demand */
set SLICES;                           # time slices of the representative day
param eta{SLICES} > 0;                # hours of the day in slice s (sum 24)
param sigma{SLICES} >= 0;             # share of the day's tokens in slice s (sum 1)
set WORKLOADS;
param phi{WORKLOADS} >= 0, <= 1;      # output share of tokens
param D{WORKLOADS, PERIODS} >= 0;     # tokens demanded in period p
# sigma_ws: the workload's own share of the day in slice s (11.1), else the slice's
param sigma_w{w in WORKLOADS, s in SLICES} >= 0 default sigma[s];

/* demand cases (section 12): without them, one case 'base' with D and the list prices */
set CASES default {'base'};
param prob{CASES} > 0, <= 1 default 1;                      # pi_c
param Dc{CASES, w in WORKLOADS, p in PERIODS} >= 0 default D[w,p];   # D^c_wp
param apiScale{CASES} > 0 default 1;                        # factor on every API price in c
param lambda >= 0 default 0;                                # CVaR weight
param alpha >= 0, < 1 default 0.9;                          # CVaR level
set RISK := if lambda > 0 then {1} else {};                 # the CVaR columns and rows exist
# the tree (12.6): nodeLead[c,t] is the first case of c's node at the start of period t; every
# case is in the first case's node unless the data says otherwise (here-and-now: 12.2)
param firstCase symbolic in CASES default 'base';
param nodeLead{CASES, PERIODS} symbolic in CASES default firstCase;
# demand rate, tokens/s
param r{cs in CASES, w in WORKLOADS, p in PERIODS, s in SLICES} := Dc[cs,w,p] * sigma_w[w,s] / (d * eta[s] * 3600);

/* deferrable workloads (11.2): H hours a token may wait; slices start at start[s] */
set DEFER within WORKLOADS default {};
param H{DEFER} > 0;
param start{SLICES} >= 0, < 24 default 0;
param gap{t in SLICES, t2 in SLICES} := (start[t2] - start[t]) mod 24;
param gapEnd{t in SLICES, t2 in SLICES} := (start[t2] + eta[t2] - start[t] - eta[t]) mod 24;
# (w, s, s2): tokens of w demanded in s may be served in s2 (always s itself; every slice when H >= 24)
set reach := {w in DEFER, t in SLICES, t2 in SLICES:
              t = t2 or H[w] >= 24 or max(gap[t,t2], gapEnd[t,t2]) <= H[w] + 1e-9};
# the largest rate w can usefully be served at in s2 (r for a workload that is not deferrable)
param Mserv{cs in CASES, w in WORKLOADS, p in PERIODS, t2 in SLICES} :=
    if w in DEFER then sum{t in SLICES: (w,t,t2) in reach} eta[t] * r[cs,w,p,t] / eta[t2] else r[cs,w,p,t2];

/* caching (11.4): hit rate of input tokens, prefill share of self-hosted serving time */
param kappa{WORKLOADS} >= 0, <= 1 default 0;
param beta{WORKLOADS} >= 0, < 1 default 0;

/* ---------------------------------------------------------------- site and budget */
param electricity >= 0;               # USD per kWh
param pue >= 1;                       # power usage effectiveness
param powerCapKW{PERIODS} default Infinity;   # IT power cap, kW (absent: no cap)
param capexBudget{PERIODS} default Infinity;  # cash for arrivals in p, USD (absent: no cap)

/* ---------------------------------------------------------------- purchases */
set BUY;
param c{BUY} >= 0;                    # USD per unit
param L{BUY} integer >= 1;            # lifetime, periods
param k{BUY} >= 0;                    # IT power per unit, kW
param g{BUY} >= 0;                    # fixed opex per unit and period in service, USD
param q0{BUY} integer >= 1;           # first arrival period: max(availableFrom index, 1 + lead time)
param q1{BUY} integer default P;      # last arrival period (availableUntil, 11.5); may fall outside 1..P
param bmax{BUY} default Infinity;     # maxUnitsPerPeriod
param leadTime{BUY} integer >= 0 default 0;   # leadTimePeriods: an arrival in q is ordered in q - leadTime (12.6)
param existing{BUY} >= 0;             # units owned at the start
param existingPeriods{BUY} integer >= 0;      # periods they remain in service
# section 13.1, each absent unless the data carries it in: further owned cohorts (o, i) with
# their units and remaining periods, and units ordered before the horizon arriving in q
set COHORTS dimen 2 default {o in BUY, i in 1..1: 0 = 1};         # (o, i): the i-th further cohort of purchase o
param cohortUnits{COHORTS} > 0;
param cohortPeriods{COHORTS} integer >= 1;
param F{BUY, PERIODS} >= 0 default 0;
# e_op: every owned cohort still in service
param e{o in BUY, p in PERIODS} := (if p <= existingPeriods[o] then existing[o] else 0)
    + sum{(o2,i) in COHORTS: o2 = o and p <= cohortPeriods[o2,i]} cohortUnits[o2,i];
# purchase o may arrive in period q; an order in flight arrives whatever the window
set ARRIVALS := {o in BUY, q in PERIODS: (q >= q0[o] and q <= q1[o]) or F[o,q] > 0};

/* ---------------------------------------------------------------- rentals */
set RESERVED;                         # commitment: period (units reserved for a whole period)
set ONDEMAND;                         # commitment: none or spot (average units per slice)
set RENT := RESERVED union ONDEMAND;
param pi{RENT} >= 0;                  # USD per unit-hour
param mmax{RENT} default Infinity;    # maxUnits
param T{RESERVED} integer >= 1 default 1;     # contract term, periods (8.1)
param upfront{RESERVED} >= 0 default 0;       # USD per unit when a contract starts
param avail{ONDEMAND} > 0, <= 1 default 1;    # alpha_o: share of a spot rental's hours that work (11.3)
# section 13.1: contracts signed before the horizon (o, i), units for their remaining periods
set INTERM dimen 2 default {o in RESERVED, i in 1..1: 0 = 1};          # (o, i): the i-th contract in term of reserved rental o
param inTermUnits{INTERM} > 0;
param inTermPeriods{INTERM} integer >= 1;
param C{o in RESERVED, p in PERIODS} := sum{(o2,i) in INTERM: o2 = o and p <= inTermPeriods[o2,i]} inTermUnits[o2,i];

/* ---------------------------------------------------------------- APIs */
set API;
param pin{API} >= 0;                  # USD per million input tokens
param pout{API} >= 0;                 # USD per million output tokens
param maxTPS{API} default Infinity;   # rate limit over all workloads, tokens/s
set APISERVE within {API, WORKLOADS}; # (a, w): API a serves workload w
param cin{a in API} >= 0 default pin[a];      # USD per million cached input tokens (11.4)

/* prices that move and availability windows (11.5), 1-based periods; may fall outside 1..P */
param pf{BUY union RENT union API, PERIODS} > 0 default 1;
param avail_from{RENT union API} integer default 1;
param avail_until{RENT union API} integer default P;
param open{o in RENT union API, p in PERIODS} := if p >= avail_from[o] and p <= avail_until[o] then 1 else 0;
# psi_awp * 10^6: USD per million tokens sent to a in p in case c (written like section 4's
# coefficient, so data without caching, price factors and cases gives its coefficients bit for bit)
param price{cs in CASES, (a,w) in APISERVE, p in PERIODS} :=
    apiScale[cs] * pf[a,p] * ((1 - phi[w]) * ((1 - kappa[w]) * pin[a] + kappa[w] * cin[a]) + phi[w] * pout[a]);
# the offering's prices move: a reserved rental's rent is then priced per contract start
param priced{o in BUY union RENT union API} := if exists{p in PERIODS} pf[o,p] <> 1 then 1 else 0;

/* committed-use contracts (11.5) */
set COMMIT within API default {};
param cdisc{COMMIT} > 0, < 1;         # delta_a: discount on the list spend
param cmin{COMMIT} >= 0;              # S_a: USD at least per period in the window
set SIGNED within COMMIT default {};  # contracts signed before the horizon (13.1): kappa_a = 1
# list spend of everything the API can usefully serve in p
param Bspend{cs in CASES, a in COMMIT, p in PERIODS} :=
    sum{(a,w) in APISERVE, t in SLICES} d * eta[t] * 3600 / 1e6 * price[cs,a,w,p] * min(Mserv[cs,w,p,t], maxTPS[a]);

/* ---------------------------------------------------------------- throughput (section 9) */
set PRECISIONS := {'given', 'bf16', 'fp8', 'int8', 'fp4', 'int4'};
set CANSERVE within {BUY union RENT, WORKLOADS, PRECISIONS};  # (o, w, pr): a serving option
param tau{CANSERVE} > 0;              # tokens/s per unit with the option
# tau': with cached prefixes skipping their prefill (11.4); every capacity and replica row uses it
param taup{(o,w,pr) in CANSERVE} := tau[o,w,pr] / (1 - kappa[w] * beta[w]);
# the workloads pool o can serve, through any option
set SERVES{o in BUY union RENT} := setof{(o2,w,pr) in CANSERVE: o2 = o} w;

/* ---------------------------------------------------------------- replicas (8.2) */
param minReplicas{WORKLOADS} integer >= 1 default 1;    # mu_w
param accelPerUnit{BUY union RENT} integer >= 1 default 1;   # G_o
set REPLICA within CANSERVE;          # (o, w, pr) with a replica size
param accelPerReplica{REPLICA} integer >= 1;            # a_owk
param nu{(o,w,pr) in REPLICA} := accelPerReplica[o,w,pr] / accelPerUnit[o];   # units per replica
# units are whole: purchases and reserved rentals with integerUnits
param wholePool{o in BUY union RENT} := if integerUnits = 1 and (o in BUY or o in RESERVED) then 1 else 0;
# options with a binary z: the minimum is not implied by whole replicas and mu = 1
set ZPAIRS := {(o,w,pr) in REPLICA: not (wholePool[o] = 1 and minReplicas[w] = 1)};

/* ---------------------------------------------------------------- margins (8.4) */
param spare{BUY union RENT} integer >= 0 default 0;     # k_o (purchases, reserved rentals)
param derating{BUY union RENT} >= 0, < 1 default 0;     # d_o
set SPAREPOOLS := {o in BUY union RESERVED: spare[o] > 0};

/* ---------------------------------------------------------------- platforms (8.3) */
set PLATFORMS;                        # platforms with a cost entry
param adoption{PLATFORMS} >= 0;       # A_k, USD once
param yearly{PLATFORMS} >= 0;         # Y_k, USD a year in use
set ONPLATFORM within {PLATFORMS, BUY union RENT};  # (pl, o): offering o runs on platform pl
# adopted before the horizon: a commitment carried in runs on k (existing units, units in
# flight, a contract in term; 13.1)
param preAdopted{pl in PLATFORMS} := if (exists{o in BUY: (pl,o) in ONPLATFORM} (e[o,1] > 0 or sum{q in PERIODS} F[o,q] > 0))
    or (exists{o in RESERVED: (pl,o) in ONPLATFORM} C[o,1] > 0) then 1 else 0;

/* ---------------------------------------------------------------- training jobs (section 10) */
set JOBS default {};                  # training and fine-tuning jobs
param earliest{JOBS} integer >= 1;    # e_j: first period the job may run in
param deadline{j in JOBS} integer >= earliest[j], <= P;   # l_j: last period (inclusive)
param M{JOBS} integer >= 1;           # M_j: accelerators at least in every slice it runs
set JOBPOOLS within {JOBS, BUY union RENT} default {j in JOBS, o in BUY union RENT: 0 = 1};   # (j, o): o in O_j
param A{JOBPOOLS} > 0;                # A_jo: accelerator-hours job j needs on o
# upper bound of g per slice: a slice never needs more than the whole job
param Gbar{(j,o) in JOBPOOLS, s in SLICES} := A[j,o] / (d * eta[s]);
# (j, o, p, s) where g exists: a pool of the job, a period of its window
set JOBRUN := {(j,o) in JOBPOOLS, p in PERIODS, s in SLICES: p >= earliest[j] and p <= deadline[j]};

/* ---------------------------------------------------------------- discounting */
# delta[p] discounts period p to the start of the horizon; delta[P+1] to its end, and later
# periods discount contracts that run past the horizon
param maxTerm := if card(RESERVED) = 0 then 1 else max{o in RESERVED} T[o];
param delta{p in 1..P+maxTerm} := (1 + rho) ** (-(p - 1) * h / 8760);

/* ================================================================ variables */
/* first stage (section 12): a copy per case, tied by the rows nonanticipative; and kappa_a below
   (declared in its old place, so data without cases gives the columns in the same order) */
# units of o arriving in q: at least those in flight, at most bmax more where new ones can arrive (13.1)
var b{cs in CASES, (o,q) in ARRIVALS} >= F[o,q],
    <= if q < q0[o] or q > q1[o] then F[o,q] else if bmax[o] = Infinity then Infinity else bmax[o] + F[o,q];
var bWhole{cs in CASES, (o,q) in ARRIVALS: integerUnits} integer; # integrality of b
var n{CASES, BUY, PERIODS} >= 0;                             # units of o in service in p
var m{cs in CASES, o in RESERVED, p in PERIODS} >= 0, <= mmax[o];  # reserved units under contract
var v{cs in CASES, o in RESERVED, q in PERIODS} >= 0, <= if open[o,q] then Infinity else 0;   # units whose contract starts in q (only in o's window)
var vWhole{cs in CASES, o in RESERVED, q in PERIODS: integerUnits} integer;  # integrality of v
/* second stage: one copy per case c */
var ms{cs in CASES, o in ONDEMAND, p in PERIODS, s in SLICES} >= 0, <= if open[o,p] then mmax[o] else 0;  # on-demand and spot units
var x{cs in CASES, (o,w,pr) in CANSERVE, p in PERIODS, s in SLICES} >= 0;    # tokens/s served by o with option pr
var y{cs in CASES, (a,w) in APISERVE, p in PERIODS, s in SLICES} >= 0, <= if open[a,p] then Infinity else 0;   # tokens/s sent to API a
var defer{cs in CASES, (w,t,t2) in reach, p in PERIODS} >= 0;   # f_wpss' (f names the fiscal years here): tokens/s of w's slice-t demand served in t2, averaged over t's hours (11.2)
var kappa_a{CASES, COMMIT} binary;                      # first stage: the committed-use contract of a is taken
var earned{cs in CASES, a in COMMIT, p in PERIODS: open[a,p]} >= 0;     # e_ap: discount earned
var shortfall{cs in CASES, a in COMMIT, p in PERIODS: open[a,p]} >= 0;  # s_ap: shortfall below the minimum paid
var u{cs in CASES, w in WORKLOADS, p in PERIODS, s in SLICES: hasPenalty} >= 0;  # unserved tokens/s
var replicas{cs in CASES, (o,w,pr) in REPLICA, p in PERIODS, s in SLICES} >= 0;         # rho_owkps: replicas of w on o at pr
var replicasWhole{cs in CASES, (o,w,pr) in REPLICA, p in PERIODS, s in SLICES: wholePool[o]} integer;  # integrality of replicas
var z{cs in CASES, (o,w,pr) in ZPAIRS, p in PERIODS, s in SLICES} binary;        # w served from o at pr
var inUse{cs in CASES, pl in PLATFORMS, p in PERIODS} binary;                      # u_kp: platform in use
var adopt{cs in CASES, pl in PLATFORMS, p in PERIODS: preAdopted[pl] = 0} binary;  # alpha_kp: adopted in p (binary here; [0, 1] in the formulation, integral at every optimum)
var poolUsed{cs in CASES, o in SPAREPOOLS, p in PERIODS} binary;                    # y_op: pool o serves in p
var jobPoolChosen{cs in CASES, (j,o) in JOBPOOLS} binary;                           # pi_jo: the pool job j runs in
var train{cs in CASES, (j,o,p,s) in JOBRUN} >= 0;                                   # g_jops: accelerators of o running j
var trainOn{cs in CASES, (j,o,p,s) in JOBRUN} binary;                               # sigma_jops: j runs on o in slice s of p

/* ================================================================ constraints */
/* non-anticipativity (12.6): a first-stage decision taken at the start of period t is the same
   as the one of the first case of the case's node at t: arrivals at their order period
   max(1, q - leadTime), contract starts at q, the committed-use contracts at 1 (n and m follow
   through fleet and contract). Here-and-now every case equals the first case. */
s.t. nonanticipative{cs in CASES, (o,q) in ARRIVALS: nodeLead[cs, max(1, q - leadTime[o])] <> cs}:
    b[cs,o,q] = b[nodeLead[cs, max(1, q - leadTime[o])],o,q];
s.t. nonanticipativeStart{cs in CASES, o in RESERVED, q in PERIODS: nodeLead[cs,q] <> cs}:
    v[cs,o,q] = v[nodeLead[cs,q],o,q];
s.t. nonanticipativeCommit{cs in CASES, a in COMMIT: nodeLead[cs,1] <> cs}:
    kappa_a[cs,a] = kappa_a[nodeLead[cs,1],a];

s.t. wholeUnits{cs in CASES, (o,q) in ARRIVALS: integerUnits}: b[cs,o,q] = bWhole[cs,o,q];
s.t. wholeStarts{cs in CASES, o in RESERVED, q in PERIODS: integerUnits}: v[cs,o,q] = vWhole[cs,o,q];
s.t. wholeReplicas{cs in CASES, (o,w,pr) in REPLICA, p in PERIODS, s in SLICES: wholePool[o]}:
    replicas[cs,o,w,pr,p,s] = replicasWhole[cs,o,w,pr,p,s];

# n_op = e_op + sum_{q = max(1, p - L_o + 1)}^{p} b_oq
s.t. fleet{cs in CASES, o in BUY, p in PERIODS}:
    n[cs,o,p] = e[o,p] + sum{q in PERIODS: (o,q) in ARRIVALS and q >= p - L[o] + 1 and q <= p} b[cs,o,q];

# m_op = sum_{q = max(1, p - T_o + 1)}^{p} v_oq + C_op (contracts carried in, 13.1)
s.t. contract{cs in CASES, o in RESERVED, p in PERIODS}:
    m[cs,o,p] = sum{q in PERIODS: q >= p - T[o] + 1 and q <= p} v[cs,o,q] + C[o,p];

# a committed-use contract signed before the horizon is taken (13.1)
s.t. signed{cs in CASES, a in SIGNED}: kappa_a[cs,a] = 1;

# X_wps: what w is served in slice s of p
s.t. demand{cs in CASES, w in WORKLOADS, p in PERIODS, s in SLICES: not w in DEFER}:
    sum{o in BUY union RENT, pr in PRECISIONS: (o,w,pr) in CANSERVE} x[cs,o,w,pr,p,s]
  + sum{a in API: (a,w) in APISERVE} y[cs,a,w,p,s]
  + (if hasPenalty then u[cs,w,p,s] else 0)
    >= r[cs,w,p,s];

# deferrable workloads, always in the window form (the day form is R_w(s) = S with f eliminated)
s.t. deferredDemand{cs in CASES, w in DEFER, p in PERIODS, t in SLICES}:
    sum{t2 in SLICES: (w,t,t2) in reach} defer[cs,w,t,t2,p] >= r[cs,w,p,t];

s.t. deferredService{cs in CASES, w in DEFER, p in PERIODS, t2 in SLICES}:
    sum{t in SLICES: (w,t,t2) in reach} eta[t] * defer[cs,w,t,t2,p]
  - eta[t2] * (sum{o in BUY union RENT, pr in PRECISIONS: (o,w,pr) in CANSERVE} x[cs,o,w,pr,p,t2]
               + sum{a in API: (a,w) in APISERVE} y[cs,a,w,p,t2]
               + (if hasPenalty then u[cs,w,p,t2] else 0))
    <= 0;

# load of the options without replicas, whole replicas of the others and the jobs' whole
# accelerators, against the units less the spare ones (while the pool serves), derated
s.t. ownedCapacity{cs in CASES, o in BUY, p in PERIODS, s in SLICES}:
    sum{w in WORKLOADS, pr in PRECISIONS: (o,w,pr) in CANSERVE and not (o,w,pr) in REPLICA} x[cs,o,w,pr,p,s] / taup[o,w,pr]
  + U * sum{w in WORKLOADS, pr in PRECISIONS: (o,w,pr) in REPLICA} nu[o,w,pr] * replicas[cs,o,w,pr,p,s]
  + U * sum{j in JOBS: (j,o,p,s) in JOBRUN} train[cs,j,o,p,s] / accelPerUnit[o]
    <= U * (1 - derating[o]) * (n[cs,o,p] - (if o in SPAREPOOLS then spare[o] * poolUsed[cs,o,p] else 0));

s.t. rentedCapacity{cs in CASES, o in RENT, p in PERIODS, s in SLICES}:
    sum{w in WORKLOADS, pr in PRECISIONS: (o,w,pr) in CANSERVE and not (o,w,pr) in REPLICA} x[cs,o,w,pr,p,s] / taup[o,w,pr]
  + U * sum{w in WORKLOADS, pr in PRECISIONS: (o,w,pr) in REPLICA} nu[o,w,pr] * replicas[cs,o,w,pr,p,s]
  + U * sum{j in JOBS: (j,o,p,s) in JOBRUN} train[cs,j,o,p,s] / accelPerUnit[o]
    <= U * (1 - derating[o]) * (if o in RESERVED
                                then m[cs,o,p] - (if o in SPAREPOOLS then spare[o] * poolUsed[cs,o,p] else 0)
                                else avail[o] * ms[cs,o,p,s]);

s.t. replicaCapacity{cs in CASES, (o,w,pr) in REPLICA, p in PERIODS, s in SLICES}:
    x[cs,o,w,pr,p,s] <= U * nu[o,w,pr] * taup[o,w,pr] * replicas[cs,o,w,pr,p,s];

# mu_w replicas for each option that serves
s.t. minimumReplicas{cs in CASES, (o,w,pr) in ZPAIRS, p in PERIODS, s in SLICES}:
    replicas[cs,o,w,pr,p,s] >= minReplicas[w] * z[cs,o,w,pr,p,s];

s.t. replicaInUse{cs in CASES, (o,w,pr) in ZPAIRS, p in PERIODS, s in SLICES}:
    x[cs,o,w,pr,p,s] <= Mserv[cs,w,p,s] * z[cs,o,w,pr,p,s];

# every option of the pool against the demand of the workloads it serves, each counted once
s.t. poolInUse{cs in CASES, o in SPAREPOOLS, p in PERIODS, s in SLICES}:
    sum{w in SERVES[o], pr in PRECISIONS: (o,w,pr) in CANSERVE} x[cs,o,w,pr,p,s]
    <= (sum{w in SERVES[o]} Mserv[cs,w,p,s]) * poolUsed[cs,o,p];

# (pl: the platform k of the formulation; k is the power per unit here)
s.t. platformInUse{cs in CASES, pl in PLATFORMS, w in WORKLOADS, p in PERIODS, s in SLICES}:
    sum{o in BUY union RENT, pr in PRECISIONS: (pl,o) in ONPLATFORM and (o,w,pr) in CANSERVE} x[cs,o,w,pr,p,s]
    <= Mserv[cs,w,p,s] * inUse[cs,pl,p];

s.t. platformAdoption{cs in CASES, pl in PLATFORMS, p in PERIODS: preAdopted[pl] = 0}:
    sum{q in PERIODS: q <= p} adopt[cs,pl,q] >= inUse[cs,pl,p];

/* Section 10: one pool per job, its compute by the deadline, room for its cluster whenever it runs;
   a job running on o puts o's costed platform and o's spare units in use. */
s.t. jobPool{cs in CASES, j in JOBS}:
    sum{o in BUY union RENT: (j,o) in JOBPOOLS} jobPoolChosen[cs,j,o] = 1;

s.t. jobCompute{cs in CASES, j in JOBS}:
    sum{(j2,o,p,s) in JOBRUN: j2 = j} train[cs,j,o,p,s] * d * eta[s] / A[j,o] >= 1;

# room for the job's cluster of M accelerators beside the slice's other load (its capacity row
# with this job's average replaced by its cluster); none on on-demand rentals, whose units are
# averages too
s.t. jobClusterRoom{cs in CASES, (j,o,p,s) in JOBRUN: o in BUY union RESERVED}:
    sum{w in WORKLOADS, pr in PRECISIONS: (o,w,pr) in CANSERVE and not (o,w,pr) in REPLICA} x[cs,o,w,pr,p,s] / taup[o,w,pr]
  + U * sum{w in WORKLOADS, pr in PRECISIONS: (o,w,pr) in REPLICA} nu[o,w,pr] * replicas[cs,o,w,pr,p,s]
  + U * sum{j2 in JOBS: j2 <> j and (j2,o,p,s) in JOBRUN} train[cs,j2,o,p,s] / accelPerUnit[o]
  + U * M[j] * trainOn[cs,j,o,p,s] / accelPerUnit[o]
    <= U * (1 - derating[o]) * ((if o in BUY then n[cs,o,p] else m[cs,o,p])
                                - (if o in SPAREPOOLS then spare[o] * poolUsed[cs,o,p] else 0));

s.t. jobClusterMax{cs in CASES, (j,o,p,s) in JOBRUN}: train[cs,j,o,p,s] <= Gbar[j,o,s] * trainOn[cs,j,o,p,s];

s.t. jobOnePool{cs in CASES, (j,o,p,s) in JOBRUN}: trainOn[cs,j,o,p,s] <= jobPoolChosen[cs,j,o];

s.t. jobPlatform{cs in CASES, (j,o,p,s) in JOBRUN, pl in PLATFORMS: (pl,o) in ONPLATFORM}: trainOn[cs,j,o,p,s] <= inUse[cs,pl,p];

s.t. jobPoolInUse{cs in CASES, (j,o,p,s) in JOBRUN: o in SPAREPOOLS}: trainOn[cs,j,o,p,s] <= poolUsed[cs,o,p];

s.t. apiRateLimit{cs in CASES, a in API, p in PERIODS, s in SLICES: maxTPS[a] < Infinity}:
    sum{w in WORKLOADS: (a,w) in APISERVE} y[cs,a,w,p,s] <= maxTPS[a];

s.t. powerCap{cs in CASES, p in PERIODS: powerCapKW[p] < Infinity}:
    sum{o in BUY} k[o] * n[cs,o,p] <= powerCapKW[p];

s.t. capitalBudget{cs in CASES, p in PERIODS: capexBudget[p] < Infinity}:
    sum{o in BUY: (o,p) in ARRIVALS} pf[o,p] * c[o] * b[cs,o,p] <= capexBudget[p];

/* Fiscal budgets (docs/formulation.md, "Fiscal budgets"): undiscounted cash paid in fiscal
   year f. A purchase pays deposit[o] of its price in the order period q - leadTime and the
   rest in the period its balance falls due; the data section gives each one's fiscal year.
   Absent from the data (no fiscal budgets): no rows, the model of section 3 and 8. */
set FYCAPEX default {};               # fiscal years with a capex budget
set FYOPEX default {};                # fiscal years with an opex budget
param capexFY{FYCAPEX} >= 0;          # USD
param opexFY{FYOPEX} >= 0;            # USD
param deposit{BUY} >= 0, <= 1 default 0;     # share of the price paid at order
param depositFY{BUY, PERIODS} default 0;     # fiscal year of the order of an arrival in q
param balanceFY{BUY, PERIODS} default 0;     # fiscal year the balance of an arrival in q is paid in
param periodFY{PERIODS} default 0;           # fiscal year of period p

s.t. fiscalCapex{cs in CASES, f in FYCAPEX}:
    sum{(o,q) in ARRIVALS} pf[o,q] * c[o] * ((b[cs,o,q] - F[o,q]) * (if depositFY[o,q] = f then deposit[o] else 0)
                                           + b[cs,o,q] * (if balanceFY[o,q] = f then 1 - deposit[o] else 0)) <= capexFY[f];
# (units in flight paid their deposit before the horizon, 13.1)

s.t. fiscalOpex{cs in CASES, f in FYOPEX}:
    sum{p in PERIODS: periodFY[p] = f} (
        sum{o in BUY} n[cs,o,p] * (k[o] * pue * h * electricity + g[o])
      + sum{o in RESERVED} ((if priced[o] then sum{q in PERIODS: q >= p - T[o] + 1 and q <= p} pf[o,q] * pi[o] * h * v[cs,o,q]
                                               + pf[o,1] * pi[o] * h * C[o,p]
                             else pi[o] * h * m[cs,o,p])
                            + pf[o,p] * upfront[o] * v[cs,o,p])
      + sum{o in ONDEMAND, s in SLICES} pf[o,p] * pi[o] * d * eta[s] * ms[cs,o,p,s]
      + sum{(a,w) in APISERVE, s in SLICES} d * eta[s] * 3600 / 1e6 * price[cs,a,w,p] * y[cs,a,w,p,s]
      + sum{a in COMMIT: open[a,p]} (shortfall[cs,a,p] - earned[cs,a,p])
      + sum{pl in PLATFORMS} ((if preAdopted[pl] = 1 then 0 else adoption[pl] * adopt[cs,pl,p]) + yearly[pl] * h / 8760 * inUse[cs,pl,p])
    ) <= opexFY[f];

/* ================================================================ costs (USD) */
/* first-stage lines once, second-stage lines per case */
var capexCost{CASES, PERIODS};
var energyCost{CASES, PERIODS};
var fixedOpexCost{CASES, PERIODS};
var rentalCost{CASES, PERIODS};
var apiCost{CASES, PERIODS};
var unservedCost{CASES, PERIODS};
var platformCost{CASES, PERIODS};
var salvageCredit{CASES};
var commitments{CASES};               # contracts' rent after the horizon, undiscounted
var discountedCommitments{CASES};     # the same, each period discounted

# amortized: f_oq c_o / L_o per unit bought in q and in service; cash: f_op c_o b_op on arrival
s.t. defCapex{cs in CASES, p in PERIODS}: capexCost[cs,p] =
    if cash then sum{o in BUY: (o,p) in ARRIVALS} pf[o,p] * c[o] * b[cs,o,p]
    else sum{(o,q) in ARRIVALS: q >= p - L[o] + 1 and q <= p} pf[o,q] * c[o] / L[o] * b[cs,o,q];

# energy and fixed opex on every unit in service, existing units included
s.t. defEnergy{cs in CASES, p in PERIODS}: energyCost[cs,p] = sum{o in BUY} n[cs,o,p] * k[o] * pue * h * electricity;
s.t. defFixedOpex{cs in CASES, p in PERIODS}: fixedOpexCost[cs,p] = sum{o in BUY} n[cs,o,p] * g[o];

# reserved: rent on the units under contract, each contract at the price factor of its start
# (a contract carried in at the first period's, 13.1), and the upfront fee when a contract
# starts; on demand and spot at p's factor
s.t. defRental{cs in CASES, p in PERIODS}: rentalCost[cs,p] =
    sum{o in RESERVED} ((if priced[o] then sum{q in PERIODS: q >= p - T[o] + 1 and q <= p} pf[o,q] * pi[o] * h * v[cs,o,q]
                                           + pf[o,1] * pi[o] * h * C[o,p]
                         else pi[o] * h * m[cs,o,p])
                        + pf[o,p] * upfront[o] * v[cs,o,p])
  + sum{o in ONDEMAND, s in SLICES} pf[o,p] * pi[o] * d * eta[s] * ms[cs,o,p,s];

# the list spend (psi: caching, price factors and the case's scale)
s.t. defApi{cs in CASES, p in PERIODS}: apiCost[cs,p] =
    sum{(a,w) in APISERVE, s in SLICES} d * eta[s] * 3600 / 1e6 * price[cs,a,w,p] * y[cs,a,w,p,s];

/* committed use (11.5): e <= delta list; e only with the contract; S kappa - list + e - s <= 0 */
s.t. commitDiscount{cs in CASES, a in COMMIT, p in PERIODS: open[a,p]}:
    earned[cs,a,p] - cdisc[a] * sum{(a,w) in APISERVE, s in SLICES} d * eta[s] * 3600 / 1e6 * price[cs,a,w,p] * y[cs,a,w,p,s] <= 0;

s.t. commitOnly{cs in CASES, a in COMMIT, p in PERIODS: open[a,p]}:
    earned[cs,a,p] - cdisc[a] * Bspend[cs,a,p] * kappa_a[cs,a] <= 0;

s.t. commitMinimum{cs in CASES, a in COMMIT, p in PERIODS: open[a,p]}:
    cmin[a] * kappa_a[cs,a] - sum{(a,w) in APISERVE, s in SLICES} d * eta[s] * 3600 / 1e6 * price[cs,a,w,p] * y[cs,a,w,p,s]
  + earned[cs,a,p] - shortfall[cs,a,p] <= 0;
# apiCommitment line of p: s - e over the contracts (an empty sum without them)


s.t. defUnserved{cs in CASES, p in PERIODS}: unservedCost[cs,p] =
    sum{w in WORKLOADS, s in SLICES: hasPenalty} d * eta[s] * 3600 / 1e6 * penalty * u[cs,w,p,s];

s.t. defPlatform{cs in CASES, p in PERIODS}: platformCost[cs,p] =
    sum{pl in PLATFORMS} ((if preAdopted[pl] = 1 then 0 else adoption[pl] * adopt[cs,pl,p]) + yearly[pl] * h / 8760 * inUse[cs,pl,p]);

# a contract started in q runs q .. q + T_o - 1: the periods after P are charged too
s.t. defCommitments{cs in CASES}: commitments[cs] =
    sum{o in RESERVED, q in PERIODS} pf[o,q] * pi[o] * h * max(0, q + T[o] - 1 - P) * v[cs,o,q];
s.t. defDiscountedCommitments{cs in CASES}: discountedCommitments[cs] =
    sum{o in RESERVED, q in PERIODS} pf[o,q] * pi[o] * h * (sum{t in P+1..q+T[o]-1} delta[t]) * v[cs,o,q];

# cash only: straight-line remaining value at the horizon's end of units bought in q
s.t. defSalvage{cs in CASES}: salvageCredit[cs] =
    if cash then sum{(o,q) in ARRIVALS} pf[o,q] * c[o] * max(0, q + L[o] - 1 - P) / L[o] * b[cs,o,q] else 0;

/* CVaR (section 12): cvarExcess_c >= cost_c - cvarThreshold, cost_c written out (MathProg has no
   named expressions); only when lambda > 0 */
var cvarThreshold{RISK};
var cvarExcess{CASES, RISK} >= 0;
s.t. cvarExcessRow{cs in CASES, i in RISK}:
    cvarExcess[cs,i] + cvarThreshold[i]
  - (sum{p in PERIODS} delta[p] * (capexCost[cs,p] + energyCost[cs,p] + fixedOpexCost[cs,p]
                                   + rentalCost[cs,p] + apiCost[cs,p] + sum{a in COMMIT: open[a,p]} (shortfall[cs,a,p] - earned[cs,a,p])
                                   + unservedCost[cs,p] + platformCost[cs,p])
     - delta[P+1] * salvageCredit[cs] + discountedCommitments[cs]) >= 0;

/* ================================================================ objective */
minimize total:
    sum{cs in CASES} prob[cs] * (
    sum{p in PERIODS} delta[p] * (capexCost[cs,p] + energyCost[cs,p] + fixedOpexCost[cs,p]
                                  + rentalCost[cs,p] + apiCost[cs,p] + sum{a in COMMIT: open[a,p]} (shortfall[cs,a,p] - earned[cs,a,p])
                                  + unservedCost[cs,p] + platformCost[cs,p])
  - delta[P+1] * salvageCredit[cs] + discountedCommitments[cs])
  + sum{i in RISK} lambda * (cvarThreshold[i] + 1 / (1 - alpha) * sum{cs in CASES} prob[cs] * cvarExcess[cs,i]);

solve;

/* The objective has no constant term (existing units enter through n), but print it from
   the variables' values anyway: glpsol's printf of an objective drops constants. */
param caseCost{cs in CASES} :=
    sum{p in PERIODS} delta[p] * (capexCost[cs,p] + energyCost[cs,p] + fixedOpexCost[cs,p]
                                  + rentalCost[cs,p] + apiCost[cs,p] + sum{a in COMMIT: open[a,p]} (shortfall[cs,a,p] - earned[cs,a,p])
                                  + unservedCost[cs,p] + platformCost[cs,p])
  - delta[P+1] * salvageCredit[cs] + discountedCommitments[cs];
printf "OBJECTIVE %.17g\n",
    sum{cs in CASES} prob[cs] * caseCost[cs]
  + sum{i in RISK} lambda * (cvarThreshold[i] + 1 / (1 - alpha) * sum{cs in CASES} prob[cs] * cvarExcess[cs,i]);
printf{cs in CASES: card(CASES) > 1} "CASE %s %.17g %.17g\n", cs, prob[cs], caseCost[cs];
printf{i in RISK} "CVAR %.17g %.17g\n", cvarThreshold[i], 1 / (1 - alpha) * sum{cs in CASES} prob[cs] * cvarExcess[cs,i];
# (two printf: MathProg caps a string literal at 100 characters); per-period lines of one case only
for {cs in CASES, p in PERIODS: card(CASES) = 1} {
    printf "PERIOD %s capex %.17g energy %.17g fixedOpex %.17g rental %.17g",
        label[p], capexCost[cs,p], energyCost[cs,p], fixedOpexCost[cs,p], rentalCost[cs,p];
    printf " api %.17g unservedPenalty %.17g platform %.17g\n", apiCost[cs,p], unservedCost[cs,p], platformCost[cs,p];
}
# the first stage, salvage and commitments of the first case (every case's, here-and-now)
printf "SALVAGE %.17g %.17g\n", salvageCredit[firstCase], delta[P+1] * salvageCredit[firstCase];
printf "COMMITMENTS %.17g %.17g\n", commitments[firstCase], discountedCommitments[firstCase];
printf{(o,q) in ARRIVALS: b[firstCase,o,q] > 1e-9} "BUY %s %s %.17g\n", o, label[q], b[firstCase,o,q];
printf{o in RESERVED, q in PERIODS: v[firstCase,o,q] > 1e-9} "START %s %s %.17g\n", o, label[q], v[firstCase,o,q];
printf{cs in CASES, (j,o,p,s) in JOBRUN: card(CASES) = 1 and train[cs,j,o,p,s] > 1e-9} "TRAIN %s %s %s %s %.17g\n", j, o, label[p], s, train[cs,j,o,p,s];
printf{cs in CASES, p in PERIODS: card(CASES) = 1 and card(COMMIT) > 0} "APICOMMIT %s %.17g\n", label[p], sum{a in COMMIT: open[a,p]} (shortfall[cs,a,p] - earned[cs,a,p]);
printf{a in COMMIT: kappa_a[firstCase,a] > 0.5} "TAKE %s\n", a;
# adaptive (12.6): each case's arrivals where they differ from the first case's
printf{cs in CASES, (o,q) in ARRIVALS: cs <> firstCase and abs(b[cs,o,q] - b[firstCase,o,q]) > 1e-9}
    "CASEBUY %s %s %s %.17g\n", cs, o, label[q], b[cs,o,q];

end;
