#!/usr/bin/env bash
# The regression gate, end to end: instruction counts are deterministic (two
# instr runs of one build agree exactly); the gate passes the normal build
# against a baseline made by it and fails the deliberately regressed build
# (tests/regressed/pairbench_regressed.c: a second lookup and a malloc/free in the
# optimized task_store get), naming the case; a corrupt or missing baseline
# is one line and exit 2; the timing-ratio check (Mann-Whitney U over
# repetitions) fails a doctored, clearly slower optimized side and skips with
# fewer than 5 repetitions. Needs valgrind; normal build only (the
# sanitizer build cannot run under valgrind).
# Usage: test_gate.sh PATH/TO/pairbench PATH/TO/pairbench_regressed [BASELINE_DIR]
set -u
PB=$1
PBR=$2
COMMITTED=${3:-}
PY=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# A small subset: a task_store get pair (the regressed one), a priority
# queue pair and a state_history pair, at N=1000.
SUBSET='^(task_store/(naive|optimized)/get_(hit|miss)|priority_queue/(naive|optimized)/hold|state_history/[a-z]+/update)/'

instr() {  # instr BINARY OUT [more flags]
    local bin=$1 out=$2; shift 2
    "$bin" instr --filter "$SUBSET" --json "$out" "$@" 2>"$tmp/instr.err"
}

# expect_gate DESCRIPTION WANT_RC ARGS...: runs the gate; output in $tmp/gate.out/err
expect_gate() {
    local what=$1 want=$2; shift 2
    "$PB" gate "$@" >"$tmp/gate.out" 2>"$tmp/gate.err"
    local rc=$?
    if [ $rc -ne "$want" ]; then
        bad "$what: exit $rc, want $want"; cat "$tmp/gate.out" "$tmp/gate.err"; return 1
    fi
    ok
}

# expect_one_line DESCRIPTION: the last gate run printed one 'pairbench:'
# line on stderr and nothing on stdout.
expect_one_line() {
    if [ "$(wc -l <"$tmp/gate.err")" -ne 1 ] || ! grep -q '^pairbench: ' "$tmp/gate.err" \
        || [ -s "$tmp/gate.out" ]; then
        bad "$1: want one 'pairbench:' line on stderr and no stdout, got:"
        cat "$tmp/gate.out" "$tmp/gate.err"
    else
        ok
    fi
}

# --- determinism ------------------------------------------------------------
mkdir -p "$tmp/base"
if instr "$PB" "$tmp/base/instr.json" && instr "$PB" "$tmp/again.json"; then
    ok
else
    bad "instr on the normal build failed"; cat "$tmp/instr.err"
fi
if $PY - "$tmp/base/instr.json" "$tmp/again.json" <<'EOF'
import json, sys
a, b = (json.load(open(p))["cases"] for p in sys.argv[1:3])
key = lambda c: (c["name"], c["instructions"], c["allocs"], c["digest"])
assert len(a) == 8, "want 8 cases, got %d" % len(a)
assert all(c["instructions"] > 0 for c in a)
diff = [(x["name"], x["instructions"], y["instructions"])
        for x, y in zip(a, b) if key(x) != key(y)]
assert not diff and len(a) == len(b), diff
EOF
then ok; else bad "two instr runs of one build gave different counts"; fi

# --- pass on the normal build, fail on the regressed one ---------------------
expect_gate "normal build vs its baseline" 0 "$tmp/base" "$tmp/again.json"
grep -q '^gate: pass' "$tmp/gate.out" && ok || bad "no 'gate: pass' summary line"

if instr "$PBR" "$tmp/regressed.json"; then ok; else bad "instr on the regressed build failed"; cat "$tmp/instr.err"; fi
if expect_gate "regressed build" 1 "$tmp/base" "$tmp/regressed.json"; then
    grep -Eq '^task_store/optimized/get_hit/1000 +instr/op .*FAIL' "$tmp/gate.out" \
        && ok || { bad "regressed: get_hit instr/op not named as failing"; cat "$tmp/gate.out"; }
    grep -Eq '^task_store/optimized/get_hit/1000 +allocs/op .*FAIL' "$tmp/gate.out" \
        && ok || { bad "regressed: get_hit allocs/op not named as failing"; cat "$tmp/gate.out"; }
    grep -q 'naive' "$tmp/gate.out" && { bad "regressed: a naive case failed"; cat "$tmp/gate.out"; } || ok
    grep -q '^gate: FAIL' "$tmp/gate.out" && ok || bad "no 'gate: FAIL' summary line"
fi

# A threshold above the regression lets instr/op through; allocs still fail.
"$PB" gate --instr-threshold 500 "$tmp/base" "$tmp/regressed.json" >"$tmp/gate.out" 2>&1
grep -q 'instr/op.*FAIL' "$tmp/gate.out" && bad "--instr-threshold 500 still failed instr/op" || ok
grep -q 'allocs/op.*FAIL' "$tmp/gate.out" && ok || bad "allocs growth not caught alone"

# --- missing and new cases ----------------------------------------------------
$PY - "$tmp/again.json" "$tmp/fewer.json" "$tmp/more.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
drop = dict(d, cases=d["cases"][1:])
json.dump(drop, open(sys.argv[2], "w"))
extra = dict(d["cases"][0], name="task_store/optimized/brand_new/1000")
json.dump(dict(d, cases=d["cases"] + [extra]), open(sys.argv[3], "w"))
EOF
expect_gate "a case missing from the new result" 1 "$tmp/base" "$tmp/fewer.json" \
    && { grep -q 'missing' "$tmp/gate.out" && ok || bad "missing case not reported"; }
expect_gate "a new case" 0 "$tmp/base" "$tmp/more.json" \
    && { grep -q 'brand_new.*new' "$tmp/gate.out" && ok || bad "new case not listed"; }

# --- SQLite's counts ------------------------------------------------------------
# Cases on a watched connection carry SQLite's own counts in the instr file;
# the gate fails on one more statement per op, on VM or full-scan steps past
# the threshold (a plan that lost its index), and on counts gone missing.
if "$PB" instr --filter '^(n_plus_one/optimized/refresh|ready_tasks_index/optimized/dependents)/' \
        --json "$tmp/sql.json" 2>"$tmp/instr.err"; then
    ok
else
    bad "instr on the SQL cases failed"; cat "$tmp/instr.err"
fi
$PY - "$tmp/sql.json" "$tmp" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert all(c["sql_statements_per_op"] >= 1 and c["sql_vm_steps_per_op"] > 0 for c in d["cases"]), d
def write(name, f):
    json.dump(dict(d, cases=[f(dict(c)) for c in d["cases"]]), open(f"{sys.argv[2]}/{name}", "w"))
write("sql_stmt.json", lambda c: dict(c, sql_statements_per_op=c["sql_statements_per_op"] + 1))
write("sql_scan.json", lambda c: dict(c, sql_fullscan_steps_per_op=c["sql_fullscan_steps_per_op"] * 10 + 100))
write("sql_gone.json", lambda c: {k: v for k, v in c.items() if not k.startswith("sql_")})
EOF
expect_gate "the same SQL counts" 0 "$tmp/sql.json" "$tmp/sql.json"
expect_gate "one more statement per op" 1 "$tmp/sql.json" "$tmp/sql_stmt.json" \
    && { grep -q 'sql stmt/op.*FAIL (any growth)' "$tmp/gate.out" && ok || bad "statements not named"; }
expect_gate "a full scan" 1 "$tmp/sql.json" "$tmp/sql_scan.json" \
    && { grep -q 'sql scan/op.*FAIL' "$tmp/gate.out" && ok || bad "full-scan steps not named"; }
expect_gate "SQL counts gone" 1 "$tmp/sql.json" "$tmp/sql_gone.json" \
    && { grep -q 'FAIL (not counted)' "$tmp/gate.out" && ok || bad "missing SQL counts not named"; }

# --- corrupt, missing, bad usage: one line, exit 2 ----------------------------
mkdir -p "$tmp/corrupt"
head -c 200 "$tmp/base/instr.json" >"$tmp/corrupt/instr.json"
expect_gate "truncated baseline" 2 "$tmp/corrupt" "$tmp/again.json" && expect_one_line "truncated baseline"
printf 'not json at all' >"$tmp/corrupt/instr.json"
expect_gate "garbage baseline" 2 "$tmp/corrupt" "$tmp/again.json" && expect_one_line "garbage baseline"
expect_gate "missing baseline dir" 2 "$tmp/no_such_dir" "$tmp/again.json" && expect_one_line "missing baseline dir"
mkdir -p "$tmp/empty"
expect_gate "baseline dir without instr.json" 2 "$tmp/empty" "$tmp/again.json" && expect_one_line "empty baseline dir"
expect_gate "missing new result" 2 "$tmp/base" "$tmp/no_such.json" && expect_one_line "missing new result"
expect_gate "no new result" 2 "$tmp/base" && expect_one_line "no new result"
expect_gate "bad threshold" 2 --instr-threshold abc "$tmp/base" "$tmp/again.json" && expect_one_line "bad threshold"

"$PB" instr --json >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && ok || bad "instr --json without a file: exit $rc"
"$PB" instr --filter no_such_case --json "$tmp/x.json" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && [ ! -e "$tmp/x.json" ] && ok || bad "instr matching nothing: exit $rc or file written"

# --- hollow input: a gate that checked nothing must not pass -----------------
# Each bad file is one line, exit 2, naming the file, the case and the field
# (issue 10 item 2), as baseline and as new result; trailing text, a NUL
# byte and out-of-range numbers are refused the same way (items 8, 9).
$PY - "$tmp/base/instr.json" "$tmp/hollow" <<'EOF'
import json, os, re, sys
d = json.load(open(sys.argv[1]))
out = sys.argv[2]
os.makedirs(out, exist_ok=True)
def write(name, doc=None, text=None):
    with open(os.path.join(out, name), "w") as f:
        f.write(text if text is not None else json.dumps(doc))
def cases(fn):
    c = json.loads(json.dumps(d))
    c["cases"] = [fn(dict(x)) for x in c["cases"]]
    return c
write("empty.json", dict(d, cases=[]))
write("numeric_names.json", cases(lambda x: dict(x, name=12345)))
write("string_counts.json", cases(lambda x: dict(x, instructions_per_op=str(x["instructions_per_op"]),
                                               allocs_per_op=str(x["allocs_per_op"]))))
# 3x slower with 5 more allocations per op, the counts as strings
write("slow_strings.json", cases(lambda x: dict(x, instructions_per_op=str(x["instructions_per_op"] * 3),
                                              allocs_per_op=str(x["allocs_per_op"] + 5))))
write("null_counts.json", cases(lambda x: dict(x, instructions_per_op=None, allocs_per_op=None)))
write("no_allocs.json", cases(lambda x: {k: v for k, v in x.items() if k != "allocs_per_op"}))
write("negative.json", cases(lambda x: dict(x, allocs_per_op=-3)))
write("huge.json", text=re.sub(r'"instructions_per_op": [0-9.e+]+', '"instructions_per_op": 1e999',
                               json.dumps(d), count=1))
write("trailing.json", text=json.dumps(d) + "\n  {\"more\": 1}\n")
write("trailing_ws.json", text=json.dumps(d) + "\n  \n")
with open(os.path.join(out, "nul.json"), "wb") as f:
    f.write(json.dumps(d).encode() + b"\0 garbage")
EOF
# expect_hollow DESCRIPTION FILE FIELD SIDE: exit 2, one line naming FILE and FIELD
expect_hollow() {
    local what=$1 file=$2 field=$3 side=$4
    if [ "$side" = baseline ]; then
        expect_gate "$what (baseline)" 2 "$file" "$tmp/again.json" || return
    else
        expect_gate "$what (new result)" 2 "$tmp/base" "$file" || return
    fi
    expect_one_line "$what ($side)"
    grep -qF "$file" "$tmp/gate.err" && grep -qF "$field" "$tmp/gate.err" && ok \
        || { bad "$what ($side): the line does not name $file and $field"; cat "$tmp/gate.err"; }
}
H=$tmp/hollow
FIRST=task_store/naive/get_hit/1000     # the first case of the subset
for side in baseline new; do
    expect_hollow 'cases: []' "$H/empty.json" cases $side
    expect_hollow 'numeric names' "$H/numeric_names.json" name $side
    expect_hollow 'string counts' "$H/string_counts.json" "$FIRST: instructions_per_op" $side
    expect_hollow 'null counts' "$H/null_counts.json" "$FIRST: instructions_per_op" $side
    expect_hollow 'missing allocs_per_op' "$H/no_allocs.json" "$FIRST: allocs_per_op" $side
    expect_hollow 'negative count' "$H/negative.json" "$FIRST: allocs_per_op" $side
    expect_hollow 'count 1e999' "$H/huge.json" "$FIRST: instructions_per_op" $side
    expect_hollow 'trailing text' "$H/trailing.json" 'after' $side
    expect_hollow 'a NUL byte' "$H/nul.json" NUL $side
done
expect_hollow '3x slower, 5 more allocs/op, counts as strings' "$H/slow_strings.json" \
    "$FIRST: instructions_per_op" new
expect_gate "trailing white space is fine" 0 "$H/trailing_ws.json" "$tmp/again.json"
# the pass line counts the checks made: instr/op and allocs/op of 8 cases
grep -q 'pass: 16 check(s)' "$tmp/gate.out" && ok || { bad "pass line: want 16 checks"; cat "$tmp/gate.out"; }

# --- timing ratios (Mann-Whitney U) -------------------------------------------
# A real 5-repetition run of one pair, and a copy whose optimized side is
# clearly slower in every repetition: the ratio check must fail only the copy.
if "$PB" run --filter '^state_history/[a-z]+/update/1000$' --repetitions 5 \
        --min-time 0.01 --json "$tmp/bench.json" >/dev/null 2>"$tmp/run.err"; then
    ok
else
    bad "pairbench run for the ratio check failed"; cat "$tmp/run.err"
fi
$PY - "$tmp/bench.json" "$tmp/slow.json" "$tmp/three.json" "$tmp/slowreps.json" \
      "$tmp/norounds.json" "$tmp/slownorounds.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert "state_history/update/1000" in d["pairbench_paired"], "no paired rounds"
# The gate compares the paired rounds' ratios when a file has them, else the
# repetitions'. Every round's (repetition's) ratio made 1.5x the worst
# measured one (and distinct, so the test is exact): a certain regression
# whatever the machine's noise.
def slow_rounds(x):
    for v in x["pairbench_paired"].values():
        w = max(o / n for o, n in zip(v["optimized_ns"], v["naive_ns"]))
        v["optimized_ns"] = [n * w * 1.5 * (1 + 0.01 * i) for i, n in enumerate(v["naive_ns"])]
def slow_reps(x):
    it = lambda impl: {b["repetition_index"]: b for b in x["benchmarks"]
                       if b["run_type"] == "iteration" and "/%s/" % impl in b["name"]}
    naive, opt = it("naive"), it("optimized")
    worst = max(opt[i]["real_time"] / naive[i]["real_time"] for i in opt)
    for i in opt:
        opt[i]["real_time"] = naive[i]["real_time"] * worst * 1.5 * (1 + 0.01 * i)
copy = lambda: json.loads(json.dumps(d))
slow = copy(); slow_rounds(slow); slow_reps(slow)
json.dump(slow, open(sys.argv[2], "w"))
# three repetitions and three rounds: too few on the new side
three = dict(copy(), benchmarks=[b for b in d["benchmarks"]
                                 if b.get("repetition_index", 0) < 3])
for v in three["pairbench_paired"].values():
    v["naive_ns"], v["optimized_ns"] = v["naive_ns"][:3], v["optimized_ns"][:3]
json.dump(three, open(sys.argv[3], "w"))
# only the repetitions slower: the rounds decide, so no regression
slowreps = copy(); slow_reps(slowreps)
json.dump(slowreps, open(sys.argv[4], "w"))
# files without rounds (an older run): the repetitions decide
norounds = copy(); del norounds["pairbench_paired"]
json.dump(norounds, open(sys.argv[5], "w"))
slownorounds = copy(); del slownorounds["pairbench_paired"]; slow_reps(slownorounds)
json.dump(slownorounds, open(sys.argv[6], "w"))
EOF
mkdir -p "$tmp/bbase"
cp "$tmp/base/instr.json" "$tmp/bbase/instr.json"
cp "$tmp/bench.json" "$tmp/bbase/bench.json"
expect_gate "same timings" 0 "$tmp/bbase" "$tmp/again.json" "$tmp/bench.json"
expect_gate "optimized clearly slower" 1 "$tmp/bbase" "$tmp/again.json" "$tmp/slow.json" \
    && { grep -Eq '^state_history/update/1000 +opt/naive .*FAIL' "$tmp/gate.out" && ok \
         || { bad "slower ratio not named"; cat "$tmp/gate.out"; }; }
expect_gate "3 repetitions" 0 "$tmp/bbase" "$tmp/again.json" "$tmp/three.json" \
    && { grep -q 'skipped.*fewer than 5' "$tmp/gate.out" && ok || bad "skip not said"; }
expect_gate "repetitions slower, rounds not: the rounds decide" 0 "$tmp/bbase" \
    "$tmp/again.json" "$tmp/slowreps.json"
mkdir -p "$tmp/nbase"
cp "$tmp/base/instr.json" "$tmp/nbase/instr.json"
cp "$tmp/norounds.json" "$tmp/nbase/bench.json"
expect_gate "no rounds in either file: repetitions slower" 1 "$tmp/nbase" \
    "$tmp/again.json" "$tmp/slownorounds.json"

# Timing files alone, every pair too short to compare: nothing was checked,
# so no pass (exit 2, one line).
expect_gate "timings only, nothing comparable" 2 "$tmp/three.json" "$tmp/three.json" \
    && { grep -q "^pairbench: gate: nothing was checked" "$tmp/gate.err" && ok || bad "nothing checked: no reason"; }
# An out-of-range number in a timing file: one line naming the field.
sed -E 's/"iterations":[[:space:]]*[0-9]+/"iterations": 1e308/' "$tmp/bench.json" >"$tmp/iter.json"
expect_gate "iterations 1e308" 2 "$tmp/bbase" "$tmp/again.json" "$tmp/iter.json" \
    && expect_one_line "iterations 1e308" \
    && { grep -q 'iterations' "$tmp/gate.err" && ok || bad "iterations 1e308: field not named"; }

# --- the committed baseline, when given, is well-formed ------------------------
if [ -n "$COMMITTED" ]; then
    expect_gate "committed baseline $COMMITTED against itself" 0 "$COMMITTED" "$COMMITTED/instr.json"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
