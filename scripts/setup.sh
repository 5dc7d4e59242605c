#!/usr/bin/env bash
# Installs the Debian packages hetsim builds with, when any is missing. Idempotent and quick
# when everything is present. Needs root (or sudo) only when something must be installed.
set -euo pipefail

packages=(
  cmake g++ make
  libyaml-cpp-dev libboost-graph-dev libomp-dev
  libcli11-dev libfmt-dev nlohmann-json3-dev
  libglpk-dev coinor-libclp-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3-yaml
  python3-pandas python3-matplotlib
  python3-dev python3-numpy pybind11-dev python3-pybind11
  libopenmpi-dev openmpi-bin
  python3-optuna
  chromium
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "setup: missing packages (${missing[*]}) and not root; install them and rerun" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
