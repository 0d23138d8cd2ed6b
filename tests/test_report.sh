#!/bin/bash
# The report: `pairbench report` on real result files, checked as a reader
# would see it. Usage: test_report.sh PATH/TO/pairbench
#
#   1. two short runs of a small selection: glibc with 3 repetitions (spread)
#      and jemalloc (an allocator column); in the sanitizer build, which
#      cannot preload jemalloc, a second glibc run instead;
#   2. `pairbench report a.json b.json --out DIR`: index.html and summary.md
#      exist, reference nothing outside the page, and hold every expected
#      chart, table and section;
#   3. headless Chromium loads index.html: no console message at all (the
#      page has no script, so anything on the console is an error: a script
#      error, an invalid SVG attribute...), every chart is in the DOM, and a
#      screenshot is taken. The detector is proven on every run: a
#      deliberately broken page must be caught;
#   4. failures: truncated, malformed or missing JSON exit 2 with one line
#      and leave an existing report untouched and no new files; an
#      unwritable --out exits 2, with a bad input too (the directory is
#      checked first; a failed run removes any it made); gnuplot missing or
#      failing exits 1.
#
# The report and screenshot of the last run are kept in ./test_report/ (the
# build's tests directory under CTest). Prints "N passed, M failed".
set -u

if [ $# -ne 1 ]; then
    echo "usage: $0 PATH/TO/pairbench" >&2
    exit 2
fi
PB=$(realpath "$1")
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
KEEP=${PB_REPORT_KEEP:-$PWD/test_report}
T=$(mktemp -d "${TMPDIR:-/tmp}/pb_report_test.XXXXXX")
trap 'rm -rf "$T"' EXIT

passed=0
failed=0
ok()   { passed=$((passed + 1)); echo "ok   $1"; }
bad()  { failed=$((failed + 1)); echo "FAIL $1"; }
# check NAME COMMAND...: passes when COMMAND succeeds.
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }

# one_line FILE: exactly one line, starting "pairbench: ".
one_line() { [ "$(wc -l < "$1")" -eq 1 ] && [ "$(head -c 11 "$1")" = "pairbench: " ]; }
# digest DIR: the names and contents of everything in DIR, hidden files too.
digest() { (cd "$1" && ls -A && cat -- * .[!.]* 2>/dev/null) | md5sum; }

FILTER='task_store/.*/(get_hit|update)/(16|256|1000)$|listener_leak/.*/emit/(1|10)$'
# --quick runs the smallest N selected unless --n names them
SIZES=--n=1,10,16,256,1000
CHARTS="time-task_store-get_hit allocs-task_store-get_hit time-task_store-update allocs-task_store-update
        time-listener_leak-emit metric_handler_calls-listener_leak-emit
        metric_peak_heap_bytes-listener_leak-emit"

# --- 1. results ----------------------------------------------------------------
"$PB" run --quick $SIZES --repetitions 3 --filter "$FILTER" --json "$T/a.json" \
    > "$T/run_a.log" 2>&1
check "run (glibc, 3 repetitions)" test -s "$T/a.json"
second=jemalloc
if ! "$PB" run --quick $SIZES --allocator jemalloc --filter "$FILTER" --json "$T/b.json" \
        > "$T/run_b.log" 2>&1; then
    if grep -q "needs the normal build" "$T/run_b.log"; then
        second=glibc            # sanitizer build: no jemalloc preload
        "$PB" run --quick $SIZES --repetitions 2 --filter "$FILTER" --json "$T/b.json" \
            > "$T/run_b.log" 2>&1
    fi
fi
check "run ($second)" test -s "$T/b.json"

# --- 2. the report ---------------------------------------------------------------
R="$T/report"
"$PB" report "$T/a.json" "$T/b.json" --out "$R" > "$T/report.out" 2> "$T/report.err"
check "report exits 0" test $? -eq 0
check "report prints one line on stderr" one_line "$T/report.err"
check "index.html written" test -s "$R/index.html"
check "summary.md written" test -s "$R/summary.md"
check "no temporary left" test -z "$(ls -A "$R" | grep -v -x -e index.html -e summary.md)"

H="$R/index.html"
MD="$R/summary.md"
no_external() {
    ! grep -Eqi 'https?://' "$H" "$MD" &&
    ! grep -Eqi '[[:space:]]src[[:space:]]*=|<link|@import|url\([^#)]' "$H" &&
    ! grep -Eo "href=['\"][^'\"]*['\"]" "$H" | grep -Eqv "href=['\"]#"
}
unique_ids() {
    [ -z "$(grep -Eo "[[:space:]]id=['\"][^'\"]*['\"]" "$H" | cut -c6- | sort | uniq -d)" ]
}
anchors_resolve() {    # every href="#x" (page links, SVG <use>) names an id
    local ids targets
    ids=$(grep -Eo "[[:space:]]id=['\"][^'\"]*['\"]" "$H" | cut -c6- | tr -d "'\"" | sort -u)
    targets=$(grep -Eo "href=['\"]#[^'\"]*['\"]" "$H" | cut -c8- | tr -d "'\"" | sort -u)
    [ -n "$targets" ] && [ -z "$(comm -13 <(echo "$ids") <(echo "$targets"))" ]
}
has_all() {     # has_all FILE STRING...: every string is in FILE
    local f=$1 s; shift
    for s in "$@"; do grep -qF -- "$s" "$f" || { echo "     missing: $s"; return 1; }; done
}
check "nothing outside the page (no http, src=, link, import, url(), non-anchor href)" no_external
check "ids are unique (charts' SVG ids prefixed)" unique_ids
check "every #reference resolves (links and SVG symbols)" anchors_resolve
for c in $CHARTS; do
    check "chart-$c holds an SVG" grep -qF "id=\"chart-$c\" class=\"chart\"><svg" "$H"
done
check "overview, claims, environment and component sections" has_all "$H" \
    'id="overview"' 'id="claims"' 'id="environment"' 'id="task_store"' \
    'id="task_store-get_hit"' 'id="task_store-update"'
check "a spec-checked scenario's check per N, the naive one's violation measured" \
    has_all "$H" 'Specification check before timing' 'wrong by design: every start' \
    'violates the specification, by design: event 1 of the burst' \
    '<span class="good">meets the specification</span>'
check "implementation sources, reference N, spread, quick warning" has_all "$H" \
    impl_naive/task_store.c impl_optimized/task_store.c '>reference<' 'class="cv' \
    'short pass'
if [ "$second" = jemalloc ]; then
    check "a column per allocator" has_all "$H" '<th>glibc</th>' '<th>jemalloc</th>'
    check "summary.md has both allocators" has_all "$MD" 'speed-up (glibc)' \
        'speed-up (jemalloc)'
else
    check "a column per results file" has_all "$H" '<th>glibc (a)</th>' '<th>glibc (b)</th>'
fi
check "summary.md has the pairs and the claims" has_all "$MD" \
    '| task_store/get_hit | 1000 |' '| task_store/update | 1000 |' '| S-1 | task_store |'

# --- 3. Chromium -----------------------------------------------------------------
# load PAGE DOM LOG [SCREENSHOT]: headless Chromium, fresh profile and home
# (it writes crash settings under $HOME), nothing fetched in the background;
# console messages go to LOG as ":CONSOLE" lines.
profiles=0
load() {
    profiles=$((profiles + 1))
    local shot=()
    [ $# -ge 4 ] && shot=(--screenshot="$4" --window-size=1280,4000)
    mkdir -p "$T/home"
    HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config" XDG_CACHE_HOME="$T/home/.cache" \
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
        --disable-dev-shm-usage --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --disable-quic \
        --disable-extensions --disable-default-apps --mute-audio \
        --user-data-dir="$T/profile$profiles" --enable-logging=stderr --v=0 \
        --dump-dom "${shot[@]}" "file://$1" > "$2" 2> "$3"
}
if [ ! -x "$CHROMIUM" ]; then
    bad "Chromium at $CHROMIUM (scripts/install-deps.sh installs Debian's chromium)"
else
    # The detector first: a page with a script error, a console.error and an
    # invalid SVG attribute must show up as console lines.
    cat > "$T/broken.html" <<'EOF'
<!DOCTYPE html><html><head><meta charset="utf-8"><title>broken</title></head>
<body><script>console.error("deliberate"); no_such_function();</script>
<svg width="10" height="10"><path d="M 0 0 L x"/></svg></body></html>
EOF
    load "$T/broken.html" "$T/broken.dom" "$T/broken.log"
    check "the console check catches a broken page (3 errors)" \
        test "$(grep -c ':CONSOLE' "$T/broken.log")" -ge 3

    load "$H" "$T/index.dom" "$T/index.log" "$R/screenshot.png"
    check "Chromium loads index.html" grep -q 'pairbench report' "$T/index.dom"
    if grep -q ':CONSOLE' "$T/index.log"; then
        bad "no console errors in index.html:"
        grep ':CONSOLE' "$T/index.log" | head -5
    else
        ok "no console errors in index.html"
    fi
    for c in $CHARTS; do
        check "chart-$c rendered in the DOM" \
            grep -q "id=\"chart-$c\" class=\"chart\"><svg" "$T/index.dom"
    done
    # A PNG (signature), 1280x4000 (IHDR), and not blank (a blank page
    # compresses to a few KB; this one has tables and charts).
    png_ok() {
        local f=$1 size
        size=$(stat -c %s "$f" 2>/dev/null || echo 0)
        [ "$(od -An -N8 -tx1 "$f" | tr -d ' \n')" = 89504e470d0a1a0a ] &&
        [ "$(od -An -j16 -N8 -tx1 "$f" | tr -d ' \n')" = 0000050000000fa0 ] &&
        [ "$size" -gt 50000 ]
    }
    check "screenshot: a PNG of 1280x4000, not blank" png_ok "$R/screenshot.png"
fi

# Keep this run's report for people to look at.
rm -rf "$KEEP" && cp -r "$R" "$KEEP" 2>/dev/null && echo "     report kept in $KEEP"
rm -f "$R/screenshot.png"

# --- 4. failures -----------------------------------------------------------------
# fails_with RC WANT ERRFILE: exit status WANT and one line "pairbench: ...".
fails_with() { [ "$1" -eq "$2" ] && one_line "$3"; }
untouched() { [ "$(digest "$R")" = "$before" ]; }
before=$(digest "$R")

head -c 3000 "$T/a.json" > "$T/truncated.json"
"$PB" report "$T/truncated.json" --out "$R" > /dev/null 2> "$T/err"
check "truncated JSON: exit 2, one line" fails_with $? 2 "$T/err"
check "truncated JSON: report untouched" untouched

printf '{"context": {}, "benchmarks": [ {"name": ' > "$T/malformed.json"
"$PB" report "$T/a.json" "$T/malformed.json" --out "$T/new" > /dev/null 2> "$T/err"
check "malformed JSON: exit 2, one line" fails_with $? 2 "$T/err"
check "malformed JSON: no new files" test ! -e "$T/new"

"$PB" report "$T/missing.json" --out "$T/new" > /dev/null 2> "$T/err"
check "missing JSON: exit 2, one line" fails_with $? 2 "$T/err"
check "missing JSON: no new files" test ! -e "$T/new"

: > "$T/plainfile"
"$PB" report "$T/a.json" --out "$T/plainfile/report" > /dev/null 2> "$T/err"
check "unwritable --out: exit 2, one line" fails_with $? 2 "$T/err"
"$PB" report "$T/malformed.json" --out "$T/plainfile/report" > /dev/null 2> "$T/err"
check "unwritable --out and malformed JSON: exit 2, one line" fails_with $? 2 "$T/err"

"$PB" report > /dev/null 2> "$T/err"
check "no results file: exit 2, one line" fails_with $? 2 "$T/err"
"$PB" report "$T/a.json" --bogus > /dev/null 2> "$T/err"
check "unknown option: exit 2, one line" fails_with $? 2 "$T/err"

PATH=/nonexistent "$PB" report "$T/a.json" --out "$R" > /dev/null 2> "$T/err"
check "gnuplot missing: exit 1, one line" fails_with $? 1 "$T/err"
check "gnuplot missing: the line names gnuplot" grep -q gnuplot "$T/err"
check "gnuplot missing: report untouched" untouched
PATH=/nonexistent "$PB" report "$T/a.json" --out "$T/new/report" > /dev/null 2> "$T/err"
check "gnuplot missing: no new directory left" test ! -e "$T/new"

mkdir -p "$T/fakebin"
printf '#!/bin/sh\necho "fake gnuplot: cannot draw" >&2\nexit 3\n' > "$T/fakebin/gnuplot"
chmod +x "$T/fakebin/gnuplot"
PATH="$T/fakebin:$PATH" "$PB" report "$T/a.json" --out "$R" > /dev/null 2> "$T/err"
check "gnuplot failing: exit 1, one line" fails_with $? 1 "$T/err"
check "gnuplot failing: the line gives gnuplot's reason" grep -q 'cannot draw' "$T/err"
check "gnuplot failing: report untouched" untouched

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
