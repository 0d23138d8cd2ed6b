#!/usr/bin/env bash
# The commands that write files, interrupted and starved (instr and massif
# under valgrind are in test_interrupt.sh):
#   - SIGINT/SIGTERM during `run --json`, `run` (its private JSON), a run
#     of file-backed fixtures (config_service) and `report`: one line,
#     death by the signal, no temporary left, the old output untouched;
#   - kill -9 during `run --json`: the old file untouched; the next run
#     removes the dead run's temporary;
#   - output paths checked before running: --json DIR, a path too long for
#     its temporary;
#   - `report` writes both files or neither (index.html a directory);
#   - a full disk (a 64 KiB tmpfs, when this user may mount one): one line,
#     exit 1, no partial file, no temporary.
# Usage: test_reliability.sh PATH/TO/pairbench
set -u
PB=$1
tmp=$(mktemp -d)
trap 'umount "$tmp/full" 2>/dev/null; rm -rf "$tmp"' EXIT
/usr/bin/python3 - "$PB" "$tmp" <<'PYEOF'
import os, signal, subprocess, sys, time

pb, tmp = sys.argv[1], sys.argv[2]
failed = 0
QUICK = ["--quick", "--component", "task_store", "--scenario", "get_hit,update"]
# long enough to be interrupted: --quick runs every N --n names
LONG = QUICK + ["--n", "16,256,1000,10000"]

def bad(msg):
    global failed
    failed += 1
    print("FAIL:", msg)

def env_with(tmpdir):
    os.makedirs(tmpdir, exist_ok=True)
    return dict(os.environ, TMPDIR=tmpdir)

def start(args, env):
    return subprocess.Popen([pb] + args, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=env, text=True)

def wait_for(p, ready, what):
    deadline = time.time() + 120
    while time.time() < deadline and p.poll() is None:
        if ready():
            return True
        time.sleep(0.005)
    p.kill()
    p.communicate()
    bad(f"{what}: never got to the point to interrupt")
    return False

def interrupted(name, p, sig):
    p.send_signal(sig)
    try:
        _, err = p.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        bad(f"{name}: did not exit after the signal")
        return
    if p.returncode not in (-sig, 128 + sig):
        bad(f"{name}: exit status {p.returncode}, want death by signal {sig}")
    lines = [l for l in err.splitlines() if "interrupted" in l]
    if len(lines) != 1 or not lines[0].startswith("pairbench: "):
        bad(f"{name}: want one 'pairbench: ... interrupted' line, got {err!r}")

def listing(d):
    return sorted(os.listdir(d)) if os.path.isdir(d) else []

def has_tmp(d):
    return any(".tmp." in f for f in listing(d))

# A small results file for report and for the 'old output' checks.
base = os.path.join(tmp, "base")
os.makedirs(base)
results = os.path.join(base, "r.json")
r = subprocess.run([pb, "run"] + QUICK + ["--n", "1000", "--json", results],
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
if r.returncode != 0:
    print("FAIL: cannot make a results file:", r.stderr)
    sys.exit(1)

# --- signals during run --json, run, report ---------------------------------
for sig in (signal.SIGINT, signal.SIGTERM):
    sname = signal.Signals(sig).name
    d = os.path.join(tmp, f"run-json-{sname}")
    tdir = os.path.join(d, "tmpdir")
    env = env_with(tdir)
    out = os.path.join(d, "out.json")
    with open(out, "w") as f:
        f.write("OLD\n")
    p = start(["run"] + LONG + ["--json", out], env)
    if wait_for(p, lambda: has_tmp(d), f"run --json {sname}"):
        time.sleep(0.3)
        interrupted(f"run --json {sname}", p, sig)
        if listing(d) != ["out.json", "tmpdir"] or listing(tdir):
            bad(f"run --json {sname}: left behind {listing(d)} {listing(tdir)}")
        if open(out).read() != "OLD\n":
            bad(f"run --json {sname}: the old out.json was changed")

    d = os.path.join(tmp, f"run-{sname}")
    env = env_with(d)
    p = start(["run"] + LONG, env)
    if wait_for(p, lambda: any(f.startswith("pairbench-run.") for f in listing(d)),
                f"run {sname}"):
        time.sleep(0.3)
        interrupted(f"run {sname}", p, sig)
        if listing(d):
            bad(f"run {sname}: left behind in TMPDIR: {listing(d)}")

# File-backed fixtures live in the harness's scratch directory.
d = os.path.join(tmp, "fixtures")
env = env_with(d)
def fixture_live():
    return any(f.startswith("pb_config_service.") for s in listing(d)
               if s.startswith("pairbench-scratch.") for f in listing(os.path.join(d, s)))
p = start(["run", "--repetitions", "1", "--min-time", "20", "--component",
           "config_service", "--scenario", "update", "--n", "100"], env)
if wait_for(p, fixture_live, "run config_service"):
    time.sleep(0.3)
    interrupted("run config_service SIGINT", p, signal.SIGINT)
    if listing(d):
        bad(f"run config_service: left behind in TMPDIR: {listing(d)}")

# report on the small file takes ~25 ms, too short to be caught writing:
# the same cases under 80,000 names keep it writing for about a second.
import json
big = os.path.join(base, "big.json")
doc = json.load(open(results))
cases = []
for i in range(20000):
    for b in doc["benchmarks"]:
        c = dict(b)
        head, _, n = c["name"].rpartition("/")
        c["name"] = c["run_name"] = f"{head}/{int(n) + i}"
        cases.append(c)
doc["benchmarks"] = cases
with open(big, "w") as f:
    json.dump(doc, f)
del doc, cases

d = os.path.join(tmp, "report-int")
os.makedirs(d)
for name in ("index.html", "summary.md"):
    with open(os.path.join(d, name), "w") as f:
        f.write("OLD\n")
p = start(["report", "--out", d, big], env_with(os.path.join(tmp, "rt")))
if wait_for(p, lambda: has_tmp(d), "report"):
    interrupted("report SIGINT", p, signal.SIGINT)
    if listing(d) != ["index.html", "summary.md"]:
        bad(f"report SIGINT: left behind {listing(d)}")
    for name in ("index.html", "summary.md"):
        if open(os.path.join(d, name)).read() != "OLD\n":
            bad(f"report SIGINT: {name} was changed")

# --- kill -9, then the next run ---------------------------------------------
d = os.path.join(tmp, "kill9")
os.makedirs(d)
out = os.path.join(d, "out.json")
with open(out, "w") as f:
    f.write("OLD\n")
p = start(["run"] + LONG + ["--json", out], env_with(os.path.join(d, "t")))
if wait_for(p, lambda: has_tmp(d), "run --json kill -9"):
    time.sleep(0.3)
    p.kill()
    p.communicate()
    if open(out).read() != "OLD\n":
        bad("kill -9: the old out.json was changed")
    if not has_tmp(d):
        bad("kill -9: expected the dead run's temporary (test is not testing)")
    r = subprocess.run([pb, "run"] + QUICK + ["--n", "1000", "--json", out],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0 or has_tmp(d):
        bad(f"kill -9: the next run (rc {r.returncode}) left {listing(d)}: {r.stderr}")

# --- output paths checked before running -------------------------------------
d = os.path.join(tmp, "paths")
os.makedirs(os.path.join(d, "adir"))
long = os.path.join(d, "x" * 250, "y" * 200)
INSTR = ["--component", "task_store", "--scenario", "get_hit", "--n", "1000"]
for cmd, path in (("run", os.path.join(d, "adir")), ("instr", os.path.join(d, "adir")),
                  ("run", long), ("instr", long)):
    sel = QUICK if cmd == "run" else INSTR
    r = subprocess.run([pb, cmd] + sel + ["--json", path], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=60)
    short = path if len(path) < 60 else path[:40] + "..."
    lines = r.stderr.strip().splitlines()
    if r.returncode != 2 or len(lines) != 1 or "cannot write" not in lines[0]:
        bad(f"{cmd} --json {short}: want one 'cannot write' line and exit 2 before"
            f" running, got rc {r.returncode}: {r.stderr[:300]!r}")
    if listing(os.path.join(d, "adir")):
        bad(f"{cmd} --json {short}: wrote into the directory")

# --- report: both files or neither ---------------------------------------------
d = os.path.join(tmp, "both")
os.makedirs(os.path.join(d, "index.html"))
with open(os.path.join(d, "summary.md"), "w") as f:
    f.write("OLD\n")
r = subprocess.run([pb, "report", "--out", d, results], stdout=subprocess.PIPE,
                   stderr=subprocess.PIPE, text=True)
if r.returncode == 0 or len(r.stderr.strip().splitlines()) != 1:
    bad(f"report with index.html a directory: rc {r.returncode}, {r.stderr!r}")
if open(os.path.join(d, "summary.md")).read() != "OLD\n" or has_tmp(d):
    bad(f"report with index.html a directory: summary.md replaced or litter: {listing(d)}")

# --- a full disk ------------------------------------------------------------------
full = os.path.join(tmp, "full")
os.makedirs(full)
m = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", full],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
if m.returncode != 0:
    print("note: cannot mount a 64 KiB tmpfs here (not root?); full-disk checks skipped")
else:
    try:
        with open(os.path.join(full, "pad"), "wb") as f:   # leave about 8 KiB
            f.write(b"\0" * (56 * 1024))
        with open(os.path.join(full, "summary.md"), "w") as f:
            f.write("OLD\n")
        before = listing(full)
        for name, args in (("run --json", ["run"] + QUICK + ["--n", "1000", "--json",
                                                             os.path.join(full, "r.json")]),
                           ("report", ["report", "--out", full, results])):
            r = subprocess.run([pb] + args, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, timeout=300)
            lines = [l for l in r.stderr.splitlines() if l.startswith("pairbench: ")
                     and not l.startswith("pairbench: verif")]
            if r.returncode != 1 or len(lines) != 1:
                bad(f"{name} on a full disk: want one line and exit 1, got rc"
                    f" {r.returncode}: {r.stderr[-400:]!r}")
            if listing(full) != before:
                bad(f"{name} on a full disk: left {listing(full)}")
        if open(os.path.join(full, "summary.md")).read() != "OLD\n":
            bad("report on a full disk: summary.md was changed")
        # fixtures on a full disk: set-up says why, the scratch dir goes
        r = subprocess.run([pb, "run", "--quick", "--component", "config_service",
                            "--scenario", "cold_init", "--n", "10000"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                           timeout=300, env=dict(os.environ, TMPDIR=full))
        if r.returncode == 0 or "No space left on device" not in r.stderr:
            bad(f"config_service fixture on a full disk: want exit != 0 naming ENOSPC,"
                f" got rc {r.returncode}: {r.stderr[-400:]!r}")
        if listing(full) != before:
            bad(f"config_service fixture on a full disk: left {listing(full)}")
    finally:
        subprocess.run(["umount", full])

print("reliability tests:", "all passed" if not failed else f"{failed} failed")
sys.exit(1 if failed else 0)
PYEOF
