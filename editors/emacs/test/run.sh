#!/usr/bin/env bash
# Drives real Emacs + Eglot in batch mode against the built qalam server.
#
#   editors/emacs/test/run.sh
#
# EMACS picks the binary (default `emacs`). QALAM_BIN picks the server (default: the newest of
# target/release/qalam and target/debug/qalam). Runs test.el with lang=en and lang=ar; exits non-zero when a
# check fails.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
emacs=${EMACS:-emacs}

if [[ -z "${QALAM_BIN:-}" ]]; then
  QALAM_BIN=$(ls -t "$repo/target/release/qalam" "$repo/target/debug/qalam" 2>/dev/null | head -n1 || true)
fi
if [[ -z "${QALAM_BIN:-}" || ! -x "$QALAM_BIN" ]]; then
  echo "emacs test: no qalam binary (run cargo build, or set QALAM_BIN)" >&2
  exit 2
fi
QALAM_BIN=$(realpath "$QALAM_BIN")
command -v "$emacs" >/dev/null || { echo "emacs test: $emacs not found" >&2; exit 2; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp "$repo/tests/editors/fixtures/khabar.txt" "$scratch/khabar.txt"

status=0
for lang in en ar; do
  echo "== $("$emacs" --version | head -n1), lang=$lang, server $QALAM_BIN"
  # HOME is a scratch directory: no user init, no ~/.emacs.d writes.
  if ! env HOME="$scratch" LANG=C.UTF-8 LC_ALL=C.UTF-8 \
    QALAM_BIN="$QALAM_BIN" QALAM_FIXTURE="$scratch/khabar.txt" QALAM_EMACS_DIR="$repo/editors/emacs" \
    QALAM_TEST_LANG="$lang" \
    timeout 120 "$emacs" --batch -Q -l "$here/test.el" </dev/null; then
    status=1
  fi
done
exit $status
