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
# demand rate, tokens/s
param r{w in WORKLOADS, p in PERIODS, s in SLICES} := D[w,p] * sigma[s] / (d * eta[s] * 3600);

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
param bmax{BUY} default Infinity;     # maxUnitsPerPeriod
param existing{BUY} >= 0;             # units owned at the start
param existingPeriods{BUY} integer >= 0;      # periods they remain in service
param e{o in BUY, p in PERIODS} := if p <= existingPeriods[o] then existing[o] else 0;
# purchase o may arrive in period q
set ARRIVALS := {o in BUY, q in PERIODS: q >= q0[o]};

/* ---------------------------------------------------------------- rentals */
set RESERVED;                         # commitment: period (units reserved for a whole period)
set ONDEMAND;                         # commitment: none (average units per slice)
set RENT := RESERVED union ONDEMAND;
param pi{RENT} >= 0;                  # USD per unit-hour
param mmax{RENT} default Infinity;    # maxUnits
param T{RESERVED} integer >= 1 default 1;     # contract term, periods (8.1)
param upfront{RESERVED} >= 0 default 0;       # USD per unit when a contract starts

/* ---------------------------------------------------------------- APIs */
set API;
param pin{API} >= 0;                  # USD per million input tokens
param pout{API} >= 0;                 # USD per million output tokens
param maxTPS{API} default Infinity;   # rate limit over all workloads, tokens/s
set APISERVE within {API, WORKLOADS}; # (a, w): API a serves workload w

/* ---------------------------------------------------------------- throughput (section 9) */
set PRECISIONS := {'given', 'bf16', 'fp8', 'int8', 'fp4', 'int4'};
set CANSERVE within {BUY union RENT, WORKLOADS, PRECISIONS};  # (o, w, pr): a serving option
param tau{CANSERVE} > 0;              # tokens/s per unit with the option
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
set ONPLATFORM within {PLATFORMS, BUY union RENT};  # (pf, o): offering o runs on platform pf
# adopted before the horizon: a purchase of k has existing units
param preAdopted{pf in PLATFORMS} := if exists{o in BUY: (pf,o) in ONPLATFORM} existing[o] > 0 then 1 else 0;

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
var b{(o,q) in ARRIVALS} >= 0, <= bmax[o];          # units of o arriving in q
var bWhole{(o,q) in ARRIVALS: integerUnits} integer; # integrality of b
var n{BUY, PERIODS} >= 0;                             # units of o in service in p
var m{o in RESERVED, p in PERIODS} >= 0, <= mmax[o];  # reserved units under contract
var v{o in RESERVED, q in PERIODS} >= 0;              # units whose contract starts in q
var vWhole{o in RESERVED, q in PERIODS: integerUnits} integer;  # integrality of v
var ms{o in ONDEMAND, p in PERIODS, s in SLICES} >= 0, <= mmax[o];  # on-demand units
var x{(o,w,pr) in CANSERVE, p in PERIODS, s in SLICES} >= 0;    # tokens/s served by o with option pr
var y{(a,w) in APISERVE, p in PERIODS, s in SLICES} >= 0;       # tokens/s sent to API a
var u{w in WORKLOADS, p in PERIODS, s in SLICES: hasPenalty} >= 0;  # unserved tokens/s
var replicas{(o,w,pr) in REPLICA, p in PERIODS, s in SLICES} >= 0;         # rho_owkps: replicas of w on o at pr
var replicasWhole{(o,w,pr) in REPLICA, p in PERIODS, s in SLICES: wholePool[o]} integer;  # integrality of replicas
var z{(o,w,pr) in ZPAIRS, p in PERIODS, s in SLICES} binary;        # w served from o at pr
var inUse{pf in PLATFORMS, p in PERIODS} binary;                      # u_kp: platform in use
var adopt{pf in PLATFORMS, p in PERIODS: preAdopted[pf] = 0} binary;  # alpha_kp: adopted in p (binary here; [0, 1] in the formulation, integral at every optimum)
var poolUsed{o in SPAREPOOLS, p in PERIODS} binary;                    # y_op: pool o serves in p
var jobPoolChosen{JOBPOOLS} binary;                                    # pi_jo: the pool job j runs in
var train{JOBRUN} >= 0;                                                # g_jops: accelerators of o running j
var trainOn{JOBRUN} binary;                                            # sigma_jops: j runs on o in slice s of p

/* ================================================================ constraints */
s.t. wholeUnits{(o,q) in ARRIVALS: integerUnits}: b[o,q] = bWhole[o,q];
s.t. wholeStarts{o in RESERVED, q in PERIODS: integerUnits}: v[o,q] = vWhole[o,q];
s.t. wholeReplicas{(o,w,pr) in REPLICA, p in PERIODS, s in SLICES: wholePool[o]}:
    replicas[o,w,pr,p,s] = replicasWhole[o,w,pr,p,s];

# n_op = e_op + sum_{q = max(1, p - L_o + 1)}^{p} b_oq
s.t. fleet{o in BUY, p in PERIODS}:
    n[o,p] = e[o,p] + sum{q in PERIODS: q >= q0[o] and q >= p - L[o] + 1 and q <= p} b[o,q];

# m_op = sum_{q = max(1, p - T_o + 1)}^{p} v_oq
s.t. contract{o in RESERVED, p in PERIODS}:
    m[o,p] = sum{q in PERIODS: q >= p - T[o] + 1 and q <= p} v[o,q];

s.t. demand{w in WORKLOADS, p in PERIODS, s in SLICES}:
    sum{o in BUY union RENT, pr in PRECISIONS: (o,w,pr) in CANSERVE} x[o,w,pr,p,s]
  + sum{a in API: (a,w) in APISERVE} y[a,w,p,s]
  + (if hasPenalty then u[w,p,s] else 0)
    >= r[w,p,s];

# load of the options without replicas, whole replicas of the others and the jobs' whole
# accelerators, against the units less the spare ones (while the pool serves), derated
s.t. ownedCapacity{o in BUY, p in PERIODS, s in SLICES}:
    sum{w in WORKLOADS, pr in PRECISIONS: (o,w,pr) in CANSERVE and not (o,w,pr) in REPLICA} x[o,w,pr,p,s] / tau[o,w,pr]
  + U * sum{w in WORKLOADS, pr in PRECISIONS: (o,w,pr) in REPLICA} nu[o,w,pr] * replicas[o,w,pr,p,s]
  + U * sum{j in JOBS: (j,o,p,s) in JOBRUN} train[j,o,p,s] / accelPerUnit[o]
    <= U * (1 - derating[o]) * (n[o,p] - (if o in SPAREPOOLS then spare[o] * poolUsed[o,p] else 0));

s.t. rentedCapacity{o in RENT, p in PERIODS, s in SLICES}:
    sum{w in WORKLOADS, pr in PRECISIONS: (o,w,pr) in CANSERVE and not (o,w,pr) in REPLICA} x[o,w,pr,p,s] / tau[o,w,pr]
  + U * sum{w in WORKLOADS, pr in PRECISIONS: (o,w,pr) in REPLICA} nu[o,w,pr] * replicas[o,w,pr,p,s]
  + U * sum{j in JOBS: (j,o,p,s) in JOBRUN} train[j,o,p,s] / accelPerUnit[o]
    <= U * (1 - derating[o]) * (if o in RESERVED
                                then m[o,p] - (if o in SPAREPOOLS then spare[o] * poolUsed[o,p] else 0)
                                else ms[o,p,s]);

s.t. replicaCapacity{(o,w,pr) in REPLICA, p in PERIODS, s in SLICES}:
    x[o,w,pr,p,s] <= U * nu[o,w,pr] * tau[o,w,pr] * replicas[o,w,pr,p,s];

# mu_w replicas for each option that serves
s.t. minimumReplicas{(o,w,pr) in ZPAIRS, p in PERIODS, s in SLICES}:
    replicas[o,w,pr,p,s] >= minReplicas[w] * z[o,w,pr,p,s];

s.t. replicaInUse{(o,w,pr) in ZPAIRS, p in PERIODS, s in SLICES}:
    x[o,w,pr,p,s] <= r[w,p,s] * z[o,w,pr,p,s];

# every option of the pool against the demand of the workloads it serves, each counted once
s.t. poolInUse{o in SPAREPOOLS, p in PERIODS, s in SLICES}:
    sum{w in SERVES[o], pr in PRECISIONS: (o,w,pr) in CANSERVE} x[o,w,pr,p,s]
    <= (sum{w in SERVES[o]} r[w,p,s]) * poolUsed[o,p];

# (pf: the platform k of the formulation; k is the power per unit here)
s.t. platformInUse{pf in PLATFORMS, w in WORKLOADS, p in PERIODS, s in SLICES}:
    sum{o in BUY union RENT, pr in PRECISIONS: (pf,o) in ONPLATFORM and (o,w,pr) in CANSERVE} x[o,w,pr,p,s]
    <= r[w,p,s] * inUse[pf,p];

s.t. platformAdoption{pf in PLATFORMS, p in PERIODS: preAdopted[pf] = 0}:
    sum{q in PERIODS: q <= p} adopt[pf,q] >= inUse[pf,p];

/* Section 10: one pool per job, its compute by the deadline, room for its cluster whenever it runs;
   a job running on o puts o's costed platform and o's spare units in use. */
s.t. jobPool{j in JOBS}:
    sum{o in BUY union RENT: (j,o) in JOBPOOLS} jobPoolChosen[j,o] = 1;

s.t. jobCompute{j in JOBS}:
    sum{(j2,o,p,s) in JOBRUN: j2 = j} train[j,o,p,s] * d * eta[s] / A[j,o] >= 1;

# room for the job's cluster of M accelerators beside the slice's other load (its capacity row
# with this job's average replaced by its cluster); none on on-demand rentals, whose units are
# averages too
s.t. jobClusterRoom{(j,o,p,s) in JOBRUN: o in BUY union RESERVED}:
    sum{w in WORKLOADS, pr in PRECISIONS: (o,w,pr) in CANSERVE and not (o,w,pr) in REPLICA} x[o,w,pr,p,s] / tau[o,w,pr]
  + U * sum{w in WORKLOADS, pr in PRECISIONS: (o,w,pr) in REPLICA} nu[o,w,pr] * replicas[o,w,pr,p,s]
  + U * sum{j2 in JOBS: j2 <> j and (j2,o,p,s) in JOBRUN} train[j2,o,p,s] / accelPerUnit[o]
  + U * M[j] * trainOn[j,o,p,s] / accelPerUnit[o]
    <= U * (1 - derating[o]) * ((if o in BUY then n[o,p] else m[o,p])
                                - (if o in SPAREPOOLS then spare[o] * poolUsed[o,p] else 0));

s.t. jobClusterMax{(j,o,p,s) in JOBRUN}: train[j,o,p,s] <= Gbar[j,o,s] * trainOn[j,o,p,s];

s.t. jobOnePool{(j,o,p,s) in JOBRUN}: trainOn[j,o,p,s] <= jobPoolChosen[j,o];

s.t. jobPlatform{(j,o,p,s) in JOBRUN, pf in PLATFORMS: (pf,o) in ONPLATFORM}: trainOn[j,o,p,s] <= inUse[pf,p];

s.t. jobPoolInUse{(j,o,p,s) in JOBRUN: o in SPAREPOOLS}: trainOn[j,o,p,s] <= poolUsed[o,p];

s.t. apiRateLimit{a in API, p in PERIODS, s in SLICES: maxTPS[a] < Infinity}:
    sum{w in WORKLOADS: (a,w) in APISERVE} y[a,w,p,s] <= maxTPS[a];

s.t. powerCap{p in PERIODS: powerCapKW[p] < Infinity}:
    sum{o in BUY} k[o] * n[o,p] <= powerCapKW[p];

s.t. capitalBudget{p in PERIODS: capexBudget[p] < Infinity}:
    sum{o in BUY: p >= q0[o]} c[o] * b[o,p] <= capexBudget[p];

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

s.t. fiscalCapex{f in FYCAPEX}:
    sum{(o,q) in ARRIVALS} c[o] * b[o,q] * ((if depositFY[o,q] = f then deposit[o] else 0)
                                           + (if balanceFY[o,q] = f then 1 - deposit[o] else 0)) <= capexFY[f];

s.t. fiscalOpex{f in FYOPEX}:
    sum{p in PERIODS: periodFY[p] = f} (
        sum{o in BUY} n[o,p] * (k[o] * pue * h * electricity + g[o])
      + sum{o in RESERVED} (pi[o] * h * m[o,p] + upfront[o] * v[o,p])
      + sum{o in ONDEMAND, s in SLICES} pi[o] * d * eta[s] * ms[o,p,s]
      + sum{(a,w) in APISERVE, s in SLICES}
            d * eta[s] * 3600 / 1e6 * ((1 - phi[w]) * pin[a] + phi[w] * pout[a]) * y[a,w,p,s]
      + sum{pf in PLATFORMS} ((if preAdopted[pf] = 1 then 0 else adoption[pf] * adopt[pf,p]) + yearly[pf] * h / 8760 * inUse[pf,p])
    ) <= opexFY[f];

/* ================================================================ costs (USD) */
var capexCost{PERIODS};
var energyCost{PERIODS};
var fixedOpexCost{PERIODS};
var rentalCost{PERIODS};
var apiCost{PERIODS};
var unservedCost{PERIODS};
var platformCost{PERIODS};
var salvageCredit;
var commitments;                      # contracts' rent after the horizon, undiscounted
var discountedCommitments;            # the same, each period discounted

# amortized: c_o / L_o per purchased unit in service; cash: c_o b_op on arrival
s.t. defCapex{p in PERIODS}: capexCost[p] =
    if cash then sum{o in BUY: p >= q0[o]} c[o] * b[o,p]
    else sum{o in BUY, q in PERIODS: q >= q0[o] and q >= p - L[o] + 1 and q <= p} c[o] / L[o] * b[o,q];

# energy and fixed opex on every unit in service, existing units included
s.t. defEnergy{p in PERIODS}: energyCost[p] = sum{o in BUY} n[o,p] * k[o] * pue * h * electricity;
s.t. defFixedOpex{p in PERIODS}: fixedOpexCost[p] = sum{o in BUY} n[o,p] * g[o];

# reserved: rent on the units under contract, the upfront fee when a contract starts
s.t. defRental{p in PERIODS}: rentalCost[p] =
    sum{o in RESERVED} (pi[o] * h * m[o,p] + upfront[o] * v[o,p])
  + sum{o in ONDEMAND, s in SLICES} pi[o] * d * eta[s] * ms[o,p,s];

s.t. defApi{p in PERIODS}: apiCost[p] =
    sum{(a,w) in APISERVE, s in SLICES}
        d * eta[s] * 3600 / 1e6 * ((1 - phi[w]) * pin[a] + phi[w] * pout[a]) * y[a,w,p,s];

s.t. defUnserved{p in PERIODS}: unservedCost[p] =
    sum{w in WORKLOADS, s in SLICES: hasPenalty} d * eta[s] * 3600 / 1e6 * penalty * u[w,p,s];

s.t. defPlatform{p in PERIODS}: platformCost[p] =
    sum{pf in PLATFORMS} ((if preAdopted[pf] = 1 then 0 else adoption[pf] * adopt[pf,p]) + yearly[pf] * h / 8760 * inUse[pf,p]);

# a contract started in q runs q .. q + T_o - 1: the periods after P are charged too
s.t. defCommitments: commitments =
    sum{o in RESERVED, q in PERIODS} pi[o] * h * max(0, q + T[o] - 1 - P) * v[o,q];
s.t. defDiscountedCommitments: discountedCommitments =
    sum{o in RESERVED, q in PERIODS} pi[o] * h * (sum{t in P+1..q+T[o]-1} delta[t]) * v[o,q];

# cash only: straight-line remaining value at the horizon's end of units bought in q
s.t. defSalvage: salvageCredit =
    if cash then sum{(o,q) in ARRIVALS} c[o] * max(0, q + L[o] - 1 - P) / L[o] * b[o,q] else 0;

/* ================================================================ objective */
minimize total:
    sum{p in PERIODS} delta[p] * (capexCost[p] + energyCost[p] + fixedOpexCost[p]
                                  + rentalCost[p] + apiCost[p] + unservedCost[p] + platformCost[p])
  - delta[P+1] * salvageCredit + discountedCommitments;

solve;

/* The objective has no constant term (existing units enter through n), but print it from
   the variables' values anyway: glpsol's printf of an objective drops constants. */
printf "OBJECTIVE %.17g\n",
    sum{p in PERIODS} delta[p] * (capexCost[p] + energyCost[p] + fixedOpexCost[p]
                                  + rentalCost[p] + apiCost[p] + unservedCost[p] + platformCost[p])
  - delta[P+1] * salvageCredit + discountedCommitments;
# (two printf: MathProg caps a string literal at 100 characters)
for {p in PERIODS} {
    printf "PERIOD %s capex %.17g energy %.17g fixedOpex %.17g rental %.17g",
        label[p], capexCost[p], energyCost[p], fixedOpexCost[p], rentalCost[p];
    printf " api %.17g unservedPenalty %.17g platform %.17g\n", apiCost[p], unservedCost[p], platformCost[p];
}
printf "SALVAGE %.17g %.17g\n", salvageCredit, delta[P+1] * salvageCredit;
printf "COMMITMENTS %.17g %.17g\n", commitments, discountedCommitments;
printf{(o,q) in ARRIVALS: b[o,q] > 1e-9} "BUY %s %s %.17g\n", o, label[q], b[o,q];
printf{o in RESERVED, q in PERIODS: v[o,q] > 1e-9} "START %s %s %.17g\n", o, label[q], v[o,q];
printf{(j,o,p,s) in JOBRUN: train[j,o,p,s] > 1e-9} "TRAIN %s %s %s %s %.17g\n", j, o, label[p], s, train[j,o,p,s];

end;
