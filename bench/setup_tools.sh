#!/usr/bin/env bash
# Installs the tools the benchmarks use besides Python: wrk (HTTP load generator, from the
# Debian/Ubuntu packages). Does nothing when it is there already; installing needs root.
set -euo pipefail

if command -v wrk >/dev/null 2>&1; then
    echo "bench tools: wrk is installed ($(command -v wrk))"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "bench tools: wrk is missing. Install it as root: apt-get install wrk" \
        "(or run: sudo bash bench/setup_tools.sh)" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "bench tools: wrk is missing and there is no apt-get here;" \
        "install wrk with this system's package manager" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq wrk || { apt-get update -qq && apt-get install -y -qq wrk; }
echo "bench tools: wrk installed ($(command -v wrk))"
