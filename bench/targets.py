#!/usr/bin/python3
"""The busy-regime speed targets (issue 19), measured in one call, with an optional baseline.

Each target is one `hetsim run SCENARIO --quiet [--policy P]` as the issue states it: the
months without --out, the default city end to end with its outputs written (--out to a fresh
temporary folder, removed after the run), timed RUNS times. With --baseline the baseline binary runs the same target
alternately with the candidate (A B A B ...), so a drift of the machine during the call hits both:
the ratio is what compares across machines, the seconds only on the machine that measured them.
Every run records its wall time and peak resident memory (the child's own rusage, from wait4).

  /usr/bin/python3 bench/targets.py [--hetsim build/hetsim] [--baseline OLD/hetsim
      --baseline-root OLD_TREE] [--runs 3] [--only easy-busy,fifo-busy] [--set KEY=VALUE ...]
      [--json out/targets.json]

--baseline-root: the tree the baseline's scenarios are read from (an older build may not parse
today's scenario files). --set is passed to every run of the city (not to the FGD replay, which has no horizon), e.g.
scenario.horizon=2d for a quick look; the targets are for the whole 30 days. The machine, the date and the binaries' versions
head the table. Exit status 0 when every run succeeded, whether or not the targets held.
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUSY = "scenarios/shanghai-modu-busy.yaml"
OVERLOAD = "scenarios/shanghai-modu-overload.yaml"
# (name, scenario, policy or None for the scenario's own, target seconds, outputs written). The
# policy parameters of themis and sia are the documented ones that meet the month
# (docs/performance.md "Targets").
TARGETS = [
    ("easy-busy", BUSY, None, 10.0, False),
    ("easy-overload", OVERLOAD, None, 30.0, False),
    ("fifo-busy", BUSY, "fifo", 30.0, False),
    ("sjf-busy", BUSY, "sjf", 30.0, False),
    ("srtf-busy", BUSY, "srtf", 30.0, False),
    ("las-busy", BUSY, "las", 30.0, False),
    ("tiresias-busy", BUSY, "tiresias", 30.0, False),
    ("gavel-busy", BUSY, "gavel", 30.0, False),
    ("themis-grouped-busy", BUSY, "themis:program=grouped", 30.0, False),
    ("sia-warm-busy", BUSY, "sia:solver=warm-relaxation", 120.0, False),
    ("default-city", "scenarios/shanghai-modu.yaml", None, 4.0, True),
    ("fgd-openb", "scenarios/repro/fgd-openb-default.yaml", "fgd", 0.4, False),
]


def machine():
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} CPUs"


def version(binary):
    """The binary's path and build time: its --version names the release only."""
    built = datetime.datetime.fromtimestamp(os.path.getmtime(binary), datetime.timezone.utc)
    return f"{binary} (built {built.strftime('%Y-%m-%d %H:%M UTC')})"


def command(binary, root, scenario, policy, sets):
    cmd = [binary, "run", os.path.join(root, scenario), "--quiet"]
    if policy is not None:
        cmd += ["--policy", policy]
    if scenario.endswith("fgd-openb-default.yaml"):
        return cmd + ["--seed", "1"]  # the command: one experiment, seed 1
    for s in sets:
        cmd += ["--set", s]
    return cmd


def timed(cmd, fatal=True, out=False):
    """(wall seconds, peak RSS MiB) of one run. A failed run exits with its error, or, where not
    fatal (the baseline: an older build may not know a target's policy parameter), gives None."""
    with tempfile.TemporaryDirectory(prefix="hetsim-targets-") as d:
        if out:
            cmd = cmd + ["--out", os.path.join(d, "out")]
        # stderr to a file: a pipe read only after the run could fill and stall it.
        with open(os.path.join(d, "stderr"), "w+b") as err_file:
            t0 = time.monotonic()
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err_file)
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.monotonic() - t0
            err_file.seek(0)
            err = err_file.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        if fatal:
            sys.exit(f"{' '.join(cmd)} failed:\n{err}")
        print(f"baseline cannot run it: {' '.join(cmd)}\n{err.strip()}", file=sys.stderr)
        return None
    return wall, usage.ru_maxrss / 1024.0


def summarize(samples):
    walls = [w for w, _ in samples]
    return {
        "median_s": statistics.median(walls),
        "min_s": min(walls),
        "max_s": max(walls),
        "runs": walls,
        "peak_rss_mib": max(r for _, r in samples),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hetsim", default=os.path.join(ROOT, "build", "hetsim"))
    ap.add_argument("--baseline", help="a second hetsim binary, run alternately with --hetsim")
    ap.add_argument("--baseline-root", help="the tree the baseline reads its scenarios from (default: this one)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", help="comma-separated target names (default: all)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("--json", help="write the results here too")
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    names = [t[0] for t in TARGETS]
    chosen = TARGETS
    if args.only:
        wanted = [n for n in args.only.split(",") if n]
        unknown = [n for n in wanted if n not in names]
        if unknown:
            ap.error(f"unknown target(s) {', '.join(unknown)}; known: {', '.join(names)}")
        chosen = [t for t in TARGETS if t[0] in wanted]
    for binary in [args.hetsim] + ([args.baseline] if args.baseline else []):
        if not os.access(binary, os.X_OK):
            ap.error(f"{binary}: not an executable")
    base_root = args.baseline_root or ROOT

    head = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "hetsim": version(args.hetsim),
        "baseline": version(args.baseline) if args.baseline else None,
        "runs": args.runs,
        "set": args.set,
    }
    results = []
    for name, scenario, policy, target, out in chosen:
        cand_cmd = command(args.hetsim, ROOT, scenario, policy, args.set)
        base_cmd = command(args.baseline, base_root, scenario, policy, args.set) if args.baseline else None
        cand, base = [], []
        for _ in range(args.runs):
            cand.append(timed(cand_cmd, out=out))
            if base_cmd:
                one = timed(base_cmd, fatal=False, out=out)
                if one is None:
                    base_cmd, base = None, []
                else:
                    base.append(one)
        shown = " ".join(cand_cmd + (["--out", "TMPDIR"] if out else []))
        row = {"target": name, "limit_s": target, "command": shown, **summarize(cand)}
        # A shortened city run says nothing of the month's target.
        row["met"] = None if args.set and "fgd-openb" not in scenario else row["median_s"] <= target
        if base:
            row["baseline"] = summarize(base)
            row["ratio"] = row["median_s"] / row["baseline"]["median_s"]
        results.append(row)
        print(f"{name}: median {row['median_s']:.2f} s", file=sys.stderr, flush=True)

    print(f"{head['date']}; {head['machine']}; {head['hetsim']}"
          + (f"; baseline {head['baseline']}" if args.baseline else "")
          + f"; {args.runs} run(s) each" + (f"; --set {' '.join(args.set)}" if args.set else ""))
    print()
    cols = ["target", "limit", "median", "range", "peak RSS"] + (["baseline median", "ratio"] if args.baseline else [])
    cols.append("met")
    print("| " + " | ".join(cols) + " |")
    print("|" + "|".join(["---"] + ["---:"] * (len(cols) - 2) + ["---"]) + "|")
    for r in results:
        cells = [r["target"], f"{r['limit_s']:g} s", f"{r['median_s']:.2f} s", f"{r['min_s']:.2f}-{r['max_s']:.2f}",
                 f"{r['peak_rss_mib']:.0f} MiB"]
        if args.baseline:
            if "baseline" in r:
                cells += [f"{r['baseline']['median_s']:.2f} s", f"{r['ratio']:.3f}"]
            else:
                cells += ["cannot run", ""]
        cells.append("n/a (--set)" if r["met"] is None else "yes" if r["met"] else "no")
        print("| " + " | ".join(cells) + " |")
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w") as f:
            json.dump({"head": head, "results": results}, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
