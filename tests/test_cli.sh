#!/usr/bin/env bash
# The pairbench command line as a user meets it: bad input gets one clear
# line and exit status 2 and leaves no file behind; a good run writes
# Google Benchmark JSON, atomically, that compare.py pairs naive with
# optimized in. Usage: test_cli.sh PATH/TO/pairbench
set -u
PB=$1
PY=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect_usage_error DESCRIPTION ARGS...: exit 2, exactly one stderr line
# starting "pairbench:", nothing on stdout.
expect_usage_error() {
    local what=$1; shift
    "$PB" "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    local lines; lines=$(wc -l <"$tmp/err")
    if [ $rc -ne 2 ]; then bad "$what: exit $rc, want 2"; return; fi
    if [ "$lines" -ne 1 ] || ! grep -q '^pairbench: ' "$tmp/err"; then
        bad "$what: want one 'pairbench:' line on stderr, got:"; cat "$tmp/err"; return
    fi
    if [ -s "$tmp/out" ]; then bad "$what: wrote to stdout"; return; fi
    ok
}

expect_usage_error "no command"
expect_usage_error "unknown command"     frobnicate
expect_usage_error "unknown flag"        run --bogus
expect_usage_error "unknown list flag"   list --quick
expect_usage_error "unknown component"   run --component no_such_thing
expect_usage_error "unknown scenario"    run --scenario no_such_scenario
expect_usage_error "filter matches none" run --filter 'no_such_case_xyz'
expect_usage_error "bad regex"           run --filter '('
expect_usage_error "bad allocator"       run --allocator tcmalloc
expect_usage_error "bad repetitions"     run --repetitions 0
expect_usage_error "bad min-time"        run --min-time -1
expect_usage_error "missing value"       run --json
expect_usage_error "unknown gbench flag" run --filter noop -- --benchmark_nonsense=1
expect_usage_error "unwritable json"     run --filter noop --json "$tmp/no/such/dir/r.json"
[ ! -e "$tmp/no" ] && ok || bad "unwritable json: created something"

"$PB" help >"$tmp/out" 2>&1 && grep -q 'usage: pairbench' "$tmp/out" && ok || bad "help"

# list: names are component/impl/scenario/N, and --filter selects.
"$PB" list >"$tmp/list" 2>&1 || bad "list failed"
if grep -qvE '^[a-z0-9_]+/[a-z0-9_]+/[a-z0-9_]+/[0-9]+$' "$tmp/list"; then
    bad "list: a name is not component/impl/scenario/N"; else ok; fi
grep -qx 'task_store/naive/get_hit/1000' "$tmp/list" && ok || bad "list lacks task_store/naive/get_hit/1000"
grep -qx 'task_store/optimized/get_hit/100000' "$tmp/list" && ok || bad "list lacks optimized at 100000"
grep -qx 'task_store/naive/get_hit/100000' "$tmp/list" && bad "naive at 100000 is listed, should be capped" || ok
n=$("$PB" list --component task_store --scenario metrics | wc -l)
# naive to 10k (4), optimized and the two peers to 100k (5 each)
[ "$n" -eq 19 ] && ok || bad "list --component task_store --scenario metrics: $n cases, want 19"

# A failed run leaves an existing results file untouched.
echo '{"keep": true}' >"$tmp/keep.json"
"$PB" run --component no_such_thing --json "$tmp/keep.json" 2>/dev/null
grep -q '"keep": true' "$tmp/keep.json" && ok || bad "failed run touched the existing JSON"

# A good run: valid JSON, our context, pair names, nothing temporary left.
sel='task_store/(naive|optimized)/(get_hit|update)/(16|256)$'
if "$PB" run --min-time 0.01 --repetitions 2 --filter "$sel" --json "$tmp/r.json" \
        >"$tmp/out" 2>"$tmp/err"; then ok; else bad "good run failed:"; cat "$tmp/err"; fi
ls "$tmp" | grep -q '\.tmp\.' && bad "temporary JSON left behind" || ok
grep -q 'pair summary' "$tmp/out" && ok || bad "no pair summary on stdout"
grep -q '^task_store/get_hit/256 ' "$tmp/out" && ok || bad "pair summary lacks task_store/get_hit/256"
grep -q 'verified: ' "$tmp/err" && ok || bad "no verification line on stderr"
grep -q '\[1/8\] task_store/' "$tmp/err" && ok || bad "no progress lines on stderr"
"$PY" - "$tmp/r.json" <<'PYEOF' && ok || bad "JSON content"
import json, re, sys
d = json.load(open(sys.argv[1]))
ctx = d["context"]
for k in ("allocator", "allocator_version", "compiler", "build_type", "git_revision",
          "alloc_tracking", "cpu_model", "kernel", "libc", "iterations"):
    assert ctx.get(k), f"context lacks {k}"
names = {b["run_name"] for b in d["benchmarks"]}
want = {f"task_store/{i}/{s}/{n}" for i in ("naive", "optimized") for s in ("get_hit", "update") for n in (16, 256)}
assert names == want, names ^ want
# Every case sized once by run (no gbench fit rows); every repetition of a
# case runs the same whole batches; the fits come from the analysis.
iters = {}
for b in d["benchmarks"]:
    assert re.fullmatch(r"[a-z_]+/(naive|optimized)/[a-z_]+/\d+(_(mean|median|stddev|cv))?", b["name"]), b["name"]
    if b["run_type"] == "iteration":
        assert b["repetitions"] == 2
        assert b["iterations"] % 256 == 0, b
        iters.setdefault(b["run_name"], set()).add(b["iterations"])
        for k in ("peak_rss_bytes", "p50_ns", "p90_ns", "p99_ns", "p999_ns", "max_ns"):
            assert k in b, f"{b['name']} lacks {k}"
        if ctx["alloc_tracking"] == "on":
            for k in ("allocs_per_op", "bytes_per_op", "peak_heap_bytes"):
                assert k in b, f"{b['name']} lacks {k}"
assert all(len(v) == 1 for v in iters.values()), iters
fits = {(c["impl"], c["scenario"]) for c in d["pairbench"]["complexity"]}
assert fits == {(i, s) for i in ("naive", "optimized") for s in ("get_hit", "update")}, fits
PYEOF

# The paired pass: every point of the run has 8 rounds a side, the pair
# summary gives the median ratio with its interval, and the JSON's pair
# rows carry the interval (lo <= speed-up <= hi) and the rounds.
grep -q 'paired pass: 4 points (4 naive/optimized, 0 optimized/peer), 8 rounds each' "$tmp/err" && ok || bad "no paired pass line"
grep -Eq '^task_store/update/256 .* [0-9.]+x \[[0-9.]+x, [0-9.]+x\]' "$tmp/out" && ok \
    || bad "pair summary lacks the interval"
"$PY" - "$tmp/r.json" <<'PYEOF' && ok || bad "JSON paired rounds"
import json, sys
d = json.load(open(sys.argv[1]))
p = d["pairbench_paired"]
assert set(p) == {f"task_store/{s}/{n}" for s in ("get_hit", "update") for n in (16, 256)}, set(p)
for k, v in p.items():
    assert len(v["naive_ns"]) == 8 and len(v["optimized_ns"]) == 8, k
    assert all(x > 0 for x in v["naive_ns"] + v["optimized_ns"]), k
assert "alternate" in d["context"]["paired_pass"]
for r in d["pairbench"]["pairs"]:
    assert r["paired_rounds"] == 8, r
    assert r["speedup_lo"] <= r["speedup"] <= r["speedup_hi"], r
PYEOF

# Peers: the optimized store against uthash and ghashtable in the paired
# pass, a peers line under the pair's row, a "peers" row per peer in the
# JSON block, the best one flagged; the gate's subset leaves them out.
"$PB" run --quick --filter 'task_store/.*/get_hit/16$' --json "$tmp/peers.json" \
    >"$tmp/pout" 2>"$tmp/perr" || bad "peer run failed"
grep -q 'paired pass: 3 points (1 naive/optimized, 2 optimized/peer)' "$tmp/perr" && ok \
    || bad "no optimized/peer points in the paired pass"
grep -q '^    peers (optimized/peer > 1: the peer is faster): best ' "$tmp/pout" && ok \
    || bad "no peers line under the pair row"
"$PY" - "$tmp/peers.json" <<'PYEOF' && ok || bad "JSON peers rows"
import json, sys
d = json.load(open(sys.argv[1]))
rows = d["pairbench"]["peers"]
assert {r["peer"] for r in rows} == {"uthash", "ghashtable"}, rows
assert sum(r["best"] for r in rows) == 1, rows
for r in rows:
    assert r["paired_rounds"] == 4 and r["optimized_over_peer"] > 0, r
    assert r["optimized_over_peer_lo"] <= r["optimized_over_peer"] <= r["optimized_over_peer_hi"], r
    assert r["library"], r
p = d["pairbench_paired"]
assert set(p) == {"task_store/get_hit/16", "task_store/uthash/get_hit/16",
                  "task_store/ghashtable/get_hit/16"}, set(p)
assert len(p["task_store/uthash/get_hit/16"]["peer_ns"]) == 4
PYEOF

# The analysis block: crossovers, complexity fits, claims.
"$PY" - "$tmp/r.json" <<'PYEOF' && ok || bad "JSON pairbench block"
import json, sys
d = json.load(open(sys.argv[1]))["pairbench"]
cross = {(c["component"], c["scenario"]): c for c in d["crossovers"]}
assert set(cross) == {("task_store", "get_hit"), ("task_store", "update")}, cross
for c in cross.values():
    assert c["verdict"] in ("always", "from", "never"), c
fits = {(f["impl"], f["scenario"]) for f in d["complexity"]}
assert ("naive", "get_hit") in fits and ("optimized", "update") in fits, fits
claims = {c["id"]: c for c in d["claims"]}
assert {"S-1", "S-2", "S-3", "S-4", "S-5", "S-6"} <= set(claims), claims.keys()
for c in claims.values():
    assert c["verdict"] in ("holds", "DOES NOT HOLD", "not measured"), c
# every task_store claim is judged at N = 1000 or 10000, which this run skipped
assert all(c["verdict"] == "not measured" for c in claims.values()), claims
PYEOF

# claims and summary read a results file; a bad one is one line, exit 2.
"$PB" claims "$tmp/r.json" >"$tmp/claims" 2>&1 && grep -q '^S-1 ' "$tmp/claims" && ok || bad "claims FILE"
"$PB" summary "$tmp/r.json" >"$tmp/sum" 2>&1 && grep -q 'crossover' "$tmp/sum" && ok || bad "summary FILE"
head -c 300 "$tmp/r.json" >"$tmp/trunc.json"
expect_usage_error "truncated results"  claims "$tmp/trunc.json"
expect_usage_error "missing results"    claims "$tmp/none.json"
expect_usage_error "claims without file" claims

# compare.py (libbenchmark-tools) pairs every naive case with its twin.
if "$PY" /usr/share/benchmark/compare.py filters "$tmp/r.json" naive optimized >"$tmp/cmp" 2>&1; then
    for c in get_hit/16 get_hit/256 update/16 update/256; do
        grep -q "task_store/\[naive vs. optimized\]/$c " "$tmp/cmp" && ok || { bad "compare.py lacks $c"; cat "$tmp/cmp"; }
    done
else
    bad "compare.py failed:"; cat "$tmp/cmp"
fi

# --- the one grammar ---------------------------------------------------------
# expect_flag_error DESCRIPTION FLAG ARGS...: a usage error whose line names FLAG.
expect_flag_error() {
    local what=$1 flag=$2; shift 2
    expect_usage_error "$what" "$@"
    grep -q -- "$flag" "$tmp/err" && ok || { bad "$what: the line does not name $flag"; cat "$tmp/err"; }
}
expect_flag_error "bad repetitions names it" --repetitions run --repetitions abc
expect_flag_error "bad min-time names it"    --min-time   run --min-time=0
expect_flag_error "bad --n names it"         --n          list --n 1,x
expect_flag_error "--n zero"                 --n          list --n=0
expect_flag_error "exec bad --ops"           --ops        exec task_store/naive/get_hit/16 --ops 0
expect_flag_error "exec bad --warmup"        --warmup     exec task_store/naive/get_hit/16 --warmup=-1
expect_flag_error "massif bad --ops"         --ops        massif --ops=-1
expect_flag_error "instr bad --ops"          --ops        instr --ops x --json "$tmp/i.json"
expect_flag_error "gate bad --alpha"         --alpha      gate --alpha=2 a b
expect_flag_error "report empty --out"       --out        report --out= r.json
expect_flag_error "flag given a value"       --quick      run --quick=1
expect_flag_error "instr without --json"     --json       instr --component task_store
expect_usage_error "summary with two files"  summary a.json b.json
expect_usage_error "help of no command"      help frobnicate
[ ! -e "$tmp/i.json" ] && ok || bad "instr usage error wrote its file"

# --x=V means --x V for every command that takes --x.
"$PB" list --filter='get_hit/(16|256)$' --component=task_store --scenario=get_hit \
    --n=16,256 >"$tmp/eq" 2>&1 && [ "$(wc -l <"$tmp/eq")" -eq 8 ] && ok \
    || { bad "list with --x=V options"; cat "$tmp/eq"; }
"$PB" list --filter 'get_hit/(16|256)$' --component task_store --scenario get_hit \
    --n 16,256 >"$tmp/sp" 2>&1 && cmp -s "$tmp/eq" "$tmp/sp" && ok || bad "--x=V and --x V differ"
"$PB" exec task_store/naive/get_hit/16 --ops=300 --warmup=0 >"$tmp/out" 2>&1 \
    && grep -q "^exec task_store/naive/get_hit/16 ops 512 " "$tmp/out" && ok || bad "exec --ops=300"
expect_usage_error "massif --x=V parsed" massif --component=task_store --n=7 --ops=5 --out="$tmp/m"
# (the sanitizer build refuses massif and instr after parsing: also a pass)
grep -q -e 'no case matches' -e 'needs the normal build' "$tmp/err" && [ ! -e "$tmp/m" ] && ok || bad "massif --x=V: $(cat "$tmp/err")"
expect_usage_error "instr --x=V parsed" instr --component=task_store --scenario=get_hit --n=7 --ops=5 --json="$tmp/i.json"
grep -q -e 'no case matches' -e 'needs the normal build' "$tmp/err" && ok || bad "instr --x=V: $(cat "$tmp/err")"
expect_usage_error "instr --scenario checks names" instr --scenario no_such --json "$tmp/i.json"
grep -q "unknown scenario 'no_such' (known:" "$tmp/err" && ok || bad "instr --scenario: $(cat "$tmp/err")"
printf '{"context": {"kind": "pairbench-instr"}, "cases": [{"name": "x/naive/s/1", "instructions_per_op": 100, "allocs_per_op": 1}]}\n' >"$tmp/gi.json"
"$PB" gate --instr-threshold=5 --ratio-threshold=20 --alpha=0.05 --all "$tmp/gi.json" "$tmp/gi.json" \
    >"$tmp/out" 2>&1 && grep -q '^gate: pass' "$tmp/out" && grep -q 'instr/op +5%' "$tmp/out" && ok \
    || { bad "gate with --x=V options"; cat "$tmp/out"; }
"$PB" run --filter='^task_store/naive/get_hit/16$' --repetitions=1 --min-time=0.001 \
    --allocator=glibc --json="$tmp/eq.json" >/dev/null 2>"$tmp/err" && [ -s "$tmp/eq.json" ] && ok \
    || { bad "run with --x=V options"; cat "$tmp/err"; }
"$PB" report "$tmp/r.json" --out="$tmp/rep" >/dev/null 2>"$tmp/err" && [ -s "$tmp/rep/index.html" ] && ok \
    || { bad "report --out=DIR"; cat "$tmp/err"; }

# --n selects sizes, the same for list and run: the selected cases of a
# run are those list prints.
n=$("$PB" list --component task_store --n 16,1000 | grep -vc -E '/(16|1000)$')
[ "$n" -eq 0 ] && ok || bad "list --n 16,1000 printed other sizes"
expect_usage_error "--n with no case" list --component task_store --n 7

# Help comes from the option tables: the general text, a command's usage.
"$PB" help >"$tmp/help" 2>&1 && for c in list run summary claims report exec massif instr gate help; do
    grep -q "^  $c " "$tmp/help" || bad "help lacks $c"; done && ok
for c in run massif instr; do grep -q -- '--n N\[,N...\]' "$tmp/help" || bad "help lacks --n"; done
"$PB" help run >"$tmp/h1" 2>&1 && grep -q '^usage: pairbench run ' "$tmp/h1" && ok || bad "help run"
"$PB" run --help >"$tmp/h2" 2>&1 && cmp -s "$tmp/h1" "$tmp/h2" && ok || bad "run --help differs from help run"

# A --json path too long for its temporary is an error before anything
# runs, not a cut name.
long=$(printf 'x%.0s' $(seq 1 250)).json
expect_usage_error "json name too long for its temporary" run --filter noop --json "$tmp/$long"
grep -q 'too long' "$tmp/err" && ok || bad "long json: $(cat "$tmp/err")"
ls "$tmp" | grep -q '^xxxx' && bad "long json: created something" || ok
# SQLite's facts per case: the settings on the console, and in the JSON
# context each statement the case ran with its EXPLAIN QUERY PLAN (the
# counting pass records them, so only where allocation tracking is on):
# the optimized ready query walks idx_tasks_ready, the naive one scans.
"$PB" run --filter '^ready_tasks_index/.*/ready/1000$' --quick --json "$tmp/sql.json" \
    >"$tmp/sql.out" 2>"$tmp/sql.err" && ok || { bad "ready_tasks_index run"; cat "$tmp/sql.err"; }
"$PY" - "$tmp/sql.json" "$tmp/sql.out" <<'PYEOF' && ok || bad "SQLite facts in the results"
import json, sys
d = json.load(open(sys.argv[1]))
c = d["context"]
if c["alloc_tracking"] == "on":
    out = open(sys.argv[2]).read()
    assert "SQLite settings" in out and "journal_mode delete, synchronous NORMAL" in out, out
    o = c["sqlite:ready_tasks_index/optimized/ready/1000"]
    n = c["sqlite:ready_tasks_index/naive/ready/1000"]
    for t in (o, n):
        assert t.startswith("SQLite 3."), t
        assert "NOT EXISTS" in t and "plan:" in t, t
    assert "SEARCH t USING INDEX idx_tasks_ready (status=?)" in o, o
    assert "SEARCH d USING INDEX idx_deps_task_type" in o, o
    assert "SCAN t\n" in n and "SCAN d\n" in n and "USE TEMP B-TREE FOR ORDER BY" in n, n
PYEOF

deep=$tmp$(printf '/%0200d' $(seq 1 21))/r.json
expect_usage_error "json path over PATH_MAX" run --filter noop --json "$deep"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
