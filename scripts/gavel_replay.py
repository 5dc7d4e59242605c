#!/usr/bin/python3
"""Replay of Gavel's simulated study (docs/validation.md, "Gavel"): scenarios/repro/gavel-36-36-36.yaml
(36 K80, 36 P100, 36 V100; Gavel's job types and measured throughputs) over input job rates, with
Gavel's heterogeneity-aware policies against their agnostic twins and hetsim's own las and fifo.

    /usr/bin/python3 scripts/gavel_replay.py --out out/gavel [--multi-gpu] [--rates ...] [--seeds 0,1,2]
        [--policies ...] [-j 2] [--scenario scenarios/repro/gavel-36-36-36.yaml]
    /usr/bin/python3 scripts/gavel_replay.py --quick --out out/gavel-quick      # the short protocol

Protocol (default, Gavel's: scheduler/scripts/sweeps/run_sweep_continuous.py with -s 4000 -e 5000):
arrivals continue while the jobs with ids 4000-4999 run, and each run ends when all of them have
finished (scenario.stop_when_jobs_end); the figure of merit is their mean JCT. Rates: Gavel's grid,
0.4-6.0 jobs/h in steps of 0.4 (single-GPU trace, its Figure 8) or 0.2-3.0 in steps of 0.2
(--multi-gpu, Figures 9 and 10). A rate past saturation never finishes its window (Gavel's sweeps
were stopped by hand there): a run is cut 90 days after the window's last expected arrival and
reported as not finished (empty JCT); so is one whose queue passes 1,500 waiting jobs. The stream is long enough never to run dry before that.
--quick: the short protocol of earlier versions, 2,000 jobs run to completion, window 500-1500,
rates 1-8: the queue never builds up as it does by job 4000, so near saturation it understates
the ratios (docs/validation.md shows both).

Policies (label: hetsim policy):
  gavel-las          gavel (objective max-min, heterogeneity-aware: Gavel's "Gavel (LAS)")
  las-agnostic       gavel:aware=false (Gavel's baseline "LAS": equal time shares, types alike)
  gavel-fifo         gavel:objective=fifo (each job on its fastest type with room)
  fifo-agnostic      gavel:objective=fifo,aware=false (a random type with room, what Gavel's
                     FIFOPolicy means to do)
  fifo-agnostic-gavel-code   ...,agnostic_fifo=last-type (what its code does: the type whose name
                     sorts last, V100 first; not run unless named)
  las, fifo          hetsim's own las and fifo (event driven, first-fit, no rounds)
  themis, themis-agnostic   finish-time fairness in Gavel's rounds (Gavel's Figure 10)
Each run goes to OUT/runs/<name>/ and is skipped when its summary.json exists (rerunning resumes).
Writes OUT/results.csv (one row per run), OUT/ratios.csv (per rate: mean windowed JCT of each
policy over seeds, and the ratios las-agnostic / gavel-las, fifo-agnostic / gavel-fifo and
themis-agnostic / themis) and OUT/gavel-replay.png/.svg. Needs Debian's python3-pandas and
python3-matplotlib, and the shared Gavel data (or --throughputs PATH).
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

POLICIES = [
    ("gavel-las", "gavel"),
    ("las-agnostic", "gavel:aware=false"),
    ("gavel-fifo", "gavel:objective=fifo"),
    ("fifo-agnostic", "gavel:objective=fifo,aware=false"),
    ("fifo-agnostic-gavel-code", "gavel:objective=fifo,aware=false,agnostic_fifo=last-type"),
    ("las", "las"),
    ("fifo", "fifo"),
    ("themis", "themis"),
    ("themis-agnostic", "themis:aware=false"),
]
DEFAULT = ["gavel-las", "las-agnostic", "gavel-fifo", "fifo-agnostic", "las", "fifo"]


def runs(rates, seeds, policies):
    for rate in rates:
        for seed in seeds:
            for label, policy in policies:
                yield (f"r{rate:g}-{label}-s{seed}", rate, label, policy, seed)


# Past saturation the queue grows without end: a run stops once more than this many jobs wait (at
# Gavel's highest finished rates a few hundred wait), and in any case this long after the window's
# last expected arrival (longer than the longest job on the slowest GPU: 10^4 minutes on a V100,
# about 10x that on a K80).
SATURATION_WAITING = 1500
SATURATION_CUT_DAYS = 90


def stream(args, rate, window):
    """Jobs per run and the run's horizon (days): Gavel's protocol keeps arrivals coming until the
    window is done, so the stream outlasts the cut; the quick protocol runs a fixed stream out."""
    if args.quick:
        return args.jobs_per_run, None
    cut_h = window[1] / rate + SATURATION_CUT_DAYS * 24
    jobs = args.jobs_per_run or int(window[1] + rate * SATURATION_CUT_DAYS * 24 * 1.2 + 200)
    return jobs, cut_h / 24


def run_one(args, spec):
    name, rate, _label, policy, seed = spec
    d = os.path.join(args.out, "runs", name)
    if os.path.exists(os.path.join(d, "summary.json")):
        return name, "cached"
    jobs, horizon_d = stream(args, rate, args.window_ids)
    cmd = [args.hetsim, "run", args.scenario, "--quiet", "--seed", str(seed), "--policy", policy, "--out", d,
           "--set", f"workload.gavel.jobs_per_hour={rate:g}", "--set", f"workload.gavel.jobs={jobs}",
           "--set", f"workload.gavel.multi_gpu={'true' if args.multi_gpu else 'false'}"]
    if horizon_d is not None:
        cmd += ["--set", f"scenario.horizon={horizon_d:.3f}d",
                "--set", f"scenario.stop_when_jobs_end=[{args.window_ids[0]}, {args.window_ids[1]}]",
                "--set", f"scenario.stop_when_waiting_exceeds={SATURATION_WAITING}"]
    if args.throughputs:
        cmd += ["--set", f"throughputs.file={os.path.abspath(args.throughputs)}"]
    env = dict(os.environ, OMP_NUM_THREADS="1")
    res = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({res.returncode}): {res.stderr}")
    return name, "ran"


def collect(args, spec, window):
    name, rate, label, policy, seed = spec
    d = os.path.join(args.out, "runs", name)
    with open(os.path.join(d, "summary.json")) as f:
        s = json.load(f)
    jobs = pd.read_csv(os.path.join(d, "jobs.csv"))
    w = jobs[(jobs.job_id >= window[0]) & (jobs.job_id < window[1])]
    finished = bool((w.status == "completed").all())
    if not finished and args.quick:
        raise RuntimeError(f"{name}: jobs of the window did not finish; lengthen the scenario's horizon")
    # Dry: every job of the stream arrived before the run ended. (The generator also stops at the
    # horizon, where the run ends anyway: fewer jobs than asked is not dry.)
    asked = stream(args, rate, window)[0]
    if not args.quick and (jobs.status != "not_arrived").all() and len(jobs) >= asked:
        raise RuntimeError(f"{name}: the stream ran dry before the run ended; give a larger --jobs-per-run")
    return {
        "run": name, "rate_per_hour": rate, "label": label, "policy": s["policy"], "seed": seed,
        "jobs_completed": s["jobs"]["completed"], "window_jobs": len(w), "window_finished": finished,
        # Past saturation the window does not finish (Gavel's sweeps never end there): no value.
        "window_jct_mean_s": w.jct_s.mean() if finished else float("nan"),
        "window_jct_p50_s": w.jct_s.median() if finished else float("nan"),
        "jct_mean_s": s["jct_s"]["mean"], "makespan_s": s["makespan_s"],
        "utilization": s["utilization"]["overall"], "preemptions": s["preemption"]["preemptions"]
        if "preemption" in s else 0,
        "wall_s": s.get("engine", {}).get("wall_s"),
    }


def ratios(df):
    # A rate counts for a policy only if every seed finished its window (as Gavel's plotted means).
    m = df.groupby(["rate_per_hour", "label"]).window_jct_mean_s.agg(lambda x: x.mean(skipna=False)).unstack("label")
    out = pd.DataFrame(index=m.index)
    for c in m.columns:
        out[f"{c}_jct_h"] = m[c] / 3600
    if {"las-agnostic", "gavel-las"} <= set(m.columns):
        out["las_agnostic_over_gavel"] = m["las-agnostic"] / m["gavel-las"]
    if {"fifo-agnostic", "gavel-fifo"} <= set(m.columns):
        out["fifo_agnostic_over_gavel"] = m["fifo-agnostic"] / m["gavel-fifo"]
    if {"fifo-agnostic-gavel-code", "gavel-fifo"} <= set(m.columns):
        out["fifo_gavel_code_over_gavel"] = m["fifo-agnostic-gavel-code"] / m["gavel-fifo"]
    if {"las", "gavel-las"} <= set(m.columns):
        out["hetsim_las_over_gavel"] = m["las"] / m["gavel-las"]
    if {"fifo", "gavel-fifo"} <= set(m.columns):
        out["hetsim_fifo_over_gavel"] = m["fifo"] / m["gavel-fifo"]
    if {"themis-agnostic", "themis"} <= set(m.columns):
        out["themis_agnostic_over_aware"] = m["themis-agnostic"] / m["themis"]
    return out.reset_index()


def plot(df, path):
    fig, ax = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
    styles = {"gavel-las": "o-", "las-agnostic": "s--", "las": "^:", "gavel-fifo": "o-", "fifo-agnostic": "s--",
              "fifo": "^:"}
    for i, family in enumerate([["gavel-las", "las-agnostic", "las"], ["gavel-fifo", "fifo-agnostic", "fifo"]]):
        for label in family:
            # Rates where a seed did not finish its window are left out, as in the ratios.
            g = df[df.label == label].groupby("rate_per_hour").window_jct_mean_s.agg(lambda x: x.mean(skipna=False))
            g = g.dropna() / 3600
            if len(g):
                ax[i].plot(g.index, g.values, styles[label], label=label)
        ax[i].set_xlabel("input job rate (jobs/hour)")
        ax[i].legend(fontsize=8)
    ax[0].set_ylabel("mean JCT of the window (h)")
    fig.tight_layout()
    fig.savefig(path + ".png", dpi=150)
    fig.savefig(path + ".svg")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--hetsim", default="build/hetsim")
    ap.add_argument("--scenario", default="scenarios/repro/gavel-36-36-36.yaml")
    ap.add_argument("--throughputs", default=None, help="Gavel's simulation_throughputs.json, if not at the scenario's path")
    ap.add_argument("--quick", action="store_true", help="the short protocol: 2,000 jobs run out, window 500-1500")
    ap.add_argument("--rates", default=None,
                    help="jobs/hour (default: Gavel's grid, 0.4-6.0 step 0.4, or 0.2-3.0 step 0.2 with --multi-gpu; "
                         "--quick: 1-8)")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--jobs-per-run", type=int, default=None,
                    help="jobs generated per run (default: enough to outlast the window; --quick: 2000)")
    ap.add_argument("--window", default=None, help="job ids [first,last) whose JCT is averaged (default 4000,5000; "
                                                   "--quick: 500,1500)")
    ap.add_argument("--multi-gpu", action="store_true", help="Gavel's continuous-multiple (scale factors 1-8)")
    ap.add_argument("--policies", default=",".join(DEFAULT),
                    help="labels among " + ", ".join(label for label, _ in POLICIES))
    ap.add_argument("-j", "--jobs", type=int, default=2)
    args = ap.parse_args()
    if args.rates is None:
        grid = [round(0.2 * i, 1) for i in range(1, 16)] if args.multi_gpu else [round(0.4 * i, 1) for i in range(1, 16)]
        args.rates = ",".join(f"{r:g}" for r in grid) if not args.quick else "1,2,3,4,5,6,7,8"
    if args.window is None:
        args.window = "500,1500" if args.quick else "4000,5000"
    if args.quick and args.jobs_per_run is None:
        args.jobs_per_run = 2000
    rates = [float(x) for x in args.rates.split(",")]
    seeds = [int(x) for x in args.seeds.split(",")]
    window = [int(x) for x in args.window.split(",")]
    args.window_ids = window
    limit = args.jobs_per_run if args.jobs_per_run is not None else float("inf")
    if len(window) != 2 or not 0 <= window[0] < window[1] <= limit:
        ap.error("--window needs first,last with 0 <= first < last <= --jobs-per-run")
    chosen = args.policies.split(",")
    unknown = [c for c in chosen if c not in dict(POLICIES)]
    if unknown:
        ap.error(f"unknown policy labels {unknown}")
    policies = [(label, p) for label, p in POLICIES if label in chosen]
    specs = list(runs(rates, seeds, policies))
    os.makedirs(os.path.join(args.out, "runs"), exist_ok=True)
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for name, how in pool.map(lambda s: run_one(args, s), specs):
            print(f"{how:6} {name}", file=sys.stderr)
    df = pd.DataFrame([collect(args, s, window) for s in specs])
    df.to_csv(os.path.join(args.out, "results.csv"), index=False)
    r = ratios(df)
    r.to_csv(os.path.join(args.out, "ratios.csv"), index=False)
    plot(df, os.path.join(args.out, "gavel-replay"))
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(r.round(2).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
