#!/bin/bash
# Heap profiles: `pairbench massif` and `pairbench report --massif`.
# Usage: test_massif.sh PATH/TO/pairbench
#
#   1. usage errors (unknown option, bad --n/--ops, unknown component or
#      scenario, a selection with no case at N, a bad --filter) exit 2 with
#      one line "pairbench: ..." and write nothing;
#   2. `pairbench massif --component task_store --scenario get_hit --n 256`
#      (both implementations, under valgrind, a second or two): each case
#      has its .massif and ms_print .txt, MASSIF.json parses (python3's
#      json), has the context and one entry per case with a positive peak
#      no larger than the largest snapshot and no temporary left behind;
#      the peak is checked against what the case must hold (the store of
#      256 tasks is at least a few KiB), not naive against optimized, whose
#      order is not a stable property at this size;
#   3. `pairbench report RESULTS.json --massif MASSIF.json` has the heap
#      chart (chart-heap-task_store-get_hit, an inline SVG) and the peaks
#      table; headless Chromium renders it with no console message; a
#      malformed MASSIF.json exits 2 with one line and writes no report.
#
# In the sanitizer build (valgrind cannot run an ASan binary) `massif` must
# refuse with one line and exit 2; part 3 then runs on a synthetic
# MASSIF.json, so the report's massif code is exercised under ASan too.
# Runs in a few seconds (two cases under valgrind at N = 256).
# Prints "N passed, M failed".
set -u

if [ $# -ne 1 ]; then
    echo "usage: $0 PATH/TO/pairbench" >&2
    exit 2
fi
PB=$(realpath "$1")
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
T=$(mktemp -d "${TMPDIR:-/tmp}/pb_massif_test.XXXXXX")
trap 'rm -rf "$T"' EXIT

passed=0
failed=0
ok()   { passed=$((passed + 1)); echo "ok   $1"; }
bad()  { failed=$((failed + 1)); echo "FAIL $1"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
one_line() { [ "$(wc -l < "$1")" -eq 1 ] && [ "$(head -c 11 "$1")" = "pairbench: " ]; }
fails_with() { [ "$1" -eq "$2" ] && one_line "$3"; }

# --- 1. usage errors -------------------------------------------------------------
usage_case() {      # usage_case NAME ARGS...: exit 2, one line, no DIR made
    local name=$1; shift
    "$PB" massif "$@" --out "$T/never" > /dev/null 2> "$T/err"
    local rc=$?
    if fails_with $rc 2 "$T/err" && [ ! -e "$T/never" ]; then ok "usage: $name"
    else bad "usage: $name (exit $rc: $(head -c 200 "$T/err"))"; fi
}
usage_case "unknown option"        --bogus
usage_case "--n not a number"      --n ten
usage_case "--n zero"              --n 0
usage_case "--ops missing value"   --ops
usage_case "unknown component"     --component no_such
usage_case "unknown scenario"      --component task_store --scenario no_such
usage_case "no case at this N"     --component task_store --n 7
usage_case "bad --filter"          --filter '('

# --- 2. massif -------------------------------------------------------------------
M="$T/massif"
"$PB" massif --component task_store --scenario get_hit --filter '/(naive|optimized)/' --n 256 --ops 256 \
    --out "$M" > "$T/massif.out" 2> "$T/massif.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "needs the normal build" "$T/massif.err"; then
    # Sanitizer build: no valgrind. Check the refusal, then report on a
    # synthetic MASSIF.json so the report's massif code runs under ASan.
    check "sanitizer build: massif refuses in one line" one_line "$T/massif.err"
    mkdir -p "$M"
    python3 - "$M/MASSIF.json" <<'EOF2'
import json, sys
cases = []
for impl, top in (("naive", 150000), ("optimized", 120000)):
    snaps = [[i * 100000, min(top, i * 9000)] for i in range(40)]
    cases.append({"name": "task_store/%s/get_hit/256" % impl, "component": "task_store",
                  "impl": impl, "scenario": "get_hit", "n": 256, "ops": 256,
                  "peak_heap_bytes": top, "peak_heap_extra_bytes": 100,
                  "peak_time": 2000000, "total_time": 3900000,
                  "massif_file": "x.massif", "ms_print_file": "x.txt", "snapshots": snaps})
json.dump({"context": {"kind": "pairbench-massif", "n": 256, "ops": 256}, "cases": cases},
          open(sys.argv[1], "w"))
EOF2
else
    check "massif exits 0" test $rc -eq 0
    for impl in naive optimized; do
        stem="task_store_${impl}_get_hit_256"
        check "$impl: massif file" grep -q '^snapshot=' "$M/$stem.massif"
        check "$impl: ms_print text" grep -q 'Detailed snapshots' "$M/$stem.txt"
    done
    check "progress on stderr, nothing on stdout" \
        test "$(grep -c 'massif \[' "$T/massif.err")" -eq 2 -a ! -s "$T/massif.out"
    check "no temporary left" test -z "$(ls -A "$M" | grep tmp)"
    python3 - "$M/MASSIF.json" > "$T/py.out" 2>&1 <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
c = d["context"]
assert c["kind"] == "pairbench-massif" and c["n"] == 256 and c["ops"] == 256, c
names = sorted(x["name"] for x in d["cases"])
assert names == ["task_store/naive/get_hit/256", "task_store/optimized/get_hit/256"], names
for x in d["cases"]:
    peak = x["peak_heap_bytes"]
    snaps = x["snapshots"]
    assert len(snaps) >= 10, (x["name"], len(snaps))
    assert all(len(p) == 2 for p in snaps)
    assert peak == max(p[1] for p in snaps), (x["name"], peak)
    # A store of 256 tasks and the scenario's keys: more than 8 KiB on top
    # of libstdc++'s 72 KiB pool; and nowhere near a megabyte.
    assert 80 * 1024 < peak < 1024 * 1024, (x["name"], peak)
    assert x["peak_heap_extra_bytes"] >= 0 and x["ops"] == 256
    assert x["massif_file"].endswith(".massif") and x["ms_print_file"].endswith(".txt")
print("ok")
EOF
    check "MASSIF.json: context, both cases, positive peaks = max snapshot" \
        grep -qx ok "$T/py.out"
    grep -qx ok "$T/py.out" || sed 's/^/     /' "$T/py.out" | tail -5

    # Valgrind missing: one line naming it, exit 1, MASSIF.json untouched.
    before=$(md5sum < "$M/MASSIF.json")
    PATH=/nonexistent "$PB" massif --component task_store --scenario get_hit --n 256 \
        --out "$M" > /dev/null 2> "$T/err"
    check "valgrind missing: exit 1, one line" fails_with $? 1 "$T/err"
    check "valgrind missing: the line names valgrind" grep -q valgrind "$T/err"
    check "valgrind missing: MASSIF.json untouched" test "$(md5sum < "$M/MASSIF.json")" = "$before"
fi

# --- 3. the report -----------------------------------------------------------------
"$PB" run --quick --component task_store --scenario get_hit --filter '/256$' \
    --json "$T/r.json" > "$T/run.log" 2>&1
check "a results file to report on" test -s "$T/r.json"
R="$T/report"
"$PB" report "$T/r.json" --massif "$M/MASSIF.json" --out "$R" > /dev/null 2> "$T/rep.err"
check "report --massif exits 0" test $? -eq 0
check "report --massif: one line on stderr (no sanitizer report)" one_line "$T/rep.err"
H="$R/index.html"
check "heap chart holds an SVG" \
    grep -qF 'id="chart-heap-task_store-get_hit" class="chart"><svg' "$H"
check "peaks table" grep -qF 'id="task_store-massif"' "$H"
check "without --massif, no heap chart" bash -c \
    "'$PB' report '$T/r.json' --out '$T/plain' 2>/dev/null && ! grep -q chart-heap '$T/plain/index.html'"

if [ -x "$CHROMIUM" ]; then
    mkdir -p "$T/home"
    HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config" XDG_CACHE_HOME="$T/home/.cache" \
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
        --disable-dev-shm-usage --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --disable-quic \
        --disable-extensions --disable-default-apps --mute-audio \
        --user-data-dir="$T/profile" --enable-logging=stderr --v=0 \
        --dump-dom "file://$H" > "$T/dom" 2> "$T/chromium.log"
    check "Chromium: heap chart rendered in the DOM" \
        grep -q 'id="chart-heap-task_store-get_hit" class="chart"><svg' "$T/dom"
    check "Chromium: no console message" bash -c "! grep -q ':CONSOLE' '$T/chromium.log'"
else
    bad "Chromium at $CHROMIUM"
fi

printf '{"context": {"kind": "pairbench-massif"}, "cases": [ {"name": ' > "$T/bad.json"
"$PB" report "$T/r.json" --massif "$T/bad.json" --out "$T/new" > /dev/null 2> "$T/err"
check "malformed MASSIF.json: exit 2, one line" fails_with $? 2 "$T/err"
check "malformed MASSIF.json: no report" test ! -e "$T/new"
"$PB" report "$T/r.json" --massif "$T/r.json" --out "$T/new" > /dev/null 2> "$T/err"
check "a results file given as --massif: exit 2, one line" fails_with $? 2 "$T/err"
"$PB" report "$T/r.json" --massif > /dev/null 2> "$T/err"
check "--massif without a file: exit 2, one line" fails_with $? 2 "$T/err"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
