#!/usr/bin/env bash
# Runs hetsim's GPU checks on a machine with an NVIDIA GPU and records what it measured:
#   1. the GPU tests (CTest label `gpu`: CPU vs CUDA equivalence, bit for bit),
#   2. the kernel micro-benchmarks (CPU reference and CUDA, copy bandwidth),
#   3. end to end, each with --device cpu, cuda and auto: `hetsim plan` on four chip types, the
#      mixed-training sensitivity scenario, the mixed city and the default city (also under
#      leaf-pack placement, the kernel's topology term); wall time and a hash of the output file,
#      which must be the same for every backend.
#
# Usage (from the repository root): scripts/gpu_check.sh BIN_DIR OUT_DIR [OPENB_DIR]
#   BIN_DIR holds hetsim, test_kernels_gpu, bench_kernels and bench_planner (a CUDA build's binaries; a
#   lib/ folder beside them, if present, is put on LD_LIBRARY_PATH so a machine without the
#   Debian runtime libraries can run binaries built elsewhere).
#   OPENB_DIR (optional): the folder of the openb trace CSVs (../shared/data/openb); with it, the
#   FGD replay (one run, and the 6 policies x 10 seeds grid) runs with --device cpu and cuda too.
# Everything goes to OUT_DIR: gpu_tests.xml, bench_kernels.json, bench_planner.json, e2e.csv, gpu_check.log.
set -uo pipefail
bin=${1:?usage: gpu_check.sh BIN_DIR OUT_DIR}
out=${2:?usage: gpu_check.sh BIN_DIR OUT_DIR}
openb=${3:-}
mkdir -p "$out"
if [ -d "$bin/lib" ]; then export LD_LIBRARY_PATH="$bin/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; fi
log="$out/gpu_check.log"
exec > >(tee "$log") 2>&1

echo "== device"; nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv || true
nproc; date -u

echo "== GPU tests"
"$bin/test_kernels_gpu" --gtest_output="xml:$out/gpu_tests.xml" 2>&1 | grep -E '^\[ *(OK|FAILED|SKIPPED|PASSED) ' 
echo "gpu tests exit: ${PIPESTATUS[0]}"
if command -v compute-sanitizer >/dev/null; then
  echo "== compute-sanitizer memcheck (plan search, random batches)"
  timeout 120 compute-sanitizer --tool memcheck --error-exitcode 9 "$bin/test_kernels_gpu" \
    --gtest_filter='PlanSearchGpu.RandomBatches*:PlacementScoringGpu.EmptyInputs' 2>&1 | tail -n 4
  echo "memcheck exit: ${PIPESTATUS[0]}"
fi

echo "== kernel benchmarks"
"$bin/bench_kernels" --benchmark_min_time=0.2 --benchmark_out="$out/bench_kernels.json" \
  --benchmark_out_format=json 2>&1 | grep -E '^BM_|Run on'
echo "bench exit: ${PIPESTATUS[0]}"
if [ -x "$bin/bench_planner" ]; then
  echo "== planner benchmarks"
  HETSIM_SOURCE_DIR=$PWD "$bin/bench_planner" --benchmark_min_time=0.2 --benchmark_out="$out/bench_planner.json" \
    --benchmark_out_format=json 2>&1 | grep -E '^BM_'

fi

# End to end: wall time of each run (its own elapsed time) and a hash of the output that must be
# identical across backends.
echo "== end to end"
echo "case,device,omp_threads,wall_s,output,sha256_16" > "$out/e2e.csv"
timed() {  # name device output-file-relative-to-dir cmd...
  local name=$1 dev=$2 file=$3; shift 3
  local dir="/tmp/gpu_check/$name-$dev-${OMP_NUM_THREADS:-all}"; rm -rf "$dir"; mkdir -p "$dir"
  local t0 t1 rc; t0=$(date +%s.%N)
  "$bin/hetsim" "$@" --device "$dev" --out "$dir" > "$dir/stdout" 2>&1; rc=$?
  t1=$(date +%s.%N)
  local sha; sha=$(sha256sum "$dir/$file" 2>/dev/null | cut -c1-16)
  printf '%s,%s,%s,%.3f,%s,%s\n' "$name" "$dev" "${OMP_NUM_THREADS:-all}" \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')" "$file" "$sha" | tee -a "$out/e2e.csv"
  [ $rc -eq 0 ] || { echo "  $name $dev failed ($rc):"; tail -n 5 "$dir/stdout"; }
  grep -E 'candidate plans|planner' "$dir/stdout" | head -n 2 | sed 's/^/  /'
}
four="plan --model llama2-70b --chips A100-80G-SXM:64,H800-SXM:64,Ascend-910B3:64,MI300X:32"
for dev in cpu cuda; do timed plan-four-types $dev plan.json $four; done
OMP_NUM_THREADS=2 timed plan-four-types cpu plan.json $four
for dev in cpu cuda auto; do timed mixed-sensitivity $dev mixed_plans.csv run scenarios/repro/mixed-sensitivity.yaml; done
OMP_NUM_THREADS=2 timed mixed-sensitivity cpu mixed_plans.csv run scenarios/repro/mixed-sensitivity.yaml
for dev in cpu cuda auto; do timed mixed-city $dev jobs.csv run scenarios/repro/mixed-city.yaml; done
for dev in cpu auto cuda; do timed city $dev jobs.csv run scenarios/shanghai-modu.yaml --quiet; done
# The kernel's topology term (leaf-pack): batched hints are repaired per touched leaf.
leafpack="run scenarios/shanghai-modu.yaml --quiet --policy easy-backfill:placement=leaf-pack,gang_placement=topology"
for dev in cpu cuda; do timed city-leafpack $dev jobs.csv $leafpack; done
for dev in cpu cuda; do timed city-leafpack-x1.2-4d $dev jobs.csv $leafpack --set workload.jobs_per_day=44400 --set scenario.horizon=4d; done
if [ -n "$openb" ]; then
  fgd="run scenarios/repro/fgd-openb-default.yaml --quiet --set sharing_replay.nodes=$openb/openb_node_list_gpu_node.csv --set sharing_replay.pods=$openb/openb_pod_list_default.csv"
  for dev in cpu cuda; do timed fgd-one $dev fgd_curve.csv $fgd --policy fgd --seeds 1; done
  for dev in cpu cuda; do timed fgd-grid $dev fgd_curve.csv $fgd --policy all --seeds 1-10; done
fi
echo "== done"
