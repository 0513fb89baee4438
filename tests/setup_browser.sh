#!/usr/bin/env bash
# Test set-up for browser tests: Debian's chromium (when missing and we may install it) and the
# pinned htmx file from the npm registry, kept in .cache/ (never in the project) so that tests
# can serve it in place of the CDN and check its SRI hash for real.
set -uo pipefail
cd "$(dirname "$0")/.."
HTMX_VERSION="$(.venv/bin/python -c 'from runtime.assets import HTMX_VERSION; print(HTMX_VERSION)' 2>/dev/null || echo 2.0.8)"
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's chromium for the browser tests" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || echo "could not install chromium; browser tests will be skipped" >&2
  else
    echo "chromium is missing and cannot be installed here; browser tests will be skipped" >&2
  fi
fi
target=".cache/npm/htmx.org-${HTMX_VERSION}"
if [ ! -f "$target/package/dist/htmx.min.js" ]; then
  if command -v npm >/dev/null 2>&1; then
    mkdir -p "$target"
    (cd "$target" && npm pack --silent "htmx.org@${HTMX_VERSION}" >/dev/null 2>&1 && tar xzf htmx.org-*.tgz) \
      || echo "could not fetch htmx.org@${HTMX_VERSION} from npm; JavaScript browser tests will be skipped" >&2
  else
    echo "npm is missing; JavaScript browser tests will be skipped" >&2
  fi
fi
exit 0
