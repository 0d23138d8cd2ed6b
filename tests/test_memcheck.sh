#!/bin/bash
# Valgrind's memcheck over listener_leak (claim D-5: "zero memory leaks on
# runtime stop/restart"). Usage: test_memcheck.sh PATH/TO/pairbench
#
#   1. every optimized listener_leak case (N = 1, 100 and 1000 start/stop
#      cycles, a burst of events, destroy) under memcheck with
#      --leak-check=full: no memory error and nothing definitely lost;
#   2. the naive case at N = 100 under memcheck: exactly the closures of
#      its 101 starts definitely lost (101 x 8 x 16 bytes), so this test
#      fails if memcheck stopped seeing the leak the pair is about;
#   3. `pairbench run ... --memcheck --json FILE` records both figures in
#      pairbench_memcheck and judges both D-5 rows: holds.
#
# Normal build only (valgrind cannot run an ASan binary). About 15 s.
# Prints "N passed, M failed".
set -u

if [ $# -ne 1 ]; then
    echo "usage: $0 PATH/TO/pairbench" >&2
    exit 2
fi
PB=$(realpath "$1")
T=$(mktemp -d "${TMPDIR:-/tmp}/pb_memcheck_test.XXXXXX")
trap 'rm -rf "$T"' EXIT

passed=0
failed=0
ok()   { passed=$((passed + 1)); echo "ok   $1"; }
bad()  { failed=$((failed + 1)); echo "FAIL $1"; }

# memcheck CASE: runs it; the log in $T/log, the exit status returned.
memcheck() {
    valgrind --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite \
        --error-exitcode=99 --log-file="$T/log" "$PB" exec "$1" > "$T/out" 2> "$T/err"
}
lost() {            # bytes definitely lost in $T/log (0 when all freed)
    if grep -q "All heap blocks were freed" "$T/log"; then echo 0; return; fi
    sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$T/log" | tr -d , | tail -1
}

# --- 1. the optimized runtime: clean ---------------------------------------------
for n in 1 100 1000; do
    c=listener_leak/optimized/emit/$n
    memcheck "$c"
    rc=$?
    l=$(lost)
    if [ $rc -eq 0 ] && [ "$l" = 0 ] && grep -q "ERROR SUMMARY: 0 errors" "$T/log" &&
       grep -q "^exec $c " "$T/out"; then
        ok "memcheck $c: no error, 0 bytes definitely lost"
    else
        bad "memcheck $c: exit $rc, definitely lost '${l}' ($(grep -E 'ERROR SUMMARY|lost:' "$T/log" | head -3 | tr '\n' ' '))"
    fi
done

# --- 2. the naive runtime: its closures, exactly ---------------------------------
c=listener_leak/naive/emit/100
memcheck "$c"
rc=$?
l=$(lost)
want=$((101 * 8 * 16))
if [ $rc -eq 99 ] && [ "$l" = "$want" ]; then
    ok "memcheck $c: the $want bytes of 808 closures definitely lost"
else
    bad "memcheck $c: exit $rc, definitely lost '${l}', want $want"
fi

# --- 3. run --memcheck: the figures and the claims ---------------------------------
if "$PB" run --component listener_leak --n 1,100 --quick --memcheck --json "$T/r.json" \
       > "$T/run.out" 2> "$T/run.err"; then
    ok "run --memcheck"
else
    bad "run --memcheck: $(tail -3 "$T/run.err")"
fi
if python3 - "$T/r.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
m = d["pairbench_memcheck"]
assert m == {"listener_leak/naive/emit/100": 101 * 8 * 16,
             "listener_leak/optimized/emit/100": 0}, m
d5 = [c for c in d["pairbench"]["claims"] if c["id"] == "D-5"]
assert len(d5) == 2 and all(c["verdict"] == "holds" for c in d5), d5
assert "memcheck" in d["context"], "no memcheck context"
EOF
then ok "pairbench_memcheck and both D-5 rows hold"
else bad "pairbench_memcheck and D-5 in the results"; fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
