#!/usr/bin/env bash
# The results history (pairbench history, report --history) on synthetic
# results files: two CPU models, two allocators, a step in one pair's
# speed-up and in one case's instruction count. Checks that an import is
# idempotent; that machines and allocators are kept apart; that --changes
# finds each step at the run it starts and nothing in pure noise; that
# --fail-on-new exits 1 only for the run that reveals the step; that bad
# files and bad databases give one line and a non-zero exit without
# changing the database; that the report draws a history chart with 2 runs
# or more and none with 1, with hostile revisions inert. Fast: small files,
# no benchmark run. Usage: test_history.sh PATH/TO/pairbench
set -u
PB=$1
PY=/usr/bin/python3
tmp=$(mktemp -d)
trap "rm -rf \"$tmp\"" EXIT
pass=0 fail=0

ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# gen: writes the results files listed on stdin, one per line:
#   OUT|CPU|ALLOCATOR|RUN[|key=value...]
# The speed-up of task_store/get_hit/1000 is BASE (20) before run STEP_AT
# (6) and 0.7 BASE from it; task_store/get_hit/10000 and
# priority_queue/hold/1000 are noise around 30x and 3x; the instructions
# per op of task_store/optimized/get_hit/1000 go from 118 to 140 at run
# INSTR_AT (3). Run r is dated 2026-01-01 + r days; revision rev<r>. One
# python for every file: the test stays fast.
gen() {
    "$PY" -c '
import json, sys
noise = [1.000, 1.012, 0.991, 1.006, 0.995, 1.009, 0.988, 1.003, 0.997, 1.010,
         0.993, 1.004, 0.990, 1.007, 0.996, 1.001]
for line in sys.stdin:
    f = line.rstrip("\n").split("|")
    out, cpu, alloc, run = f[0], f[1], f[2], int(f[3])
    kv = dict(a.split("=", 1) for a in f[4:])
    step_at, instr_at = int(kv.get("step_at", 6)), int(kv.get("instr_at", 3))
    base = float(kv.get("base", 20))
    e = noise[run % len(noise)]
    ratios = {"task_store/get_hit/1000": (base if run < step_at else base * 0.7) * e,
              "task_store/get_hit/10000": 30 * noise[(run + 5) % len(noise)],
              "priority_queue/hold/1000": 3 * noise[(run + 9) % len(noise)]}
    ctx = {"date": kv.get("date", "2026-01-%02dT10:00:00+00:00" % (run + 1)),
           "host_name": kv.get("host", "ci-1"), "executable": "build/pairbench",
           "num_cpus": 2, "mhz_per_cpu": 2000, "cpu_scaling_enabled": False,
           "caches": [], "library_build_type": "release",
           "allocator": alloc, "allocator_version": "1.0",
           "build_type": "RelWithDebInfo", "compiler": "gcc 12.2.0",
           "cpu_model": cpu, "kernel": "6.1.0-test", "libc": "glibc 2.36",
           "git_revision": kv.get("rev", "rev%d" % run), "quick": kv.get("quick", "false")}
    for k in kv.get("drop", "").split(","):
        ctx.pop(k, None)
    rows, paired = [], {}
    peer = kv.get("peer")
    for point, r in ratios.items():
        comp, scen, n = point.split("/")
        opt = 100.0
        impls = [("naive", opt * r), ("optimized", opt)]
        if peer and comp == "task_store":      # the peer: 0.8x optimized time
            impls.append((peer, opt / 0.8))
            rounds = [noise[(run + i) % len(noise)] for i in range(8)]
            paired["%s/%s/%s/%s" % (comp, peer, scen, n)] = {
                "peer_ns": [opt / 0.8 * x for x in rounds],
                "optimized_ns": [opt * x for x in rounds]}
        for impl, t in impls:
            name = "%s/%s/%s/%s" % (comp, impl, scen, n)
            rows.append({"name": name, "run_name": name, "run_type": "iteration",
                         "repetitions": 1, "repetition_index": 0, "threads": 1,
                         "iterations": 1000, "real_time": t, "cpu_time": t,
                         "time_unit": "ns", "allocs_per_op": 0 if impl == "optimized" else 2,
                         "bytes_per_op": 0, "peak_heap_bytes": 0, "peak_rss_bytes": 1 << 20})
        rounds = [noise[(run + i) % len(noise)] for i in range(8)]
        paired[point] = {"naive_ns": [opt * r * x for x in rounds],
                         "optimized_ns": [opt * x for x in rounds]}
    for i in range(int(kv.get("extra", 0))):    # cases of no scenario: rows only
        name = "task_store/optimized/extra_%d/1000" % i
        rows.append(dict(rows[-1], name=name, run_name=name))
    instr = {"task_store/optimized/get_hit/1000": 118.0 if run < instr_at else 140.0,
             "task_store/naive/get_hit/1000": 5000.0}
    json.dump({"context": ctx, "benchmarks": rows, "pairbench_paired": paired,
               "pairbench_instructions": instr}, open(out, "w"), indent=1)
'
}

# expect_fail DESCRIPTION WANT_RC DB ARGS...: exit WANT_RC, one
# 'pairbench:' line on stderr, the database file unchanged (or still
# absent).
expect_fail() {
    local what=$1 want=$2 db=$3; shift 3
    local before; before=$(sha256sum "$db" 2>/dev/null || echo absent)
    "$PB" "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    local after; after=$(sha256sum "$db" 2>/dev/null || echo absent)
    if [ $rc -ne "$want" ]; then
        bad "$what: exit $rc, want $want"; cat "$tmp/out" "$tmp/err"; return 1
    fi
    if [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -q '^pairbench: ' "$tmp/err"; then
        bad "$what: want one 'pairbench:' line on stderr, got:"; cat "$tmp/err"; return 1
    fi
    [ "$before" = "$after" ] || { bad "$what: the database changed"; return 1; }
    ok
}

runs() {  # runs DB: the runs of every machine, as --machines lists them
    "$PB" history --db "$1" --machines | awk '$1 ~ /^[0-9]/ { s += $2 } END { print s + 0 }'
}

DB=$tmp/h.sqlite
# a peer of task_store in this build (uthash, ...): its optimized/PEER
# ratios are kept too
PEER=$("$PB" list --component task_store | awk -F/ '$2 != "naive" && $2 != "optimized" { print $2; exit }')
A="Test CPU A @ 2.0GHz"
B="Test CPU B @ 3.0GHz"
{
    for r in 0 1 2 3 4 5 6 7 8 9; do echo "$tmp/a$r.json|$A|glibc|$r${PEER:+|peer=$PEER}"; done
    for r in 0 1 2; do echo "$tmp/j$r.json|$A|jemalloc|$r|base=50|step_at=99|instr_at=99"; done
    # CPU B: later than every run of A, so its run is the newest
    for r in 0 1; do echo "$tmp/b$r.json|$B|glibc|$r|base=5|step_at=99|date=2026-02-0$((r + 1))T10:00:00+02:00"; done
    echo "$tmp/other_host.json|$A|glibc|3|host=ci-2"
    echo "$tmp/nocpu.json|$A|glibc|20|drop=cpu_model"
    echo "$tmp/quick.json|$A|glibc|21|quick=true"
    echo "$tmp/baddate.json|$A|glibc|22|date=yesterday"
    echo "$tmp/ctl.json|$A|glibc|23|rev=$(printf 'a\033[31mb')"
    echo "$tmp/new.json|$A|glibc|30|extra=400"
    echo "$tmp/hostile.json|$B|glibc|5|base=5|date=2026-02-05T10:00:00+00:00|rev=r'\`touch $tmp/pwned\`<b>x</b>&@x"
} | gen || { echo "FAIL: cannot write the synthetic results"; exit 1; }

# --- import, idempotence -------------------------------------------------------
if "$PB" history --db "$DB" --import "$tmp"/a{0,1,2,3,4,5,6,7}.json >"$tmp/out" 2>"$tmp/err"; then
    ok; else bad "importing 8 runs failed"; cat "$tmp/err"; fi
[ "$(grep -c '^history: added' "$tmp/out")" -eq 8 ] && ok || { bad "want 8 'added' lines"; cat "$tmp/out"; }
[ "$(runs "$DB")" -eq 8 ] && ok || bad "want 8 runs in the database"
if [ -z "$PEER" ]; then want='(6 cases, 3 ratios)'; else want='(8 cases, 5 ratios)'; fi
[ "$(grep -cF "$want" "$tmp/out")" -eq 8 ] && ok || { bad "want $want per run"; cat "$tmp/out"; }
sum=$(sha256sum "$DB")
if "$PB" history --db "$DB" --import "$tmp/a3.json" >"$tmp/out" 2>"$tmp/err"; then ok
else bad "a second import of one run: exit != 0"; cat "$tmp/err"; fi
grep -q 'already there.*nothing added' "$tmp/out" && ok || { bad "a second import is not said so"; cat "$tmp/out"; }
[ "$(sha256sum "$DB")" = "$sum" ] && ok || bad "a second import changed the database"
# the same run copied under another name is still the same run
cp "$tmp/a3.json" "$tmp/copy.json"
"$PB" history --db "$DB" --import "$tmp/copy.json" >"$tmp/out" 2>&1
grep -q 'already there' "$tmp/out" && ok || bad "a copy of a run was added again"
# another host at the same date and revision is another run
cp "$DB" "$tmp/hosts.sqlite"
"$PB" history --db "$tmp/hosts.sqlite" --import "$tmp/other_host.json" >/dev/null 2>&1
[ "$(runs "$tmp/hosts.sqlite")" -eq 9 ] && ok || bad "a run of another host at the same date was not added"

# --- the table: one machine, a column per run ------------------------------------
"$PB" history --db "$DB" >"$tmp/out" 2>"$tmp/err" || { bad "history failed"; cat "$tmp/err"; }
grep -q "^machine 1: $A, 2 CPUs, kernel 6.1.0-test, gcc 12.2.0, glibc 2.36, allocator glibc" "$tmp/out" \
    && ok || { bad "history: no machine line"; cat "$tmp/out"; }
grep -q 'revisions rev0 .. rev7' "$tmp/out" && ok || { bad "history: no revision range"; cat "$tmp/out"; }
line=$(grep -E '^task_store/get_hit/1000 +[0-9]' "$tmp/out")
[ "$(echo "$line" | wc -w)" -eq 9 ] && ok || bad "history: want 8 ratios on the get_hit/1000 line: '$line'"
echo "$line" | grep -Eq ' 20\.[0-9]x .* 14\.[0-9]x' && ok || bad "history: get_hit/1000 line lacks 20x then 14x: '$line'"
if [ -n "$PEER" ]; then
    grep -Eq "^task_store/get_hit/1000 optimized/$PEER( +0\.8[0-9]x){8}\$" "$tmp/out" \
        && ok || { bad "history: no optimized/$PEER ratio line"; cat "$tmp/out"; }
else
    echo "note: no peer of task_store in this build: optimized/PEER ratios not checked"
fi
"$PB" history --db "$DB" --last 3 >"$tmp/out" 2>&1
grep -q 'the last 3 of its 8 runs' "$tmp/out" && ok || { bad "--last 3"; cat "$tmp/out"; }
[ "$(grep -E '^task_store/get_hit/1000 +[0-9]' "$tmp/out" | wc -w)" -eq 4 ] && ok || bad "--last 3: want 3 ratios"

# --- changes ------------------------------------------------------------------------
"$PB" history --db "$DB" --changes --fail-on-new >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && ok || { bad "--fail-on-new with 2 runs after the step: exit $rc, want 0"; cat "$tmp/out"; }
grep -q '^task_store/get_hit/1000 ' "$tmp/out" && { bad "a step with 2 runs after it was reported"; cat "$tmp/out"; } || ok
grep -Eq '^task_store/optimized/get_hit/1000 +instructions/op +118 -> 140 \(\+18\.6%\) from run #4 \(rev3\) after #3 \(rev2\)' "$tmp/out" \
    && ok || { bad "--changes: the instruction step at run #4 not found"; cat "$tmp/out"; }
"$PB" history --db "$DB" --import "$tmp/a8.json" >/dev/null 2>&1
"$PB" history --db "$DB" --changes --fail-on-new >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && ok || { bad "--fail-on-new, the run revealing the step: exit $rc, want 1"; cat "$tmp/out" "$tmp/err"; }
grep -Eq '^task_store/get_hit/1000 +speed-up naive/optimized +20\.[0-9]x -> 1[34]\.[0-9]x \(-[0-9.]+%\) from run #7 \(rev6\) after #6 \(rev5\), .*NEW' "$tmp/out" \
    && ok || { bad "--changes: the speed-up step at run #7 not found as new"; cat "$tmp/out"; }
grep -q 'reveals 1 change point' "$tmp/err" && ok || { bad "--fail-on-new: no line saying why"; cat "$tmp/err"; }
grep -Eq '^(task_store/get_hit/10000|priority_queue/hold/1000|task_store/naive/) ' "$tmp/out" \
    && { bad "--changes: a change in a noise or constant series"; cat "$tmp/out"; } || ok
grep -Eq '^2 change points in (5|7) series over runs #1..#9 \(0 smaller shifts not listed\); 1 revealed by the newest run' "$tmp/out" \
    && ok || { bad "--changes: summary line"; cat "$tmp/out"; }
# a shift smaller than the threshold is neither listed nor gated on
"$PB" history --db "$DB" --changes --fail-on-new --ratio-threshold 40 --instr-threshold 25 >"$tmp/out" 2>&1 \
    && ok || { bad "--fail-on-new with thresholds above both shifts: exit != 0"; cat "$tmp/out"; }
grep -q '^0 change points .*(2 smaller shifts not listed); 0 revealed' "$tmp/out" && ok \
    || { bad "thresholds above both shifts: still listed"; cat "$tmp/out"; }
"$PB" history --db "$DB" --changes >/dev/null 2>&1 && ok || bad "--changes without --fail-on-new: exit != 0"
"$PB" history --db "$DB" --import "$tmp/a9.json" >/dev/null 2>&1
"$PB" history --db "$DB" --changes --fail-on-new >"$tmp/out" 2>&1 && ok \
    || { bad "--fail-on-new, a run after the revealing one: exit != 0"; cat "$tmp/out"; }
grep -q '^task_store/get_hit/1000 .* from run #7' "$tmp/out" && ok || bad "the step is no longer listed"
# --last 3 leaves fewer runs than the method needs either side: none
"$PB" history --db "$DB" --changes --last 3 >"$tmp/out" 2>&1
grep -q '^0 change points' "$tmp/out" && ok || { bad "--changes --last 3"; cat "$tmp/out"; }

# --- machines and allocators kept apart -------------------------------------------
"$PB" history --db "$DB" --import "$tmp"/j{0,1,2}.json "$tmp"/b0.json >/dev/null 2>&1 \
    && ok || bad "importing jemalloc and CPU B runs failed"
"$PB" history --db "$DB" --machines >"$tmp/out" 2>&1
[ "$(grep -c 'Test CPU' "$tmp/out")" -eq 3 ] && ok || { bad "--machines: want 3 identities"; cat "$tmp/out"; }
grep -Eq '^ +2 +3 .*allocator jemalloc' "$tmp/out" && ok || { bad "--machines: jemalloc is machine 2 with 3 runs"; cat "$tmp/out"; }
grep -Eq '^ +3\* +1 .*Test CPU B' "$tmp/out" && ok || { bad "--machines: CPU B, 1 run, newest"; cat "$tmp/out"; }
# by default the newest run's machine: CPU B, never mixed
"$PB" history --db "$DB" >"$tmp/out" 2>&1
grep -q "^machine 3: $B" "$tmp/out" && ok || { bad "default machine is not the newest run's"; cat "$tmp/out"; }
grep -q 'the last 1 of its 1 run' "$tmp/out" && ok || { bad "CPU B: runs of other machines mixed in"; cat "$tmp/out"; }
grep -q '^task_store/get_hit/1000 .*5\.0[0-9]x *$' "$tmp/out" && ok || { bad "CPU B: ratio"; cat "$tmp/out"; }
"$PB" history --db "$DB" --machine 2 >"$tmp/out" 2>&1
grep -q 'allocator jemalloc' "$tmp/out" && grep -q 'the last 3 of its 3 runs' "$tmp/out" \
    && ok || { bad "--machine 2"; cat "$tmp/out"; }
grep -q '^task_store/get_hit/1000 ' "$tmp/out" && ! grep -Eq ' (1[0-9]|20)\.[0-9]x' "$tmp/out" \
    && ok || { bad "--machine 2 shows glibc's ratios"; cat "$tmp/out"; }
"$PB" history --db "$DB" --machine 1 --last 2 >"$tmp/out" 2>&1
grep -q 'the last 2 of its 10 runs' "$tmp/out" && ok || { bad "--machine 1: its own 10 runs"; cat "$tmp/out"; }
expect_fail "--machine 99" 2 "$DB" history --db "$DB" --machine 99

# --- bad files: one line, exit 2, nothing added; the others still added -------------
printf 'not json' >"$tmp/garbage.json"
head -c 300 "$tmp/a0.json" >"$tmp/truncated.json"
# each bad file one line naming it and saying why, in one import
bad_files="garbage truncated nocpu quick baddate ctl missing"
before=$(sha256sum "$DB")
"$PB" history --db "$DB" --import $(for f in $bad_files; do echo "$tmp/$f.json"; done) \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && ok || bad "bad files: exit $rc, want 2"
[ "$(sha256sum "$DB")" = "$before" ] && ok || bad "bad files changed the database"
[ ! -s "$tmp/out" ] && ok || { bad "bad files: something was added"; cat "$tmp/out"; }
[ "$(wc -l <"$tmp/err")" -eq 7 ] && [ "$(grep -c '^pairbench: history: .*nothing of it added$' "$tmp/err")" -eq 7 ] \
    && ok || { bad "bad files: want one line each"; cat "$tmp/err"; }
for f in $bad_files; do
    grep -q "$f.json" "$tmp/err" && ok || bad "$f: no line names the file"
done
grep -q 'quick.json: a --quick run' "$tmp/err" && ok || bad "quick: not said why"
grep -q 'nocpu.json: the context has no cpu_model' "$tmp/err" && ok || bad "nocpu: not said why"
grep -q "baddate.json: the context's date 'yesterday' is not" "$tmp/err" && ok || bad "baddate: not said why"
grep -q "ctl.json: the context's git_revision is not one line of text" "$tmp/err" && ok || bad "ctl: not said why"
n_runs=$(runs "$DB")
"$PB" history --db "$DB" --import "$tmp/garbage.json" "$tmp/b1.json" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && ok || bad "a bad file among good ones: exit $rc, want 2"
[ "$(runs "$DB")" -eq $((n_runs + 1)) ] && ok || bad "the good file beside a bad one was not added"
[ "$(wc -l <"$tmp/err")" -eq 1 ] && ok || { bad "a bad file among good ones: want one line"; cat "$tmp/err"; }

# --- bad databases: one line, exit 2, never an empty history, file unchanged ----------
expect_fail "missing database" 2 "$tmp/none.sqlite" history --db "$tmp/none.sqlite"
[ ! -e "$tmp/none.sqlite" ] && ok || bad "reading a missing database created it"
printf 'this is not a database, but it is long enough to look like a header......\n%.0s' $(seq 20) >"$tmp/text.sqlite"
expect_fail "not SQLite (read)" 2 "$tmp/text.sqlite" history --db "$tmp/text.sqlite"
expect_fail "not SQLite (import)" 2 "$tmp/text.sqlite" history --db "$tmp/text.sqlite" --import "$tmp/a0.json"
expect_fail "not SQLite (report)" 2 "$tmp/text.sqlite" report "$tmp/a0.json" --history "$tmp/text.sqlite" --out "$tmp/rep_bad"
[ ! -e "$tmp/rep_bad" ] && ok || bad "a report with a bad history left its directory"
: >"$tmp/empty.sqlite"
expect_fail "an empty file (read)" 2 "$tmp/empty.sqlite" history --db "$tmp/empty.sqlite"
grep -q 'empty database' "$tmp/err" && ok || bad "empty database: not said so"
cp "$DB" "$tmp/newer.sqlite"
"$PY" -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.execute("create table t(x)"); c.commit()
c = sqlite3.connect(sys.argv[2]); c.execute("pragma user_version = 2"); c.commit()' \
    "$tmp/foreign.sqlite" "$tmp/newer.sqlite"
expect_fail "another application's database" 2 "$tmp/foreign.sqlite" history --db "$tmp/foreign.sqlite" --import "$tmp/a0.json"
grep -q 'not a pairbench history' "$tmp/err" && ok || bad "foreign database: not said so"
expect_fail "a newer schema (read)" 2 "$tmp/newer.sqlite" history --db "$tmp/newer.sqlite"
grep -q 'newer pairbench (schema version 2' "$tmp/err" && ok || bad "newer schema: not said so"
expect_fail "a newer schema (import)" 2 "$tmp/newer.sqlite" history --db "$tmp/newer.sqlite" --import "$tmp/a0.json"
mkdir "$tmp/dir.sqlite"
expect_fail "a directory as database" 2 "$tmp/dir.sqlite" history --db "$tmp/dir.sqlite" --import "$tmp/a0.json"
# a file that cannot grow (the disk is full): one line, exit 1, the database
# as it was, no journal left
cp "$DB" "$tmp/full.sqlite"
size_kb=$(( $(stat -c %s "$tmp/full.sqlite") / 1024 ))
(trap '' XFSZ; ulimit -f "$size_kb"; exec "$PB" history --db "$tmp/full.sqlite" --import "$tmp/new.json") \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
cmp -s "$DB" "$tmp/full.sqlite" && ok || bad "a failed write changed the database"
[ $rc -eq 1 ] && ok || { bad "a full disk: exit $rc, want 1"; cat "$tmp/out" "$tmp/err"; }
[ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q 'nothing of it added' "$tmp/err" && ok \
    || { bad "a full disk: want one line"; cat "$tmp/err"; }
[ ! -e "$tmp/full.sqlite-journal" ] && ok || bad "a full disk left a journal"
"$PB" history --db "$tmp/full.sqlite" --import "$tmp/new.json" >"$tmp/out" 2>&1 \
    && grep -q '(406 cases, 3 ratios)' "$tmp/out" && ok \
    || { bad "the file refused on a full disk is not imported with room"; cat "$tmp/out"; }
# a first import that fails leaves no database behind
expect_fail "a first import of a bad file" 2 "$tmp/first.sqlite" history --db "$tmp/first.sqlite" --import "$tmp/garbage.json"
[ ! -e "$tmp/first.sqlite" ] && ok || bad "a failed first import left a database"
(trap '' XFSZ; ulimit -f 4; exec "$PB" history --db "$tmp/first.sqlite" --import "$tmp/a0.json") >/dev/null 2>&1
[ ! -e "$tmp/first.sqlite" ] && ok || bad "a first import on a full disk left a database"

# --- the report: a history chart with 2 runs or more, none with 1 --------------------
H1=$tmp/one.sqlite
"$PB" history --db "$H1" --import "$tmp/b0.json" >/dev/null 2>&1
if "$PB" report "$tmp/b0.json" --history "$H1" --out "$tmp/rep1" >/dev/null 2>"$tmp/err"; then ok
else bad "report --history with 1 run failed"; cat "$tmp/err"; fi
grep -q 'chart-history' "$tmp/rep1/index.html" && bad "a history chart with 1 run" || ok
# two runs, one with a hostile revision: drawn, and inert
"$PB" history --db "$H1" --import "$tmp/hostile.json" >/dev/null 2>&1 || bad "import of a quoted revision failed"
if "$PB" report "$tmp/hostile.json" --history "$H1" --out "$tmp/rep2" >/dev/null 2>"$tmp/err"; then ok
else bad "report --history with 2 runs failed"; cat "$tmp/err"; fi
grep -q 'id="chart-history_0-task_store-get_hit"' "$tmp/rep2/index.html" && ok || bad "no history chart with 2 runs"
grep -q 'id="chart-history_0-priority_queue-hold"' "$tmp/rep2/index.html" && ok || bad "no history chart of priority_queue/hold"
[ ! -e "$tmp/pwned" ] && ok || bad "a revision ran a command through gnuplot"
grep -q '<b>x</b>' "$tmp/rep2/index.html" && bad "a revision reached the page as HTML" || ok
# a change point is marked: machine 1 with its step (10 runs)
if "$PB" report "$tmp/a9.json" --history "$DB" --out "$tmp/rep3" >/dev/null 2>"$tmp/err"; then ok
else bad "report --history of machine 1 failed"; cat "$tmp/err"; fi
# the figure of task_store/get_hit: from its <figure> to the next one
sed -n '/<figure id="chart-history_0-task_store-get_hit"/,/<\/figure>/p' "$tmp/rep3/index.html" >"$tmp/fig"
grep -q 'change point' "$tmp/fig" && ok || bad "the change point is not marked on the chart"
grep -q '>rev0<' "$tmp/fig" && grep -q '>rev9<' "$tmp/fig" && ok || bad "the revisions are not on the axis"
expect_fail "report with a missing history" 2 "$tmp/none.sqlite" report "$tmp/b0.json" --history "$tmp/none.sqlite" --out "$tmp/rep4"

echo "test_history: $pass passed, $fail failed"
[ $fail -eq 0 ]
