#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) in build-fuzz/ and runs each, starting from
# the seed corpus (scenarios, test fixtures, fuzz/corpus). Exits non-zero when a target finds a
# crash, a leak, a sanitizer report or a timeout; the input is left in build-fuzz/artifacts/. Keep
# it as a regression: copy it to fuzz/regressions/<target>/, where every test build replays it
# (tests/fuzz_replay.cmake).
#   bash scripts/fuzz.sh [SECONDS]   exploratory: random mutations for SECONDS per target (default 60)
#   bash scripts/fuzz.sh --ci        CI: a fixed seed and a fixed number of inputs per target, so the
#                                    same code always gets the same verdict (about 3.5 minutes in all)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="explore"
seconds="${1:-60}"
if [ "${1:-}" = "--ci" ]; then mode="ci"; fi

if ! command -v clang++ >/dev/null 2>&1; then
  echo "fuzz: installing clang" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang >/dev/null
fi

CC=clang CXX=clang++ cmake -S . -B build-fuzz -DHETSIM_FUZZ=ON -DHETSIM_TESTS=OFF -DHETSIM_BENCH=OFF \
  -DHETSIM_CUDA=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
targets=(fuzz_scenario fuzz_trace fuzz_units fuzz_openb_nodes fuzz_openb_pods fuzz_output_path fuzz_fgd_arrivals fuzz_sweep_keys)
cmake --build build-fuzz -j2 --target "${targets[@]}"

seed_dirs() {
  case "$1" in
    fuzz_scenario) echo scenarios tests/scenario/data tests/e2e/data fuzz/regressions/scenario ;;
    fuzz_trace) echo fuzz/corpus/trace scenarios/examples/traces fuzz/regressions/trace ;;
    fuzz_units) echo fuzz/corpus/units fuzz/regressions/units ;;
    fuzz_openb_nodes) echo tests/workload/data/openb fuzz/regressions/openb_nodes ;;
    fuzz_openb_pods) echo tests/workload/data/openb fuzz/regressions/openb_pods ;;
    fuzz_output_path) echo fuzz/corpus/output_path fuzz/regressions/output_path ;;
    fuzz_fgd_arrivals) echo fuzz/corpus/fgd_arrivals fuzz/regressions/fgd_arrivals ;;
    fuzz_sweep_keys) echo sweeps fuzz/corpus/sweep_keys fuzz/regressions/sweep_keys ;;
  esac
}

mkdir -p build-fuzz/artifacts
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
status=0
for t in "${targets[@]}"; do
  corpus="build-fuzz/corpus/$t"
  mkdir -p "$corpus"
  for d in $(seed_dirs "$t"); do
    find "$d" -type f ! -name .keep -size -64k -exec cp -f {} "$corpus/" \; 2>/dev/null || true
  done
  if [ "$mode" = ci ]; then
    # Inputs per target sized for about 30 s each on a 2-core machine (docs/hardening.md).
    case "$t" in
      fuzz_scenario) runs=15000 ;; fuzz_trace) runs=8000 ;; fuzz_units) runs=3000000 ;; fuzz_output_path) runs=15000 ;;
      fuzz_fgd_arrivals) runs=8000 ;; fuzz_sweep_keys) runs=20000 ;; *) runs=300000 ;;
    esac
    budget=(-seed=1 -runs="$runs")
    echo "fuzz: $t, $runs inputs from seed 1 ($(ls "$corpus" | wc -l) seeds)"
  else
    budget=(-max_total_time="$seconds")
    echo "fuzz: $t for ${seconds}s ($(ls "$corpus" | wc -l) seeds)"
  fi
  if ! "build-fuzz/fuzz/$t" "${budget[@]}" -timeout=10 -rss_limit_mb=4096 -max_len=65536 \
      -print_final_stats=1 -artifact_prefix="build-fuzz/artifacts/$t-" "$corpus" 2>"build-fuzz/$t.log"; then
    echo "fuzz: $t FOUND A PROBLEM; see build-fuzz/$t.log and build-fuzz/artifacts/" >&2
    tail -40 "build-fuzz/$t.log" >&2
    status=1
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "build-fuzz/$t.log" | sed "s/^/  /"
  fi
done
exit $status
