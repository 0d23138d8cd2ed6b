#!/usr/bin/env bash
# Interrupting a command that runs valgrind: SIGINT (or SIGTERM) of
# pairbench while `instr` or `massif` has a valgrind child stops that
# child, removes its temporaries (the callgrind file, the JSON's temporary,
# a partial .massif file), prints one line and dies of the signal (128+sig
# to a shell). Needs valgrind: the normal build only.
# Usage: test_interrupt.sh PATH/TO/pairbench
set -u
PB=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 - "$PB" "$tmp" <<'PYEOF'
import os, signal, subprocess, sys, time

pb, tmp = sys.argv[1], sys.argv[2]
failed = 0

def bad(msg):
    global failed
    failed += 1
    print("FAIL:", msg)

def children(pid):
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(d))
    return out

def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False

def interrupt(name, args, sig, ready, env):
    """Starts pairbench, waits until it has a child and ready() holds,
    sends sig; returns (returncode, stderr, the child's pid)."""
    p = subprocess.Popen([pb] + args, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, env=env, text=True)
    kid = None
    deadline = time.time() + 60
    while time.time() < deadline and p.poll() is None:
        kids = children(p.pid)
        if kids and ready():
            kid = kids[0]
            break
        time.sleep(0.05)
    if kid is None:
        p.kill()
        p.wait()
        bad(f"{name}: no valgrind child seen")
        return None, "", None
    time.sleep(0.3)                    # let valgrind get going
    p.send_signal(sig)
    try:
        _, err = p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        bad(f"{name}: pairbench did not exit after the signal")
        return None, "", kid
    return p.returncode, err, kid

def check_common(name, rc, err, kid, sig):
    if rc is None:
        return
    if rc != -sig and rc != 128 + sig:
        bad(f"{name}: exit status {rc}, want death by signal {sig}")
    if kid and alive(kid):
        bad(f"{name}: the valgrind child {kid} still runs")
        os.kill(kid, signal.SIGKILL)
    lines = [l for l in err.splitlines() if "interrupted" in l]
    if len(lines) != 1 or not lines[0].startswith("pairbench: "):
        bad(f"{name}: want one 'pairbench: ... interrupted' line, got {err!r}")

# instr: the callgrind file goes to TMPDIR, the JSON's temporary next to it.
for sig in (signal.SIGINT, signal.SIGTERM):
    name = f"instr {signal.Signals(sig).name}"
    tdir = os.path.join(tmp, f"instr-{sig}")
    os.makedirs(os.path.join(tdir, "tmpdir"))
    env = dict(os.environ, TMPDIR=os.path.join(tdir, "tmpdir"))
    out = os.path.join(tdir, "i.json")
    ready = lambda: any(".tmp." in f for f in os.listdir(tdir))
    rc, err, kid = interrupt(name, ["instr", "--component", "task_store",
                                    "--json", out], sig, ready, env)
    check_common(name, rc, err, kid, sig)
    left = [f for f in os.listdir(tdir) if f != "tmpdir"]
    left += os.listdir(os.path.join(tdir, "tmpdir"))
    if left:
        bad(f"{name}: left behind: {left}")

# massif: a partial .massif file is a temporary; finished cases are kept.
sig = signal.SIGINT
mdir = os.path.join(tmp, "massif")
env = dict(os.environ, TMPDIR=tmp)
ready = lambda: os.path.isdir(mdir) and any(f.endswith(".log") for f in os.listdir(mdir))
rc, err, kid = interrupt("massif SIGINT", ["massif", "--component", "task_store",
                         "--scenario", "get_hit,update", "--n", "256", "--ops", "256",
                         "--out", mdir], sig, ready, env)
check_common("massif SIGINT", rc, err, kid, sig)
files = os.listdir(mdir) if os.path.isdir(mdir) else []
stems = lambda ext: {f[:-len(ext)] for f in files if f.endswith(ext)}
if "MASSIF.json" in files or any(".tmp." in f for f in files):
    bad(f"massif SIGINT: MASSIF.json or a temporary written: {files}")
if not stems(".massif") <= stems(".txt"):
    bad(f"massif SIGINT: a partial .massif file is left: {files}")

print("interrupt tests:", "all passed" if not failed else f"{failed} failed")
sys.exit(1 if failed else 0)
PYEOF
