#!/usr/bin/python3
"""A speed-up keeps the decisions: jobs.csv byte for byte, before and after, under every policy.

Runs two hetsim binaries (BEFORE: a build of the commit before the change, AFTER: the build under
test) on the same cases and compares their jobs.csv byte for byte. The cases are those of
docs/performance.md "Busy regime": the default city (30 days), the busy city (8 days) and the
overloaded city (4 days), each under every policy of `--policies`. For every run it records the
wall time, the engine's events per second and the peak resident memory (the child's own rusage,
from wait4), so the same command gives the before/after table.

  /usr/bin/python3 bench/decisions_identical.py --before /tmp/base/hetsim --after build/hetsim \\
      --out out/identical [--policies fifo,easy-backfill] [--cases default,busy,overload]

Resumable: a run whose jobs.csv exists is not repeated (BEFORE runs are slow, keep their folder
between calls). Exit status 0 when every compared pair is identical, 1 when any differs.
Results: OUT/identical.csv and OUT/identical.md.
"""
import argparse
import csv
import filecmp
import json
import os
import sys

from child_run import run_child

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# "scenario" runs the scenario's own policy block (the city's easy-backfill with best-fit placement);
# the others replace it with the policy's defaults (`--policy NAME`).
POLICIES = ["scenario", "fifo", "sjf", "easy-backfill", "srtf", "las", "tiresias", "gavel", "themis", "sia"]
CASES = {
    "default": ("scenarios/shanghai-modu.yaml", []),
    "busy": ("scenarios/shanghai-modu-busy.yaml", ["--set", "scenario.horizon=8d"]),
    "overload": ("scenarios/shanghai-modu-overload.yaml", ["--set", "scenario.horizon=4d"]),
}


def run(binary, case, policy, out_dir, extra):
    """One run into out_dir; returns (wall s, peak RSS MiB, events/s, mean wait s) or reads them back."""
    meta = os.path.join(out_dir, "run.json")
    if os.path.exists(os.path.join(out_dir, "jobs.csv")) and os.path.exists(meta):
        with open(meta) as f:
            return json.load(f)
    scenario, case_args = CASES[case]
    cmd = [binary, "run", os.path.join(ROOT, scenario), "--quiet", "--out", out_dir]
    if policy != "scenario":  # "scenario": the scenario's own policy block (easy-backfill, best-fit)
        cmd += ["--policy", policy]
    cmd += case_args + extra
    run = run_child(cmd)
    wall = run.wall_s
    if run.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{run.stderr}")
    with open(os.path.join(out_dir, "summary.json")) as f:
        summary = json.load(f)
    result = {
        "wall_s": wall,
        "rss_mib": run.peak_rss_mib,
        "events_per_s": summary["engine"]["events"] / max(wall, 1e-9),
        "mean_wait_s": summary["wait_s"]["mean"],
        "cmd": " ".join(cmd),
    }
    with open(meta, "w") as f:
        json.dump(result, f)
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", required=True, help="hetsim binary built before the change")
    ap.add_argument("--after", required=True, help="hetsim binary under test")
    ap.add_argument("--out", required=True)
    ap.add_argument("--policies", default=",".join(POLICIES))
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--set", action="append", default=[], help="extra KEY=VALUE override for both binaries")
    ap.add_argument("--after-only", action="store_true", help="rerun only AFTER (e.g. after a rebuild)")
    ap.add_argument("--before-only", action="store_true", help="only make the BEFORE runs (to compare later)")
    args = ap.parse_args()
    extra = [a for kv in args.set for a in ("--set", kv)]
    rows, differ = [], 0
    for case in args.cases.split(","):
        if case not in CASES:
            sys.exit(f"unknown case {case!r}; valid: {', '.join(CASES)}")
        for policy in args.policies.split(","):
            tag = f"{case}-{policy}"
            before_dir = os.path.join(args.out, "before", tag)
            after_dir = os.path.join(args.out, "after", tag)
            if args.after_only and os.path.exists(after_dir):
                for name in ("jobs.csv", "run.json"):
                    path = os.path.join(after_dir, name)
                    if os.path.exists(path):
                        os.remove(path)
            b = run(args.before, case, policy, before_dir, extra)
            if args.before_only:
                print(f"{tag:28s} before {b['wall_s']:8.2f} s", flush=True)
                continue
            a = run(args.after, case, policy, after_dir, extra)
            same = filecmp.cmp(os.path.join(before_dir, "jobs.csv"), os.path.join(after_dir, "jobs.csv"), shallow=False)
            differ += not same
            rows.append({
                "case": case, "policy": policy, "identical": same,
                "before_wall_s": round(b["wall_s"], 3), "after_wall_s": round(a["wall_s"], 3),
                "speedup": round(b["wall_s"] / max(a["wall_s"], 1e-9), 2),
                "before_events_per_s": round(b["events_per_s"]), "after_events_per_s": round(a["events_per_s"]),
                "before_rss_mib": round(b["rss_mib"], 1), "after_rss_mib": round(a["rss_mib"], 1),
                "mean_wait_s": round(a["mean_wait_s"], 1),
            })
            print(f"{tag:28s} {'identical' if same else 'DIFFERENT'}  before {b['wall_s']:8.2f} s  "
                  f"after {a['wall_s']:8.2f} s", flush=True)
    if not rows:
        return 0
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "identical.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    with open(os.path.join(args.out, "identical.md"), "w") as f:
        f.write("| case | policy | jobs.csv | wall before | wall after | speed-up | events/s before | events/s after "
                "| peak RSS before | peak RSS after | mean wait |\n")
        f.write("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
        for r in rows:
            f.write(f"| {r['case']} | {r['policy']} | {'identical' if r['identical'] else '**differs**'} "
                    f"| {r['before_wall_s']:.2f} s | {r['after_wall_s']:.2f} s | {r['speedup']:.1f}x "
                    f"| {r['before_events_per_s']:,} | {r['after_events_per_s']:,} "
                    f"| {r['before_rss_mib']:.0f} MiB | {r['after_rss_mib']:.0f} MiB | {r['mean_wait_s']:,.0f} s |\n")
    print(f"{len(rows) - differ}/{len(rows)} identical; table in {os.path.join(args.out, 'identical.md')}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
