#!/bin/sh
# Runs tests on another Node.js major line without touching this checkout's node_modules:
#
#   scripts/test-on-node.sh 22 test/upgrade test/api/dashboard-plugin.test.ts
#   scripts/test-on-node.sh 22                      # every test (slow)
#
# 1. installs that Node.js from the npm registry (the `node` package) into $WORK/node;
# 2. copies the checkout (node_modules included, .git and data/ left out) to $WORK/src;
# 3. rebuilds better-sqlite3's native module there for that Node.js (its prebuilt binary from GitHub
#    where reachable, else compiled with npm's node-gyp against the headers the `node` package ships:
#    needs make, a C++ compiler and Python);
# 4. builds dist/ and runs vitest there with that Node.js; the arguments after MAJOR go to `vitest run`.
# $WORK is $LATCHKEY_NODE_WORK, default ${TMPDIR:-/tmp}/latchkey-node$MAJOR; a second run reuses the
# installed Node.js and better-sqlite3's build (remove $WORK to start over). Needs rsync.
# On 24, better-sqlite3 12 aborts at exit (docs/operations.md,
# Node.js versions).
set -eu
major="${1:?usage: scripts/test-on-node.sh MAJOR [vitest arguments]}"
shift
root=$(cd "$(dirname "$0")/.." && pwd)
work="${LATCHKEY_NODE_WORK:-${TMPDIR:-/tmp}/latchkey-node$major}"

mkdir -p "$work/node"
if [ ! -x "$work/node/node_modules/node/bin/node" ]; then
  (cd "$work/node" && npm init -y >/dev/null && npm install --no-audit --no-fund --loglevel error "node@$major")
fi
node_bin="$work/node/node_modules/node/bin"
headers=""
for d in "$work/node/node_modules/node/node_modules/"*/; do
  if [ -f "$d/include/node/node_version.h" ]; then headers="$d"; fi
done

# better-sqlite3's build stays from the last run (it is for this Node.js, not the checkout's).
rsync -a --delete --exclude /.git --exclude /data --exclude /node_modules/better-sqlite3/build "$root/" "$work/src/"
cd "$work/src"
PATH="$node_bin:$PATH"
export PATH
echo "node $(node --version) in $work/src" >&2

if ! node -e 'new (require("better-sqlite3"))(":memory:").close()' 2>/dev/null; then
  npm_root=$(dirname "$(readlink -f "$(command -v npm)")")/..
  (cd node_modules/better-sqlite3 && (../.bin/prebuild-install -r node 2>/dev/null ||
    node "$npm_root/node_modules/node-gyp/bin/node-gyp.js" rebuild --release --nodedir="$headers" >"$work/node-gyp.log" 2>&1 ||
    { tail -n 20 "$work/node-gyp.log" >&2; exit 1; }))
  node -e 'new (require("better-sqlite3"))(":memory:").close()'
fi

npm run build --silent
exec node node_modules/vitest/vitest.mjs run "$@"
