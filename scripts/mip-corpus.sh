#!/usr/bin/env bash
# The whole-unit (MIP) corpus of docs/benchmarks.md: generated scenarios of several sizes and
# seeds, each in variants that stress whole units (tight power caps, no API, more demand,
# supply caps), solved with each cut setting under a time limit; prints the worst case and the
# median per setting, then the default `capplan plan` (extras included) over the corpus.
#
# Needs a release build (`make release`), python3 with PyYAML, GNU time (/usr/bin/time).
#   SIZES="small medium"  SEEDS="1 ... 17"  LIMIT=20 (seconds per main solve)
#   (6 variants per size and seed: 2 sizes x 17 seeds = 204 scenarios)
#   SETTINGS="none noheur mir gomory all"   (cut settings, `capplan bench --cuts`; `noheur` is
#   no cuts without the primal heuristics, `capplan bench --no-primal-heuristics`; "" for none).
#   A setting may join tokens with +: a cut setting and pcost or dth (branching: pseudocost,
#   Driebeck-Tomlin), bph or blb (backtracking: best projection, best bound), rbph or rblb (the
#   same for the restart after the primal heuristics only), fpump (feasibility pump), proxy
#   (proximity search), mippre (GLPK's MIP presolver: without the rounding start and the primal
#   heuristics, which need the original columns), nofpre (no presolver in the first phase), norr
#   (no replicaRounding rows), nour (no unitRounding cuts at the root), fpstop (the first phase stops at its share even with an incumbent); e.g. all+dth, all+pcost+bph. Tokens left out
#   keep the plan's default.
#   BIN=.build/release/capplan  KEEP=dir (keep the corpus there)  PLAN=1 (also time `capplan plan`)
#   TIMEOUT=300 (seconds before a whole `capplan plan` run is killed and counted as "timeout")
#   CORPUS_ONLY=1 (only write the corpus)  SUMMARY=results.tsv (only summarize those results)
#   Two halves on two cores: SEEDS="1 ... 9" KEEP=a and SEEDS="10 ... 17" KEEP=b at once,
#   then cat a/results.tsv b/results.tsv > all.tsv; SUMMARY=all.tsv scripts/mip-corpus.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/capplan}
SIZES=${SIZES:-small medium}
SEEDS=${SEEDS:-$(seq -s ' ' 1 17)}
LIMIT=${LIMIT:-20}
SETTINGS=${SETTINGS-none noheur mir gomory all}
PLAN=${PLAN:-1}
TIMEOUT=${TIMEOUT:-300}
WORK=${KEEP:-$(mktemp -d)}
mkdir -p "$WORK"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$WORK"' EXIT

# Variants of one generated scenario. Each keeps the scenario valid; the generator already
# sets whole units, power caps, capital budgets, supply caps and existing fleets at random.
#   base      as generated
#   power60   every power cap at 60% of its value (the fleet runs into the cap)
#   power30   at 30% (whole units against a cap that APIs must make up for)
#   noapi     API offerings limited to 1% of demand by a rate limit (owned and rented units carry it)
#   demand3   demand tripled, budgets unchanged
#   nocaps    no budget, no supply caps (the plain fleet-sizing MIP)
variants() {  # scenario file, output prefix
    python3 - "$1" "$2" <<'EOF'
import sys, yaml
source, prefix = sys.argv[1], sys.argv[2]
base = yaml.safe_load(open(source))
base.setdefault("policy", {})["integerUnits"] = True

def scaled_caps(s, factor):
    site = s.get("site", {})
    if "powerCapKW" in site:
        caps = site["powerCapKW"]
        site["powerCapKW"] = [round(c * factor, 1) for c in caps] if isinstance(caps, list) else round(caps * factor, 1)
    return s

def no_api(s):
    peak = 0.0
    for w in s["workloads"]:
        tokens = w["demand"].get("tokensPerPeriod")
        if tokens: peak = max(peak, max(tokens))
    hours = 2190.0  # a quarter; generated horizons are quarterly
    for o in s["offerings"]:
        if o.get("kind") == "api":
            o["maxTokensPerSecond"] = max(1.0, round(0.01 * peak / (hours * 3600), 1))
    return s

def demand(s, factor):
    for w in s["workloads"]:
        d = w["demand"]
        if "tokensPerPeriod" in d: d["tokensPerPeriod"] = [t * factor for t in d["tokensPerPeriod"]]
        if "start" in d: d["start"] *= factor
    return s

def no_caps(s):
    s.pop("budget", None)
    for o in s["offerings"]: o.pop("maxUnitsPerPeriod", None)
    return s

import copy
for name, edit in [("base", lambda s: s), ("power60", lambda s: scaled_caps(s, 0.6)), ("power30", lambda s: scaled_caps(s, 0.3)),
                   ("noapi", no_api), ("demand3", lambda s: demand(s, 3)), ("nocaps", no_caps)]:
    s = edit(copy.deepcopy(base))
    s["name"] = f'{base["name"]}-{name}'
    with open(f"{prefix}-{name}.yaml", "w") as f: yaml.safe_dump(s, f, sort_keys=False)
EOF
}

if [ -z "${SUMMARY:-}" ]; then
for size in $SIZES; do
    for seed in $SEEDS; do
        "$BIN" generate --size "$size" --seed "$seed" -o "$WORK/g.yaml"
        variants "$WORK/g.yaml" "$WORK/$size-$seed"
    done
done
rm -f "$WORK/g.yaml"
count=$(ls "$WORK"/*.yaml | wc -l)
echo "corpus: $count scenarios in $WORK (sizes: $SIZES; seeds: $SEEDS; 6 variants each)"
[ -z "${CORPUS_ONLY:-}" ] || exit 0

# One line per (setting, scenario): setting scenario status gap seconds integer-columns
RESULTS=${RESULTS:-$WORK/results.tsv}
: > "$RESULTS"
for setting in $SETTINGS; do
    for f in "$WORK"/*.yaml; do
        name=$(basename "$f" .yaml)
        flags=()
        for token in ${setting//+/ }; do
            case $token in
                noheur) flags+=(--cuts none --no-primal-heuristics) ;;
                pcost) flags+=(--branching pseudocost) ;;
                dth) flags+=(--branching driebeck-tomlin) ;;
                bph) flags+=(--backtracking best-projection) ;;
                blb) flags+=(--backtracking best-bound) ;;
                rbph) flags+=(--restart-backtracking best-projection) ;;
                rblb) flags+=(--restart-backtracking best-bound) ;;
                fpump) flags+=(--feasibility-pump) ;;
                proxy) flags+=(--proximity-search) ;;
                mippre) flags+=(--mip-presolve) ;;
                nofpre) flags+=(--no-first-phase-presolve) ;;
                norr) flags+=(--no-replica-rounding) ;;
                nour) flags+=(--no-unit-rounding-cuts) ;;
                fpstop) flags+=(--first-phase-stops) ;;
                *) flags+=(--cuts "$token") ;;
            esac
        done
        if ! out=$("$BIN" bench "$f" --runs 1 --warmup 0 "${flags[@]}" --time-limit "$LIMIT" --json 2>/dev/null); then
            printf '%s\t%s\tfailed\t-\t-\t-\n' "$setting" "$name" >> "$RESULTS"; continue
        fi
        python3 -c '
import json, sys
r = json.loads(sys.argv[1])
gap = r.get("mipGap"); gap = "-" if gap is None else "%.6f" % gap
print("\t".join([sys.argv[2], sys.argv[3], r["status"], gap, "%.3f" % r["median"]["total"], str(r["integerColumns"])]))
' "$out" "$setting" "$name" >> "$RESULTS"
    done
done

if [ "$PLAN" = 1 ]; then
    # The default command as a user runs it: no flags, extras included.
    for f in "$WORK"/*.yaml; do
        name=$(basename "$f" .yaml)
        /usr/bin/time -f "%e" -o "$WORK/time" timeout "$TIMEOUT" "$BIN" plan "$f" --format json > "$WORK/plan.json" 2>/dev/null && rc=0 || rc=$?
        [ "$rc" = 124 ] && echo "$TIMEOUT" > "$WORK/time"
        python3 -c '
import json, sys
try:
    p = json.load(open(sys.argv[1])); status = p["status"]; gap = p["solver"].get("mipGap")
except Exception: status, gap = ("timeout" if sys.argv[3] == "124" else "no-json"), None
gap = "-" if gap is None else "%.6f" % gap
print("\t".join(["plan", sys.argv[2], status + "/exit" + sys.argv[3], gap, open(sys.argv[4]).read().split()[-1], "-"]))
' "$WORK/plan.json" "$name" "$rc" "$WORK/time" >> "$RESULTS"
    done
fi

else
    RESULTS=$SUMMARY  # only summarize results already measured (e.g. halves run in parallel, concatenated)
fi

python3 - "$RESULTS" <<'EOF'
import sys, statistics
def pct(xs, q): xs = sorted(xs); return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
by = {}
for setting, name, status, gap, seconds, _ in rows: by.setdefault(setting, []).append((name, status, gap, seconds))
print("\n%-8s %5s %9s %9s %9s %9s %-28s %11s %11s %-28s %s" % ("setting", "runs", "median s", "p90 s", "worst s", "unproven", "slowest", "median gap", "worst gap", "worst-gap scenario", "statuses"))
for setting, runs in by.items():
    times = [float(s) for _, _, _, s in runs if s != "-"]
    slow = max(runs, key=lambda r: float(r[3]) if r[3] != "-" else 1e9)
    gaps = [(float(g), n) for n, _, g, _ in runs if g != "-"]
    worst_gap = max(gaps) if gaps else (0.0, "-")
    unproven = sum(1 for _, st, g, _ in runs if not st.startswith("optimal") and not st.startswith("infeasible"))
    statuses = {}
    for _, st, _, _ in runs: statuses[st] = statuses.get(st, 0) + 1
    over10 = sum(1 for t in times if t > 10)
    print("%-8s %5d %9.2f %9.2f %9.2f %9d %-28s %10.4f%% %10.3f%% %-28s %s  (>10 s: %d)" % (
        setting, len(runs), statistics.median(times) if times else float("nan"), pct(times, 0.9), max(times) if times else float("nan"),
        unproven, slow[0], 100 * (statistics.median([g for g, _ in gaps]) if gaps else 0), 100 * worst_gap[0], worst_gap[1],
        " ".join("%s:%d" % kv for kv in sorted(statuses.items())), over10))
EOF
