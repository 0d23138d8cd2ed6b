#!/bin/bash
# A results file is data, never code: `pairbench report` on hostile inputs.
# Usage: test_report_inert.sh PATH/TO/pairbench
#
#   1. gnuplot (issue 10, item 1): a context.allocator of "`touch MARKER`"
#      and results files whose names hold backquotes and $(...) become
#      series titles in the charts (two files: one line per file). gnuplot
#      runs backquoted text through the shell inside double-quoted strings,
#      so every string it sees must be inert. No marker may be created, and
#      the report must still be written, charts included.
#   2. HTML (issue 10, item 7): "<!--", "<script>" and a made-up tag in
#      big_o, in context fields, in case names, error messages and file
#      names reach the page only escaped: no such raw text in index.html,
#      the escaped text is there (the field did reach the page), and
#      headless Chromium loads the whole page (a raw "<!--" hides the rest
#      of it): the last paragraph is in the DOM, no console message.
#
# The fixtures are written here (python3), no benchmark runs. Prints
# "N passed, M failed".
set -u

if [ $# -ne 1 ]; then
    echo "usage: $0 PATH/TO/pairbench" >&2
    exit 2
fi
PB=$(realpath "$1")
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
T=$(mktemp -d "${TMPDIR:-/tmp}/pb_report_inert.XXXXXX")
trap 'rm -rf "$T"' EXIT

passed=0
failed=0
ok()   { passed=$((passed + 1)); echo "ok   $1"; }
bad()  { failed=$((failed + 1)); echo "FAIL $1"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
# lacks FILE STRING: FILE exists and does not hold STRING (any case).
lacks() { [ -s "$1" ] && ! grep -qiF -- "$2" "$1"; }

# fixture OUT ALLOCATOR BIG_O EVIL: a small results file of task_store's
# get_hit (naive and optimized at 16, 256, 1000, with gbench's fit rows);
# EVIL goes into context fields, a case name of an unknown component and
# an error message.
fixture() {
    python3 - "$@" <<'EOF'
import json, sys
out, allocator, big_o, evil = sys.argv[1:5]
ctx = {"date": "2026-12-01T00:00:00+00:00 " + evil, "host_name": "host" + evil,
       "num_cpus": 2, "allocator": allocator, "allocator_version": evil,
       "build_type": "Release" + evil, "compiler": evil, "git_revision": evil,
       "alloc_tracking": "on", "quick": "true", "verified": evil}
rows = []
def row(name, real, allocs):
    rows.append({"name": name, "run_name": name, "run_type": "iteration",
                 "repetitions": 1, "repetition_index": 0, "threads": 1,
                 "iterations": 1000, "real_time": real, "cpu_time": real,
                 "time_unit": "ns", "allocs_per_op": allocs, "bytes_per_op": 8 * allocs,
                 "peak_heap_bytes": 4096, "p99_ns": real * 2})
for impl, k in (("naive", 3.0), ("optimized", 1.0)):
    for n in (16, 256, 1000):
        row("task_store/%s/get_hit/%d" % (impl, n), 10 + k * n, k)
    fam = "task_store/%s/get_hit" % impl
    rows.append({"name": fam + "_BigO", "run_name": fam, "run_type": "aggregate",
                 "repetitions": 1, "threads": 1, "aggregate_name": "BigO",
                 "aggregate_unit": "time", "big_o": big_o, "time_unit": "ns",
                 "real_coefficient": k, "cpu_coefficient": k})
    rows.append({"name": fam + "_RMS", "run_name": fam, "run_type": "aggregate",
                 "repetitions": 1, "threads": 1, "aggregate_name": "RMS",
                 "aggregate_unit": "percentage", "rms": 0.01, "real_rms": 0.01})
# a failed case (its message is an attribute on the page) and a component
# this build does not know (named in a warning)
rows.append({"name": "task_store/naive/update/16", "run_name": "task_store/naive/update/16",
             "run_type": "iteration", "repetitions": 1, "repetition_index": 0,
             "threads": 1, "iterations": 0, "real_time": 0, "cpu_time": 0,
             "time_unit": "ns", "error_occurred": True, "error_message": evil})
row("x" + evil + "/naive/s/16", 10, 0)
json.dump({"context": ctx, "benchmarks": rows}, open(out, "w"))
EOF
}

# --- 1. nothing reaches a shell through gnuplot --------------------------------
W="$T/work"
mkdir -p "$W"
fixture "$W/a.json" '`touch MARKER`' N 'plain'
fixture "$W/b.json" 'glibc' N 'plain'
(cd "$W" && "$PB" report a.json b.json --out out1) > "$T/r1.out" 2> "$T/r1.err"
check "allocator with backquotes: report exits 0" test $? -eq 0
check "allocator with backquotes: no command ran (no MARKER)" test ! -e "$W/MARKER"
check "allocator with backquotes: index.html written, charts drawn" \
    grep -qF 'id="chart-time-task_store-get_hit" class="chart"><svg' "$W/out1/index.html"
check "allocator with backquotes: the chart's series title shows it as text" \
    grep -qF 'naive, `touch MARKER`</text>' "$W/out1/index.html"

# Same allocator in both: the labels carry the files' base names.
n1='s`touch MARKER2`$(touch MARKER3)'"'"'q'
n2='t`touch MARKER4`'
cp "$W/b.json" "$W/$n1.json"
cp "$W/b.json" "$W/$n2.json"
(cd "$W" && "$PB" report "$n1.json" "$n2.json" --out out2) > "$T/r2.out" 2> "$T/r2.err"
check "file names with backquotes and \$(...): report exits 0" test $? -eq 0
check "file names with backquotes and \$(...): no command ran" \
    sh -c "cd '$W' && test ! -e MARKER2 -a ! -e MARKER3 -a ! -e MARKER4"
check "file names with backquotes: index.html written, charts drawn" \
    grep -qF 'id="chart-allocs-task_store-get_hit" class="chart"><svg' "$W/out2/index.html"
check "file names with backquotes: a series title shows the name as text" \
    grep -qF 'naive, glibc (t`touch MARKER4`)</text>' "$W/out2/index.html"
# A single quote in a series title is shown as one quote (gnuplot's '').
check "a single quote in a file name reaches the chart as one" \
    grep -qF "(touch MARKER3)'q)</text>" "$W/out2/index.html"

# --- 2. every string from a file is escaped in the HTML --------------------------
E='<!--<script>alert(1)</script><xss>'
F='<!--<xss>'                       # a file name (no slash)
fixture "$W/evil.json" "alloc$E" '<!--' "$E"
fixture "$W/evil2.json" 'glibc' '<scrip' "2$E"
cp "$W/evil.json" "$W/$F.json"
(cd "$W" && "$PB" report "$F.json" evil2.json --out out3) > "$T/r3.out" 2> "$T/r3.err"
check "hostile strings: report exits 0" test $? -eq 0
H="$W/out3/index.html"
MD="$W/out3/summary.md"
check "no raw <!-- in index.html" lacks "$H" '<!--'
check "no raw <scrip (big_o, <script>) in index.html" lacks "$H" '<scrip'
check "no raw <xss in index.html" lacks "$H" '<xss'
check "the hostile text is on the page, escaped" \
    grep -qF '&lt;!--&lt;script&gt;alert(1)&lt;/script&gt;&lt;xss&gt;' "$H"
check "big_o reaches the fit table escaped" grep -qF 'O(&lt;!--)' "$H"
check "the error message is an escaped attribute" \
    grep -qF 'title="&lt;!--&lt;script&gt;' "$H"
check "the file name is on the page, escaped" \
    grep -qF '<code>&lt;!--&lt;xss&gt;.json</code>' "$H"
# Markdown shows "\<" as a literal "<": only an unescaped one is raw.
check "summary.md: no raw <script or <!--" \
    sh -c "[ -s '$MD' ] && ! grep -qiE '(^|[^\\\\])<(script|!--)' '$MD'"
if [ ! -x "$CHROMIUM" ]; then
    bad "Chromium at $CHROMIUM (scripts/install-deps.sh installs Debian's chromium)"
else
    mkdir -p "$T/home"
    HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config" XDG_CACHE_HOME="$T/home/.cache" \
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
        --disable-dev-shm-usage --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --disable-quic \
        --disable-extensions --disable-default-apps --mute-audio \
        --user-data-dir="$T/profile" --enable-logging=stderr --v=0 \
        --dump-dom "file://$H" > "$T/dom" 2> "$T/chromium.log"
    check "Chromium loads the whole page (its last paragraph is in the DOM)" \
        grep -qF 'Charts drawn by gnuplot.</p>' "$T/dom"
    check "Chromium: every chart is in the DOM" \
        grep -qF 'id="chart-time-task_store-get_hit" class="chart"><svg' "$T/dom"
    # A raw "<!--" would turn the rest of the page into one comment node.
    check "Chromium: no comment node in the DOM" lacks "$T/dom" '<!--'
    check "Chromium: no script element in the DOM" lacks "$T/dom" '<script'
    if grep -q ':CONSOLE' "$T/chromium.log"; then
        bad "Chromium: no console message"
        grep ':CONSOLE' "$T/chromium.log" | head -5
    else
        ok "Chromium: no console message"
    fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
