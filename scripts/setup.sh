#!/usr/bin/env bash
# Set up budgetdoc on a fresh Debian machine with Python 3.11:
#   system packages (system-packages.txt), a virtual environment in .venv, the package itself.
# Usage: scripts/setup.sh [--test]     (--test also installs the test dependencies)
# Installs the default OCR engine (extra `ocr`: RapidOCR PP-OCRv6, offline).
set -euo pipefail
cd "$(dirname "$0")/.."

extras="[ocr]"
# tests also exercise the optional transformers backends (tiny random models, CPU torch)
[ "${1:-}" = "--test" ] && extras="[ocr,test,transformers,layout,peers,ray]"

# --- system packages -------------------------------------------------------------------------
lists=(system-packages.txt)
# tests also need headless Chromium for the review page
[ "${1:-}" = "--test" ] && lists+=(system-packages-test.txt)
mapfile -t pkgs < <(cat "${lists[@]}" | grep -v '^\s*#' | grep -v '^\s*$')
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null \
    || { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
  fc-cache -f >/dev/null 2>&1 || true
fi

# --- Python environment ----------------------------------------------------------------------
py=""
for cand in python3.11 python3; do
  if command -v "$cand" >/dev/null && "$cand" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    py="$cand"; break
  fi
done
[ -n "$py" ] || { echo "setup: Python 3.11 is required (python3.11 or python3)" >&2; exit 1; }
[ -x .venv/bin/python ] || "$py" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
.venv/bin/python -m pip install -q -e ".${extras}" 2>&1 | grep -v '^WARNING: Location' || true
if [ "${1:-}" = "--test" ]; then
  # optional backends the tests compare: pinned, and --no-deps so they cannot swap the OpenCV build
  .venv/bin/python -m pip install -q --no-deps rapid-layout==1.2.1 rapidocr_onnxruntime==1.4.4 img2table==2.0.0 \
    2>&1 | grep -v '^WARNING: Location' || true
fi
.venv/bin/python -c "import budgetdoc" || { echo "setup: budgetdoc failed to install" >&2; exit 1; }
echo "setup: ok ($(.venv/bin/budgetdoc --version | head -1))"
