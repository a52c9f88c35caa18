#!/usr/bin/env bash
# `npm run setup`: what a fresh machine needs besides Node — bubblewrap and python3 for the sandbox
# (from apt where apt exists) — then the npm dependencies. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
[ -x /usr/bin/python3 ] || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "Installing ${missing[*]} for the sandbox (apt)…"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    echo "Install ${missing[*]} with your package manager: the filter needs them to run tasks (everything else works without)." >&2
  fi
fi
npm ci --no-audit --no-fund
