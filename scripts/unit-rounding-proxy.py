#!/usr/bin/env python3
# Measurement only (docs/benchmarks.md, "Unit rounding separated at the root"); CapPlan does
# not use it. Reads a model written by `capplan export --lp`, separates unit-rounding cuts at
# the root of its LP relaxation and writes the model with the violated ones added as rows, so
# that glpsol can solve both:
#
#   capplan export medium-6-base.yaml --lp m6.lp
#   pip install highspy                      # the LP solves of the separation rounds
#   python3 scripts/unit-rounding-proxy.py m6.lp m6-cuts.lp 5
#   glpsol --lp m6.lp      --cuts --pcost --bestp --tmlim 60
#   glpsol --lp m6-cuts.lp --cuts --pcost --bestp --tmlim 60
#
# The cut, for a demand row  Σ x + ... ≥ M  (rate M of workload w in period p, slice s) and a
# whole-unit pool with units N (integer) whose capacity row holds w's options without a replica
# size (x_k / a_k among its load terms, −N on the other side): with C = max_k a_k,
# q = ⌊M / C⌋ and ϱ = M − q C,
#     Σ_k x_k − ϱ N ≤ q (C − ϱ).
# It holds at every point with Σ_k x_k ≤ min(C N, M), and serving more than the demand never
# lowers the cost, so the optimum is unchanged (the argument of `replicaRounding`,
# docs/formulation.md).
import math
import re
import sys

import highspy

source, target = sys.argv[1], sys.argv[2]
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5

text = open(source).read()
head, rest = text.split("\nSubject To\n", 1)
constraints, tail = rest.split("\nBounds\n", 1)
integers = set()
if "Generals\n" in tail:
    for line in tail.split("Generals\n", 1)[1].splitlines():
        if line.strip() and line.strip() != "End":
            integers.add(line.strip())

rows = {}
name, body = None, []


def flush():
    if name is None:
        return
    m = re.match(r"(.*?)(<=|>=|=)\s*(\S+)\s*$", " ".join(body))
    terms = {}
    for sign, c, v in re.findall(r"([+-])\s*(\d[\d.e+-]*)?\s*([A-Za-z][^\s]*)", m.group(1)):
        terms[v] = (-1 if sign == "-" else 1) * (float(c) if c else 1.0)
    rows[name] = (terms, m.group(2), float(m.group(3)))


for line in constraints.splitlines():
    m = re.match(r"^ (\S+):(.*)$", line)
    if m:
        flush()
        name, body = m.group(1), [m.group(2)]
    else:
        body.append(line)
flush()

# x ≤ a N from the capacity rows with one integer units column.
capacity = {}
for row, (terms, sense, rhs) in rows.items():
    if not row.startswith(("ownedCapacity(", "rentedCapacity(")) or sense != "<=" or rhs != 0:
        continue
    units = [(v, -c) for v, c in terms.items() if c < 0]
    if len(units) != 1 or units[0][0] not in integers:
        continue
    u, alpha = units[0]
    for v, c in terms.items():
        if c > 0:
            capacity[v] = (u, alpha / c)

candidates = []
for row, (terms, sense, rhs) in rows.items():
    if not row.startswith("demand(") or sense != ">=" or any(c < 0 for c in terms.values()):
        continue
    pools = {}
    for v, c in terms.items():
        if v in capacity:
            u, a = capacity[v]
            pools.setdefault(u, []).append((v, c, a))
    for u, options in pools.items():
        C = max(a * c for _, c, a in options)
        q = math.floor(rhs / C)
        remainder = rhs - q * C
        if remainder <= 1e-9 * rhs or q > 10_000:
            continue
        candidates.append(([(c, v) for v, c, _ in options] + [(-remainder, u)], q * (C - remainder)))

h = highspy.Highs()
h.setOptionValue("output_flag", False)
h.readModel(source)
lp = h.getLp()
column = {n: j for j, n in enumerate(lp.col_names_)}
h.changeColsIntegrality(lp.num_col_, list(range(lp.num_col_)), [highspy.HighsVarType.kContinuous] * lp.num_col_)
h.run()
print(f"root LP {h.getInfo().objective_function_value:.2f}", file=sys.stderr)
added = []
for r in range(rounds):
    x = h.getSolution().col_value
    violated = [k for k, (terms, bound) in enumerate(candidates)
                if sum(c * x[column[v]] for c, v in terms) > bound * (1 + 1e-6) + 1e-6]
    if not violated:
        break
    for k in violated:
        terms, bound = candidates[k]
        h.addRow(-highspy.kHighsInf, bound, len(terms), [column[v] for _, v in terms], [c for c, _ in terms])
    added += violated
    h.run()
    print(f"round {r + 1}: {len(violated)} cuts, LP {h.getInfo().objective_function_value:.2f}", file=sys.stderr)

out = [head, "\nSubject To\n", constraints]
for n, k in enumerate(added):
    terms, bound = candidates[k]
    out.append(f"\n unitRounding{n}: " + " ".join(f"{'+' if c >= 0 else '-'} {abs(c):.12g} {v}" for c, v in terms)
               + f" <= {bound:.12g}")
out.append("\nBounds\n" + tail)
open(target, "w").write("".join(out))
print(f"{len(candidates)} candidates, {len(added)} added", file=sys.stderr)
