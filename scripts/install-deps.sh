#!/bin/sh
# Install the Debian packages pairbench needs, and only the missing ones.
# Idempotent: a second run checks with dpkg-query and installs nothing.
# Uses sudo when not root. Exits non-zero with one line if it cannot install.
set -eu

PACKAGES="build-essential cmake pkg-config git
libbenchmark-dev libbenchmark-tools python3 python3-scipy
libjemalloc-dev libjemalloc2 valgrind gnuplot-nox
libsqlite3-dev libcjson-dev libcmocka-dev uthash-dev libglib2.0-dev
chromium clang-14 libclang-rt-14-dev"

missing=""
for p in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *"ok installed"*) ;;
        *) missing="$missing $p" ;;
    esac
done

if [ -z "$missing" ]; then
    echo "install-deps: all packages present"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "install-deps: missing packages:$missing; run as root or install sudo" >&2
    exit 1
fi

echo "install-deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
if ! $SUDO apt-get install -y --no-install-recommends $missing >/dev/null 2>&1; then
    # The package lists may be stale or absent on a fresh machine.
    $SUDO apt-get update -q >/dev/null
    # shellcheck disable=SC2086
    $SUDO apt-get install -y --no-install-recommends $missing >/dev/null || {
        echo "install-deps: apt-get could not install:$missing" >&2
        exit 1
    }
fi
echo "install-deps: done" >&2
