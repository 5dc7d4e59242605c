#!/usr/bin/python3
"""The busy-regime speed targets (issue 19), measured in one call, with an optional baseline.

Each target is one `hetsim run SCENARIO --quiet [--policy P]` as the issue states it: the
months without --out, the default city end to end with its outputs written (--out to a fresh
temporary folder, removed after the run), timed RUNS times after WARMUP untimed runs. With
--baseline the baseline binary runs the same target alternately with the candidate, which of the
two goes first alternating too (A B B A ...), so a drift of the machine during the call hits
both: the ratio is what compares across machines, the seconds only on the machine and in the hour
that measured them. Every run records its wall time and peak resident memory (the child's own
rusage from wait4; it includes the few MiB of this Python process the child was forked from, about
13 MiB for a program that allocates nothing).

  /usr/bin/python3 bench/targets.py [--hetsim build/hetsim] [--baseline OLD/build/hetsim
      --baseline-root OLD] [--runs 3] [--warmup 0] [--only easy-busy,fifo-busy]
      [--set KEY=VALUE ...] [--json out/targets.json]

--baseline-root: the tree the baseline's scenarios are read from (an older build may not parse
today's scenario files). --set is passed to every run of the city (not to the FGD replay, which has
no horizon), e.g. scenario.horizon=2d for a quick look; the targets are for the whole 30 days, so
with --set the verdict is n/a. A median is compared with its limit unrounded.

Exit status 0 when every run succeeded, whether or not the targets held; 1 when a run of the
candidate failed (its row says so, the others are still measured and written) or the baseline
failed after having run the target once. A baseline that fails its first run of a target (an
older build that does not know the target's parameter) leaves that row's baseline cells "cannot
run" and the status 0. Ctrl-C or SIGTERM kills the running child and writes nothing.
"""
import argparse
import datetime
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile

from child_run import run_child

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


def is_hetsim(binary):
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0 and out.stdout.startswith("hetsim")


def command(binary, root, scenario, policy, sets):
    cmd = [binary, "run", os.path.join(root, scenario), "--quiet"]
    if policy is not None:
        cmd += ["--policy", policy]
    if scenario.endswith("fgd-openb-default.yaml"):
        return cmd + ["--seed", "1"]  # the command: one experiment, seed 1
    for s in sets:
        cmd += ["--set", s]
    return cmd


class RunFailed(Exception):
    pass


def timed(cmd, out=False):
    """(wall seconds, peak RSS MiB) of one run; RunFailed with its stderr if it fails. The child is
    killed and its folder removed whatever way this is left (Ctrl-C, SIGTERM: see main)."""
    with tempfile.TemporaryDirectory(prefix="hetsim-targets-") as d:
        if out:
            cmd = cmd + ["--out", os.path.join(d, "out")]
        run = run_child(cmd)
    if run.returncode != 0:
        raise RunFailed(f"{' '.join(cmd)}\n{run.stderr.strip()}")
    return run.wall_s, run.peak_rss_mib


def summarize(samples):
    walls = [w for w, _ in samples]
    return {
        "median_s": statistics.median(walls),
        "min_s": min(walls),
        "max_s": max(walls),
        "runs": walls,
        "peak_rss_mib": max(r for _, r in samples),
    }


def seconds(v):
    return f"{v:.3f}" if v < 1 else f"{v:.2f}"


def measure(args, chosen, base_root):
    """The rows, in target order; a failed run ends its own row only."""
    results = []
    for name, scenario, policy, limit, out in chosen:
        cand_cmd = command(args.hetsim, ROOT, scenario, policy, args.set)
        base_cmd = command(args.baseline, base_root, scenario, policy, args.set) if args.baseline else None
        row = {"target": name, "limit_s": limit, "command": " ".join(cand_cmd + (["--out", "TMPDIR"] if out else []))}
        if base_cmd:
            row["baseline_command"] = " ".join(base_cmd + (["--out", "TMPDIR"] if out else []))
        cand, base = [], []
        base_state = "ok" if base_cmd else None
        try:
            for _ in range(args.warmup):
                timed(cand_cmd, out=out)
            for k in range(args.runs):
                # Which binary goes first alternates (A B B A ...), so neither always meets a cold start.
                order = ["cand", "base"] if k % 2 == 0 else ["base", "cand"]
                for who in order:
                    if who == "cand":
                        cand.append(timed(cand_cmd, out=out))
                    elif base_state == "ok":
                        try:
                            base.append(timed(base_cmd, out=out))
                        except RunFailed as e:
                            # An older build may not know a target's parameter: it fails on its
                            # first run. A failure after a success is a failure of the call.
                            base_state = "cannot run" if not base else "failed"
                            print(f"baseline {base_state}: {e}", file=sys.stderr)
        except RunFailed as e:
            print(f"{name} failed: {e}", file=sys.stderr, flush=True)
            row["failed"] = True
            results.append(row)
            continue
        row.update(summarize(cand))
        # A shortened city run says nothing of the month's target (the FGD replay takes no --set).
        row["met"] = None if args.set and "fgd-openb" not in scenario else row["median_s"] <= limit
        if base_state == "ok":
            row["baseline"] = summarize(base)
            row["ratio"] = row["median_s"] / row["baseline"]["median_s"]
        elif base_state is not None:
            row["baseline"] = base_state
            row["failed"] = base_state == "failed"
        results.append(row)
        print(f"{name}: median {seconds(row['median_s'])} s", file=sys.stderr, flush=True)
    return results


def table(head, results, with_baseline):
    lines = [f"{head['date']}; {head['machine']}; {head['hetsim']}"
             + (f"; baseline {head['baseline']}" if with_baseline else "")
             + f"; {head['runs']} run(s) each" + (f", {head['warmup']} warm-up" if head["warmup"] else "")
             + (f"; --set {' '.join(head['set'])}" if head["set"] else ""), ""]
    cols = ["target", "limit", "median", "range", "peak RSS"] + (["baseline median", "ratio"] if with_baseline else [])
    cols.append("met")
    lines.append("| " + " | ".join(cols) + " |")
    lines.append("|" + "|".join(["---"] + ["---:"] * (len(cols) - 2) + ["---"]) + "|")
    for r in results:
        if "median_s" not in r:
            cells = [r["target"], f"{r['limit_s']:g} s", "failed", "", ""] + (["", ""] if with_baseline else []) + [""]
            lines.append("| " + " | ".join(cells) + " |")
            continue
        cells = [r["target"], f"{r['limit_s']:g} s", f"{seconds(r['median_s'])} s",
                 f"{seconds(r['min_s'])}-{seconds(r['max_s'])}", f"{r['peak_rss_mib']:.0f} MiB"]
        if with_baseline:
            b = r.get("baseline")
            if isinstance(b, dict):
                cells += [f"{seconds(b['median_s'])} s", f"{r['ratio']:.3f}"]
            else:
                cells += [b or "", ""]
        cells.append("n/a (--set)" if r["met"] is None else "yes" if r["met"] else "no")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def interrupt(signum, frame):
    raise KeyboardInterrupt


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hetsim", default=os.path.join(ROOT, "build", "hetsim"))
    ap.add_argument("--baseline", help="a second hetsim binary, run alternately with --hetsim")
    ap.add_argument("--baseline-root", help="the tree the baseline reads its scenarios from (default: this one)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=0, help="untimed runs of --hetsim before each target's runs")
    ap.add_argument("--only", help="comma-separated target names (default: all)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("--json", help="write the results here too")
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    if args.warmup < 0:
        ap.error("--warmup must be at least 0")
    names = [t[0] for t in TARGETS]
    chosen = TARGETS
    if args.only is not None:
        wanted = [n.strip() for n in args.only.split(",") if n.strip()]
        if not wanted:
            ap.error(f"--only names no target; known: {', '.join(names)}")
        unknown = [n for n in wanted if n not in names]
        if unknown:
            ap.error(f"unknown target(s) {', '.join(unknown)}; known: {', '.join(names)}")
        chosen = [t for t in TARGETS if t[0] in wanted]
    for binary in [args.hetsim] + ([args.baseline] if args.baseline else []):
        if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
            ap.error(f"{binary}: not an executable file")
        if not is_hetsim(binary):
            ap.error(f"{binary}: its --version does not name hetsim")
    if args.baseline_root is not None:
        if not args.baseline:
            ap.error("--baseline-root needs --baseline")
        if not os.path.isdir(os.path.join(args.baseline_root, "scenarios")):
            ap.error(f"--baseline-root {args.baseline_root}: no scenarios/ folder there")
    base_root = args.baseline_root or ROOT
    if args.json:
        # Checked before an hour of runs, not after.
        parent = os.path.dirname(os.path.abspath(args.json))
        try:
            os.makedirs(parent, exist_ok=True)
        except OSError as e:
            ap.error(f"--json {args.json}: {e}")
        if os.path.isdir(args.json) or not os.access(parent, os.W_OK):
            ap.error(f"--json {args.json}: cannot write a file there")

    # SIGTERM as Ctrl-C: the running child is killed and its temporary folder removed.
    signal.signal(signal.SIGTERM, interrupt)
    head = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "hetsim": version(args.hetsim),
        "baseline": version(args.baseline) if args.baseline else None,
        "baseline_root": base_root if args.baseline else None,
        "runs": args.runs,
        "warmup": args.warmup,
        "set": args.set,
    }
    try:
        results = measure(args, chosen, base_root)
    except KeyboardInterrupt:
        sys.exit("interrupted: no table written")
    print(table(head, results, bool(args.baseline)))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"head": head, "results": results}, f, indent=2)
            f.write("\n")
    if any(r.get("failed") for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
