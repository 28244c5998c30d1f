#!/usr/bin/env bash
# The tests of tenacious/redis run against a real redis-server (DESIGN 3: Debian's package, one
# server per jest run). `npm test` must work on a machine that has only Node and npm, so when
# redis-server is missing it is installed here, with apt-get, as root (as on the project's
# machines and in CI). Elsewhere it says what to install and stops.
set -euo pipefail
command -v redis-server >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "redis-server is missing: installing Debian's package (apt-get install -y redis-server)" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  exit 0
fi
echo "The tests of tenacious/redis need redis-server: install it (Debian: apt-get install -y redis-server; macOS: brew install redis) and run npm test again." >&2
exit 1
