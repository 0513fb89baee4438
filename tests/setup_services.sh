#!/usr/bin/env bash
# Test set-up for the deployment tests (tests/deploy): Debian's nginx as the load balancer in
# front of two `loket serve` processes. Installed when missing and we may install it; the
# system's nginx service is never started (the tests run nginx in the foreground with a
# configuration of their own). Without nginx those tests are skipped.
set -uo pipefail
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's nginx for the deployment tests" >&2
    # policy-rc.d keeps the package's scripts from starting the system service
    made_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && made_policy=1
    fi
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null) \
      || (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null) \
      || echo "could not install nginx; deployment tests will be skipped" >&2
    [ "$made_policy" = "1" ] && rm -f /usr/sbin/policy-rc.d
  else
    echo "nginx is missing and cannot be installed here; deployment tests will be skipped" >&2
  fi
fi
exit 0
