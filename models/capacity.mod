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
 *   PERIOD <label> capex .. energy .. fixedOpex .. rental .. api .. unservedPenalty .. (undiscounted)
 *   SALVAGE <undiscounted> <discounted>
 *
 * Notation (docs/formulation.md): periods p = 1..P of h hours (d = h/24 days); time slices
 * s (eta_s hours, share sigma_s); workloads w (demand D_wp tokens, output share phi_w);
 * purchases o (price c_o USD, lifetime L_o periods, power k_o kW, fixed opex g_o USD per
 * unit-period, throughput tau_ow tokens/s per unit); rentals o (pi_o USD per unit-hour);
 * APIs a (USD per million input / output tokens). Rates in tokens/s, money in USD.
 * Constraint families carry the names of docs/formulation.md: fleet, demand,
 * ownedCapacity, rentedCapacity, apiRateLimit, powerCap, capitalBudget.
 */

/* ---------------------------------------------------------------- calendar */
param P integer >= 1;                 # number of periods
set PERIODS := 1..P;
param label{PERIODS} symbolic;        # period labels, e.g. 2027Q3
param h > 0;                          # hours per period
param d := h / 24;                    # days per period
param rho >= 0, < 1;                  # annual discount rate
# delta[p] discounts period p to the start of the horizon; delta[P+1] to its end
param delta{p in 1..P+1} := (1 + rho) ** (-(p - 1) * h / 8760);

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

/* ---------------------------------------------------------------- APIs */
set API;
param pin{API} >= 0;                  # USD per million input tokens
param pout{API} >= 0;                 # USD per million output tokens
param maxTPS{API} default Infinity;   # rate limit over all workloads, tokens/s
set APISERVE within {API, WORKLOADS}; # (a, w): API a serves workload w

/* ---------------------------------------------------------------- throughput */
set CANSERVE within {BUY union RENT, WORKLOADS};  # (o, w) with a throughput
param tau{CANSERVE} > 0;              # tokens/s per unit

/* ================================================================ variables */
var b{(o,q) in ARRIVALS} >= 0, <= bmax[o];          # units of o arriving in q
var bWhole{(o,q) in ARRIVALS: integerUnits} integer; # integrality of b
var n{BUY, PERIODS} >= 0;                             # units of o in service in p
var m{o in RESERVED, p in PERIODS} >= 0, <= mmax[o];  # reserved rental units
var mWhole{o in RESERVED, p in PERIODS: integerUnits} integer;  # integrality of m
var ms{o in ONDEMAND, p in PERIODS, s in SLICES} >= 0, <= mmax[o];  # on-demand units
var x{(o,w) in CANSERVE, p in PERIODS, s in SLICES} >= 0;       # tokens/s served by o
var y{(a,w) in APISERVE, p in PERIODS, s in SLICES} >= 0;       # tokens/s sent to API a
var u{w in WORKLOADS, p in PERIODS, s in SLICES: hasPenalty} >= 0;  # unserved tokens/s

/* ================================================================ constraints */
s.t. wholeUnits{(o,q) in ARRIVALS: integerUnits}: b[o,q] = bWhole[o,q];
s.t. wholeReserved{o in RESERVED, p in PERIODS: integerUnits}: m[o,p] = mWhole[o,p];

# n_op = e_op + sum_{q = max(1, p - L_o + 1)}^{p} b_oq
s.t. fleet{o in BUY, p in PERIODS}:
    n[o,p] = e[o,p] + sum{q in PERIODS: q >= q0[o] and q >= p - L[o] + 1 and q <= p} b[o,q];

s.t. demand{w in WORKLOADS, p in PERIODS, s in SLICES}:
    sum{o in BUY union RENT: (o,w) in CANSERVE} x[o,w,p,s]
  + sum{a in API: (a,w) in APISERVE} y[a,w,p,s]
  + (if hasPenalty then u[w,p,s] else 0)
    >= r[w,p,s];

s.t. ownedCapacity{o in BUY, p in PERIODS, s in SLICES}:
    sum{w in WORKLOADS: (o,w) in CANSERVE} x[o,w,p,s] / tau[o,w] <= U * n[o,p];

s.t. rentedCapacity{o in RENT, p in PERIODS, s in SLICES}:
    sum{w in WORKLOADS: (o,w) in CANSERVE} x[o,w,p,s] / tau[o,w]
    <= U * (if o in RESERVED then m[o,p] else ms[o,p,s]);

s.t. apiRateLimit{a in API, p in PERIODS, s in SLICES: maxTPS[a] < Infinity}:
    sum{w in WORKLOADS: (a,w) in APISERVE} y[a,w,p,s] <= maxTPS[a];

s.t. powerCap{p in PERIODS: powerCapKW[p] < Infinity}:
    sum{o in BUY} k[o] * n[o,p] <= powerCapKW[p];

s.t. capitalBudget{p in PERIODS: capexBudget[p] < Infinity}:
    sum{o in BUY: p >= q0[o]} c[o] * b[o,p] <= capexBudget[p];

/* ================================================================ costs (USD) */
var capexCost{PERIODS};
var energyCost{PERIODS};
var fixedOpexCost{PERIODS};
var rentalCost{PERIODS};
var apiCost{PERIODS};
var unservedCost{PERIODS};
var salvageCredit;

# amortized: c_o / L_o per purchased unit in service; cash: c_o b_op on arrival
s.t. defCapex{p in PERIODS}: capexCost[p] =
    if cash then sum{o in BUY: p >= q0[o]} c[o] * b[o,p]
    else sum{o in BUY, q in PERIODS: q >= q0[o] and q >= p - L[o] + 1 and q <= p} c[o] / L[o] * b[o,q];

# energy and fixed opex on every unit in service, existing units included
s.t. defEnergy{p in PERIODS}: energyCost[p] = sum{o in BUY} n[o,p] * k[o] * pue * h * electricity;
s.t. defFixedOpex{p in PERIODS}: fixedOpexCost[p] = sum{o in BUY} n[o,p] * g[o];

s.t. defRental{p in PERIODS}: rentalCost[p] =
    sum{o in RESERVED} pi[o] * h * m[o,p]
  + sum{o in ONDEMAND, s in SLICES} pi[o] * d * eta[s] * ms[o,p,s];

s.t. defApi{p in PERIODS}: apiCost[p] =
    sum{(a,w) in APISERVE, s in SLICES}
        d * eta[s] * 3600 / 1e6 * ((1 - phi[w]) * pin[a] + phi[w] * pout[a]) * y[a,w,p,s];

s.t. defUnserved{p in PERIODS}: unservedCost[p] =
    sum{w in WORKLOADS, s in SLICES: hasPenalty} d * eta[s] * 3600 / 1e6 * penalty * u[w,p,s];

# cash only: straight-line remaining value at the horizon's end of units bought in q
s.t. defSalvage: salvageCredit =
    if cash then sum{(o,q) in ARRIVALS} c[o] * max(0, q + L[o] - 1 - P) / L[o] * b[o,q] else 0;

/* ================================================================ objective */
minimize total:
    sum{p in PERIODS} delta[p] * (capexCost[p] + energyCost[p] + fixedOpexCost[p]
                                  + rentalCost[p] + apiCost[p] + unservedCost[p])
  - delta[P+1] * salvageCredit;

solve;

/* The objective has no constant term (existing units enter through n), but print it from
   the variables' values anyway: glpsol's printf of an objective drops constants. */
printf "OBJECTIVE %.17g\n",
    sum{p in PERIODS} delta[p] * (capexCost[p] + energyCost[p] + fixedOpexCost[p]
                                  + rentalCost[p] + apiCost[p] + unservedCost[p])
  - delta[P+1] * salvageCredit;
printf{p in PERIODS} "PERIOD %s capex %.17g energy %.17g fixedOpex %.17g rental %.17g api %.17g unservedPenalty %.17g\n",
    label[p], capexCost[p], energyCost[p], fixedOpexCost[p], rentalCost[p], apiCost[p], unservedCost[p];
printf "SALVAGE %.17g %.17g\n", salvageCredit, delta[P+1] * salvageCredit;
printf{(o,q) in ARRIVALS: b[o,q] > 1e-9} "BUY %s %s %.17g\n", o, label[q], b[o,q];

end;
