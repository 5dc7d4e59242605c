#!/usr/bin/python3
"""Experiment 3 of docs/mixed-training.md: the city platform with pretraining gangs allowed to span
chip types (scenarios/repro/mixed-city.yaml) against homogeneous gangs only, over offered load, and
the break-even efficiency below which mixing stops paying.

    /usr/bin/python3 scripts/mixed_city_experiment.py --out out/mixed-city \\
        [--loads 1.0,1.1] [--etas 0.6,0.7,0.8,0.9,1.0] [--seeds 1,2,3] [-j 2]
        [--scenario scenarios/repro/mixed-city.yaml --base-rate 37000]

For every load factor L (jobs_per_day = L x the base scenario's rate) and seed it runs:
  homogeneous   mix_chips=off
  planner       mix_chips=fallback, eta from the mixed planner (the scenario as written)
  eta=E         mix_chips=fallback, perf.mixing.efficiency=E for every mixed gang
Each run goes to OUT/runs/<name>/ and is skipped when its summary.json exists (rerunning resumes).
Writes OUT/results.csv (one row per run: parameters, summary metrics, pretraining-class metrics
from jobs.csv), OUT/breakeven.csv (per load: the eta at which mean pretraining JCT equals the
homogeneous one, linearly interpolated between swept etas; empty when mixing never loses or never
wins in the sweep) and OUT/mixed-city.png/.svg. Needs Debian's python3-pandas and
python3-matplotlib.
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

def runs(loads, etas, seeds, base_rate):
    for load in loads:
        for seed in seeds:
            common = [f"workload.jobs_per_day={round(base_rate * load)}"]
            yield (f"L{load:g}-homogeneous-s{seed}", load, "homogeneous", None, seed,
                   common + ["policy.params.mix_chips=off"])
            yield (f"L{load:g}-planner-s{seed}", load, "planner", None, seed, common)
            for eta in etas:
                yield (f"L{load:g}-eta{eta:g}-s{seed}", load, "fixed", eta, seed,
                       common + [f"perf.mixing.efficiency={eta:g}"])


def run_one(hetsim, scenario, out, spec):
    name, _load, _mode, _eta, seed, sets = spec
    d = os.path.join(out, "runs", name)
    if os.path.exists(os.path.join(d, "summary.json")):
        return name, "cached"
    cmd = [hetsim, "run", scenario, "--seed", str(seed), "--out", d]
    for s in sets:
        cmd += ["--set", s]
    # Runs go in parallel as processes: one OpenMP thread each, or the planners oversubscribe the cores.
    env = dict(os.environ, OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "1"))
    res = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({res.returncode}): {res.stderr}")
    return name, "ran"


def collect(out, spec):
    name, load, mode, eta, seed, _ = spec
    d = os.path.join(out, "runs", name)
    with open(os.path.join(d, "summary.json")) as f:
        s = json.load(f)
    jobs = pd.read_csv(os.path.join(d, "jobs.csv"))
    pre = jobs[jobs["class"] == "pretrain"]
    started = pre[pre.start_s.notna()]
    return {
        "run": name, "load": load, "mode": mode, "eta": eta, "seed": seed,
        "jobs_submitted": s["jobs"]["submitted"], "jobs_completed": s["jobs"]["completed"],
        "jct_mean_s": s["jct_s"]["mean"], "jct_p99_s": s["jct_s"]["p99"], "wait_mean_s": s["wait_s"]["mean"],
        "utilization": s["utilization"]["overall"], "stranded": s["utilization"]["stranded"],
        "mixed_jobs": s["mixed"]["jobs_started"], "mixed_card_hours": s["mixed"]["card_hours"],
        "mixed_mean_eta": s["mixed"]["mean_efficiency"],
        "pretrain_completed": int(pre.jct_s.notna().sum()),
        "pretrain_jct_mean_s": pre.jct_s.mean(), "pretrain_jct_p50_s": pre.jct_s.median(),
        "pretrain_wait_mean_s": started.wait_s.mean(), "pretrain_wait_p95_s": started.wait_s.quantile(0.95),
        "pretrain_pending_at_end": int((pre.status == "pending").sum()),
    }


def breakeven(df):
    rows = []
    for load, g in df.groupby("load"):
        base = g[g["mode"] == "homogeneous"].pretrain_jct_mean_s.mean()
        fixed = g[g["mode"] == "fixed"].groupby("eta").pretrain_jct_mean_s.mean().sort_index()
        be = None
        pts = list(fixed.items())
        for (e0, j0), (e1, j1) in zip(pts, pts[1:]):
            if (j0 - base) * (j1 - base) <= 0 and j0 != j1:
                be = e0 + (base - j0) * (e1 - e0) / (j1 - j0)
                break
        rows.append({"load": load, "homogeneous_pretrain_jct_mean_s": base,
                     "planner_pretrain_jct_mean_s": g[g["mode"] == "planner"].pretrain_jct_mean_s.mean(),
                     "planner_mean_eta": g[g["mode"] == "planner"].mixed_mean_eta.mean(),
                     "breakeven_eta": be})
    return pd.DataFrame(rows)


def plot(df, path):
    fig, ax = plt.subplots(1, 2, figsize=(10, 3.6))
    for load, g in df.groupby("load"):
        fixed = g[g["mode"] == "fixed"].groupby("eta")
        line, = ax[0].plot(fixed.pretrain_jct_mean_s.mean().index, fixed.pretrain_jct_mean_s.mean() / 3600, "o-",
                           label=f"load x{load:g}, mixed")
        base = g[g["mode"] == "homogeneous"].pretrain_jct_mean_s.mean() / 3600
        ax[0].axhline(base, color=line.get_color(), ls="--", lw=1, label=f"load x{load:g}, homogeneous")
        pl = g[g["mode"] == "planner"]
        ax[0].plot(pl.mixed_mean_eta.mean(), pl.pretrain_jct_mean_s.mean() / 3600, "*", ms=12, color=line.get_color())
        ax[1].plot(fixed.stranded.mean().index, 100 * fixed.stranded.mean(), "o-", color=line.get_color())
        ax[1].axhline(100 * g[g["mode"] == "homogeneous"].stranded.mean(), color=line.get_color(), ls="--", lw=1)
    ax[0].set_xlabel("efficiency of mixed gangs (eta); * = planner's eta")
    ax[0].set_ylabel("mean pretraining JCT (h)")
    ax[0].legend(fontsize=7)
    ax[1].set_xlabel("efficiency of mixed gangs (eta)")
    ax[1].set_ylabel("idle card-time while jobs wait (%)")
    fig.tight_layout()
    fig.savefig(path + ".png", dpi=150)
    fig.savefig(path + ".svg")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--hetsim", default="build/hetsim")
    ap.add_argument("--scenario", default="scenarios/repro/mixed-city.yaml")
    ap.add_argument("--base-rate", type=float, default=37000,
                    help="the scenario's workload.jobs_per_day (load factor 1; default: shanghai-modu's)")
    ap.add_argument("--loads", default="1.0,1.1")
    ap.add_argument("--etas", default="0.6,0.7,0.8,0.9,1.0")
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--plot", default=None, help="figure path without extension (default OUT/mixed-city)")
    args = ap.parse_args()
    loads = [float(x) for x in args.loads.split(",")]
    etas = [float(x) for x in args.etas.split(",")]
    seeds = [int(x) for x in args.seeds.split(",")]
    specs = list(runs(loads, etas, seeds, args.base_rate))
    os.makedirs(os.path.join(args.out, "runs"), exist_ok=True)
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for name, how in pool.map(lambda s: run_one(args.hetsim, args.scenario, args.out, s), specs):
            print(f"{how:6} {name}", file=sys.stderr)
    df = pd.DataFrame([collect(args.out, s) for s in specs])
    df.to_csv(os.path.join(args.out, "results.csv"), index=False)
    be = breakeven(df)
    be.to_csv(os.path.join(args.out, "breakeven.csv"), index=False)
    plot(df, args.plot or os.path.join(args.out, "mixed-city"))
    print(be.to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
