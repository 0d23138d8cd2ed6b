#!/usr/bin/env bash
# `report` scales linearly in the number of distinct case names (issue 10,
# item 11: 200,000 names once took over 300 s, because the report counted
# each name's rows by scanning all rows; the results model indexes names).
# The cases of a one-repetition run (each name once: the worst case for
# anything that counts a name's rows) are copied under new names: half
# with new sizes N of the catalog's scenarios (so the page's tables and
# charts look them up), half under scenario names no component has. The
# same report is timed at 12,500 and at 100,000 names: linear work grows
# 8x, quadratic 64x; the test wants less than 24x (the best of two
# interleaved runs each, run alone by ctest, so machine speed cancels).
# No absolute time is asserted; the ctest timeout only stops a hang.
# Usage: test_report_scale.sh PATH/TO/pairbench
set -u
PB=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 - "$PB" "$tmp" <<'PYEOF'
import json, os, shutil, subprocess, sys, time

pb, tmp = sys.argv[1], sys.argv[2]
src = os.path.join(tmp, "src.json")
r = subprocess.run([os.environ.get("PB_MAKE_RESULTS", pb), "run", "--quick", "--component", "task_store", "--scenario",
                    "get_hit,update", "--n", "1000", "--json", src],
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
if r.returncode != 0:
    print("FAIL: cannot make a results file:", r.stderr)
    sys.exit(1)
doc = json.load(open(src))
base = doc["benchmarks"]

def make(names):
    cases = []
    for i in range(names // len(base)):
        for b in base:
            c = dict(b)
            suffix = c["name"][len(c["run_name"]):]      # "_median" on aggregates
            comp, impl, scen, n = c["run_name"].split("/")
            if i % 2:
                scen = f"{scen}_{i}"
            else:
                n = str(int(n) + i)
            c["run_name"] = "/".join((comp, impl, scen, n))
            c["name"] = c["run_name"] + suffix
            cases.append(c)
    path = os.path.join(tmp, f"r{names}.json")
    with open(path, "w") as f:
        json.dump(dict(doc, benchmarks=cases), f)
    return path

def timed(path, tag, rep):
    out = os.path.join(tmp, f"out-{tag}-{rep}")
    t0 = time.monotonic()
    r = subprocess.run([pb, "report", "--out", out, path],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    dt = time.monotonic() - t0
    if r.returncode != 0:
        print(f"FAIL: report on {tag} names: exit {r.returncode}: {r.stderr}")
        sys.exit(1)
    page = open(os.path.join(out, "index.html")).read()
    if "task_store" not in page:
        print(f"FAIL: report on {tag} names: the page does not show task_store")
        sys.exit(1)
    shutil.rmtree(out)
    return dt

small, large = make(12500), make(100000)
ts = tl = float("inf")
for rep in range(2):            # interleaved, so a burst of load hits both
    ts = min(ts, timed(small, "12500", rep))
    tl = min(tl, timed(large, "100000", rep))
ratio = tl / ts
print(f"report: 12,500 names {ts:.2f} s, 100,000 names {tl:.2f} s, ratio {ratio:.1f} "
      "(linear 8, quadratic 64)")
if ratio >= 24:
    print("FAIL: report grows faster than linearly in the number of names")
    sys.exit(1)
print("ok")
PYEOF
