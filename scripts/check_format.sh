#!/usr/bin/env bash
# Checks that every C, C++ and CUDA file git tracks is formatted as .clang-format says. CI runs it
# (.ci/run); locally, `git ls-files '*.cpp' '*.hpp' '*.cu' '*.cuh' '*.h' | xargs clang-format -i`
# formats the tree. The tree is formatted with clang-format 14 (Debian 12's): other major versions
# format some constructs differently, so with one of them the check says so and checks nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v clang-format >/dev/null 2>&1; then
  echo "format: installing clang-format" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang-format >/dev/null
fi
version=$(clang-format --version | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1)
if [ "${version%%.*}" != "14" ]; then
  echo "format: clang-format $version is not 14, the version the tree is formatted with: not checked" >&2
  exit 0
fi
mapfile -d '' files < <(git ls-files -z '*.cpp' '*.hpp' '*.cu' '*.cuh' '*.h')
if ! clang-format --dry-run --Werror "${files[@]}" 2>/tmp/hetsim-format.$$; then
  grep -oE '^[^:]+:[0-9]+:[0-9]+' /tmp/hetsim-format.$$ | cut -d: -f1 | sort -u | sed 's/^/format: not formatted: /' >&2
  echo "format: run clang-format -i on the files above (scripts/check_format.sh says how)" >&2
  rm -f /tmp/hetsim-format.$$
  exit 1
fi
rm -f /tmp/hetsim-format.$$
echo "format: ${#files[@]} files formatted as .clang-format says"
