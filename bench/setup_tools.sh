#!/usr/bin/env bash
# Tools the HTTP benchmark needs: wrk (Debian's package). Installs only what is missing.
set -euo pipefail
if command -v wrk >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
$SUDO apt-get install -y --no-install-recommends wrk || {
    $SUDO apt-get update
    $SUDO apt-get install -y --no-install-recommends wrk
}
